"""Trust roots: the CA certificates in `trust-roots/` that a signer must chain to, listed and added.

A certificate handed over (from the page or a file) is checked before it is kept: a .pem/.crt/.cer of
reasonable size, one or more X.509 certificates in PEM or DER, every one a CA certificate, and no
private key. Only then is it written into `trust-roots/`, under its own name, never over another file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from pipeline.archive.signature_policy import TRUST_ROOTS
from pipeline.archive.signatures import CERT_SUFFIXES, parse_certificates
from pipeline.model import DvkError
from pipeline.platform import files

MAX_ROOT_BYTES = 1024 * 1024  # a CA certificate is a few kilobytes; a bundle of a hundred is far below


class TrustRootRefused(DvkError):
    """A file handed over as a trust root that is not one; the message says why and what to give."""


@dataclass(frozen=True)
class TrustRoot:
    """One CA certificate kept in trust-roots/, as a clerk sees it."""

    file: str  # the file in trust-roots/ that holds it
    subject: str  # "Common Name: …, Organization: …"
    valid_until: date
    fingerprint: str  # SHA-256 of the certificate (DER), hex


def read_roots(data: bytes, name: str) -> list[asn1_x509.Certificate]:
    """The CA certificates in `data`, or TrustRootRefused naming the file and the reason."""
    if Path(name).suffix.lower() not in CERT_SUFFIXES:
        raise TrustRootRefused(f"Tệp {name} không phải chứng thư gốc (cần tệp .pem, .crt, .cer hoặc .der).")
    if len(data) > MAX_ROOT_BYTES:
        raise TrustRootRefused(f"Tệp {name} lớn quá mức của một chứng thư (hơn 1 MB); không lưu.")
    if pem.detect(data) and any(kind.endswith("PRIVATE KEY") for kind, _, _ in _blocks(data)):
        raise TrustRootRefused(
            f"Tệp {name} chứa khóa bí mật: không lưu. Chỉ tải lên chứng thư gốc công khai của tổ chức "
            "chứng thực; khóa bí mật không được chép ra khỏi thiết bị ký."
        )
    try:
        certificates = parse_certificates(data)
    except (ValueError, TypeError) as exc:
        raise TrustRootRefused(
            f"Tệp {name} không đọc được như chứng thư X.509 (dạng PEM hoặc DER); không lưu."
        ) from exc
    if not certificates:
        raise TrustRootRefused(f"Tệp {name} không chứa chứng thư nào; không lưu.")
    for certificate in certificates:
        if not certificate.ca:
            raise TrustRootRefused(
                f"Chứng thư trong {name} ({subject_name(certificate)}) là chứng thư của người ký, "
                "không phải chứng thư gốc của tổ chức chứng thực: tải lên chứng thư gốc (CA) của tổ chức "
                "đã cấp nó."
            )
    return certificates


def _blocks(data: bytes) -> list[tuple[str, dict, bytes]]:
    try:
        return list(pem.unarmor(data, multiple=True))
    except ValueError:
        return []


def subject_name(certificate: asn1_x509.Certificate) -> str:
    """The name a clerk recognises: the certificate's common name, else its whole subject."""
    return str(certificate.subject.native.get("common_name") or certificate.subject.human_friendly)


def describe(certificate: asn1_x509.Certificate, file: str) -> TrustRoot:
    return TrustRoot(
        file=file,
        subject=subject_name(certificate),
        valid_until=certificate["tbs_certificate"]["validity"]["not_after"].native.date(),
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
    )


def list_roots(folder: Path) -> list[TrustRoot]:
    """The CA certificates kept in `folder` (trust-roots/), file by file; unreadable files left out
    (the signature check names them)."""
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.is_file() and path.suffix.lower() in CERT_SUFFIXES:
            try:
                found += [describe(item, path.name) for item in parse_certificates(path.read_bytes())]
            except (ValueError, TypeError, OSError):
                continue
    return found


def add_root(folder: Path, name: str, data: bytes) -> tuple[list[TrustRoot], bool]:
    """Check `data` and keep it in `folder` as `name` (a free name: "ca (2).pem" beside an older "ca.pem").
    Returns the roots it holds and whether it was written (False: every one was already trusted)."""
    from pipeline.names import numbered, safe_name

    certificates = read_roots(data, name)
    known = {root.fingerprint for root in list_roots(folder)}
    if all(hashlib.sha256(item.dump()).hexdigest() in known for item in certificates):
        return [describe(item, name) for item in certificates], False
    folder.mkdir(parents=True, exist_ok=True)
    wanted = safe_name(name, fallback="chung-thu-goc.pem")
    taken = 1
    target = folder / wanted
    while target.exists():  # never over another file: "ca (2).pem"
        taken += 1
        target = folder / numbered(wanted, taken)
    files.write_atomically(target, lambda path: Path(path).write_bytes(data), target.suffix)
    return [describe(item, target.name) for item in certificates], True


__all__ = ["TRUST_ROOTS", "TrustRoot", "TrustRootRefused", "add_root", "list_roots", "read_roots"]

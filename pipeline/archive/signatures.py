"""The signatures of a PDF checked against the workspace's trust roots (pyHanko)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from pipeline.vntext import nfc

WORST_FIRST = ("tampered", "modified-after-signing", "untrusted", "trusted")
REVOCATION_NOTE = "Chưa kiểm tra tình trạng thu hồi chứng thư số (không tra cứu CRL/OCSP qua mạng)."
TRUST_ROOTS = "trust-roots"
CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def load_trust_roots(folder: Path) -> tuple[list[asn1_x509.Certificate], list[str]]:
    """The PEM/DER certificates in `trust-roots/`, and notes on what could not be used."""
    roots: list[asn1_x509.Certificate] = []
    notes: list[str] = []
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in paths:
        if not path.is_file() or path.suffix.lower() not in CERT_SUFFIXES:
            continue
        try:
            roots.extend(parse_certificates(path.read_bytes()))
        except (ValueError, TypeError, OSError) as exc:
            notes.append(f"Bỏ qua {path.name} trong {TRUST_ROOTS}/: không đọc được chứng thư ({exc}).")
    if not roots:
        notes.append(
            f"Thư mục {TRUST_ROOTS}/ của thư mục làm việc chưa có chứng thư gốc nào (PEM/DER), "
            "nên không xác nhận được người ký là đáng tin cậy."
        )
    return roots, notes


def parse_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    ders = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
    certificates = [asn1_x509.Certificate.load(der) for der in ders]
    for certificate in certificates:
        certificate.native  # noqa: B018 - asn1crypto parses lazily; fail now on a broken file
    return certificates


def check_signatures(
    data: bytes, fields: list[SignatureField], roots: list[asn1_x509.Certificate]
) -> list[SignatureCheck]:
    """Validate each signature with pyHanko (no network; revocation soft-fail, i.e. not checked)."""
    try:
        embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        by_range = {tuple(int(n) for n in sig.sig_object.raw_get("/ByteRange")): sig for sig in embedded}
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: a structure pyHanko cannot read is broken
        note = f"Không đọc được cấu trúc chữ ký của tệp: {exc}"
        return [SignatureCheck(f.name, f.byte_range, f.signed_at, "", "tampered", (note,)) for f in fields]
    last_end = max(sum(f.byte_range[-2:]) for f in fields)
    return [
        _check_one(f, by_range.get(f.byte_range), roots, sum(f.byte_range[-2:]) == last_end) for f in fields
    ]


def _check_one(form_field: SignatureField, signature, roots: list, is_last: bool) -> SignatureCheck:
    checked = SignatureCheck(form_field.name, form_field.byte_range, form_field.signed_at, "", "tampered")
    if signature is None:
        return replace(checked, notes=(f"Chữ ký {form_field.name}: pyHanko không tìm thấy chữ ký này.",))
    # No network (allow_fetching=False); "soft-fail" accepts missing revocation data, so revocation is
    # reported as not checked (REVOCATION_NOTE) rather than silently assumed.
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - a signature that cannot be evaluated is not intact
        return replace(checked, notes=(f"Chữ ký {form_field.name} không kiểm tra được: {exc}",))
    signer = nfc(status.signing_cert.subject.native.get("common_name", "") or "")
    issuer = nfc(status.signing_cert.issuer.native.get("common_name", "") or "")
    checked = replace(checked, signer=signer, issuer=issuer)
    if not (status.intact and status.valid):
        note = f"Chữ ký {form_field.name} ({signer}): nội dung được ký không còn khớp với chữ ký."
        return replace(checked, notes=(note,))
    if not _changes_permitted(status):
        note = f"Chữ ký {form_field.name} ({signer}): có thay đổi nội dung được thêm vào tệp sau khi ký."
        return replace(checked, status="modified-after-signing", notes=(note,))
    checked = replace(checked, notes=_permitted_change_notes(form_field.name, status, is_last))
    if not status.trusted:
        indication = status.trust_problem_indic
        problem = getattr(indication, "name", str(indication)) if indication else "không rõ"
        note = (
            f"Chữ ký {form_field.name}: chứng thư của {signer} không được xác nhận theo các chứng thư gốc "
            f"trong {TRUST_ROOTS}/ ({problem})."
        )
        return replace(checked, status="untrusted", notes=(*checked.notes, note))
    return replace(checked, status="trusted")


def _changes_permitted(status) -> bool:
    """True when every revision after this signature is one the signature allows.

    pyHanko's difference analysis sorts later revisions into validation data (DSS, timestamps), form
    filling and further signatures, or anything else; `docmdp_ok` is False for "anything else" and
    for a level above what the signature's DocMDP permission allows, None when it cannot tell.
    """
    return status.coverage == SignatureCoverageLevel.ENTIRE_FILE or status.docmdp_ok is True


def _permitted_change_notes(name: str, status, is_last: bool) -> tuple[str, ...]:
    level = status.modification_level
    if not is_last or level is None or level.value <= ModificationLevel.LTA_UPDATES.value:
        return ()
    what = "điền biểu mẫu hoặc thêm chữ ký" if level == ModificationLevel.FORM_FILLING else "thêm ghi chú"
    return (f"Chữ ký {name}: sau khi ký tệp có thay đổi thuộc loại chữ ký cho phép ({what}).",)


@dataclass(frozen=True)
class SignatureCheck:
    """One signature as read with pypdf and judged with pyHanko."""

    field: str
    byte_range: tuple[int, ...]
    signed_at: datetime | None  # the signer's claimed time (/M), not a trusted timestamp
    signer: str  # subject CN of the signing certificate
    status: str  # trusted | untrusted | tampered | modified-after-signing
    notes: tuple[str, ...] = ()
    issuer: str = ""  # issuer CN of the signing certificate (names the root to add for "untrusted")


@dataclass(frozen=True)
class SignatureField:
    name: str
    byte_range: tuple[int, ...]
    signed_at: datetime | None


def signature_fields(reader: PdfReader) -> list[SignatureField]:
    """Every filled signature field (/FT /Sig with a /V), read with pypdf."""
    found = []
    for name, form_field in (reader.get_fields() or {}).items():
        value = form_field.get("/V")
        if form_field.get("/FT") != "/Sig" or value is None:
            continue
        value = value.get_object()
        byte_range = tuple(int(number) for number in value.get("/ByteRange", []))
        found.append(SignatureField(nfc(name), byte_range, parse_pdf_date(value.get("/M"))))
    return found


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?")


def parse_pdf_date(value: object) -> datetime | None:
    """PDF date strings ("D:20201223091500+07'00'"); None when absent or malformed."""
    match = _PDF_DATE.match(str(value or ""))
    if not match:
        return None
    defaults = (0, 1, 1, 0, 0, 0)  # year, month, day, hour, minute, second
    parts = [
        int(part) if part else default for part, default in zip(match.groups()[:6], defaults, strict=True)
    ]
    zone = (match.group(7) or "").replace("'", "")
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*parts)
    stamp += "+00:00" if zone == "Z" else (f"{zone[:3]}:{zone[3:]}" if zone else "")
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None

"""What a PDF is: its text, its draft codes, whether it has images, its signature fields' facts."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from pipeline.archive.register import CODE_PATTERN
from pipeline.archive.signatures import (
    REVOCATION_NOTE,
    TRUST_ROOTS,
    WORST_FIRST,
    SignatureCheck,
    check_signatures,
    load_trust_roots,
    signature_fields,
)
from pipeline.config import Workspace
from pipeline.model import DvkError
from pipeline.vntext import nfc


@dataclass(frozen=True)
class PdfFacts:
    name: str
    sha256: str
    text: str
    codes: tuple[str, ...]
    status: str  # one of SIGNATURE_STATUSES
    signer: str
    signatures: tuple[SignatureCheck, ...] = ()
    notes: tuple[str, ...] = ()


def inspect_pdf(workspace: Workspace, data: bytes, name: str) -> PdfFacts:
    """Read a PDF without changing it: its text, draft codes, and signature status."""
    if b"%PDF-" not in data[:1024]:
        raise DvkError(f"Tệp {name} không phải tệp PDF (không có phần đầu %PDF-).")
    reader = _open_pdf(data, name)
    text = page_text(reader)
    try:
        fields = signature_fields(reader)
        images = has_images(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DvkError(f"Không đọc được cấu trúc tệp PDF {name}: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    codes = find_codes(text)
    if fields:
        roots, notes = load_trust_roots(workspace.root / TRUST_ROOTS)
        checks = check_signatures(data, fields, roots)
        status = next(status for status in WORST_FIRST if any(check.status == status for check in checks))
        signers = dict.fromkeys(check.signer for check in checks if check.signer)
        notes += [note for check in checks for note in check.notes] + [REVOCATION_NOTE]
        return PdfFacts(name, digest, text, codes, status, "; ".join(signers), tuple(checks), tuple(notes))
    if "".join(text.split()):
        return PdfFacts(name, digest, text, codes, "unsigned", "")
    if images:
        return PdfFacts(name, digest, text, codes, "scan", "")
    raise DvkError(f"Tệp {name} không có chữ, hình ảnh hay chữ ký số nào: không phải bản văn bản đã ký.")


def _open_pdf(data: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DvkError(f"Tệp {name} được đặt mật khẩu; hãy lưu trữ bản không đặt mật khẩu.")
        reader.pages  # noqa: B018 - parse the page tree now, so a broken file fails here
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise DvkError(f"Không đọc được tệp PDF {name}: {exc}") from exc
    return reader


def page_text(reader: PdfReader) -> str:
    """The text layer of every page (NFC); a page pypdf cannot read counts as having no text."""
    parts = []
    for page in reader.pages:
        try:
            parts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - untrusted bytes: a broken content stream is just "no text"
            parts.append("")
    return nfc("\n".join(parts))


def find_codes(text: str) -> tuple[str, ...]:
    """Draft codes in the text; also tried without spaces, as small footer text may be split."""
    found = CODE_PATTERN.findall(text) or CODE_PATTERN.findall("".join(text.split()))
    return tuple(dict.fromkeys(f"DVK-{year}-{kind}-{tail}" for year, kind, tail in found))


def has_images(reader: PdfReader) -> bool:
    """True when a page draws an image, directly or inside a form XObject (how scanners often wrap it)."""
    return any(_draws_image(page.get("/Resources"), depth=3) for page in reader.pages)


def _draws_image(resources, depth: int) -> bool:
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    for ref in (xobjects.get_object() if xobjects is not None else {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            return True
        if (
            xobject.get("/Subtype") == "/Form"
            and depth > 0
            and _draws_image(xobject.get("/Resources"), depth - 1)
        ):
            return True
    return False

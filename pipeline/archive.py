"""The archive: file the signed decisions without changing a signed byte (the module that uses pyHanko).

For each PDF: identify its draft (the code printed in the draft's footer, else --number/--date), check
what it is (digitally signed, a scan, or a plain text PDF) and, when signed, every signature against the
workspace's trust roots; then, holding the register's write lock, give it its number, copy the original
into a BagIt bag built in `outputs/archive/.staging/` and rename the bag into place just before the
register commits. A run killed before the commit leaves only a staging folder (removed by the next run);
the register and the archive never hold half an entry.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import sqlite3
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import bagit
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from pipeline import __version__
from pipeline.build import template_path, with_number
from pipeline.config import Config, Workspace
from pipeline.eventlog import EVENTS_NAME, append_events, chain_breaks, event
from pipeline.model import ERROR, DvkError, Problem
from pipeline.platform import files
from pipeline.platform.process import process_alive
from pipeline.register import (
    CODE_PATTERN,
    TYPE_NAMES,
    Draft,
    Issued,
    attached_drafts,
    document_symbol,
    file_sha256,
    find_draft,
    find_issued,
    format_day,
    format_number,
    insert_issued,
    list_issued,
    list_superseded,
    next_number,
    number_taken,
    numbered_draft,
    numbering_scope,
    open_register,
    relative_path,
    replace_file,
    set_final_copies,
    unissued_drafts,
    write_transaction,
)
from pipeline.render import render_document
from pipeline.signature_policy import Acceptance, Refusal, judge
from pipeline.vntext import nfc, strip_marks

# pyHanko and pypdf log tracebacks for every broken signature or odd object; the findings reach the
# user as Vietnamese notes instead, so keep the libraries quiet unless the application sets up logging.
for _name in ("pyhanko", "pyhanko_certvalidator", "pypdf", "bagit"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

SIGNATURE_STATUSES = ("trusted", "untrusted", "tampered", "modified-after-signing", "scan", "unsigned")
SIGNATURE_LABELS = {
    "trusted": "chữ ký số hợp lệ, người ký được tin cậy",
    "untrusted": "chữ ký số nguyên vẹn nhưng chứng thư người ký không thuộc chứng thư gốc tin cậy",
    "tampered": "chữ ký số KHÔNG hợp lệ: phần được ký đã bị sửa",
    "modified-after-signing": "chữ ký số nguyên vẹn nhưng tệp có thay đổi được thêm vào sau khi ký",
    "scan": "bản quét (không có lớp chữ, không có chữ ký số)",
    "unsigned": "tệp PDF có chữ nhưng không có chữ ký số",
}
WORST_FIRST = ("tampered", "modified-after-signing", "untrusted", "trusted")
REVOCATION_NOTE = "Chưa kiểm tra tình trạng thu hồi chứng thư số (không tra cứu CRL/OCSP qua mạng)."
TRUST_ROOTS = "trust-roots"
CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
ARCHIVE_DIR = "archive"
STAGING = ".staging"
SUPERSEDED = "superseded"
QUARANTINE = "quarantine"  # refused tampered files, kept with their events; never numbered
# Every tag file a bag dvk makes holds, and nothing else (a missing or an extra one fails verify).
BAG_TAG_FILES = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", EVENTS_NAME}
# Test hook (documented in tests/test_archive.py): seconds to pause halfway through copying the
# original into the staging bag, so a test can kill a run mid-copy.
SLOW_COPY_ENV = "DVK_TEST_SLOW_COPY"


# ---------------------------------------------------------------------------- what a PDF is


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


# ---------------------------------------------------------------------------- signatures


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
        problem = status.trust_problem_indic.name if status.trust_problem_indic else "không rõ"
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


# ---------------------------------------------------------------------------- archiving


@dataclass(frozen=True)
class ArchiveOptions:
    number: int | None = None
    issued: date | None = None
    replace_reason: str | None = None
    code: str | None = None
    acceptance: Acceptance = field(default_factory=Acceptance)


@dataclass(frozen=True)
class ArchiveEntry:
    """One filed document, in the shape of the JSON contract (plus outcome and notes)."""

    code: str | None
    number: int
    symbol: str
    date: date
    subject: str
    signature: str
    signer: str
    sha256: str
    path: str  # the bag, relative to the workspace root
    printed: str  # "123-QĐ/TU"
    outcome: str = "archived"  # archived | unchanged | replaced | registered (from the register)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat(),
            "subject": self.subject,
            "signature": self.signature,
            "signer": self.signer,
            "sha256": self.sha256,
            "path": self.path,
            "outcome": self.outcome,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RefusedEntry:
    """A file the signature policy refused: no number used, nothing in the register."""

    file: str
    signature: str
    signer: str
    sha256: str
    reason: str  # Vietnamese: why, and what the clerk can do
    code: str | None = None  # the draft code printed on the page, if any
    quarantine: str | None = None  # where a tampered file is kept, relative to the workspace root
    notes: tuple[str, ...] = ()
    outcome: str = "refused"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "code": self.code,
            "number": None,
            "signature": self.signature,
            "signer": self.signer,
            "sha256": self.sha256,
            "path": self.quarantine,
            "outcome": self.outcome,
            "reason": self.reason,
            "notes": list(self.notes),
        }


class ArchiveRefused(DvkError):
    """A file could not be filed; `done` holds the outcomes of the files before it in the same run."""

    def __init__(self, message: str, done: list[ArchiveEntry | RefusedEntry]) -> None:
        super().__init__(message)
        self.done = done


def archive_files(
    workspace: Workspace,
    pdfs: list[Path],
    number: int | None = None,
    issued: date | None = None,
    replace_reason: str | None = None,
    code: str | None = None,
    acceptance: Acceptance | None = None,
) -> list[ArchiveEntry | RefusedEntry]:
    """File each signed PDF: identify, check, number, bag, register.

    A file the signature policy refuses gets a RefusedEntry and the run goes on; any other problem
    (an unknown draft, a number already used) stops the run with ArchiveRefused."""
    if len(pdfs) > 1 and (number is not None or code is not None):
        raise DvkError("--number và --code chỉ dùng khi lưu trữ một tệp mỗi lần.")
    options = ArchiveOptions(
        number, issued, (replace_reason or "").strip() or None, code, acceptance or Acceptance()
    )
    _clean_stale_staging(workspace)
    conn = open_register(workspace)
    done: list[ArchiveEntry | RefusedEntry] = []
    try:
        for pdf in pdfs:
            try:
                done.append(archive_one(workspace, conn, Path(pdf), options))
            except DvkError as exc:
                if not done:
                    raise
                filed = ", ".join(entry.printed for entry in done if isinstance(entry, ArchiveEntry))
                before = f" (Các tệp trước đã được lưu trữ: {filed}.)" if filed else ""
                raise ArchiveRefused(f"{exc}{before}", done) from exc
    finally:
        conn.close()
    return done


def archive_one(
    workspace: Workspace, conn: sqlite3.Connection, pdf: Path, options: ArchiveOptions
) -> ArchiveEntry | RefusedEntry:
    """File one PDF: read and check it outside the lock, then number, bag and register it in one go."""
    if not pdf.is_file():  # a FIFO or device is never opened: reading it could wait forever
        what = "không phải tệp thông thường (FIFO, thiết bị…)" if pdf.exists() else "không tồn tại"
        raise DvkError(f"Tệp {pdf} {what}.")
    try:
        data = pdf.read_bytes()
    except OSError as exc:
        raise DvkError(f"Không đọc được tệp {pdf}: {exc.strerror or exc}") from exc
    events = [event("received", "ok", file=pdf.name, size=len(data))]
    facts = inspect_pdf(workspace, data, pdf.name)
    events.append(event("hashed", "ok", sha256=facts.sha256))
    events.append(event("signature checked", facts.status, signer=facts.signer, notes=list(facts.notes)))
    if find_issued(conn, sha256=facts.sha256) is None:  # a file filed before is "unchanged", not judged again
        refusal = judge_signature(facts, options.acceptance)
        if refusal is not None:
            return refuse(workspace, facts, data, events, refusal)
        facts = _accepted_by_reason(facts, options.acceptance, events)
    staging = _new_staging_dir(workspace)
    moves = Moves()
    try:
        with write_transaction(conn):
            entry = _file_document(workspace, conn, facts, data, options, events, staging, moves)
    except BaseException:
        moves.undo()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if entry.outcome == "archived":
        entry = replace(entry, notes=entry.notes + tuple(make_final_copies(workspace, conn, entry)))
    return entry


def judge_signature(facts: PdfFacts, acceptance: Acceptance) -> Refusal | None:
    issuers = dict.fromkeys(check.issuer for check in facts.signatures if check.status == facts.status)
    return judge(facts.name, facts.status, facts.signer, "; ".join(filter(None, issuers)), acceptance)


def _accepted_by_reason(facts: PdfFacts, acceptance: Acceptance, events: list[dict]) -> PdfFacts:
    """Record the clerk's reason for filing what the policy refuses by default (event log and register)."""
    reason = acceptance.reason_for(facts.status)
    if not reason:
        return facts
    events.append(event("accepted with reason", facts.status, reason=reason))
    note = f"Văn thư nhận lưu trữ dù {SIGNATURE_LABELS[facts.status]}; lý do: {reason}"
    return replace(facts, notes=(*facts.notes, note))


def refuse(
    workspace: Workspace, facts: PdfFacts, data: bytes, events: list[dict], refusal: Refusal
) -> RefusedEntry:
    """No number, nothing in the register; a tampered file is kept in quarantine with its events."""
    events.append(event("refused", refusal.status, reason=refusal.message))
    kept = quarantine(workspace, facts, data, events) if refusal.quarantine else None
    code = facts.codes[0] if facts.codes else None
    return RefusedEntry(
        facts.name, facts.status, facts.signer, facts.sha256, refusal.message, code, kept, facts.notes
    )


def quarantine(workspace: Workspace, facts: PdfFacts, data: bytes, events: list[dict]) -> str:
    """Keep the refused bytes in outputs/archive/quarantine/<hash>/ with the chained event log.

    Built in a staging folder and renamed into place; the same file refused again only adds events."""
    folder = archive_root(workspace) / QUARANTINE / facts.sha256[:16]
    if not folder.is_dir():
        staging = _new_staging_dir(workspace)
        try:
            built = staging / "quarantine"
            built.mkdir()
            copy_bytes(data, built / f"{slugify(Path(facts.name).stem) or 'tep'}.pdf")
            append_events(built, events)
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.rename(built, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    else:
        append_events(folder, events)
    return relative_path(workspace, folder)


def _file_document(workspace, conn, facts, data, options, events, staging, moves):
    """Inside the write lock: decide the number, stage the bag, move it into place, write the register."""
    config = workspace.config
    same = find_issued(conn, sha256=facts.sha256)
    if same is not None:
        printed = format_number(config, same.number, same.symbol)
        note = f"Tệp {facts.name} đã được lưu trữ là {printed} (cùng mã băm SHA-256): không làm gì thêm."
        return replace(entry_from_issued(config, same), outcome="unchanged", notes=(note,))
    draft, notes = identify_draft(workspace, conn, facts, options)
    plan = plan_issue(workspace, conn, facts, draft, options)
    if plan.existing is not None and not options.replace_reason:
        raise DvkError(_already_archived_message(config, plan.existing, facts.name))
    issued = _new_issued(workspace, conn, facts, plan)
    if plan.existing is not None:
        events.append(event("replaced", "ok", reason=options.replace_reason, previous=plan.existing.sha256))
    bag, head = stage_bag(workspace, data, facts, issued, events, staging)
    issued = replace(issued, events_head=head)
    final = workspace.root / issued.archive_path
    old_rel = _supersede(workspace, plan.existing, moves) if plan.existing is not None else None
    notes += _clear_orphan(final, staging, moves)
    moves.move(bag, final)
    if plan.existing is not None:
        superseded = event("superseded", "ok", reason=options.replace_reason)
        old_head = append_events(workspace.root / old_rel, [superseded])
        record = replace_file(conn, plan.existing, issued, options.replace_reason, old_rel, old_head)
    else:
        record = insert_issued(conn, config, issued)
    outcome = "replaced" if plan.existing is not None else "archived"
    return replace(
        entry_from_issued(config, record), outcome=outcome, notes=(*notes, *plan.notes, *facts.notes)
    )


def _already_archived_message(config: Config, existing: Issued, name: str) -> str:
    return (
        f"Văn bản {format_number(config, existing.number, existing.symbol)} đã có bản lưu trữ khác "
        f'({existing.file_name}). Nếu {name} là bản đúng, chạy lại với --replace "LÝ DO"; '
        f"bản cũ được giữ trong {ARCHIVE_DIR}/{SUPERSEDED}/."
    )


def _new_issued(workspace: Workspace, conn, facts: PdfFacts, plan: Plan) -> Issued:
    config = workspace.config
    scope = plan.scope
    number = plan.number if plan.number is not None else next_number(conn, plan.symbol, scope)
    if plan.existing is None:
        taken = find_issued(conn, number=(number, plan.symbol, scope))
        if taken is not None:
            raise number_taken(conn, config, taken)
    # Another body's numbers ("01-QĐ/ĐU" of each commune) need its name to keep folders apart.
    body = issuing_body(config, plan.draft).name
    slug = slugify(f"{format_number(config, number, plan.symbol)} {body or ''}")
    return Issued(
        number=number,
        symbol=plan.symbol,
        scope=scope,
        date=plan.issued,
        kind=plan.draft.kind,
        subject=plan.draft.subject,
        signer=facts.signer or config.signer["name"],
        recipients=_recipients(config, plan.draft),
        code=plan.draft.code,
        sha256=facts.sha256,
        file_name=facts.name,
        archive_path=f"outputs/{ARCHIVE_DIR}/{plan.issued.year}/{slug}",
        signature=facts.status,
        notes=facts.notes,
    )


def _recipients(config: Config, draft: Draft) -> tuple[str, ...]:
    """The "Nơi nhận" lines of the draft without list marks ("- …;"), the "Lưu …" line included."""
    lines = draft.context.get("recipients")
    if not (isinstance(lines, list) and all(isinstance(line, str) for line in lines)):
        lines = [*config.decision["recipients"], f"Lưu {config.issuer['office']}"]
    cleaned = (line.strip().lstrip("-").strip().rstrip(";.,").strip() for line in lines)
    return tuple(line for line in cleaned if line)


def entry_from_issued(config: Config, issued: Issued) -> ArchiveEntry:
    return ArchiveEntry(
        code=issued.code,
        number=issued.number,
        symbol=issued.symbol,
        date=issued.date,
        subject=issued.subject,
        signature=issued.signature,
        signer=issued.signer,
        sha256=issued.sha256,
        path=issued.archive_path,
        printed=format_number(config, issued.number, issued.symbol),
        outcome="registered",
        notes=issued.notes,
    )


def slugify(text: str) -> str:
    """ "123-QĐ/TU" -> "123-qd-tu": a folder name that survives any file system."""
    return "-".join(re.findall(r"[a-z0-9]+", strip_marks(text).lower()))


# ---------------------------------------------------------------------------- identifying the draft


def identify_draft(
    workspace: Workspace, conn: sqlite3.Connection, facts: PdfFacts, options: ArchiveOptions
) -> tuple[Draft, list[str]]:
    """The draft a PDF belongs to: the code on its pages, else --code/--number, else a clear refusal."""
    if facts.codes:
        return _draft_from_codes(conn, facts, options), []
    if options.number is None or options.issued is None:
        raise DvkError(_missing_code_message(facts))
    if options.code:
        return numbered_draft(conn, _known_draft(conn, options.code)), []
    symbol = document_symbol(workspace.config, "decision")
    scope = numbering_scope(workspace.config, options.issued)
    existing = find_issued(conn, number=(options.number, symbol, scope))
    if existing is not None and existing.code:
        return _known_draft(conn, existing.code), []
    return _only_unissued_draft(conn, facts)


def _draft_from_codes(conn, facts: PdfFacts, options: ArchiveOptions) -> Draft:
    known = [draft for draft in (find_draft(conn, code) for code in facts.codes) if draft]
    if not known:
        raise DvkError(
            f"Tệp {facts.name} mang mã {', '.join(facts.codes)} nhưng sổ đăng ký không có dự thảo nào với mã "
            "này. Tệp có được lập bằng dvk build trong thư mục làm việc này không?"
        )
    numbered = {draft.code: draft for draft in (numbered_draft(conn, d) for d in known)}
    if len(numbered) > 1:
        raise DvkError(
            f"Tệp {facts.name} chứa mã của nhiều văn bản ({', '.join(numbered)}). "
            "Mỗi tệp lưu trữ chỉ gồm một văn bản (quyết định cùng danh sách kèm theo)."
        )
    draft = next(iter(numbered.values()))
    if options.code and options.code not in {draft.code, *facts.codes}:
        raise DvkError(f"Tệp {facts.name} mang mã {draft.code}, khác mã ghi ở --code ({options.code}).")
    return draft


def _known_draft(conn, code: str) -> Draft:
    draft = find_draft(conn, code)
    if draft is None:
        raise DvkError(f"Sổ đăng ký không có dự thảo mã {code}.")
    return draft


def _only_unissued_draft(conn, facts: PdfFacts) -> tuple[Draft, list[str]]:
    candidates = unissued_drafts(conn)
    if len(candidates) == 1:
        draft = candidates[0]
        return draft, [
            f"Tệp {facts.name} không mang mã văn bản; đã gán cho dự thảo duy nhất chưa có số: {draft.code}."
        ]
    if not candidates:
        raise DvkError(
            f"Tệp {facts.name} không mang mã văn bản và sổ đăng ký không có dự thảo nào chưa cấp số. "
            "Hãy lập dự thảo bằng dvk build trước, hoặc ghi rõ --code MÃ."
        )
    listed = "; ".join(f"{draft.code} ({draft.subject})" for draft in candidates)
    raise DvkError(
        f"Tệp {facts.name} không mang mã văn bản và có nhiều dự thảo chưa cấp số: {listed}. Ghi rõ --code MÃ."
    )


def _missing_code_message(facts: PdfFacts) -> str:
    what = (
        "là bản quét (không có lớp chữ) nên không đọc được mã văn bản"
        if facts.status == "scan"
        else "không có mã văn bản (DVK-…) ở chân trang"
    )
    return (
        f'Tệp {facts.name} {what}. Hãy ghi rõ số và ngày văn bản: dvk archive "{facts.name}" --number SỐ '
        "--date NGÀY (thêm --code MÃ nếu có nhiều dự thảo chưa cấp số)."
    )


# ---------------------------------------------------------------------------- number and date


@dataclass(frozen=True)
class Plan:
    draft: Draft
    existing: Issued | None  # the draft already has a number (a replacement or a refusal)
    number: int | None  # None: give it the next free number
    symbol: str
    scope: str
    issued: date
    notes: tuple[str, ...] = field(default=())


def plan_issue(
    workspace: Workspace, conn: sqlite3.Connection, facts: PdfFacts, draft: Draft, options: ArchiveOptions
) -> Plan:
    """Number and date from the options and the page; they must agree with each other and the register."""
    config = workspace.config
    body = issuing_body(config, draft)
    symbol = document_symbol(config, draft.kind, body.symbol)
    number = _agreed(options.number, number_on_page(facts.text, config, symbol), "Số", "--number", facts.name)
    issued = _agreed(options.issued, date_on_page(facts.text, body.place), "Ngày", "--date", facts.name)
    existing = find_issued(conn, code=draft.code)
    if existing is not None:
        printed = format_number(config, existing.number, existing.symbol)
        if number not in (None, existing.number) or issued not in (None, existing.date):
            raise DvkError(
                f"Dự thảo {draft.code} đã được cấp số {printed} ngày {format_day(existing.date)}; "
                f"tệp {facts.name} hoặc tùy chọn ghi số/ngày khác."
            )
        return Plan(draft, existing, existing.number, symbol, existing.scope, existing.date)
    if issued is not None:
        return Plan(draft, None, number, symbol, numbering_scope(config, issued, body.name), issued)
    signed = sorted(check.signed_at for check in facts.signatures if check.signed_at)
    if not signed:
        raise DvkError(
            f"Không xác định được ngày của văn bản trong tệp {facts.name}. "
            "Hãy ghi rõ --date NGÀY (ví dụ --date 23/12/2020)."
        )
    issued = signed[0].date()
    note = f"Ngày văn bản lấy theo thời điểm ký số: {format_day(issued)}."
    return Plan(draft, None, number, symbol, numbering_scope(config, issued, body.name), issued, (note,))


@dataclass(frozen=True)
class Body:
    """The body issuing a draft: the configured issuer, or (commune mode) a commune's Đảng ủy/UBND."""

    symbol: str  # "TU", "ĐU", "UBND"
    name: str | None  # None for the configured issuer; else its heading, which scopes its numbers
    place: str  # as on the date line


def issuing_body(config: Config, draft: Draft) -> Body:
    numbering = draft.context.get("numbering") or {}
    heading = " ".join(str(draft.context.get("issuer_upper", "")).split())
    other = heading and heading != " ".join(config.issuer["name"].upper().split())
    return Body(
        numbering.get("symbol") or config.issuer["symbol"],
        heading if other else None,
        numbering.get("place") or config.issuer["place"],
    )


def _agreed(option, on_page, what: str, flag: str, name: str):
    if option is not None and on_page is not None and option != on_page:
        shown = [format_day(v) if isinstance(v, date) else v for v in (on_page, option)]
        raise DvkError(
            f"{what} trên văn bản {name} ({shown[0]}) khác {what.lower()} ghi ở {flag} ({shown[1]})."
        )
    return option if option is not None else on_page


def number_on_page(text: str, config: Config, symbol: str) -> int | None:
    """The number printed on the page, if the clerk filled it in ("Số 123-QĐ/TU", "Số: 05/QĐ-UBND")."""
    parts = [re.escape(part) for part in re.split(r"[-/]", symbol)]
    if config.profile == "party":
        pattern = rf"Số\s*(\d{{1,5}})\s*-\s*{parts[0]}\s*/\s*{parts[1]}"
    else:
        pattern = rf"Số\s*:?\s*(\d{{1,5}})\s*/\s*{parts[0]}\s*-\s*{parts[1]}"
    match = re.search(pattern, text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def date_on_page(text: str, place: str) -> date | None:
    """The filled-in date line ("Ngã Bảy, ngày 23 tháng 12 năm 2020"); a draft's blank day gives None."""
    place = r"\s+".join(re.escape(word) for word in nfc(place).split())
    pattern = rf"{place}\s*,\s*ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}})"
    match = re.search(pattern, text, re.IGNORECASE)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- bags, events, moves


def archive_root(workspace: Workspace) -> Path:
    return workspace.outputs / ARCHIVE_DIR


def stage_bag(
    workspace: Workspace, data: bytes, facts: PdfFacts, issued: Issued, events: list[dict], staging: Path
) -> tuple[Path, str]:
    """Build and check the bag in the staging folder: the original bytes, SHA-256 manifests, metadata.
    Returns the bag and the head of its event log."""
    bag_dir = staging / "bag"
    bag_dir.mkdir()
    payload = bag_dir / f"{Path(issued.archive_path).name}.pdf"
    copy_bytes(data, payload)
    bag = bagit.make_bag(str(bag_dir), bag_info=bag_info(workspace.config, issued), checksums=["sha256"])
    events.append(event("bagged", "ok", payload=f"data/{payload.name}"))
    try:
        bag.validate()
    except bagit.BagError as exc:
        raise DvkError(f"Gói lưu trữ vừa tạo không khớp mã băm ({exc}); chưa ghi gì vào sổ.") from exc
    if file_sha256(bag_dir / "data" / payload.name) != facts.sha256:
        raise DvkError(f"Bản chép của {facts.name} khác bản gốc; chưa ghi gì vào sổ.")
    events.append(event("fixity checked", "ok", sha256=facts.sha256))
    printed = format_number(workspace.config, issued.number, issued.symbol)
    events.append(event("registered", "ok", number=printed, date=issued.date.isoformat()))
    return bag_dir, append_events(bag_dir, events)


def copy_bytes(data: bytes, target: Path) -> None:
    """Write the original bytes, unchanged, and fsync. See SLOW_COPY_ENV for the crash-test pause."""
    half = len(data) // 2
    with open(target, "xb") as out:
        out.write(data[:half])
        out.flush()
        delay = os.environ.get(SLOW_COPY_ENV)
        if delay:
            time.sleep(float(delay))
        out.write(data[half:])
        out.flush()
        os.fsync(out.fileno())


def bag_info(config: Config, issued: Issued) -> dict[str, str]:
    """bag-info.txt: the decision's metadata, one line each (BagIt tag values cannot span lines)."""
    values = {
        "Source-Organization": config.issuer["name"],
        "External-Identifier": format_number(config, issued.number, issued.symbol),
        "External-Description": title_and_subject(issued.kind, issued.subject),
        "DVK-Document-Code": issued.code or "",
        "DVK-Number": str(issued.number),
        "DVK-Symbol": issued.symbol,
        "DVK-Numbering-Scope": issued.scope,
        "DVK-Date": issued.date.isoformat(),
        "DVK-Signer": issued.signer,
        "DVK-Signature": issued.signature,
        "DVK-Original-Filename": issued.file_name,
        "DVK-Original-SHA256": issued.sha256,
        "Bag-Software-Agent": f"dvk {__version__} (bagit-python {bagit.VERSION})",
    }
    return {key: " ".join(str(value).split()) for key, value in values.items()}


class Moves:
    """Renames made while filing one document, undone in reverse when the register does not commit."""

    def __init__(self) -> None:
        self.done: list[tuple[Path, Path]] = []

    def move(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        files.move(source, target)  # same file system (all under outputs/archive): atomic
        self.done.append((source, target))

    def undo(self) -> None:
        for source, target in reversed(self.done):
            if target.exists() and not source.exists():
                os.rename(target, source)
        self.done.clear()


def _new_staging_dir(workspace: Workspace) -> Path:
    # Named after the process, so a later run can tell a live run's folder from a killed one's.
    staging = archive_root(workspace) / STAGING / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    return staging


def _clean_stale_staging(workspace: Workspace) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    folder = archive_root(workspace) / STAGING
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        pid = child.name.split("-", 1)[0]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(child, ignore_errors=True)


def _supersede(workspace: Workspace, existing: Issued, moves: Moves) -> str:
    """Move the old bag to superseded/<year>/<slug>--<time>; it is kept, never deleted."""
    old = workspace.root / existing.archive_path
    if not old.is_dir():
        raise DvkError(
            f"Không tìm thấy gói lưu trữ cũ {existing.archive_path}; chạy dvk archive verify để kiểm tra."
        )
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = archive_root(workspace) / SUPERSEDED / str(existing.date.year) / f"{old.name}--{stamp}"
    moves.move(old, target)
    return relative_path(workspace, target)


def _clear_orphan(final: Path, staging: Path, moves: Moves) -> list[str]:
    """A bag at the target with no register entry: left by a run killed between rename and commit."""
    if not final.exists():
        return []
    moves.move(final, staging / "orphan")
    return [f"Đã dọn gói lưu trữ dở dang của một lần chạy bị ngắt tại {final.name} (chưa từng vào sổ)."]


# ---------------------------------------------------------------------------- final numbered copies


def make_final_copies(workspace: Workspace, conn: sqlite3.Connection, entry: ArchiveEntry) -> list[str]:
    """Render the numbered decision and its lists next to the drafts (drafts untouched); return notes.

    The signed PDF is already filed and committed; a template problem here must not undo that, so a
    failure becomes a note telling the clerk what to fix.
    """
    draft = find_draft(conn, entry.code) if entry.code else None
    if draft is None:
        return []
    if "numbering" not in draft.context:
        return [
            f"Dự thảo {draft.code} không có thông tin đánh số nên chưa tạo được bản có số {entry.printed}."
        ]
    copies = []
    try:
        for each in [draft, *attached_drafts(conn, draft)]:
            source = workspace.root / each.path
            out = source.with_name(f"{source.stem}-so-{entry.number}{source.suffix}")
            context = with_number(each.context, entry.number, entry.date)
            render_document(template_path(workspace, each.template), context, out)
            copies.append(
                {"code": each.code, "path": relative_path(workspace, out), "sha256": file_sha256(out)}
            )
    except (DvkError, OSError, ValueError, KeyError) as exc:  # see the docstring: report, keep the archive
        return [f"Chưa tạo được bản chính thức có số {entry.printed} từ dự thảo {draft.code}: {exc}"]
    set_final_copies(conn, find_issued(conn, code=draft.code).id, copies)
    return [f"Đã tạo bản có số: {copy['path']}" for copy in copies]


# ---------------------------------------------------------------------------- verification


@dataclass(frozen=True)
class Expected:
    """What the register says one bag must hold."""

    label: str  # "01-QĐ/TU", or "… (bản đã bị thay)"
    sha256: str  # the archived original
    head: str | None  # the head of its event log; None for a bag filed before logs were chained
    info: dict[str, str]  # bag-info.txt values that must match the register


def verify_archive(workspace: Workspace) -> list[Problem]:
    """Re-hash every bag against its manifests and the register; check each bag's own records (tag
    files, bag-info, chained event log); report each change, missing or extra file."""
    conn = open_register(workspace)
    try:
        problems = _register_integrity(conn)
        expected: dict[str, Expected] = {}
        for issued in list_issued(conn):
            label = format_number(workspace.config, issued.number, issued.symbol)
            info = _expected_info(issued.number, issued.symbol, issued.sha256)
            expected[issued.archive_path] = Expected(label, issued.sha256, issued.events_head, info)
        for old in list_superseded(conn):
            label = format_number(workspace.config, old["number"], old["symbol"])
            info = _expected_info(old["number"], old["symbol"], old["sha256"])
            expected[old["archive_path"]] = Expected(
                f"{label} (bản đã bị thay)", old["sha256"], old["events_head"], info
            )
    finally:
        conn.close()
    for rel, record in sorted(expected.items()):
        problems += check_bag(workspace.root / rel, rel, record)
    return problems + find_extra(workspace, set(expected))


def _expected_info(number: int, symbol: str, sha256: str) -> dict[str, str]:
    return {"DVK-Number": str(number), "DVK-Symbol": symbol, "DVK-Original-SHA256": sha256}


def _register_integrity(conn) -> list[Problem]:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result == "ok":
        return []
    return [Problem("register-corrupt", ERROR, f"Sổ đăng ký bị hỏng: {result}", "dvk-register.sqlite3")]


def check_bag(bag_dir: Path, rel: str, expected: Expected) -> list[Problem]:
    """Every file listed in the bag's manifests, re-hashed; files not listed; the bag's own records
    (every tag file present and in the tag manifest, bag-info as in the register, the event log's
    chain ending at the register's head); the register's hash of the original."""
    label = expected.label
    if not bag_dir.is_dir():
        return [Problem("archive-missing", ERROR, f"Thiếu gói lưu trữ của văn bản {label}.", rel)]
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        return [Problem("archive-bag-invalid", ERROR, f"Gói lưu trữ của văn bản {label} hỏng: {exc}", rel)]
    problems = []
    for name, hashes in sorted(bag.entries.items()):
        path = bag_dir / name
        if not path.is_file():
            problems.append(
                Problem("archive-file-missing", ERROR, f"Thiếu tệp {name} trong gói của {label}.", rel)
            )
        elif file_sha256(path) != hashes.get("sha256", "").lower():
            message = f"Tệp {name} trong gói của {label} đã bị thay đổi (mã băm SHA-256 khác lúc lưu trữ)."
            problems.append(Problem("archive-file-changed", ERROR, message, rel))
    problems += _unlisted_files(bag, bag_dir, rel, label)
    problems += _bag_records(bag, bag_dir, rel, expected)
    payloads = [bag_dir / name for name in bag.payload_files()]
    if not any(path.is_file() and file_sha256(path) == expected.sha256 for path in payloads):
        message = f"Bản lưu trong gói của {label} không khớp mã băm ghi trong sổ đăng ký."
        problems.append(Problem("archive-register-mismatch", ERROR, message, rel))
    return problems


def _bag_records(bag: bagit.Bag, bag_dir: Path, rel: str, expected: Expected) -> list[Problem]:
    """The bag's own records: tag files present and covered by the tag manifest, bag-info, event log."""
    label, found = expected.label, []
    for name in sorted(BAG_TAG_FILES - {EVENTS_NAME}):
        if not (bag_dir / name).is_file():
            found.append(f"thiếu tệp {name}")
        elif name != "tagmanifest-sha256.txt" and "sha256" not in bag.entries.get(name, {}):
            found.append(f"tệp {name} không có trong tagmanifest-sha256.txt")
    for key, value in expected.info.items():
        if bag.info.get(key) != value:
            found.append(f"bag-info.txt ghi {key} là “{bag.info.get(key, '')}”, sổ đăng ký ghi “{value}”")
    found += chain_breaks(bag_dir, expected.head)
    return [
        Problem("archive-record-damaged", ERROR, f"Hồ sơ của gói {label} bị hỏng: {what}.", rel)
        for what in found
    ]


def _unlisted_files(bag: bagit.Bag, bag_dir: Path, rel: str, label: str) -> list[Problem]:
    listed = set(bag.entries)
    extra = [name for name in bag.payload_files() if name not in listed]
    for child in sorted(bag_dir.iterdir()):
        if child.name == "data" and child.is_dir() or child.name in BAG_TAG_FILES and child.is_file():
            continue
        extra.append(child.name)
    return [
        Problem(
            "archive-extra", ERROR, f"Tệp lạ {name} trong gói của {label} (không có trong danh mục).", rel
        )
        for name in sorted(extra)
    ]


def find_extra(workspace: Workspace, expected: set[str]) -> list[Problem]:
    """Folders and files under outputs/archive that the register does not know."""
    root = archive_root(workspace)
    if not root.is_dir():
        return []
    extra = []
    for child in sorted(root.iterdir()):
        if child.name in (STAGING, QUARANTINE) and child.is_dir():
            continue  # work area of running (or killed) runs; refused files (never in the register)
        groups = sorted(child.iterdir()) if child.name == SUPERSEDED and child.is_dir() else [child]
        for group in groups:
            if re.fullmatch(r"\d{4}", group.name) and group.is_dir():
                extra += [
                    item for item in sorted(group.iterdir()) if relative_path(workspace, item) not in expected
                ]
            else:
                extra.append(group)
    return [
        Problem(
            "archive-extra",
            ERROR,
            f"{relative_path(workspace, item)} nằm trong kho lưu trữ nhưng không có trong sổ đăng ký.",
            relative_path(workspace, item),
        )
        for item in extra
    ]


# ---------------------------------------------------------------------------- outgoing register

REGISTER_COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
SIGNATURE_SHORT = {
    "trusted": "Ký số, hợp lệ, tin cậy",
    "untrusted": "Ký số, người ký chưa xác thực",
    "tampered": "Ký số, chữ ký KHÔNG hợp lệ",
    "modified-after-signing": "Ký số, tệp bị sửa sau khi ký",
    "scan": "Bản quét",
    "unsigned": "Bản PDF không ký số",
}


def outgoing_register(workspace: Workspace) -> list[dict]:
    """The outgoing register (sổ đăng ký văn bản đi), oldest first: the JSON entries plus register columns."""
    conn = open_register(workspace)
    try:
        issued = list_issued(conn)
        replaced: dict[int, list[str]] = {}
        for old in list_superseded(conn):
            replaced.setdefault(old["issued_id"], []).append(old["reason"])
    finally:
        conn.close()
    config = workspace.config
    rows = []
    for record in sorted(issued, key=lambda item: (item.date, item.symbol, item.number)):
        entry = entry_from_issued(config, record).as_dict()
        kept = [re.sub(r"^Lưu\s*:?\s*", "", line) for line in record.recipients if line.startswith("Lưu")]
        entry.update(
            printed=format_number(config, record.number, record.symbol),
            title=title_and_subject(record.kind, record.subject),
            recipients=[line for line in record.recipients if not line.startswith("Lưu")],
            kept_by="; ".join(kept) or config.issuer["office"],
            replaced=replaced.get(record.id, []),
        )
        rows.append(entry)
    return rows


def title_and_subject(kind: str, subject: str) -> str:
    """ "Quyết định về việc …": the type name, then the subject (unless it already starts with it)."""
    name = TYPE_NAMES.get(kind, "")
    if not name or subject.lower().startswith(name.lower()):
        return subject
    return f"{name} {subject}"


def register_row(entry: dict) -> list[str]:
    """One row of NĐ 30 Phụ lục IV; the copy count, transfer date and receipt signature are filled by hand."""
    note = [SIGNATURE_SHORT.get(entry["signature"], entry["signature"])]
    note += [f"Đã thay bản lưu: {reason}" for reason in entry["replaced"]]
    if entry["code"]:
        note.append(f"Mã dự thảo {entry['code']}")
    return [
        entry["printed"],
        format_day(date.fromisoformat(entry["date"])),
        entry["title"],
        entry["signer"],
        "; ".join(entry["recipients"]),
        entry["kept_by"],
        "",
        "",
        "",
        ". ".join(note),
    ]


def write_register_xlsx(workspace: Workspace, path: Path) -> Path:
    """Write the outgoing register with the ten columns of NĐ 30 Phụ lục IV (atomic replace)."""
    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ văn bản đi"
    sheet.append([f"SỔ ĐĂNG KÝ VĂN BẢN ĐI - {workspace.config.issuer['name'].upper()}"])
    sheet.append(list(REGISTER_COLUMNS))
    sheet.append([f"({index})" for index in range(1, len(REGISTER_COLUMNS) + 1)])
    for entry in outgoing_register(workspace):
        sheet.append(register_row(entry))
    _style_register(sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    return files.write_atomically(path, book.save, ".xlsx")


def _style_register(sheet) -> None:
    widths = (16, 12, 48, 22, 36, 22, 10, 12, 12, 36)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER_COLUMNS))
    for row in sheet.iter_rows():
        for cell in row:
            cell.font = Font(name="Times New Roman", size=12, bold=cell.row <= 2)
            cell.alignment = Alignment(
                wrap_text=True, vertical="top", horizontal="center" if cell.row <= 3 else None
            )
    sheet.freeze_panes = "A4"

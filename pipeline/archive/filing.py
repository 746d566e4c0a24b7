"""The archive: file the signed decisions without changing a signed byte (the module that uses pyHanko).

For each PDF: identify its draft (the code printed in the draft's footer, else the number and date given),
check what it is (digitally signed, a scan, or a plain text PDF) and, when signed, every signature against the
workspace's trust roots; then, holding the register's write lock, give it its number, copy the original
into a BagIt bag built in `outputs/archive/.staging/` and rename the bag into place just before the
register commits. A run killed before the commit leaves only a staging folder (removed by the next run);
the register and the archive never hold half an entry.

Every PDF of a run is read and judged before any is filed, so decisions are filed before the lists
that take their numbers (pipeline.archive.attached), whatever order the files come in. A PDF's text
must show what the draft its code names printed (pipeline.archive.content), or it is refused like a
tampered one. After the commit, the numbered copies the register row lacks are made
(pipeline.archive.final), on every run, so a run killed in between loses none.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline.archive.attached import ATTACHED_FOLDERS, attached_draft, file_attachment, skipped
from pipeline.archive.bags import (
    ARCHIVE_DIR,
    QUARANTINE,
    SUPERSEDED,
    Moves,
    archive_root,
    clean_stale_staging,
    clear_orphan,
    copy_bytes,
    new_staging_dir,
    stage_bag,
    supersede,
)
from pipeline.archive.content import judge_content
from pipeline.archive.draft import identify_draft
from pipeline.archive.entries import (
    ArchiveEntry,
    ArchiveOptions,
    ArchiveRefused,
    RefusedEntry,
    entry_from_issued,
)
from pipeline.archive.eventlog import append_events, event
from pipeline.archive.final import ensure_final_copies
from pipeline.archive.numbering import Plan, issuing_body, plan_issue
from pipeline.archive.pdf import PdfFacts, inspect_pdf
from pipeline.archive.register import (
    CODE_KINDS,
    Draft,
    Issued,
    find_attached,
    find_issued,
    format_number,
    insert_issued,
    next_number,
    number_taken,
    open_register,
    relative_path,
    replace_file,
    write_transaction,
)
from pipeline.archive.signature_policy import SIGNATURE_LABELS, Acceptance, Refusal, judge
from pipeline.config import Config, Workspace
from pipeline.model import DvkError, Need, NeedsInput
from pipeline.vntext import strip_marks

# Test hook (tests/test_archive_faults.py, tests/test_chaos.py): seconds to pause right after the
# register commit, before the numbered copies are made, so a test can kill a run there.
PAUSE_AFTER_COMMIT_ENV = "DVK_TEST_PAUSE_AFTER_COMMIT"


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
        raise DvkError("Số văn bản và mã dự thảo chỉ ghi được khi lưu trữ một tệp mỗi lần.")
    options = ArchiveOptions(
        number, issued, (replace_reason or "").strip() or None, code, acceptance or Acceptance()
    )
    clean_stale_staging(workspace)
    # Every file is read and judged first, so decisions are filed before the lists filed under their
    # numbers, whatever order the files were given in.
    received = sorted((receive(workspace, Path(pdf)) for pdf in pdfs), key=filing_rank)
    conn = open_register(workspace)
    done: list[ArchiveEntry | RefusedEntry] = []
    try:
        for item in received:
            try:
                done.append(archive_one(workspace, conn, item, options))
            except DvkError as exc:
                if not done:
                    raise
                filed = ", ".join(entry.printed for entry in done if isinstance(entry, ArchiveEntry))
                before = f" (Các tệp trước đã được lưu trữ: {filed}.)" if filed else ""
                needs = exc.needs if isinstance(exc, NeedsInput) else ()
                raise ArchiveRefused(f"{exc}{before}", done, needs) from exc
    finally:
        conn.close()
    return done


@dataclass(frozen=True)
class Received:
    """One PDF read and inspected outside the lock; `error` when it could not be (raised in its turn)."""

    pdf: Path
    data: bytes = b""
    facts: PdfFacts | None = None
    error: DvkError | None = None


def receive(workspace: Workspace, pdf: Path) -> Received:
    if not pdf.is_file():  # a FIFO or device is never opened: reading it could wait forever
        what = "không phải tệp thông thường (FIFO, thiết bị…)" if pdf.exists() else "không tồn tại"
        return Received(pdf, error=DvkError(f"Tệp {pdf} {what}."))
    try:
        data = pdf.read_bytes()
        return Received(pdf, data, inspect_pdf(workspace, data, pdf.name))
    except OSError as exc:
        return Received(pdf, error=DvkError(f"Không đọc được tệp {pdf}: {exc.strerror or exc}"))
    except DvkError as exc:
        return Received(pdf, error=exc)


def filing_rank(received: Received) -> int:
    """Numbered documents (decisions, reports) first, then lists (filed under a decision's number),
    then the rest; a file that could not be read keeps its place among the first."""
    kinds = {CODE_KINDS[code.split("-")[2]] for code in received.facts.codes} if received.facts else set()
    order = {"decision": 0, "report": 0, "list": 1}
    return min((order.get(kind, 2) for kind in kinds), default=0)


def archive_one(
    workspace: Workspace, conn: sqlite3.Connection, received: Received, options: ArchiveOptions
) -> ArchiveEntry | RefusedEntry:
    """File one PDF: judge it (signature, then its text against its draft), then number, bag and
    register it in one go, then make the numbered copies its register row lacks."""
    if received.error is not None:
        raise received.error
    data, facts = received.data, received.facts
    assert facts is not None  # a file read without an error has its facts
    events = [event("received", "ok", file=facts.name, size=len(data))]
    events.append(event("hashed", "ok", sha256=facts.sha256))
    events.append(event("signature checked", facts.status, signer=facts.signer, notes=list(facts.notes)))
    filed_before = find_issued(conn, sha256=facts.sha256) or find_attached(conn, sha256=facts.sha256)
    if filed_before is None:  # a file filed before is "unchanged", not judged again
        refusal = judge_signature(facts, options.acceptance) or judge_content(conn, facts, options.code)
        if refusal is not None:
            return refuse(workspace, facts, data, events, refusal)
        facts = _accepted_by_reason(facts, options.acceptance, events)
    attached = attached_draft(conn, facts, options.code)
    if attached is not None and attached.kind not in ATTACHED_FOLDERS:
        return skipped(facts, attached)
    staging = new_staging_dir(workspace)
    moves = Moves()
    try:
        with write_transaction(conn):
            if attached is None:
                entry = _file_document(workspace, conn, facts, data, options, events, staging, moves)
            else:
                entry = file_attachment(
                    workspace, conn, facts, data, attached, options, events, staging, moves
                )
    except BaseException:
        moves.undo()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if isinstance(entry, RefusedEntry):
        return entry
    _pause_for_tests(PAUSE_AFTER_COMMIT_ENV)
    return replace(entry, notes=entry.notes + tuple(ensure_final_copies(workspace, conn, entry)))


def _pause_for_tests(variable: str) -> None:
    delay = os.environ.get(variable)
    if delay:
        time.sleep(float(delay))


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
        facts.name,
        facts.status,
        facts.signer,
        facts.sha256,
        refusal.message,
        code,
        kept,
        facts.notes,
        needs=refusal.needs,
    )


def quarantine(workspace: Workspace, facts: PdfFacts, data: bytes, events: list[dict]) -> str:
    """Keep the refused bytes in outputs/archive/quarantine/<hash>/ with the chained event log.

    Built in a staging folder and renamed into place; the same file refused again only adds events."""
    folder = archive_root(workspace) / QUARANTINE / facts.sha256[:16]
    if not folder.is_dir():
        staging = new_staging_dir(workspace)
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
        raise NeedsInput(_already_archived_message(config, plan.existing, facts.name), (Need.REPLACE_REASON,))
    issued = _new_issued(workspace, conn, facts, plan)
    if plan.existing is not None:
        events.append(event("replaced", "ok", reason=options.replace_reason, previous=plan.existing.sha256))
    bag, head = stage_bag(workspace, data, facts, issued, events, staging)
    issued = replace(issued, events_head=head)
    final = workspace.root / issued.archive_path
    old_rel = supersede(workspace, plan.existing, moves) if plan.existing is not None else ""
    notes += clear_orphan(final, staging, moves)
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
        f"({existing.file_name}). Nếu {name} là bản đúng, lưu trữ lại có ghi lý do thay bản lưu; "
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


def slugify(text: str) -> str:
    """ "123-QĐ/TU" -> "123-qd-tu": a folder name that survives any file system."""
    return "-".join(re.findall(r"[a-z0-9]+", strip_marks(text).lower()))

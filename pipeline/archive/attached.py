"""Documents filed under their decision's number: a list signed apart from its decision.

A list has no number of its own (HD 36, NĐ 30: it goes "kèm theo" its decision). Signed in the same
PDF as its decision it is filed with it; signed apart, it gets a bag of its own beside the decision's,
recorded in the register's `attached` table under the decision's number. It can only be filed once
its decision is (`dvk archive` files decisions first, whatever the order of the files). Certificates
carry the decisions' numbers but are not kept in the archive: they are skipped, with the reason.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from pipeline.archive.bags import ARCHIVE_DIR, SUPERSEDED, clear_orphan, stage_bag, supersede
from pipeline.archive.entries import ArchiveEntry, RefusedEntry, entry_from_issued
from pipeline.archive.eventlog import append_events, event
from pipeline.archive.pdf import PdfFacts
from pipeline.archive.register import (
    ATTACHED_NAMES,
    TYPE_NAMES,
    Attached,
    Draft,
    Issued,
    find_attached,
    find_draft,
    find_issued,
    find_issued_by_id,
    format_day,
    format_number,
    insert_attached,
    numbered_draft,
    replace_attached,
)
from pipeline.config import Config
from pipeline.model import DvkError, Need, NeedsInput

# Where a document filed under its decision's number keeps its own bag: beside the decision's.
ATTACHED_FOLDERS = {"list": "danh-sach"}


def attached_draft(conn: sqlite3.Connection, facts: PdfFacts, named: str | None = None) -> Draft | None:
    """The draft of a document that has no number of its own (a list, certificates) when that is all
    the page carries; None for a decision or report (with or without its lists), or an unknown code."""
    drafts = [find_draft(conn, code) for code in facts.codes or ((named,) if named else ())]
    if len(drafts) != 1 or drafts[0] is None or drafts[0].kind in TYPE_NAMES:
        return None  # several documents in one file are refused with the decision's checks
    return drafts[0]


def skipped(facts: PdfFacts, draft: Draft) -> RefusedEntry:
    what = ATTACHED_NAMES.get(draft.kind, draft.kind)
    reason = (
        f"Bỏ qua {facts.name}: đây là {what} (mã {draft.code}); {what} không vào sổ văn bản đi và không "
        "được lưu trữ trong kho, không dùng số nào."
    )
    return RefusedEntry(
        facts.name, facts.status, facts.signer, facts.sha256, reason, draft.code, None, (), "skipped"
    )


def file_attachment(workspace, conn, facts, data, draft, options, events, staging, moves):
    """Inside the write lock: file a list signed apart from its decision in a bag of its own, under
    the decision's number (replacing its earlier file when the clerk gives a `reason`); refused,
    with nothing written, while the decision is not filed."""
    config, reason = workspace.config, options.replace_reason
    number, issued = options.number, options.issued
    same = find_attached(conn, sha256=facts.sha256)
    if same is not None:
        return _unchanged(config, conn, facts, same)
    decision = find_issued(conn, code=numbered_draft(conn, draft).code)
    if decision is None:
        return _waiting(facts, draft, numbered_draft(conn, draft))
    _same_number_and_date(config, facts, decision, number, issued)
    existing = find_attached(conn, code=draft.code)
    if existing is not None and not reason:
        printed = format_number(config, decision.number, decision.symbol)
        raise NeedsInput(
            f"{ATTACHED_NAMES[draft.kind].capitalize()} kèm theo {printed} đã có bản lưu trữ khác "
            f"({existing.file_name}). Nếu {facts.name} là bản đúng, lưu trữ lại có ghi lý do thay bản lưu; "
            f"bản cũ được giữ trong {ARCHIVE_DIR}/{SUPERSEDED}/.",
            (Need.REPLACE_REASON,),
        )
    if existing is not None:
        events.append(event("replaced", "ok", reason=reason, previous=existing.sha256))
    record, as_filed = _records(config, facts, draft, decision)
    bag, head = stage_bag(workspace, data, facts, as_filed, events, staging)
    record = replace(record, events_head=head)
    final = workspace.root / record.archive_path
    old_rel = supersede(workspace, existing, moves, decision.date.year) if existing is not None else ""
    notes = clear_orphan(final, staging, moves)
    moves.move(bag, final)
    if existing is None:
        record, outcome = insert_attached(conn, record), "attached"
    else:
        old_head = append_events(workspace.root / old_rel, [event("superseded", "ok", reason=reason)])
        record, outcome = replace_attached(conn, existing, record, reason, old_rel, old_head), "replaced"
    entry = attachment_entry(config, decision, record)
    return replace(entry, outcome=outcome, notes=(*notes, *facts.notes))


def _same_number_and_date(config: Config, facts: PdfFacts, decision: Issued, number, issued) -> None:
    """A number or date the clerk gives for a list (a scan has no text to read them from) must be its
    decision's: the list takes the decision's, never one of its own."""
    if number not in (None, decision.number) or issued not in (None, decision.date):
        printed = format_number(config, decision.number, decision.symbol)
        raise DvkError(
            f"Tệp {facts.name} là văn bản kèm theo quyết định {printed} ngày {format_day(decision.date)}; "
            "số hoặc ngày ghi kèm khác số, ngày của quyết định."
        )


def _unchanged(config: Config, conn: sqlite3.Connection, facts: PdfFacts, same: Attached) -> ArchiveEntry:
    decision = find_issued_by_id(conn, same.issued_id)
    if decision is None:  # an attached row points at its decision's row (a foreign key)
        raise DvkError(f"Sổ đăng ký không có quyết định của tệp kèm theo {facts.name}; sổ bị hỏng?")
    printed = format_number(config, decision.number, decision.symbol)
    note = f"Tệp {facts.name} đã được lưu trữ kèm theo {printed} (cùng mã băm SHA-256): không làm gì thêm."
    return replace(attachment_entry(config, decision, same), outcome="unchanged", notes=(note,))


def _waiting(facts: PdfFacts, draft: Draft, parent: Draft) -> RefusedEntry:
    what = ATTACHED_NAMES.get(draft.kind, draft.kind)
    why = (
        f"Chưa lưu trữ {facts.name}: đây là {what} kèm theo quyết định mã {parent.code}, quyết định này "
        f"chưa được lưu trữ. {what.capitalize()} không có số riêng: hãy lưu trữ tệp quyết định trước "
        f"(có thể trong cùng một lần), {what} sẽ được lưu kèm theo quyết định."
    )
    return RefusedEntry(facts.name, facts.status, facts.signer, facts.sha256, why, draft.code)


def _records(config: Config, facts: PdfFacts, draft: Draft, decision: Issued) -> tuple[Attached, Issued]:
    """The register's record of the attached file, and the decision's row as this file's bag-info
    tells it (the decision's number and date; the list's own subject, signer and file)."""
    assert decision.id is not None  # a row read from the register has its id
    record = Attached(
        issued_id=decision.id,
        code=draft.code,
        kind=draft.kind,
        subject=draft.subject,
        sha256=facts.sha256,
        file_name=facts.name,
        archive_path=f"{decision.archive_path}-{ATTACHED_FOLDERS[draft.kind]}",
        signature=facts.status,
        signer=facts.signer or config.signer["name"],
        notes=facts.notes,
    )
    as_filed = replace(
        decision,
        kind=draft.kind,
        subject=draft.subject,
        signer=record.signer,
        code=draft.code,
        sha256=facts.sha256,
        file_name=facts.name,
        archive_path=record.archive_path,
        signature=facts.status,
    )
    return record, as_filed


def attachment_entry(config: Config, decision: Issued, attached: Attached) -> ArchiveEntry:
    """The decision's number, symbol and date; the attached file's own code, subject, signature and bag."""
    own = ("code", "subject", "signature", "signer", "sha256", "notes", "kind")
    return replace(
        entry_from_issued(config, decision),
        **{name: getattr(attached, name) for name in own},
        path=attached.archive_path,
        outcome="attached",
    )

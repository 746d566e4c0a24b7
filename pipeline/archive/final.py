"""Final numbered copies of a decision's list and certificates, rendered from their drafts."""

from __future__ import annotations

import sqlite3

from pipeline.archive.entries import ArchiveEntry
from pipeline.archive.register import (
    attached_drafts,
    file_sha256,
    find_draft,
    find_issued,
    relative_path,
    set_final_copies,
)
from pipeline.build import template_path, with_number
from pipeline.config import Workspace
from pipeline.model import DvkError
from pipeline.render import render_document


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
    issued = find_issued(conn, code=draft.code)
    if issued is None or issued.id is None:  # filed in this same transaction: only a damaged register
        return [
            f"Chưa ghi được bản có số {entry.printed} vào sổ: sổ không có văn bản của dự thảo {draft.code}."
        ]
    set_final_copies(conn, issued.id, copies)
    return [f"Đã tạo bản có số: {copy['path']}" for copy in copies]

"""Final numbered copies of a decision, its lists and its certificates, rendered from their drafts, each
with a PDF/A beside it when LibreOffice is installed, and their check.

The copies are made after the register commit, so a run killed in between leaves a numbered row
without them; they are therefore made whenever a numbered row lacks one (after every filing, an
"unchanged" one too), and `dvk archive verify` reports a copy missing or changed since it was made
(the register keeps its SHA-256). The register keeps where they are (`final_copies`): every page
finds them after a restart.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.archive.attached import ATTACHED_FOLDERS
from pipeline.archive.entries import ArchiveEntry
from pipeline.archive.register import (
    Draft,
    Issued,
    attached_drafts,
    batch_certificates,
    file_sha256,
    find_attached,
    find_draft,
    find_issued,
    find_issued_by_id,
    format_number,
    list_issued,
    relative_path,
    set_final_copies,
)
from pipeline.build import convert_to_pdf, numbered_certificates, template_path, with_number
from pipeline.config import Workspace
from pipeline.model import ERROR, DvkError, Problem
from pipeline.platform import files
from pipeline.render import render_document, render_pages


def ensure_final_copies(workspace: Workspace, conn: sqlite3.Connection, entry: ArchiveEntry) -> list[str]:
    """Make whichever numbered copies of the decision, its lists and its certificates are missing, next
    to the drafts (drafts untouched), each with a PDF/A when LibreOffice is there, and record them with
    their SHA-256; return notes.

    Run after every filing, "unchanged" ones too: a run killed between the register commit and the
    copies leaves a numbered row without them, and the next run makes them. A copy on disk is never
    rendered again (a person may have edited it: verify reports that). The signed PDF is already filed
    and committed; a template problem here must not undo that, so it becomes a note for the clerk.
    """
    issued = _numbered_row(conn, entry)
    draft = find_draft(conn, issued.code) if issued is not None and issued.code else None
    if issued is None or issued.id is None or draft is None:
        return []
    printed = format_number(workspace.config, issued.number, issued.symbol)
    if "numbering" not in draft.context:
        return [f"Dự thảo {draft.code} không có thông tin đánh số nên chưa tạo được bản có số {printed}."]
    recorded: dict[str, dict] = {copy["path"]: copy for copy in issued.final_copies}
    copies, notes = [], []
    try:
        for each, context in numbered_contexts(conn, draft, issued):
            out = numbered_copy_path(workspace, each, issued.number)
            files.remove_stale_temporaries(out.parent)  # left by a run killed while rendering
            rel = relative_path(workspace, out)
            if not out.exists():
                render_copy(workspace, each, context, out)
                notes.append(f"Đã tạo bản có số: {rel}")
                recorded.pop(rel, None)
            kept = recorded.pop(rel) if rel in recorded else None
            copies.append(
                kept
                or {"code": each.code, "kind": each.kind, "path": rel, "sha256": file_sha256(out), "pdf": ""}
            )
    except (DvkError, OSError, ValueError, KeyError) as exc:  # see the docstring: report, keep the archive
        notes.append(f"Chưa tạo được bản chính thức có số {printed} từ dự thảo {draft.code}: {exc}")
    copies = [dict(copy) for copy in copies]
    notes += add_pdfs(workspace, copies)
    copies += recorded.values()  # copies of another kind (or of a moved draft) stay on record
    if copies != list(issued.final_copies):
        set_final_copies(conn, issued.id, copies)
    return notes


def numbered_contexts(conn: sqlite3.Connection, draft: Draft, issued: Issued) -> list[tuple[Draft, dict]]:
    """Each draft that gets a numbered copy, with the context that prints the number and date: the
    decision, its lists, and the certificates of its models (citing it), when the batch has them."""
    found = [
        (each, with_number(each.context, issued.number, issued.date))
        for each in [draft, *attached_drafts(conn, draft)]
    ]
    certificates = batch_certificates(conn, draft)
    if certificates is not None:
        context = numbered_certificates(
            certificates.context, draft.level, draft.context["numbering"], issued.number, issued.date
        )
        if context["certificates"]:
            found.append((certificates, context))
    return found


def render_copy(workspace: Workspace, draft: Draft, context: dict, out: Path) -> None:
    template = template_path(workspace, draft.template)
    if draft.kind == "certificates":  # a certificate per page, rendered by chunks like the draft
        render_pages(template, context, "certificates", out)
    else:
        render_document(template, context, out)


def add_pdfs(workspace: Workspace, copies: list[dict]) -> list[str]:
    """A PDF/A beside each numbered copy that lacks one (the copy sent out and kept); a note when it
    cannot be made. The copies' records get its path."""
    from pipeline.soffice import soffice_path

    wanted = [copy for copy in copies if not (copy.get("pdf") and (workspace.root / copy["pdf"]).is_file())]
    if not wanted:
        return []
    if soffice_path() is None:
        return ["Chưa có bản PDF của các bản có số: máy chưa cài LibreOffice."]
    try:
        pdfs = convert_to_pdf([workspace.root / copy["path"] for copy in wanted])
    except DvkError as exc:
        return [f"Chưa tạo được bản PDF của bản có số: {exc}"]
    for copy, pdf in zip(wanted, pdfs, strict=True):
        copy["pdf"] = relative_path(workspace, pdf)
    return [f"Đã tạo bản PDF có số: {copy['pdf']}" for copy in wanted]


def numbered_copy_path(workspace: Workspace, draft: Draft, number: int) -> Path:
    """ "quyet-dinh-cap-thanh-pho-so-12.docx" beside the draft."""
    source = workspace.root / draft.path
    return source.with_name(f"{source.stem}-so-{number}{source.suffix}")


def _numbered_row(conn: sqlite3.Connection, entry: ArchiveEntry) -> Issued | None:
    """The register row whose number a filed entry carries (a list's is its decision's)."""
    if entry.kind in ATTACHED_FOLDERS:
        attached = find_attached(conn, code=entry.code)
        return find_issued_by_id(conn, attached.issued_id) if attached is not None else None
    return find_issued(conn, code=entry.code) if entry.code else None


def expected_copies(workspace: Workspace, conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(label, path, SHA-256 or None) of every numbered copy: those the register records with their
    hash (a .docx, and its PDF when one was made), and those a numbered row's drafts call for (a run
    killed after its commit made none)."""
    copies = []
    for issued in list_issued(conn):
        label = format_number(workspace.config, issued.number, issued.symbol)
        recorded = {}
        for copy in (copy for copy in issued.final_copies if isinstance(copy, dict)):
            for path, sha256 in (
                (copy.get("path"), copy.get("sha256")),
                (copy.get("pdf"), copy.get("pdf_sha256")),
            ):
                if isinstance(path, str) and path:
                    recorded[path] = sha256
        draft = find_draft(conn, issued.code) if issued.code else None
        called_for = []
        if draft is not None and "numbering" in draft.context:
            for each in [draft, *attached_drafts(conn, draft)]:
                called_for.append(
                    relative_path(workspace, numbered_copy_path(workspace, each, issued.number))
                )
        copies += [(label, path, recorded.get(path)) for path in dict.fromkeys([*recorded, *called_for])]
    return copies


def check_final_copies(workspace: Workspace, copies: list[tuple[str, str, str | None]]) -> list[Problem]:
    """A numbered copy deleted, or changed since it was made (the register keeps its SHA-256)."""
    problems = []
    for label, rel, sha256 in copies:
        path = workspace.root / rel
        if not path.is_file():
            message = (
                f"Thiếu bản có số {rel} của văn bản {label}; "
                "lưu trữ lại tệp đã ký của văn bản này để tạo lại."
            )
            problems.append(Problem("final-copy-missing", ERROR, message, rel))
        elif sha256 and file_sha256(path) != sha256:
            message = (
                f"Bản có số {rel} của văn bản {label} đã bị sửa sau khi tạo (mã băm SHA-256 khác sổ đăng ký)."
            )
            problems.append(Problem("final-copy-changed", ERROR, message, rel))
    return problems

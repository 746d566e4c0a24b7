"""Which draft a signed PDF is: the code printed in its footer, else the number and date given."""

from __future__ import annotations

import sqlite3

from pipeline.archive.entries import ArchiveOptions
from pipeline.archive.pdf import PdfFacts
from pipeline.archive.register import (
    Draft,
    document_symbol,
    find_draft,
    find_issued,
    numbered_draft,
    numbering_scope,
    unissued_drafts,
)
from pipeline.config import Workspace
from pipeline.model import DvkError, Need, NeedsInput


def identify_draft(
    workspace: Workspace, conn: sqlite3.Connection, facts: PdfFacts, options: ArchiveOptions
) -> tuple[Draft, list[str]]:
    """The draft a PDF belongs to: the code on its pages, else --code/--number, else a clear refusal."""
    if facts.codes:
        return _draft_from_codes(conn, facts, options), []
    if options.number is None or options.issued is None:
        raise NeedsInput(_missing_code_message(facts), (Need.NUMBER, Need.DATE))
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
        raise NeedsInput(
            f"Tệp {facts.name} mang mã {draft.code}, khác mã dự thảo đã ghi ({options.code}).", (Need.CODE,)
        )
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
        raise NeedsInput(
            f"Tệp {facts.name} không mang mã văn bản và sổ đăng ký không có dự thảo nào chưa cấp số. "
            "Hãy lập dự thảo trước, hoặc ghi rõ mã dự thảo.",
            (Need.CODE,),
        )
    listed = "; ".join(f"{draft.code} ({draft.subject})" for draft in candidates)
    raise NeedsInput(
        f"Tệp {facts.name} không mang mã văn bản và có nhiều dự thảo chưa cấp số: {listed}. "
        "Ghi rõ mã dự thảo.",
        (Need.CODE,),
    )


def _missing_code_message(facts: PdfFacts) -> str:
    what = (
        "là bản quét (không có lớp chữ) nên không đọc được mã văn bản"
        if facts.status == "scan"
        else "không có mã văn bản (DVK-…) ở chân trang"
    )
    return (
        f"Tệp {facts.name} {what}. Hãy ghi rõ số và ngày văn bản (và mã dự thảo nếu có nhiều dự thảo chưa "
        "cấp số)."
    )

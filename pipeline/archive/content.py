"""Does a signed PDF say what the draft its footer code names says?

The code printed in a draft's footer tells the archive which draft a signed PDF is, and so which number
it gets. A code can be typed wrong or forged, and would then put one document under another's number.
So the page text must also carry what the draft printed: its type name (QUYẾT ĐỊNH, DANH SÁCH, BÁO
CÁO), its subject (which names the level and year) and its counts. Neither the number nor the date is
compared: the clerk fills them in after the draft is made.

Text is compared folded (no diacritics, case, spaces or punctuation): PDF text layers break lines,
decompose or drop marks and change quotes, but every letter and digit of the draft must be there.
"""

from __future__ import annotations

import re
import sqlite3

from pipeline.archive.bags import ARCHIVE_DIR, QUARANTINE
from pipeline.archive.pdf import PdfFacts
from pipeline.archive.register import Draft, find_draft
from pipeline.archive.signature_policy import Refusal
from pipeline.vntext import nfc, strip_marks

TITLES = {
    "decision": "QUYẾT ĐỊNH",
    "list": "DANH SÁCH",
    "report": "BÁO CÁO",
    "certificates": "GIẤY CHỨNG NHẬN",
}
TITLE = "tên loại"


def fold(text: str, keep_case: bool = False) -> str:
    """ "Công nhận 02 (hai) mô hình" -> "congnhan02haimohinh": what any text layer keeps. The type name
    keeps its case: the title is in capitals, while "Kèm theo Quyết định" in a list is not."""
    text = strip_marks(nfc(text))
    return "".join(re.findall(r"[A-Za-z0-9]+", text if keep_case else text.lower()))


def printed_parts(draft: Draft) -> list[tuple[str, str]]:
    """What the draft printed that its signed copy must show: (what, text) pairs, in Vietnamese."""
    context = draft.context
    parts = [(TITLE, TITLES[draft.kind])] if draft.kind in TITLES else []
    subject = context.get("subject")
    if isinstance(subject, str) and fold(subject):
        parts.append(("trích yếu", subject))
    parts += [("số lượng", line) for line in _counts(draft.kind, context) if fold(line)]
    return parts


def _counts(kind: str, context: dict) -> list[str]:
    """The lines that carry the draft's counts: Điều 1 of a decision, a list's section headings, a
    report's summary and its line per level."""
    if kind == "decision":
        lines = [context.get("article1")]
    elif kind == "list":
        listed = context.get("sections")
        sections = listed if isinstance(listed, list) else []
        lines = []
        for section in (s for s in sections if isinstance(s, dict)):
            lines.append(section.get("heading"))
            grouped = section.get("groups")
            groups = grouped if isinstance(grouped, list) else []
            lines += [group.get("heading") for group in groups if isinstance(group, dict)]
    elif kind == "report":
        lines = [*_strings(context.get("summary")), *_strings(context.get("level_lines"))]
    else:
        lines = []
    return [line for line in lines if isinstance(line, str)]


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def missing_parts(text: str, draft: Draft) -> list[str]:
    """What the draft printed and the text does not show ("trích yếu “…”"); empty when it all matches."""
    page, capitals = fold(text), fold(text, keep_case=True)
    return [
        f"{what} “{part}”"
        for what, part in printed_parts(draft)
        if (fold(part, keep_case=True) not in capitals if what == TITLE else fold(part) not in page)
    ]


def judge_content(conn: sqlite3.Connection, facts: PdfFacts, named: str | None = None) -> Refusal | None:
    """Refuse, like a tampered file (kept in quarantine), a PDF whose text does not show what the draft
    its code names printed: a code typed wrong or forged must not give it that draft's number. A text
    PDF without a code is compared with the draft the clerk `named` (--code)."""
    if not "".join(facts.text.split()):
        return None  # a scan has no text to compare; it is filed only with a number, date and reason
    codes = facts.codes or ((named,) if named else ())
    for draft in (find_draft(conn, code) for code in codes):
        missing = missing_parts(facts.text, draft) if draft is not None else []
        if missing and draft is not None:
            message = (
                f"Từ chối lưu trữ {facts.name}: nội dung tệp không khớp dự thảo mang mã {draft.code} "
                f"({draft.subject}): không thấy {'; '.join(missing)}. Mã bị ghi sai hoặc bị giả, hoặc "
                "văn bản đã bị sửa sau khi lập dự thảo: văn bản không được cấp số; tệp được giữ riêng trong "
                f"outputs/{ARCHIVE_DIR}/{QUARANTINE}/ để đối chiếu."
            )
            return Refusal("content-mismatch", message, quarantine=True)
    return None

"""The outgoing register (sổ văn bản đi) as rows and as an .xlsx workbook."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pipeline.archive.entries import entry_from_issued, title_and_subject
from pipeline.archive.register import (
    ATTACHED_NAMES,
    format_day,
    format_number,
    list_issued,
    list_superseded,
    open_register,
)
from pipeline.config import Workspace
from pipeline.platform import files
from pipeline.workbook import text_cells

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
            what = f"{ATTACHED_NAMES[old['kind']]}: " if old["attached_code"] else ""  # a list's own file
            replaced.setdefault(old["issued_id"], []).append(f"{what}{old['reason']}")
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
            replaced=replaced.get(record.id, []) if record.id is not None else [],
            copies=list(record.final_copies),  # the numbered .docx and PDF made when it was filed
        )
        rows.append(entry)
    return rows


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
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ văn bản đi"
    sheet.append([f"SỔ ĐĂNG KÝ VĂN BẢN ĐI - {workspace.config.issuer['name'].upper()}"])
    sheet.append(list(REGISTER_COLUMNS))
    sheet.append([f"({index})" for index in range(1, len(REGISTER_COLUMNS) + 1)])
    for entry in outgoing_register(workspace):
        sheet.append(text_cells(sheet, register_row(entry)))  # a signer names itself: text, not formula
    _style_register(sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    return files.write_atomically(path, book.save, ".xlsx")


def _style_register(sheet) -> None:
    from openpyxl.styles import Alignment, Font

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

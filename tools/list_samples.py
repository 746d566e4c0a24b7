"""The list sample: a ward's "Danh sách đăng ký mô hình “Dân vận khéo” năm 2020", one model per row.

Shaped like the lists wards send: the Party committee's letterhead, "DANH SÁCH" over the subject and the
cover letter it goes with, a table with a header over two rows ("Cấp đăng ký" split into "Thành phố" and
"Xã, phường" ticked with "x"), a row of column numbers, the implementing unit written once for a group
(merged down), a total row, and the signature. Word-like XML through python-docx (cells merged with
python-docx's own merge, which writes w:vMerge and w:gridSpan as Word does).

Run through tools.make_samples (it writes every sample); `write_list_samples(folder)` writes this one.
"""

from __future__ import annotations

from pathlib import Path

from docx.shared import Cm

from tools import docgen
from tools.docgen import append_block, clear_cell, header_for, make_paragraph, make_run, text_paragraph

LIST_SAMPLE = "Phường Ngã Bảy/Danh sách đăng ký mô hình DVK 2020.docx"
UNIT = "Phường Ngã Bảy"
HEADER_TOP = ("STT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực", "Cấp đăng ký", "", "Thời gian thực hiện")
HEADER_SUB = ("Thành phố", "Xã, phường")
# (model, implementing unit, field, level "tp" or "xa", period); a unit repeated is merged down
ROWS = (
    ("Khu vực 1 sáng - xanh - sạch - đẹp", "Chi bộ Khu vực 1", "Văn hóa - xã hội", "xa", "Tháng 3 - 12/2020"),
    ("Tổ nhân dân tự quản an toàn, trật tự", "Chi bộ Khu vực 1", "QP-AN", "xa", "Tháng 3 - 12/2020"),
    ("Nuôi heo đất giúp hội viên nghèo", "Hội Liên hiệp Phụ nữ phường", "Kinh tế", "xa", "Tháng 4 - 12/2020"),
    ("Bộ phận một cửa thân thiện, đúng hẹn", "Ủy ban nhân dân phường", "XDHTCT", "tp", "Tháng 3 - 11/2020"),
    ("Vận động hiến đất mở rộng hẻm 14", "Ủy ban nhân dân phường", "Kinh tế", "tp", "Tháng 3 - 12/2020"),
)  # fmt: skip
WIDTHS = (Cm(1.0), Cm(5.2), Cm(3.4), Cm(2.6), Cm(1.6), Cm(1.6), Cm(2.4))


def write_list_samples(folder: Path) -> list[Path]:
    return [write_registration_list(Path(folder) / LIST_SAMPLE)]


def write_registration_list(path: Path) -> Path:
    header = header_for(UNIT, "registration")
    doc = docgen.new_document()
    docgen.add_header_block(doc, header)
    body = doc.element.body
    append_block(body, make_paragraph([]))
    append_block(body, text_paragraph("DANH SÁCH", bold=True, size=14, align="center"))
    subject = "Đăng ký mô hình “Dân vận khéo” năm 2020"
    append_block(body, text_paragraph(subject, bold=True, size=14, align="center"))
    cover = "(Kèm theo Công văn số 45-CV/ĐU ngày 10/3/2020 của Đảng ủy phường Ngã Bảy)"
    append_block(body, text_paragraph(cover, italic=True, size=13, align="center"))
    append_block(body, make_paragraph([]))
    add_list_table(doc)
    append_block(body, make_paragraph([]))
    note = f"Tổng cộng: {len(ROWS):02d} mô hình (02 mô hình cấp thành phố, 03 mô hình cấp xã, phường)."
    append_block(body, make_paragraph([make_run(note, italic=True)]))
    docgen.add_closing(doc, header, "Nguyễn Văn Hải")
    return docgen.save_docx(doc, path)


def add_list_table(doc) -> None:
    table = doc.add_table(rows=3 + len(ROWS), cols=len(HEADER_TOP))
    table.style = doc.styles["Table Grid"]
    docgen.set_grid(table, WIDTHS)
    for column, title in enumerate(HEADER_TOP):
        if title:
            put(table.cell(0, column), title, bold=True)
    put(table.cell(1, 4), HEADER_SUB[0], bold=True)
    put(table.cell(1, 5), HEADER_SUB[1], bold=True)
    for column in (0, 1, 2, 3, 6):
        table.cell(0, column).merge(table.cell(1, column))
    table.cell(0, 4).merge(table.cell(0, 5))
    for column in range(len(HEADER_TOP)):
        put(table.cell(2, column), f"({column + 1})", italic=True)
    first_of_unit = {}
    for number, (name, unit, field, level, period) in enumerate(ROWS, start=1):
        row = 2 + number
        cells = (
            str(number),
            name,
            "",
            field,
            "x" if level == "tp" else "",
            "x" if level == "xa" else "",
            period,
        )
        for column, text in enumerate(cells):
            if text:
                put(table.cell(row, column), text)
        if unit in first_of_unit:
            table.cell(first_of_unit[unit], 2).merge(table.cell(row, 2))
        else:
            first_of_unit[unit] = row
            put(table.cell(row, 2), unit)


def put(cell, text: str, bold: bool = False, italic: bool = False) -> None:
    tc = clear_cell(cell)
    align = "left" if len(text) > 20 else "center"
    tc.append(make_paragraph([make_run(text, bold=bold, italic=italic, size=12)], align=align, space_after=0))

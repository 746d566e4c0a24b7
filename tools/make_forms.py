"""Build the two forms the office hands out (templates_docx/): registration and proposal report.

Each form is a label | value table. The value cell holds a content control (w:sdt) tagged with the field key
(pipeline.model.FIELDS), its alias the Vietnamese label, showing placeholder text until filled. Level, type,
field and rating are drop-downs listing the configured labels (pipeline/defaults/dvk.toml). Content and
results are block-level rich-text controls so they can hold several paragraphs. The visible label stays in the
left cell on purpose: LibreOffice 7.4 may drop content controls when a user fills the form in Writer and saves
as .docx, and the reader then falls back to the label | value table.

Run: python -m tools.make_forms
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from tools.docgen import (
    FORM_FILES,
    FORMS_DIR,
    LABELS,
    Header,
    add_header_block,
    add_title,
    append_block,
    clear_cell,
    closing_table,
    kind_fields,
    kind_name,
    load_config,
    make_paragraph,
    make_run,
    new_document,
    save_docx,
    set_grid,
    text_paragraph,
    title_lines,
    vocabulary,
)

PLACEHOLDERS = {
    "model_name": "Nhập tên mô hình",
    "unit": "Nhập tên đơn vị thực hiện (mô hình cá nhân: cơ quan, đơn vị công tác)",
    "person_name": "Nhập họ và tên (chỉ với mô hình cá nhân)",
    "person_position": "Nhập chức vụ (chỉ với mô hình cá nhân)",
    "level": "Chọn cấp công nhận",
    "model_type": "Chọn tập thể hoặc cá nhân",
    "field": "Chọn lĩnh vực",
    "year": "Nhập năm",
    "period": "Từ tháng … đến tháng …",
    "place": "Nhập địa bàn thực hiện",
    "target_group": "Nhập đối tượng vận động",
    "content": "Nhập nội dung, cách thức thực hiện (có thể viết nhiều đoạn)",
    "forces": "Nhập lực lượng tham gia",
    "resources": "Nhập nguồn lực thực hiện",
    "results": "Nhập kết quả đạt được, ghi rõ số liệu (số hộ, km, triệu đồng, ngày công…)",
    "replicability": "Nhập khả năng duy trì, nhân rộng",
    "proposed_rating": "Chọn mức tự đánh giá",
    "signer": "Nhập họ và tên người ký",
}
# Drop-down fields and the configuration section that lists their choices.
DROPDOWNS = {"level": "levels", "model_type": "types", "field": "fields", "proposed_rating": "ratings"}
RICH_TEXT = ("content", "results")  # block-level controls: several paragraphs
FORM_LABEL_HINTS = {"person_name": " (mô hình cá nhân)", "person_position": " (mô hình cá nhân)"}


def make_sdt(key: str, sdt_id: int, *, block: bool = False):
    """A content control for one field: tag = key, alias = label, placeholder showing."""
    sdt = OxmlElement("w:sdt")
    props = _child(sdt, "w:sdtPr")
    _child(props, "w:alias", val=LABELS[key][0])
    _child(props, "w:tag", val=key)
    _child(props, "w:id", val=str(sdt_id))
    _child(props, "w:showingPlcHdr")
    if key in DROPDOWNS:
        dropdown = _child(props, "w:dropDownList")
        for entry in vocabulary(DROPDOWNS[key]):
            _child(dropdown, "w:listItem", displayText=entry["label"], value=entry["label"])
    elif not block:
        _child(props, "w:text", multiLine="0")
    # A block control without a type element is Word's rich-text control.
    if block:
        _child(sdt, "w:sdtEndPr")
    content = _child(sdt, "w:sdtContent")
    placeholder = make_run(PLACEHOLDERS[key], style="PlaceholderText")
    content.append(make_paragraph([placeholder], align="both", space_after=0) if block else placeholder)
    return sdt


def _child(parent, tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def form_header(year: int) -> Header:
    """The blank header of a form: the unit writes its own name over the dots."""
    place = load_config()["issuer"]["place"]
    return Header(
        parent="………………………………",
        body="………………………………",
        mark="*",
        national="ĐẢNG CỘNG SẢN VIỆT NAM",
        motto="",
        place_date=f"{place}, ngày …… tháng …… năm {year}",
        on_behalf="",
        signer_title="THỦ TRƯỞNG ĐƠN VỊ",
        recipients="- Ban Dân vận Thành ủy;\n- Lưu.",
    )


def build_form(kind: object) -> DocxDocument:
    """The office form for 'registration' or 'proposal', with one content control per field."""
    year = load_config()["campaign"]["year"]
    doc = new_document(font_size=13)
    number = "01" if kind_name(kind) == "registration" else "02"
    append_block(
        doc.element.body, text_paragraph(f"Mẫu số {number}/DVK", italic=True, size=12, align="right")
    )
    header = form_header(year)
    add_header_block(doc, header)
    add_title(doc, title_lines(kind, str(year)))
    append_block(doc.element.body, text_paragraph("Kính gửi: Ban Dân vận Thành ủy Ngã Bảy", align="center"))
    _add_field_table(doc, kind)
    note = (
        "Ghi chú: mô hình cá nhân ghi rõ họ và tên, chức vụ và cơ quan, đơn vị công tác của người thực hiện."
    )
    append_block(doc.element.body, text_paragraph(note, italic=True, size=12))
    _add_signature(doc, header)
    return doc


def _add_field_table(doc: DocxDocument, kind: object) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    set_grid(table, (Cm(5.5), Cm(10.5)))
    for index, key in enumerate(k for k in kind_fields(kind) if k != "signer"):
        label_cell, value_cell = table.add_row().cells
        label_cell.width, value_cell.width = Cm(5.5), Cm(10.5)
        label = LABELS[key][0] + FORM_LABEL_HINTS.get(key, "")
        clear_cell(label_cell).append(make_paragraph([make_run(label, bold=True)], space_after=0))
        tc = clear_cell(value_cell)
        if key in RICH_TEXT:
            tc.append(make_sdt(key, 1000 + index, block=True))
        else:
            tc.append(make_paragraph([make_sdt(key, 1000 + index)], space_after=0))


def _add_signature(doc: DocxDocument, header: Header) -> None:
    """'Nơi nhận' left; title, hint and the signer's name control right."""
    tc = closing_table(doc, header)
    tc.append(text_paragraph(header.signer_title, bold=True, size=13, align="center"))
    tc.append(text_paragraph("(Ký, ghi rõ họ tên, đóng dấu)", italic=True, size=12, align="center"))
    for _ in range(3):
        tc.append(make_paragraph([], space_after=0))
    signer = make_sdt("signer", 1999)
    signer_run_props = OxmlElement("w:rPr")
    _child(signer_run_props, "w:b")
    signer.find(qn("w:sdtPr")).insert(0, signer_run_props)
    tc.append(make_paragraph([signer], align="center", space_after=0))


def write_forms(folder: Path = FORMS_DIR) -> list[Path]:
    """Write both forms into `folder` and return their paths."""
    return [save_docx(build_form(kind), Path(folder) / name) for kind, name in FORM_FILES.items()]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else FORMS_DIR
    for path in write_forms(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

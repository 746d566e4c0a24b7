"""Sample submissions written from other offices' templates (issue 10), for inputs/.

Each file is spelled out here, label by label, as a province's or a unit's own form would have it; nothing is
taken from the pipeline's vocabulary. They exercise what a reader meets outside its own forms: compound labels
in a table with an STT column, headings that are labels (with and without numbered sub-items), a province's
form with content controls tagged its own way (or only titled, or untagged after a label), and a report whose
level label no reader is expected to know, completed through the correction workbook
(`outputs/2020/bo-sung-thong-tin.xlsx`, committed with the value typed).
"""

from __future__ import annotations

from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tools import docgen
from tools.docgen import (
    add_closing,
    add_header_block,
    add_title,
    append_block,
    clear_cell,
    header_for,
    make_paragraph,
    make_run,
    new_document,
    save_docx,
    text_paragraph,
    title_lines,
)

COMPOUND = "Hội Nông dân thành phố/Báo cáo mô hình Nông dân giúp nhau.docx"
COMPOUND_REGISTRATION = "Hội Nông dân thành phố/Đăng ký điển hình DVK.docx"
HEADINGS = "Phường Ngã Bảy/Báo cáo Camera an ninh khu phố.docx"
PROVINCE_FORM = "Thành đoàn/Mẫu báo cáo của Tỉnh đoàn.docx"
NEEDS_TYPING = "Xã Đại Thành/Báo cáo mô hình (mẫu huyện cũ).docx"

FARMERS = {
    "model_name": "Nông dân giúp nhau giảm nghèo bền vững",
    "unit": "Hội Nông dân thành phố",
    "level": "Cấp thành phố",
    "model_type": "Tập thể",
    "field": "Kinh tế",
    "year": "2020",
    "content": "Vận động hội viên khá giả giúp hộ nghèo vốn, giống, ngày công và kinh nghiệm sản xuất.",
    "results": "45 hộ được giúp đỡ, 21 hộ thoát nghèo.\nTổng giá trị giúp đỡ 620 triệu đồng.",
    "proposed_rating": "Tốt",
}
CAMERAS = {
    "model_name": "Camera an ninh khu phố",
    "unit": "Phường Ngã Bảy",
    "level": "Cấp xã, phường",
    "model_type": "Tập thể",
    "field": "Quốc phòng - an ninh",
    "year": "2020",
    "content": "Vận động 320 hộ góp kinh phí lắp camera tại các tuyến hẻm.",
    "results": "Lắp 48 camera, phạm pháp hình sự giảm 35% so với năm 2019.\n"
    "Người dân chủ động cung cấp 17 nguồn tin cho Công an phường.",
    "proposed_rating": "Tốt",
}
YOUTH = {
    "model_name": "Thắp sáng đường quê",
    "unit": "Thành đoàn Ngã Bảy",
    "level": "Cấp thành phố",
    "model_type": "Tập thể",
    "field": "Văn hóa - xã hội",
    "year": "2020",
    "results": "Lắp 215 bóng đèn trên 12 km đường nông thôn, kinh phí 180 triệu đồng.",
    "proposed_rating": "Khá",
}
TYPED = {
    "model_name": "Nhà vệ sinh hợp vệ sinh cho hộ nghèo",
    "unit": "Xã Đại Thành",
    "level": "Cấp xã, phường",  # typed in the correction workbook: the file's label is unknown
    "model_type": "Tập thể",
    "field": "Văn hóa - xã hội",
    "year": "2020",
    "results": "Xây mới 36 nhà vệ sinh cho hộ nghèo, tỷ lệ hộ dùng nhà vệ sinh hợp vệ sinh đạt 92%.",
    "proposed_rating": "Khá",
}


def write_foreign_samples(folder: Path) -> list[Path]:
    return [
        write_compound_table(folder / COMPOUND, "proposal"),
        write_compound_table(folder / COMPOUND_REGISTRATION, "registration"),
        write_heading_report(folder / HEADINGS),
        write_province_form(folder / PROVINCE_FORM),
        write_unknown_level(folder / NEEDS_TYPING),
    ]


def start(unit: str, kind: str) -> object:
    doc = new_document()
    add_header_block(doc, header_for(unit, kind))
    add_title(doc, title_lines(kind, "2020"))
    return doc


def paragraph(doc: object, text: str, bold: bool = False) -> None:
    append_block(doc.element.body, make_paragraph([make_run(text, bold=bold)], align="both"))


def finish(doc: object, unit: str, kind: str, signer: str, path: Path) -> Path:
    add_closing(doc, header_for(unit, kind), signer)
    return save_docx(doc, path)


def write_compound_table(path: Path, kind: str) -> Path:
    """A table with an STT column and compound labels ("Tên mô hình/điển hình", "Đơn vị (cá nhân) thực
    hiện"); a registration gives its expected results as "Dự kiến kết quả"."""
    v = FARMERS
    rows = [
        ("STT", "Nội dung", "Thông tin"),
        ("1", "Tên mô hình/điển hình", f"“{v['model_name']}”"),
        ("2", "Đơn vị (cá nhân) thực hiện", v["unit"]),
        ("3", "Cấp đề nghị xét công nhận", "cấp TP"),
        ("4", "Lĩnh vực (ghi rõ)", "phát triển kinh tế"),
        ("5", "Nội dung và cách làm", v["content"]),
    ]
    if kind == "proposal":
        rows += [
            ("6", "Sản phẩm, kết quả đạt được", v["results"]),
            ("7", "Tự đánh giá, xếp loại", "loại Tốt"),
        ]
    else:
        rows += [("6", "Dự kiến kết quả", "Giúp 40 hộ nghèo, phấn đấu 20 hộ thoát nghèo.")]
    doc = start(v["unit"], kind)
    table = doc.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    for row, values in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            tc = clear_cell(cell)
            for line in text.split("\n"):
                tc.append(text_paragraph(line, bold=values[0] == "STT"))
    return finish(doc, v["unit"], kind, "Phan Văn Đức", path)


def write_heading_report(path: Path) -> Path:
    """Headings as labels: "I. TÊN MÔ HÌNH" over its value, and "II. NỘI DUNG VÀ KẾT QUẢ" over numbered
    sub-items carrying their own labels."""
    v = CAMERAS
    doc = start(v["unit"], "proposal")
    for text, bold in (
        ("I. TÊN MÔ HÌNH", True),
        (v["model_name"], False),
        ("II. ĐƠN VỊ THỰC HIỆN", True),
        ("Đảng ủy, Ủy ban nhân dân phường chỉ đạo; Công an phường chủ trì.", False),
        ("Tập thể thực hiện: Phường Ngã Bảy", False),
        ("Cấp đề nghị công nhận: cấp phường", False),
        ("Lĩnh vực: an ninh - quốc phòng", False),
        ("III. NỘI DUNG VÀ KẾT QUẢ THỰC HIỆN", True),
        ("1. Cách thức thực hiện", True),
        (v["content"], False),
        ("2. Kết quả thực hiện", True),
        *((line, False) for line in v["results"].split("\n")),
        ("IV. TỰ ĐÁNH GIÁ, ĐỀ NGHỊ XẾP LOẠI", True),
        ("Đơn vị tự đánh giá mô hình đạt loại Tốt.", False),
        ("Đề nghị xếp loại: Tốt", False),
    ):
        paragraph(doc, text, bold)
    return finish(doc, v["unit"], "proposal", "Huỳnh Minh Tâm", path)


def control(text: str, tag: str = "", alias: str = "") -> object:
    """A run-level content control as a province's form has them (its own tags, or only a title)."""
    sdt = OxmlElement("w:sdt")
    props = OxmlElement("w:sdtPr")
    for name, value in (("alias", alias), ("tag", tag)):
        if value:
            element = OxmlElement(f"w:{name}")
            element.set(qn("w:val"), value)
            props.append(element)
    props.append(OxmlElement("w:text"))
    content = OxmlElement("w:sdtContent")
    content.append(make_run(text))
    sdt.append(props)
    sdt.append(content)
    return sdt


def write_province_form(path: Path) -> Path:
    """A Tỉnh đoàn form: controls tagged "ten_mo_hinh", "DonVi", "KetQua", "XepLoai", one titled only
    ("Cấp công nhận"), one untagged after its label paragraph."""
    v = YOUTH
    doc = start(v["unit"], "proposal")
    body = doc.element.body
    for prompt, sdt in (
        ("Tên mô hình: ", control(v["model_name"], tag="ten_mo_hinh")),
        ("Đơn vị thực hiện: ", control(v["unit"], tag="DonVi")),
        ("Cấp: ", control("cấp thành phố", alias="Cấp công nhận")),
        ("Lĩnh vực: ", control("văn hoá – xã hội", tag="linh_vuc")),
    ):
        append_block(body, make_paragraph([make_run(prompt, bold=True), sdt]))
    append_block(body, make_paragraph([make_run("Kết quả đạt được:", bold=True)]))
    append_block(body, make_paragraph([control(v["results"], tag="KetQua")]))
    append_block(body, make_paragraph([make_run("Tự đánh giá (Tốt/Khá):", bold=True)]))
    append_block(body, make_paragraph([control(v["proposed_rating"])]))
    return finish(doc, v["unit"], "proposal", "Trần Quốc Việt", path)


def write_unknown_level(path: Path) -> Path:
    """An old district template: its level label ("Phạm vi xét chọn") is one no reader should guess, so
    the file is completed in the correction workbook."""
    v = TYPED
    doc = start(v["unit"], "proposal")
    for text in (
        f"1. Tên mô hình: {v['model_name']}",
        f"2. Đơn vị thực hiện: {v['unit']}",
        "3. Phạm vi xét chọn: xã",
        f"4. Lĩnh vực: {v['field']}",
        f"5. Kết quả đạt được: {v['results']}",
        f"6. Tự đánh giá: {v['proposed_rating']}",
    ):
        paragraph(doc, text)
    return finish(doc, v["unit"], "proposal", "Lâm Văn Nghĩa", path)


def foreign_manifest() -> list[dict]:
    """What the pipeline should make of each file (values as the records report them)."""
    registration = {key: FARMERS[key] for key in ("model_name", "unit", "level", "field", "content")}
    entries = [
        (COMPOUND, "proposal", "table", FARMERS, "ok"),
        (COMPOUND_REGISTRATION, "registration", "table", registration, "ok"),
        (HEADINGS, "proposal", "paragraph", CAMERAS, "warning: not registered"),
        (PROVINCE_FORM, "proposal", "form", YOUTH, "warning: not registered"),
        (
            NEEDS_TYPING,
            "proposal",
            "paragraph",
            {key: value for key, value in TYPED.items() if key != "level"},
            "corrected: level typed in bo-sung-thong-tin.xlsx",
        ),
    ]
    return [
        {"path": p, "kind": kind, "layout": layout, "values": values, "expect": expect}
        for p, kind, layout, values, expect in entries
    ]


if __name__ == "__main__":
    for written in write_foreign_samples(docgen.ROOT / "inputs"):
        print(written)

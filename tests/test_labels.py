"""The label recognizer and the extraction walk on labels written the way other offices write them.

The labels below are this test's own, written from real forms (compound labels, headings, qualifiers, foreign
content-control tags); none is taken from the recognizer's vocabulary.
"""

from __future__ import annotations

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config, parse_config
from pipeline.extract import extract, extract_fields, line_label
from pipeline.labels import recognizer_for
from pipeline.model import Block, DocText
from pipeline.reader import read_document
from tests.docxbuild import PROPOSAL_TITLE, REGISTRATION_TITLE, p, r, tbl, write_docx

CONFIG = load_config(DEFAULT_CONFIG)
RECOGNIZER = recognizer_for()

# label as written -> the field(s) it names, and how (role)
LABELS = [
    ("Tên mô hình/điển hình", ("model_name",), "one"),
    ("TÊN GỌI MÔ HÌNH (ghi rõ)", ("model_name",), "one"),
    ("Tên mô hình dân vận khéo năm 2020", ("model_name",), "one"),
    ("Ten mo hinh", ("model_name",), "one"),
    ("Đơn vị (cá nhân) thực hiện", ("unit", "person_name"), "who"),
    ("Tập thể/cá nhân thực hiện mô hình", ("person_name", "unit"), "who"),
    ("Cơ quan, đơn vị chủ trì", ("unit",), "one"),
    ("Nội dung và cách làm", ("content",), "one"),
    ("Cách thức tổ chức thực hiện", ("content",), "one"),
    ("Tự đánh giá, xếp loại", ("proposed_rating",), "one"),
    ("Đề xuất mức xếp loại", ("proposed_rating",), "one"),
    ("Địa bàn, đối tượng", ("place", "target_group"), "several"),
    ("Chức vụ, đơn vị công tác", ("person_position", "unit"), "split"),
    ("Những kết quả đạt được", ("results",), "one"),
    ("Sản phẩm, kết quả đạt được", ("results",), "one"),
    ("Dự kiến kết quả", ("results",), "one"),
    ("Kết quả dự kiến đạt được", ("results",), "one"),
    ("Tính lan tỏa, khả năng nhân rộng", ("replicability",), "one"),
    ("Lĩnh vực (nếu có)", ("field",), "one"),
    ("II. KẾT QUẢ THỰC HIỆN", ("results",), "one"),
    ("1. Cách thức thực hiện", ("content",), "one"),
    ("Cấp đề nghị xét công nhận", ("level",), "one"),
    ("Mô hình cấp", ("level",), "one"),
    ("Loại hình mô hình", ("model_type",), "one"),
    ("Họ và tên người thực hiện", ("person_name",), "one"),
    ("Thời gian triển khai", ("period",), "one"),
]


@pytest.mark.parametrize("label, fields, role", LABELS, ids=[case[0] for case in LABELS])
def test_labels_other_offices_write_name_their_fields(label, fields, role):
    found = RECOGNIZER.recognise(label)
    assert (found.keys, found.role) == (fields, role)


@pytest.mark.parametrize(
    "text",
    [
        "Nơi nhận",
        "Xác nhận của cấp ủy",
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "Trong năm 2020, chi bộ đã vận động nhân dân",
        "Kính gửi",
        "Căn cứ Kế hoạch số 12-KH/TU",
    ],
)
def test_lines_that_are_not_field_labels(text):
    match, _, _ = line_label(text, RECOGNIZER)
    assert match.keys == ()


@pytest.mark.parametrize(
    "tag, alias, prompt, field",
    [
        ("ten_mo_hinh", "", "", "model_name"),
        ("KetQua", "", "", "results"),
        ("txtDonVi", "", "", "unit"),
        ("don vi", "", "", "unit"),
        ("Tên mô hình", "", "", "model_name"),
        ("", "Cấp công nhận", "", "level"),
        ("Text1", "", "Nhập lĩnh vực của mô hình", "field"),
        ("", "", "Click or tap here to enter text.", None),
    ],
)
def test_content_control_tag_alias_and_placeholder_are_label_evidence(tag, alias, prompt, field):
    found = RECOGNIZER.recognise_control(tag, alias, prompt)
    assert (found.keys[0] if found.keys else None) == field


def control(content: str, tag: str = "", alias: str = "", prompt: str = "") -> str:
    """A run-level content control with this test's own tag scheme (a prompt makes it a placeholder)."""
    props = "".join(
        f'<w:{name} w:val="{value}"/>' for name, value in (("alias", alias), ("tag", tag)) if value
    )
    shown = "<w:showingPlcHdr/>" if prompt else ""
    inner = r(prompt or content)
    return f"<w:sdt><w:sdtPr>{props}{shown}<w:text/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def fields_of(tmp_path, *body: str) -> dict[str, str]:
    doc = read_document(write_docx(tmp_path / "a.docx", *body))
    return {key: value.value for key, value in extract_fields(doc, CONFIG).items()}


def test_a_province_form_with_its_own_control_tags(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p(control("Ánh sáng đường quê", tag="ten_mo_hinh")),
        p(control("Phường Hiệp Lợi", tag="DonViThucHien")),
        p(control("cấp xã", alias="Cấp công nhận")),
        p(control("Kinh tế", tag="linh_vuc")),
        p(control("Lắp 120 bóng đèn, 2 km đường sáng.", tag="KetQua")),
        p(control("Tốt", tag="XepLoai")),
    )
    assert fields["model_name"] == "Ánh sáng đường quê"
    assert fields["unit"] == "Phường Hiệp Lợi"
    assert fields["level"] == "Cấp xã, phường"
    assert fields["results"] == "Lắp 120 bóng đèn, 2 km đường sáng."
    assert fields["proposed_rating"] == "Tốt"


def test_an_untagged_control_after_its_label_is_read_in_place(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Tên mô hình/điển hình:"),
        p(control("Sổ tay dân vận")),
        p("Đơn vị: ", control("Văn phòng Thành ủy", tag="Text2")),
    )
    assert fields["model_name"] == "Sổ tay dân vận"
    assert fields["unit"] == "Văn phòng Thành ủy"


def test_an_empty_label_never_takes_the_next_label_as_its_value(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Tên mô hình:"),
        p("Đơn vị/cá nhân thực hiện:"),
        p("Cấp đề nghị:"),
        p("Lĩnh vực hoạt động:"),
    )
    assert "model_name" not in fields and "unit" not in fields and "person_name" not in fields
    assert "level" not in fields


def test_an_empty_cell_never_takes_the_next_row_label(tmp_path):
    rows = [["Tên mô hình", ""], ["Đơn vị thực hiện", ""], ["Cấp công nhận", "Cấp thành phố"]]
    fields = fields_of(tmp_path, p(PROPOSAL_TITLE), tbl(rows))
    assert "model_name" not in fields and "unit" not in fields
    assert fields["level"] == "Cấp thành phố"


def test_a_heading_label_takes_its_body_and_its_sub_items_keep_theirs(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Tên mô hình: Chợ an toàn"),
        p("II. NỘI DUNG VÀ KẾT QUẢ THỰC HIỆN"),
        p("1. Cách thức thực hiện"),
        p("Tuyên truyền tiểu thương ký cam kết."),
        p("2. Kết quả thực hiện"),
        p("100% tiểu thương ký cam kết."),
        p("- Về kinh tế: doanh thu tăng 15%."),
        p("III. ĐỀ XUẤT, KIẾN NGHỊ"),
        p("Đề nghị nhân rộng mô hình."),
    )
    assert fields["content"] == "Tuyên truyền tiểu thương ký cam kết."
    assert fields["results"] == "100% tiểu thương ký cam kết.\nVề kinh tế: doanh thu tăng 15%."


def test_a_heading_whose_body_is_the_value(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("II. KẾT QUẢ ĐẠT ĐƯỢC"),
        p("Giảm 40% rác thải ra kênh."),
        p("Hiệu quả xã hội"),
        p("Người dân tự giác phân loại rác."),
        p("T/M CHI BỘ"),
    )
    assert (
        fields["results"] == "Giảm 40% rác thải ra kênh.\nHiệu quả xã hội\nNgười dân tự giác phân loại rác."
    )


def test_a_row_of_labels_over_a_row_of_values(tmp_path):
    rows = [
        ["Tên mô hình", "Đơn vị thực hiện", "Cấp"],
        ["Dân vận trong thu gom rác", "Xã Tân Thành", "cấp xã"],
    ]
    fields = fields_of(tmp_path, p(REGISTRATION_TITLE), tbl(rows))
    assert fields["model_name"] == "Dân vận trong thu gom rác"
    assert fields["unit"] == "Xã Tân Thành"
    assert fields["level"] == "Cấp xã, phường"


def test_who_labels_are_resolved_by_their_value(tmp_path):
    collective = fields_of(tmp_path, p(PROPOSAL_TITLE), p("Đơn vị (cá nhân) thực hiện: Chi bộ Tòa án"))
    assert collective["unit"] == "Chi bộ Tòa án" and "person_name" not in collective
    person = fields_of(
        tmp_path, p(PROPOSAL_TITLE), p("Tập thể/cá nhân thực hiện: Trần Thị Mỹ Linh - Phó Chủ tịch Hội")
    )
    assert (person["person_name"], person["person_position"]) == ("Trần Thị Mỹ Linh", "Phó Chủ tịch Hội")
    assert person["model_type"] == "Cá nhân"
    typed = fields_of(tmp_path, p(PROPOSAL_TITLE), p("Tập thể/cá nhân: Tập thể"))
    assert typed["model_type"] == "Tập thể" and "unit" not in typed


def test_position_and_unit_in_one_label(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Họ và tên: Trần Thị Mỹ Linh"),
        p("Chức vụ, đơn vị công tác: Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố"),
    )
    assert fields["person_position"] == "Phó Chủ tịch"
    assert fields["unit"] == "Hội Liên hiệp Phụ nữ thành phố"


def test_an_ambiguous_label_is_a_warning_not_a_guess(tmp_path):
    doc = read_document(
        write_docx(tmp_path / "a.docx", p(PROPOSAL_TITLE), p("Tên mô hình, lĩnh vực: Kinh tế"))
    )
    extraction = extract(doc, CONFIG)
    assert "model_name" not in extraction.fields and "field" not in extraction.fields
    (problem,) = extraction.problems
    assert problem.code == "AMBIGUOUS_LABEL" and problem.severity == "warning"
    assert "Tên mô hình" in problem.message and "Lĩnh vực" in problem.message


def test_labels_added_in_the_configuration_are_recognised(tmp_path):
    data = load_config(DEFAULT_CONFIG).raw
    config = parse_config({**data, "labels": {"model_name": ["Tên sáng kiến dự thi"]}})
    doc = read_document(write_docx(tmp_path / "a.docx", p(PROPOSAL_TITLE), p("Sáng kiến dự thi: Nhà sạch")))
    assert "model_name" not in extract_fields(doc, CONFIG)
    doc = read_document(
        write_docx(tmp_path / "b.docx", p(PROPOSAL_TITLE), p("Tên sáng kiến dự thi: Nhà sạch"))
    )
    assert extract_fields(doc, config)["model_name"].value == "Nhà sạch"


def test_an_unknown_labels_key_is_refused():
    data = load_config(DEFAULT_CONFIG).raw
    with pytest.raises(Exception, match="labels.ten"):
        parse_config({**data, "labels": {"ten": ["Tên"]}})


def test_no_label_is_ever_a_value_on_a_whole_form_of_empty_labels():
    labels = [label for label, _, _ in LABELS]
    blocks = tuple(Block("para", f"{label}:", f"đoạn {i}") for i, label in enumerate(labels, 1))
    fields = extract(DocText((Block("para", PROPOSAL_TITLE_TEXT, "đoạn 0"), *blocks)), CONFIG).fields
    values = {value.value for key, value in fields.items() if key not in ("year", "model_type")}
    assert values == set()


PROPOSAL_TITLE_TEXT = "BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH DÂN VẬN KHÉO NĂM 2020"


@pytest.mark.parametrize(
    "value, position, unit",
    [
        ("Bác sĩ, Trưởng khoa Khám bệnh, Phòng Y tế", "Bác sĩ, Trưởng khoa Khám bệnh", "Phòng Y tế"),
        (
            "Chuyên viên, Chi bộ khu vực 2, phường Hiệp Thành",
            "Chuyên viên",
            "Chi bộ khu vực 2, phường Hiệp Thành",
        ),
        ("Công chức Tư pháp - Hộ tịch, Ấp Xẻo Vông", "Công chức Tư pháp - Hộ tịch", "Ấp Xẻo Vông"),
        ("Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố", "Phó Chủ tịch", "Hội Liên hiệp Phụ nữ thành phố"),
    ],
)
def test_a_position_and_unit_value_is_cut_where_the_unit_begins(tmp_path, value, position, unit):
    fields = fields_of(
        tmp_path, p(PROPOSAL_TITLE), p("Họ tên: Lê Thị Hoa"), p(f"Chức vụ, nơi công tác: {value}")
    )
    assert (fields["person_position"], fields["unit"]) == (position, unit)


@pytest.mark.parametrize(
    "title, kind",
    [
        ("BÁO CÁO TỔNG KẾT MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", "proposal"),
        ("ĐĂNG KÝ THI ĐUA THỰC HIỆN MÔ HÌNH DÂN VẬN KHÉO NĂM 2020", "registration"),
        ("BÁO CÁO THÀNH TÍCH MÔ HÌNH DÂN VẬN KHÉO", "proposal"),
    ],
)
def test_titles_other_offices_use_are_classified(tmp_path, title, kind):
    from pipeline.extract import classify

    doc = read_document(write_docx(tmp_path / "a.docx", p(title), p("Tập thể đăng ký: Phường Lái Hiếu")))
    assert classify(doc).value == kind


def test_a_ticked_check_box_is_the_value(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Lĩnh vực: ☐ Kinh tế ☐ Văn hóa - xã hội ☒ Quốc phòng - an ninh ☐ Xây dựng hệ thống chính trị"),
        p("Cấp công nhận:"),
        p("☐ Cấp thành phố"),
        p("☒ Cấp xã, phường"),
    )
    assert fields["field"] == "Quốc phòng - an ninh"
    assert fields["level"] == "Cấp xã, phường"


def test_a_title_naming_the_results_is_not_the_results_label(tmp_path):
    fields = fields_of(
        tmp_path,
        p("BÁO CÁO"),
        p("Kết quả thực hiện mô hình “Dân vận khéo” năm 2020"),
        p("Thực hiện Kế hoạch số 12-KH/TU, Chi bộ báo cáo như sau:"),
        p("Tên mô hình: Sân chơi an toàn"),
        p("Kết quả đạt được:"),
        p("Xây 3 sân chơi cho 400 trẻ em."),
    )
    assert fields["results"] == "Xây 3 sân chơi cho 400 trẻ em."


def test_an_empty_optional_item_does_not_take_the_next_item(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("7. Nguồn lực (nếu có):"),
        p("8. Bài học kinh nghiệm:"),
        p("Phải dựa vào dân."),
        p("9. Kết quả dự kiến:"),
        p("Phấn đấu đến cuối năm:"),
        p("- Giúp 10 hộ thoát nghèo."),
    )
    assert "resources" not in fields
    assert fields["results"] == "Phấn đấu đến cuối năm:\nGiúp 10 hộ thoát nghèo."


@pytest.mark.parametrize(
    "line, position",
    [
        ("Họ và tên người thực hiện: Nguyễn Văn An – Trưởng ấp Đông Bình", "Trưởng ấp Đông Bình"),
        ("Người thực hiện: Nguyễn Văn An (Công an viên xã Tân Thành)", "Công an viên xã Tân Thành"),
        ("Cá nhân thực hiện: Nguyễn Văn An, Bí thư Chi bộ ấp", "Bí thư Chi bộ ấp"),
    ],
)
def test_a_position_written_after_the_persons_name(tmp_path, line, position):
    fields = fields_of(tmp_path, p(PROPOSAL_TITLE), p(line))
    assert (fields["person_name"], fields["person_position"]) == ("Nguyễn Văn An", position)


def test_a_position_label_replaces_one_found_beside_the_name(tmp_path):
    fields = fields_of(
        tmp_path,
        p(PROPOSAL_TITLE),
        p("Họ và tên: Nguyễn Văn An, đảng viên"),
        p("Nghề nghiệp, chức vụ: Trưởng ấp"),
    )
    assert fields["person_position"] == "Trưởng ấp"


def test_a_unit_alone_under_a_position_and_unit_label_is_the_unit(tmp_path):
    fields = fields_of(tmp_path, p(PROPOSAL_TITLE), p("Chức vụ, đơn vị công tác: Chi bộ Tòa án"))
    assert fields["unit"] == "Chi bộ Tòa án" and "person_position" not in fields

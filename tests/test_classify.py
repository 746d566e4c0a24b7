"""Registration, proposal or neither, from the document's title words: every rule, including the
fallback on a document whose title sits in a table (no title paragraph), on hand-written openings; and
compound values ("position, unit") split into their fields."""

from __future__ import annotations

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import classify
from pipeline.model import Block, DocText, Kind


def paragraphs(*texts: str) -> DocText:
    return DocText(tuple(Block("para", text, f"đoạn {i}") for i, text in enumerate(texts, 1)))


def cells(*texts: str) -> DocText:
    return DocText(
        tuple(Block("cell", text, f"bảng 1, hàng {i}, cột 1", 1, i, 1) for i, text in enumerate(texts, 1))
    )


@pytest.mark.parametrize(
    "doc, kind",
    [
        (
            paragraphs("PHIẾU ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", "Tên mô hình: Sổ vàng"),
            Kind.REGISTRATION,
        ),
        (paragraphs("BÁO CÁO", "Kết quả thực hiện mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("TỜ TRÌNH đề nghị công nhận mô hình “Dân vận khéo”"), Kind.PROPOSAL),
        (paragraphs("Đề nghị công nhận mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("Thành tích thực hiện mô hình “Dân vận khéo”"), Kind.PROPOSAL),
        (paragraphs("Tổng kết mô hình “Dân vận khéo” năm 2020"), Kind.PROPOSAL),
        (paragraphs("ĐĂNG KÝ XÂY DỰNG MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"), Kind.REGISTRATION),
        # both words: the form's name decides before the report's
        (paragraphs("PHIẾU ĐĂNG KÝ BÁO CÁO MÔ HÌNH DÂN VẬN KHÉO"), Kind.REGISTRATION),
        (paragraphs("GIẤY MỜI họp sơ kết phong trào thi đua"), None),  # not about the models
        (paragraphs("Kế hoạch năm 2021 về mô hình dân vận khéo"), None),  # about them, but no form's title
        # the title in a table: the opening's words decide
        (cells("PHIẾU ĐĂNG KÝ", "Tên mô hình", "Sổ vàng"), Kind.REGISTRATION),
        (cells("ĐĂNG KÝ MÔ HÌNH", "Sổ vàng"), Kind.REGISTRATION),
        (cells("Đăng ký xây dựng mô hình", "Sổ vàng"), Kind.REGISTRATION),
        (cells("BÁO CÁO KẾT QUẢ", "thực hiện mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("TỜ TRÌNH", "mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("ĐỀ NGHỊ CÔNG NHẬN", "mô hình Sổ vàng"), Kind.PROPOSAL),
        (cells("BÁO CÁO MÔ HÌNH", "Sổ vàng"), Kind.PROPOSAL),
        (cells("Danh sách", "mô hình Sổ vàng"), None),
    ],
)
def test_kind_from_the_title(doc, kind):
    assert classify(doc) == kind


def test_the_models_may_be_named_only_further_down(tmp_path):
    opening = [f"Dòng {i} của phần mở đầu." for i in range(45)]
    named_late = paragraphs("BÁO CÁO", *opening, "Kết quả thực hiện mô hình “Dân vận khéo”")
    assert classify(named_late) is None  # no title names them: the title words decide nothing
    in_cells = cells("BÁO CÁO KẾT QUẢ", *opening, "mô hình Sổ vàng")
    assert classify(in_cells) == Kind.PROPOSAL
    too_late = cells("BÁO CÁO KẾT QUẢ", *[f"Dòng {i}." for i in range(205)], "mô hình Sổ vàng")
    assert classify(too_late) is None


# ---------------------------------------------------------------------------- compound values

CONFIG = load_config(DEFAULT_CONFIG)


@pytest.mark.parametrize(
    "keys, text, parts",
    [
        (
            ("person_position", "unit"),
            "Phó Chủ tịch, Hội Liên hiệp Phụ nữ thành phố",
            [("person_position", "Phó Chủ tịch"), ("unit", "Hội Liên hiệp Phụ nữ thành phố")],
        ),
        (  # the position keeps its commas when a configured unit ends the text
            ("person_position", "unit"),
            "Bác sĩ, Trưởng khoa Khám bệnh, Trung tâm Y tế thành phố",
            [("person_position", "Bác sĩ, Trưởng khoa Khám bệnh"), ("unit", "Trung tâm Y tế thành phố")],
        ),
        (  # parts before the configured unit that name a unit belong to it
            ("person_position", "unit"),
            "Bí thư, Chi bộ khu vực 2, Phường Hiệp Thành",
            [("person_position", "Bí thư"), ("unit", "Chi bộ khu vực 2, Phường Hiệp Thành")],
        ),
        (
            ("person_name", "person_position"),
            "Trần Thị Mỹ Linh - Phó Chủ tịch",
            [("person_name", "Trần Thị Mỹ Linh"), ("person_position", "Phó Chủ tịch")],
        ),
        (  # a position ends at a comma, not at a dash
            ("person_position", "unit"),
            "Công chức Tư pháp - Hộ tịch, UBND xã Long Bình",
            [("person_position", "Công chức Tư pháp - Hộ tịch"), ("unit", "UBND xã Long Bình")],
        ),
        (
            ("person_name", "person_position", "unit"),
            "Lê Văn Tám, Bí thư, Chi bộ Tòa án",
            [("person_name", "Lê Văn Tám"), ("person_position", "Bí thư"), ("unit", "Chi bộ Tòa án")],
        ),
    ],
)
def test_a_compound_value_is_split_in_label_order(keys, text, parts):
    from pipeline.extract import split_values

    assert split_values(keys, text, CONFIG) == parts


def test_a_configured_unit_at_the_end_is_cut_off_whatever_the_separator():
    from pipeline.extract import is_unit_name, unit_at_end

    assert unit_at_end("Phó Chủ tịch - Hội Liên hiệp Phụ nữ thành phố", CONFIG) == (
        "Phó Chủ tịch",
        "Hội Liên hiệp Phụ nữ thành phố",
    )
    # A unit alone is a unit (under "Chức vụ, đơn vị công tác" it leaves the position empty).
    assert unit_at_end("Hội Liên hiệp Phụ nữ thành phố", CONFIG) == ("", "Hội Liên hiệp Phụ nữ thành phố")
    assert unit_at_end("Trưởng khoa XPhòng Y tế", CONFIG) == ("Trưởng khoa XPhòng Y tế", "")
    assert unit_at_end("Bí thư", CONFIG) == ("Bí thư", "")
    assert is_unit_name("Chi bộ khu vực 2") and is_unit_name("chi bộ") and not is_unit_name("Bí thư")

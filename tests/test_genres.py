"""Documents, not only forms: each genre's mechanism (title, sentence, letterhead, individual, plan)."""

from __future__ import annotations

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import classify, extract
from pipeline.model import (
    SOURCE_INFERRED,
    SOURCE_LABEL,
    SOURCE_LETTERHEAD,
    SOURCE_SENTENCE,
    SOURCE_TITLE,
    Kind,
    Record,
)
from pipeline.reader import read_document
from pipeline.validate import validate_record
from tests.docxbuild import p, tbl, write_docx

CONFIG = load_config(DEFAULT_CONFIG)


def lines(*texts: str) -> str:
    return "".join(p(text) for text in texts)


def state_letterhead(body: str, number: str, date: str) -> str:
    return tbl(
        [
            [
                lines("ỦY BAN NHÂN DÂN", body, "———"),
                lines("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
            ],
            [lines(number), lines(date)],
        ]
    )


def party_letterhead(*body: str) -> str:
    return tbl([[lines(*body), lines("ĐẢNG CỘNG SẢN VIỆT NAM", "Ngã Bảy, ngày 25 tháng 11 năm 2020")]])


def read(tmp_path, *body: str):
    doc = read_document(write_docx(tmp_path / "doc.docx", *body))
    kind = classify(doc)
    extraction = extract(doc, CONFIG)
    return kind, extraction


TO_TRINH = (
    state_letterhead("PHƯỜNG HIỆP LỢI", "Số: 45/TTr-UBND", "Hiệp Lợi, ngày 20 tháng 11 năm 2020"),
    p("TỜ TRÌNH"),
    p("Về việc đề nghị công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020"),
    p("Kính gửi: Ban Thường vụ Thành ủy Ngã Bảy"),
    p("Căn cứ Kế hoạch số 15-KH/TU ngày 10/3/2019 của Ban Thường vụ Thành ủy về phong trào thi đua."),
    p(
        "Năm 2020, Ủy ban nhân dân phường Hiệp Lợi triển khai thực hiện mô hình “Tuyến hẻm sáng - xanh - sạch"
        " - đẹp” thuộc lĩnh vực văn hóa - xã hội, là mô hình tập thể do các hộ dân cùng làm."
    ),
    p("Kết quả đạt được:"),
    p("Vận động 215 hộ dân hiến 1.200 m² đất, làm mới 3,5 km đường hẻm."),
    p("Qua một năm thực hiện, Ủy ban nhân dân phường tự đánh giá mô hình đạt loại Tốt."),
    p(
        "Ủy ban nhân dân phường Hiệp Lợi kính đề nghị Ban Thường vụ Thành ủy xem xét, công nhận mô hình "
        "“Tuyến hẻm sáng - xanh - sạch - đẹp” là mô hình “Dân vận khéo” cấp thành phố năm 2020."
    ),
    p("TM. ỦY BAN NHÂN DÂN"),
    p("CHỦ TỊCH"),
    p("Trần Văn Tư"),
)


def test_a_to_trinh_is_read_from_its_title_sentences_and_letterhead(tmp_path):
    kind, extraction = read(tmp_path, *TO_TRINH)
    fields = extraction.fields
    assert kind is Kind.PROPOSAL
    assert fields["model_name"].value == "Tuyến hẻm sáng - xanh - sạch - đẹp"
    assert fields["model_name"].source == SOURCE_SENTENCE
    assert (fields["level"].value, fields["level"].source) == ("Cấp thành phố", SOURCE_TITLE)
    assert (fields["year"].value, fields["year"].source) == ("2020", SOURCE_TITLE)
    assert (fields["field"].value, fields["field"].source) == ("Văn hóa - xã hội", SOURCE_SENTENCE)
    assert (fields["model_type"].value, fields["model_type"].source) == ("Tập thể", SOURCE_SENTENCE)
    assert (fields["proposed_rating"].value, fields["proposed_rating"].source) == ("Tốt", SOURCE_SENTENCE)
    assert (fields["unit"].value, fields["unit"].source) == ("Phường Hiệp Lợi", SOURCE_LETTERHEAD)
    assert fields["results"].source == SOURCE_LABEL
    record = Record(Kind.PROPOSAL, "doc.docx", "0", fields)
    assert [problem.code for problem in validate_record(record, CONFIG)] == []


def test_a_cited_decisions_year_is_not_the_campaign_year(tmp_path):
    _, extraction = read(tmp_path, *TO_TRINH)
    assert extraction.fields["year"].value == "2020"  # not 2019, from "Kế hoạch số 15-KH/TU ngày 10/3/2019"


CONG_VAN = (
    tbl(
        [
            [
                lines(
                    "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY",
                    "ĐẢNG ỦY PHƯỜNG LÁI HIẾU",
                    "*",
                    "Số 12-CV/ĐU",
                    "V/v đề nghị công nhận mô hình “Dân vận khéo” năm 2020",
                ),
                lines("ĐẢNG CỘNG SẢN VIỆT NAM", "Lái Hiếu, ngày 02 tháng 12 năm 2020"),
            ]
        ]
    ),
    p("Kính gửi: Ban Dân vận Thành ủy Ngã Bảy"),
    p(
        "Thực hiện phong trào thi đua “Dân vận khéo”, Đảng ủy phường đã chỉ đạo xây dựng mô hình "
        "“Chợ an toàn, văn minh” thuộc lĩnh vực kinh tế."
    ),
    p("Kết quả: 100% tiểu thương ký cam kết, không còn lấn chiếm lòng lề đường."),
    p("Đảng ủy phường tự xếp loại mô hình: Khá."),
    p(
        "Đảng ủy phường Lái Hiếu kính đề nghị Ban Thường vụ Thành ủy công nhận mô hình trên là mô hình "
        "cấp thành phố."
    ),
    p("T/M ĐẢNG ỦY"),
    p("BÍ THƯ"),
    p("Lê Văn Năm"),
)


def test_a_cong_van_gives_its_unit_from_the_letterhead_and_its_level_from_the_request(tmp_path):
    kind, extraction = read(tmp_path, *CONG_VAN)
    fields = extraction.fields
    assert kind is Kind.PROPOSAL
    assert fields["model_name"].value == "Chợ an toàn, văn minh"
    assert (fields["unit"].value, fields["unit"].source) == ("Phường Lái Hiếu", SOURCE_LETTERHEAD)
    assert (fields["level"].value, fields["level"].source) == ("Cấp thành phố", SOURCE_SENTENCE)
    assert fields["field"].value == "Kinh tế"
    assert fields["proposed_rating"].value == "Khá"
    assert fields["year"].value == "2020"
    assert (fields["model_type"].value, fields["model_type"].source) == ("Tập thể", SOURCE_INFERRED)


INDIVIDUAL = (
    party_letterhead("ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY", "CHI BỘ TÒA ÁN", "*"),
    p("BÁO CÁO THÀNH TÍCH"),
    p("Đề nghị công nhận điển hình cá nhân thực hiện mô hình “Dân vận khéo” cấp thành phố năm 2020"),
    p("I. SƠ LƯỢC LÝ LỊCH"),
    p("- Họ tên: Nguyễn Thị Mai"),
    p("- Sinh ngày, tháng, năm: 12/5/1975"),
    p("- Năm vào Đảng: 1998"),
    p("- Đơn vị công tác: Chi bộ Tòa án"),
    p("- Chức vụ: Thư ký Tòa án"),
    p("II. THÀNH TÍCH ĐẠT ĐƯỢC"),
    p("Đồng chí xây dựng mô hình “Hòa giải viên tận tâm” thuộc lĩnh vực xây dựng hệ thống chính trị."),
    p("Kết quả: hòa giải thành 48 vụ việc, không có đơn thư vượt cấp."),
    p("Bản thân tự đánh giá mô hình đạt loại Tốt."),
    p("NGƯỜI BÁO CÁO"),
    p("Nguyễn Thị Mai"),
)


def test_an_individual_report_takes_no_birth_year_and_is_individual(tmp_path):
    kind, extraction = read(tmp_path, *INDIVIDUAL)
    fields = extraction.fields
    assert kind is Kind.PROPOSAL
    assert fields["person_name"].value == "Nguyễn Thị Mai"
    assert fields["person_position"].value == "Thư ký Tòa án"
    assert fields["unit"].value == "Chi bộ Tòa án"
    assert fields["year"].value == "2020"
    assert fields["model_type"].value == "Cá nhân"
    assert fields["model_name"].value == "Hòa giải viên tận tâm"
    assert fields["field"].value == "Xây dựng hệ thống chính trị"
    record = Record(Kind.PROPOSAL, "doc.docx", "0", fields)
    assert "WRONG_YEAR" not in [problem.code for problem in validate_record(record, CONFIG)]


def test_an_unread_type_stays_missing(tmp_path):
    # A person is named, and so is "tập thể": no evidence decides, so no value (the correction loop asks).
    body = (
        p("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"),
        p("Họ và tên: Nguyễn Văn Hai"),
        p("Mô hình tập thể hay cá nhân do đồng chí phụ trách đã được tập thể chi bộ thống nhất."),
        p("Tên mô hình: “Sổ tay dân vận”"),
    )
    _, extraction = read(tmp_path, *body)
    assert "model_type" not in extraction.fields


PLAN = (
    party_letterhead("HỘI LIÊN HIỆP PHỤ NỮ", "THÀNH PHỐ NGÃ BẢY", "*", "Số 08-KH/HPN"),
    p("KẾ HOẠCH"),
    p("Xây dựng mô hình “Dân vận khéo” năm 2020"),
    p("I. MỤC ĐÍCH, YÊU CẦU"),
    p("Xây dựng mô hình “Phụ nữ tiết kiệm vì người nghèo” thuộc lĩnh vực kinh tế, đăng ký cấp thành phố."),
    p("II. NỘI DUNG THỰC HIỆN"),
    p("Vận động hội viên mỗi tháng góp 20.000 đồng."),
)


def test_a_plan_is_a_registration_never_a_proposal(tmp_path):
    kind, extraction = read(tmp_path, *PLAN)
    assert kind is Kind.REGISTRATION
    assert extraction.fields["model_name"].value == "Phụ nữ tiết kiệm vì người nghèo"
    assert extraction.fields["level"].value == "Cấp thành phố"


def test_a_level_given_under_a_recognition_label_is_the_level_not_the_rating(tmp_path):
    body = (
        p("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"),
        p("Tên mô hình: “Sổ tay dân vận”"),
        p("Đề nghị công nhận: cấp thành phố"),
        p("Tự đánh giá: Tốt"),
    )
    _, extraction = read(tmp_path, *body)
    assert extraction.fields["level"].value == "Cấp thành phố"
    assert extraction.fields["proposed_rating"].value == "Tốt"


def test_results_come_from_the_results_section_not_the_aims(tmp_path):
    body = (
        p("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"),
        p("Tên mô hình: “Sổ tay dân vận”"),
        p("1. Mục tiêu:"),
        p("Phấn đấu đạt kết quả 100% hộ tham gia."),
        p("2. Kết quả đạt được:"),
        p("Đã có 230 hộ tham gia, đạt 98%."),
    )
    _, extraction = read(tmp_path, *body)
    assert extraction.fields["results"].value == "Đã có 230 hộ tham gia, đạt 98%."


def test_two_sources_that_disagree_are_a_warning_naming_both(tmp_path):
    body = (
        p("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” CẤP XÃ NĂM 2020"),
        p("Tên mô hình: “Sổ tay dân vận”"),
        p("Cấp công nhận: Cấp thành phố"),
    )
    _, extraction = read(tmp_path, *body)
    assert extraction.fields["level"].value == "Cấp thành phố"
    [problem] = [problem for problem in extraction.problems if problem.code == "SOURCES_DISAGREE"]
    assert "«Cấp thành phố»" in problem.message and "«Cấp xã, phường»" in problem.message
    assert "tiêu đề" in problem.message and "nhãn" in problem.message


@pytest.mark.parametrize(
    "sentence",
    [
        "Mô hình “Sổ tay dân vận” đã được công nhận mô hình “Dân vận khéo” cấp xã năm 2019.",
        "Năm 2018, chi bộ đã được công nhận cấp thành phố với mô hình “Sổ tay dân vận”.",
    ],
)
def test_a_sentence_about_an_earlier_recognition_is_no_evidence(tmp_path, sentence):
    body = (p("BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020"), p(sentence))
    _, extraction = read(tmp_path, *body)
    assert "level" not in extraction.fields


@pytest.mark.parametrize(
    ("letterhead", "unit"),
    [
        (("ĐẢNG BỘ PHƯỜNG NGÃ BẢY", "CHI BỘ KHU VỰC 3", "*"), "Chi bộ khu vực 3, phường Ngã Bảy"),
        (("HỘI CCB TP NGÃ BẢY", "HỘI CỰU CHIẾN BINH PHƯỜNG HIỆP LỢI"), "Hội Cựu chiến binh phường Hiệp Lợi"),
        (("HỘI LHPN TỈNH HẬU GIANG", "BCH HỘI LHPN THÀNH PHỐ NGÃ BẢY"), "Hội Liên hiệp Phụ nữ thành phố"),
        (("THÀNH ỦY NGÃ BẢY", "VĂN PHÒNG", "*"), "Văn phòng Thành ủy"),
        (("ĐOÀN TNCS HỒ CHÍ MINH", "BCH ĐOÀN XÃ TÂN THÀNH"), "Đoàn Thanh niên xã Tân Thành"),
        (("ỦY BAN MTTQ VIỆT NAM", "THÀNH PHỐ NGÃ BẢY"), "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố"),
    ],
)
def test_the_letterhead_names_the_unit_as_the_unit_list_or_nd30_writes_it(tmp_path, letterhead, unit):
    body = (
        party_letterhead(*letterhead),
        p("BÁO CÁO"),
        p("Kết quả thực hiện mô hình “Sổ tay dân vận” năm 2020"),
    )
    _, extraction = read(tmp_path, *body)
    assert (extraction.fields["unit"].value, extraction.fields["unit"].source) == (unit, SOURCE_LETTERHEAD)


def test_a_letterhead_name_with_an_unknown_word_gives_no_guessed_capitals(tmp_path):
    body = (party_letterhead("ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY", "HỢP TÁC XÃ QUYẾT THẮNG"), p("BÁO CÁO"))
    _, extraction = read(tmp_path, *body)
    assert "unit" not in extraction.fields


def test_a_cong_van_subject_line_makes_a_proposal_and_a_person_is_read_from_a_sentence(tmp_path):
    body = (
        tbl(
            [
                [
                    lines(
                        "UBND THÀNH PHỐ NGÃ BẢY",
                        "PHÒNG Y TẾ",
                        "Số: 12/CV-PYT",
                        "V/v đề nghị xét công nhận điển hình “Dân vận khéo”",
                    ),
                    lines("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Ngã Bảy, ngày 02 tháng 12 năm 2020"),
                ]
            ]
        ),
        p(
            "Phòng Y tế kính đề nghị xem xét, công nhận bà Lê Thị Mỹ Tuyết (sinh năm 1968), Chuyên viên, "
            "Phòng Y tế là điển hình “Dân vận khéo” cấp thành phố năm 2020 với mô hình “Sổ khám bệnh”."
        ),
    )
    kind, extraction = read(tmp_path, *body)
    fields = extraction.fields
    assert kind is Kind.PROPOSAL
    assert (fields["person_name"].value, fields["person_position"].value) == (
        "Lê Thị Mỹ Tuyết",
        "Chuyên viên",
    )
    assert fields["model_type"].value == "Cá nhân" and fields["model_type"].source == SOURCE_INFERRED
    assert fields["year"].value == "2020"


def test_items_written_on_one_line_are_read_one_by_one(tmp_path):
    body = (
        p("BÁO CÁO THÀNH TÍCH"),
        p("Đề nghị công nhận điển hình cá nhân “Dân vận khéo” cấp thành phố năm 2020"),
        p(
            "Họ và tên: Bùi Hữu Sơn, sinh năm 1981; chức vụ: Công an viên; đơn vị công tác: Công an "
            "thành phố."
        ),
        p("Tôi tên: Trương Văn Phước          Sinh năm: 1981"),
    )
    _, extraction = read(tmp_path, *body)
    fields = extraction.fields
    assert fields["person_name"].value == "Bùi Hữu Sơn"
    assert fields["person_position"].value == "Công an viên"
    assert fields["unit"].value == "Công an thành phố"
    assert fields["year"].value == "2020"

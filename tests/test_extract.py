"""Reading and extraction across the three layouts, on documents built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import classify, extract_fields
from pipeline.model import Kind
from pipeline.reader import read_document
from tests.docxbuild import (
    PROPOSAL_TITLE,
    REGISTRATION_TITLE,
    dele,
    ins,
    p,
    proposal_paragraphs,
    r,
    sdt,
    styles_xml,
    tbl,
    text_box,
    write_docx,
)

CONFIG = load_config(DEFAULT_CONFIG)


def extract(path: Path) -> dict[str, str]:
    return {key: value.value for key, value in extract_fields(read_document(path), CONFIG).items()}


def test_paragraph_layout_with_value_over_several_paragraphs(tmp_path):
    fields = extract(write_docx(tmp_path / "a.docx", *proposal_paragraphs()))
    assert fields["model_name"] == "Sổ vàng khởi nghiệp"
    assert fields["unit"] == "Văn phòng Thành ủy"
    assert fields["level"] == "Cấp thành phố"
    assert fields["field"] == "Kinh tế"
    # The point's mark ("- ") is layout, not part of the value.
    assert fields["results"] == "Hỗ trợ 12 hộ khởi nghiệp, vốn 350 triệu đồng.\nVận động 125 hộ tham gia."
    assert fields["proposed_rating"] == "Tốt"
    assert fields["year"] == "2020"
    assert fields["model_type"] == "Tập thể"
    assert fields["signer"] == "Nguyễn Văn Bình"


def test_each_value_keeps_where_it_came_from(tmp_path):
    doc = read_document(write_docx(tmp_path / "a.docx", *proposal_paragraphs()))
    fields = extract_fields(doc, CONFIG)
    assert fields["model_name"].where == "đoạn 3"
    assert fields["results"].where == "đoạn 10"


def test_labels_match_despite_case_diacritics_numbering_and_synonyms(tmp_path):
    path = write_docx(
        tmp_path / "a.docx",
        p(PROPOSAL_TITLE),
        p("TEN MO HINH: Tiểu thương nói không với thực phẩm bẩn"),
        p("- Tập thể thực hiện : Phường Lái Hiếu"),
        p("c) CẤP: cấp xã, phường"),
        p("Lĩnh vực thực hiện: VH-XH"),
        p("Kết quả đạt được: 100% tiểu thương ký cam kết"),
        p("Đề nghị xếp loại: loại Khá"),
    )
    fields = extract(path)
    assert fields["model_name"] == "Tiểu thương nói không với thực phẩm bẩn"
    assert fields["unit"] == "Phường Lái Hiếu"
    assert fields["level"] == "Cấp xã, phường"
    assert fields["field"] == "Văn hóa - xã hội"
    assert fields["proposed_rating"] == "Khá"


@pytest.mark.parametrize(
    "raw, label",
    [
        ("ANQP", "Quốc phòng - an ninh"),
        ("an ninh - quốc phòng", "Quốc phòng - an ninh"),
        ("văn hoá – xã hội", "Văn hóa - xã hội"),
        ("Xây dựng hệ thống chính trị", "Xây dựng hệ thống chính trị"),
    ],
)
def test_field_values_are_normalised_to_the_vocabulary(tmp_path, raw, label):
    path = write_docx(tmp_path / "a.docx", p(PROPOSAL_TITLE), p("Tên mô hình: X"), p(f"Lĩnh vực: {raw}"))
    assert extract(path)["field"] == label


def test_key_value_table_with_stt_column_and_split_runs(tmp_path):
    rows = [
        ["STT", "Nội dung", "Thông tin"],
        [
            "1",
            "Tên mô hình",
            p("“Vận dụng công tác dân vận ", r("khéo", bold=True), " vào công tác giải quyết án”"),
        ],
        ["2", "Đơn vị thực hiện:", "Chi bộ Tòa án"],
        ["3", "Cấp đề nghị công nhận", "cấp TP"],
        ["4", "Lĩnh vực", "XDHTCT"],
        ["5", "Kết quả đạt được", p("Hòa giải thành 45 vụ việc.") + p("Giảm 30% án tồn.")],
        ["6", "Tự đánh giá", "Tốt"],
    ]
    fields = extract(write_docx(tmp_path / "t.docx", p(PROPOSAL_TITLE), tbl(rows)))
    assert fields["model_name"] == "Vận dụng công tác dân vận khéo vào công tác giải quyết án"
    assert fields["unit"] == "Chi bộ Tòa án"
    assert fields["level"] == "Cấp thành phố"
    assert fields["field"] == "Xây dựng hệ thống chính trị"
    assert fields["results"] == "Hòa giải thành 45 vụ việc.\nGiảm 30% án tồn."


def test_table_with_values_in_the_row_under_each_label(tmp_path):
    rows = [["Tên mô hình:"], ["Sổ vàng khởi nghiệp"], ["Đơn vị thực hiện:"], ["Văn phòng Thành ủy"]]
    fields = extract(write_docx(tmp_path / "t.docx", p(PROPOSAL_TITLE), tbl(rows)))
    assert fields["model_name"] == "Sổ vàng khởi nghiệp"
    assert fields["unit"] == "Văn phòng Thành ủy"


def test_content_controls_are_read_and_win_over_labels(tmp_path):
    rows = [
        ["Tên mô hình", p(sdt("model_name", "Nhà nước và Nhân dân cùng làm đèn chiếu sáng"))],
        ["Đơn vị", p(sdt("unit", "Chi bộ Phòng Quản lý đô thị"))],
        ["Lĩnh vực", p(sdt("field", "Nhập lĩnh vực", placeholder=True))],
    ]
    doc = read_document(write_docx(tmp_path / "f.docx", p(REGISTRATION_TITLE), tbl(rows)))
    fields = extract_fields(doc, CONFIG)
    assert fields["model_name"].value == "Nhà nước và Nhân dân cùng làm đèn chiếu sáng"
    assert fields["model_name"].where == "ô nhập liệu 'model_name'"
    assert "field" not in fields  # a placeholder is not a value


def test_block_level_content_control_with_several_paragraphs(tmp_path):
    body = sdt("results", p("Dòng một.") + p("Dòng hai."), block=True)
    fields = extract(write_docx(tmp_path / "f.docx", p(PROPOSAL_TITLE), p("Tên mô hình: A"), body))
    assert fields["results"] == "Dòng một.\nDòng hai."


def test_tracked_deletion_is_not_extracted_and_insertion_is(tmp_path):
    path = write_docx(
        tmp_path / "c.docx", p(PROPOSAL_TITLE), p("Tên mô hình: ", dele("Sổ đỏ"), ins("Sổ vàng khởi nghiệp"))
    )
    doc = read_document(path)
    assert extract_fields(doc, CONFIG)["model_name"].value == "Sổ vàng khởi nghiệp"
    assert [note.code for note in doc.notes] == ["TRACKED_CHANGES"]


def test_text_box_is_read_once(tmp_path):
    path = write_docx(tmp_path / "b.docx", p(text_box(p(PROPOSAL_TITLE))), p("Tên mô hình: A"))
    texts = [block.text for block in read_document(path).blocks]
    assert texts.count(PROPOSAL_TITLE) == 1


def test_nested_table_cells_are_read(tmp_path):
    inner = tbl([["Tên mô hình", "Mô hình lồng"]])
    path = write_docx(tmp_path / "n.docx", p(PROPOSAL_TITLE), tbl([["Thông tin", inner]]))
    assert extract(path)["model_name"] == "Mô hình lồng"


def test_decomposed_unicode_is_composed_and_tone_placement_unified(tmp_path):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Tên mô hình: Hoà giải ở cơ sở")
    fields = extract(write_docx(tmp_path / "d.docx", p(PROPOSAL_TITLE), p(decomposed)))
    assert fields["model_name"] == "Hòa giải ở cơ sở"
    assert unicodedata.is_normalized("NFC", fields["model_name"])


def test_classification(tmp_path):
    proposal = read_document(write_docx(tmp_path / "p.docx", *proposal_paragraphs()))
    registration = read_document(write_docx(tmp_path / "r.docx", p(REGISTRATION_TITLE), p("Tên mô hình: A")))
    invitation = read_document(write_docx(tmp_path / "i.docx", p("GIẤY MỜI"), p("Kính mời đồng chí dự họp.")))
    tờ_trình = read_document(
        write_docx(tmp_path / "t.docx", p("TỜ TRÌNH"), p('Đề nghị công nhận mô hình "Dân vận khéo" năm 2020'))
    )
    assert classify(proposal) is Kind.PROPOSAL
    assert classify(registration) is Kind.REGISTRATION
    assert classify(invitation) is None
    assert classify(tờ_trình) is Kind.PROPOSAL


def test_individual_model_fields(tmp_path):
    path = write_docx(
        tmp_path / "cn.docx",
        p(PROPOSAL_TITLE),
        p("Loại mô hình: Cá nhân"),
        p("Tên mô hình: Gặp dân mỗi tối thứ Bảy"),
        p("Họ và tên: Trần Thị Ngọc Hân"),
        p("Chức vụ: Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố"),
    )
    fields = extract(path)
    assert fields["model_type"] == "Cá nhân"
    assert fields["person_name"] == "Trần Thị Ngọc Hân"
    assert fields["person_position"] == "Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố"


def test_legacy_font_run_is_converted(tmp_path):
    from pipeline.legacy import encode_tcvn3

    legacy = encode_tcvn3("Tiểu thương nói không với thực phẩm bẩn")
    path = write_docx(
        tmp_path / "l.docx",
        p(PROPOSAL_TITLE),
        p("Tên mô hình: ", r(legacy, font=".VnTime")),
        styles=styles_xml(),
    )
    doc = read_document(path)
    assert extract_fields(doc, CONFIG)["model_name"].value == "Tiểu thương nói không với thực phẩm bẩn"
    assert "LEGACY_ENCODING" in [note.code for note in doc.notes]


def test_vni_run_and_unicode_in_a_legacy_font_in_one_file(tmp_path):
    from pipeline.legacy import encode_vni

    path = write_docx(
        tmp_path / "v.docx",
        p(PROPOSAL_TITLE),
        p("Tên mô hình: ", r(encode_vni("Nhà nước và Nhân dân cùng làm"), font="VNI-Times")),
        p("Đơn vị thực hiện: ", r("Phường Lái Hiếu", font=".VnTime")),
    )
    fields = extract(path)
    assert fields["model_name"] == "Nhà nước và Nhân dân cùng làm"
    assert fields["unit"] == "Phường Lái Hiếu"  # already Unicode: left alone


def test_tcvn3_capitals_font_and_soft_hyphen_u(tmp_path):
    from pipeline.legacy import encode_tcvn3

    title = encode_tcvn3('BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH "DÂN VẬN KHÉO" NĂM 2020', capitals=True)
    name = encode_tcvn3("Tiểu thương nói không với thực phẩm bẩn")
    assert "\u00ad" in name  # TCVN3 "ư" is the soft-hyphen byte
    path = write_docx(
        tmp_path / "h.docx", p(r(title, font=".VnTimeH")), p("Tên mô hình: ", r(name, font=".VnTime"))
    )
    doc = read_document(path)
    assert doc.blocks[0].text == 'BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH "DÂN VẬN KHÉO" NĂM 2020'
    assert extract_fields(doc, CONFIG)["model_name"].value == "Tiểu thương nói không với thực phẩm bẩn"


def test_macro_enabled_file_is_read_with_a_warning(tmp_path):
    from corpora import hostile

    doc = read_document(hostile.docm(tmp_path))
    assert "MACRO_ENABLED" in [note.code for note in doc.notes]


def test_title_in_the_page_header_classifies_the_document(tmp_path):
    path = write_docx(tmp_path / "h.docx", p("Tên mô hình: A"), header=p(PROPOSAL_TITLE))
    doc = read_document(path)
    assert classify(doc) is Kind.PROPOSAL
    assert doc.blocks[0].where == "đầu trang, đoạn 1"


def test_fields_hyperlinks_and_smart_tags_give_their_text(tmp_path):
    hyperlink = f'<w:hyperlink xmlns:r="http://x" r:id="rId5">{r("Sổ vàng")}</w:hyperlink>'
    smart_tag = f'<w:smartTag w:uri="urn:x" w:element="place">{r(" khởi nghiệp")}</w:smartTag>'
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD ten </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + r(" 2020")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    path = write_docx(tmp_path / "f.docx", p(PROPOSAL_TITLE), p("Tên mô hình: ", hyperlink, smart_tag, field))
    assert extract(path)["model_name"] == "Sổ vàng khởi nghiệp 2020"


def test_merged_cells_are_read_once(tmp_path):
    merged = '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p("Tên mô hình: Mô hình gộp ô") + "</w:tc>"
    path = write_docx(tmp_path / "m.docx", p(PROPOSAL_TITLE), f"<w:tbl><w:tr>{merged}</w:tr></w:tbl>")
    assert extract(path)["model_name"] == "Mô hình gộp ô"


def test_file_that_disappears_before_reading_is_rejected_not_raised(tmp_path):
    from pipeline.check import analyse_file

    analysis = analyse_file(tmp_path / "đã xóa.docx", "đã xóa.docx", "0" * 64, CONFIG)
    assert analysis.record is None
    assert [problem.code for problem in analysis.problems] == ["FILE_UNREADABLE"]


@pytest.mark.soffice
def test_legacy_doc_made_by_libreoffice_is_converted_outside_inputs(tmp_path):
    import shutil

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc files cannot be converted")
    source = Path(__file__).parent / "fixtures" / "lo-phieu-dang-ky-word97.doc"
    before = source.read_bytes()
    doc = read_document(source, tmp_path / "cache")
    fields = extract_fields(doc, CONFIG)
    assert classify(doc) is Kind.REGISTRATION and fields["model_name"].value
    assert "CONVERTED" in [note.code for note in doc.notes]
    assert list((tmp_path / "cache" / "converted").glob("*.docx"))
    assert source.read_bytes() == before


def test_short_values_that_look_like_closing_words_are_kept(tmp_path):
    rows = [
        ["Lĩnh vực:", "KT"],
        ["Họ và tên", "Đặng Văn Thủy"],
        ["Chức vụ", "Bí thư Chi bộ"],
        ["Loại mô hình", "Cá nhân"],
    ]
    fields = extract(write_docx(tmp_path / "k.docx", p(PROPOSAL_TITLE), tbl(rows)))
    assert fields["field"] == "Kinh tế"
    assert fields["person_position"] == "Bí thư Chi bộ"


@pytest.mark.parametrize("fonts", [("Times New Roman", ".VnTime"), ("Times New Roman",)])
def test_font_table_decides_whether_legacy_decoding_is_needed(tmp_path, fonts):
    from pipeline.legacy import encode_tcvn3

    legacy = encode_tcvn3("Sổ vàng khởi nghiệp")
    path = write_docx(
        tmp_path / "f.docx", p(PROPOSAL_TITLE), p("Tên mô hình: ", r(legacy, font=".VnTime")), fonts=fonts
    )
    decoded = extract(path)["model_name"] == "Sổ vàng khởi nghiệp"
    assert decoded is (".VnTime" in fonts)  # Word lists every font it used; a table without it is trusted


def test_tabs_breaks_symbols_and_hyphens_read_as_typed_but_tab_stops_do_not(tmp_path):
    tab_stops = '<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
    runs = (
        "<w:r><w:t>Tổ</w:t><w:tab/><w:t>tự quản</w:t><w:br/><w:t>khu</w:t>"
        "<w:noBreakHyphen/><w:t>vực 3</w:t><w:softHyphen/><w:t>B</w:t>"
        '<w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'
    )
    path = write_docx(tmp_path / "t.docx", p(PROPOSAL_TITLE), f"<w:p>{tab_stops}{runs}</w:p>")
    texts = [block.text for block in read_document(path).blocks]
    assert texts[1] == "Tổ\ttự quản\nkhu-vực 3B\u00fc"


def test_a_text_box_in_a_table_cell_is_read_after_its_paragraph_not_inside_it(tmp_path):
    box = text_box(p("Ghi chú trong khung"))
    table = tbl([[p("Tên mô hình"), p("Mô hình ", r("có khung"), box)]])
    path = write_docx(tmp_path / "b.docx", p(PROPOSAL_TITLE), table)
    doc = read_document(path)
    assert extract(path)["model_name"] == "Mô hình có khung"
    boxed = [block for block in doc.blocks if block.text == "Ghi chú trong khung"]
    assert len(boxed) == 1 and boxed[0].where.startswith("khung văn bản")

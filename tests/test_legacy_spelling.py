"""Legacy runs whose bytes also read as Latin-1 letters: the font says the encoding, and where a half
conversion puts it in doubt, Vietnamese spelling decides word by word (issue 18, "a legacy corner")."""

from __future__ import annotations

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config
from pipeline.extract import extract_fields
from pipeline.legacy import classify_run, decode_run, decode_runs, encode_tcvn3, encode_vni
from pipeline.reader import read_document
from pipeline.vntext import common_syllables, is_common_syllable, is_syllable
from tests.docxbuild import PROPOSAL_TITLE, p, r, write_docx

CONFIG = load_config(DEFAULT_CONFIG)

# ---------------------------------------------------------------------------- TCVN3 capitals (.VnTimeH)


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        # A half-converted label: "CÊP" kept its TCVN3 bytes, the rest was retyped in Unicode.
        (["CÊP CÔNG NHẬN"], "CẤP CÔNG NHẬN"),
        (["CÊP", " CÔNG NHẬN"], "CẤP CÔNG NHẬN"),
        (["SẢN PHÈM, KẾT QUẢ"], "SẢN PHẨM, KẾT QUẢ"),
        (["SẢN ", "PHÈM", ", KẾT QUẢ"], "SẢN PHẨM, KẾT QUẢ"),
    ],
)
def test_the_issue_examples_are_decoded(runs, expected):
    assert "".join(decode_runs(runs, "tcvn3-caps")) == expected


def test_cep_is_no_syllable_and_phem_no_common_word():
    # "CÊP": a final p needs sắc or nặng. "PHÈM" is spelled right but no word, "PHẨM" is one.
    assert not is_syllable("CÊP") and is_syllable("CẤP")
    assert is_syllable("PHÈM") and not is_common_syllable("PHÈM") and is_common_syllable("PHẨM")


def test_a_whole_label_in_a_capitals_font():
    legacy = encode_tcvn3("SẢN PHẨM, KẾT QUẢ ĐẠT ĐƯỢC", capitals=True)
    assert legacy == "S¶N PHÈM, KÕT QU¶ ®¹T ®\xadîC"
    assert classify_run(legacy, "tcvn3-caps") == "legacy"
    assert decode_run(legacy, "tcvn3-caps") == "SẢN PHẨM, KẾT QUẢ ĐẠT ĐƯỢC"
    assert decode_run("CÊP C«NG NHËN", "tcvn3-caps") == "CẤP CÔNG NHẬN"


def test_a_capitals_label_and_a_unicode_value_in_one_paragraph():
    runs = ["§¥N VÞ: ", "PHƯỜNG HIỆP LỢI"]
    assert decode_runs(runs, "tcvn3-caps") == ["ĐƠN VỊ: ", "PHƯỜNG HIỆP LỢI"]


# ---------------------------------------------------------------------------- TCVN3 lower case (.VnTime)


def test_a_half_converted_run_is_left_alone():
    # The font is still .VnTime, the text already Unicode: "Hòa" would read "Hũa", "Bình" "Bỡnh".
    assert decode_run("Phường Hòa Bình", "tcvn3") == "Phường Hòa Bình"
    assert decode_runs(["Phường ", "Hòa", " Bình"], "tcvn3") == ["Phường ", "Hòa", " Bình"]
    assert decode_run("CẤP CÔNG NHẬN", "tcvn3-caps") == "CẤP CÔNG NHẬN"


def test_a_lower_case_run():
    assert decode_run("Chi bé cã m« h×nh “D©n vËn khÐo”", "tcvn3") == "Chi bộ có mô hình “Dân vận khéo”"
    # beside Unicode, "cã" is still "có": "cã" is no common word
    assert decode_runs(["Chi bộ ", "cã", " m« h×nh"], "tcvn3") == ["Chi bộ ", "có", " mô hình"]


def test_a_word_left_behind_in_a_unicode_run():
    # "kÕt" cannot be Unicode (ngã before a final t); "Kết quả" beside it already is.
    assert decode_run("Báo cáo kÕt quả", "tcvn3") == "Báo cáo kết quả"


# ---------------------------------------------------------------------------- VNI


def test_vni_words_left_behind_by_a_half_conversion():
    assert decode_run("Hội Lieân hieäp Phụ nữ", "vni") == "Hội Liên hiệp Phụ nữ"
    assert decode_runs(["Hội ", "Lieân hieäp", " Phụ nữ"], "vni") == ["Hội ", "Liên hiệp", " Phụ nữ"]


def test_vni_unicode_run_is_left_alone():
    # "Tô" is VNI for "Tơ": both are spelled right, "tô" is the common word.
    assert decode_runs(["Phường ", "Tô", " Hiến Thành"], "vni") == ["Phường ", "Tô", " Hiến Thành"]
    assert decode_run(encode_vni("Phường Tô Hiến Thành"), "vni") == "Phường Tô Hiến Thành"


# ---------------------------------------------------------------------------- a document


def test_half_converted_capitals_labels_in_a_document_are_read(tmp_path):
    path = write_docx(
        tmp_path / "vntimeh.docx",
        p(PROPOSAL_TITLE),
        p("1. Tên mô hình: Sổ vàng khởi nghiệp"),
        p("2. Đơn vị thực hiện: Văn phòng Thành ủy"),
        p(
            r("3. ", font=".VnTimeH"),
            r("CÊP", font=".VnTimeH"),
            r(" CÔNG NHẬN: ", font=".VnTimeH"),
            "Cấp thành phố",
        ),
        p("4. Lĩnh vực: Kinh tế"),
        p("5. Thời gian thực hiện: Từ tháng 01/2020 đến tháng 12/2020"),
        p(r("II. SẢN ", font=".VnTimeH"), r("PHÈM", font=".VnTimeH"), r(", KẾT QUẢ", font=".VnTimeH")),
        p("Hỗ trợ 12 hộ khởi nghiệp, vốn 350 triệu đồng."),
        p("Tự đánh giá, đề nghị xếp loại: Tốt"),
        fonts=(".VnTimeH", "Times New Roman"),
    )
    doc = read_document(path)
    texts = [block.text for block in doc.blocks]
    assert "3. CẤP CÔNG NHẬN: Cấp thành phố" in texts
    assert "II. SẢN PHẨM, KẾT QUẢ" in texts
    fields = extract_fields(doc, CONFIG)
    assert fields["level"].value == "Cấp thành phố"
    assert fields["results"].value == "Hỗ trợ 12 hộ khởi nghiệp, vốn 350 triệu đồng."


# ---------------------------------------------------------------------------- the spelling check

# Written out for this test: everyday and administrative words, with the onsets gi, qu, ngh, gh, k and
# the rhymes oa, oe, uy, uyê, ươ, iê/yê that the rules single out. None may be judged no syllable.
REAL_WORDS = """
gì gìn giữ giữa giêng giếng giết giấy giúp gia giá giải giáo quý quỳnh quyết quyền quyển quốc quê quà
quản quận qui quơ quét nghỉ nghĩa nghiêng nghiệp nghìn nghe nghèo ghi ghế ghét ghép kiểm kiến kính
kỹ ký kế kênh kèm khuya khuỷu khuyến khỏe khoẻ hòa hoà hóa hoá thủy thuỷ ủy uỷ tùy tuỳ hoàng hoạt
toàn ngoài xoay ngoáy ngoằn ngoèo người mười thưởng được nước đường rượu cứu hưu ươm yêu yên yếu
uyên tuyên chuyển nguyễn nguyên thuyền huyện tiền tiếp việc biết điện miền hiệp liên nhiều thiếu
Đảng ĐẢNG Thành THÀNH ủy xoong boong cuốc muốn cuối buổi tuổi chuối mùa của cửa lửa cũng những
chính sách ếch ạch bách thích lịch khách kịch xích ốc ấp ấy ở ẩn ước ưu ống oán oai ngoẹo
""".split()


def test_real_words_are_syllables():
    assert [word for word in REAL_WORDS if not is_syllable(word)] == []


def test_every_common_syllable_is_a_syllable():
    words = common_syllables()
    assert len(words) >= 1200
    assert sorted(word for word in words if not is_syllable(word)) == []


# Mis-readings: a word's legacy bytes read as they are, or a Unicode word read as legacy.
MISREADINGS = [
    "cêp",  # "cấp" in .VnTimeH read as Latin-1: a final p needs sắc or nặng
    "cầp",  # huyền before a final p
    "kõt",  # "kết" in TCVN3: ngã before a final t
    "quyõt",  # "quyết"
    "phßng",  # "phòng": ß is no Vietnamese letter
    "cña",  # "của"
    "nhën",  # "nhận" (capitals font bytes)
    "tõy",  # "Tây" read as TCVN3: no rhyme "õy" with its tone on y
    "bỡnh",  # "Bình" read as TCVN3: no rhyme "ơnh"
    "bỏnh",  # "Bánh" read as TCVN3
    "baù",  # "bá" in VNI read as Latin-1: the tone of "au" sits on a
    "toaùn",  # "toán" in VNI
    "hòang",  # tone on o before a final: "hoàng"
    "cin",  # c before i is written k
    "kan",  # k only before i, e, ê, y
    "ghan",  # gh only before i, e, ê
    "ngi",  # ng before i is written ngh
    "gé",  # g before e is written gh
    "quu",  # qu is never followed by u
    "tyên",  # yê only without an initial
    "iên",  # iê needs one
]


def test_misreadings_are_no_syllables():
    assert [word for word in MISREADINGS if is_syllable(word)] == []


def test_a_capital_inside_a_word_is_no_reading():
    # "bÌ" and "BãNG" are the TCVN3 bytes of "bè" and (capitals) "BÓNG": each letter is a Vietnamese
    # letter, but no word is written with a capital after a small letter or the other way round.
    assert decode_runs(["Phường ", "bÌ"], "tcvn3") == ["Phường ", "bè"]
    assert decode_runs(["PHƯỜNG ", "BãNG"], "tcvn3-caps") == ["PHƯỜNG ", "BÓNG"]

import datetime
import unicodedata

import pytest

from pipeline.vntext import (
    count_in_words,
    fold,
    format_date,
    format_date_short,
    house_style,
    is_syllable,
    months_between,
    name_key,
    nfc,
    number_to_words,
    padded,
    parse_date,
    parse_month_span,
    sort_key,
    strip_marks,
)

D = datetime.date


def decomposed(text: str) -> str:
    """What Windows' built-in Vietnamese keyboard writes: base letters plus combining marks."""
    return unicodedata.normalize("NFD", text)


# ---------------------------------------------------------------------------- normalisation


def test_nfc_composes_windows_keyboard_input():
    assert decomposed("Đảng ủy") != "Đảng ủy"
    assert nfc(decomposed("Đảng ủy")) == "Đảng ủy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoà", "hòa"),
        ("Hoà", "Hòa"),
        ("HOÀ", "HÒA"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("uỷ", "ủy"),
        ("Thành uỷ", "Thành ủy"),
        ("Ban Thường vụ Thành uỷ Ngã Bảy", "Ban Thường vụ Thành ủy Ngã Bảy"),
        ("tuỳ", "tùy"),
        ("hoá", "hóa"),
        ("hoả", "hỏa"),
        ("hoạ", "họa"),
        ("xoã", "xõa"),
        ("khoé", "khóe"),
        ("loè", "lòe"),
        ("thuý", "thúy"),
        ("luỹ", "lũy"),
        ("truỵ", "trụy"),
        ("văn hoá – xã hội", "văn hóa – xã hội"),
        ("THÀNH UỶ, Uỷ ban", "THÀNH ỦY, Ủy ban"),
        ("uỷ", "ủy"),
        ("Hoà, hoà; HOÀ.", "Hòa, hòa; HÒA."),
    ],
)
def test_house_style_puts_the_tone_on_the_first_vowel_of_open_oa_oe_uy(text, expected):
    assert house_style(text) == expected


@pytest.mark.parametrize(
    "text",
    ["hoàng", "thuyền", "quý", "QUỶ", "Quỳnh", "khuya", "khuỷu", "hòa", "ủy", "oán", "hoặc", "uà", "oỳ"],
)
def test_house_style_leaves_fixed_placements_alone(text):
    assert house_style(text) == text


def test_house_style_composes_decomposed_input():
    assert house_style(decomposed("Thành uỷ Ngã Bảy")) == "Thành ủy Ngã Bảy"


def test_strip_marks_removes_every_diacritic_and_the_bar_of_d():
    assert strip_marks("Đảng bộ Ưng Hoà") == "Dang bo Ung Hoa"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. TÊN MÔ HÌNH:", "1 ten mo hinh"),
        ("Ten mo hinh", "ten mo hinh"),
        ("  Đơn vị   thực hiện :", "don vi thuc hien"),
        ("II. Kết quả đạt được", "ii ket qua dat duoc"),
        (decomposed("Lĩnh vực"), "linh vuc"),
    ],
)
def test_fold_makes_a_loose_label_key(text, expected):
    assert fold(text) == expected


def test_name_key_ignores_case_spacing_punctuation_and_tone_placement():
    assert name_key("Hòa") == name_key("hoà")
    assert name_key("Thành uỷ") == name_key("THÀNH ỦY")
    assert name_key('"Dân vận khéo"') == name_key("“Dân  vận khéo”")
    assert name_key("Phòng Lao động – Thương binh và Xã hội") == name_key(
        "Phòng Lao động - Thương binh và Xã hội"
    )
    assert name_key("Phòng Lao động—Thương binh") == name_key("phòng lao động-thương binh")
    assert name_key(decomposed("Nguyễn Thị Ưng")) == name_key("Nguyễn Thị Ưng")


def test_name_key_keeps_diacritics():
    assert name_key("Hoa") != name_key("Hòa")
    assert name_key("Đại Thành") != name_key("Dai Thanh")
    assert name_key("Tân Thành") != name_key("Tấn Thành")


# ---------------------------------------------------------------------------- syllables


@pytest.mark.parametrize(
    "word",
    [
        "gì",
        "quý",
        "khuya",
        "nghiêng",
        "người",
        "giữa",
        "Quỳnh",
        "thưởng",
        "Đảng",
        "xoong",
        "giêng",
        "hoà",
        "hòa",
    ],
)
def test_is_syllable_accepts_vietnamese_words(word):
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word", ["Tõy", "cỏc", "Bỡnh", "cña", "Hßa", "hoàà", "ñi", "wifi", "cêp", "hòang", "mùà", "cin", "gé"]
)
def test_is_syllable_rejects_impossible_words(word):
    assert not is_syllable(word)


# ---------------------------------------------------------------------------- collation


def test_plain_sorted_is_wrong_for_vietnamese():
    names = ["Đông", "Dân", "Zin"]
    assert sorted(names) == ["Dân", "Zin", "Đông"]  # code-point order puts Đ after z
    assert sorted(names, key=sort_key) == ["Dân", "Đông", "Zin"]


def test_sort_key_follows_the_vietnamese_alphabet():
    names = ["Ương", "Uống", "Ơn", "Ôn", "Ong", "Êm", "Em", "Ấp", "Ăn", "An", "Đào", "Dung", "Bình"]
    assert sorted(names, key=sort_key) == [
        "An", "Ăn", "Ấp", "Bình", "Dung", "Đào", "Em", "Êm", "Ong", "Ôn", "Ơn", "Uống", "Ương",
    ]  # fmt: skip


def test_sort_key_breaks_ties_by_tone_ngang_huyen_hoi_nga_sac_nang():
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_sort_key_letters_before_tones():
    # "bà" < "bác": the letters decide before the tones do.
    assert sorted(["bác", "bà"], key=sort_key) == ["bà", "bác"]
    assert sorted(["Ánh", "Anh"], key=sort_key) == ["Anh", "Ánh"]


def test_sort_key_compares_word_by_word():
    assert sorted(["Anh", "An Bình", "An"], key=sort_key) == ["An", "An Bình", "Anh"]


def test_sort_key_then_case_and_ignores_leading_quotes():
    assert sorted(["An", "an"], key=sort_key) == ["an", "An"]
    assert sorted(["“Bác Hồ”", "An", '"Cây xanh"'], key=sort_key) == ["An", "“Bác Hồ”", '"Cây xanh"']


def test_sort_key_reads_numbers_by_value():
    assert sorted(["Tổ 10", "Tổ 2"], key=sort_key) == ["Tổ 2", "Tổ 10"]


def test_sort_key_is_the_same_for_decomposed_text():
    assert sort_key(decomposed("Nguyễn Thị Ưng")) == sort_key("Nguyễn Thị Ưng")


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (1, "một"),
        (4, "bốn"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (41, "bốn mươi mốt"),
        (45, "bốn mươi lăm"),
        (46, "bốn mươi sáu"),
        (62, "sáu mươi hai"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (104, "một trăm linh bốn"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (187, "một trăm tám mươi bảy"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (1010, "một nghìn không trăm mười"),
        (2020, "hai nghìn không trăm hai mươi"),
        (2021, "hai nghìn không trăm hai mươi mốt"),
        (10000, "mười nghìn"),
        (15000, "mười lăm nghìn"),
        (1000000, "một triệu"),
        (1000001, "một triệu không trăm linh một"),
        (1050000, "một triệu không trăm năm mươi nghìn"),
        (1_000_000_000, "một tỷ"),
        (2_000_500_021, "hai tỷ năm trăm nghìn không trăm hai mươi mốt"),
    ],
)
def test_number_to_words(n, words):
    assert number_to_words(n) == words


def test_number_to_words_rejects_out_of_range():
    assert number_to_words(10**12 - 1).startswith("chín trăm chín mươi chín tỷ")
    with pytest.raises(ValueError):
        number_to_words(10**12)
    with pytest.raises(ValueError):
        number_to_words(-1)


def test_count_in_words_and_padded():
    assert count_in_words(62) == "62 (sáu mươi hai)"
    assert count_in_words(46) == "46 (bốn mươi sáu)"
    assert [padded(n) for n in (1, 6, 46, 187)] == ["01", "06", "46", "187"]


# ---------------------------------------------------------------------------- dates


def test_format_date_pads_the_day_and_only_months_one_and_two():
    assert format_date(D(2021, 2, 5)) == "ngày 05 tháng 02 năm 2021"
    assert format_date(D(2020, 1, 9)) == "ngày 09 tháng 01 năm 2020"
    assert format_date(D(2020, 3, 1)) == "ngày 01 tháng 3 năm 2020"
    assert format_date(D(2020, 12, 23)) == "ngày 23 tháng 12 năm 2020"


def test_format_date_draft_leaves_the_day_blank_for_the_clerk():
    assert format_date(D(2020, 12, 23), blank_day=True) == "ngày    tháng 12 năm 2020"
    assert format_date(None) == "ngày    tháng    năm    "


def test_format_date_short_is_unpadded():
    assert format_date_short(D(2020, 12, 23)) == "23/12/2020"
    assert format_date_short(D(2021, 2, 5)) == "5/2/2021"


@pytest.mark.parametrize(
    "text",
    [
        "23/12/2020",
        "23-12-2020",
        "23.12.2020",
        "ngày 23 tháng 12 năm 2020",
        "Ngày 23 tháng 12 năm 2020.",
        "2020-12-23",
    ],
)
def test_parse_date_accepts_the_usual_forms(text):
    assert parse_date(text) == D(2020, 12, 23)


def test_parse_date_reads_unpadded_and_decomposed():
    assert parse_date("5/2/2021") == D(2021, 2, 5)
    assert parse_date(decomposed("ngày 5 tháng 2 năm 2021")) == D(2021, 2, 5)


@pytest.mark.parametrize("text", ["", "abc", "12/2020", "31/02/2020", "23/12/20", "ngày 23 tháng 12", "2020"])
def test_parse_date_returns_none_for_non_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Từ tháng 01/2020 đến tháng 12/2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("từ 01/3/2020 đến 30/11/2020", D(2020, 3, 1), D(2020, 11, 30)),
        ("01/2020 - 12/2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("01/2020–12/2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("Năm 2020", D(2020, 1, 1), D(2020, 12, 31)),
        ("Từ tháng 3 đến tháng 12/2020", D(2020, 3, 1), D(2020, 12, 31)),
        ("Từ tháng 3 năm 2020 đến tháng 11 năm 2020", D(2020, 3, 1), D(2020, 11, 30)),
        ("tháng 02/2020 – tháng 2/2021", D(2020, 2, 1), D(2021, 2, 28)),
        ("Tháng 5/2020", D(2020, 5, 1), D(2020, 5, 31)),
        ("từ ngày 01 tháng 3 năm 2020 đến ngày 30 tháng 11 năm 2020", D(2020, 3, 1), D(2020, 11, 30)),
    ],
)
def test_parse_month_span(text, start, end):
    assert parse_month_span(text) == (start, end)


@pytest.mark.parametrize(
    "text", ["Từ tháng 3 năm 2020 đến nay", "Từ tháng 3/2020", "từ 01/3/2020", "", "liên tục"]
)
def test_parse_month_span_open_ended_or_unreadable_is_none(text):
    assert parse_month_span(text) is None


def test_months_between_counts_partial_months_whole():
    assert months_between(D(2020, 1, 1), D(2020, 12, 31)) == 12
    assert months_between(D(2020, 3, 15), D(2020, 11, 2)) == 9
    assert months_between(D(2020, 5, 1), D(2020, 5, 31)) == 1
    assert months_between(D(2019, 10, 1), D(2020, 3, 31)) == 6

"""Numbers in words against a literal table, and property tests for dates and Vietnamese collation.

The number table covers every digit in every position up to 999,999 with the irregular forms: "mốt"
(1 after mươi, never after mười), "lăm" (5 after mười/mươi; "nhăm" is a spoken variant the decisions do not
use), "mười" (the tens of 10–19), "linh" (a zero ten before a unit; "lẻ" is the southern spoken variant),
"tư" (4 after mươi, never after mười) and "không trăm" (a zero hundred after a higher group). The words
are written by hand, not produced by any code.
"""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.vntext import (
    format_date,
    format_date_short,
    months_between,
    number_to_words,
    parse_date,
    parse_month_span,
    sort_key,
)

NUMBERS = {
    0: "không",
    1: "một",
    2: "hai",
    3: "ba",
    4: "bốn",
    5: "năm",
    6: "sáu",
    7: "bảy",
    8: "tám",
    9: "chín",
    10: "mười",
    11: "mười một",
    12: "mười hai",
    13: "mười ba",
    14: "mười bốn",
    15: "mười lăm",
    16: "mười sáu",
    17: "mười bảy",
    18: "mười tám",
    19: "mười chín",
    20: "hai mươi",
    21: "hai mươi mốt",
    22: "hai mươi hai",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    29: "hai mươi chín",
    30: "ba mươi",
    33: "ba mươi ba",
    41: "bốn mươi mốt",
    44: "bốn mươi tư",
    54: "năm mươi tư",
    55: "năm mươi lăm",
    61: "sáu mươi mốt",
    66: "sáu mươi sáu",
    75: "bảy mươi lăm",
    77: "bảy mươi bảy",
    88: "tám mươi tám",
    90: "chín mươi",
    91: "chín mươi mốt",
    94: "chín mươi tư",
    99: "chín mươi chín",
    100: "một trăm",
    101: "một trăm linh một",
    104: "một trăm linh bốn",
    105: "một trăm linh năm",
    109: "một trăm linh chín",
    110: "một trăm mười",
    111: "một trăm mười một",
    114: "một trăm mười bốn",
    115: "một trăm mười lăm",
    121: "một trăm hai mươi mốt",
    200: "hai trăm",
    305: "ba trăm linh năm",
    414: "bốn trăm mười bốn",
    524: "năm trăm hai mươi tư",
    635: "sáu trăm ba mươi lăm",
    746: "bảy trăm bốn mươi sáu",
    857: "tám trăm năm mươi bảy",
    968: "chín trăm sáu mươi tám",
    999: "chín trăm chín mươi chín",
    1000: "một nghìn",
    1001: "một nghìn không trăm linh một",
    1010: "một nghìn không trăm mười",
    1015: "một nghìn không trăm mười lăm",
    1021: "một nghìn không trăm hai mươi mốt",
    1100: "một nghìn một trăm",
    2020: "hai nghìn không trăm hai mươi",
    2021: "hai nghìn không trăm hai mươi mốt",
    3405: "ba nghìn bốn trăm linh năm",
    4000: "bốn nghìn",
    5555: "năm nghìn năm trăm năm mươi lăm",
    6789: "sáu nghìn bảy trăm tám mươi chín",
    7014: "bảy nghìn không trăm mười bốn",
    8024: "tám nghìn không trăm hai mươi tư",
    9999: "chín nghìn chín trăm chín mươi chín",
    10000: "mười nghìn",
    11000: "mười một nghìn",
    15000: "mười lăm nghìn",
    21000: "hai mươi mốt nghìn",
    24000: "hai mươi tư nghìn",
    25000: "hai mươi lăm nghìn",
    30005: "ba mươi nghìn không trăm linh năm",
    45678: "bốn mươi lăm nghìn sáu trăm bảy mươi tám",
    50401: "năm mươi nghìn bốn trăm linh một",
    61234: "sáu mươi mốt nghìn hai trăm ba mươi tư",
    74125: "bảy mươi tư nghìn một trăm hai mươi lăm",
    85550: "tám mươi lăm nghìn năm trăm năm mươi",
    99999: "chín mươi chín nghìn chín trăm chín mươi chín",
    100000: "một trăm nghìn",
    101000: "một trăm linh một nghìn",
    105000: "một trăm linh năm nghìn",
    120500: "một trăm hai mươi nghìn năm trăm",
    234567: "hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy",
    345678: "ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám",
    456789: "bốn trăm năm mươi sáu nghìn bảy trăm tám mươi chín",
    567890: "năm trăm sáu mươi bảy nghìn tám trăm chín mươi",
    678901: "sáu trăm bảy mươi tám nghìn chín trăm linh một",
    789012: "bảy trăm tám mươi chín nghìn không trăm mười hai",
    890123: "tám trăm chín mươi nghìn một trăm hai mươi ba",
    901234: "chín trăm linh một nghìn hai trăm ba mươi tư",
    999999: "chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
    1000000: "một triệu",
    1000001: "một triệu không trăm linh một",
    1000000000: "một tỷ",
}


@pytest.mark.parametrize("n, words", NUMBERS.items(), ids=[str(n) for n in NUMBERS])
def test_number_in_words(n, words):
    assert number_to_words(n) == words


def test_the_table_has_every_digit_in_every_position_up_to_999999():
    seen = {
        (position, int(digit)) for n in NUMBERS if n < 10**6 for position, digit in enumerate(str(n)[::-1])
    }
    missing = {(position, digit) for position in range(6) for digit in range(10)} - seen
    missing -= {(position, 0) for position in range(6) if position == 5}  # no number starts with 0
    assert not missing


# The digit words and the rules, written from the grammar (not from pipeline.vntext), for checking every
# number up to 999,999 below.
WORDS = "không một hai ba bốn năm sáu bảy tám chín".split()


def reference_below_1000(n: int, after_higher: bool) -> list[str]:
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [WORDS[hundreds], "trăm"] if hundreds or after_higher else []
    if tens == 0 and units and words:
        words.append("linh")
    elif tens == 1:
        words.append("mười")
    elif tens > 1:
        words += [WORDS[tens], "mươi"]
    if units:
        if tens > 1:
            last = {1: "mốt", 4: "tư", 5: "lăm"}.get(units)
        else:
            last = "lăm" if tens == 1 and units == 5 else None
        words.append(last or WORDS[units])
    return words


def reference(n: int) -> str:
    if n == 0:
        return "không"
    thousands, rest = divmod(n, 1000)
    words = reference_below_1000(thousands, False) + ["nghìn"] if thousands else []
    if rest:
        words += reference_below_1000(rest, bool(thousands))
    return " ".join(words)


def test_reference_reading_agrees_with_the_literal_table():
    assert {n: reference(n) for n in NUMBERS if n < 10**6} == {n: w for n, w in NUMBERS.items() if n < 10**6}


def test_every_number_up_to_999999_is_read_by_the_rules():
    wrong = [n for n in range(0, 10**6, 7) if number_to_words(n) != reference(n)]
    wrong += [n for n in range(0, 2000) if number_to_words(n) != reference(n)]
    assert not wrong[:5]


# ---------------------------------------------------------------------------- dates (properties)

DATES = st.dates(min_value=datetime.date(1945, 9, 2), max_value=datetime.date(2100, 12, 31))


@given(DATES)
def test_any_date_written_the_usual_ways_reads_back(day):
    for text in (
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}-{day.month}-{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        day.isoformat(),
        f"ngày {day.day} tháng {day.month} năm {day.year}",
        unicodedata.normalize("NFD", f"Ngày {day.day:02d} tháng {day.month:02d} năm {day.year}."),
    ):
        assert parse_date(text) == day, text


@given(DATES)
def test_formatted_dates_read_back(day):
    assert parse_date(format_date(day)) == day
    assert parse_date(format_date_short(day)) == day
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)  # HD 36: only January and February padded
    assert format_date(day) == f"ngày {day.day:02d} tháng {month} năm {day.year}"


@given(st.integers(1, 12), st.integers(29, 31), st.integers(1900, 2100))
def test_day_past_the_end_of_its_month_is_no_date(month, day, year):
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    lengths = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    valid = day <= lengths[month - 1]
    assert (parse_date(f"{day}/{month}/{year}") is not None) == valid


@given(DATES, DATES)
def test_month_span_reads_both_ends_and_counts_whole_months(first, second):
    start, end = sorted((first, second))
    text = f"Từ tháng {start.month:02d}/{start.year} đến tháng {end.month}/{end.year}"
    span = parse_month_span(text)
    assert span is not None
    assert span[0] == start.replace(day=1)
    assert span[1].month == end.month and span[1].year == end.year
    assert (span[1] + datetime.timedelta(days=1)).day == 1  # the last day of the month
    assert months_between(*span) == (end.year - start.year) * 12 + end.month - start.month + 1


@given(DATES, DATES)
def test_date_span_keeps_the_days(first, second):
    start, end = sorted((first, second))
    assert parse_month_span(f"{start.day}/{start.month}/{start.year} - {end.day}/{end.month}/{end.year}") == (
        start,
        end,
    )


# ---------------------------------------------------------------------------- collation (properties)

# docs/domain.md §5: the Vietnamese alphabet and the tone order, written out here.
ALPHABET = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # ngang huyền hỏi ngã sắc nặng
VOWELS = set("aăâeêioôơuưy")


def with_tone(word: str, tone: int) -> str:
    """The word with `tone` on its first vowel."""
    index = next(i for i, char in enumerate(word) if char in VOWELS)
    return unicodedata.normalize("NFC", word[: index + 1] + TONE_MARKS[tone] + word[index + 1 :])


WORDS_ST = st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=6).map("".join)
SYLLABLES = st.tuples(
    st.sampled_from(ALPHABET), st.sampled_from(sorted(VOWELS)), st.sampled_from(["", "n", "ng", "t"])
).map("".join)


@given(st.sampled_from(ALPHABET), st.sampled_from(ALPHABET))
def test_letters_sort_in_the_vietnamese_alphabet(a, b):
    assert (sort_key(a) < sort_key(b)) == (ALPHABET.index(a) < ALPHABET.index(b))


@given(SYLLABLES, st.integers(0, 5), st.integers(0, 5))
def test_same_letters_sort_by_tone(syllable, t1, t2):
    assert (sort_key(with_tone(syllable, t1)) < sort_key(with_tone(syllable, t2))) == (t1 < t2)


@given(WORDS_ST, WORDS_ST, st.integers(0, 5), st.integers(0, 5))
def test_letters_decide_before_tones(a, b, t1, t2):
    if a == b or not (VOWELS & set(a)) or not (VOWELS & set(b)):
        return
    by_letters = [ALPHABET.index(char) for char in a] < [ALPHABET.index(char) for char in b]
    assert (sort_key(with_tone(a, t1)) < sort_key(with_tone(b, t2))) == by_letters


@given(WORDS_ST, WORDS_ST, WORDS_ST)
def test_names_compare_word_by_word(first, second, rest):
    if first == second:
        return
    one, two = f"{first} {rest}", f"{second} {rest}"
    assert (sort_key(one) < sort_key(two)) == (sort_key(first) < sort_key(second))
    assert sort_key(first) < sort_key(f"{first} {rest}")  # a name before its longer forms


@given(WORDS_ST, st.integers(0, 5))
def test_case_only_breaks_ties_and_decomposed_text_sorts_alike(word, tone):
    if not VOWELS & set(word):
        return
    toned = with_tone(word, tone)
    assert sort_key(toned) < sort_key(toned.capitalize()) or toned == toned.capitalize()
    assert sort_key(unicodedata.normalize("NFD", toned)) == sort_key(toned)


@given(st.lists(st.integers(0, 10**6), min_size=2, max_size=2))
@settings(max_examples=50)
def test_numbers_in_names_sort_by_value(numbers):
    a, b = numbers
    assert (sort_key(f"Tổ {a}") < sort_key(f"Tổ {b}")) == (a < b)


# ---------------------------------------------------------------------------- the derived tables


def test_old_style_table_is_the_fifteen_oa_oe_uy_pairs():
    from pipeline import vntext

    assert vntext._old_style_table() == {
        "oà": "òa", "oả": "ỏa", "oã": "õa", "oá": "óa", "oạ": "ọa",
        "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oé": "óe", "oẹ": "ọe",
        "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uý": "úy", "uỵ": "ụy",
    }  # fmt: skip


def canonical_base(code: int) -> str | None:
    """The first character of a letter's canonical decomposition, read from the Unicode data (not NFD)."""
    decomposition = unicodedata.decomposition(chr(code))
    if not decomposition or decomposition.startswith("<"):
        return None
    first = chr(int(decomposition.split()[0], 16))
    return canonical_base(ord(first)) or first


def test_bare_letter_table_strips_every_mark_of_the_latin_letters():
    from pipeline import vntext

    table = vntext._base_letters()
    latin = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    expected = {code: canonical_base(code) for code in latin if canonical_base(code)}
    expected |= {ord("đ"): "d", ord("Đ"): "D"} | {code: None for code in range(0x300, 0x370)}
    assert table == expected
    assert "Đảng Cộng sản Việt Nam, Ngã Bảy".translate(table) == "Dang Cong san Viet Nam, Nga Bay"


def test_fold_table_turns_punctuation_and_symbols_into_spaces():
    from pipeline import vntext

    table = vntext._fold_table()
    for char in ":;,.!?-–—“”‘’…()[]/\\\"'\t\n\u3000\u00a0§":
        assert table[ord(char)] == " ", char
    for char in "aZ09ĂđƯ":
        assert table.get(ord(char), char) != " "
    assert "1. TÊN MÔ HÌNH: “Sổ vàng”…".translate(table).split() == ["1", "TEN", "MO", "HINH", "So", "vang"]
    assert {code for code, value in table.items() if value is not None and value != " "} == {
        code for code, value in vntext._base_letters().items() if value is not None
    }


# ---------------------------------------------------------------------------- edges


def test_fold_table_covers_latin_and_general_punctuation_only():
    from pipeline import vntext

    table = vntext._fold_table()
    spaced = {code for code, value in table.items() if value == " "}
    blocks = (*range(0, 0x250), *range(0x2000, 0x2070), 0x3000)
    bare = vntext._base_letters()
    assert spaced == {code for code in blocks if not chr(code).isalnum() and code not in bare}
    assert table[0] == " "


def test_decomposed_text_loses_its_marks_too():
    from pipeline.vntext import fold, strip_marks

    decomposed = unicodedata.normalize("NFD", "Đảng bộ Hậu Giang")
    assert strip_marks(decomposed) == "Dang bo Hau Giang"
    assert fold(decomposed + ":") == "dang bo hau giang"


@pytest.mark.parametrize(
    "text, key",
    [
        ("Sổ vàng khởi nghiệp", "sổvàngkhởinghiệp"),
        ("HÒA", "hòa"),
        ("hoà  Bình!", "hòabình"),
        ("Thành uỷ", "thànhủy"),
    ],
)
def test_name_key(text, key):
    from pipeline.vntext import name_key

    assert name_key(text) == key


def test_two_tones_make_no_syllable():
    from pipeline.vntext import is_syllable

    assert is_syllable("hóa") and not is_syllable(unicodedata.normalize("NFC", "ho\u0301a\u0300"))


def test_letters_outside_the_alphabet_sort_after_it_by_code_point():
    assert sorted(["øa", "zô", "ça", "ya"], key=sort_key) == ["ya", "zô", "ça", "øa"]


def test_numbers_sort_before_words_at_the_same_place():
    assert sorted(["Tổ A", "Tổ 2", "Tổ 10"], key=sort_key) == ["Tổ 2", "Tổ 10", "Tổ A"]


def test_number_out_of_range_is_named():
    with pytest.raises(ValueError, match="number_to_words: 1000000000000 is outside 0 … 999 999 999 999"):
        number_to_words(10**12)


@pytest.mark.parametrize("text", ["23/12/2020.", "23/12/2020,", "23/12/2020;", " 23/12/2020 "])
def test_dates_followed_by_punctuation(text):
    assert parse_date(text) == datetime.date(2020, 12, 23)


@pytest.mark.parametrize(
    "text, span",
    [
        ("Từ tháng 01/2020 đến tháng 3", (datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))),
        ("tháng 03/2020 –", None),  # open-ended, written with an en dash
        ("tháng 03/2020 —", None),  # or an em dash
        ("01/2020, 06/2020 và 12/2020", None),  # three points are no period
        ("31/02/2020 - 30/11/2020", None),  # no such day
        ("01/03/2020 - 31/11/2020", None),
    ],
)
def test_month_span_edges(text, span):
    assert parse_month_span(text) == span


@pytest.mark.parametrize(
    "n, padded_style, plain_style, in_words",
    [
        (1, "01", "1", "01 (một)"),
        (6, "06", "6", "06 (sáu)"),
        (46, "46", "46", "46 (bốn mươi sáu)"),
        (187, "187", "187", "187 (một trăm tám mươi bảy)"),
    ],
)
def test_counts_in_figures_and_words(n, padded_style, plain_style, in_words):
    from pipeline.vntext import count_figure, count_in_words

    assert (count_figure(n), count_figure(n, "padded"), count_figure(n, "plain")) == (
        padded_style,
        padded_style,
        plain_style,
    )
    assert count_in_words(n, "padded") == in_words
    assert count_in_words(n) == f"{plain_style} ({in_words.split('(')[1]}"


@pytest.mark.parametrize(
    "text, printed",
    [
        ('"Dân vận khéo"', "“Dân vận khéo”"),
        ('thi đua "Dân vận khéo" năm 2020', "thi đua “Dân vận khéo” năm 2020"),
        ('("a", "b")', "(“a”, “b”)"),
        ('[“x” -"y"/"z"]', "[“x” -“y”/“z”]"),
        ('a\t"b"\n"c"\u00a0"d"', "a\t“b”\n“c”\u00a0“d”"),
        ('{"e"}–"f"—"g"‘"h"', "{“e”}–“f”—“g”‘“h”"),
        ("không có", "không có"),
    ],
)
def test_straight_quotes_become_the_typographic_pair(text, printed):
    from pipeline.vntext import typographic_quotes

    assert typographic_quotes(text) == printed

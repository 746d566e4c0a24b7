"""The legacy encodings checked against published tables, not against the module's own.

The charts below are written out by hand from the published tables, as byte values: TCVN 5712:1993 table
VN3 (the ".Vn" fonts; the same slots as glibc iconv's TCVN5712-1) and the VNI Windows table (the "VNI-"
fonts: a base letter followed by an accent byte). The letters are composed here from the base vowel and a
combining tone with unicodedata, so nothing comes from pipeline.legacy. Each chart cell is decoded through
the public decoder inside a real word, as it appears in a document, and the whole chart is cross-checked
with iconv where the machine has it.

Real legacy text: lines of a 2000s-era TCVN3 decision and a VNI report, written as the bytes Word keeps
for them (cp1252 glyphs for 0x80–0x9F), with the text a reader sees.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from pipeline.legacy import decode_run, decode_runs, encode_tcvn3, encode_vni

TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # ngang, huyền, hỏi, ngã, sắc, nặng


def letter(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + TONES[tone])


# TCVN 5712:1993 VN3, lower-case letters: the byte of each base vowel with its six tones, in the order
# ngang, huyền, hỏi, ngã, sắc, nặng (None: the plain ASCII letter).
TCVN3_CHART = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
TCVN3_OTHERS = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# VNI Windows: the accent byte written after the base letter, by tone, for lower-case text (capitals use
# the capital form of the byte: ù U+00F9 -> Ù U+00D9).
VNI_TONE_BYTES = {  # after a, e, o, u, y and after ô (ơ) and ö (ư)
    "plain": (None, 0xF8, 0xFB, 0xF5, 0xF9, 0xEF),
    "circumflex": (0xE2, 0xE0, 0xE5, 0xE3, 0xE1, 0xE4),  # â ê ô: the accent byte carries the hat
    "breve": (0xEA, 0xE8, 0xFA, 0xFC, 0xE9, 0xEB),  # ă
}
VNI_BASES = {  # letter -> (bytes of the base, tone row)
    "a": ("a", "plain"),
    "ă": ("a", "breve"),
    "â": ("a", "circumflex"),
    "e": ("e", "plain"),
    "ê": ("e", "circumflex"),
    "o": ("o", "plain"),
    "ô": ("o", "circumflex"),
    "ơ": ("\xf4", "plain"),
    "u": ("u", "plain"),
    "ư": ("\xf6", "plain"),
    "y": ("y", "plain"),
}
VNI_I = {"í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3, "ị": 0xF2}  # one byte each
VNI_SINGLE = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1, "Đ": 0xD1, "ỵ": 0xEE, "Ỵ": 0xCE}


def tcvn3_cells() -> list[tuple[str, str]]:
    """(letter, its TCVN3 byte as a .docx holds it) for every cell of the chart."""
    cells = [
        (letter(base, tone), chr(byte))
        for base, row in TCVN3_CHART.items()
        for tone, byte in enumerate(row)
        if byte is not None
    ]
    return cells + [(char, chr(byte)) for char, byte in TCVN3_OTHERS.items()]


def vni_cells() -> list[tuple[str, str]]:
    """(letter, its VNI bytes) for every lower-case and capital letter of the chart."""
    cells = []
    for base, (written, row) in VNI_BASES.items():
        for tone, accent in enumerate(VNI_TONE_BYTES[row]):
            if accent is None:
                continue
            lower = letter(base, tone)
            if (base in "ơư" and tone == 0) or (base == "y" and tone == 5):
                continue  # ơ ư and ỵ are single bytes (below), not base + accent
            cells.append((lower, written + chr(accent)))
            cells.append((lower.upper(), written.upper() + chr(accent).upper()))
    for char, byte in VNI_I.items():
        cells += [(char, chr(byte)), (char.upper(), chr(byte).upper())]
    cells += [(char, chr(byte)) for char, byte in VNI_SINGLE.items()]
    cells += [("Ơ", "\xd4"), ("Ư", "\xd6")]
    return cells


def test_the_charts_hold_all_134_letters():
    assert len({char for char, _ in tcvn3_cells()}) == 67 + 7
    assert len({char for char, _ in vni_cells()}) == 134
    assert len({legacy for _, legacy in tcvn3_cells()}) == 74  # no two letters share a slot


@pytest.mark.parametrize("char, legacy", tcvn3_cells())
def test_tcvn3_chart_cell_decodes_in_a_word(char, legacy):
    # "Phßng" is TCVN3 for "Phòng": the run reads clearly as legacy, as in a real document.
    assert decode_run(f"Phßng {legacy} sè 1", "tcvn3") == f"Phòng {char} số 1"
    if char.islower():
        assert encode_tcvn3(char) == legacy


@pytest.mark.parametrize("char, legacy", tcvn3_cells())
def test_tcvn3_capitals_font_draws_each_slot_as_a_capital(char, legacy):
    if char.isupper():
        return  # the seven capitals with their own slot are drawn as themselves
    assert decode_run(f"PHßNG {legacy}", "tcvn3-caps") == f"PHÒNG {char.upper()}"


@pytest.mark.parametrize("char, legacy", vni_cells())
def test_vni_chart_cell_decodes_in_a_word(char, legacy):
    # "Phoøng" is VNI for "Phòng".
    assert decode_run(f"Phoøng {legacy} soá 1", "vni") == f"Phòng {char} số 1"
    assert encode_vni(char) == legacy


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv (glibc) is not installed")
def test_tcvn3_chart_agrees_with_iconv():
    chart = tcvn3_cells()
    slots = bytes(ord(legacy) for _, legacy in chart)
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=slots, capture_output=True)
    if done.returncode != 0:
        pytest.skip("iconv has no TCVN5712-1 converter")
    assert unicodedata.normalize("NFC", done.stdout.decode()) == "".join(char for char, _ in chart)


# ---------------------------------------------------------------------------- real legacy text

# (bytes as Word keeps them in the runs, the text a reader sees). TCVN3 lines from a .VnTime decision of
# a district Party committee; VNI lines from a VNI-Times report. The 0x80–0x9F bytes appear as their
# cp1252 characters, as Word stores them.
TCVN3_DOCUMENT = [
    ("§¶ng bé tØnh HËu Giang", "Đảng bộ tỉnh Hậu Giang"),
    (
        "QuyÕt ®Þnh c«ng nhËn m« h×nh “D©n vËn khÐo” n¨m 2020",
        "Quyết định công nhận mô hình “Dân vận khéo” năm 2020",
    ),
    ("Ban Th\xadêng vô Thµnh ñy", "Ban Thường vụ Thành ủy"),
    ("TiÕp tôc ®Èy m¹nh phong trµo thi ®ua", "Tiếp tục đẩy mạnh phong trào thi đua"),
    ("Hç trî 12 hé khëi nghiÖp, vèn 350 triÖu ®ång.", "Hỗ trợ 12 hộ khởi nghiệp, vốn 350 triệu đồng."),
    ("Tæ an ninh tù qu¶n khu nhµ trä", "Tổ an ninh tự quản khu nhà trọ"),
    ("Nguyễn Thị Ưng", "Nguyễn Thị Ưng"),  # already Unicode in a .Vn font: left alone
]
TCVN3_CAPITALS_DOCUMENT = [
    ("®¶ng bé tØnh hËu giang", "ĐẢNG BỘ TỈNH HẬU GIANG"),
    ("quyÕt ®Þnh", "QUYẾT ĐỊNH"),
]
VNI_DOCUMENT = [
    ("Ñaûng boä tænh Haäu Giang", "Đảng bộ tỉnh Hậu Giang"),
    (
        "Baùo caùo keát quaû thöïc hieän moâ hình “Daân vaän kheùo”",
        "Báo cáo kết quả thực hiện mô hình “Dân vận khéo”",
    ),
    ("Hoäi Lieân hieäp Phuï nöõ thaønh phoá", "Hội Liên hiệp Phụ nữ thành phố"),
    ("Phuï nöõ tieát kieäm giuùp nhau thoaùt ngheøo", "Phụ nữ tiết kiệm giúp nhau thoát nghèo"),
    (
        "Taêng cöôøng ñoaøn keát, xaây döïng khu phoá vaên minh",
        "Tăng cường đoàn kết, xây dựng khu phố văn minh",
    ),
    ("thaúng thaén, Ñaø Naüng", "thẳng thắn, Đà Nẵng"),  # ẳ and ẵ, the pair a swapped table confuses
    ("QUYEÁT ÑÒNH COÂNG NHAÄN", "QUYẾT ĐỊNH CÔNG NHẬN"),
]


@pytest.mark.parametrize("legacy, text", TCVN3_DOCUMENT)
def test_real_tcvn3_lines(legacy, text):
    assert decode_run(legacy, "tcvn3") == text


@pytest.mark.parametrize("legacy, text", TCVN3_CAPITALS_DOCUMENT)
def test_real_tcvn3_capitals_lines(legacy, text):
    assert decode_run(legacy, "tcvn3-caps") == text


@pytest.mark.parametrize("legacy, text", VNI_DOCUMENT)
def test_real_vni_lines(legacy, text):
    assert decode_run(legacy, "vni") == text


def test_a_paragraph_split_into_runs_decodes_run_by_run():
    runs = ["Ban Th\xadêng vô ", "Thµnh ñy", " quyÕt ®Þnh"]
    assert "".join(decode_runs(runs, "tcvn3")) == "Ban Thường vụ Thành ủy quyết định"


# ---------------------------------------------------------------------------- the derived tables

# Windows-1252's 0x80–0x9F: the character Word stores for each byte (0x81, 0x8D, 0x8F, 0x90 and 0x9D are
# undefined). Written out from the code page chart.
CP1252_CHART = {
    "€": 0x80, "‚": 0x82, "ƒ": 0x83, "„": 0x84, "…": 0x85, "†": 0x86, "‡": 0x87, "ˆ": 0x88, "‰": 0x89,
    "Š": 0x8A, "‹": 0x8B, "Œ": 0x8C, "Ž": 0x8E, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95,
    "–": 0x96, "—": 0x97, "˜": 0x98, "™": 0x99, "š": 0x9A, "›": 0x9B, "œ": 0x9C, "ž": 0x9E, "Ÿ": 0x9F,
}  # fmt: skip


def test_windows_1252_specials_match_the_code_page_chart():
    from pipeline import legacy

    expected = {char: chr(byte) for char, byte in CP1252_CHART.items()}
    assert legacy._cp1252_specials() == expected
    assert legacy.CP1252_SPECIALS == expected


@pytest.mark.parametrize("byte", sorted(CP1252_CHART.values()))
def test_a_c1_byte_and_its_windows_character_decode_alike(byte):
    # "Phßng" then the byte as Word may keep it: the C1 code point or the cp1252 character.
    glyph = bytes([byte]).decode("cp1252")
    assert (
        decode_run(f"Phßng {chr(byte)}", "tcvn3") == decode_run(f"Phßng {glyph}", "tcvn3") == f"Phòng {glyph}"
    )


def test_vni_decoding_table_holds_the_chart_and_the_other_case_accents():
    from pipeline import legacy

    table = legacy._vni_decode_table()
    chart = dict((legacy_bytes, char) for char, legacy_bytes in vni_cells())
    assert {seq: table[seq] for seq in chart} == chart
    # an accent byte typed in the other case still draws on the base letter, whose case decides
    assert (table["Aù"], table["aÙ"], table["Oâ"], table["uÏ"]) == ("Á", "á", "Ô", "ụ")
    two_byte = [seq for seq in chart if len(seq) == 2]
    assert len(table) == len(chart) + len(two_byte)


# ---------------------------------------------------------------------------- edges of the decoders


@pytest.mark.parametrize(
    "text, encoding, reading",
    [
        ("Bà tá", "tcvn3", "unicode"),  # "à" has no VN3 slot: Unicode, though "Bà tỏ" would read too
        ("Tùng Minh", "vni", "unicode"),  # "ù" after a consonant is no VNI letter: Unicode
        ("Bánh", "tcvn3", "unicode"),  # decoded, "Bỏnh" is no word
        ("Hòa", "tcvn3", "ambiguous"),  # "Hòa" and "Hũa" both read
        ("Phßng", "tcvn3", "legacy"),
        ("ÿ", "vni", "plain"),  # the last Latin-1 character is a byte like any other
        ("Ā", "tcvn3", "unicode"),  # the first character past Latin-1 cannot be a legacy byte
        ("Hà Nội", "vni", "unicode"),
    ],
)
def test_how_a_run_reads(text, encoding, reading):
    from pipeline.legacy import classify_run

    assert classify_run(text, encoding) == reading


def test_ambiguous_runs_are_decoded_in_a_legacy_font():
    from pipeline.legacy import looks_like_legacy

    assert looks_like_legacy("Hòa", "tcvn3") is True
    assert looks_like_legacy("Tùng Minh", "vni") is False


def test_ambiguous_word_follows_a_tie_between_legacy_and_unicode_words():
    # "Tòng" and "Tũng" are both spelled right and neither is a common word: the tie trusts the font.
    assert decode_runs(["Phßng", "Nguyễn", "Tòng"], "tcvn3") == ["Phòng", "Nguyễn", "Tũng"]
    assert decode_runs(["Nguyễn", "Tòng"], "tcvn3") == ["Nguyễn", "Tòng"]


def test_ambiguous_word_takes_the_reading_that_is_a_common_word():
    # "Hòa" is a common word, its TCVN3 reading "Hũa" is none: the tie between the clear words is moot.
    assert decode_runs(["Phßng", "Nguyễn", "Hòa"], "tcvn3") == ["Phòng", "Nguyễn", "Hòa"]


def test_vni_runs_of_a_paragraph():
    runs = ["Ñaûng boä ", "tænh Haäu Giang", " 2020"]
    assert "".join(decode_runs(runs, "vni")) == "Đảng bộ tỉnh Hậu Giang 2020"


def test_latin1_characters_that_are_no_letters_pass_through():
    assert encode_tcvn3("ÿ ©") == "ÿ ©"
    assert encode_vni("ÿ") == "ÿ"


@pytest.mark.parametrize(
    "encode, text, message",
    [
        (encode_tcvn3, "Ấp", "'Ấ' (U+1EA4) cannot be written in tcvn3"),
        (lambda text: encode_tcvn3(text, capitals=True), "Ā", "'Ā' (U+0100) cannot be written in tcvn3-caps"),
        (encode_vni, "Ā", "'Ā' (U+0100) cannot be written in vni"),
    ],
)
def test_unencodable_letters_are_named(encode, text, message):
    with pytest.raises(ValueError) as refused:
        encode(text)
    assert str(refused.value) == message


def test_unknown_encoding_names_the_known_ones():
    from pipeline.legacy import classify_run

    with pytest.raises(ValueError, match="expected one of tcvn3, tcvn3-caps, vni$"):
        classify_run("x", "utf-7")


def test_equally_readable_runs_are_decided_by_a_byte_only_their_encoding_uses():
    from pipeline.legacy import classify_run

    # Both readings have the same number of non-words; "Û" is a VNI accent byte but no TCVN3 slot.
    assert classify_run("aaÛ", "vni") == "legacy"
    assert classify_run("Ûô", "tcvn3") == "ambiguous"

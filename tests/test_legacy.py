import shutil
import subprocess
import unicodedata

import pytest

from pipeline.legacy import (
    TCVN3,
    TCVN3_CAPITALS,
    VNI,
    classify_run,
    decode_run,
    decode_runs,
    encode_tcvn3,
    encode_vni,
    encoding_for_font,
    looks_like_legacy,
)

SENTENCES = [
    "Tiểu thương nói không với thực phẩm bẩn",
    "Hướng dẫn phân loại, xử lý rác thải sinh hoạt gia đình",
    "Phòng Lao động – Thương binh và Xã hội",
    "Nguyễn Thị Ưng",
    "mười",
    "thưởng",
    "Ban Thường vụ Thành ủy quyết định công nhận mô hình “Dân vận khéo” năm 2020…",
]
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def vietnamese_letters() -> set[str]:
    """The 134 letters of Vietnamese that ASCII lacks: 67 lower-case, 67 capitals."""
    letters = {"đ", "Đ"}
    for base in "aăâeêioôơuưy":
        for tone in TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            if not letter.isascii():
                letters |= {letter, letter.upper()}
    return letters


def by_table(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in text)


# ---------------------------------------------------------------------------- the tables


def test_tables_cover_every_vietnamese_letter():
    letters = vietnamese_letters()
    assert len(letters) == 134
    assert set(TCVN3) | set(TCVN3_CAPITALS) == letters
    assert set(VNI) == letters
    assert {ch for ch in TCVN3 if ch.islower()} == {ch for ch in letters if ch.islower()}
    assert {ch for ch in TCVN3 if ch.isupper()} == set("ĂÂÊÔƠƯĐ")


def test_tcvn3_slots_are_single_latin1_bytes_outside_the_windows_range():
    for legacy in (*TCVN3.values(), *TCVN3_CAPITALS.values()):
        assert len(legacy) == 1 and 0xA1 <= ord(legacy) <= 0xFE
    assert len(set(TCVN3.values())) == len(TCVN3)
    assert TCVN3["ư"] == "\u00ad"  # the soft hyphen
    assert (TCVN3["á"], TCVN3["đ"], TCVN3["Đ"]) == ("¸", "®", "§")


def test_tcvn3_capitals_font_uses_the_lower_case_slots():
    for capital, legacy in TCVN3_CAPITALS.items():
        assert TCVN3[capital.lower()] == legacy


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv (glibc) is not installed")
def test_tcvn3_agrees_with_iconv_tcvn5712():
    # glibc's TCVN5712-1 is VN1, a superset of VN3 with the same slots for what VN3 has.
    slots = bytes(ord(legacy) for legacy in TCVN3.values())
    result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=slots, capture_output=True)
    if result.returncode != 0:
        pytest.skip("iconv has no TCVN5712-1 converter")
    assert result.stdout.decode() == "".join(TCVN3)


def test_vni_sequences_are_a_base_letter_and_an_accent():
    for letter, legacy in VNI.items():
        assert all(0x41 <= ord(ch) <= 0xFF for ch in legacy)
        assert len(legacy) in (1, 2)
        if letter.isupper():
            assert VNI[letter.lower()] == legacy.lower()
    assert (VNI["Đ"], VNI["á"], VNI["ơ"], VNI["ư"], VNI["ấ"], VNI["ắ"]) == ("Ñ", "aù", "ô", "ö", "aá", "aé")


# ---------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_round_trip(sentence):
    legacy = encode_tcvn3(sentence)
    assert legacy == by_table(sentence, TCVN3)
    assert legacy != sentence
    assert decode_run(legacy, "tcvn3") == sentence


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_round_trip(sentence):
    legacy = encode_vni(sentence)
    assert legacy == by_table(sentence, VNI)
    assert decode_run(legacy, "vni") == sentence


def test_tcvn3_literal_examples():
    assert decode_run("TiÓu th\xad¬ng nãi kh«ng víi thùc phÈm bÈn", "tcvn3") == SENTENCES[0]
    assert decode_run("Phßng Lao ®éng – Th\xad¬ng binh vµ X· héi", "tcvn3") == SENTENCES[2]
    assert decode_run("NguyÔn ThÞ ¦ng", "tcvn3") == "Nguyễn Thị Ưng"


def test_vni_literal_examples():
    assert decode_run("Tieåu thöông noùi khoâng vôùi thöïc phaåm baån", "vni") == SENTENCES[0]
    assert decode_run("Nguyeãn Thò Öng", "vni") == "Nguyễn Thị Ưng"
    assert decode_run("ÑAÛNG BOÄ TÆNH HAÄU GIANG", "vni") == "ĐẢNG BỘ TỈNH HẬU GIANG"


def test_every_letter_round_trips():
    for letter in vietnamese_letters():
        text = f"Phòng {letter}"  # a real word beside it, so the run reads clearly as legacy
        assert decode_run(encode_vni(text), "vni") == text
        assert decode_run(encode_tcvn3(text.upper(), capitals=True), "tcvn3-caps") == text.upper()
        if letter in TCVN3:
            assert decode_run(encode_tcvn3(text), "tcvn3") == text


def test_capitals_font_decodes_to_capitals():
    legacy = encode_tcvn3("ĐẢNG BỘ TỈNH HẬU GIANG", capitals=True)
    assert legacy == "®¶NG Bé TØNH HËU GIANG"
    assert decode_run(legacy, "tcvn3-caps") == "ĐẢNG BỘ TỈNH HẬU GIANG"


def test_capitals_font_draws_ascii_lower_case_as_capitals_too():
    # In .VnTimeH every letter slot, a-z included, is drawn as a capital.
    assert decode_run("th\xadêng vô", "tcvn3-caps") == "THƯỜNG VỤ"


def test_tcvn3_cannot_write_toned_capitals_outside_a_capitals_font():
    with pytest.raises(ValueError, match="Ấ"):
        encode_tcvn3("Ấp Bắc")
    assert encode_tcvn3("Ấp Bắc", capitals=True) == "Êp B¾c"


def test_soft_hyphen_is_tcvn3_u_horn():
    assert decode_run("m\u00adêi", "tcvn3") == "mười"
    assert decode_run("th\u00adëng", "tcvn3") == "thưởng"


def test_windows_1252_bytes_in_either_form_decode_alike():
    # Word may keep byte 0x96 as U+0096 or as its cp1252 character "–" (U+2013).
    raw = decode_run("Lao ®éng \x96 Th\xad¬ng binh \x93abc\x94", "tcvn3")
    cp1252 = decode_run("Lao ®éng – Th\xad¬ng binh “abc”", "tcvn3")
    assert raw == cp1252 == "Lao động – Thương binh “abc”"


def test_vni_accepts_an_accent_in_the_other_case():
    assert decode_run("Aùo", "vni") == "Áo"
    assert decode_run("aÙo", "vni") == "áo"


# ---------------------------------------------------------------------------- what must not change


@pytest.mark.parametrize("encoding", ["tcvn3", "tcvn3-caps", "vni"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_unicode_in_a_legacy_font_is_left_alone(sentence, encoding):
    assert classify_run(sentence, encoding) in ("unicode", "plain")
    assert decode_run(sentence, encoding) == sentence


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Tây Ninh", "tcvn3"),  # "â" would be TCVN3 "õ": "Tõy" is no Vietnamese word
        ("các", "tcvn3"),  # "cỏc": hỏi cannot come before a final c
        ("Bình Minh", "tcvn3"),  # "Bỡnh": no rhyme "ơnh"
        ("và", "tcvn3"),  # "à" has no TCVN3 slot
        ("Hà", "tcvn3"),
        ("Lê Văn", "tcvn3"),  # "ă" is beyond Latin-1
        ("Tây Ninh", "vni"),  # a VNI accent byte must follow a vowel
        ("các", "vni"),
        ("và", "vni"),
        ("Lê Văn", "vni"),
        ("Võ", "vni"),
        ("Bình Minh", "vni"),  # "ì" is the same in VNI and Unicode
    ],
)
def test_short_unicode_runs_are_left_alone(text, encoding):
    assert not looks_like_legacy(text, encoding)
    assert decode_run(text, encoding) == text


def test_decomposed_unicode_in_a_legacy_font_is_composed_not_decoded():
    text = unicodedata.normalize("NFD", "Thành ủy Ngã Bảy")
    assert decode_run(text, "tcvn3") == "Thành ủy Ngã Bảy"
    assert decode_run(text, "vni") == "Thành ủy Ngã Bảy"


@pytest.mark.parametrize("encoding", ["tcvn3", "tcvn3-caps", "vni"])
def test_plain_ascii_is_unchanged(encoding):
    text = "QUYET DINH SO 123-QD/TU (2020)"
    assert classify_run(text, encoding) == "plain"
    assert decode_run(text, encoding) == text
    if encoding != "tcvn3-caps":
        assert decode_run("Chi bo Toa an, UBND", encoding) == "Chi bo Toa an, UBND"


def test_ambiguous_runs_follow_their_paragraph():
    # "Hòa" is valid Unicode and valid TCVN3 (for "Hũa"); "Bình" cannot be TCVN3 ("Bỡnh").
    assert classify_run("Hòa", "tcvn3") == "ambiguous"
    assert decode_runs(["Phường ", "Hòa", " Bình"], "tcvn3") == ["Phường ", "Hòa", " Bình"]
    assert decode_runs(["Chi bé ", "cã", " m« h×nh"], "tcvn3") == ["Chi bộ ", "có", " mô hình"]


def test_looks_like_legacy_without_a_font_needs_clear_evidence():
    assert looks_like_legacy("Phßng Lao ®éng")
    assert looks_like_legacy("Phoøng Lao ñoäng")
    assert not looks_like_legacy("Hòa")
    assert not looks_like_legacy("Phòng Lao động")
    assert not looks_like_legacy("plain ASCII")


def test_unknown_encoding_is_an_error():
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        decode_run("abc", "viscii")


# ---------------------------------------------------------------------------- fonts


@pytest.mark.parametrize(
    ("font", "encoding"),
    [
        (".VnTime", "tcvn3"),
        (".VnArial", "tcvn3"),
        (".VnTimeH", "tcvn3-caps"),
        (".VnArialH", "tcvn3-caps"),
        ("VNI-Times", "vni"),
        ("vni-helve", "vni"),
        ("VNI-Times Bold", "vni"),
        ("Times New Roman", None),
        ("Arial", None),
        ("", None),
        (None, None),
    ],
)
def test_encoding_for_font(font, encoding):
    assert encoding_for_font(font) == encoding

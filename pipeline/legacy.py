"""Legacy Vietnamese encodings in Word files: TCVN3 (ABC) and VNI Windows (docs/domain.md §5).

Old offices typed Vietnamese with 8-bit fonts: TCVN3 fonts are named ".Vn…" (".VnTime"; ".VnTimeH" is
the capitals variant, where the same byte values draw CAPITAL letters) and VNI fonts "VNI-…", where a
letter is the base Latin letter followed by an accent byte. In a .docx these bytes reach us as the
code points U+0000–U+00FF, except that Word may store 0x80–0x9F as their Windows-1252 characters
("‚" U+201A for 0x82). Half-converted files mix encodings run by run, so a run already in Unicode is
left alone even when its font has a legacy name.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Sequence

from pipeline.vntext import is_common_syllable, is_syllable, nfc

TCVN3_NAME = "tcvn3"
TCVN3_CAPS_NAME = "tcvn3-caps"
VNI_NAME = "vni"
ENCODINGS = (TCVN3_NAME, TCVN3_CAPS_NAME, VNI_NAME)

# TCVN 5712:1993, table VN3 (the "ABC" fonts .VnTime, .VnArial …): the 67 lower-case letters and the
# 7 capitals Ă Â Ê Ô Ơ Ư Đ that have their own slot. The slots are those of the standard (the same as
# glibc iconv's TCVN5712-1, which extends VN3 to VN1) and of Unikey's vnconv TCVN3 table.
# Note "ư" is 0xAD, the soft hyphen.
# fmt: off
TCVN3: dict[str, str] = {
    "à": "µ", "ả": "¶", "ã": "·", "á": "¸", "ạ": "¹", "ă": "¨", "ằ": "»", "ẳ": "¼", "ẵ": "½", "ắ": "¾",
    "ặ": "Æ", "â": "©", "ầ": "Ç", "ẩ": "È", "ẫ": "É", "ấ": "Ê", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "ẻ": "Î", "ẽ": "Ï", "é": "Ð", "ẹ": "Ñ", "ê": "ª", "ề": "Ò", "ể": "Ó", "ễ": "Ô", "ế": "Õ",
    "ệ": "Ö",
    "ì": "×", "ỉ": "Ø", "ĩ": "Ü", "í": "Ý", "ị": "Þ",
    "ò": "ß", "ỏ": "á", "õ": "â", "ó": "ã", "ọ": "ä", "ô": "«", "ồ": "å", "ổ": "æ", "ỗ": "ç", "ố": "è",
    "ộ": "é", "ơ": "¬", "ờ": "ê", "ở": "ë", "ỡ": "ì", "ớ": "í", "ợ": "î",
    "ù": "ï", "ủ": "ñ", "ũ": "ò", "ú": "ó", "ụ": "ô", "ư": "\xad", "ừ": "õ", "ử": "ö", "ữ": "÷",
    "ứ": "ø", "ự": "ù",
    "ỳ": "ú", "ỷ": "û", "ỹ": "ü", "ý": "ý", "ỵ": "þ",
    "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§",
}
# fmt: on

# The capitals fonts (".VnTimeH", ".VnArialH" …) draw every letter slot as a capital: the 67 capitals
# are written with the lower-case slots (TCVN 5712:1993 VN3, capital-font variant).
TCVN3_CAPITALS: dict[str, str] = {letter.upper(): slot for letter, slot in TCVN3.items() if letter.islower()}

# VNI Windows (fonts "VNI-Times", "VNI-Helve" …): a base letter followed by one accent byte, or one
# byte for ơ ư đ and the i/ỵ letters. Source: the VNI-WIN table of Unikey's vnconv and xvnkb's vni.h.
# fmt: off
VNI: dict[str, str] = {
    "á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï",
    "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
    "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
    "đ": "ñ",
    "é": "eù", "è": "eø", "ẻ": "eû", "ẽ": "eõ", "ẹ": "eï",
    "ê": "eâ", "ế": "eá", "ề": "eà", "ể": "eå", "ễ": "eã", "ệ": "eä",
    "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
    "ó": "où", "ò": "oø", "ỏ": "oû", "õ": "oõ", "ọ": "oï",
    "ô": "oâ", "ố": "oá", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ộ": "oä",
    "ơ": "ô", "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï",
    "ú": "uù", "ù": "uø", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
    "ư": "ö", "ứ": "öù", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ự": "öï",
    "ý": "yù", "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î",
}
# fmt: on
# The capitals are the same sequences in capitals ("Á" = "AÙ", "Ơ" = "Ô", "Đ" = "Ñ"): the charts agree.
VNI.update({letter.upper(): legacy.upper() for letter, legacy in list(VNI.items())})

# ---------------------------------------------------------------------------- derived tables


def _cp1252_specials() -> dict[str, str]:
    """Windows-1252 character -> the C1 code point of its byte ("‚" -> "\\x82"); 5 bytes are undefined."""
    specials = {}
    for byte in range(0x80, 0xA0):
        try:
            specials[bytes([byte]).decode("cp1252")] = chr(byte)
        except UnicodeDecodeError:
            continue
    return specials


CP1252_SPECIALS: dict[str, str] = _cp1252_specials()
_C1_TO_CP1252 = {c1: char for char, c1 in CP1252_SPECIALS.items()}

_TCVN3_DECODE = {legacy: letter for letter, legacy in TCVN3.items()}


def _vni_decode_table() -> dict[str, str]:
    """VNI sequence -> letter, also accepting an accent byte in the other case ("Aù" = "AÙ" = "Á"):
    the font draws both, and the case of the base letter decides."""
    table = {}
    for letter, legacy in VNI.items():
        table[legacy] = letter
        if len(legacy) == 2:
            base, accent = legacy[0], legacy[1]
            mixed = letter.upper() if base.isupper() else letter.lower()
            table.setdefault(base + accent.swapcase(), mixed)
    return table


_VNI_DECODE = _vni_decode_table()

# Vietnamese letters that Unicode text shares with Latin-1 ("à", "ô" …), and the characters that only
# legacy text uses ("¸" for "á" in TCVN3, "ø" as the VNI grave accent …).
_VIET_LATIN1 = frozenset(ch for ch in (*TCVN3_CAPITALS, *TCVN3, *VNI) if len(ch) == 1 and ord(ch) < 0x100)
_TCVN3_ONLY = frozenset(TCVN3.values()) - _VIET_LATIN1
_TCVN3_NEVER = _VIET_LATIN1 - frozenset(TCVN3.values())  # e.g. "à": no VN3 slot, so it is Unicode
_VNI_BYTES = frozenset(ch for seq in VNI.values() for ch in seq.lower() + seq.upper() if ord(ch) > 0x7F)
_VNI_ONLY = _VNI_BYTES - _VIET_LATIN1
_VNI_ACCENTS = frozenset(seq[1] for seq in _VNI_DECODE if len(seq) == 2)

# Word separators shared by both readings of a run: white space, ASCII digits and punctuation, and the
# Windows-1252 punctuation in either form ("–" or the C1 byte \x96). Everything else in Latin-1 may be
# a legacy letter.
_SEPARATOR_SPLIT = re.compile(r"([\s\d!-/:-@\[-`{-~\x80-\x9f" + re.escape("".join(CP1252_SPECIALS)) + "]+)")

# ---------------------------------------------------------------------------- fonts


def encoding_for_font(font_name: str | None) -> str | None:
    """The legacy encoding a font name implies: ".VnTime" -> "tcvn3", ".VnTimeH" -> "tcvn3-caps",
    "VNI-Times" -> "vni"; None for Unicode fonts and when there is no font name."""
    name = (font_name or "").strip()
    if name.startswith("."):
        # The ABC capitals fonts end in H: .VnTimeH, .VnArialH, .VnAvantH …
        return TCVN3_CAPS_NAME if name.lower().endswith("h") else TCVN3_NAME
    if re.match(r"vni[-\s]", name, re.IGNORECASE):
        return VNI_NAME
    return None


# ---------------------------------------------------------------------------- encoding


def _unencodable(char: str, encoding: str) -> ValueError:
    return ValueError(f"{char!r} (U+{ord(char):04X}) cannot be written in {encoding}")


def encode_tcvn3(text: str, capitals: bool = False) -> str:
    """Unicode -> TCVN3 as a .docx holds it. capitals=True writes for a ".Vn…H" font, where every
    letter slot draws a capital. Raises ValueError for a letter the font cannot show (e.g. "Ấ" outside
    a capitals font)."""
    table = {**TCVN3, **TCVN3_CAPITALS} if capitals else TCVN3
    out = []
    for char in nfc(text):
        if char in table:
            out.append(table[char])
        elif char in TCVN3_CAPITALS or (ord(char) > 0xFF and char not in CP1252_SPECIALS):
            raise _unencodable(char, TCVN3_CAPS_NAME if capitals else TCVN3_NAME)
        else:
            out.append(char)
    return "".join(out)


def encode_vni(text: str) -> str:
    """Unicode -> VNI Windows as a .docx holds it ("Đảng" -> "Ñaûng")."""
    out = []
    for char in nfc(text):
        if ord(char) > 0xFF and char not in VNI and char not in CP1252_SPECIALS:
            raise _unencodable(char, VNI_NAME)
        out.append(VNI.get(char, char))
    return "".join(out)


# ---------------------------------------------------------------------------- decoding


def _decode_tcvn3(text: str) -> tuple[str, int]:
    """(decoded text, number of characters VN3 cannot contain, i.e. signs of Unicode)."""
    strays = sum(char in _TCVN3_NEVER for char in text)
    return "".join(_TCVN3_DECODE.get(char, char) for char in text), strays


def _decode_vni(text: str) -> tuple[str, int]:
    """(decoded text, number of accent bytes with no letter before them, i.e. signs of Unicode)."""
    out, strays, index = [], 0, 0
    while index < len(text):
        pair, char = text[index : index + 2], text[index]
        if len(pair) == 2 and pair in _VNI_DECODE:
            out.append(_VNI_DECODE[pair])
            index += 2
            continue
        if char in _VNI_DECODE:
            out.append(_VNI_DECODE[char])
        else:
            strays += char in _VNI_ACCENTS
            out.append(char)
        index += 1
    return "".join(out), strays


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")


def _decode(text: str, encoding: str) -> tuple[str, int]:
    # Word keeps bytes 0x80-0x9F either as C1 code points or as their cp1252 characters; neither
    # table puts a letter there, so both forms become the cp1252 character the font draws.
    text = "".join(_C1_TO_CP1252.get(char, char) for char in text)
    decoded, strays = _decode_vni(text) if encoding == VNI_NAME else _decode_tcvn3(text)
    if encoding == TCVN3_CAPS_NAME:
        decoded = decoded.upper()
    return nfc(decoded), strays


def _is_word(word: str) -> bool:
    """A Vietnamese syllable in one of the cases words are written in: "bộ", "Bộ", "BỘ" ("bÌ", the
    TCVN3 bytes of "bè" read as they are, is none)."""
    return word in (word.lower(), word.upper(), word.capitalize()) and is_syllable(word)


@functools.lru_cache(maxsize=8192)
def _word_reading(word: str, encoding: str) -> str:
    """How one word reads (see classify_run). Spelling decides between the two readings; when both are
    spelled right (or neither), a byte only the encoding uses ("¶") makes it legacy."""
    if any(ord(char) > 0xFF and char not in CP1252_SPECIALS for char in word):
        return "unicode"
    decoded, strays = _decode(word, encoding)
    if strays:
        return "unicode"
    if decoded == nfc(word):
        return "plain"
    good_before, good_after = _is_word(word), _is_word(decoded)
    # A lone letter ("Ê", a list mark "a") is no syllable to spell: it says nothing.
    if good_before != good_after and len(word) > 1 and len(decoded) > 1:
        return "legacy" if good_after else "unicode"
    legacy_only = _VNI_ONLY if encoding == VNI_NAME else _TCVN3_ONLY
    return "legacy" if any(char in legacy_only for char in word) else "ambiguous"


def _pieces(text: str) -> list[str]:
    """Words at the even indexes, the separators between them at the odd ones."""
    return _SEPARATOR_SPLIT.split(text)


def _word_readings(pieces: list[str], encoding: str) -> list[str]:
    return [_word_reading(word, encoding) if word else "plain" for word in pieces[::2]]


def classify_run(text: str, encoding: str) -> str:
    """How one run in a legacy-named font reads: "plain" (nothing to convert, e.g. ASCII), "unicode"
    (it holds a word that reads as Vietnamese only as it is, or characters the encoding cannot hold),
    "legacy" (a word reads as Vietnamese only once decoded, and none only as it is) or "ambiguous" (every
    word reads both ways). A "unicode" run may still hold words a half conversion left behind: see
    decode_runs."""
    _check_encoding(encoding)
    readings = set(_word_readings(_pieces(text), encoding))
    return next((reading for reading in ("unicode", "legacy", "ambiguous") if reading in readings), "plain")


def looks_like_legacy(text: str, encoding: str | None = None) -> bool:
    """True when a run in a font of `encoding` should be decoded whole (an ambiguous run trusts the font).
    Without an encoding: True only when the text reads clearly as TCVN3 or VNI."""
    if encoding is None:
        return any(classify_run(text, name) == "legacy" for name in (TCVN3_NAME, VNI_NAME))
    return classify_run(text, encoding) in ("legacy", "ambiguous")


def decode_run(text: str, encoding: str) -> str:
    """One run's text in Unicode NFC (see decode_runs). A run that is already Unicode (common after a
    half conversion) comes back unchanged, NFC-normalised."""
    return decode_runs([text], encoding)[0]


def decode_runs(texts: Sequence[str], encoding: str) -> list[str]:
    """Decode the runs of one paragraph in the same legacy font. The font says the runs are legacy; only
    a word that reads as Vietnamese only as it is ("Phường" in a .VnTime run) puts that in doubt. Then
    each word is decided on its own: by its spelling ("CÊP" is no syllable, "CẤP" is), else by the
    reading that is a common word ("PHẨM", not "PHÈM"; "Hòa", not "Hũa"), else by the clear words of
    its run, then of its paragraph, and a tie trusts the font."""
    _check_encoding(encoding)
    runs = [_pieces(text) for text in texts]
    readings = [_word_readings(pieces, encoding) for pieces in runs]
    if not any("unicode" in run for run in readings):
        return [
            _decode(text, encoding)[0] if {"legacy", "ambiguous"} & set(run) else nfc(text)
            for text, run in zip(texts, readings, strict=True)
        ]
    paragraph = Counter(itertools.chain.from_iterable(readings))
    return [
        _decode_words(pieces, run, paragraph, encoding) for pieces, run in zip(runs, readings, strict=True)
    ]


def _decode_words(pieces: list[str], readings: list[str], paragraph: Counter[str], encoding: str) -> str:
    """A run of a doubtful paragraph, decoded word by word."""
    own = Counter(readings)
    out = []
    for index, piece in enumerate(pieces):
        reading = readings[index // 2] if index % 2 == 0 else "separator"
        if reading == "legacy" or (reading == "ambiguous" and _follows_font(piece, encoding, own, paragraph)):
            piece = _decode(piece, encoding)[0]
        out.append("".join(_C1_TO_CP1252.get(char, char) for char in piece))
    return nfc("".join(out))


def _follows_font(word: str, encoding: str, own: Counter[str], paragraph: Counter[str]) -> bool:
    """Whether a word spelled right both ways is legacy: the reading that is a common word, else the
    clear words of its run, else those of its paragraph; a tie trusts the font."""
    common_before = is_common_syllable(word)
    common_after = is_common_syllable(_decode(word, encoding)[0])
    if common_before != common_after:
        return common_after
    for counts in (own, paragraph):
        if counts["legacy"] != counts["unicode"]:
            return counts["legacy"] > counts["unicode"]
    return True

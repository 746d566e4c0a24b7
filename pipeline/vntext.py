"""Vietnamese text helpers: normalisation, matching keys, collation, numbers and dates in words.

Pure functions on `str`, standard library only. See docs/domain.md §4 ("Numbers, dates, drafts") and §5
(tone placement, decomposed input, sort order).
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
import unicodedata
from pathlib import Path

# ---------------------------------------------------------------------------- normalisation

# Combining tone marks, in the Vietnamese tone order used for collation:
# ngang (none), huyền, hỏi, ngã, sắc, nặng.
GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
TONES: tuple[str, ...] = ("", GRAVE, HOOK, TILDE, ACUTE, DOT)


def nfc(text: str) -> str:
    """Unicode NFC: one code point per Vietnamese letter (what every stage stores and prints)."""
    return unicodedata.normalize("NFC", text)


# Characters that change how the text around them is shown without being seen: the bidirectional
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E, U+200F, U+061C).
# "báo cáo\u202excod.docx" shows as "báo cáodocx.exe…": a name can pass for another. And the control
# characters (BEL, ESC, VT…), which a file name from an unzipped archive may hold: invisible on screen,
# forbidden in a workbook's XML.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f{BIDI_CONTROLS}]")


def hidden_characters(text: str) -> list[str]:
    """The bidirectional and control characters in `text` ("U+202E"), each once, in order."""
    return list(dict.fromkeys(f"U+{ord(found):04X}" for found in _HIDDEN.findall(text)))


def neutralise(text: str) -> str:
    """`text` as dvk shows and writes it (terminal, page, workbooks, documents): bidirectional controls
    removed, so the text reads in the order it is stored; control characters replaced by their visible
    pictures ("\x01" → "␁", DEL → "␡"; C1 controls → "�"). Tabs and line breaks are kept."""
    if not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(_shown_as, text)


def _shown_as(found: re.Match[str]) -> str:
    code = ord(found.group(0))
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "" if found.group(0) in BIDI_CONTROLS else "\ufffd"


def split_tone(letter: str) -> tuple[str, str]:
    """Split one letter into (letter without tone, combining tone mark or "")."""
    tone = ""
    rest = []
    for ch in unicodedata.normalize("NFD", letter):
        if ch in TONES[1:]:
            tone = ch
        else:
            rest.append(ch)
    return nfc("".join(rest)), tone


def _with_tone(letter: str, tone: str) -> str:
    return nfc(letter + tone)


def _old_style_table() -> dict[str, str]:
    """New-style pair -> traditional pair for oa, oe, uy with every tone: "oà" -> "òa", "uỷ" -> "ủy"."""
    table = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in TONES[1:]:
            table[first + _with_tone(second, tone)] = _with_tone(first, tone) + second
    return table


# House style (docs/domain.md §5): the traditional placement used in Party documents, tone on the first
# vowel of an open oa/oe/uy ("hòa", "khỏe", "thủy"). With a final consonant ("hoàng", "thuyền") or a
# third vowel ("khuya", "khuỷu") the placement is fixed and left alone; after q the u belongs to "qu"
# ("quý").
OLD_STYLE: dict[str, str] = _old_style_table()
# The second vowel of a pair, found first: scanning for these rare letters and then looking back at the
# vowel before them is five times faster than matching the pairs themselves, and house_style runs on
# every extracted value.
_OLD_STYLE_SECONDS = "".join(sorted({pair[1] for pair in OLD_STYLE}))
_OLD_STYLE_RE = re.compile(
    f"[{_OLD_STYLE_SECONDS}{_OLD_STYLE_SECONDS.upper()}](?<=[oOuU].)(?<![qQ]..)(?!\\w)"
)


def _match_case(pattern: str, text: str) -> str:
    return "".join(t.upper() if p.isupper() else t for p, t in zip(pattern, text, strict=True))


def house_style(text: str) -> str:
    """NFC, with oa/oe/uy tone marks in the traditional placement ("Thành uỷ" -> "Thành ủy")."""
    text = nfc(text)
    pieces: list[str] = []
    done = 0
    for match in _OLD_STYLE_RE.finditer(text):
        pair = text[match.start() - 1 : match.end()]
        old = OLD_STYLE.get(pair.lower())
        if old is not None:  # not "uà" or "oỳ"
            pieces += (text[done : match.start() - 1], _match_case(pair, old))
            done = match.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _base_letters() -> dict[int, str | None]:
    """Each precomposed Latin letter with marks -> its bare letter, for str.translate (C speed: fold runs
    on every line of every submitted file)."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    table.update({code: None for code in range(0x300, 0x370)})  # combining marks left after NFC
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code)
        bare = "".join(ch for ch in unicodedata.normalize("NFD", letter) if not unicodedata.combining(ch))
        if bare != letter and len(bare) == 1:
            table[code] = bare
    return table


def total_table(table: dict[int, str | None]) -> dict[int, str | None]:
    """`table` with every code point below U+2100 present (mapped to itself when the table leaves it): for
    a character missing from its table, str.translate raises and catches a LookupError inside, which made
    it three times slower on Vietnamese text, where most characters are plain letters."""
    return {**{code: chr(code) for code in range(0x2100)}, **table}


_BASE_LETTERS = total_table(_base_letters())


def _fold_table() -> dict[int, str | None]:
    """Bare letters as above, and punctuation and symbols of the Latin and general-punctuation blocks as
    spaces, so fold needs no regular expression."""
    table = _base_letters()
    for code in (*range(0x00, 0x250), *range(0x2000, 0x2070), 0x3000):
        if code not in table and not chr(code).isalnum():
            table[code] = " "
    return table


_FOLD_TABLE = total_table(_fold_table())
_NON_WORD = re.compile(r"[\W_]+")


def strip_marks(text: str) -> str:
    """Remove every diacritic (tones and letter marks), đ -> d: "Đảng" -> "Dang"."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.translate(_BASE_LETTERS)


def fold(text: str) -> str:
    """A loose key for matching labels: "1. TÊN MÔ HÌNH:" -> "1 ten mo hinh".

    Tone placement needs no house style here: every mark is stripped anyway."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_FOLD_TABLE).lower().split())


def name_key(text: str) -> str:
    """The key for comparing names: ignores case, spacing, punctuation and tone placement, keeps
    diacritics ("Hòa" == "hoà", "Hoa" != "Hòa")."""
    return _NON_WORD.sub("", house_style(text).lower())  # spaces are non-word characters too


# ---------------------------------------------------------------------------- syllables

_INITIALS = tuple("ngh ng nh ch gh gi kh ph th tr qu b c d đ g h k l m n p r s t v x".split()) + ("",)
_LETTERS = frozenset("aăâbcdđeêghiklmnoôơpqrstuưvxy")
_VOWELS = frozenset("aăâeêioôơuưy")

# The rhymes (vần) of standard Vietnamese, without tone marks.
_RHYMES = frozenset(
    """
    a ai ao au ay ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
    e eo ec em en eng ep et ê êu êch êm ên ênh êng êp êt
    i ia iu ich im in inh ip it iêc iêm iên iêng iêp iêt iêu yêm yên yêng yêt yêu
    o oi oc om on ong op ot ooc oong
    oa oai oao oay oac oach oam oan oang oanh oap oat oăc oăm oăn oăng oăt oe oeo oen oet
    ô ôi ôc ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u ua ui uc um un ung up ut uôc uôi uôm uôn uông uôt uân uâng uât uây
    uê uêch uênh uy uya uych uynh uyt uyu uyên uyêt uơ
    ư ưa ưi ưu ưc ưng ưt ưm ưn ươc ươi ươm ươn ương ươp ươt ươu
    y ych ynh yt
    """.split()
)
_STOP_FINALS = ("p", "t", "c", "ch")
_FRONT = ("i", "e", "ê", "y")  # the vowels that take k, gh, ngh instead of c, g, ng


def _onset_fits(initial: str, rhyme: str) -> bool:
    """The spelling rules that tie an initial to its rhyme: k, gh, ngh before i e ê (k also before y),
    c, g, ng elsewhere (g before i is the onset gi: "gì", "gìn"); qu is never followed by o, u, ư;
    a rhyme in iê needs an initial ("tiên") and one in yê has none ("yên"; "quyên" is qu + uyên's y)."""
    front = rhyme.startswith(_FRONT)
    if initial in ("k", "gh", "ngh"):
        return front and not (initial != "k" and rhyme.startswith("y"))
    if initial in ("c", "ng"):
        return not front
    if initial == "g":
        return not front or rhyme.startswith("i")
    if initial == "gi" and rhyme.startswith(("i", "y")):
        return False  # gi + iêng is written "giêng"
    if initial == "qu" and rhyme.startswith(("o", "u", "ư")):
        return False
    if rhyme.startswith("iê"):
        return initial != ""
    if rhyme.startswith("yê"):
        return initial in ("", "qu")
    return True


_MARKED_VOWELS = "ăâêôơư"


def _tone_fits(rhyme: str, position: int) -> bool:
    """Whether a tone at `position` of `rhyme` sits on its main vowel: the (last) vowel with a mark of
    its own ("người", "thuế"); else, before a final consonant, the last vowel ("hoàng"); else the middle
    of three ("ngoài") or the first of two ("mùa"), where oa, oe, uy take it on either ("hòa", "hoà")."""
    vowels = rhyme[: len(rhyme) - len(rhyme.lstrip("aăâeêioôơuưy"))]
    marked = [index for index, vowel in enumerate(vowels) if vowel in _MARKED_VOWELS]
    if marked:
        return position == marked[-1]
    if len(vowels) < len(rhyme) or len(vowels) == 1:
        return position == len(vowels) - 1
    if len(vowels) == 3:
        return position == 1
    return position == 0 or vowels in ("oa", "oe", "uy")


def is_syllable(word: str) -> bool:
    """True when `word` (one word, any case) is a well-formed Vietnamese syllable: Vietnamese letters, an
    initial and a rhyme that exist and fit together (`_onset_fits`), one tone mark at most, on the main
    vowel (`_tone_fits`), and a final p, t, c or ch only with sắc or nặng ("cấp", "bật"; "cêp", "cầp"
    are no syllables)."""
    letters = [split_tone(ch) for ch in nfc(word).lower()]
    if any(letter not in _LETTERS or (tone and letter not in _VOWELS) for letter, tone in letters):
        return False
    bare = "".join(letter for letter, _ in letters)
    toned = [index for index, (_, tone) in enumerate(letters) if tone]
    if len(toned) > 1:
        return False
    tone = letters[toned[0]][1] if toned else ""
    if bare.endswith(_STOP_FINALS) and tone not in (ACUTE, DOT):
        return False
    for initial in _INITIALS:
        rhyme = bare[len(initial) :]
        if bare.startswith(initial) and rhyme in _RHYMES and _onset_fits(initial, rhyme):
            if not toned or _tone_fits(rhyme, toned[0] - len(initial)):
                return True
    return False


_SYLLABLES_FILE = Path(__file__).parent / "defaults" / "syllables.txt"


@functools.cache
def common_syllables() -> frozenset[str]:
    """The common syllables of defaults/syllables.txt (lower case, NFC), read once."""
    lines = _SYLLABLES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


def is_common_syllable(word: str) -> bool:
    """True when `word` is one of the common syllables: a real word, where is_syllable only says that
    it could be one ("phẩm" is common, "phèm" is well spelled but no word)."""
    return nfc(word).lower() in common_syllables()


# ---------------------------------------------------------------------------- collation

# docs/domain.md §5: a ă â b c d đ e ê … o ô ơ … u ư …; the Latin letters f j w z keep their Latin place.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")


def _letter_keys(letter: str) -> tuple[int, int, int]:
    """(alphabet rank, tone rank, case) of one letter; letters outside the alphabet sort after z."""
    base, tone = split_tone(letter.lower())
    rank = _LETTER_RANK.get(base, len(ALPHABET) + ord(base[0]))
    return rank, TONES.index(tone), 0 if letter.islower() else 1


def _token_keys(token: str) -> tuple[tuple, tuple, tuple]:
    if token.isdigit():  # numbers sort by value, before words ("Tổ 2" < "Tổ 10")
        return (0, int(token)), (), ()
    keys = [_letter_keys(letter) for letter in token]
    return (1, tuple(k[0] for k in keys)), tuple(k[1] for k in keys), tuple(k[2] for k in keys)


def sort_key(text: str) -> tuple[tuple, tuple, tuple]:
    """Vietnamese collation key: word by word on letters, then tones (ngang, huyền, hỏi, ngã, sắc,
    nặng), then case. Leading quotes and punctuation are ignored."""
    tokens = [_token_keys(token) for token in _TOKEN_RE.findall(nfc(text))]
    return (
        tuple(t[0] for t in tokens),
        tuple(t[1] for t in tokens),
        tuple(t[2] for t in tokens),
    )


# ---------------------------------------------------------------------------- numbers in words

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu", "tỷ")


def _units_word(units: int, tens: int) -> str:
    """The last digit: "mốt" after mươi (21), "lăm" after mười/mươi (15, 25), "tư" after mươi (24)."""
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 5 and tens >= 1:
        return "lăm"
    if units == 4 and tens >= 2:
        return "tư"
    return DIGITS[units]


def _group_words(value: int, full: bool) -> list[str]:
    """Read 0 < value < 1000. `full`: a higher group precedes, so a zero hundred is read "không trăm"
    and a zero ten "linh" (2020 = hai nghìn không trăm hai mươi; 1005 = … không trăm linh năm)."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 1:
        words.append("mười")
    elif tens >= 2:
        words += [DIGITS[tens], "mươi"]
    elif units and words:
        words.append("linh")  # 105 = một trăm linh năm
    if units:
        words.append(_units_word(units, tens))
    return words


def number_to_words(n: int) -> str:
    """Read 0 <= n < 10**12 in Vietnamese: 21 -> "hai mươi mốt", 2020 -> "hai nghìn không trăm hai mươi".
    Empty groups after a higher one are skipped (1000001 -> "một triệu không trăm linh một")."""
    if not 0 <= n < 10**12:
        raise ValueError(f"number_to_words: {n} is outside 0 … 999 999 999 999")
    if n == 0:
        return DIGITS[0]
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        if groups[index]:
            words += _group_words(groups[index], full=bool(words))
            if SCALES[index]:
                words.append(SCALES[index])
    return " ".join(words)


COUNT_STYLES = ("padded", "plain")  # `format.counts` in dvk.toml


def count_figure(n: int, style: str = "padded") -> str:
    """A count in figures in one of the COUNT_STYLES: padded below ten ("06", the seed article's "01 mô
    hình cá nhân") or plain ("6"). One style runs through every output (issue 15)."""
    return padded(n) if style == "padded" else str(n)


def count_in_words(n: int, style: str = "plain") -> str:
    """A count as decisions write it: 62 -> "62 (sáu mươi hai)"; 6 -> "06 (sáu)" in the padded style."""
    return f"{count_figure(n, style)} ({number_to_words(n)})"


def padded(n: int) -> str:
    """A small count as reports write it, padded to two digits: 1 -> "01", 46 -> "46", 187 -> "187"."""
    return f"{n:02d}"


_STRAIGHT_QUOTE = re.compile(r"\"")
_OPENS_AFTER = frozenset(" \t\n([{“‘-–—/\u00a0")


def typographic_quotes(text: str) -> str:
    """Straight double quotes as the typographic pair the templates print: "Dân vận khéo" -> “Dân vận
    khéo”. A quote opens at the start or after a space or an opening bracket, and closes otherwise, so a
    configured text and a submitted name print like the template's own words (issue 15)."""
    if '"' not in text:
        return text
    pieces, done = [], 0
    for match in _STRAIGHT_QUOTE.finditer(text):
        start = match.start()
        before = text[start - 1] if start else " "
        pieces += [text[done:start], "“" if before in _OPENS_AFTER else "”"]
        done = match.end()
    pieces.append(text[done:])
    return "".join(pieces)


# ---------------------------------------------------------------------------- dates

BLANK = "    "  # the space a clerk fills in by hand (number, day)


def _month(month: int) -> str:
    # NĐ 30/2020 and HD 36: month padded only for January and February ("tháng 01", "tháng 3").
    return f"{month:02d}" if month < 3 else str(month)


def format_date(d: datetime.date | None, blank_day: bool = False) -> str:
    """ "ngày 05 tháng 02 năm 2021"; a draft (blank_day) leaves the day blank: "ngày    tháng 12 năm 2020".
    Without a date, day, month and year are all left blank."""
    if d is None:
        return f"ngày{BLANK}tháng{BLANK}năm{BLANK}"
    day = BLANK if blank_day else f" {d.day:02d} "
    return f"ngày{day}tháng {_month(d.month)} năm {d.year}"


def format_date_short(d: datetime.date, blank_day: bool = False) -> str:
    """A date in figures, padded as NĐ 30/2020 pads dates (day two digits, month only for January and
    February): "08/12/2020", "05/02/2021", "23/3/2021"; a draft (blank_day) leaves the day blank."""
    day = BLANK if blank_day else f"{d.day:02d}"
    return f"{day}/{_month(d.month)}/{d.year}"


_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDED_DATE = re.compile(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_date(text: str) -> datetime.date | None:
    """Read "23/12/2020", "23-12-2020", "23.12.2020", "2020-12-23" or "ngày 23 tháng 12 năm 2020";
    None when the whole text is not one valid date."""
    raw = nfc(text).strip().rstrip(".,;")
    if match := _ISO_DATE.fullmatch(raw):
        return _make_date(*match.groups())
    if match := _NUMERIC_DATE.fullmatch(raw):
        day, month, year = match.groups()
        return _make_date(year, month, day)
    if match := _WORDED_DATE.fullmatch(fold(raw)):
        day, month, year = match.groups()
        return _make_date(year, month, day)
    return None


# A point of a period, most precise form first: a full date, a month with a year, a month whose year
# comes later in the text ("từ tháng 3 đến tháng 12/2020"), a year.
_POINT_RE = re.compile(
    r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<dm>\d{1,2})\s*[/.-]\s*(?P<dy>\d{4})"
    r"|(?:ngay\s+)?(?P<wd>\d{1,2})\s+thang\s+(?P<wm>\d{1,2})\s+nam\s+(?P<wy>\d{4})"
    r"|(?:thang\s+)?(?P<m>\d{1,2})\s*(?:[/.-]|\s+nam\s+)\s*(?P<my>\d{4})"
    r"|thang\s+(?P<lone>\d{1,2})(?!\s*\d)"
    r"|(?:nam\s+)?(?P<y>\d{4})"
)
_RANGE_RE = re.compile(r"\b(?:tu|den|bat dau|nay)\b|-")


def _point_span(match: re.Match[str]) -> tuple[int | None, int, int, int, int]:
    """(year or None, first month, first day, last month, last day) of one matched point."""
    g = match.groupdict()
    if g["d"] or g["wd"]:
        day, month, year = (int(g[k]) for k in (("d", "dm", "dy") if g["d"] else ("wd", "wm", "wy")))
        return year, month, day, month, day
    if g["m"]:
        return int(g["my"]), int(g["m"]), 1, int(g["m"]), 0
    if g["lone"]:
        return None, int(g["lone"]), 1, int(g["lone"]), 0
    return int(g["y"]), 1, 1, 12, 0


def _bounds(year: int, month: int, day: int) -> datetime.date | None:
    """A date; day 0 means the last day of the month."""
    try:
        return datetime.date(year, month, day or calendar.monthrange(year, month)[1])
    except (ValueError, calendar.IllegalMonthError):
        return None


def _period_text(text: str) -> str:
    # fold() would turn "01/2020" into "01 2020"; keep the separators and drop only the marks.
    return " ".join(strip_marks(house_style(text).lower()).replace("–", "-").replace("—", "-").split())


def parse_month_span(text: str) -> tuple[datetime.date, datetime.date] | None:
    """Read an implementation period: "Từ tháng 01/2020 đến tháng 12/2020", "01/3/2020 - 30/11/2020",
    "01/2020 - 12/2020", "Năm 2020". A month alone runs from its first to its last day. None when
    unreadable or open-ended ("từ tháng 3 năm 2020 đến nay")."""
    plain = _period_text(text)
    points = [_point_span(match) for match in _POINT_RE.finditer(plain)]
    # A single point is a period only on its own ("Năm 2020"); "từ tháng 3/2020 (đến nay)" is open-ended.
    if not points or len(points) > 2 or (len(points) == 1 and _RANGE_RE.search(plain)):
        return None
    first, last = points[0], points[-1]
    end_year = last[0] if last[0] is not None else first[0]
    start_year = first[0] if first[0] is not None else end_year
    if start_year is None or end_year is None:
        return None
    start = _bounds(start_year, first[1], first[2])
    end = _bounds(end_year, last[3], last[4])
    if start is None or end is None:
        return None
    return start, end


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from start to end, counting partial months whole: 01/2020 – 12/2020 is 12."""
    return (end.year - start.year) * 12 + end.month - start.month + 1

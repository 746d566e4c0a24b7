"""Document understanding beside the label walk: the facts units write outside labels.

Units do not all fill a form. A tờ trình, a công văn, a báo cáo thành tích (NĐ 91/2017 Mẫu 01/02), a Party
cell's narrative report or a kế hoạch xây dựng mô hình states the same facts inside its own structure:

- the title line ("BÁO CÁO kết quả thực hiện mô hình “…” cấp thành phố năm 2020", "V/v đề nghị công nhận …");
- sentences of the body and of the closing request ("Kính đề nghị … xem xét, công nhận mô hình “…” là mô hình
  “Dân vận khéo” cấp thành phố", "thuộc lĩnh vực …", "tự đánh giá mô hình đạt loại Tốt");
- the letterhead, the issuing-body block at the top left ("ĐẢNG BỘ …" over "CHI BỘ …"), whose last line is
  the body that writes the document;
- the signature block.

Every value found here carries its source (`pipeline.model.SOURCE_*`) and place, so `dvk check --explain`
can say why it was chosen; `pipeline.extract` merges these facts with the label walk's, and says so when two
sources disagree. Precision first, as in the walk: a name is taken only in quotes after "mô hình"/"điển
hình", a level only when written with "cấp", a rating only after words that announce a self-rating, and a
sentence about the past ("đã được công nhận … năm 2019") is never evidence for this campaign.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.config import Config, Term
from pipeline.model import (
    SOURCE_INFERRED,
    SOURCE_LETTERHEAD,
    SOURCE_SENTENCE,
    SOURCE_TITLE,
    Block,
    DocText,
    FieldValue,
    Kind,
)
from pipeline.vntext import house_style, name_key, strip_marks, total_table

# ---------------------------------------------------------------------------- loose text

# Combining marks left outside NFC would make the loose text shorter than the original.
_COMBINING = total_table(dict.fromkeys(range(0x300, 0x370)))  # total: see vntext.total_table


@functools.lru_cache(maxsize=16384)  # the helpers below ask again for the same line: translate once
def _plain(text: str) -> str:
    """NFC text without stray combining marks: the text offsets of `_loose` point into."""
    return unicodedata.normalize("NFC", text).translate(_COMBINING)


@functools.lru_cache(maxsize=8192)  # the same lines and vocabulary terms come back all through a document
def _loose(text: str) -> str:
    """Lower case without diacritics, one character for one: a match in it slices the original."""
    return strip_marks(text).lower()


# ---------------------------------------------------------------------------- the document's parts

NATIONAL_LINES = ("dang cong san viet nam", "cong hoa xa hoi chu nghia viet nam", "doc lap - tu do")
GENRE_WORDS = (
    "bao cao",
    "to trinh",
    "ke hoach",
    "danh sach",
    "phieu dang ky",
    "phieu de nghi",
    "don de nghi",
    "thong bao",
    "de an",
)
SUBJECT_LINE = re.compile(r"^\s*(?:v/v|v\.v|ve viec|trich yeu)\b[\s.:]*", re.IGNORECASE)
NUMBER_LINE = re.compile(r"^\s*so\s*[:.]?\s*[\d\s.…_]*[-/]", re.IGNORECASE)
RULE_LINE = re.compile(r"^[\s*\-_–—=.…]*$")
DATE_LINE = re.compile(r"ngay\s+(\d{1,2}|[.…_\s]*)\s+thang\s+(\d{1,2}|[.…_\s]*)\s+nam\s+((?:19|20)\d{2})")
HEAD_BLOCKS = 40  # the letterhead, the title and the opening sit in the first blocks
MAX_TITLE_LINES = 4


@dataclass(frozen=True, slots=True)
class Part:
    """A line of text of the document and its place."""

    text: str
    where: str


def lines_in(block: Block) -> list[Part]:
    return [Part(_plain(line).strip(), block.where) for line in block.text.split("\n") if line.strip()]


def letterhead(doc: DocText) -> list[Part]:
    """The issuing-body block: the left cell of the header table (the right one holds the national line or
    the place and date), else the capitalised lines before the title, without the national lines, rules, the
    number and the subject line."""
    head = list(doc.blocks[:HEAD_BLOCKS])
    first_table = [b for b in head if b.kind == "cell" and b.table == (head[0].table if head else 0)]
    lines: list[Part] = []
    if head and head[0].kind == "cell" and first_table:
        right = " ".join(_loose(b.text) for b in first_table if b.col > 1)
        if any(mark in right for mark in (*NATIONAL_LINES, "ngay ")):
            lines = [part for b in first_table if b.col == 1 and b.row == 1 for part in lines_in(b)]
    if not lines:
        for block in head:
            left = block.text.split("\t")[0]  # "ĐẢNG BỘ XÃ …<tab><tab>ĐẢNG CỘNG SẢN …" typed on one line
            if block.kind != "para" or not left.strip():
                continue
            if starts_genre(left) or not _is_capitals(left):
                break
            lines.append(Part(_plain(left).strip(), block.where))
    return [part for part in lines if _is_body_line(part.text)]


def _is_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 3 and sum(char.isupper() for char in letters) >= 0.8 * len(letters)


def _is_body_line(text: str) -> bool:
    loose = _loose(text)
    return (
        not RULE_LINE.match(text)
        and not any(loose.startswith(mark) for mark in NATIONAL_LINES)
        and not NUMBER_LINE.match(loose)
        and not SUBJECT_LINE.match(loose)
        and not DATE_LINE.search(loose)
        and not loose.startswith(("doc lap", "so:", "so "))
        and _is_capitals(text)
    )


def starts_genre(text: str) -> bool:
    loose = " ".join(re.sub(r"[^\w\s]", " ", _loose(text)).split())
    return loose.startswith(GENRE_WORDS)


_last_title: list = [None, []]  # (doc, its title): classify and the facts both ask for the same document's


def title_lines(doc: DocText) -> list[Part]:
    if _last_title[0] is not doc:
        _last_title[:] = [doc, _title_lines(doc)]
    return _last_title[1]


def _title_lines(doc: DocText) -> list[Part]:
    """The title: the genre line ("BÁO CÁO", "TỜ TRÌNH", "KẾ HOẠCH", "DANH SÁCH …") and the lines under it
    that continue it, or a công văn's subject line ("V/v đề nghị công nhận …")."""
    blocks = list(doc.blocks[:HEAD_BLOCKS])
    for index, block in enumerate(blocks):
        if block.kind != "para" or not starts_genre(block.text) or len(block.text) > 300:
            continue
        parts = lines_in(block)
        for following in blocks[index + 1 : index + MAX_TITLE_LINES]:
            if following.kind != "para" or not continues_title(following.text.strip()):
                break
            parts.extend(lines_in(following))
        return parts
    for block in blocks:
        for part in lines_in(block):
            if SUBJECT_LINE.match(_loose(part.text)):
                return [part]
    return []


def continues_title(text: str) -> bool:
    """A line under the genre word that still belongs to the title ("Về việc đề nghị công nhận …"): short, not
    a label line, a heading, the address line or a dated line."""
    loose = _loose(text)
    return (
        bool(text)
        and len(text.split()) <= 40
        and not LABEL_LINE.match(loose)
        and not text.rstrip().endswith(".")
        and not loose.startswith(("kinh gui", "can cu", "-", "+"))
        and not HEADING.match(loose)
        and not DATE_LINE.search(loose)
    )


HEADING = re.compile(r"^\s*(?:[ivx]+|\d+|[a-d])\s*[.)]\s")


def closing_requests(doc: DocText) -> list[Part]:
    """Sentences that ask for the recognition ("Kính đề nghị … xem xét, công nhận …")."""
    found = []
    for block in doc.blocks:
        for part in lines_in(block):
            loose = _loose(part.text)
            if ("de nghi" in loose or "kinh trinh" in loose) and "cong nhan" in loose and not _past(loose):
                found.append(part)
    return found


def sentences(doc: DocText) -> list[Part]:
    """Every sentence-sized piece of the body (paragraphs and cells cut at full stops)."""
    found = []
    for block in doc.blocks:
        for part in lines_in(block):
            for piece in re.split(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ“\"])", part.text):
                if piece.strip():
                    found.append(Part(piece.strip(), part.where))
    return found


PAST = re.compile(
    r"\b(?:da duoc (?:cong nhan|cong nhan|khen|tang)|duoc cong nhan|tung duoc|da dat (?:mo hinh|danh hieu)|"
    r"nam truoc|truoc day)\b"
)


def _past(loose: str) -> bool:
    """A sentence about an earlier recognition is no evidence for this campaign."""
    return bool(PAST.search(loose))


# ---------------------------------------------------------------------------- facts in text

QUOTED = re.compile(r"[\"“”„«‘'](.{3,250}?)[\"”“»’']")
NAME_CUE = re.compile(r"\b(?:mo hinh|dien hinh|cach lam hay|ten goi|voi ten|ten la|mang ten)\b")
MOVEMENT = ("dan van kheo", "dan van kheo cap", "dan van")
NAME_CUE_REACH = 40  # "mô hình “Dân vận khéo” với tên gọi “…”": the name is near its cue


def quoted_name(text: str) -> str:
    """The model's name: the first quoted phrase after "mô hình"/"điển hình" that is not the movement's name
    ("Dân vận khéo")."""
    text = _plain(text)
    loose = _loose(text)
    for cue in NAME_CUE.finditer(loose):
        for quote in QUOTED.finditer(text, cue.end()):
            if quote.start() - cue.end() > NAME_CUE_REACH:
                break
            name = quote.group(1).strip(" ,.;:")
            if " ".join(re.sub(r"[^\w]", " ", _loose(name)).split()) in MOVEMENT:
                continue
            if len(name.split()) >= 2 and not _loose(name).startswith(("dan van kheo",)):
                return house_style(name)
            break
    return ""


def level_in(text: str, levels: tuple[Term, ...]) -> str:
    """A level written with "cấp" ("cấp thành phố", "cấp xã, phường"): its configured label, or ""."""
    return _term_in(_loose(text), levels, lambda spelling: spelling.startswith("cap "))


def rating_in(text: str, ratings: tuple[Term, ...]) -> str:
    """A self-rating ("tự đánh giá mô hình đạt loại Tốt", "tự đánh giá, xếp loại mô hình: khá")."""
    loose = _loose(text)
    cue = RATING_CUE.search(loose)
    if not cue:
        return ""
    tail = loose[cue.end() : cue.end() + 80]
    for spot in RATING_SPOT.finditer(tail):
        found = _term_in(tail[spot.end() :], ratings, lambda spelling: True, at_start=True)
        if found:
            return found
    return ""


RATING_CUE = re.compile(
    r"\b(?:tu danh gia|tu xep loai|tu cham|de nghi xep loai|de nghi cong nhan|xep loai)\b"
)
RATING_SPOT = re.compile(r"(?:\b(?:dat loai|xep loai|loai|muc|dat)\b|:)\s*[:\"“]?\s*")


def field_in(text: str, fields: tuple[Term, ...]) -> str:
    """ "thuộc lĩnh vực văn hóa - xã hội": the configured field."""
    loose = _loose(text)
    cue = re.search(r"\blinh vuc\b\s*[:\"“]?\s*", loose)
    if not cue:
        return ""
    return _term_in(loose[cue.end() : cue.end() + 60], fields, lambda spelling: True, at_start=True)


TYPE_WORDS = {
    "collective": re.compile(r"\b(?:mo hinh|dien hinh|cho) tap the\b"),
    "individual": re.compile(r"\b(?:mo hinh|dien hinh|cho) ca nhan\b"),
}


def type_in(text: str, types: tuple[Term, ...]) -> str:
    """ "là mô hình tập thể", "điển hình cá nhân": the type, when only one is named."""
    loose = _loose(text)
    named = [key for key, pattern in TYPE_WORDS.items() if pattern.search(loose)]
    if re.search(r"\btap the\b", loose) and re.search(r"\bca nhan\b", loose):
        return ""  # "mô hình tập thể hay cá nhân …": both words, no statement of either
    if len(named) != 1:
        return ""
    return next((term.label for term in types if term.key == named[0]), "")


def year_in(text: str) -> str:
    """ "… năm 2020": the campaign's year; never a birth, founding or admission year ("sinh năm 1968")."""
    found = re.search(r"(?<!sinh )(?<!lap )(?<!dang )\bnam ((?:19|20)\d{2})\b", _loose(text))
    return found.group(1) if found else ""


def _term_in(loose: str, terms: tuple[Term, ...], allowed, at_start: bool = False) -> str:
    """The configured label of the longest spelling found in `loose` (at its start when asked)."""
    best = (0, "")
    for size, label, pattern in _term_patterns(terms, at_start):
        if size > best[0] and allowed(pattern.pattern_key) and pattern.search(loose):
            best = (size, label)
    return best[1]


@dataclass(frozen=True)
class _Spelling:
    """A vocabulary spelling as a compiled pattern over loose text, and its loose words."""

    regex: re.Pattern[str]
    pattern_key: str

    def search(self, loose: str) -> re.Match[str] | None:
        return self.regex.search(loose)


_patterns: dict[tuple[int, bool], tuple[tuple[Term, ...], list[tuple[int, str, _Spelling]]]] = {}


def _term_patterns(terms: tuple[Term, ...], at_start: bool) -> list[tuple[int, str, _Spelling]]:
    """Every spelling of a vocabulary compiled once (kept per vocabulary object, as extract.folded_terms)."""
    known = _patterns.get((id(terms), at_start))
    if known is None or known[0] is not terms:
        found = []
        for term in terms:
            for spelling in (term.label, *term.synonyms):
                key = " ".join(re.sub(r"[^\w]", " ", _loose(spelling)).split())
                if key:
                    words = r"[\W_]+".join(re.escape(word) for word in key.split())
                    regex = re.compile((r"^" if at_start else r"(?:^|\W)") + words + r"(?:$|\W)")
                    found.append((len(key), term.label, _Spelling(regex, key)))
        if len(_patterns) > 64:
            _patterns.clear()
        known = _patterns[(id(terms), at_start)] = (terms, found)
    return known[1]


# ---------------------------------------------------------------------------- the facts of a document


@dataclass
class Facts:
    """What the document states outside its labels: values (with source and place), and the kind its
    title declares (a plan is a registration whatever else it says)."""

    fields: dict[str, FieldValue] = field(default_factory=dict)
    kind: Kind | None = None

    def offer(self, key: str, value: str, where: str, source: str) -> None:
        if value and key not in self.fields:
            self.fields[key] = FieldValue(value, where, source)


def document_facts(doc: DocText, config: Config, wanted: frozenset[str] | None = None) -> Facts:
    """The facts of the title, the closing request, the body's sentences and the letterhead. With `wanted`,
    the closing request, the body's sentences and the letterhead are read only for those fields (the title is
    always read: a label that disagrees with it is worth a warning)."""
    facts = Facts(kind=kind_of_title(doc))
    title = title_lines(doc)
    if title:
        text = " ".join(part.text for part in title)
        where = title[0].where
        facts.offer("model_name", quoted_name(text), where, SOURCE_TITLE)
        facts.offer("level", level_in(text, config.levels), where, SOURCE_TITLE)
        facts.offer("model_type", type_in(text, config.types), where, SOURCE_TITLE)
        facts.offer("year", year_in(text), where, SOURCE_TITLE)
    wants = (lambda key: True) if wanted is None else wanted.__contains__
    for part in closing_requests(doc) if any(map(wants, ("model_name", "level", "year"))) else ():
        facts.offer("model_name", quoted_name(part.text), part.where, SOURCE_SENTENCE)
        facts.offer("level", level_in(part.text, config.levels), part.where, SOURCE_SENTENCE)
        facts.offer("year", year_in(part.text), part.where, SOURCE_SENTENCE)
    if any(wants(key) for key in (*SENTENCE_FIELDS, "person_position")):
        read_sentences(doc, config, facts, wants)
    results = results_after_intro(doc) if wants("results") else None
    if results:
        facts.offer("results", results.value, results.where, SOURCE_SENTENCE)
    unit = unit_from_letterhead(doc, config) if wants("unit") else None
    if unit:
        facts.offer("unit", unit.value, unit.where, SOURCE_LETTERHEAD)
    return facts


PARENTHESES = re.compile(r"\([^()]*\)")
# A sentence that names the unit's own model: what it builds, carries out, registers, proposes or chose, or
# one that says what the model is (its field or type).
NAMING_VERBS = re.compile(
    r"\b(?:xay dung|thuc hien|dang ky|de nghi|trien khai|duy tri|xac dinh|lua chon|chon)\b"
)
LABEL_LINE = re.compile(r"^\W*(?:\w+\W+){0,5}?\w+\s*:")  # a short label before a colon, not a sentence
SENTENCE_FIELDS = ("model_name", "unit", "field", "model_type", "proposed_rating", "level", "person_name")


def read_sentences(doc: DocText, config: Config, facts: Facts, wants=lambda key: True) -> None:
    """Facts written in sentences of the body; the first sentence that states one wins."""
    looked_for = [key for key in SENTENCE_FIELDS if wants(key)]
    for part in sentences(doc):
        if all(key in facts.fields for key in looked_for):
            return
        loose = _loose(part.text)
        if _past(loose) or LABEL_LINE.match(loose):
            continue  # a "Nhãn: giá trị" line is the label walk's to read (or to doubt), not a sentence
        # Parentheses hold a form's instructions ("Họ và tên (mô hình cá nhân)"): no type or level there.
        plain = PARENTHESES.sub(" ", part.text)
        if "mo hinh" in loose or "dien hinh" in loose:
            about_it = field_in(part.text, config.fields) or type_in(plain, config.types)
            if NAMING_VERBS.search(loose) or about_it:
                facts.offer("model_name", quoted_name(part.text), part.where, SOURCE_SENTENCE)
            facts.offer("model_type", type_in(plain, config.types), part.where, SOURCE_SENTENCE)
        if re.search(r"\b(?:dang ky|de nghi)\b", loose):
            facts.offer("level", level_in(plain, config.levels), part.where, SOURCE_SENTENCE)
        person = person_in(part.text)
        if person:
            facts.offer("person_name", person[0], part.where, SOURCE_SENTENCE)
            facts.offer("person_position", person[1], part.where, SOURCE_SENTENCE)
        facts.offer("unit", workplace_in(part.text) or implementer_in(part.text), part.where, SOURCE_SENTENCE)
        facts.offer("field", field_in(part.text, config.fields), part.where, SOURCE_SENTENCE)
        facts.offer("proposed_rating", rating_in(part.text, config.ratings), part.where, SOURCE_SENTENCE)


RESULTS_INTRO = re.compile(r"\b(?:ket qua|dat duoc|thanh tich)\b[^.:]{0,60}:\s*$")
# A line after the points: the self-rating, the request, the closing formula, an attachment note.
AFTER_POINTS = re.compile(
    r"^\s*(?:\(|kinh |tran trong|tren day|noi nhan)|\b(?:tu danh gia|xep loai|de nghi)\b"
)
BULLET = re.compile(r"^\s*(?:[-+•–*]|\d+[.)]|[a-dđ][.)])\s*\S")
MAX_RESULT_LINES = 12


def results_after_intro(doc: DocText) -> FieldValue | None:
    """Results written as a sentence that announces them ("…, kết quả đạt được như sau:", "Kết quả:") and the
    points under it, up to the first line that is not a point."""
    paragraphs = [block for block in doc.blocks if block.kind == "para" and block.text.strip()]
    for index, block in enumerate(paragraphs):
        if not RESULTS_INTRO.search(_loose(block.text.strip())) or len(block.text) > 400:
            continue
        points = []
        for following in paragraphs[index + 1 : index + 1 + MAX_RESULT_LINES]:
            text = following.text.strip()
            if text.endswith((":", "：")) or HEADING.match(_loose(text)) and not BULLET.match(text):
                break  # a label line ("1. Cách thức thực hiện:") or a new section is no point of the results
            if AFTER_POINTS.search(_loose(text)) or (not BULLET.match(text) and len(text) > 400):
                break
            points.append(following)
        if points:
            text = "\n".join(_plain(point.text).strip() for point in points)
            return FieldValue(text, points[0].where, SOURCE_SENTENCE)
    return None


def list_kind(title: str) -> Kind | None:
    """Registrations or proposals, from a list's folded title ("DANH SÁCH ĐĂNG KÝ …" / "DANH SÁCH … ĐỀ NGHỊ
    CÔNG NHẬN …"); None when the title is not a list's."""
    if "danh sach" not in title and "bang tong hop" not in title:  # "BẢNG TỔNG HỢP đăng ký …" too
        return None
    if "de nghi cong nhan" in title or "de nghi xet cong nhan" in title:
        return Kind.PROPOSAL
    if "dang ky" in title:
        return Kind.REGISTRATION
    return None


def kind_of_title(doc: DocText) -> Kind | None:
    """A plan declares a model the unit will build: a registration, never a proposal."""
    title = title_lines(doc)
    if not title:
        return None
    loose = " ".join(re.sub(r"[^\w\s]", " ", _loose(" ".join(part.text for part in title))).split())
    if loose.startswith("phieu dang ky") or (loose.startswith("ke hoach") and BUILDING_A_MODEL.search(loose)):
        return Kind.REGISTRATION
    if SUBJECT_LINE.match(_loose(title[0].text)) and re.search(r"\bde nghi\b.*\bcong nhan\b", loose):
        return Kind.PROPOSAL  # a công văn "V/v đề nghị (xét) công nhận mô hình …"
    return None


# A unit's plan to build its own model, not the committee's plan for the movement.
BUILDING_A_MODEL = re.compile(
    r"\b(?:xay dung|thuc hien|trien khai|duy tri)(?: \w+){0,2} (?:mo hinh|dien hinh)\b"
)


# ---------------------------------------------------------------------------- the unit


# The bodies that govern a ward or commune: the territorial unit is what the unit list names.
GOVERNING_BODY = re.compile(r"^(?:ubnd|uy ban nhan dan|dang uy|dang bo|hdnd)\s+(?=(?:phuong|xa|thi tran)\b)")


def unit_from_letterhead(doc: DocText, config: Config) -> FieldValue | None:
    """The body that writes the document: the last line of the letterhead, spelled as the configuration or
    the document's own text spells it ("CHI BỘ KHU VỰC 3" → "Chi bộ khu vực 3 (phường Ngã Bảy)" in the body).
    A name the file never writes in ordinary case, and the configuration does not know, gives no value:
    guessing the capitals of a name would print it wrongly in a decision."""
    lines = [Part(expand_abbreviations(part.text), part.where) for part in letterhead(doc)]
    if not lines:
        return None
    if len(lines) >= 2 and PLACE_ONLY.match(_loose(lines[-1].text)) and not has_place(lines[-2].text):
        # "ỦY BAN MTTQ VIỆT NAM" over "THÀNH PHỐ NGÃ BẢY": one name on two lines
        lines = [*lines[:-2], Part(f"{lines[-2].text} {lines[-1].text}", lines[-2].where)]
    last, parent = lines[-1], (lines[-2].text if len(lines) >= 2 else "")
    name = " ".join(last.text.split())
    city = re.escape(config.issuer.get("place", ""))
    candidates = [name, re.sub(rf"(THÀNH PHỐ)\s+{city}$", r"\1", name, flags=re.IGNORECASE)]
    if parent and len(name.split()) <= 3:  # "THÀNH ỦY NGÃ BẢY" over "VĂN PHÒNG": the Văn phòng Thành ủy
        candidates.append(f"{name} {PLACE_TAIL.sub('', parent)}")
        candidates.append(f"{parent} {name}")  # "PHÒNG" over "TƯ PHÁP", a name Word broke in two
    bare = GOVERNING_BODY.sub("", _loose(name))
    if bare != _loose(name):  # "ỦY BAN NHÂN DÂN PHƯỜNG X", "ĐẢNG ỦY PHƯỜNG X": the ward X
        candidates.append(name[len(name) - len(bare) :])
    spelled = known_spelling(candidates, doc, config) or proper_case(candidates[1])
    if spelled and parent and not has_place(spelled):
        spelled = with_place(spelled, parent, config)
    return FieldValue(spelled, last.where, SOURCE_LETTERHEAD) if spelled else None


# Abbreviations of letterheads, and the governing organs that write for their organisation.
ABBREVIATIONS = {
    "UBND": "ỦY BAN NHÂN DÂN",
    "UBMTTQ": "ỦY BAN MẶT TRẬN TỔ QUỐC",
    "HĐND": "HỘI ĐỒNG NHÂN DÂN",
    "LHPN": "LIÊN HIỆP PHỤ NỮ",
    "MTTQ": "MẶT TRẬN TỔ QUỐC",
    "CCB": "CỰU CHIẾN BINH",
    "LĐLĐ": "LIÊN ĐOÀN LAO ĐỘNG",
    "CHQS": "CHỈ HUY QUÂN SỰ",
    "HCTĐ": "HỘI CHỮ THẬP ĐỎ",
    "HLHPN": "HỘI LIÊN HIỆP PHỤ NỮ",
    "TP": "THÀNH PHỐ",
    "TP.": "THÀNH PHỐ",
}
GOVERNING_ORGAN = re.compile(r"^(?:BCH|BAN CHẤP HÀNH|BTV|BAN THƯỜNG VỤ)\s+(?=\S)", re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    words = [ABBREVIATIONS.get(word.upper(), word) for word in " ".join(text.split()).split()]
    name = GOVERNING_ORGAN.sub("", " ".join(words))
    return YOUTH_UNION.sub(r"\1 THANH NIÊN ", name)  # "BCH ĐOÀN PHƯỜNG X": the Đoàn Thanh niên of ward X


YOUTH_UNION = re.compile(r"^(ĐOÀN)\s+(?=(?:PHƯỜNG|XÃ|THỊ TRẤN|THÀNH PHỐ|KHỐI|CƠ SỞ)\b)", re.IGNORECASE)


PLACE_ONLY = re.compile(r"^(?:thanh pho|huyen|tinh|phuong|xa|thi tran)\b")
PLACE_TAIL = re.compile(r"\s+(?:NGÃ BẢY|THÀNH PHỐ.*|TỈNH.*)$", re.IGNORECASE)
WARD_AFTER = re.compile(r"^\s*(?:,|\()\s*(phường|xã|thị trấn)\s+")


def ward_after(text: str) -> str:
    """ ", phường Ngã Bảy …" or " (phường Ngã Bảy)" right after a name: "phường Ngã Bảy"."""
    found = WARD_AFTER.match(text)
    if not found:
        return ""
    words = []
    for word in text[found.end() :].split():
        word = word.strip(",;.)")
        if not word or not (word[0].isupper() or word.isdigit()):
            break
        words.append(word)
        if not text[found.end() :].split()[len(words) - 1].isalnum():
            break  # a comma or a parenthesis ends the ward's name
    return f"{found.group(1)} {' '.join(words)}" if words else ""


GRASSROOTS = re.compile(r"^(?:chi bo|chi hoi|to |ban cong tac|ban dieu hanh|doan thanh nien khu|khu vuc|ap )")


def has_place(name: str) -> bool:
    return bool(re.search(r"\b(?:phuong|xa|thi tran|thanh pho|huyen|tinh)\b", _loose(name)))


def with_place(name: str, parent: str, config: Config) -> str:
    """A grassroots unit under a ward's or commune's body ("ĐẢNG BỘ PHƯỜNG NGÃ BẢY" over "CHI BỘ KHU VỰC 3")
    is named with its ward, as a city-wide list needs: "Chi bộ khu vực 3, phường Ngã Bảy"."""
    if not GRASSROOTS.match(_loose(name)):
        return name
    parent = _loose(expand_abbreviations(parent))
    for unit in config.all_units():
        ward = _loose(unit)
        if re.match(r"(?:phuong|xa|thi tran) ", ward) and parent.endswith(" " + ward):
            return f"{name}, {unit[:1].lower()}{unit[1:]}"
    return name


# How the kinds of bodies that write letterheads are capitalised (NĐ 30/2020 Phụ lục II: the first letter of
# each word naming the kind of body and its field): "HỘI CỰU CHIẾN BINH" is the "Hội Cựu chiến binh".
BODY_NAMES = (
    "Chi bộ", "Đảng bộ", "Đảng ủy", "Chi hội", "Chi đoàn", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ",
    "Hội Nông dân", "Hội Chữ thập đỏ", "Hội Người cao tuổi", "Hội Khuyến học", "Đoàn Thanh niên",
    "Ban công tác Mặt trận", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Trạm Y tế", "Trung tâm Y tế", "Công an",
    "Ủy ban nhân dân", "Liên đoàn Lao động", "Ban Chỉ huy Quân sự", "Phòng Tư pháp", "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch", "Phòng Y tế", "Phòng Kinh tế", "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo", "Phòng Quản lý đô thị", "Phòng Tài nguyên và Môi trường",
    "Phòng Lao động - Thương binh và Xã hội", "Văn phòng", "Thành đoàn",
)  # fmt: skip
PLACE_WORDS = ("thị trấn", "thành phố", "khu vực", "khu phố", "phường", "huyện", "tỉnh", "khóm", "ấp", "xã")


def proper_case(name: str) -> str:
    """A letterhead's capitals as the name is written in a sentence: the kind of body as NĐ 30 capitalises
    it, then its place ("CHI BỘ KHU VỰC 3" → "Chi bộ khu vực 3", "HỘI NÔNG DÂN XÃ ĐẠI THÀNH" → "Hội Nông
    dân xã Đại Thành"). A name whose words are not all known gives "": no guessed capitals."""
    words = name.split()
    body = next(
        (known for known in sorted(BODY_NAMES, key=len, reverse=True) if _starts_with(words, known.split())),
        "",
    )
    if not body:
        return ""
    place = " ".join(words[len(body.split()) :])
    if not place:
        return body
    generic = next((g for g in PLACE_WORDS if _starts_with(place.split(), g.split())), "")
    if not generic:
        return ""
    proper = place.split()[len(generic.split()) :]
    if not proper and generic != "thành phố":
        return ""
    return " ".join([body, generic, *(word[:1].upper() + word[1:].lower() for word in proper)])


def _starts_with(words: list[str], prefix: list[str]) -> bool:
    return len(words) >= len(prefix) and all(
        house_style(a).lower() == house_style(b).lower() for a, b in zip(words, prefix, strict=False)
    )


def known_spelling(candidates: list[str], doc: DocText, config: Config) -> str:
    """The first candidate (capitals) as the configured unit list or the document's own text writes it."""
    for candidate in candidates:
        wanted = name_key(candidate)
        for unit in config.all_units():
            if name_key(unit) == wanted:
                return unit
    for candidate in candidates:
        found = spelled_in_body(candidate, doc)
        if found:
            return found
    return ""


def spelled_in_body(name: str, doc: DocText) -> str:
    """The same words in ordinary case somewhere in the document ("Chi bộ Tòa án đã …"), with the ward that
    follows them ("Chi bộ khu vực 2, phường Ngã Bảy", "Chi bộ khu vực 3 (phường Ngã Bảy)")."""
    words = name.split()
    pattern = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)", re.IGNORECASE
    )
    for block in doc.blocks:
        text = _plain(block.text)
        for found in pattern.finditer(text):
            spelled = found.group(0)
            if spelled.isupper() or not spelled[:1].isupper():
                continue
            spelled = house_style(" ".join(spelled.split()))
            ward = ward_after(text[found.end() : found.end() + 60])
            return f"{spelled}, {ward}" if ward and not has_place(spelled) else spelled
    return ""


# A person named in a sentence: who writes ("Tôi tên là …") or whom the request is for ("công nhận bà …").
PERSON_CUE = re.compile(
    r"\b(?:toi ten la|toi ten|ten toi la|toi la|ban than la"
    r"|(?:cong nhan|cho|doi voi) (?:ong|ba|dong chi|anh|chi))\s*:?\s+"
)
BIRTH = re.compile(r"^\s*[,(]?\s*(?:sinh nam|nam sinh|sinh ngay|ngay sinh)\b[^,;)]*\)?")
POSITION_CUE = re.compile(r"\b(?:chuc vu\s*(?:hien nay)?|hien la)\s*:?\s*")
WORKPLACE_CUE = re.compile(r"\b(?:cong tac tai|don vi cong tac|noi cong tac)\s*:?\s*")
MAX_NAME_WORDS = 5


def person_in(text: str) -> tuple[str, str] | None:
    """(name, position) of the person a sentence names: "Tôi tên là Đỗ Thị Hạnh, sinh năm 1990, …, chức vụ
    Chuyên viên"; "công nhận bà Lê Thị Tuyết (sinh năm 1968), Chuyên viên, Phòng … là điển hình …"."""
    text = _plain(text)
    loose = _loose(text)
    cue = PERSON_CUE.search(loose)
    if not cue:
        return None
    words = []
    for word in text[cue.end() :].split():
        bare = word.strip(",;.()")
        if not bare[:1].isupper() or not bare.isalpha() or bare.isupper() and len(bare) > 1:
            break
        words.append(bare)
        if bare != word or len(words) == MAX_NAME_WORDS:
            break
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return None
    after = text[cue.end() :].split(words[-1], 1)[1]
    return " ".join(words), position_after(after)


def position_after(text: str) -> str:
    """The position written after a person's name: "chức vụ X", or the first part after the birth year when
    it is no unit ("(sinh năm 1968), Chuyên viên, Phòng …")."""
    loose = _loose(text)
    cue = POSITION_CUE.search(loose)
    if cue:
        return re.split(r"[,;.]", text[cue.end() :])[0].strip()
    birth = BIRTH.match(loose)
    rest = text[birth.end() :] if birth else text
    part = re.split(r"[,;(]", rest.lstrip(" ,;"))[0].strip() if rest.lstrip().startswith(",") else ""
    if (
        part
        and len(part.split()) <= 6
        and part[:1].isupper()
        and not UNIT_OPENINGS.match(house_style(part).lower())
    ):
        return part
    return ""


# How a unit's name begins, with its marks ("Trưởng khu vực" is a position, "Trường …" a school).
UNIT_OPENINGS = re.compile(
    r"^(?:phòng|chi bộ|đảng bộ|đảng ủy|hội|ban|đoàn|trung tâm|phường|xã|thị trấn|ủy ban|ubnd|trường"
    r"|công an(?! viên)"
    r"|văn phòng|mặt trận|tổ(?! trưởng| phó)|ấp|khu|trạm|bệnh viện|cơ quan|thành ủy|thành đoàn)\b"
)


def unit_after_position(text: str) -> str:
    """ "Tôi là …, sinh năm 1994, hiện là Chuyên viên, Ban Dân vận Thành ủy.": the unit after the position."""
    cue = re.search(r"\bhien la\s+", _loose(text))
    if not cue:
        return ""
    parts = [part.strip() for part in re.split(r"[,;]|\.\s|\.$", text[cue.end() :])]
    unit = parts[1] if len(parts) > 1 else ""
    return unit if UNIT_OPENINGS.match(house_style(unit).lower()) and len(unit.split()) <= 12 else ""


def workplace_in(text: str) -> str:
    """ "… hiện công tác tại Phòng Lao động - Thương binh và Xã hội, chức vụ …": the person's unit."""
    text = _plain(text)
    cue = WORKPLACE_CUE.search(_loose(text))
    if not cue:
        return unit_after_position(text)
    name = re.split(r"[,;]|\.\s|\.$|\s+(?:chức vụ|từ năm|với)\b", text[cue.end() :])[0].strip()
    return name if name[:1].isupper() and 2 <= len(name.split()) <= 12 else ""


def implementer_in(text: str) -> str:
    """ "mô hình “…” (Chi bộ khu vực 4, phường Ngã Bảy thực hiện)": the unit that carries the model out,
    when another body (a ward's committee, an office) sends the proposal."""
    found = IMPLEMENTER.search(_plain(text))
    if not found:
        return ""
    name = " ".join((found.group(1) or found.group(2) or "").split()).strip(" ,;:")
    return house_style(name) if name[:1].isupper() and len(name.split()) >= 2 else ""


IMPLEMENTER = re.compile(
    r"[”\"]\s*\((?:(?:đơn vị thực hiện|do)\s*:?\s*([^()]{3,80})|([^():]{3,80}?)\s+thực hiện)\)"
)


COLLECTIVE_WORDS = re.compile(r"\b(?:mo hinh|dien hinh|cho) tap the\b|\bmau (?:so )?0?1\b")
INDIVIDUAL_WORDS = re.compile(
    r"\b(?:nam sinh|sinh ngay|ngay sinh|gioi tinh|que quan)\b|\b(?:mo hinh|dien hinh|cho) ca nhan\b"
)


def inferred_type(fields: dict[str, FieldValue], doc: DocText, config: Config) -> FieldValue | None:
    """The model's type from evidence, never by default: a person's name with no collective wording is an
    individual model; a unit with no person and no individual wording is a collective one."""
    text = " ".join(_loose(block.text[:400]) for block in doc.blocks[:200])
    collective_words = bool(COLLECTIVE_WORDS.search(text))
    individual_words = bool(INDIVIDUAL_WORDS.search(text))
    if fields.get("person_name") and not collective_words:
        key, evidence = "individual", "có họ tên cá nhân, không có từ “tập thể”"
    elif fields.get("unit") and not fields.get("person_name") and not individual_words:
        key, evidence = "collective", "có đơn vị thực hiện, không có tên hay từ chỉ cá nhân"
    else:
        return None
    term = next((t for t in config.types if t.key == key), None)
    return FieldValue(term.label, f"suy ra: {evidence}", SOURCE_INFERRED) if term else None


def typed_person_type(current: FieldValue | None, config: Config) -> FieldValue | None:
    """A person's name typed in the correction workbook makes an individual model, unless the file itself
    states the type (only an inferred or missing type gives way)."""
    if current is not None and current.source != SOURCE_INFERRED:
        return None
    term = next((t for t in config.types if t.key == "individual"), None)
    return FieldValue(term.label, "suy ra: họ tên nhập tay", SOURCE_INFERRED) if term else None

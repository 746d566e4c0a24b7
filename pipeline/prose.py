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
from pipeline.vntext import house_style, name_key, strip_marks

# ---------------------------------------------------------------------------- loose text

# Combining marks left outside NFC would make the loose text shorter than the original.
_COMBINING = dict.fromkeys(range(0x300, 0x370))


def _plain(text: str) -> str:
    """NFC text without stray combining marks: the text offsets of `_loose` point into."""
    return unicodedata.normalize("NFC", text).translate(_COMBINING)


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
            if block.kind != "para" or not block.text.strip():
                continue
            if starts_genre(block.text) or not _is_capitals(block.text):
                break
            lines.extend(lines_in(block))
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


def title_lines(doc: DocText) -> list[Part]:
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


PAST = re.compile(r"\b(?:da duoc|duoc cong nhan|da dat|nam truoc|tung duoc|truoc day)\b")


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
    """A self-rating ("tự đánh giá mô hình đạt loại Tốt", "đề nghị xếp loại: Khá")."""
    loose = _loose(text)
    cue = RATING_CUE.search(loose)
    if not cue:
        return ""
    tail = loose[cue.end() : cue.end() + 80]
    spot = RATING_SPOT.search(tail)
    if not spot:
        return ""
    return _term_in(tail[spot.end() :], ratings, lambda spelling: True, at_start=True)


RATING_CUE = re.compile(
    r"\b(?:tu danh gia|tu xep loai|tu cham|de nghi xep loai|de nghi cong nhan|xep loai)\b"
)
RATING_SPOT = re.compile(r"\b(?:dat loai|xep loai|loai|muc|dat)\b\s*[:\"“]?\s*")


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
    if len(named) != 1:
        return ""
    return next((term.label for term in types if term.key == named[0]), "")


def year_in(text: str) -> str:
    found = re.search(r"\bnam ((?:19|20)\d{2})\b", _loose(text))
    return found.group(1) if found else ""


def _term_in(loose: str, terms: tuple[Term, ...], allowed, at_start: bool = False) -> str:
    """The configured label of the longest spelling found in `loose` (at its start when asked)."""
    best = (0, "")
    for term in terms:
        for spelling in (term.label, *term.synonyms):
            key = " ".join(re.sub(r"[^\w]", " ", _loose(spelling)).split())
            if not key or not allowed(key):
                continue
            pattern = r"[\W_]+".join(re.escape(word) for word in key.split())
            found = re.search((r"^" if at_start else r"(?:^|\W)") + pattern + r"(?:$|\W)", loose)
            if found and len(key) > best[0]:
                best = (len(key), term.label)
    return best[1]


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


def document_facts(doc: DocText, config: Config) -> Facts:
    """The facts of the title, the closing request, the body's sentences and the letterhead."""
    facts = Facts(kind=kind_of_title(doc))
    title = title_lines(doc)
    if title:
        text = " ".join(part.text for part in title)
        where = title[0].where
        facts.offer("model_name", quoted_name(text), where, SOURCE_TITLE)
        facts.offer("level", level_in(text, config.levels), where, SOURCE_TITLE)
        facts.offer("model_type", type_in(text, config.types), where, SOURCE_TITLE)
        facts.offer("year", year_in(text), where, SOURCE_TITLE)
    for part in closing_requests(doc):
        facts.offer("model_name", quoted_name(part.text), part.where, SOURCE_SENTENCE)
        facts.offer("level", level_in(part.text, config.levels), part.where, SOURCE_SENTENCE)
        facts.offer("year", year_in(part.text), part.where, SOURCE_SENTENCE)
    read_sentences(doc, config, facts)
    unit = unit_from_letterhead(doc, config)
    if unit:
        facts.offer("unit", unit.value, unit.where, SOURCE_LETTERHEAD)
    return facts


PARENTHESES = re.compile(r"\([^()]*\)")
LABEL_LINE = re.compile(r"^[^:.;]{1,60}:")
SENTENCE_FIELDS = ("model_name", "field", "model_type", "proposed_rating", "level")


def read_sentences(doc: DocText, config: Config, facts: Facts) -> None:
    """Facts written in sentences of the body; the first sentence that states one wins."""
    for whole in sentences(doc):
        # Parentheses hold a form's instructions ("Họ và tên (mô hình cá nhân)"), not the unit's statements.
        part = Part(PARENTHESES.sub(" ", whole.text), whole.where)
        loose = _loose(part.text)
        if _past(loose) or LABEL_LINE.match(loose) or all(key in facts.fields for key in SENTENCE_FIELDS):
            continue  # a "Nhãn: giá trị" line is the label walk's to read (or to doubt), not a sentence
        if "mo hinh" in loose or "dien hinh" in loose:
            if re.search(r"\b(?:xay dung|thuc hien|dang ky|de nghi|trien khai|duy tri)\b", loose):
                facts.offer("model_name", quoted_name(part.text), part.where, SOURCE_SENTENCE)
            facts.offer("model_type", type_in(part.text, config.types), part.where, SOURCE_SENTENCE)
        if re.search(r"\b(?:dang ky|de nghi)\b", loose):
            facts.offer("level", level_in(part.text, config.levels), part.where, SOURCE_SENTENCE)
        facts.offer("field", field_in(part.text, config.fields), part.where, SOURCE_SENTENCE)
        facts.offer("proposed_rating", rating_in(part.text, config.ratings), part.where, SOURCE_SENTENCE)


def kind_of_title(doc: DocText) -> Kind | None:
    """A plan declares a model the unit will build: a registration, never a proposal."""
    title = title_lines(doc)
    if not title:
        return None
    loose = " ".join(re.sub(r"[^\w\s]", " ", _loose(" ".join(part.text for part in title))).split())
    if loose.startswith("phieu dang ky") or (loose.startswith("ke hoach") and BUILDING_A_MODEL.search(loose)):
        return Kind.REGISTRATION
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
    the document's own body text spells it. A line the file never writes in ordinary case, and the
    configuration does not know, is given in capitalised words only when nothing better is found."""
    lines = letterhead(doc)
    if not lines:
        return None
    last = lines[-1]
    if len(lines) >= 2 and len(last.text.split()) <= 2:  # "PHÒNG" over "TƯ PHÁP" split by Word: join them
        last = Part(f"{lines[-2].text} {last.text}", last.where)
    name = " ".join(last.text.split())
    spelled = known_spelling(name, doc, config)
    return FieldValue(spelled, last.where, SOURCE_LETTERHEAD) if spelled else None


def known_spelling(name: str, doc: DocText, config: Config) -> str:
    """`name` (capitals) as the configured unit list or the document's own text writes it."""
    candidates = [name]
    bare = GOVERNING_BODY.sub("", _loose(name))
    if bare != _loose(name):  # "UBND PHƯỜNG X", "ĐẢNG ỦY PHƯỜNG X": the ward X
        candidates.append(name[len(name) - len(bare) :])
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
    """The same words in ordinary case somewhere in the document ("Chi bộ Tòa án đã …")."""
    words = name.split()
    pattern = re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)", re.IGNORECASE
    )
    for block in doc.blocks:
        text = _plain(block.text)
        for found in pattern.finditer(text):
            spelled = found.group(0)
            if not spelled.isupper() and spelled[:1].isupper():
                return house_style(" ".join(spelled.split()))
    return ""


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

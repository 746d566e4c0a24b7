"""Stage 3: classify a document and extract the model's fields from its blocks.

One algorithm serves the three real layouts. Content controls tagged with a field key win.
Otherwise the blocks are read as a stream of lines, tables row by row and cell by cell, so a
label cell followed by its value cell (or by a value row) reads exactly like a label paragraph
followed by its value paragraphs. Labels are matched on a folded key (no case, diacritics,
numbering or punctuation) against the synonyms below.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipeline.config import Config, Term
from pipeline.model import FIELDS, Block, DocText, FieldValue, Kind
from pipeline.vntext import fold, house_style

# Folded label spellings per field. Matching is exact after folding, or a prefix followed by a
# short qualifier ("Tên mô hình (ghi rõ)"). Order matters only for readability.
LABELS: dict[str, tuple[str, ...]] = {
    "model_name": (
        "ten mo hinh",
        "mo hinh",
        "ten mo hinh dan van kheo",
        "ten mo hinh dang ky",
        "ten mo hinh de nghi cong nhan",
    ),
    "unit": (
        "don vi thuc hien",
        "tap the thuc hien",
        "co quan don vi",
        "co quan don vi thuc hien",
        "don vi",
        "ten don vi",
        "ten tap the",
        "don vi dang ky",
        "don vi de nghi",
        "co quan don vi cong tac",
        "don vi cong tac",
        "noi cong tac",
    ),
    "person_name": (
        "ho va ten",
        "ho ten",
        "ca nhan thuc hien",
        "ten ca nhan",
        "ho va ten ca nhan",
        "ho ten ca nhan thuc hien",
    ),
    "person_position": ("chuc vu", "chuc danh", "chuc vu chuc danh"),
    "level": (
        "cap",
        "cap cong nhan",
        "cap de nghi cong nhan",
        "cap mo hinh",
        "de nghi cong nhan cap",
        "cap dang ky",
        "dang ky cap",
        "de nghi cap",
        "cap de nghi",
    ),
    "model_type": ("loai mo hinh", "hinh thuc", "tap the ca nhan", "mo hinh tap the ca nhan", "loai hinh"),
    "field": ("linh vuc", "linh vuc thuc hien", "linh vuc mo hinh"),
    "year": ("nam", "nam thuc hien", "nam dang ky"),
    "period": ("thoi gian thuc hien", "thoi gian trien khai", "thoi gian", "thoi gian bat dau va ket thuc"),
    "place": ("dia ban", "dia ban thuc hien", "dia ban ap dung", "pham vi dia ban"),
    "target_group": (
        "doi tuong",
        "doi tuong tac dong",
        "doi tuong van dong",
        "doi tuong huong den",
        "doi tuong tham gia",
    ),
    "content": (
        "noi dung cach thuc thuc hien",
        "noi dung",
        "cach thuc thuc hien",
        "noi dung va cach thuc thuc hien",
        "noi dung bien phap thuc hien",
        "noi dung giai phap",
        "cach lam",
        "noi dung cach lam",
        "noi dung phuong thuc thuc hien",
        "noi dung thuc hien",
        "muc dich noi dung",
    ),
    "forces": ("luc luong", "luc luong tham gia", "luc luong thuc hien"),
    "resources": ("nguon luc", "kinh phi", "nguon luc thuc hien", "nguon luc kinh phi", "nguon luc huy dong"),
    "results": (
        "ket qua dat duoc",
        "ket qua",
        "san pham ket qua dau ra",
        "ket qua thuc hien",
        "hieu qua",
        "ket qua hieu qua",
        "san pham dau ra",
        "ket qua dat duoc san pham dau ra",
    ),
    "replicability": (
        "kha nang duy tri nhan rong",
        "kha nang nhan rong",
        "tinh lan toa",
        "kha nang duy tri",
        "kha nang duy tri va nhan rong",
        "kha nang nhan rong duy tri",
    ),
    "proposed_rating": (
        "tu danh gia",
        "de nghi xep loai",
        "tu danh gia xep loai",
        "xep loai",
        "tu xep loai",
        "tu danh gia de nghi xep loai",
        "de nghi cong nhan xep loai",
        "muc do de nghi",
    ),
    "signer": ("nguoi ky", "thu truong don vi", "nguoi bao cao", "nguoi dang ky"),
}
# Places where a combined label fills two fields ("Địa bàn, đối tượng").
COMBINED_LABELS: dict[str, tuple[str, str]] = {
    "dia ban doi tuong": ("place", "target_group"),
    "dia ban va doi tuong": ("place", "target_group"),
    "dia ban doi tuong tac dong": ("place", "target_group"),
    "luc luong nguon luc": ("forces", "resources"),
    "luc luong va nguon luc": ("forces", "resources"),
}
# Long free-text fields run on over several lines; the others take one value.
LONG_FIELDS = {"content", "results", "forces", "resources", "replicability", "place", "target_group"}
MAX_QUALIFIER_WORDS = 3
LONG_FIELD_CHARS = 300
NUMBERING = re.compile(r"^\s*(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/:-]\s*|^\s*[-+*•–—]\s*", re.IGNORECASE)
ROMAN_HEADING = re.compile(r"^\s*[IVXL]+\s*[.)]\s+\S")
CLOSING_MARKERS = (
    "noi nhan",
    "ghi chu",
    "luu y",
    "t m ",
    "tm ",
    "k t ",
    "kt ",
    "bi thu",
    "pho bi thu",
    "thu truong",
    "xac nhan",
    "nguoi lap",
    "ky ten",
    "ky ghi ro ho ten",
)
YEAR = re.compile(r"\b(19|20)\d{2}\b")
# Every closing marker starts with one of these letters: lines starting otherwise need no folding.
MAY_CLOSE = re.compile(r"[\W_]*[" + "".join(sorted({m[0] + m[0].upper() for m in CLOSING_MARKERS})) + "]")


TITLE_CHARS = 150  # a title is shorter; the opening of a long paragraph is enough to classify


@dataclass
class Line:
    text: str
    where: str


def classify(doc: DocText) -> Kind | None:
    """Registration, proposal, or None, from the document's title words."""
    head = fold(" ".join(block.text[:TITLE_CHARS] for block in doc.blocks[:40]))
    about_models = ("mo hinh" in head or "dan van kheo" in head) or any(
        "mo hinh" in folded or "dan van kheo" in folded
        for folded in (fold(block.text[:TITLE_CHARS]) for block in doc.blocks[40:200])
    )
    if not about_models:
        return None
    if "phieu dang ky" in head or "dang ky mo hinh" in head or "dang ky xay dung mo hinh" in head:
        return Kind.REGISTRATION
    if (
        "bao cao ket qua" in head
        or "to trinh" in head
        or "de nghi cong nhan" in head
        or "bao cao mo hinh" in head
    ):
        return Kind.PROPOSAL
    return None


def extract_fields(doc: DocText, config: Config) -> dict[str, FieldValue]:
    """All fields found, normalised to the configured vocabulary; each value keeps its place."""
    raw = fields_from_controls(doc.blocks)
    lines = lines_of(doc.blocks)
    for key, value in fields_from_lines(lines).items():
        raw.setdefault(key, value)
    if "signer" not in raw:
        signer = signer_from_closing(lines)
        if signer:
            raw["signer"] = signer
    return normalise_fields(raw, doc, config)


def fields_from_controls(blocks: tuple[Block, ...]) -> dict[str, FieldValue]:
    found: dict[str, FieldValue] = {}
    for block in blocks:
        if block.kind == "sdt" and block.tag in FIELDS and block.text.strip():
            found.setdefault(block.tag, FieldValue(clean_value(block.text), block.where))
    return found


def lines_of(blocks: tuple[Block, ...]) -> list[Line]:
    """Paragraphs and cells as one stream of lines (cells split at their paragraph breaks)."""
    lines: list[Line] = []
    previous_cell_text = None
    for block in blocks:
        if block.kind == "sdt":
            continue
        if block.kind == "cell":
            if block.text == previous_cell_text and block.col > 1:
                continue  # horizontally merged cells repeat the same text
            previous_cell_text = block.text
        for part in block.text.split("\n"):
            if part.strip():
                lines.append(Line(part.strip(), block.where))
    return lines


def fields_from_lines(lines: list[Line]) -> dict[str, FieldValue]:
    """Walk the lines: a label opens a field; its value is inline or on the following lines."""
    found: dict[str, list[Line]] = {}
    current: tuple[str, ...] = ()
    for line in lines:
        keys, inline = match_label(line.text)
        if keys:
            current = tuple(key for key in keys if key not in found or not found[key])
            for key in current:
                found.setdefault(key, [])
                if inline:
                    found[key].append(Line(inline, line.where))
            if inline and not any(key in LONG_FIELDS for key in current):
                current = ()
            continue
        short = current and not any(key in LONG_FIELDS for key in current)
        if is_stt(line.text) or (short and is_hint(line.text)):
            continue
        if ends_short_value(line.text) if short else ends_section(line.text):
            current = ()
            continue
        for key in current:
            found[key].append(line)
        if short:
            current = ()
    return {key: join_lines(parts) for key, parts in found.items() if parts}


EXACT_LABELS: dict[str, tuple[str, ...]] = {
    **{spelling: (key,) for key, spellings in LABELS.items() for spelling in spellings},
    **COMBINED_LABELS,
}
# Spellings long enough to be matched as a prefix followed by a short qualifier.
PREFIX_LABELS = {
    spelling: key for key, spellings in LABELS.items() for spelling in spellings if len(spelling) > 5
}
MAX_LABEL_CHARS = 90  # a longer text before the colon is a sentence, not a label
QUALIFIER = re.compile(r"\s*\b(neu co|ghi ro|bat buoc)\b.*$")


def match_label(text: str) -> tuple[tuple[str, ...], str]:
    """(field keys, inline value) when the line starts with a known label, else ((), "")."""
    label, inline = split_label(text)
    if len(label) > MAX_LABEL_CHARS:
        return (), ""
    keys = label_keys(label, bool(inline) or text.rstrip().endswith((":", "：")))
    return (keys, inline) if keys else ((), "")


@functools.lru_cache(maxsize=4096)
def label_keys(label: str, with_qualifier: bool) -> tuple[str, ...]:
    """The fields a label names. `with_qualifier`: the label ends in a colon or has a value after it, so
    a known spelling followed by a few more words counts ("Tên mô hình đăng ký năm nay:"). Cached: a
    campaign's files share a handful of forms, so the same labels come back in every file."""
    key = fold(NUMBERING.sub("", label, count=1))
    if key in EXACT_LABELS:
        return EXACT_LABELS[key]
    key = QUALIFIER.sub("", key).strip()
    if not key:
        return ()
    if key in EXACT_LABELS:
        return EXACT_LABELS[key]
    if with_qualifier:
        words = key.split()
        # The longest known spelling first, leaving at most MAX_QUALIFIER_WORDS words after it.
        for cut in range(len(words) - 1, max(len(words) - 1 - MAX_QUALIFIER_WORDS, 0), -1):
            field_key = PREFIX_LABELS.get(" ".join(words[:cut]))
            if field_key:
                return (field_key,)
    return ()


def split_label(text: str) -> tuple[str, str]:
    """Text before and after the first colon (ASCII or full-width), or (text, "") without one."""
    colons = [at for at in (text.find(":"), text.find("：")) if at >= 0]
    if not colons:
        return text, ""
    at = min(colons)
    return text[:at].rstrip(), text[at + 1 :].strip()


def ends_section(text: str) -> bool:
    """Headings, the closing block and all-capitals lines end a running value."""
    if ROMAN_HEADING.match(text):
        return True
    if MAY_CLOSE.match(text) and (fold(text[:40]) + " ").startswith(CLOSING_MARKERS):
        return True
    return text.isupper() and len(text.split()) >= 2 and sum(char.isalpha() for char in text) >= 8


def ends_short_value(text: str) -> bool:
    """Whether the line after an empty short label is not its value: a heading or the closing block.
    Looser than ends_section, since values such as "KT" or "Bí thư Chi bộ" look like closing words."""
    if ROMAN_HEADING.match(text) or (text.isupper() and len(text.split()) >= 2):
        return True
    return fold(text[:40]).startswith(("noi nhan", "t m ", "tm ", "k t ", "ghi chu"))


def is_hint(text: str) -> bool:
    """A bracketed instruction such as "(Ký, ghi rõ họ tên)": never a value."""
    return text.startswith("(") and text.endswith(")")


STT = re.compile(r"\s*\d{1,3}\s*[.)]?\s*")


def is_stt(text: str) -> bool:
    return bool(STT.fullmatch(text))


def join_lines(parts: list[Line]) -> FieldValue:
    return FieldValue(clean_value("\n".join(part.text for part in parts)), parts[0].where)


BLANKS = re.compile(r"[ \t]+")


def clean_value(text: str) -> str:
    text = house_style(text).strip()
    if "  " in text or "\t" in text:  # most values have none: skip a regex pass over long texts
        text = BLANKS.sub(" ", text)
    return "" if not text.strip(".…_") else text  # a form's empty "……" line is no value


SIGNATURE_TAIL = 15  # the signature block sits in the last lines of a document


def signer_from_closing(lines: list[Line]) -> FieldValue | None:
    """The signer's name: the last name-like line after a signing title (T/M …, BÍ THƯ, CHÁNH VĂN PHÒNG,
    "(Ký, ghi rõ họ tên)") near the end of the document."""
    after_title = False
    candidate = None
    for line in lines[-SIGNATURE_TAIL:]:
        folded = fold(line.text[:40])
        if folded.startswith(("t m ", "tm ", "k t ", "kt ", "ky ", "nguoi ")) or (
            line.text.isupper() and sum(char.isalpha() for char in line.text) >= 4
        ):
            after_title = True
            continue
        if after_title and looks_like_person(line.text):
            candidate = FieldValue(house_style(line.text.strip()), line.where)
    return candidate


def looks_like_person(text: str) -> bool:
    words = text.strip().split()
    return (
        2 <= len(words) <= 5
        and all(word[:1].isupper() and word.isalpha() for word in words)
        and not any(char.isdigit() for char in text)
        and not text.isupper()
    )


# ---------------------------------------------------------------------------- normalisation


def normalise_fields(raw: dict[str, FieldValue], doc: DocText, config: Config) -> dict[str, FieldValue]:
    fields = {key: capped(value) if key in LONG_FIELDS else value for key, value in raw.items()}
    if "model_name" in fields:
        fields["model_name"] = replace(fields["model_name"], strip_quotes(fields["model_name"].value))
    for key, terms in (
        ("level", config.levels),
        ("model_type", config.types),
        ("field", config.fields),
        ("proposed_rating", config.ratings),
    ):
        if key in fields:
            term = match_term(fields[key].value, terms)
            if term:
                fields[key] = replace(fields[key], term.label)
    if "year" in fields:
        found = YEAR.search(fields["year"].value)
        fields["year"] = replace(fields["year"], found.group(0) if found else fields["year"].value)
    else:
        year = year_from_title(doc)
        if year:
            fields["year"] = year
    if "model_type" not in fields:
        fields["model_type"] = infer_type(fields, config)
    return fields


def capped(value: FieldValue) -> FieldValue:
    """Long narrative fields keep their opening only: nothing downstream prints them in full, and a
    province-scale run must hold ten thousand records in memory (issue 6). The file keeps the full text."""
    if len(value.value) <= LONG_FIELD_CHARS:
        return value
    return FieldValue(value.value[: LONG_FIELD_CHARS - 1].rstrip() + "…", value.where)


def replace(value: FieldValue, text: str) -> FieldValue:
    return FieldValue(text, value.where)


def strip_quotes(text: str) -> str:
    text = text.strip().strip(".;,").strip()
    pairs = {'"': '"', "“": "”", "'": "'", "«": "»", "„": "“", "‘": "’"}
    while len(text) > 2 and text[0] in pairs and text[-1] == pairs[text[0]] and text.count(text[0]) <= 2:
        text = text[1:-1].strip()
    if text[:1] in '“"' and text.count(text[:1]) == 1 and text[-1:] not in '”"':
        text = text[1:].strip()
    return text


def match_term(value: str, terms: tuple[Term, ...]) -> Term | None:
    """The vocabulary term a free-text value means: exact folded match first, then whole-word containment."""
    folded = fold(value)
    if not folded:
        return None
    for term in terms:
        if folded in {fold(term.label), *(fold(s) for s in term.synonyms)}:
            return term
    best: tuple[int, Term] | None = None
    for term in terms:
        for spelling in (term.label, *term.synonyms):
            key = fold(spelling)
            if (
                key
                and re.search(rf"(?:^| ){re.escape(key)}(?: |$)", folded)
                and (best is None or len(key) > best[0])
            ):
                best = (len(key), term)
    return best[1] if best else None


def year_from_title(doc: DocText) -> FieldValue | None:
    for block in doc.blocks[:30]:
        folded = fold(block.text)
        if "mo hinh" in folded or "dan van kheo" in folded:
            found = re.search(r"\bnam ((?:19|20)\d{2})\b", folded)
            if found:
                return FieldValue(found.group(1), block.where)
    return None


def infer_type(fields: dict[str, FieldValue], config: Config) -> FieldValue:
    """Without a type label, a model with a person's name is individual, otherwise collective."""
    key = "individual" if fields.get("person_name") else "collective"
    term = next((t for t in config.types if t.key == key), config.types[0])
    return FieldValue(term.label, "suy ra từ nội dung")

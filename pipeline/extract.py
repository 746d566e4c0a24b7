"""Stage 3: classify a document and extract the model's fields from its blocks.

One algorithm serves the three real layouts. The blocks are read as a stream of lines, tables row by row
and cell by cell, so a label cell followed by its value cell (or by a value row) reads exactly like a label
paragraph followed by its value paragraphs. Which lines are labels, and what they name, is the label
recognizer's answer (`pipeline.labels`); content controls whose tag, alias or placeholder names a field give
that field their text. Precision first: a line that looks like a label, a heading, an instruction or the
closing block is never a value, and a label that could name two unrelated fields gives a warning, not a guess.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from pipeline.config import Config, Term
from pipeline.labels import (
    HEADS,
    NO_MATCH,
    NUMBERING,
    WEAK,
    LabelMatch,
    Recognizer,
    clean_label,
    recognizer_for,
)
from pipeline.model import (
    FIELDS,
    LABELS_VI,
    SOURCE_INFERRED,
    SOURCE_LABEL,
    SOURCE_LETTERHEAD,
    SOURCE_MANUAL,
    SOURCE_SENTENCE,
    SOURCE_SIGNATURE,
    SOURCE_TABLE_ROW,
    SOURCE_TITLE,
    WARNING,
    Block,
    DocText,
    FieldValue,
    Kind,
    Problem,
)
from pipeline.prose import Facts, document_facts, inferred_type, kind_of_title, list_kind
from pipeline.vntext import fold, hidden_characters, house_style, name_key, neutralise

# Long free-text fields run on over several lines; the others take one value.
LONG_FIELDS = {"content", "results", "forces", "resources", "replicability", "place", "target_group"}
# Fields whose value must match the vocabulary: a line that does is a value even if it reads like a label.
VOCABULARY_FIELDS = {
    "level": "levels",
    "model_type": "types",
    "field": "fields",
    "proposed_rating": "ratings",
}
LONG_FIELD_CHARS = 300
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
# Items that follow the fields on a form, and the closing sentences of a report: a running value ends there.
TRAILING_ITEMS = (
    "tren day la",
    "tren day",
    "so dien thoai",
    "dien thoai",
    "y kien",
    "de xuat kien nghi",
    "kien nghi",
    "tai lieu",
    "minh chung",
    "kem theo",
    "ho so kem theo",
    "xac nhan",
    "ghi chu",
    "noi nhan",
    "hinh anh",
)
# A label line: with a colon, at most this many unknown words before it; without one, none at all.
MAX_UNKNOWN_WITH_COLON = 2
MAX_LABEL_CHARS = 90  # a longer text before the colon (its parentheses aside) is a sentence, not a label
PARENTHESES = re.compile(r"\([^()]*\)")
# A sentence's end: after a lower-case letter, a figure, a closing mark, or a word in capitals ("XDHTCT. Kết
# quả:", "VH-XH. Kết quả:"), not after a short abbreviation ("TP. Ngã Bảy").
SENTENCE_END = re.compile(
    r"(?:(?<=[a-zà-ỹđ0-9)”\"])|(?<=[A-ZÀ-ỸĐ]{3})|(?<=-[A-ZÀ-ỸĐ]{2}))[.!?]\s+(?=[A-ZÀ-ỸĐ])"
)
MAX_BARE_LABEL_WORDS = 9  # a line without a colon is a label only when short (a cell, a heading)
MAX_SHORT_BARE_WORDS = 5
MAX_BARE_LABEL_CHARS = 160  # nine words and a parenthesis: a longer line without a colon is a sentence
HEADER_CELLS = {"stt", "tt", "so tt", "so thu tu"}  # a table's column-heading row starts with one


TITLE_CHARS = 150  # a title is shorter; the opening of a long paragraph is enough to classify


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    where: str
    cell: bool = False  # a table cell's line: a label there needs no colon, even one named by weak words
    control: bool = False  # no text: a content control naming a field starts here (it ends a running value)


def classify(doc: DocText) -> Kind | None:
    """Registration, proposal, or None, from the document's title words."""
    head = fold(" ".join(block.text[:TITLE_CHARS] for block in doc.blocks[:40]))
    about_models = ("mo hinh" in head or "dan van kheo" in head) or any(
        "mo hinh" in folded or "dan van kheo" in folded
        for folded in (fold(block.text[:TITLE_CHARS]) for block in doc.blocks[40:200])
    )
    if not about_models:
        return None
    declared = kind_of_title(doc)  # a plan ("KẾ HOẠCH xây dựng mô hình …") is a registration
    if declared is not None:
        return declared
    title = title_words(doc)
    listed = list_kind(title)  # "DANH SÁCH ĐĂNG KÝ …" / "DANH SÁCH … ĐỀ NGHỊ CÔNG NHẬN …"
    if listed is not None:
        return listed
    if "phieu dang ky" in title:
        return Kind.REGISTRATION
    if any(word in title for word in PROPOSAL_TITLES):
        return Kind.PROPOSAL
    if "dang ky" in title:
        return Kind.REGISTRATION
    # No title line found: the older rule on the document's opening.
    if "phieu dang ky" in head or "dang ky mo hinh" in head or "dang ky xay dung mo hinh" in head:
        return Kind.REGISTRATION
    if any(word in head for word in ("bao cao ket qua", "to trinh", "de nghi cong nhan", "bao cao mo hinh")):
        return Kind.PROPOSAL
    return None


# Words of a proposal's title: a report ("Báo cáo kết quả / tổng kết / thành tích"), a submission (Tờ trình),
# a request for recognition.
PROPOSAL_TITLES = ("bao cao", "to trinh", "de nghi cong nhan", "thanh tich", "tong ket")
TITLE_WORDS = 25  # a title line is short; an introduction sentence is not


def title_words(doc: DocText) -> str:
    """The folded text of the short paragraphs that open the document and name the movement or its
    models, with the line just before each ("BÁO CÁO" over "Kết quả thực hiện mô hình …")."""
    paragraphs = [block.text for block in doc.blocks[:20] if block.kind == "para" and block.text.strip()]
    lines = []
    for index, text in enumerate(paragraphs):
        folded = fold(text)
        if len(folded.split()) <= TITLE_WORDS and ("mo hinh" in folded or "dan van kheo" in folded):
            if index and len(fold(paragraphs[index - 1]).split()) <= 4:
                lines.append(fold(paragraphs[index - 1]))
            lines.append(folded)
            break  # the first such line is the title; later ones are fields
    return " ".join(lines)


@dataclass(frozen=True, slots=True)
class Step:
    """One decision of the walk, kept for `dvk check --explain`: a label taken, or a line not taken."""

    where: str
    text: str
    fields: tuple[tuple[str, float], ...]
    outcome: str  # Vietnamese: what was done with the line, and why


@dataclass
class Extraction:
    """What extraction found in one document: fields, doubts (as problems) and, when asked, its steps."""

    fields: dict[str, FieldValue]
    problems: list[Problem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def extract_fields(doc: DocText, config: Config) -> dict[str, FieldValue]:
    """All fields found, normalised to the configured vocabulary; each value keeps its place."""
    return extract(doc, config).fields


def extract(doc: DocText, config: Config, explain: bool = False) -> Extraction:
    """Fields from the document's content controls and labelled lines, with the doubts worth a warning."""
    recognizer = recognizer_for(config.label_spellings)
    walk = Walk(recognizer, config)
    walk.read_controls(doc.blocks)
    lines = lines_of(doc.blocks, recognizer, config)
    walk.read_lines(lines)
    raw = walk.resolve()
    if "signer" not in raw:
        signer = signer_from_closing(lines)
        if signer:
            raw["signer"] = signer
    fields = {key: normalise_value(key, value, config) for key, value in raw.items()}
    facts = document_facts(doc, config, wanted_from_prose(fields) | walk.section_only)
    for key in walk.section_only & set(facts.fields) & set(fields):
        if fields[key].source == SOURCE_LABEL and fields[key].where != facts.fields[key].where:
            del fields[key]  # merge_facts puts the statement in its place
    problems = walk.problems + merge_facts(fields, facts, walk.steps, config)
    complete_from_evidence(fields, doc, config)
    problems += neutralise_fields(fields)
    result = Extraction(fields, problems, walk.steps)
    if explain:
        result.lines = lines
    return result


# ---------------------------------------------------------------------------- lines


def lines_of(blocks: tuple[Block, ...], recognizer: Recognizer, config: Config) -> list[Line]:
    """Paragraphs and cells as one stream of lines (cells split at their paragraph breaks).

    Tables are read row by row, so a label cell followed by its value cell (or by a value row) reads like a
    label paragraph followed by its value. A row of labels over a row of values (a form laid out across) is
    read column by column; a column-heading row ("STT | Nội dung | Thông tin") is not read."""
    rows = table_rows(blocks)
    across = {
        key
        for key, cells in rows.items()
        if is_across(cells, rows.get((key[0], key[1] + 1)), recognizer, config)
    }
    under_labels = {(table, row + 1) for table, row in across}
    lines: list[Line] = []
    previous_cell_text = None
    for block in blocks:
        if block.kind == "sdt":
            if names_a_field(block, recognizer):
                lines.append(Line("", block.where, control=True))
            continue
        if block.kind == "cell":
            key = (block.table, block.row)
            if key in under_labels or (key in across and block is not rows[key][0]):
                continue
            if key in across:
                for label, value in zip(rows[key], rows[(block.table, block.row + 1)], strict=True):
                    lines.extend(cell_lines(label))
                    lines.extend(cell_lines(value))
                continue
            if block.text == previous_cell_text and block.col > 1:
                continue  # horizontally merged cells repeat the same text
            previous_cell_text = block.text
            if block.row == 1 and fold(rows[key][0].text) in HEADER_CELLS:
                continue
        lines.extend(piece for line in cell_lines(block) for piece in labelled_parts(line, recognizer))
    return lines


def labelled_parts(line: Line, recognizer: Recognizer) -> list[Line]:
    """ "Họ và tên: Bùi Hữu Sơn; chức vụ: Công an viên; đơn vị công tác: …": one line per item, when every
    part after a semicolon (or a wide gap) starts with a label of its own."""
    if ":" not in line.text or not INLINE_BREAK.search(line.text):
        return [line]
    parts = [part.strip() for part in INLINE_BREAK.split(line.text) if part.strip()]
    labelled = [bool(line_label(part, recognizer)[0].fields) for part in parts]
    if len(parts) > 1 and (all(labelled[1:]) or (labelled[0] and sum(labelled[1:]) >= len(parts) // 2)):
        return [Line(part, line.where, line.cell) for part in parts]
    return [line]


# "Tôi tên: …<spaces>Sinh năm: …", "Mô hình: “…”. Lĩnh vực: kinh tế. Cấp đăng ký: cấp TP.": items on one line.
INLINE_BREAK = re.compile(r";\s*|\t+|\s{3,}|(?<=[a-zà-ỹđ0-9%”\"][.”\"])\s+(?=[A-ZĐÀ-Ỹ][^:.]{0,40}:)")


def names_a_field(block: Block, recognizer: Recognizer) -> bool:
    return block.tag in FIELDS or bool(
        recognizer.recognise_control(block.tag, block.alias, block.prompt).keys
    )


def table_rows(blocks: tuple[Block, ...]) -> dict[tuple[int, int], list[Block]]:
    """The cells of each table row, merged cells (which repeat their text) once."""
    rows: dict[tuple[int, int], list[Block]] = {}
    for block in blocks:
        if block.kind == "cell":
            row = rows.setdefault((block.table, block.row), [])
            if not row or row[-1].text != block.text or not block.text:
                row.append(block)
    return rows


def is_across(cells: list[Block], below: list[Block] | None, recognizer: Recognizer, config: Config) -> bool:
    """A row of two or more labels over a row of as many values."""
    if not below or len(cells) < 2 or len(below) != len(cells):
        return False
    if fold(cells[0].text) in HEADER_CELLS:  # an STT column: "STT" over "1"
        cells, below = cells[1:], below[1:]

    def is_label(cell: Block) -> bool:
        first = cell.text.split("\n")[0]
        return bool(bare_label(first, recognizer).fields) and not is_term(first, config)

    return all(is_label(cell) for cell in cells) and not any(is_label(cell) for cell in below if cell.text)


def cell_lines(block: Block) -> list[Line]:
    cell = block.kind == "cell"
    return [Line(part.strip(), block.where, cell) for part in block.text.split("\n") if part.strip()]


# ---------------------------------------------------------------------------- labels in lines


def line_label(text: str, recognizer: Recognizer) -> tuple[LabelMatch, str, bool]:
    """(what the line's label names, the value after its colon, whether it has a colon). A line is a label
    when the words before its colon name a field with at most two unknown words, or, without a colon, when
    the whole short line names a field and every word is known ("Tên mô hình", "II. KẾT QUẢ THỰC HIỆN")."""
    label, inline, colon = split_label(text)
    if colon:
        label = SENTENCE_END.split(label)[-1]  # "Mô hình thuộc lĩnh vực kinh tế. Kết quả:": the label is last
        if len(PARENTHESES.sub("", label)) > MAX_LABEL_CHARS:
            return NO_MATCH, "", True
        found = recognizer.recognise(label)
        if found.fields and len(found.unexplained) <= MAX_UNKNOWN_WITH_COLON and found.lead:
            return found, inline, True
        return NO_MATCH, inline, True
    return bare_label(text, recognizer), "", False


def bare_label(text: str, recognizer: Recognizer) -> LabelMatch:
    """A label standing alone (a cell, a heading), with no colon: short, every word known, not a sentence."""
    text = text.strip()
    if len(text) > MAX_BARE_LABEL_CHARS:
        return NO_MATCH
    words = len(clean_label(PARENTHESES.sub("", text)).split())  # numbering and "năm 2020" aside
    if not text or words > MAX_BARE_LABEL_WORDS or text.endswith((".", ";", "!", "?")):
        return NO_MATCH
    found = recognizer.recognise(text)
    # One unknown word is allowed in a short line led by a head ("Nguồn lực huy động"), none otherwise.
    allowed = 1 if found.strong and words <= MAX_SHORT_BARE_WORDS else 0
    return found if found.fields and len(found.unexplained) <= allowed and found.lead else NO_MATCH


def split_label(text: str) -> tuple[str, str, bool]:
    """Text before and after the first colon (ASCII or full-width), and whether there is one."""
    colons = [at for at in (text.find(":"), text.find("：")) if at >= 0]
    if not colons:
        return text, "", False
    at = min(colons)
    return text[:at].rstrip(), text[at + 1 :].strip(), True


# ---------------------------------------------------------------------------- the walk


@dataclass
class Entry:
    """A label found, and the lines taken as its value."""

    match: LabelMatch
    label: Line
    values: list[Line]
    control: bool = False  # a content control's own text

    long: bool = field(init=False)  # names a narrative field: its value runs over several lines

    def __post_init__(self) -> None:
        self.long = any(key in LONG_FIELDS for key in self.match.keys)


class Walk:
    """Walks the lines: a label opens an entry; its value is inline or on the following lines. Entries are
    resolved into fields at the end, when their values are known (a "who" label needs its value)."""

    def __init__(self, recognizer: Recognizer, config: Config) -> None:
        self.recognizer = recognizer
        self.config = config
        self.entries: list[Entry] = []
        self.labelled = False  # a label line was seen
        self.steps: list[Step] = []
        self.problems: list[Problem] = []
        # Narrative fields whose value is only the opening of a section ("II. THÀNH TÍCH ĐẠT ĐƯỢC"): the
        # document's own statement of them ("… đạt được những kết quả sau:") is more precise.
        self.section_only: set[str] = set()

    def read_controls(self, blocks: tuple[Block, ...]) -> None:
        """Content controls whose tag, alias or placeholder names a field: their text is that field's value.
        The same text is also read in place as document text (a control is part of its paragraph)."""
        for block in blocks:
            if block.kind != "sdt" or not block.text.strip():
                continue
            if block.tag in FIELDS:
                found = LabelMatch(((block.tag, 1.0),), "one", (), True, True)
            else:
                found = self.recognizer.recognise_control(block.tag, block.alias, block.prompt)
            if found.fields:
                lines = cell_lines(block)
                match, inline, colon = line_label(lines[0].text, self.recognizer)
                if colon and set(match.keys) & set(found.keys):  # the control holds its label too
                    lines = ([Line(inline, block.where)] if inline else []) + lines[1:]
                self.entries.append(Entry(found, Line(block.tag or block.alias, block.where), lines, True))

    def read_lines(self, lines: list[Line]) -> None:
        open_entry: Entry | None = None
        for line in lines:
            if line.control:  # the control's own entry holds its text
                open_entry = None
                continue
            if open_entry and self.is_vocabulary_value(open_entry, line.text):
                open_entry.values.append(line)
                open_entry = None
                continue
            match, inline, colon = line_label(line.text, self.recognizer)
            if not colon and (is_term(line.text, self.config) or (not self.labelled and is_title(line))):
                match = NO_MATCH  # "cấp xã", "Tập thể": a value; "Kết quả thực hiện mô hình …": a title
            if not colon and not match.strong and (not line.cell or (open_entry and not open_entry.values)):
                # Weak words alone ("Mô hình …", "Xây dựng mô hình “Dân vận khéo”") make a label only in
                # a table's label cell; elsewhere they are a title, a sentence or the awaited value.
                match = NO_MATCH
            if match.fields and not (open_entry and self.is_subheading(open_entry, match, colon)):
                open_entry = self.open(match, line, inline)
                continue
            if open_entry is None:
                if colon and line.text.rstrip().endswith((":", "：")):
                    self.near_miss(line)
                continue
            open_entry = self.take(open_entry, line, colon)

    def open(self, match: LabelMatch, line: Line, inline: str) -> Entry | None:
        self.labelled = True  # past the title part: a line naming the movement may now be a heading
        entry = Entry(match, line, [])
        self.entries.append(entry)
        vocabulary = all(key in VOCABULARY_FIELDS for key in match.keys)
        inline = inline if clean_value(inline) else ""  # a form's "……" is no value
        if inline and not is_hint(inline) and (vocabulary or not self.looks_like_label(inline, entry)):
            entry.values.append(Line(inline, line.where))
            return entry if entry.long else None
        return entry

    def take(self, entry: Entry, line: Line, colon: bool) -> Entry | None:
        """Add a line to the open entry's value, or close the entry. Returns the entry still open."""
        text = line.text
        if is_stt(text):  # the number cell of a table's STT column
            return entry
        if entry.long:
            if ends_section(text) or (not entry.values and is_form_item(text)):
                return None  # an empty item followed by another (even unknown) item: no value
            entry.values.append(line)
            return entry
        # A short value is one line: never a label, a heading, an instruction or the closing block.
        if is_hint(text):
            return entry
        if entry.values and ANY_BOX.match(text) and ANY_BOX.match(entry.values[-1].text):
            entry.values.append(line)  # one check box per line: the options run on
            return entry
        if (
            entry.values
            or ends_short_value(text)
            or self.looks_like_label(text, entry)
            or is_instruction(text)
        ):
            return None
        vocabulary = any(key in VOCABULARY_FIELDS for key in entry.match.keys)
        if all(plausible(key, text) for key in entry.match.keys) and (
            vocabulary or not is_term(text, self.config)
        ):
            entry.values.append(line)
            if ANY_BOX.match(text):
                return entry  # "☐ Cấp thành phố" on its own line: the other options follow
        return None

    def is_subheading(self, entry: Entry, match: LabelMatch, colon: bool) -> bool:
        """A label-like line inside a running value of the same field ("Hiệu quả kinh tế" under "Kết quả"):
        part of the value, not a new label."""
        return entry.long and bool(entry.values) and not colon and set(match.keys) <= set(entry.match.keys)

    def is_vocabulary_value(self, entry: Entry, text: str) -> bool:
        """A short entry still waiting for its value, and a line that is a term of its vocabulary ("Cá nhân"
        after "Loại mô hình"): a value, even though it reads like a label."""
        if entry.values or entry.long or len(text.split()) > 5 or ANY_BOX.match(text):
            return False  # a check box line goes through `take`, which keeps the options together
        sections = [VOCABULARY_FIELDS[key] for key in entry.match.keys if key in VOCABULARY_FIELDS]
        if entry.match.role == "who":
            sections.append("types")
        return any(exact_term(text, getattr(self.config, section)) for section in sections)

    def looks_like_label(self, text: str, entry: Entry) -> bool:
        """Whether a would-be value of `entry` is a label instead. A vocabulary field's value ("cấp tỉnh")
        may share words with labels, so for those only a label with no unknown word counts."""
        match, inline, colon = line_label(text, self.recognizer)
        if colon and not inline and len(text.split()) <= 8:
            return True  # "Tên đơn vị chủ quản:": a label even if unknown
        if not match.strong:
            return False  # weak words alone ("Mô hình mới") are how values begin too
        if any(key in VOCABULARY_FIELDS for key in entry.match.keys):
            return not match.unexplained
        return True

    def near_miss(self, line: Line) -> None:
        label, _, _ = split_label(line.text)
        found = self.recognizer.recognise(label)
        if found.fields:
            unknown = ", ".join(found.unexplained) or "không"
            self.steps.append(
                Step(line.where, line.text, found.fields, f"không coi là nhãn: từ không rõ nghĩa «{unknown}»")
            )

    def resolve(self) -> dict[str, FieldValue]:
        """Fields from the entries, in document order: a field is filled once, except that a label naming
        only it replaces a value it shared with other fields (a heading's own sub-items win)."""
        filled: dict[str, tuple[FieldValue, int]] = {}
        for entry in self.entries:
            outcome = self.resolve_entry(entry, filled)
            self.steps.append(Step(entry.label.where, entry.label.text, entry.match.fields, outcome))
        # An aim alone is no result: "Mục tiêu" says what a unit hopes for, not what it achieved.
        return {key: value for key, (value, rank) in filled.items() if rank > 0}

    def resolve_entry(self, entry: Entry, filled: dict[str, tuple[FieldValue, int]]) -> str:
        match = entry.match
        if match.role == "ambiguous":
            names = " hoặc ".join(f"«{LABELS_VI[key]}»" for key in match.keys)
            self.problems.append(
                Problem(
                    "AMBIGUOUS_LABEL",
                    WARNING,
                    f'Nhãn "{entry.label.text[:60]}" có thể là {names}; chưa lấy giá trị. '
                    "Nhập giá trị đúng ở sổ bổ sung thông tin nếu cần.",
                    entry.label.where,
                )
            )
            return f"nhãn không rõ là mục nào ({names}): không lấy giá trị"
        if not entry.values:
            return "nhãn không có giá trị"
        value = join_lines(entry.values)
        taken = []
        for key, text in self.assignments(match, value.value):
            if not text:
                continue
            # A value several fields share, or one found beside a person's name ("Nguyễn Văn An, Trưởng
            # ấp"), gives way to a label naming only that field.
            beside_name = key == "person_position" and key not in match.keys
            under_heading = entry.long and is_section_heading(entry.label.text)
            shared = match.role == "several" or beside_name or under_heading
            # How firmly the label names this field: an aim (0) gives way to a section or a shared label (1),
            # which gives way to a label naming only this field (2).
            rank = 0 if is_aim(key, entry.label.text) else 1 if shared else 2
            if key not in filled or rank > filled[key][1]:
                filled[key] = (FieldValue(text, value.where), rank)
                taken.append(f"«{LABELS_VI[key]}» = «{shorten(text)}»")
                if under_heading:
                    self.section_only.add(key)
                else:
                    self.section_only.discard(key)  # a narrower label gave the value itself
        if not taken:
            return f"mục đã có giá trị từ trước; bỏ qua «{shorten(value.value)}» ({value.where})"
        return "lấy " + "; ".join(taken) + f" ({value.where})"

    def assignments(self, match: LabelMatch, text: str) -> list[tuple[str, str]]:
        if match.role == "who":
            return who_values(text, self.config)
        if match.role == "split":
            return split_values(match.keys, text, self.config)
        if match.keys == ("person_name",):
            return person_values(text)
        if len(match.keys) == 1 and match.keys[0] in VOCABULARY_FIELDS:
            return [(vocabulary_owner(match.keys[0], text, self.config), text)]
        return [(key, text) for key in match.keys]


def vocabulary_owner(key: str, text: str, config: Config) -> str:
    """The field a vocabulary value belongs to: "Đề nghị công nhận: cấp thành phố" names a rating by its
    words, but its value is a level, and a value says what it is better than a label's loose words."""
    if match_term(text, getattr(config, VOCABULARY_FIELDS[key])):
        return key
    owners = [
        other for other, section in VOCABULARY_FIELDS.items() if exact_term(text, getattr(config, section))
    ]
    return owners[0] if len(owners) == 1 else key


def is_section_heading(label: str) -> bool:
    """ "II. KẾT QUẢ THỰC HIỆN MÔ HÌNH": a section whose opening lines a later, narrower label of the same
    field ("Kết quả cụ thể:") replaces."""
    text = label.strip()
    return bool(ROMAN_HEADING.match(text)) and not text.rstrip().endswith((":", "："))


def is_aim(key: str, label: str) -> bool:
    """Results under "Mục tiêu"/"Chỉ tiêu" are what a plan aims at: a later "Kết quả" label replaces them."""
    words = fold(label)
    return key == "results" and ("muc tieu" in words or "chi tieu" in words) and "ket qua" not in words


def who_values(text: str, config: Config) -> list[tuple[str, str]]:
    """A "Tập thể/cá nhân (thực hiện)" value: the model's type, a person (with a position after a comma or a
    dash), or a unit."""
    if exact_term(text, config.types):
        return [("model_type", text)]
    first, rest = split_first(text)
    if looks_like_person(first) and not is_unit_name(first):
        return [("person_name", first), ("person_position", rest)]
    return [("unit", text)]


BIRTH_PART = re.compile(r"\s*[,;(]?\s*(?:sinh năm|năm sinh|sinh ngày|ngày sinh)\b[^,;)]*\)?", re.IGNORECASE)


def person_values(text: str) -> list[tuple[str, str]]:
    """A person's name, and the position written after it ("Nguyễn Văn An – Trưởng ấp", "Nguyễn Văn An
    (Trưởng ấp)")."""
    text = re.sub(r"\s*\((.+)\)\s*$", r", \1", text.strip())
    text = BIRTH_PART.sub("", text)  # "Bùi Hữu Sơn, sinh năm 1981": a birth year is neither name nor position
    first, rest = split_first(text)
    if rest and looks_like_person(first):
        return [("person_name", first), ("person_position", rest)]
    return [("person_name", text)]


def split_values(keys: tuple[str, ...], text: str, config: Config) -> list[tuple[str, str]]:
    """ "Chức vụ, đơn vị công tác: Phó Chủ tịch, Hội Liên hiệp Phụ nữ thành phố": the parts in label order,
    the last field taking the rest. A configured unit at the end is the unit, with the parts before it
    that name a unit too ("Chi bộ khu vực 2, phường Hiệp Thành"); the rest is the position, commas and
    all ("Bác sĩ, Trưởng khoa Khám bệnh"). Otherwise a name ends at a comma or a dash, a position at a
    comma ("Công chức Tư pháp - Hộ tịch")."""
    if keys[-1] == "unit":
        head, unit = unit_at_end(text, config)
        parts = [part.strip() for part in head.strip(" ,;-–").split(",")]
        while unit and len(parts) > 1 and is_unit_name(parts[-1]):
            unit = f"{parts.pop()}, {unit}"
        head = ", ".join(parts)
        if unit:  # "Chi bộ Tòa án" alone under "Chức vụ, đơn vị công tác" is the unit
            return [*split_values(keys[:-1], head, config), ("unit", unit)] if head else [("unit", unit)]
    parts = []
    rest = text
    for key in keys[:-1]:
        first, rest = split_first(rest) if key == "person_name" else split_at_comma(rest)
        parts.append(first)
        if not rest:
            break
    if rest:
        parts.append(rest)
    return list(zip(keys, parts, strict=False))


def split_at_comma(text: str) -> tuple[str, str]:
    first, _, rest = text.partition(",")
    return first.strip(), rest.strip()


def split_first(text: str) -> tuple[str, str]:
    found = re.search(r"\s*(?:,|;|\s[-–—]\s)\s*", text)
    if not found:
        return text.strip(), ""
    return text[: found.start()].strip(), text[found.end() :].strip()


# How a unit's name begins (with its marks: folded, "Trưởng" would read as "Trường").
UNIT_WORDS = (
    "phòng", "chi bộ", "đảng bộ", "đảng ủy", "hội", "ban", "đoàn", "trung tâm", "phường", "xã", "thị trấn",
    "ủy ban", "ubnd", "công an", "trường", "văn phòng", "mặt trận", "tổ", "ấp", "khu phố", "khu vực", "khóm",
    "bệnh viện", "liên đoàn", "cơ quan", "đội", "chi hội", "chi đoàn", "hợp tác xã", "htx", "công ty",
    "tòa án", "viện", "thành đoàn", "huyện", "thành phố", "tỉnh", "hội đồng", "kho bạc", "chi cục", "cục",
    "sở", "trạm", "nhà văn hóa", "đài", "báo", "cá nhân", "tập thể",
)  # fmt: skip


def is_unit_name(text: str) -> bool:
    opening = house_style(text).lower() + " "
    return opening.startswith(tuple(word + " " for word in UNIT_WORDS))


def unit_at_end(text: str, config: Config) -> tuple[str, str]:
    """("Phó Chủ tịch", "Hội Liên hiệp Phụ nữ thành phố") when the text ends with a configured unit."""
    folded = fold(text)
    for unit in sorted(config.all_units(), key=len, reverse=True):
        key = fold(unit)
        if key and folded.endswith(key):
            cut = len(text) - len(unit)
            if cut >= 0 and fold(text[cut:]) == key and (cut == 0 or not text[cut - 1].isalnum()):
                return text[:cut].strip(" ,-–"), text[cut:].strip()
    return text, ""


def plausible(key: str, text: str) -> bool:
    """Whether a line under an empty label can be the value of `key`: a name is not a sentence ("Đảng ủy
    chỉ đạo; Công an phường chủ trì."), so a unit or a person is short and has no clause break."""
    words = len(text.split())
    if key in ("unit", "person_name", "person_position"):
        return words <= 15 and ";" not in text and not (text.endswith(".") and words > 6)
    if key == "model_name":
        return words <= 40 and not (text.endswith(".") and words > 15) and not text.endswith(":")
    return True


def is_form_item(text: str) -> bool:
    """A numbered or bulleted "Item:" line ("5. Kiến nghị, đề xuất:"), unlike a value's lead-in sentence
    ("Phấn đấu đến cuối năm 2020:"), which is not numbered."""
    label, inline, colon = split_label(text)
    return colon and not inline and bool(NUMBERING.match(text)) and len(label.split()) <= 9


def is_title(line: Line) -> bool:
    """Before the first label: a paragraph naming the movement, without numbering ("Kết quả thực hiện mô
    hình “Dân vận khéo”"): the document's title, not a heading over a field."""
    return not line.cell and not NUMBERING.match(line.text) and "dan van kheo" in fold(line.text)


def is_term(text: str, config: Config) -> bool:
    """A short line that is exactly a term of the vocabulary (a level, a type, a field or a rating)."""
    return len(text) <= MAX_TERM_CHARS and short_fold(text) in every_spelling(config)


MAX_TERM_CHARS = 80
# Short lines (labels, terms) come back in every file of a campaign: fold each once.
short_fold = functools.lru_cache(maxsize=1 << 16)(fold)
_spellings: dict[int, tuple[Config, frozenset[str]]] = {}


def every_spelling(config: Config) -> frozenset[str]:
    """Every folded spelling of the configuration's vocabularies (kept per configuration object)."""
    known = _spellings.get(id(config))
    if known is None or known[0] is not config:
        if len(_spellings) > 8:  # a long-running server loads its configuration again and again
            _spellings.clear()
        terms = (getattr(config, section) for section in VOCABULARY_FIELDS.values())
        known = _spellings[id(config)] = (config, frozenset(s for t in terms for s in folded_terms(t)))
    return known[1]


def exact_term(text: str, terms: tuple[Term, ...]) -> Term | None:
    return folded_terms(terms).get(short_fold(text) if len(text) <= MAX_TERM_CHARS else fold(text))


def folded_terms(terms: tuple[Term, ...]) -> dict[str, Term]:
    """Every spelling of a vocabulary, folded -> its term (the first term wins a shared spelling). Kept per
    vocabulary object: hashing the terms on every line would cost more than the lookup."""
    known = _folded.get(id(terms))
    if known is None or known[0] is not terms:
        if len(_folded) > 32:
            _folded.clear()
        found: dict[str, Term] = {}
        for term in terms:
            for spelling in (term.label, *term.synonyms):
                found.setdefault(fold(spelling), term)
        known = _folded[id(terms)] = (terms, found)
    return known[1]


_folded: dict[int, tuple[tuple[Term, ...], dict[str, Term]]] = {}


INSTRUCTIONS = (
    "ghi ro",
    "nhap ",
    "dien ",
    "neu ro",
    "trinh bay",
    "mo ta ngan",
    "ghi ten",
    "ghi day du",
    "kinh gui",
    "bam hoac go",
    "bam vao day",
    "go vao day",
    "click or tap",
    "click here",
    "thuc hien ke hoach",
    "thuc hien huong dan",
    "can cu",
    "tren day",
)


def is_instruction(text: str) -> bool:
    """An instruction to the unit ("Ghi rõ tên mô hình", "Nêu rõ …"): never a value."""
    return fold(text[:30]).startswith(INSTRUCTIONS)


def shorten(text: str, size: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= size else text[: size - 1] + "…"


def ends_section(text: str) -> bool:
    """Headings, the closing block, all-capitals lines, a document's closing sentence ("Trên đây là báo
    cáo …", "… cam kết thực hiện …./.") and the form's trailing items ("Ý kiến của cấp ủy:", "Số điện
    thoại liên hệ:") end a running value."""
    if ROMAN_HEADING.match(text) or text.rstrip().endswith("./."):
        return True
    opening = short_fold(NUMBERING.sub("", text[:40], count=1))  # the same openings recur: fold each once
    if opening.startswith(TRAILING_ITEMS) or (text.rstrip().endswith((":", "：")) and "neu co" in fold(text)):
        return True
    if MAY_CLOSE.match(text) and (opening + " ").startswith(CLOSING_MARKERS):
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


def neutralise_fields(fields: dict[str, FieldValue]) -> list[Problem]:
    """Bidirectional and control characters taken out of the values (U+202E in a model's name shows it
    reversed in every list, workbook and certificate), each with a warning saying so."""
    problems = []
    for key, value in fields.items():
        hidden = hidden_characters(value.value)
        if hidden:
            fields[key] = replace(value, neutralise(value.value))
            problems.append(
                Problem(
                    "HIDDEN_CHARACTERS",
                    WARNING,
                    f"{LABELS_VI.get(key, key)} có ký tự đảo chiều văn bản hoặc ký tự điều khiển "
                    f"({', '.join(hidden)}) làm chữ hiện sai thứ tự hoặc không thấy được; dvk đã bỏ các "
                    "ký tự đó ở mọi nơi ghi giá trị này.",
                    value.where,
                )
            )
    return problems


def join_lines(parts: list[Line]) -> FieldValue:
    return FieldValue(clean_value("\n".join(part.text for part in parts)), parts[0].where)


BLANKS = re.compile(r"[ \t]+")


def clean_value(text: str) -> str:
    text = house_style(text).strip()
    if "  " in text or "\t" in text:  # most values have none: skip a regex pass over long texts
        text = BLANKS.sub(" ", text)
    return "" if not text.strip(".…_-–—=*") else text  # a form's empty "……" line, a rule "-----": no value


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


# Fields whose values two sources can disagree on in a way a clerk must see (long texts differ in wording).
COMPARED_FIELDS = ("model_name", "unit", "level", "model_type", "field", "year", "proposed_rating")
SOURCE_NAMES = {
    SOURCE_LABEL: "nhãn",
    SOURCE_TABLE_ROW: "hàng của bảng",
    SOURCE_TITLE: "tiêu đề",
    SOURCE_SENTENCE: "câu văn",
    SOURCE_LETTERHEAD: "tiêu đề cơ quan (góc trái)",
    SOURCE_SIGNATURE: "khối chữ ký",
    SOURCE_INFERRED: "suy ra từ nội dung",
    SOURCE_MANUAL: "sổ bổ sung thông tin",
}


# What the document's sentences and letterhead are read for: a required field the labels left empty, and the
# person of an individual model (reading every sentence of every form would cost more than the walk).
INDIVIDUAL_WORDS = ("ca nhan", "mo hinh ca nhan", "dien hinh ca nhan")
PROSE_FIELDS = ("model_name", "unit", "level", "model_type", "field", "year", "proposed_rating", "results")


def wanted_from_prose(fields: dict[str, FieldValue]) -> frozenset[str]:
    wanted = {key for key in PROSE_FIELDS if key not in fields}
    if "model_type" in wanted or fold(fields["model_type"].value) in INDIVIDUAL_WORDS:
        wanted |= {key for key in ("person_name", "person_position") if key not in fields}
    return frozenset(wanted)


def merge_facts(
    fields: dict[str, FieldValue], facts: Facts, steps: list[Step], config: Config
) -> list[Problem]:
    """The document's facts fill what the labels left empty; where both give a value and they differ, the
    label's value stays and a warning names both (a clerk decides, nothing is picked silently)."""
    problems = []
    for key, fact in facts.fields.items():
        fact = normalise_value(key, fact, config)
        taken = fields.get(key)
        if taken is None:
            fields[key] = fact
            steps.append(Step(fact.where, fact.value, ((key, 1.0),), f"lấy từ {SOURCE_NAMES[fact.source]}"))
        elif key in COMPARED_FIELDS and name_key(taken.value) != name_key(fact.value):
            problems.append(disagreement(key, taken, fact))
    return problems


def disagreement(key: str, taken: FieldValue, other: FieldValue) -> Problem:
    return Problem(
        "SOURCES_DISAGREE",
        WARNING,
        f"{LABELS_VI[key]}: {SOURCE_NAMES[taken.source]} ({taken.where}) ghi «{shorten(taken.value)}», "
        f"{SOURCE_NAMES[other.source]} ({other.where}) ghi «{shorten(other.value)}». Đã lấy theo "
        f"{SOURCE_NAMES[taken.source]}; nếu sai, nhập giá trị đúng ở sổ bổ sung thông tin.",
        taken.where,
    )


def complete_from_evidence(fields: dict[str, FieldValue], doc: DocText, config: Config) -> None:
    """The campaign year from the report's own date line, and the model's type from evidence in the file.
    Never a default: what no evidence decides stays missing and goes to the correction loop."""
    if "year" not in fields:
        year = year_of_date_line(doc)
        if year:
            fields["year"] = year
    if "model_type" not in fields:
        inferred = inferred_type(fields, doc, config)
        if inferred:
            fields["model_type"] = inferred


def normalise_value(key: str, value: FieldValue, config: Config) -> FieldValue:
    """One value as the records hold it, whether read from the file or typed by the secretariat: long
    texts capped, quotes around a model's name removed, vocabulary spellings given their configured label,
    a year reduced to its four digits."""
    if key in LONG_FIELDS:
        return capped(replace(value, BULLETS.sub("", value.value)))
    if key == "model_name":
        return replace(value, strip_quotes(value.value))
    if key in VOCABULARY_FIELDS:
        value = replace(value, checked_option(value.value))
        term = match_term(value.value, getattr(config, VOCABULARY_FIELDS[key]))
        return replace(value, term.label) if term else value
    if key == "year":
        found = YEAR.search(value.value)
        return replace(value, found.group(0)) if found else value
    return replace(value, value.value.rstrip(" .;")) if value.value.endswith((".", ";")) else value


BULLETS = re.compile(r"(?m)^[ \t]*[-+•*–—][ \t]+")  # a point's mark is layout, not part of the text
CHECKED_MARK = re.compile(r"[☒☑✓✔■⊠]|\[[xX]\]|\([xX]\)")
ANY_BOX = re.compile(r"[☐☒☑✓✔■□⊠]|\[[ xX]?\]|\([ xX]\)")


def checked_option(text: str) -> str:
    """ "☐ Kinh tế ☒ Quốc phòng - an ninh ☐ …": the option ticked, as a form with check boxes gives it."""
    marks = list(ANY_BOX.finditer(text))
    if len(marks) < 2:
        return CHECKED_MARK.sub("", text).strip() if marks else text
    for index, mark in enumerate(marks):
        if CHECKED_MARK.fullmatch(mark.group(0)):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            return text[mark.end() : end].strip(" ,;/\n\t")
    return ""  # boxes, none ticked: no value


def capped(value: FieldValue) -> FieldValue:
    """Long narrative fields keep their opening only: nothing downstream prints them in full, and a
    province-scale run must hold ten thousand records in memory (issue 6). The file keeps the full text."""
    if len(value.value) <= LONG_FIELD_CHARS:
        return value
    return FieldValue(value.value[: LONG_FIELD_CHARS - 1].rstrip() + "…", value.where, value.source)


def replace(value: FieldValue, text: str) -> FieldValue:
    return FieldValue(text, value.where, value.source)


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
    exact = folded_terms(terms).get(folded)
    if exact is not None:
        return exact
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


def year_of_date_line(doc: DocText) -> FieldValue | None:
    """The year of the document's place-and-date line ("Ngã Bảy, ngày 10 tháng 12 năm 2020"), near its top."""
    for block in doc.blocks[:10]:
        folded = fold(block.text)
        found = DATE_LINE.search(folded)
        if found and "sinh" not in folded:  # "Sinh ngày 6 tháng 10 năm 1980" is a birth date
            return FieldValue(found.group(1), block.where, SOURCE_INFERRED)
    return None


DATE_LINE = re.compile(r"\bngay\s+\S+\s+thang\s+\S+\s+nam\s+((?:19|20)\d{2})\b")


# ---------------------------------------------------------------------------- explaining a miss


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line that might have held a missing field, and why it was not taken."""

    where: str
    text: str
    why: str


def closest_lines(key: str, extraction: Extraction, config: Config, count: int = 3) -> list[Candidate]:
    """The lines most like a label of `key` (same words, or a close spelling), for a clerk looking for a
    missing value and for a developer extending the vocabulary."""
    recognizer = recognizer_for(config.label_spellings)
    spellings = field_spellings(key, config)
    scored: list[tuple[float, Candidate]] = []
    taken = {step.where: step for step in extraction.steps}
    for line in extraction.lines:
        label, _, _ = split_label(line.text)
        if len(label) > MAX_LABEL_CHARS:
            continue
        words = clean_label(label)
        score = max((similarity(words, spelling) for spelling in spellings), default=0.0)
        named = recognizer.recognise(label)
        if named.keys and key not in named.keys and not named.unexplained:
            score -= 0.4  # a sure label of another field is a poor candidate, however alike its words
        if score < 0.4:
            continue
        why = why_not(line, key, taken, recognizer)
        scored.append((score, Candidate(line.where, shorten(line.text, 90), why)))
    scored.sort(key=lambda pair: -pair[0])
    return [candidate for _, candidate in scored[:count]]


def field_spellings(key: str, config: Config) -> tuple[str, ...]:
    extra = dict(config.label_spellings).get(key, ())
    return (*HEADS.get(key, ()), *WEAK.get(key, ()), *(clean_label(s) for s in extra), fold(LABELS_VI[key]))


def similarity(words: str, spelling: str) -> float:
    """How much a line's label words are like a known spelling: 1.0 when they hold all of it, else the mean
    of the share of its words they hold and how alike the letters are."""
    if not words:
        return 0.0
    if f" {spelling} " in f" {words} ":
        return 1.0
    wanted = spelling.split()
    shared = sum(1 for word in wanted if word in words.split()) / len(wanted)
    return (shared + difflib.SequenceMatcher(None, words, spelling).ratio()) / 2


def why_not(line: Line, key: str, taken: dict[str, Step], recognizer: Recognizer) -> str:
    step = taken.get(line.where)
    if step is not None and step.text == line.text:
        return step.outcome
    label, _, colon = split_label(line.text)
    found = recognizer.recognise(label)
    if not found.fields:
        return "không giống nhãn nào đã biết"
    if found.unexplained:
        return f"nhãn có từ không rõ nghĩa «{' '.join(found.unexplained)}»"
    if key not in found.keys:
        names = ", ".join(LABELS_VI[k] for k in found.keys)
        return f"đọc là nhãn của «{names}»"
    return "dòng nằm trong giá trị của mục khác" if not colon else "không có giá trị sau nhãn"

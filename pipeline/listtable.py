"""The list-table reader: "Danh sách đăng ký / đề nghị công nhận …", one registration or proposal per row.

Many units register or propose through a horizontal table: a header row of field names ("STT | Tên mô hình |
Đơn vị thực hiện | Lĩnh vực | Cấp"), sometimes over two rows (a merged "Cấp công nhận" over "Thành phố |
Xã, phường" columns ticked with "x"), then one row per model. The header cells are read by the same label
recognizer as every other label (`pipeline.labels`), so a spelling a campaign adds under `[labels]` names a
column too. Rows that carry no model are passed over: the STT column, blank rows, "Tổng cộng" rows, a header
repeated at the top of a new page, a row of column numbers "(1) (2) (3)", a group heading ("I. CẤP THÀNH
PHỐ", which gives its level or type to the rows under it). A cell merged down over several rows ("Đơn vị"
written once for a group) gives its value to each of them.

Facts stated once for the whole list (the level and year in the title, the unit in the letterhead: the prose
reader's `document_facts`) apply to every row that does not say otherwise. Each row's values record the cell
they came from (`SOURCE_TABLE_ROW`), and each row has a key that hashes what the row itself says (not its
position, not the STT number, not the file), so it survives rows added around it and the file saved again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.extract import (
    HEADER_CELLS,
    LONG_FIELDS,
    PARENTHESES,
    VOCABULARY_FIELDS,
    Walk,
    bare_label,
    clean_value,
    exact_term,
    is_stt,
    is_unit_name,
    line_label,
    lines_of,
    looks_like_person,
    normalise_value,
    short_fold,
    signer_from_closing,
    split_first,
    split_values,
)
from pipeline.labels import LabelMatch, Recognizer, recognizer_for
from pipeline.model import (
    SOURCE_INFERRED,
    SOURCE_SIGNATURE,
    SOURCE_TABLE_ROW,
    SOURCE_TITLE,
    Block,
    DocText,
    FieldValue,
)
from pipeline.prose import GRASSROOTS, document_facts, has_place, level_in, type_in, year_in
from pipeline.vntext import fold

HEADER_SEARCH_ROWS = 3  # a list's header is in its first rows (a caption row may come first)
COLUMN_NUMBER = re.compile(r"\(?\s*\d{1,2}\s*\)?(?:\s*=\s*[\d()+\s]+)?")
MARKS = {"x", "v", "✓", "✔", "☒", "☑", "■", "co", "dat"}


# ---------------------------------------------------------------------------- what a title says


# What a list states once for all its rows (the prose reader's facts of the title and the letterhead): the
# other facts it finds (a name in quotes, a rating in a sentence) belong to one model, not to every row.
LIST_FACTS = ("level", "year", "unit", "model_type")


def list_facts(doc: DocText, config: Config, table: int) -> dict[str, FieldValue]:
    """The level and year of the list's title, its type when the title names one, the letterhead's unit,
    and the signer of the list (scored like any record's, never required)."""
    facts = {key: value for key, value in document_facts(doc, config).fields.items() if key in LIST_FACTS}
    for key, value in caption_facts(doc, config, table).items():
        facts.setdefault(key, value)
    recognizer = recognizer_for(config.label_spellings)
    last = max(at for at, block in enumerate(doc.blocks) if block.kind == "cell" and block.table == table)
    signer = signer_from_closing(lines_of(doc.blocks[last + 1 :], recognizer, config))  # under the list
    if signer:
        facts["signer"] = FieldValue(signer.value, signer.where, SOURCE_SIGNATURE)
    return facts


def caption_facts(doc: DocText, config: Config, table: int) -> dict[str, FieldValue]:
    """The year and level of the lines over the table when the title is not one the prose reader knows
    ("BẢNG TỔNG HỢP" over "Đăng ký xây dựng mô hình … năm 2020")."""
    found: dict[str, FieldValue] = {}
    for block in doc.blocks:
        if block.kind == "cell" and block.table == table:
            break
        words = fold(block.text)
        if block.kind != "para" or len(words.split()) > 40 or "mo hinh" not in words:
            continue
        for key, value in (("year", year_in(block.text)), ("level", level_in(block.text, config.levels))):
            if value and key not in found:
                found[key] = FieldValue(value, block.where, SOURCE_TITLE)
    return found


# ---------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Column:
    """What a grid column holds: a field label's match, or one option of a field ticked per row."""

    match: LabelMatch | None = None
    option: tuple[str, str] | None = None  # (field, term label): a cell marked "x" gives the field that term
    stt: bool = False


@dataclass
class ListRow:
    """One data row: its own values (each from its cell), its place and its stable key."""

    fields: dict[str, FieldValue]
    where: str
    key: str


@dataclass
class ListReading:
    """The rows of a document's list table, and what the document says once for them all."""

    rows: list[ListRow]
    facts: dict[str, FieldValue]
    table: int
    header_rows: int


Row = list[Block]


def table_grid(blocks: tuple[Block, ...]) -> dict[int, dict[int, Row]]:
    """table -> row -> its cells in order."""
    tables: dict[int, dict[int, Row]] = {}
    for block in blocks:
        if block.kind == "cell":
            tables.setdefault(block.table, {}).setdefault(block.row, []).append(block)
    return tables


def read_list(doc: DocText, config: Config) -> ListReading | None:
    """The first table of the document that reads as a list of models (a header naming the model's name
    and another field, then rows), or None."""
    recognizer = recognizer_for(config.label_spellings)
    for number, rows in table_grid(doc.blocks).items():
        found = header_of(rows, recognizer, config)
        if found is None:
            continue
        columns, first_data = found
        data = [rows[key] for key in sorted(rows) if key >= first_data]
        header_texts = {tuple(fold(c.text) for c in rows[key]) for key in sorted(rows) if key < first_data}
        listed = read_rows(data, columns, header_texts, config)
        if listed:
            return ListReading(listed, list_facts(doc, config, number), number, first_data - min(rows))
    return None


def header_of(
    rows: dict[int, Row], recognizer: Recognizer, config: Config
) -> tuple[dict[int, Column], int] | None:
    """The columns a list's header names, and the number of its first data row."""
    numbers = sorted(rows)
    for index, number in enumerate(numbers[:HEADER_SEARCH_ROWS]):
        columns = header_columns(rows[number], recognizer, config)
        if columns is None:
            continue
        after = index + 1
        if after < len(numbers):
            below = sub_header(rows[numbers[after]], columns, recognizer, config)
            if below is not None:
                columns, after = below, after + 1
        return columns, numbers[after] if after < len(numbers) else numbers[-1] + 1
    return None


def cell_label(text: str, recognizer: Recognizer) -> LabelMatch | None:
    """What a header cell names. Its parentheses may list the values the column takes ("Lĩnh vực (KT,
    VH-XH, QP-AN)"), words that mean something else on a label line ("KT" also reads "ký thay"): when the
    cell is refused with them, its words outside the parentheses decide."""
    whole = " ".join(text.split())
    for candidate in (whole, " ".join(PARENTHESES.sub(" ", whole).split())):
        found = bare_label(candidate, recognizer)
        if found.fields and found.role != "ambiguous":
            return as_row_field(found)
    return None


def as_row_field(found: LabelMatch) -> LabelMatch:
    """A list's rows are not signed: a column "Người đăng ký" / "Người đề nghị" (the signer's words on a
    form) names the person who carries out the row's model."""
    if found.keys != ("signer",):
        return found
    return LabelMatch(
        (("person_name", found.confidence),), "one", found.unexplained, found.strong, found.lead
    )


def header_columns(cells: Row, recognizer: Recognizer, config: Config) -> dict[int, Column] | None:
    """A header row: it names the model's name and at least one other field, and most of its cells are
    field labels (an STT cell and a "Ghi chú" may stand beside them)."""
    columns: dict[int, Column] = {}
    named: set[str] = set()
    texts = 0
    for cell in cells:
        if not cell.text or cell.merged:
            continue
        texts += 1
        if short_fold(cell.text) in HEADER_CELLS:  # header texts recur in every file: fold each once
            columns[grid_of(cell)] = Column(stt=True)
            continue
        match = cell_label(cell.text, recognizer)
        if match is None:
            continue
        columns[grid_of(cell)] = Column(match)
        named.update(match.keys)
    labelled = sum(1 for column in columns.values() if column.match)
    if "model_name" not in named or len(named) < 2 or labelled * 2 < texts:
        return None
    return spread(columns, cells)


def spread(columns: dict[int, Column], cells: Row) -> dict[int, Column]:
    """A header cell spanning several grid columns names each of them."""
    spans = {grid_of(cell): cell.span for cell in cells}
    out = dict(columns)
    for grid, column in columns.items():
        for extra in range(1, spans.get(grid, 1)):
            out.setdefault(grid + extra, column)
    return out


def sub_header(
    cells: Row, columns: dict[int, Column], recognizer: Recognizer, config: Config
) -> dict[int, Column] | None:
    """A second header row under merged header cells: labels ("Họ và tên | Chức vụ" under "Cá nhân") or
    options of the field above ("Thành phố | Xã, phường" under "Cấp công nhận"); None when it is data."""
    refined = dict(columns)
    seen = 0
    for cell in cells:
        if not cell.text or cell.merged:
            continue
        grid = grid_of(cell)
        above = columns.get(grid)
        option = above and above.match and option_of(cell.text, above.match, config)
        if option:
            refined[grid] = Column(option=option)
        elif cell_label(cell.text, recognizer) and not is_data_like(cell.text):
            refined[grid] = Column(cell_label(cell.text, recognizer))
        elif fold(cell.text) in HEADER_CELLS:
            refined[grid] = Column(stt=True)
        else:
            return None
        seen += 1
    return refined if seen else None


def option_of(text: str, match: LabelMatch, config: Config) -> tuple[str, str] | None:
    """The (field, term) a sub-header cell names when it is a term of its parent column's vocabulary."""
    for key in match.keys:
        section = VOCABULARY_FIELDS.get(key) or ("types" if match.role == "who" else "")
        if not section:
            continue
        terms = getattr(config, section)
        term = exact_term(text, terms) or (exact_term(f"cấp {text}", terms) if key == "level" else None)
        if term:
            return ("model_type" if section == "types" else key, term.label)
    return None


def is_data_like(text: str) -> bool:
    return any(char.isdigit() for char in text) and not COLUMN_NUMBER.fullmatch(text.strip())


def grid_of(cell: Block) -> int:
    return cell.grid or cell.col


# ---------------------------------------------------------------------------- the rows


def read_rows(
    data: list[Row], columns: dict[int, Column], header_texts: set[tuple[str, ...]], config: Config
) -> list[ListRow]:
    walk = Walk(recognizer_for(config.label_spellings), config)
    carried: dict[int, str] = {}  # grid column -> the text of the cell merged down from above
    group: dict[str, FieldValue] = {}  # a group heading's level or type, for the rows under it
    rows: list[ListRow] = []
    keys: dict[str, int] = {}
    for cells in data:
        texts = row_texts(cells, carried)
        if skipped(cells, texts, header_texts):
            continue
        heading = group_heading(cells, texts, columns, config)
        if heading is not None:
            group = heading
            continue
        if not any(text for grid, text in texts.items() if not columns.get(grid, Column()).stt):
            continue
        values = row_values(cells, texts, columns, walk, config)
        if not values:
            continue
        for key, value in group.items():
            values.setdefault(key, value)
        rows.append(ListRow(values, row_place(cells[0]), row_key(texts, columns, keys)))
    return rows


def row_texts(cells: Row, carried: dict[int, str]) -> dict[int, str]:
    """grid column -> the cell's text; a cell continuing a vertical merge takes the text above it."""
    texts: dict[int, str] = {}
    for cell in cells:
        grid = grid_of(cell)
        if cell.merged and not cell.text:
            text = carried.get(grid, "")
        else:
            text = " ".join(cell.text.split()) if "\n" not in cell.text else cell.text.strip()
            carried[grid] = text
        texts.setdefault(grid, text)
    return texts


def skipped(cells: Row, texts: dict[int, str], header_texts: set[tuple[str, ...]]) -> bool:
    """Rows that hold no model: a repeated header, a row of column numbers, a total."""
    if tuple(fold(cell.text) for cell in cells) in header_texts:
        return True
    filled = [text for text in texts.values() if text]
    if len(filled) >= 2 and all(COLUMN_NUMBER.fullmatch(text) for text in filled):
        return True
    words = next((fold(text) for text in filled if not is_stt(text)), "")
    return words.split()[:1] == ["tong"] or (words.split()[:1] == ["cong"] and len(words.split()) <= 4)


ENUMERATION = re.compile(
    r"^\s*(?:[ivxlc]+|[a-z])\s*[.)/-]?\s*$|^\s*(?:[ivxlc]+|[a-z])\s*[.)/-]\s+", re.IGNORECASE
)


def group_heading(
    cells: Row, texts: dict[int, str], columns: dict[int, Column], config: Config
) -> dict[str, FieldValue] | None:
    """A row with one text across it ("I. CẤP THÀNH PHỐ", "B | Mô hình cá nhân"): a heading over the rows
    below, not a model. It gives them its level or type when it names one."""
    filled = [text for text in texts.values() if text]
    stt = [text for grid, text in texts.items() if text and columns.get(grid, Column()).stt]
    own = [text for grid, text in texts.items() if text and not columns.get(grid, Column()).stt]
    if len(set(filled)) == 1 and not is_stt(filled[0]):  # one text across the row, wherever it sits
        own, stt = filled, []
    if len(set(own)) != 1 or any(is_stt(text) for text in stt):
        return None
    spans = any(cell.span > 1 and cell.text for cell in cells)
    if not (spans or stt or ENUMERATION.match(own[0])):
        return None
    where = next(cell.where for cell in cells if cell.text == own[0] or own[0] in cell.text)
    folded = fold(ENUMERATION.sub("", own[0]))
    found: dict[str, FieldValue] = {}
    level = level_in(folded, config.levels)
    if level:
        found["level"] = FieldValue(level, where, SOURCE_TABLE_ROW)
    kind = exact_term(folded, config.types)
    kind_label = kind.label if kind else type_in(folded, config.types)
    if kind_label:
        found["model_type"] = FieldValue(kind_label, where, SOURCE_TABLE_ROW)
    return found


def row_values(
    cells: Row, texts: dict[int, str], columns: dict[int, Column], walk: Walk, config: Config
) -> dict[str, FieldValue]:
    """The row's own fields, each from its cell, in column order; the first cell to give a field wins."""
    values: dict[str, FieldValue] = {}
    places = {grid_of(cell): cell.where for cell in cells}
    for grid in sorted(texts):
        column, text = columns.get(grid), texts[grid]
        if column is None or column.stt or not text or not clean_value(text):
            continue
        where = places[grid]
        if column.option:
            for key, value in option_values(column.option, text, config):
                values.setdefault(key, FieldValue(value, where, SOURCE_TABLE_ROW))
            continue
        assert column.match is not None
        for key, part in cell_values(column.match, clean_value(text), walk, config):
            if part and key not in values:
                values[key] = normalise_value(key, FieldValue(part, where, SOURCE_TABLE_ROW), config)
    return values


WHO_FIELDS = {"unit", "person_name", "person_position", "model_type"}  # who carries out the model


def cell_values(match: LabelMatch, text: str, walk: Walk, config: Config) -> list[tuple[str, str]]:
    """The fields a cell gives: its column's, or, for lines that say who with their own label ("Họ tên: Nguyễn
    Văn An", "Cá nhân: …"), what that label names (the same recognizer as every label). A results line such
    as "Năm 2020: …" stays the column's."""
    labelled, rest = [], []
    for line in text.split("\n"):
        found, inline, colon = line_label(line, walk.recognizer)
        if colon and inline and found.fields and found.role != "ambiguous" and set(found.keys) <= WHO_FIELDS:
            labelled += walk.assignments(found, inline)
        elif line.strip():
            rest.append(line)
    own = walk.assignments(match, one_line("\n".join(rest), match)) if rest else []
    return [pair for given in (*labelled, *own) for pair in person_or(*given, config)]


def option_values(option: tuple[str, str], text: str, config: Config) -> list[tuple[str, str]]:
    """An option column's cell: a mark ("x") gives the field its option. Under "Tập thể | Cá nhân" a cell
    may hold the name instead of a mark: the unit of a collective model, the person of an individual one."""
    key, label = option
    if fold(text) in MARKS:
        return [(key, label)]
    if key != "model_type" or len(text) < 3:
        return []
    individual = next((term.key == "individual" for term in config.types if term.label == label), False)
    named = person_or("person_name" if individual else "unit", text.replace("\n", ", "), config)
    return [(key, label), *named]


PEOPLE_FIELDS = {"person_name", "person_position"}


def one_line(text: str, match: LabelMatch) -> str:
    """A short field's cell written over several lines reads as one: a person's lines ("Nguyễn Văn An" over
    "Trưởng ấp") are parts, as if separated by commas; a unit's lines are one name."""
    if "\n" not in text or any(key in LONG_FIELDS for key in match.keys):
        return text
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    people = match.role in ("who", "split") or PEOPLE_FIELDS & set(match.keys)
    person = looks_like_person(HONORIFIC.sub("", lines[0])) and not is_unit_name(lines[0])
    return (", " if people or person else " ").join(lines)


HONORIFIC = re.compile(r"^(?:ông|bà|anh|chị|cô|thầy|chú|đồng chí|đ/c|đ\.c)\s+", re.IGNORECASE)


def person_or(key: str, text: str, config: Config) -> list[tuple[str, str]]:
    """A list's "Đơn vị thực hiện" column names the person on an individual model's row ("Bà Trần Thị
    Phượng", "Nguyễn Văn An - Trưởng ấp, Ấp Mang Cá"): a name is a person, never a unit, and what follows
    it is the position (and the unit when it ends with one). A person's name loses its "Ông"/"Bà"."""
    if key not in ("unit", "person_name"):
        return [(key, text)]
    written = text
    if text.isupper() and len(text.split()) <= 6:  # "NGUYỄN VĂN AN": a name typed in capitals
        written = " ".join(word.capitalize() for word in text.split())
    bare = re.sub(r"\s*\((.+)\)\s*$", r", \1", HONORIFIC.sub("", written))
    name, rest = split_first(bare)
    if not looks_like_person(name) or is_unit_name(name):
        return [(key, text)]
    if not rest:
        return [("person_name", name)]
    return [("person_name", name), *split_values(("person_position", "unit"), rest, config)]


def row_place(cell: Block) -> str:
    """ "bảng 2, hàng 4": the row's place, from its first cell's."""
    return cell.where.rsplit(", cột", 1)[0]


def row_key(texts: dict[int, str], columns: dict[int, Column], seen: dict[str, int]) -> str:
    """What the row says (STT aside: it changes when a row is inserted above), hashed; a second identical
    row in the same list gets "-2"."""
    said = "\x1f".join(
        " ".join(fold(text).split())
        for grid, text in sorted(texts.items())
        if not columns.get(grid, Column()).stt
    )
    key = hashlib.sha256(said.encode()).hexdigest()[:10]
    seen[key] = seen.get(key, 0) + 1
    return key if seen[key] == 1 else f"{key}-{seen[key]}"


# ---------------------------------------------------------------------------- records


def list_fields(reading: ListReading, row: ListRow, config: Config) -> dict[str, FieldValue]:
    """A row's fields: its own values over the document's facts, and its type from the evidence."""
    fields = {**reading.facts, **row.fields}
    if "unit" in row.fields and "unit" in reading.facts:
        fields["unit"] = named_place(row.fields["unit"], reading.facts["unit"])
    if "model_type" not in fields:
        inferred = row_type(fields, row, config)
        if inferred:
            fields["model_type"] = inferred
    return fields


def one_row_fields(
    reading: ListReading, walked: dict[str, FieldValue], config: Config
) -> dict[str, FieldValue]:
    """A list of one row is one record: the row's own cells win (the label walk reads a row of column numbers
    or a letterhead where the row says better), what the walk found elsewhere in the file (results written
    under the table) fills the rest, then the list's facts."""
    row = reading.rows[0]
    fields = {key: value for key, value in walked.items() if value.source != SOURCE_INFERRED}
    fields.update(row.fields)
    return list_fields(reading, ListRow(fields, row.where, row.key), config)


BARE_PLACE = re.compile(r"\s(phường|xã|thị trấn)$", re.IGNORECASE)


def named_place(unit: FieldValue, letterhead: FieldValue) -> FieldValue:
    """ "Ủy ban nhân dân phường" in the list of Phường Ngã Bảy is "Ủy ban nhân dân phường Ngã Bảy": a
    row names its ward or commune by its kind alone when the letterhead names it."""
    bare = BARE_PLACE.search(unit.value)
    if bare is None:
        return grassroots_place(unit, letterhead)
    kind = bare.group(1)
    if not fold(letterhead.value).startswith(fold(kind) + " "):
        return unit
    name = letterhead.value[len(kind) :].strip()
    return FieldValue(f"{unit.value} {name}", f"{unit.where}; {letterhead.where}", unit.source)


def grassroots_place(unit: FieldValue, letterhead: FieldValue) -> FieldValue:
    """ "Chi bộ khu vực 3" in the list of Phường Hiệp Thành is "Chi bộ khu vực 3, phường Hiệp Thành", as the
    prose reader names a grassroots unit under a ward's letterhead (a city-wide decision needs the ward)."""
    ward = letterhead.value
    if has_place(unit.value) or not GRASSROOTS.match(fold(unit.value)) or not WARD.match(ward):
        return unit
    named = f"{unit.value}, {ward[:1].lower()}{ward[1:]}"
    return FieldValue(named, f"{unit.where}; {letterhead.where}", unit.source)


WARD = re.compile(r"(?:Phường|Xã|Thị trấn) \S")


def row_type(fields: dict[str, FieldValue], row: ListRow, config: Config) -> FieldValue | None:
    """A row naming a person is an individual model; a row naming only a unit is a collective one."""
    key = "individual" if "person_name" in fields else "collective" if "unit" in fields else ""
    term = next((t for t in config.types if t.key == key), None)
    if term is None:
        return None
    why = "có họ tên cá nhân" if key == "individual" else "có đơn vị thực hiện, không có họ tên cá nhân"
    return FieldValue(term.label, f"{row.where}: {why}", SOURCE_INFERRED)

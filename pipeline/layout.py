"""Layout a rendered document needs from its own text: rule lengths and list column widths.

A template is fixed, the data is not: the trích yếu of one campaign is longer than another's, and one
list holds a forty-word model name where another holds five. After rendering (pipeline.render), two
things are sized from the text they serve, with the advance widths of Times (the metrics Times New
Roman and Liberation Serif share):

- a rule drawn in a text's own paragraph (an inline line shape named `dvk-rule`) is RULE_RATIO of that
  text's longest line: NĐ 30 Phụ lục I asks for 1/3 to 1/2 of the line, centred under it;
- a table whose layout the template leaves to the content (no fixed layout) gets column widths the way
  a browser lays out an automatic table: every column at least its widest word, heading rows never
  wrapped, and the room left over shared in proportion to what each column holds. The widths are then
  written as a fixed layout, so Word and LibreOffice print the same lines.

Run styles are resolved here too (run properties, then the paragraph style chain, then the document
defaults); the format check reads them the same way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from pipeline.vntext import strip_marks

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
RULE_NAME = "dvk-rule"
RULE_RATIO = 0.4  # of the longest line: inside NĐ 30's 1/3 to 1/2 whatever the text
EMU_PER_PT, TWIPS_PER_PT = 12700, 20
DEFAULT_CELL_MARGIN = 108  # twips each side: Word's default left/right cell margin (0.19 cm)
SAFETY = 1.04  # printed glyphs of Times New Roman vs the Times metrics: never wrap a heading by a hair

# Adobe Times (Core 14 AFM, as shipped with pypdf), printable ASCII 32-126, 1/1000 em.
# Regular, Bold, Italic, Bold Italic.
_ASCII_WIDTHS = {
    (False, False): "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 "
    "722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 444 333 "
    "500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 200 480 541",
    (True, False): "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 500 778 667 944 "
    "722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 500 333 500 556 444 556 444 333 "
    "500 556 278 333 556 278 833 556 500 556 556 444 389 333 556 500 722 500 500 444 394 220 394 520",
    (False, True): "250 333 420 500 500 833 778 214 333 333 500 675 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 333 333 675 675 675 500 920 611 611 667 722 611 611 722 722 333 444 667 556 833 "
    "667 722 611 722 611 500 556 722 611 833 611 556 556 389 278 389 422 500 333 500 500 444 500 444 278 "
    "500 500 278 278 444 278 722 500 500 500 500 389 389 278 500 444 667 444 444 389 400 275 400 541",
    (True, True): "250 389 555 500 500 833 778 278 333 333 500 570 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 333 333 570 570 570 500 832 667 667 667 722 667 667 722 778 389 500 667 611 889 "
    "722 722 611 722 667 556 611 722 667 889 667 611 611 333 278 333 570 500 333 500 500 444 500 444 333 "
    "500 556 278 278 500 278 778 556 500 500 500 389 389 278 556 444 667 500 444 389 348 220 348 570",
}
_OTHER = {"\u00a0": 250, "“": 444, "”": 444, "‘": 333, "’": 333, "–": 500, "—": 1000, "…": 1000}
_HORNS = {"ơ": 80, "ư": 80, "Ơ": 60, "Ư": 60}  # the horn widens o/u a little in Times New Roman


def _table(style: tuple[bool, bool]) -> dict[str, int]:
    widths = dict(zip(map(chr, range(32, 127)), map(int, _ASCII_WIDTHS[style].split()), strict=True))
    for char, base in ((c, strip_marks(c)) for c in _vietnamese_letters()):
        if len(base) == 1 and base in widths:
            widths[char] = widths[base] + next((v for k, v in _HORNS.items() if strip_tone(char) == k), 0)
    return {**widths, **_OTHER}


def _vietnamese_letters() -> list[str]:
    return [chr(code) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))]


def strip_tone(char: str) -> str:
    """The letter without its tone but with its letter mark: "ờ" -> "ơ" (for the horn's width)."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if c not in tones)
    return unicodedata.normalize("NFC", bare)


_WIDTHS = {style: _table(style) for style in _ASCII_WIDTHS}


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Advance width of `text` in points, in Times at `size` points: its words' widths (Vietnamese words
    are syllables, repeated all through a list, so each is measured once) and its spaces'."""
    words = text.split(" ")
    space = _WIDTHS[(bold, italic)][" "]
    return (
        sum(word_width(word, bold, italic) for word in words) * size / 1000
        + (len(words) - 1) * space * size / 1000
    )


@lru_cache(maxsize=65536)
def word_width(word: str, bold: bool, italic: bool) -> int:
    """Advance width of a word in 1/1000 em."""
    table = _WIDTHS[(bold, italic)]
    return sum(table.get(char, 500) for char in word)


# ---------------------------------------------------------------------------- run styles


@dataclass(frozen=True)
class RunStyle:
    size: float
    bold: bool
    italic: bool
    underline: bool
    caps: bool


_PROPS = ("b", "i", "u", "caps", "sz")


class Styles:
    """Effective run properties: the run's own, then its paragraph style chain, then the defaults."""

    def __init__(self, styles_root: etree._Element | None):
        self.by_id: dict[str, tuple[str | None, dict[str, str]]] = {}
        self.defaults: dict[str, str] = {}
        self.default_paragraph: str | None = None
        self.resolved: dict[tuple, RunStyle] = {}
        if styles_root is None:
            return
        defaults = styles_root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.defaults = _props(defaults)
        for style in styles_root.iter(f"{W}style"):
            based = style.find(f"{W}basedOn")
            self.by_id[style.get(f"{W}styleId")] = (
                based.get(f"{W}val") if based is not None else None,
                _props(style.find(f"{W}rPr")),
            )
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = style.get(f"{W}styleId")

    def paragraph_props(self, paragraph: etree._Element) -> dict[str, str]:
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        return self.style_props(style.get(f"{W}val") if style is not None else self.default_paragraph)

    @lru_cache(maxsize=256)  # noqa: B019 - one Styles per rendered document, a handful of styles
    def style_props(self, style_id: str | None) -> dict[str, str]:
        chain: list[dict[str, str]] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            based, props = self.by_id[style_id]
            chain.append(props)
            style_id = based
        merged = dict(self.defaults)
        for props in reversed(chain):
            merged.update(props)
        return merged

    def run_style(self, run: etree._Element, paragraph_props: dict[str, str]) -> RunStyle:
        own = _props(run.find(f"{W}rPr"))
        # A list of thousands of rows repeats a few styles: resolve each combination once.
        key = (tuple(paragraph_props.items()), tuple(own.items()))
        style = self.resolved.get(key)
        if style is None:
            props = {**paragraph_props, **own}
            style = self.resolved[key] = RunStyle(
                size=int(props.get("sz", "20")) / 2,
                bold=_on(props.get("b")),
                italic=_on(props.get("i")),
                underline=props.get("u", "none") not in ("none", "0", "false"),
                caps=_on(props.get("caps")),
            )
        return style


def _props(rpr: etree._Element | None) -> dict[str, str]:
    """The properties this module reads, as attribute values ("" for a bare toggle such as <w:b/>)."""
    if rpr is None:
        return {}
    found = {}
    for element in rpr:  # one pass over the children: a list of ten thousand rows reads every run
        name = element.tag[len(W) :] if isinstance(element.tag, str) else ""
        if name in _PROPS:
            found[name] = element.get(f"{W}val", "")
    return found


def _on(value: str | None) -> bool:
    return value is not None and value not in ("0", "false", "off")


def styles_of(document) -> Styles:
    """The Styles of a python-docx Document."""
    return Styles(document.styles.element)


# ---------------------------------------------------------------------------- lines of a paragraph


def paragraph_lines(paragraph: etree._Element, styles: Styles, stop=None) -> list[list[tuple[str, RunStyle]]]:
    """The paragraph's text as lines (split at its line breaks), each a list of (text, style) pieces.
    Reading stops at the element `stop` (a rule's own run)."""
    props = styles.paragraph_props(paragraph)
    lines: list[list[tuple[str, RunStyle]]] = [[]]
    for run in paragraph.iter(f"{W}r"):
        if run is stop:
            break
        style = styles.run_style(run, props)
        for child in run:
            if child.tag == f"{W}t" and child.text:
                lines[-1].append((child.text.upper() if style.caps else child.text, style))
            elif child.tag == f"{W}tab":
                lines[-1].append(("    ", style))
            elif child.tag in (f"{W}br", f"{W}cr") and child.get(f"{W}type") in (None, "textWrapping"):
                lines.append([])
    return [line for line in lines if "".join(text for text, _ in line).strip()]


def line_width(pieces: list[tuple[str, RunStyle]]) -> float:
    """Width in points of one line, its trailing spaces left out."""
    total = sum(text_width(text, style.size, style.bold, style.italic) for text, style in pieces)
    if pieces:
        text, style = pieces[-1]
        total -= text_width(text[len(text.rstrip()) :], style.size, style.bold, style.italic)
    return total


def widest_word(pieces: list[tuple[str, RunStyle]]) -> float:
    return max(
        (
            word_width(word, style.bold, style.italic) * style.size / 1000
            for text, style in pieces
            for word in text.split()
        ),
        default=0.0,
    )


# ---------------------------------------------------------------------------- the room a paragraph has


def body_width(body: etree._Element) -> float:
    """The text width of the page in points (last section's page size minus its margins)."""
    section = body.find(f"{W}sectPr")
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    twips = int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))
    return twips / TWIPS_PER_PT


def _twips(element: etree._Element | None, attribute: str, default: int = 0) -> int:
    if element is None:
        return default
    value = element.get(W + attribute)
    return int(float(value)) if value not in (None, "") else default


def cell_margins(table: etree._Element) -> float:
    """Left plus right cell margins of a table, in points."""
    margins = table.find(f"{W}tblPr/{W}tblCellMar")
    total = 0
    for side, alias in (("left", "start"), ("right", "end")):
        element = None if margins is None else margins.find(W + side)
        if element is None and margins is not None:
            element = margins.find(W + alias)
        total += _twips(element, "w", DEFAULT_CELL_MARGIN)
    return total / TWIPS_PER_PT


def room_of(paragraph: etree._Element, body: etree._Element) -> float:
    """The width in points a paragraph's lines have: its cell's (or the page's) minus its indents."""
    cell = next(paragraph.iterancestors(f"{W}tc"), None)
    if cell is None:
        room = body_width(body)
    else:
        table = next(cell.iterancestors(f"{W}tbl"))
        room = _twips(cell.find(f"{W}tcPr/{W}tcW"), "w") / TWIPS_PER_PT - cell_margins(table)
    indent = paragraph.find(f"{W}pPr/{W}ind")
    for side, alias in (("left", "start"), ("right", "end")):
        room -= _twips(indent, side, _twips(indent, alias)) / TWIPS_PER_PT
    return room


# ---------------------------------------------------------------------------- rules


def rule_runs(root: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """(paragraph, run) of every dvk rule in the part."""
    found = []
    for doc_pr in root.iter(f"{WP}docPr"):
        if (doc_pr.get("name") or "").startswith(RULE_NAME):
            run = next(doc_pr.iterancestors(f"{W}r"), None)
            paragraph = next(doc_pr.iterancestors(f"{W}p"), None)
            if run is not None and paragraph is not None:
                found.append((paragraph, run))
    return found


def longest_line(paragraph: etree._Element, run: etree._Element, styles: Styles, room: float) -> float:
    """The longest printed line of the text before the rule; a line longer than the room wraps, and its
    printed lines are then about as long as the room."""
    widths = [line_width(line) for line in paragraph_lines(paragraph, styles, stop=run)]
    return min(max(widths, default=0.0), room)


def fit_rules(root: etree._Element, styles: Styles) -> None:
    """Size every dvk rule to RULE_RATIO of the longest line of its paragraph's text."""
    body = root.find(f"{W}body")
    for paragraph, run in rule_runs(root):
        length = RULE_RATIO * longest_line(paragraph, run, styles, room_of(paragraph, body))
        emu = str(max(int(length * EMU_PER_PT), EMU_PER_PT))
        for extent in (*run.iter(f"{WP}extent"), *run.iter(f"{A}ext")):
            extent.set("cx", emu)


def rule_length(run: etree._Element) -> float:
    """A rule's drawn length in points."""
    extent = next(run.iter(f"{WP}extent"))
    return int(extent.get("cx")) / EMU_PER_PT


# ---------------------------------------------------------------------------- table columns


def fit_tables(root: etree._Element, styles: Styles) -> None:
    """Column widths from the content for every top-level table without a fixed layout."""
    body = root.find(f"{W}body")
    for table in body.findall(f"{W}tbl"):
        layout = table.find(f"{W}tblPr/{W}tblLayout")
        if layout is None or layout.get(f"{W}type") != "fixed":
            fit_table(table, styles, body_width(body) - _twips(table.find(f"{W}tblPr/{W}tblInd"), "w") / 20)


@dataclass
class ColumnNeeds:
    """What the single-column cells of a table need, per grid column, in points of text: the narrowest
    width (the widest word; a heading row's whole lines, since headings never wrap), the widest (the
    longest line), and for a sample of the body rows the line widths of each cell."""

    narrow: list[float]
    wide: list[float]
    rows: list[list[tuple[float, ...]]]


SAMPLE_ROWS = 120  # rows whose heights are estimated while sharing the room (evenly spaced in a long list)
STEP = 72 / 25.4  # one millimetre, in points: the unit the room is shared out in


def column_needs(table: etree._Element, styles: Styles) -> ColumnNeeds:
    count = len(table.findall(f"{W}tblGrid/{W}gridCol"))
    needs = ColumnNeeds([0.0] * count, [0.0] * count, [])
    for row in table.iter(f"{W}tr"):
        heading = row.find(f"{W}trPr/{W}tblHeader") is not None
        cells: list[tuple[float, ...]] = [()] * count
        column = 0
        for cell in row.findall(f"{W}tc"):
            span = _twips(cell.find(f"{W}tcPr/{W}gridSpan"), "val", 1)
            if span == 1 and column < count:
                lines = [line for p in cell.findall(f"{W}p") for line in paragraph_lines(p, styles)]
                widths = tuple(line_width(line) for line in lines)
                least = max(widths, default=0.0) if heading else max(map(widest_word, lines), default=0.0)
                needs.narrow[column] = max(needs.narrow[column], least)
                needs.wide[column] = max(needs.wide[column], max(widths, default=0.0))
                cells[column] = widths
            column += span
        if not heading and any(cells):
            needs.rows.append(cells)
    if len(needs.rows) > SAMPLE_ROWS:
        needs.rows = needs.rows[:: len(needs.rows) // SAMPLE_ROWS + 1]
    return needs


def table_lines(rows: list[list[tuple[float, ...]]], inner: list[float]) -> tuple[float, float]:
    """Estimated printed lines of the rows (each row as tall as its fullest cell), then of all cells.
    Lines are counted in fractions (at least one per line of text) so that every millimetre given to
    a crowded column shows; word wrapping wastes part of a line, so a line holds 90% of the width."""
    height = total = 0.0
    for cells in rows:
        counts = [
            sum(max(1.0, width / (0.9 * room)) for width in widths)
            for widths, room in zip(cells, inner, strict=True)
        ]
        height += max(counts, default=0.0)
        total += sum(counts)
    return height, total


def share_room(needs: ColumnNeeds, room: float, padding: float) -> list[float]:
    """Widths (padding included) filling `room`. Every column starts at its narrowest need; then each
    millimetre left goes to the column where it saves most printed lines (the rows' heights first,
    then all lines), so a long model name gets the room and a column of one-word ratings does not.
    Room left when nothing more wraps is shared in proportion. When even the narrowest needs do not
    fit, they are scaled down together."""
    widths = [n * SAFETY + padding for n in needs.narrow]
    wide = [w * SAFETY + padding for w in needs.wide]
    if sum(widths) >= room:
        return [w * room / sum(widths) for w in widths]

    def cost(candidate: list[float]) -> tuple[float, float]:
        return table_lines(needs.rows, [(w - padding) / SAFETY for w in candidate])

    current = cost(widths)
    while room - sum(widths) >= STEP:
        trials = [
            (cost(trial), i, trial)
            for i in range(len(widths))
            if widths[i] < wide[i]
            for trial in [widths[:i] + [widths[i] + STEP] + widths[i + 1 :]]
        ]
        best = min(trials, default=None, key=lambda t: (t[0], -needs.wide[t[1]]))
        if best is None or best[0] >= current:
            break
        current, _, widths = best
    left = room - sum(widths)
    return [w + left * w / sum(widths) for w in widths]


def fit_table(table: etree._Element, styles: Styles, room: float) -> None:
    columns = table.findall(f"{W}tblGrid/{W}gridCol")
    if not columns:
        return
    widths = [
        int(w * TWIPS_PER_PT) for w in share_room(column_needs(table, styles), room, cell_margins(table))
    ]
    for column, width in zip(columns, widths, strict=True):
        column.set(f"{W}w", str(width))
    for row in table.iter(f"{W}tr"):
        index = 0
        for cell in row.findall(f"{W}tc"):
            span = _twips(cell.find(f"{W}tcPr/{W}gridSpan"), "val", 1)
            set_width(cell_properties(cell), "tcW", sum(widths[index : index + span]))
            index += span
    properties = table.find(f"{W}tblPr")
    set_width(properties, "tblW", sum(widths))
    layout = properties.find(f"{W}tblLayout")
    if layout is None:
        layout = etree.SubElement(properties, f"{W}tblLayout")
        _place(properties, layout)
    layout.set(f"{W}type", "fixed")


def cell_properties(cell: etree._Element) -> etree._Element:
    properties = cell.find(f"{W}tcPr")
    if properties is None:
        properties = etree.Element(f"{W}tcPr")
        cell.insert(0, properties)
    return properties


def set_width(properties: etree._Element, tag: str, twips: int) -> None:
    element = properties.find(W + tag)
    if element is None:
        element = etree.Element(W + tag)
        properties.insert(0 if tag == "tcW" else len(properties), element)
        if tag == "tblW":
            _place(properties, element)
    element.set(f"{W}w", str(twips))
    element.set(f"{W}type", "dxa")


# w:tblPr children in schema order (Word refuses a file whose order is wrong).
_TBL_PR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()


def _place(properties: etree._Element, element: etree._Element) -> None:
    """Move `element` to its schema position among the table properties."""
    rank = _TBL_PR_ORDER.index(element.tag.removeprefix(W))
    properties.remove(element)
    for index, child in enumerate(properties):
        name = child.tag.removeprefix(W)
        if name in _TBL_PR_ORDER and _TBL_PR_ORDER.index(name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


def fit_document(document) -> None:
    """Size the rules and the automatic tables of a rendered python-docx Document's body."""
    styles = styles_of(document)
    root = document.element
    fit_rules(root, styles)
    fit_tables(root, styles)

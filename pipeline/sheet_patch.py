"""Change a few cells of an .xlsx worksheet in place, without openpyxl.

openpyxl must load and save every cell of a workbook to change one; for a province-scale appraisal
workbook (10,000 rows) that is seconds per rerun. When a rerun only refreshes system cells (a source
path, a "file changed" status), this module rewrites those cells in the sheet's XML and copies every
other part of the package byte for byte, so people's edits cannot be touched. Anything unexpected
returns None and the caller falls back to openpyxl.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import zipfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from lxml import etree

from pipeline.platform import files
from pipeline.vntext import neutralise

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


# A cell as Excel, LibreOffice and openpyxl write it: unprefixed, its reference first. A sheet with any
# other spelling of a cell is "not as expected" (see `read_cells`).
CELL_XML = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*?)(?:/>|>(.*?)</c>)', re.DOTALL)
ATTRIBUTE = re.compile(rb'\s([\w:]+)="([^"]*)"')
TEXT_XML = re.compile(rb"<t(?:\s[^>]*?)?(?<!/)>(.*?)</t>", re.DOTALL)  # not <t/>: it holds no text
VALUE_XML = re.compile(rb"<v>(.*?)</v>", re.DOTALL)
ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


class Cell:
    """One cell of the sheet's XML, as matched: where it sits in the bytes, its attributes, its inner XML."""

    def __init__(self, found: re.Match[bytes]) -> None:
        self.found = found
        self.ref = (found.group(1) + found.group(2)).decode()
        self.inner = found.group(4) or b""

    @functools.cached_property
    def attributes(self) -> dict[str, str]:
        return {name.decode(): unescape(value) for name, value in ATTRIBUTE.findall(self.found.group(3))}

    def get(self, name: str) -> str | None:
        return self.attributes.get(name)


class Sheet:
    """One worksheet's cells by column header, read from and patched in the XML bytes.

    Parsing a province-scale sheet with lxml and walking its hundred thousand cells took most of a
    one-file rerun. Here the header row is read first, then one regular expression over the bytes
    matches the cells of the wanted columns only, and a patch splices new cells into the original
    bytes, so nothing else can change."""

    def __init__(self, data: bytes, shared: list[str], headers: tuple[str, ...] | None = None) -> None:
        self.data = data
        self.shared = shared
        self.edits: list[tuple[int, int, bytes]] = []  # (start, end, new bytes) over `data`
        header_row = HEADER_ROW.search(data)
        header = CELL_XML.finditer(data, *header_row.span()) if header_row else ()
        self.columns = {self.value(Cell(found)): found.group(1) for found in header}
        wanted = [self.columns[title] for title in headers or () if title in self.columns]
        self.pattern = CELL_XML if headers is None else cells_in(tuple(wanted))
        self.row_cells: dict[int, dict[bytes, re.Match[bytes]]] = {}  # rows read alone (see `cells_of`)

    @functools.cached_property
    def grid(self) -> dict[int, dict[bytes, re.Match[bytes]]]:
        """row -> column -> the cell's match, for every row; a Cell is made only for the cells asked for."""
        grid: dict[int, dict[bytes, re.Match[bytes]]] = {}
        for found in self.pattern.finditer(self.data):
            grid.setdefault(int(found.group(2)), {})[found.group(1)] = found
        return grid

    @functools.cached_property
    def rows(self) -> list[int]:
        return sorted(self.grid)

    def cells_of(self, row: int) -> dict[bytes, re.Match[bytes]]:
        """The cells of one row. Until the whole grid is needed, a row is read alone from its own bytes:
        a page save that knows its rows reads three rows, not the province's sheet."""
        if "grid" in self.__dict__:
            return self.grid.get(row, {})
        if row not in self.row_cells:
            start = self.data.find(b'<row r="%d"' % row)
            if start < 0:  # not spelled as writers spell it: the whole grid decides
                return self.grid.get(row, {})
            end = self.data.find(b"</row>", start)
            opened = self.data.find(b">", start)
            end = opened if self.data[opened - 1 : opened] == b"/" or end < 0 else end
            self.row_cells[row] = {
                found.group(1): found
                for found in self.pattern.finditer(self.data, start, end)
                if int(found.group(2)) == row
            }
        return self.row_cells[row]

    def value(self, cell: Cell) -> str:
        kind = cell.get("t")
        if kind == "inlineStr":
            return "".join(unescape(text) for text in TEXT_XML.findall(cell.inner))
        found = VALUE_XML.search(cell.inner)
        raw = unescape(found.group(1)) if found else ""
        if kind == "s" and raw.isdigit() and int(raw) < len(self.shared):
            return self.shared[int(raw)]
        return raw

    def cell(self, row: int, header: str) -> Cell | None:
        column = self.columns.get(header)
        found = self.cells_of(row).get(column) if column else None
        return Cell(found) if found else None

    def set_text(self, cell: Cell, text: str, style: str | None) -> None:
        attributes = {**cell.attributes}
        if style is not None:
            attributes["s"] = style
        xml = text_cell(cell.ref, text, attributes)
        self.edits.append((cell.found.start(), cell.found.end(), xml))

    def put_text(self, row: int, header: str, text: str, style: str | None) -> bool:
        """Write `text` into the cell of `header` on `row`, inserting the cell (in column order) when the
        row has none there, as writers leave empty cells out. False when the row is not in the sheet."""
        column = self.columns.get(header)
        existing = self.cell(row, header)
        if existing is not None:
            self.set_text(existing, text, style)
            return True
        found = re.search(rb'<row r="%d"[^>]*?(/?)>' % row, self.data)
        if column is None or found is None or found.group(1):
            return False
        end = self.data.find(b"</row>", found.end())
        at = found.end()
        for cell in CELL_XML.finditer(self.data, found.end(), end):
            if column_number(cell.group(1)) > column_number(column):
                break
            at = cell.end()
        attributes = {"s": style} if style is not None else {}
        self.edits.append((at, at, text_cell(f"{column.decode()}{row}", text, attributes)))
        return True

    def patched(self) -> bytes:
        pieces: list[bytes] = []
        done = 0
        for start, end, xml in sorted(self.edits, key=lambda edit: edit[0]):
            pieces += (self.data[done:start], xml)
            done = end
        pieces.append(self.data[done:])
        return b"".join(pieces)


def text_cell(ref: str, text: str, attributes: dict[str, str]) -> bytes:
    """An inline-string cell; the reference first, as CELL_XML expects."""
    attributes = {name: value for name, value in attributes.items() if name not in ("r", "t")}
    spelled = "".join(f' {name}="{escape(value, quote=True)}"' for name, value in attributes.items())
    inner = f'<is><t xml:space="preserve">{escape(neutralise(text), quote=False)}</t></is>'
    return f'<c r="{ref}"{spelled} t="inlineStr">{inner}</c>'.encode()


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


HEADER_ROW = re.compile(rb'<row r="1"[^>]*>.*?</row>', re.DOTALL)


@functools.cache
def cells_in(columns: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """CELL_XML for the given columns only ("A", "J"…): a tenth of the matches on a 12-column sheet."""
    alternatives = b"|".join(re.escape(column) for column in columns) or b"(?!)"
    return re.compile(CELL_XML.pattern.replace(rb"([A-Z]{1,3})", b"(" + alternatives + b")", 1), re.DOTALL)


def unescape(raw: bytes) -> str:
    """Text of XML character data: entity and character references resolved."""
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def read_cells(data: bytes, shared: list[str], headers: tuple[str, ...] | None = None) -> Sheet | None:
    """The sheet (its `headers` columns only, when given), or None when some cell is written in a way
    CELL_XML does not match (a prefix, the reference not first): then the sheet is not as expected."""
    if data.count(b'<c r="') != count_cells(data):
        return None
    return Sheet(data, shared, headers)


def count_cells(data: bytes) -> int:
    """How many cell elements the sheet has, however spelled. Counting the plain spellings is a C loop
    over the bytes; the regular expression (which also finds prefixed ones, "<x:c ") ran for a fifth of
    a page save on a province's sheet, so it runs only when a prefix may be there."""
    if any(spelling in data for spelling in (b":c ", b":c>", b":c/", b"<c\t", b"<c\n", b"<c\r")):
        return len(ANY_CELL.findall(data))
    return data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/")


def sheet_part(package: zipfile.ZipFile, title: str) -> str | None:
    """The part name of the worksheet called `title`."""
    workbook = etree.fromstring(package.read("xl/workbook.xml"), PARSER)
    rel_id = next((s.get(f"{{{REL}}}id") for s in workbook.iter(m("sheet")) if s.get("name") == title), None)
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), PARSER)
    target = next(
        (r.get("Target") for r in rels.iter(f"{{{PKG_REL}}}Relationship") if r.get("Id") == rel_id), None
    )
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def shared_strings(package: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in package.namelist():
        return []
    root = etree.fromstring(package.read("xl/sharedStrings.xml"), PARSER)
    return ["".join(t.text or "" for t in si.iter(m("t"))) for si in root.iter(m("si"))]


def patch_sheet(
    path: Path,
    title: str,
    edit: Callable[[Sheet], bool | str | None],
    headers: tuple[str, ...] | None = None,
    before_replace: Callable[[], None] | None = None,
) -> bool | str | None:
    """Run `edit` on the sheet; if it returns True, write the package back atomically with only that
    part changed (`before_replace` runs just before the new file takes the old one's place, and may
    raise to stop it). Returns what `edit` returned, or None when the package is not as expected.

    The package is read whole and closed before the write: Windows cannot replace a file still open."""
    try:
        with zipfile.ZipFile(path) as package:
            part = sheet_part(package, title)
            if part is None or part not in package.namelist():
                return None
            sheet = read_cells(package.read(part), shared_strings(package), headers)
            if sheet is None:
                return None
            outcome = edit(sheet)
            if outcome is not True:
                return outcome
            members = [
                (info, sheet.patched() if info.filename == part else package.read(info.filename))
                for info in package.infolist()
            ]
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    write_package(path, members, before_replace)
    return True


def read_rows(path: Path, title: str) -> list[dict[str, str]] | None:
    """Every row below the header of sheet `title` as {header text: cell text}; None when unreadable.
    For reading a whole sheet lxml's C parser beats the regular expressions (which win at patching a few
    cells): text written as character references, as openpyxl writes Vietnamese, is decoded in C."""
    try:
        with zipfile.ZipFile(path) as package:
            part = sheet_part(package, title)
            if part is None or part not in package.namelist():
                return None
            root = etree.fromstring(package.read(part), PARSER)
            shared = shared_strings(package)
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    rows = [
        {column_of(cell.get("r") or ""): cell_value(cell, shared) for cell in row.iter(m("c"))}
        for row in root.iter(m("row"))
    ]
    if not rows:
        return []
    header = {column: text for column, text in rows[0].items() if text}
    return [{header[column]: text for column, text in row.items() if column in header} for row in rows[1:]]


COLUMN_OF = re.compile(r"[A-Z]*")


def column_of(reference: str) -> str:
    """ "AB12" -> "AB" (the pattern matches every string, at worst empty)."""
    match = COLUMN_OF.match(reference)
    return match.group(0) if match else ""


def cell_value(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(text.text or "" for text in cell.iter(m("t")))
    value = cell.findtext(m("v")) or ""
    if kind == "s":
        return shared[int(value)] if value.isdigit() and int(value) < len(shared) else ""
    return value


def cell_styles(path: Path, title: str, refs: tuple[str, ...]) -> dict[str, str | None] | None:
    """The style attribute of each of `refs` ("B1") that exists on sheet `title`; None if unreadable."""
    try:
        with zipfile.ZipFile(path) as package:
            part = sheet_part(package, title)
            if part is None or part not in package.namelist():
                return None
            root = etree.fromstring(package.read(part), PARSER)
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None
    return {cell.get("r"): cell.get("s") for cell in root.iter(m("c")) if cell.get("r") in refs}


def write_package(
    path: Path, members: list[tuple[zipfile.ZipInfo, bytes]], before_replace: Callable[[], None] | None = None
) -> None:
    def write(temporary: Path) -> None:
        # Level 1: a province's sheet compresses in a fraction of the default's time, a little larger.
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in members:
                out.writestr(info, data, compresslevel=1)

    files.write_atomically(path, write, before_replace=before_replace)

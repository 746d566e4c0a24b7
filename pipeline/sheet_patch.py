"""Change a few cells of an .xlsx worksheet in place, without openpyxl.

openpyxl must load and save every cell of a workbook to change one; for a province-scale appraisal
workbook (10,000 rows) that is seconds per rerun. When a rerun only refreshes system cells (a source
path, a "file changed" status), this module rewrites those cells in the sheet's XML and copies every
other part of the package byte for byte, so people's edits cannot be touched. Anything unexpected
returns None and the caller falls back to openpyxl.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


ROW, CELL, VALUE, TEXT = m("row"), m("c"), m("v"), m("t")


class Sheet:
    """One worksheet's cells by column header, readable and patchable."""

    def __init__(self, root: etree._Element, shared: list[str]) -> None:
        self.root = root
        self.shared = shared
        self.rows = {int(row.get("r")): row for row in root.iter(ROW) if row.get("r", "").isdigit()}
        self.row_cells: dict[int, dict[str, etree._Element]] = {}  # row -> its cells by reference, as read
        header = self.rows.get(1)
        cells = header.iter(CELL) if header is not None else ()
        self.columns = {self.value(cell): column_of(cell) for cell in cells}

    def value(self, cell: etree._Element) -> str:
        kind = cell.get("t")
        if kind == "inlineStr":
            return "".join(cell.itertext(TEXT, with_tail=False))  # c/is/t, or c/is/r/t for rich text
        raw = cell.findtext(VALUE) or ""
        if kind == "s" and raw.isdigit() and int(raw) < len(self.shared):
            return self.shared[int(raw)]
        return raw

    def cell(self, row: int, header: str) -> etree._Element | None:
        column = self.columns.get(header)
        if column is None:
            return None
        cells = self.row_cells.get(row)
        if cells is None:  # each row is looked up for several columns: index its cells once
            element = self.rows.get(row)
            cells = {c.get("r"): c for c in element.iter(CELL)} if element is not None else {}
            self.row_cells[row] = cells
        return cells.get(f"{column}{row}")

    def set_text(self, cell: etree._Element, text: str, style: str | None) -> None:
        for child in list(cell):
            cell.remove(child)
        cell.set("t", "inlineStr")
        if style is not None:
            cell.set("s", style)
        etree.SubElement(etree.SubElement(cell, m("is")), m("t")).text = text


def column_of(cell: etree._Element) -> str:
    found = CELL_REF.fullmatch(cell.get("r", ""))
    return found.group(1) if found else ""


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


def patch_sheet(path: Path, title: str, edit: Callable[[Sheet], bool | None]) -> bool | None:
    """Run `edit` on the sheet; if it returns True, write the package back atomically with only that
    part changed. Returns what `edit` returned, or None when the package is not as expected."""
    try:
        with zipfile.ZipFile(path) as package:
            part = sheet_part(package, title)
            if part is None or part not in package.namelist():
                return None
            sheet = Sheet(etree.fromstring(package.read(part), PARSER), shared_strings(package))
            outcome = edit(sheet)
            if outcome is True:
                write_package(
                    path,
                    package,
                    part,
                    etree.tostring(sheet.root, xml_declaration=True, encoding="UTF-8", standalone=True),
                )
            return outcome
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return None


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


def write_package(path: Path, package: zipfile.ZipFile, part: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
            for info in package.infolist():
                out.writestr(info, data if info.filename == part else package.read(info.filename))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

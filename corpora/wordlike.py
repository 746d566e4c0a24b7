"""Word-made .docx files for the evaluation corpora, written the way Word leaves them after editing.

A paragraph's text is given as segments: a plain string, or ("ins", text) / ("del", text) for a tracked
insertion or deletion (the accepted text is the plain and inserted segments). With `quirks` on, plain text
is cut into several runs (sometimes inside a word) carrying revision ids, with spell-check marks around a
piece and a language tag, as Word writes a file that has been typed, corrected and passed around.

Imports nothing from `pipeline`: the corpora measure the reader, they must not share its code.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

Seg = str | tuple[str, str]
AUTHORS = ("Nguyễn Thị Hạnh", "Văn phòng", "Admin", "Trần Minh Tâm")
VML = "urn:schemas-microsoft-com:vml"
# The old tone placement some computers still type ("hoá", "thuỷ", "Uỷ ban"); the same words.
OLD_TONES = {"óa": "oá", "òa": "oà", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ủy": "uỷ", "ùy": "uỳ", "ũy": "uỹ",
             "ụy": "uỵ", "Ủy": "Uỷ", "ỦY": "UỶ", "óe": "oé", "ỏe": "oẻ"}  # fmt: skip


def new_document(font_size: float = 14) -> Document:
    """An A4 document in Times New Roman with the margins units use (20/20/30/15 mm)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(font_size)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Times New Roman")
    properties = doc.core_properties  # what an office PC writes, not "python-docx"
    properties.author = properties.last_modified_by = "User"
    properties.comments = ""
    properties.language = "vi-VN"
    properties.created = properties.modified = datetime(2020, 11, 20, 8, 0, tzinfo=UTC)
    return doc


def _element(tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


class Page:
    """One document being written, with its random source and its habits."""

    def __init__(self, rng: random.Random, quirks: bool, font_size: float = 14) -> None:
        self.doc = new_document(font_size)
        self.rng = rng
        self.quirks = quirks
        self.change_id = 300
        self.tables = 0  # body tables written so far: the index of the last one, 1-based
        self.author = rng.choice(AUTHORS)
        # How the machine writes Vietnamese: today's tone placement, the old one, or decomposed (NFD), as
        # Windows' own keyboard does.
        self.spelling = rng.choices(["", "old", "nfd"], weights=[84, 12, 4])[0]

    def _spell(self, text: str) -> str:
        if self.spelling == "old":
            for new, old in OLD_TONES.items():
                text = text.replace(new, old)
        elif self.spelling == "nfd":
            text = unicodedata.normalize("NFD", text)
        return text

    # ------------------------------------------------------------------ runs
    def _run(self, text: str, style: dict, deleted: bool = False, rsid: str = ""):
        run = _element("w:r")
        if rsid:
            run.set(qn("w:rsidRPr"), rsid)
        props = _element("w:rPr")
        for flag, tag in (("bold", "w:b"), ("italic", "w:i")):
            if style.get(flag):
                props.append(_element(tag))
        if style.get("size"):
            half_points = str(int(style["size"] * 2))
            props.append(_element("w:sz", val=half_points))
            props.append(_element("w:szCs", val=half_points))
        if style.get("underline"):
            props.append(_element("w:u", val="single"))
        if rsid and self.rng.random() < 0.3:
            props.append(_element("w:lang", val="vi-VN"))
        if len(props):
            run.append(props)
        text_el = _element("w:delText" if deleted else "w:t")
        text_el.text = self._spell(text)
        text_el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(text_el)
        return run

    def _rsid(self) -> str:
        return f"00{self.rng.randrange(0x100000, 0xFFFFFF):06X}"

    def _pieces(self, text: str) -> list[str]:
        """Cut text as Word's revision ids do: 1-4 pieces, a cut inside a word now and then."""
        if not self.quirks or len(text) < 4 or self.rng.random() < 0.35:
            return [text]
        cuts = set(self.rng.sample(range(1, len(text)), k=min(len(text) - 1, self.rng.randint(1, 3))))
        bounds = [0, *sorted(cuts), len(text)]
        return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]

    def _plain(self, text: str, style: dict) -> list:
        pieces = self._pieces(text)
        if len(pieces) == 1:
            return [self._run(text, style, rsid=self._rsid() if self.quirks else "")]
        elements = []
        for index, piece in enumerate(pieces):
            marked = index == 1 and self.rng.random() < 0.5
            if marked:
                elements.append(_element("w:proofErr", type="spellStart"))
            elements.append(self._run(piece, style, rsid=self._rsid()))
            if marked:
                elements.append(_element("w:proofErr", type="spellEnd"))
        return elements

    def _tracked(self, kind: str, text: str, style: dict):
        self.change_id += 1
        wrapper = _element(
            f"w:{kind}", id=str(self.change_id), author=self.author, date="2020-11-18T09:30:00Z"
        )
        wrapper.append(self._run(text, style, deleted=kind == "del", rsid=self._rsid()))
        return wrapper

    def fill(self, paragraph, segs: list[Seg] | str, **style) -> None:
        """Append the segments' runs to a w:p element."""
        for seg in [segs] if isinstance(segs, str) else segs:
            if isinstance(seg, tuple):
                paragraph.append(self._tracked(seg[0], seg[1], style))
            elif seg:
                for element in self._plain(seg, style):
                    paragraph.append(element)

    # ------------------------------------------------------------------ paragraphs
    def _format(self, paragraph, align: str, indent: bool, space_after: float | None) -> None:
        props = paragraph.find(qn("w:pPr"))
        if props is None:
            props = _element("w:pPr")
            paragraph.insert(0, props)
        if space_after is not None:
            props.append(_element("w:spacing", after=str(int(space_after * 20)), before="0"))
        if indent:
            props.append(_element("w:ind", firstLine="567"))
        if align:
            props.append(_element("w:jc", val=align))
        if self.quirks:
            paragraph.set(qn("w:rsidR"), self._rsid())
            paragraph.set(qn("w:rsidRDefault"), self._rsid())

    def para(
        self,
        segs: list[Seg] | str = "",
        *,
        align: str = "",
        indent: bool = False,
        space_after: float | None = None,
        **style,
    ):
        """A body paragraph; returns its w:p element."""
        paragraph = self.doc.add_paragraph()._p
        self._format(paragraph, align, indent, space_after)
        self.fill(paragraph, segs, **style)
        return paragraph

    def deleted_para(self, text: str, **style):
        """A paragraph removed with tracking: its runs and its paragraph mark deleted."""
        paragraph = self.doc.add_paragraph()._p
        self._format(paragraph, "both", False, None)
        paragraph.append(self._tracked("del", text, style))
        self.change_id += 1
        mark = _element("w:rPr")
        mark.append(
            _element("w:del", id=str(self.change_id), author=self.author, date="2020-11-18T09:31:00Z")
        )
        paragraph.find(qn("w:pPr")).append(mark)
        return paragraph

    def textbox(self, lines: list[tuple[str, dict]]) -> None:
        """Paragraphs in a VML text box anchored in an empty paragraph: how some writers frame a title."""
        anchor = self.doc.add_paragraph()._p
        run, pict = _element("w:r"), _element("w:pict")
        shape = etree.SubElement(pict, f"{{{VML}}}shape", nsmap={"v": VML})
        shape.set("style", "width:440pt;height:70pt;mso-position-horizontal:center")
        box = etree.SubElement(shape, f"{{{VML}}}textbox")
        content = _element("w:txbxContent")
        for text, style in lines:
            paragraph = _element("w:p")
            self._format(paragraph, "center", False, 0)
            self.fill(paragraph, text, **style)
            content.append(paragraph)
        box.append(content)
        run.append(pict)
        anchor.append(run)

    def cell(self, cell, lines: list, *, align: str = "", **style) -> None:
        """Fill a table cell with one paragraph per line (a line is a string or a list of segments)."""
        for index, line in enumerate(lines or [""]):
            paragraph = cell.paragraphs[0]._p if index == 0 else cell.add_paragraph()._p
            self._format(paragraph, align, False, 0)
            self.fill(paragraph, line, **style)

    # ------------------------------------------------------------------ tables
    def table(self, rows: int, cols: int, *, grid: bool = True, widths: list[float] | None = None):
        """A body table; grid tables get 'Table Grid' borders, others none (letterheads, signatures)."""
        table = self.doc.add_table(rows=rows, cols=cols)
        self.tables += 1
        if grid:
            table.style = "Table Grid"
        else:
            borders = _element("w:tblBorders")
            for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
                borders.append(_element(f"w:{side}", val="nil"))
            table._tbl.tblPr.append(borders)
        if widths:
            for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
                column.set(qn("w:w"), str(int(width * 567)))
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Cm(width)
        return table

    def save(self, path: Path) -> None:
        self.doc.save(str(path))


def merge_cells(table, row: int, first: int, last: int) -> None:
    """Merge cells of one row horizontally (a header spanning sub-columns)."""
    table.cell(row, first).merge(table.cell(row, last))


# ---------------------------------------------------------------------------- LibreOffice
def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def resave_with_libreoffice(sources: list[Path], outdir: Path) -> set[str]:
    """Re-save Word files through LibreOffice (with a fresh profile); returns the names it wrote."""
    binary = soffice_binary()
    if not binary or not sources:
        return set()
    with tempfile.TemporaryDirectory(prefix="genres-lo-") as profile:
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        subprocess.run(command, capture_output=True, timeout=1800, check=False)
    return {source.name for source in sources if (outdir / source.name).exists()}

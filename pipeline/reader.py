"""Stage 2: read a submitted Word file into a flat sequence of text blocks.

The only module that looks inside .docx XML. It reads the XML itself rather than using
python-docx's `paragraph.text`, which drops content controls and tracked insertions. Tracked
changes are read as accepted: w:ins text in, w:del/w:moveFrom text out. Text boxes are read once
(mc:Choice, never mc:Fallback). Runs in legacy fonts (TCVN3, VNI) are converted per run.
"""

from __future__ import annotations

import functools
import itertools
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline import legacy
from pipeline.model import WARNING, Block, DocText, Problem, ReadError
from pipeline.safezip import DocumentParts, SafeZip, document_parts, parse_xml
from pipeline.sniff import CONVERTIBLE_KINDS, WORD_KINDS, describe_kind, is_zip, kind_error, sniff, sniff_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


@functools.cache  # called for every element the walk looks at
def q(tag: str) -> str:
    """Clark name for a w: tag."""
    return f"{{{W}}}{tag}"


# Elements whose text is not part of the accepted document text: removed from the tree before the walk.
DROPPED = (
    q("del"),
    q("moveFrom"),
    q("delText"),
    q("instrText"),
    q("delInstrText"),
    f"{{{MC}}}Fallback",
)
TRACKED = (q("ins"), q("del"), q("moveFrom"), q("moveTo"))
ENCODING_NAMES = {"tcvn3": "TCVN3 (ABC)", "tcvn3-caps": "TCVN3 (ABC, phông chữ hoa)", "vni": "VNI"}
RUN_CHARS = {q("tab"): "\t", q("br"): "\n", q("cr"): "\n", q("noBreakHyphen"): "-", q("softHyphen"): "\u00ad"}
TEXT_TAGS = (q("t"), q("sym"), *RUN_CHARS)  # after `prepare`, the elements whose .text is document text


@dataclass
class Styles:
    """Font per paragraph/character style id, and the document default font (for legacy detection)."""

    default_font: str | None = None
    legacy_fonts: bool = True  # False when no legacy font is named anywhere: runs need no font lookup
    fonts: dict[str, str | None] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)

    def font_of(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if self.fonts.get(style_id):
                return self.fonts[style_id]
            style_id = self.based_on.get(style_id)
        return None


def read_styles(root: etree._Element | None) -> Styles:
    styles = Styles()
    if root is None:
        return styles
    default = root.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}/{q('rFonts')}")
    styles.default_font = font_name(default)
    for style in root.iter(q("style")):
        style_id = style.get(q("styleId"))
        styles.fonts[style_id] = font_name(style.find(f"{q('rPr')}/{q('rFonts')}"))
        based = style.find(q("basedOn"))
        if based is not None:
            styles.based_on[style_id] = based.get(q("val"))
    return styles


def font_name(rfonts: etree._Element | None) -> str | None:
    if rfonts is None:
        return None
    return rfonts.get(q("ascii")) or rfonts.get(q("hAnsi")) or rfonts.get(q("cs"))


class Walker:
    """Walks one document body, producing Blocks in reading order."""

    def __init__(self, styles: Styles, prefix: str = "") -> None:
        self.styles = styles
        self.prefix = prefix  # "đầu trang, " for a page header: its places are counted apart from the body
        # Most files have neither; knowing it spares two descendant scans per paragraph.
        self.has_controls = True
        self.boxes: dict[etree._Element, list[etree._Element]] = {}  # paragraph -> its text boxes
        self.texts: dict[etree._Element, str] = {}  # paragraph -> its text, without legacy fonts
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0
        self.legacy_runs: dict[str, int] = {}

    def survey(self, root: etree._Element) -> None:
        """Prepare a part for the walk (see `prepare`), note whether it has content controls, and read
        every paragraph's text at once when no legacy font needs runs decoded one by one."""
        boxes = prepare(root)
        self.boxes.update(boxes)
        self.has_controls = next(root.iter(q("sdt")), None) is not None
        if not self.styles.legacy_fonts:
            self.texts.update(paragraph_texts([root, *(box for found in boxes.values() for box in found)]))

    def body(self, element: etree._Element) -> None:
        for child in self.children(element, (q("p"), q("tbl"))):
            if child.tag == q("p"):
                self.paragraph(child)
            elif child.tag == q("tbl"):
                self.table(child)

    def paragraph(self, p: etree._Element, where: str | None = None) -> str:
        self.paragraphs += 1
        text = self.paragraph_text(p)
        self.blocks.append(Block("para", text, where or f"{self.prefix}đoạn {self.paragraphs}"))
        self.content_controls(p)
        self.text_boxes(p)
        return text

    def paragraph_text(self, p: etree._Element) -> str:
        if not self.styles.legacy_fonts:
            text = self.texts.get(p)
            return text if text is not None else plain_text(p)
        style = p.find(f"{q('pPr')}/{q('pStyle')}")
        paragraph_font = self.styles.font_of(style.get(q("val")) if style is not None else None)
        return self.runs_text(list(runs_of(p)), paragraph_font)

    def runs_text(self, runs: list[etree._Element], paragraph_font: str | None) -> str:
        """Join runs (of a document naming a legacy font), decoding those in legacy fonts; runs sharing an
        encoding are decoded together so an ambiguous run ("Hòa" is also TCVN3 for "Hũa") follows its
        neighbours."""
        pieces = [("".join(run_pieces(run)), self.run_encoding(run, paragraph_font)) for run in runs]
        parts: list[str] = []
        for encoding, group in itertools.groupby(pieces, key=lambda piece: piece[1]):
            texts = [text for text, _ in group]
            if not encoding:
                parts.extend(text.replace("\u00ad", "") for text in texts)
                continue
            decoded = legacy.decode_runs(texts, encoding)
            changed = sum(1 for old, new in zip(texts, decoded, strict=False) if nfc(old) != new)
            if changed:
                self.legacy_runs[encoding] = self.legacy_runs.get(encoding, 0) + changed
            parts.extend(decoded)
        return nfc("".join(parts)).strip()

    def run_encoding(self, run: etree._Element, paragraph_font: str | None) -> str | None:
        """The legacy encoding of a run, from its font (direct, character style, paragraph style, default)."""
        font = font_name(run.find(f"{q('rPr')}/{q('rFonts')}"))
        if font is None:
            style = run.find(f"{q('rPr')}/{q('rStyle')}")
            font = self.styles.font_of(style.get(q("val")) if style is not None else None)
        return legacy.encoding_for_font(font or paragraph_font or self.styles.default_font)

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        number = self.tables
        for row_index, tr in enumerate(self.children(tbl, (q("tr"),)), start=1):
            grid = 1 + grid_value(tr.find(f"{q('trPr')}/{q('gridBefore')}"), 0)
            for col_index, tc in enumerate(self.children(tr, (q("tc"),)), start=1):
                props = tc.find(q("tcPr"))
                span = max(1, grid_value(props.find(q("gridSpan")) if props is not None else None, 1))
                merge = props.find(q("vMerge")) if props is not None else None
                below = merge is not None and merge.get(q("val"), "continue") == "continue"
                self.cell(tc, number, row_index, col_index, (grid, span, below))
                grid += span

    def cell(
        self,
        tc: etree._Element,
        table: int,
        row: int,
        col: int,
        layout: tuple[int, int, bool] = (0, 1, False),
    ) -> None:
        where = f"{self.prefix}bảng {table}, hàng {row}, cột {col}"
        lines = []
        inner = len(
            self.blocks
        )  # what the cell holds besides its lines (text boxes, nested tables) follows it
        for child in self.children(tc, (q("p"), q("tbl"))):
            if child.tag == q("p"):
                text = self.paragraph_text(child)
                self.content_controls(child)
                self.text_boxes(child)
                lines.append(text)
            elif child.tag == q("tbl"):
                self.table(child)  # nested tables become their own numbered table
        grid, span, merged = layout
        text = "\n".join(lines).strip()
        self.blocks.insert(
            inner, Block("cell", text, where, table, row, col, grid=grid, span=span, merged=merged)
        )

    def children(self, element: etree._Element, wanted: tuple[str, ...]) -> Iterator[etree._Element]:
        """Children with the wanted tags, looking through block/row/cell-level content controls
        (each of which also becomes a tagged block) and customXml."""
        for child in element:
            if child.tag in wanted:
                yield child
            elif child.tag == q("sdt"):
                self.sdt_block(child)
                content = child.find(q("sdtContent"))
                if content is not None and not is_placeholder(child):
                    yield from self.children(content, wanted)
            elif child.tag == q("customXml"):
                yield from self.children(child, wanted)

    def content_controls(self, scope: etree._Element) -> None:
        """Emit a tagged block for each content control directly in this paragraph."""
        if not self.has_controls:
            return
        for sdt in scope.iter(q("sdt")):
            self.sdt_block(sdt)

    def sdt_block(self, sdt: etree._Element) -> None:
        """A block for a content control that carries label evidence (tag, alias or prompt). Its text is
        also read in place, as part of its paragraph, cell or row."""
        props = sdt.find(q("sdtPr"))
        tag, alias = (property_value(props, name) for name in ("tag", "alias"))
        prompt = sdt.get(PROMPT_ATTRIBUTE, "")
        if not (tag or alias or prompt):
            return
        content = sdt.find(q("sdtContent"))
        text = "" if is_placeholder(sdt) or content is None else self.sdt_text(content)
        name = tag or alias or prompt[:40]
        self.blocks.append(
            Block("sdt", text, f"ô nhập liệu '{name}'", tag=nfc(tag), alias=nfc(alias), prompt=nfc(prompt))
        )

    def sdt_text(self, content: etree._Element) -> str:
        paragraphs = [p for p in content.iter(q("p"))]
        if not paragraphs:  # a run-level control: its runs sit directly in the content
            if not self.styles.legacy_fonts:
                return plain_text(content)
            return self.runs_text(list(runs_of(content)), None)
        return "\n".join(self.paragraph_text(p) for p in paragraphs).strip()

    def text_boxes(self, p: etree._Element) -> None:
        for box in self.boxes.get(p, ()):
            for inner in box.iter(q("p")):
                self.paragraphs += 1
                where = f"{self.prefix}khung văn bản, đoạn {self.paragraphs}"
                self.blocks.append(Block("para", self.paragraph_text(inner), where))


PROMPT_ATTRIBUTE = "dvk-prompt"  # set on a prepared control that showed its placeholder


def grid_value(element: etree._Element | None, default: int) -> int:
    """A w:gridSpan or w:gridBefore count (a hostile file may write anything there)."""
    try:
        value = int(element.get(q("val"), "")) if element is not None else default
    except ValueError:
        return default
    return value if 0 <= value <= MAX_GRID else default


MAX_GRID = 64  # Word's own limit on a table's columns


def property_value(props: etree._Element | None, name: str) -> str:
    found = props.find(q(name)) if props is not None else None
    return (found.get(q("val")) or "") if found is not None else ""


def is_placeholder(sdt: etree._Element) -> bool:
    """A content control still showing its prompt ("Nhập tên mô hình"): not a value."""
    return sdt.find(f"{q('sdtPr')}/{q('showingPlcHdr')}") is not None


def prepare(root: etree._Element) -> dict[etree._Element, list[etree._Element]]:
    """Shape a parsed part so that a paragraph's accepted text is the .text of its TEXT_TAGS elements, in
    order (one C-level `itertext` per paragraph): deleted text, field codes and the fallback copies of text
    boxes are removed, placeholder prompts emptied, tabs, breaks and symbols given their characters. Text
    boxes are detached from their paragraph and returned by paragraph, to be read after it."""
    etree.strip_elements(root, *DROPPED, with_tail=False)
    for sdt in root.iter(q("sdt")):
        content = sdt.find(q("sdtContent"))
        if content is not None and is_placeholder(sdt):
            # The prompt ("Nhập tên mô hình") is no value, but it names the field: keep it as evidence.
            sdt.set(PROMPT_ATTRIBUTE, "".join(content.itertext(q("t")))[:200])
            sdt.remove(content)
    for element in root.iter(q("sym"), *RUN_CHARS):
        if element.getparent().tag == q("r"):  # not the tab stops of w:pPr/w:tabs
            element.text = symbol_char(element) if element.tag == q("sym") else RUN_CHARS[element.tag]
    boxes: dict[etree._Element, list[etree._Element]] = {}
    for box in list(root.iter(q("txbxContent"))):
        paragraph = next(box.iterancestors(q("p")), None)
        if paragraph is not None:
            box.getparent().remove(box)
            boxes.setdefault(paragraph, []).append(box)
    return boxes


def plain_text(element: etree._Element) -> str:
    """The text of a prepared paragraph or run-level control holding no legacy font."""
    return finished("".join(element.itertext(*TEXT_TAGS, with_tail=False)))


def finished(text: str) -> str:
    return nfc(text.replace("\u00ad", "")).strip()


def paragraph_texts(roots: list[etree._Element]) -> dict[etree._Element, str]:
    """The text of every paragraph under the prepared `roots`, from one C-level pass over paragraphs and
    text elements (a call per paragraph cost more than the rest of the walk). After `prepare` paragraphs
    do not nest, so each text element belongs to the paragraph that started last."""
    texts: dict[etree._Element, str] = {}
    paragraph_tag = q("p")
    for root in roots:
        paragraph, pieces = None, list[str]()
        for element in root.iter(paragraph_tag, *TEXT_TAGS):
            if element.tag == paragraph_tag:
                if paragraph is not None:
                    texts[paragraph] = finished("".join(pieces))
                paragraph, pieces = element, []
            elif element.text:
                pieces.append(element.text)
        if paragraph is not None:
            texts[paragraph] = finished("".join(pieces))
    return texts


# Children of a paragraph that hold no runs of its own text.
NOT_RUN_CONTAINERS = {q("pPr"), q("rPr"), q("sdtPr"), q("sdtEndPr"), q("p")}


def runs_of(p: etree._Element) -> Iterator[etree._Element]:
    """The w:r elements of a prepared paragraph in order (content controls showing their placeholder
    were emptied by `prepare`)."""
    for child in p:
        if child.tag in NOT_RUN_CONTAINERS:
            continue
        if child.tag == q("r"):
            yield child
        else:  # w:ins, w:hyperlink, w:smartTag, w:sdt/w:sdtContent, w:fldSimple …
            yield from runs_of(child)


def run_pieces(run: etree._Element) -> Iterator[str]:
    for child in run:
        if child.tag == q("t"):
            yield child.text or ""
        elif child.tag in RUN_CHARS:
            yield RUN_CHARS[child.tag]
        elif child.tag == q("sym"):
            yield symbol_char(child)


def symbol_char(sym: etree._Element) -> str:
    try:
        code = int(sym.get(q("char"), ""), 16)
    except ValueError:
        return ""
    return chr(code - 0xF000) if code >= 0xF000 else chr(code)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def has_tracked_changes(root: etree._Element) -> bool:
    return any(True for _ in root.iter(*TRACKED))


def walk_document(
    document: etree._Element,
    styles_root: etree._Element | None,
    headers: tuple[etree._Element, ...] = (),
    legacy_fonts: bool = True,
) -> DocText:
    """Blocks of a parsed word/document.xml, with reader notes (tracked changes, legacy fonts).

    Page headers come first (a title is sometimes put there); comments and footers carry no fields."""
    tracked = has_tracked_changes(document)  # before `prepare` removes the deletions
    styles = read_styles(styles_root)
    styles.legacy_fonts = legacy_fonts
    header_walker = Walker(styles, prefix="đầu trang, ")
    for header in headers:
        header_walker.survey(header)
        header_walker.body(header)
    walker = Walker(styles)
    walker.survey(document)
    body = document.find(q("body"))
    if body is not None:
        walker.body(body)
    walker.blocks[:0] = header_walker.blocks
    for encoding, count in header_walker.legacy_runs.items():
        walker.legacy_runs[encoding] = walker.legacy_runs.get(encoding, 0) + count
    notes = []
    if tracked:
        notes.append(
            Problem(
                "TRACKED_CHANGES",
                WARNING,
                "Tệp còn thay đổi chưa được chấp nhận (Track Changes); đã đọc như khi chấp nhận "
                "tất cả. Đề nghị đơn vị chấp nhận thay đổi trước khi gửi bản chính thức.",
            )
        )
    for encoding, count in sorted(walker.legacy_runs.items()):
        notes.append(
            Problem(
                "LEGACY_ENCODING",
                WARNING,
                f"Tệp dùng bảng mã cũ {ENCODING_NAMES.get(encoding, encoding)} ở {count} đoạn "
                "chữ; đã chuyển sang Unicode. Nên kiểm tra lại chính tả khi lập quyết định.",
            )
        )
    return DocText(tuple(walker.blocks), tuple(notes))


def read_document(path: Path, cache_dir: Path | None = None) -> DocText:
    """Read a submitted file, judged by its bytes, into blocks; raises ReadError when it cannot.

    .doc/.odt/.rtf go through LibreOffice into `cache_dir` (never next to the input).
    """
    # is_zip raises FILE_TOO_LARGE before anything is read; a zip (the common case) is opened once
    # for both the kind and the text.
    if is_zip(path):
        with SafeZip(path) as package:
            kind = sniff_zip(package)
            parts = text_parts(package) if kind in WORD_KINDS or kind == "docm" else None
    else:
        kind, parts = sniff(path), None
    error = kind_error(kind)
    if error is not None:
        raise error
    notes: tuple[Problem, ...] = ()
    if kind == "docm":
        notes = (
            Problem(
                "MACRO_ENABLED",
                WARNING,
                "Tệp Word có macro (.docm): chỉ đọc chữ, không chạy macro. Nên yêu cầu đơn vị gửi bản .docx.",
            ),
        )
    elif kind in CONVERTIBLE_KINDS:
        with SafeZip(convert_to_docx(path, kind, cache_dir)) as package:
            parts = text_parts(package)
        notes = (
            Problem(
                "CONVERTED",
                WARNING,
                f"Tệp là {describe_kind(kind)}; đã chuyển sang .docx bằng LibreOffice để đọc.",
            ),
        )
    assert parts is not None  # kind_error above refused every kind that is neither Word nor convertible
    text = walk_document(*parts)
    return DocText(text.blocks, notes + text.notes)


# How legacy font names start inside w:rFonts attributes (".VnTime", "VNI-Times"); plain substring
# tests, since a case-insensitive regex over the whole part costs more than parsing it.
LEGACY_FONT_PREFIXES = (b'".Vn', b'".VN', b'".vn', b'"VNI', b'"Vni', b'"vni')


def names_legacy_fonts(package: SafeZip, parts: DocumentParts, main_bytes: bytes) -> bool:
    """Whether any legacy font is named: the small font table lists every font Word and LibreOffice used;
    without one (hand-made packages), search the main and styles parts themselves."""
    font_table = next((name for name in parts.rels.values() if name.lower().endswith("fonttable.xml")), "")
    if font_table and package.has(font_table):
        texts: tuple[bytes, ...] = (package.read(font_table),)
    else:
        texts = (main_bytes, package.read(parts.styles) if parts.styles else b"")
    return any(prefix in data for data in texts for prefix in LEGACY_FONT_PREFIXES)


def text_parts(
    package: SafeZip,
) -> tuple[etree._Element, etree._Element | None, tuple[etree._Element, ...], bool]:
    """Parse only what carries fields: the main part, page headers, and the styles part when a legacy
    font is named anywhere (styles only matter for legacy decoding, and Word's styles part is often ten
    times the size of the body)."""
    parts = document_parts(package)
    main_bytes = package.read(parts.main)
    headers = tuple(parse_xml(package.read(name), name) for name in parts.headers)
    names_legacy_font = names_legacy_fonts(package, parts, main_bytes)
    styles = (
        parse_xml(package.read(parts.styles), parts.styles) if names_legacy_font and parts.styles else None
    )
    return parse_xml(main_bytes, parts.main), styles, headers, names_legacy_font


def convert_to_docx(path: Path, kind: str, cache_dir: Path | None) -> Path:
    """A .docx made by LibreOffice from a legacy file, cached by content hash."""
    from pipeline.discover import sha256_file
    from pipeline.soffice import SofficeError, SofficeMissing, convert

    cache = Path(cache_dir or tempfile.gettempdir()) / "converted"
    target = cache / f"{sha256_file(path)}.docx"
    if target.exists():
        return target
    try:
        converted = convert(path, "docx", cache)
    except SofficeMissing as exc:
        raise ReadError(
            "NEEDS_LIBREOFFICE",
            f"Tệp là {describe_kind(kind)}, cần LibreOffice để chuyển sang .docx "
            f"nhưng máy chưa cài. {exc} Hoặc đề nghị đơn vị lưu lại thành .docx.",
        ) from exc
    except SofficeError as exc:
        raise ReadError(
            "CONVERSION_FAILED", f"Không chuyển được {describe_kind(kind)} sang .docx: {exc}"
        ) from exc
    converted.replace(target)
    return target

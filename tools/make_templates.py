"""Build the official output templates in templates_docx/ with python-docx and lxml.

Run `python -m tools.make_templates` after changing a layout; the .docx files are committed and a
secretariat may then edit them in Word. Layout follows docs/domain.md §4: HD 36-HD/VPTW for the Party
profile, NĐ 30/2020/NĐ-CP for the State profile. Every text that depends on the issuer, the year or
the data comes from a `{{ variable }}` the build stage provides (pipeline/build.py); only the fixed
words of the standard ("ĐẢNG CỘNG SẢN VIỆT NAM", "QUYẾT ĐỊNH", "Điều 1.", …) are written here.
Fonts are set on the document defaults, not on runs, so the renderer can apply `format.font`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from pipeline.layout import RULE_NAME

OUT_DIR = Path(__file__).resolve().parent.parent / "templates_docx"
FONT = "Times New Roman"
BODY_SIZE = 14
CENTER, JUSTIFY, LEFT, RIGHT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
)


@dataclass(frozen=True)
class Fmt:
    """How one paragraph looks. Sizes in points, indents in millimetres."""

    size: float | None = None  # None: the body size of the document defaults
    bold: bool = False
    italic: bool = False
    underline: bool = False
    align: object = CENTER
    before: float = 0
    after: float = 0
    first_line: float = 0
    left: float = 0
    right: float = 0
    rule: bool = False  # a bottom border: the "đường kẻ" of HD 36 / NĐ 30
    keep_next: bool = False
    color: str = ""


# ---------------------------------------------------------------------------- low-level helpers


def new_document(landscape: bool = False) -> Document:
    """An A4 document, default margins 20/20/30/15 mm, Times New Roman 14, Vietnamese language."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(8)
    set_defaults(doc)
    doc.core_properties.author = "dvk"
    doc.core_properties.title = ""
    doc.core_properties.comments = ""
    # Word treats an empty body paragraph left by Document() as content: drop it.
    for paragraph in list(doc.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return doc


def set_defaults(doc: Document) -> None:
    """Replace the docDefaults: Times New Roman for every script, 14 pt, no spacing, lang vi-VN."""
    styles = doc.styles.element
    old = styles.find(qn("w:docDefaults"))
    new = parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
        f'<w:sz w:val="{BODY_SIZE * 2}"/><w:szCs w:val="{BODY_SIZE * 2}"/>'
        '<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    styles.replace(old, new)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)


def add_par(container, runs: str | list[tuple[str, dict]], fmt: Fmt = Fmt()):
    """Add a paragraph; `runs` is text (one run) or [(text, overrides)] with bold/italic/underline."""
    paragraph = container.add_paragraph()
    pf = paragraph.paragraph_format
    pf.alignment = fmt.align
    pf.space_before, pf.space_after = Pt(fmt.before), Pt(fmt.after)
    if fmt.first_line:
        pf.first_line_indent = Mm(fmt.first_line)
    if fmt.left:
        pf.left_indent = Mm(fmt.left)
    if fmt.right:
        pf.right_indent = Mm(fmt.right)
    pf.keep_with_next = fmt.keep_next or None
    for text, overrides in [(runs, {})] if isinstance(runs, str) else runs:
        add_run(paragraph, text, fmt, overrides)
    if fmt.rule:
        bottom_rule(paragraph)
    return paragraph


def add_run(paragraph, text: str, fmt: Fmt, overrides: dict) -> None:
    run = paragraph.add_run(text)
    run.bold = overrides.get("bold", fmt.bold) or None
    run.italic = overrides.get("italic", fmt.italic) or None
    run.underline = overrides.get("underline", fmt.underline) or None
    size = overrides.get("size", fmt.size)
    if size:
        run.font.size = Pt(size)
    if fmt.color:
        run.font.color.rgb = RGBColor.from_string(fmt.color)
    # Multiple spaces in drafts ("Số      -QĐ/TU") must survive: preserve whitespace.
    for t in run._element.findall(qn("w:t")):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def bottom_rule(paragraph) -> None:
    """A single 0.75 pt rule under the paragraph (HD 36: "đường kẻ ngang, nét liền")."""
    ppr = paragraph._element.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f"<w:pBdr {nsdecls('w')}>"
            '<w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
        )
    )
    _reorder_ppr(ppr)


def _reorder_ppr(ppr) -> None:
    """Keep pPr children in schema order (Word rejects pBdr after jc/ind)."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "pBdr", "shd", "spacing", "ind", "jc"]
    children = sorted(
        ppr, key=lambda el: order.index(el.tag.split("}")[1]) if el.tag.split("}")[1] in order else 99
    )
    for child in children:
        ppr.append(child)


def short_rule(container, width_mm: float, cell_width_mm: float) -> None:
    """A short centred rule of `width_mm` in an empty paragraph (the certificate's, under its heading)."""
    side = max((cell_width_mm - width_mm) / 2, 0)
    paragraph = add_par(container, "", Fmt(size=2, left=side, right=side, rule=True, after=6))
    paragraph.runs[0].font.size = Pt(2)


WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
RULE_HEIGHT = 44450  # EMU (3.5 pt): the box the rule is drawn at the bottom of, its gap under the text
RULE_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr><w:drawing>'
    '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
    '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{id}" name="{name} {id}" descr="{descr}"/>'
    "<wp:cNvGraphicFramePr/>"
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    "<wps:cNvSpPr/><wps:spPr>"
    '<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    # A horizontal stroke along the bottom edge of the box (a preset "line" would run corner to corner).
    '<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="0" t="0" r="r" b="b"/>'
    '<a:pathLst><a:path w="1000" h="1000" fill="none"><a:moveTo><a:pt x="0" y="1000"/></a:moveTo>'
    '<a:lnTo><a:pt x="1000" y="1000"/></a:lnTo></a:path></a:pathLst></a:custGeom><a:noFill/>'
    '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
    "</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


def text_rule(paragraph, width_mm: float) -> None:
    """The rule under a text, in the text's own paragraph (NĐ 30 Phụ lục I; issue 15): a line break,
    then an inline line shape, centred with the paragraph. pipeline.layout sizes it to the rendered
    text's longest line; `width_mm` is only what Word shows in the template."""
    paragraph.add_run().add_break()
    descr = "Đường kẻ: dvk đặt độ dài bằng 0,4 dòng chữ phía trên khi lập văn bản"
    # Drawing ids are unique within a document: number the rules in the order they are added to it.
    drawings = paragraph.part.element.findall(f".//{{{WP_NS}}}docPr")
    xml = RULE_XML.format(
        cx=int(Mm(width_mm).emu), cy=RULE_HEIGHT, id=len(drawings) + 1, name=RULE_NAME, descr=descr
    )
    paragraph._element.append(parse_xml(xml))


def borderless_table(doc, widths_mm: list[float], rows: int = 1, indent_mm: float = 0):
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{side} w:val="nil"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders>"
        )
    )
    set_widths(table, widths_mm, indent_mm)
    return table


def grid_table(doc, widths_mm: list[float], rows: int):
    """A ruled table whose columns pipeline.layout fits to the content when rendering (no fixed layout);
    narrow cell margins (1.2 mm) leave the text more room."""
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.style = doc.styles["Table Grid"]
    set_widths(table, widths_mm, 0, fixed=False)
    margins = "".join(f'<w:{side} w:w="70" w:type="dxa"/>' for side in ("left", "right"))
    table._tbl.tblPr.append(parse_xml(f"<w:tblCellMar {nsdecls('w')}>{margins}</w:tblCellMar>"))
    return table


def set_widths(table, widths_mm: list[float], indent_mm: float, fixed: bool = True) -> None:
    tbl_pr = table._tbl.tblPr
    if fixed:
        tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    if indent_mm:
        tbl_pr.append(parse_xml(f'<w:tblInd {nsdecls("w")} w:w="{int(Mm(indent_mm).twips)}" w:type="dxa"/>'))
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def clear_cell(cell) -> object:
    """Remove the empty paragraph python-docx puts in a new cell; return the cell."""
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return cell


def page_number_header(section) -> None:
    """Page numbers from page 2, top centre: an empty first-page header, PAGE in the default one."""
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = ""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            run._element.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
        elif text == " PAGE ":
            run._element.append(
                parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>')
            )
        else:
            run.text = text


def code_footer(section) -> None:
    """The document code in 8 pt on every page; the archive finds it in the signed PDF's text."""
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = RIGHT
        run = paragraph.add_run("{{ doc_code }}")
        run.font.size = Pt(8)


def repeat_header_row(row) -> None:
    """w:tblHeader: the header row repeats on every page of the list."""
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


def merge_row(row) -> object:
    """Merge all cells of the row into one (sub-heading rows of the list)."""
    first = row.cells[0]
    return first.merge(row.cells[-1])


def mark_loop_row(table, tag: str) -> None:
    """Add a row holding only a `{%tr … %}` tag (docxtpl replaces the whole row with the tag)."""
    row = table.add_row()
    cell = merge_row(row)
    clear_cell(cell)
    add_par(cell, tag, Fmt(size=8, align=LEFT))


# ---------------------------------------------------------------------------- shared blocks


PARTY_WIDTHS = (84, 88)  # mm; the header table reaches 7 mm into the left margin, as printed forms do
PARTY_INDENT = -7


def party_header(doc, with_number: bool) -> None:
    """HD 36 header: superior body / issuing body / "*" / number on the left, the Party name on the right."""
    table = borderless_table(doc, list(PARTY_WIDTHS), rows=2 if with_number else 1, indent_mm=PARTY_INDENT)
    left, right = (clear_cell(cell) for cell in table.rows[0].cells)
    add_par(left, "{%p if parent_upper %}", Fmt(size=8))
    add_par(left, "{{ parent_upper }}", Fmt(size=14))
    add_par(left, "{%p endif %}", Fmt(size=8))
    add_par(left, "{{ issuer_upper }}", Fmt(size=14, bold=True))
    add_par(left, "*", Fmt(size=14))
    # HD 36: the rule under the Party name is as long as the line of text (Times New Roman 15 bold).
    add_par(right, "ĐẢNG CỘNG SẢN VIỆT NAM", Fmt(size=15, bold=True, rule=True, left=5, right=5))
    if with_number:
        left, right = (clear_cell(cell) for cell in table.rows[1].cells)
        add_par(left, "{{ number_line }}", Fmt(size=14))
        add_par(right, "{{ date_line }}", Fmt(size=14, italic=True))


STATE_WIDTHS = (68, 106)
STATE_INDENT = -8


def state_header(doc, with_number: bool) -> None:
    """NĐ 30 header: the body with a short rule under it; the national name and motto with a rule."""
    table = borderless_table(doc, list(STATE_WIDTHS), rows=2 if with_number else 1, indent_mm=STATE_INDENT)
    left, right = (clear_cell(cell) for cell in table.rows[0].cells)
    add_par(left, "{%p if parent_upper %}", Fmt(size=8))
    add_par(left, "{{ parent_upper }}", Fmt(size=13))
    add_par(left, "{%p endif %}", Fmt(size=8))
    text_rule(add_par(left, "{{ issuer_upper }}", Fmt(size=13, bold=True, after=6)), 22)
    add_par(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Fmt(size=13, bold=True))
    # NĐ 30: a rule as long as the motto line (Times New Roman 14 bold, about 69 mm).
    motto = Fmt(size=14, bold=True, rule=True, left=19, right=19, after=6)
    add_par(right, "Độc lập - Tự do - Hạnh phúc", motto)
    if with_number:
        left, right = (clear_cell(cell) for cell in table.rows[1].cells)
        add_par(left, "{{ number_line }}", Fmt(size=13))
        add_par(right, "{{ date_line }}", Fmt(size=14, italic=True))


def title_block(doc, type_name: str, size: float = 16) -> None:
    """Type name, subject, short rule (HD 36: type name caps bold; subject bold, a short rule under it)."""
    add_par(doc, type_name, Fmt(size=size, bold=True, before=18, keep_next=True))
    text_rule(add_par(doc, "{{ subject }}", Fmt(size=14, bold=True, keep_next=True, after=6)), 60)


def signature_table(doc, state: bool) -> None:
    """Recipients on the left, the signature block on the right (T/M … / title / name)."""
    table = borderless_table(doc, [82, 83], indent_mm=0)
    left, right = (clear_cell(cell) for cell in table.rows[0].cells)
    if state:
        add_par(left, "Nơi nhận:", Fmt(size=12, bold=True, italic=True, align=LEFT, before=12))
        line = Fmt(size=11, align=LEFT)
    else:
        add_par(left, "Nơi nhận:", Fmt(size=14, underline=True, align=LEFT, before=12))
        line = Fmt(size=12, align=LEFT)
    add_par(left, "{%p for line in recipients %}", Fmt(size=8))
    add_par(left, "{{ line }}", line)
    add_par(left, "{%p endfor %}", Fmt(size=8))
    add_par(right, "{{ signer_on_behalf }}", Fmt(size=14, bold=True, before=12))
    # NĐ 30 sets the signer's title bold; HD 36 sets the Party signer's title upright, not bold.
    add_par(right, "{{ signer_title }}", Fmt(size=14, bold=state))
    for _ in range(4):
        add_par(right, "", Fmt())
    add_par(right, "{{ signer_name }}", Fmt(size=14, bold=True))


def articles(doc) -> None:
    """Điều 1–3, "Điều n." bold [practice], body justified with a first-line indent."""
    body = Fmt(align=JUSTIFY, first_line=10, after=6)
    for n in (1, 2, 3):
        add_par(doc, [(f"Điều {n}. ", {"bold": True}), (f"{{{{ article{n} }}}}", {})], body)


def finish(doc, name: str, out_dir: Path, page_numbers: bool = True) -> Path:
    section = doc.sections[0]
    if page_numbers:
        page_number_header(section)
    else:
        section.different_first_page_header_footer = True
    code_footer(section)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    doc.save(path)
    return path


# ---------------------------------------------------------------------------- the templates


def grounds_block(doc, state: bool) -> None:
    """HD 36: "- Căn cứ …;" upright, one per line; NĐ 30: italic, no dash."""
    fmt = Fmt(align=JUSTIFY, first_line=10, italic=state, after=3)
    add_par(doc, "{%p for ground in grounds %}", Fmt(size=8))
    add_par(doc, "{{ ground }}" if state else "- {{ ground }}", fmt)
    add_par(doc, "{%p endfor %}", Fmt(size=8))


def build_decision(out_dir: Path, state: bool) -> Path:
    doc = new_document()
    (state_header if state else party_header)(doc, with_number=True)
    title_block(doc, "QUYẾT ĐỊNH", size=14 if state else 16)
    if state:
        # NĐ 30: the authority ("ỦY BAN NHÂN DÂN THÀNH PHỐ …") comes before the grounds.
        add_par(doc, "{{ authority_line }}", Fmt(bold=True, before=6, after=12, keep_next=True))
        grounds_block(doc, state)
        add_par(doc, "QUYẾT ĐỊNH:", Fmt(bold=True, before=6, after=12, keep_next=True))
    else:
        grounds_block(doc, state)
        add_par(doc, "{{ authority_line }}", Fmt(bold=True, before=6, after=12, keep_next=True))
    articles(doc)
    signature_table(doc, state)
    return finish(doc, "quyet-dinh-ubnd.docx" if state else "quyet-dinh.docx", out_dir)


LIST_WIDTHS = (12, 60, 35, 25, 18, 15)  # STT | Tên mô hình | Đơn vị | Lĩnh vực | Xếp loại | Ghi chú = 165 mm
LIST_HEADINGS = ("STT", "Tên mô hình", "Đơn vị / cá nhân", "Lĩnh vực", "Xếp loại", "Ghi chú")
LIST_CELLS = (
    ("{{ row.stt }}", CENTER),
    ("{{ row.name }}", LEFT),
    ("{{ row.unit }}", LEFT),
    ("{{ row.field }}", CENTER),
    ("{{ row.rating }}", CENTER),
    ("{{ row.note }}", LEFT),
)


def build_list(out_dir: Path, state: bool) -> Path:
    doc = new_document()
    (state_header if state else party_header)(doc, with_number=False)
    add_par(doc, "DANH SÁCH", Fmt(size=14, bold=True, before=18, keep_next=True))
    add_par(doc, "{{ subject }}", Fmt(size=14, bold=True, keep_next=True))
    text_rule(add_par(doc, "{{ decision_ref }}", Fmt(size=13, italic=True, keep_next=True, after=6)), 60)
    list_table(doc)
    return finish(doc, "danh-sach-ubnd.docx" if state else "danh-sach.docx", out_dir)


def list_table(doc) -> None:
    """The list: header row repeated per page, sub-heading rows per type and rating, one row per model."""
    table = grid_table(doc, list(LIST_WIDTHS), rows=1)
    header = table.rows[0]
    repeat_header_row(header)
    cant_split(header)
    for cell, heading in zip(header.cells, LIST_HEADINGS, strict=True):
        clear_cell(cell).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        add_par(cell, heading, Fmt(size=12, bold=True, before=3, after=3))
    mark_loop_row(table, "{%tr for section in sections %}")
    heading_row(table, "{{ section.heading }}")
    mark_loop_row(table, "{%tr for group in section.groups %}")
    heading_row(table, "{{ group.heading }}")
    mark_loop_row(table, "{%tr for row in group.rows %}")
    row = table.add_row()
    cant_split(row)
    for cell, (text, align) in zip(row.cells, LIST_CELLS, strict=True):
        clear_cell(cell).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        add_par(cell, text, Fmt(size=13, align=align, before=2, after=2))
    for _ in range(3):
        mark_loop_row(table, "{%tr endfor %}")


def heading_row(table, text: str) -> None:
    row = table.add_row()
    cant_split(row)
    cell = clear_cell(merge_row(row))
    add_par(cell, text, Fmt(size=13, bold=True, align=LEFT, before=3, after=3, keep_next=True))


def build_certificates(out_dir: Path) -> Path:
    """One landscape page per model in a frame, all in one file (`{%p for c in certificates %}`).

    The heading is the national line of the profile ("ĐẢNG CỘNG SẢN VIỆT NAM", or the State name and
    motto), so the same template serves both profiles; left/right margins stay symmetric for the frame.
    """
    doc = new_document(landscape=True)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Mm(22)
    page_border(section)
    add_par(doc, "{%p for c in certificates %}", Fmt(size=8))
    add_par(doc, "{{ c.nation }}", Fmt(size=14, bold=True, before=6))
    add_par(doc, "{%p if c.motto %}", Fmt(size=8))
    add_par(doc, "{{ c.motto }}", Fmt(size=14, bold=True))
    add_par(doc, "{%p endif %}", Fmt(size=8))
    short_rule(doc, 60, 253)
    add_par(doc, "{{ c.grantor }}", Fmt(size=16, bold=True, before=14))
    add_par(doc, "GIẤY CHỨNG NHẬN", Fmt(size=36, bold=True, color="C00000", before=10, after=10))
    add_par(doc, "{{ c.title }}", Fmt(size=18, bold=True, after=12))
    add_par(doc, "“{{ c.name }}”", Fmt(size=22, bold=True, color="1F3864", after=12, left=10, right=10))
    add_par(doc, [("{{ c.unit_label }}: ", {}), ("{{ c.unit }}", {"bold": True})], Fmt(size=16, after=6))
    add_par(doc, [("Xếp loại: ", {}), ("{{ c.rating }}", {"bold": True})], Fmt(size=16, after=6))
    add_par(doc, "{{ c.decision_ref }}", Fmt(size=14, italic=True, after=12))
    sign = borderless_table(doc, [120, 133], rows=1)
    left, right = (clear_cell(cell) for cell in sign.rows[0].cells)
    add_par(left, "", Fmt())
    add_par(right, "{{ c.date_line }}", Fmt(size=14, italic=True))
    add_par(right, "{{ c.signer_on_behalf }}", Fmt(size=14, bold=True))
    # The signer's title: bold in the State profile (NĐ 30), upright and not bold for the Party (HD 36).
    add_par(right, "{%p if c.title_bold %}", Fmt(size=8))
    add_par(right, "{{ c.signer_title }}", Fmt(size=14, bold=True))
    add_par(right, "{%p else %}", Fmt(size=8))
    add_par(right, "{{ c.signer_title }}", Fmt(size=14))
    add_par(right, "{%p endif %}", Fmt(size=8))
    for _ in range(3):
        add_par(right, "", Fmt())
    add_par(right, "{{ c.signer_name }}", Fmt(size=14, bold=True))
    add_par(doc, "{%p if not loop.last %}", Fmt(size=8))
    page_break = add_par(doc, "", Fmt(size=1))
    page_break.runs[0].add_break(WD_BREAK.PAGE)
    add_par(doc, "{%p endif %}", Fmt(size=8))
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    section.footer_distance = Mm(13)  # inside the frame, which is drawn 8.5 mm from the page edge
    return finish(doc, "giay-chung-nhan.docx", out_dir, page_numbers=False)


def page_border(section) -> None:
    """A simple decorative frame: a thick-thin double border in dark red around every page."""
    sides = "".join(
        f'<w:{side} w:val="thinThickSmallGap" w:sz="24" w:space="24" w:color="C00000"/>'
        for side in ("top", "left", "bottom", "right")
    )
    borders = parse_xml(f'<w:pgBorders {nsdecls("w")} w:offsetFrom="page">{sides}</w:pgBorders>')
    sect_pr = section._sectPr
    anchor = sect_pr.find(qn("w:pgMar"))
    anchor.addnext(borders)


def build_report(out_dir: Path, state: bool = False) -> Path:
    """Report ("BÁO CÁO"), HD 36 or NĐ 30 header: figures as the seed article gives them, then outstanding
    models."""
    doc = new_document()
    (state_header if state else party_header)(doc, with_number=True)
    title_block(doc, "BÁO CÁO")
    body = Fmt(align=JUSTIFY, first_line=10, after=6)
    add_par(doc, "{%p for paragraph in summary %}", Fmt(size=8))
    add_par(doc, "{{ paragraph }}", body)
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    add_par(doc, "{%p for line in level_lines %}", Fmt(size=8))
    add_par(doc, "{{ line }}", body)
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    add_par(doc, "{%p if outstanding %}", Fmt(size=8))
    add_par(doc, "{{ outstanding_intro }}", body)
    add_par(doc, "{%p for line in outstanding %}", Fmt(size=8))
    add_par(doc, "{{ line }}", body)
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    add_par(doc, "{%p endif %}", Fmt(size=8))
    add_par(doc, "{{ closing }}", body)
    signature_table(doc, state=state)
    return finish(doc, "bao-cao-ket-qua-ubnd.docx" if state else "bao-cao-ket-qua.docx", out_dir)


# The news item's closing: fixed words the secretariat edits in Word (the seed article's last paragraphs).
NEWS_CLOSING = (
    "Qua công nhận mô hình “Dân vận khéo” đạt hiệu quả năm {{ year }}, {{ issuer_name }} cũng yêu cầu các "
    "cơ quan, đơn vị có mô hình “Dân vận khéo” được công nhận năm nay tiếp tục phát huy hiệu quả mô hình, "
    "nâng cao chất lượng mô hình và tổ chức duy trì, nhân rộng thực hiện trong những năm tiếp theo.",
    "Được biết, trong thời gian qua, phong trào thi đua “Dân vận khéo” trên địa bàn {{ area }} đã được "
    "triển khai thực hiện tốt. Riêng trong năm {{ year }} này, qua phát động xây dựng mô hình “Dân vận "
    "khéo”, {{ area }} có {{ registered }} mô hình đăng ký thi đua điển hình Dân vận khéo. Việc xây dựng và "
    "nhân rộng mô hình “Dân vận khéo” ngày càng thiết thực, hiệu quả, có tính bền vững và sức lan tỏa trên "
    "các lĩnh vực của đời sống xã hội.",
)


def build_news(out_dir: Path) -> Path:
    """The public news item (pipeline/news.py): heading, title, the composed figures, then the closing
    paragraphs written here as text a secretariat edits ({{ registered }} is the registered count)."""
    doc = new_document()
    add_par(doc, "{{ heading }}", Fmt(size=12, bold=True, align=LEFT, after=6))
    add_par(doc, "{{ title }}", Fmt(size=16, bold=True, align=LEFT, after=12))
    body = Fmt(align=JUSTIFY, first_line=10, after=6)
    add_par(doc, "{%p for paragraph in paragraphs %}", Fmt(size=8))
    add_par(doc, "{{ paragraph }}", body)
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    for paragraph in NEWS_CLOSING:
        add_par(doc, paragraph, body)
    add_par(doc, "{%p if chart %}", Fmt(size=8))
    add_par(doc, "{{ chart }}", Fmt(before=6))  # the year-over-year chart (dvk stats --years)
    add_par(doc, "{%p endif %}", Fmt(size=8))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "tin-bai.docx"
    doc.save(path)
    return path


def build_maintenance(out_dir: Path) -> Path:
    """Báo cáo duy trì, nhân rộng (pipeline/maintenance.py): a summary, then each unit and its models."""
    doc = new_document()
    add_par(doc, "{{ issuer_upper }}", Fmt(size=14, bold=True, align=LEFT, after=12))
    add_par(doc, "{{ title }}", Fmt(size=15, bold=True, after=12))
    body = Fmt(align=JUSTIFY, first_line=10, after=6)
    add_par(doc, "{{ summary }}", body)
    add_par(doc, "{%p for unit in units %}", Fmt(size=8))
    add_par(doc, "{{ unit.name }}", Fmt(bold=True, align=LEFT, before=6, after=3, keep_next=True))
    add_par(doc, "{%p for line in unit.lines %}", Fmt(size=8))
    add_par(doc, "{{ line }}", Fmt(align=JUSTIFY, after=3))
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    add_par(doc, "{%p endfor %}", Fmt(size=8))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "bao-cao-duy-tri.docx"
    doc.save(path)
    return path


def build_all(out_dir: Path = OUT_DIR) -> list[Path]:
    return [
        build_decision(out_dir, state=False),
        build_list(out_dir, state=False),
        build_decision(out_dir, state=True),
        build_list(out_dir, state=True),
        build_certificates(out_dir),
        build_report(out_dir),
        build_report(out_dir, state=True),
        build_news(out_dir),
        build_maintenance(out_dir),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the output templates (templates_docx/).")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    for path in build_all(args.out):
        print(path)


if __name__ == "__main__":
    main()

"""Render the output templates (the only module that touches docxtpl and Jinja).

Templates are edited by a secretariat in Word, and the data comes from submitted files, so the
Jinja environment is sandboxed (no field or tag can reach Python internals), autoescaped (a model
named `Phòng LĐ-TB & XH <2020>` prints as typed and the XML stays valid) and strict (a missing
variable is an error naming it, never a silent blank in an official document).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2 import meta as jinja_meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from pipeline import layout
from pipeline.model import DvkError
from pipeline.platform import files

LINT_HINT = "Chạy dvk templates check để xem lỗi của mẫu."
PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


def make_environment() -> SandboxedEnvironment:
    """The one Jinja environment every template is rendered with."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_document(template: Path, context: dict, out: Path) -> Path:
    """Render `template` with `context` into `out` (atomically) and check the result opens.

    `context["page"]`, when present, holds the page set-up from `[format]` in dvk.toml (margins in mm,
    font, body size); it is applied to the rendered file so the configuration wins over the template.
    Raises DvkError (Vietnamese) for a missing variable, a blocked expression or a broken template.
    """
    template, out = Path(template), Path(out)
    if not template.is_file():
        raise DvkError(f"Không tìm thấy mẫu văn bản {template}.")
    doc = DocxTemplate(str(template))
    context = with_images(doc, context)
    try:
        doc.render(context, make_environment(), autoescape=True)
    except Exception as exc:  # docxtpl re-raises Jinja errors and may raise its own on broken XML
        raise render_error(template.name, exc) from exc
    apply_page_setup(doc.docx, context.get("page") or {})
    layout.fit_document(doc.docx)  # rules and list columns sized from the rendered text
    with files.temporary_beside(out, ".docx") as staging:
        try:
            doc.save(staging)
            del doc  # a province-scale list is hundreds of megabytes of tree: free it before the check
            check_well_formed(staging)  # a broken file never replaces anything
        except OSError as exc:
            raise files.write_error(out, exc) from exc
        except DvkError:
            raise
        except Exception as exc:
            raise DvkError(f"Không ghi được văn bản {out.name} từ mẫu {template.name}: {exc}") from exc
        files.replace(staging, out)
    return out


IMAGE_WIDTH_MM = 150


def with_images(doc: DocxTemplate, context: dict) -> dict:
    """`context["images"]`, {variable: PNG path}, as pictures for those variables (a missing file gives an
    empty paragraph: a re-render long after the chart was drawn still works)."""
    images = context.get("images")
    if not isinstance(images, dict):
        return context
    from docxtpl import InlineImage

    pictures = {
        name: InlineImage(doc, str(path), width=Mm(IMAGE_WIDTH_MM)) if Path(str(path)).is_file() else ""
        for name, path in images.items()
    }
    return {**{key: value for key, value in context.items() if key != "images"}, **pictures}


PAGES_PER_CHUNK = 250
PAGE_BREAK = b'<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
BODY_OPEN, SECTION_OPEN = b"<w:body>", b"<w:sectPr"


def render_pages(
    template: Path,
    context: dict,
    key: str,
    out: Path,
    check: Callable[[Path, slice], None] | None = None,
    per_chunk: int = PAGES_PER_CHUNK,
) -> Path:
    """Render a template whose body repeats once per item of `context[key]` (a certificate per page), a
    chunk of items at a time, and join the chunks' bodies into `out`.

    docxtpl holds a whole document as one XML string and one tree: nine thousand certificates in one go
    took 1.6 GB. Each chunk is rendered (sandboxed, like every document), checked with `check(path,
    items)` while small, and its body copied into one document.xml written as a stream. Between two
    chunks goes what the template puts between two items: a page break if the rendered chunk shows one
    per item boundary, nothing if the template breaks pages otherwise."""
    items = list(context[key])
    chunks = [slice(start, start + per_chunk) for start in range(0, max(len(items), 1), per_chunk)]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{files.TEMP_PREFIX}{os.getpid()}-pages-", dir=out.parent))
    try:
        paths = []
        for index, chunk in enumerate(chunks):
            try:
                path = render_document(template, {**context, key: items[chunk]}, work / f"{index}.docx")
            except files.WriteError as exc:
                raise exc.about(out) from exc
            if check is not None:
                check(path, chunk)
            paths.append(path)
        separator = PAGE_BREAK if breaks_between_items(paths[0], len(items[chunks[0]])) else b""
        with files.temporary_beside(out, ".docx") as joined:  # made like render_document's outputs
            try:
                join_bodies(paths, separator, joined)
            except OSError as exc:  # a full disk while writing the joined file
                raise files.write_error(out, exc) from exc
            files.replace(joined, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def breaks_between_items(path: Path, items: int) -> bool:
    """Whether the template separates items with page breaks (one fewer break than items)."""
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").count(b'w:type="page"') == items - 1 > 0


def body_of(xml: bytes, path: Path) -> tuple[int, int]:
    """Where the body's content starts and where its final section properties start."""
    start, end = xml.find(BODY_OPEN), xml.rfind(SECTION_OPEN)
    if start < 0 or end < start:
        raise DvkError(f"Không ghép được văn bản {path.name}: thiếu phần thân hoặc thiết lập trang.")
    return start + len(BODY_OPEN), end


def join_bodies(paths: list[Path], separator: bytes, out: Path) -> None:
    """One package: the first chunk's parts, with a document.xml holding every chunk's body in order.
    The chunks come from one template, so their styles, relationships and section are the same."""
    with zipfile.ZipFile(paths[0]) as first, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as joined:
        for info in first.infolist():
            if info.filename != "word/document.xml":
                joined.writestr(info, first.read(info.filename))
        with joined.open("word/document.xml", "w", force_zip64=True) as document:
            for index, path in enumerate(paths):
                with zipfile.ZipFile(path) as package:
                    xml = package.read("word/document.xml")
                start, end = body_of(xml, path)
                if index == 0:
                    document.write(xml[:start])
                else:
                    document.write(separator)
                document.write(xml[start:end])
                if index == len(paths) - 1:
                    document.write(xml[end:])
    check_well_formed(out)


def check_well_formed(path: Path) -> None:
    """The rendered package opens and every XML part is well-formed. expat checks a part as a stream in
    C without building a tree: re-opening a 9,000-row list with python-docx held a second copy of it."""
    try:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    with package.open(name) as stream:
                        expat.ParserCreate().ParseFile(stream)
    except (OSError, zipfile.BadZipFile, expat.ExpatError) as exc:
        raise DvkError(f"Văn bản {path.name} vừa tạo không mở được: {exc}") from exc


def render_error(template_name: str, exc: Exception) -> DvkError:
    """Turn a Jinja/docxtpl failure into a Vietnamese message that names the variable or tag."""
    if isinstance(exc, SecurityError):
        return DvkError(
            f"Mẫu {template_name} có biểu thức bị chặn vì không an toàn ({exc}). Mẫu chỉ được dùng các biến "
            f"của dữ liệu, dạng {{{{ ten_bien }}}}: sửa lại mẫu. {LINT_HINT}"
        )
    if isinstance(exc, UndefinedError):
        name = undefined_name(str(exc))
        return DvkError(
            f"Mẫu {template_name} dùng biến {{{{ {name} }}}} nhưng dữ liệu không có biến này. Sửa tên biến "
            f"trong mẫu cho đúng (hoặc xóa thẻ). {LINT_HINT}"
        )
    if isinstance(exc, TemplateSyntaxError):
        return DvkError(
            f"Mẫu {template_name} sai cú pháp ở thẻ gần dòng {exc.lineno}: {exc.message}. {LINT_HINT}"
        )
    if isinstance(exc, TemplateError):
        return DvkError(f"Không điền được mẫu {template_name}: {exc}. {LINT_HINT}")
    return DvkError(f"Không điền được mẫu {template_name} (tệp mẫu hỏng?): {exc}. {LINT_HINT}")


def undefined_name(message: str) -> str:
    """The variable or attribute a StrictUndefined error is about."""
    match = re.search(r"'([^']+)' is undefined", message) or re.search(r"has no attribute '([^']+)'", message)
    return match.group(1) if match else message


def apply_page_setup(document, page: dict) -> None:
    """Margins (mm), font and body size from `[format]`: the configuration wins over the template."""
    for section in document.sections:
        for side in ("top", "bottom", "left", "right"):
            if page.get(side) is not None:
                setattr(section, f"{side}_margin", Mm(float(page[side])))
    normal = document.styles["Normal"]
    if page.get("font"):
        normal.font.name = page["font"]
        fonts = normal.element.rPr.rFonts
        for attribute in ("w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), page["font"])
        defaults = document.styles.element.find(qn("w:docDefaults"))
        for element in defaults.iter(qn("w:rFonts")) if defaults is not None else ():
            for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                element.set(qn(attribute), page["font"])
    if page.get("body_size"):
        normal.font.size = Pt(float(page["body_size"]))


# ---------------------------------------------------------------------------- template scanning


@dataclass(frozen=True)
class TemplateScan:
    """What the Jinja parser sees in a template: the variables it uses, or why it cannot be parsed."""

    variables: frozenset[str]
    error: str = ""  # the parser's message, "" when every part parsed
    error_part: str = ""  # e.g. "word/document.xml"
    error_text: str = ""  # the text near the error, tags stripped


def scan_template(path: Path) -> TemplateScan:
    """Parse every part (body, headers, footers) the way docxtpl renders it; collect top-level variables."""
    doc = DocxTemplate(str(path))
    env = make_environment()
    variables: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if PARTS.fullmatch(name)]
        sources = {name: archive.read(name).decode("utf-8") for name in names}
    for name, xml in sources.items():
        # One line per paragraph, as docxtpl renders it, so a line number points at a paragraph.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(xml))
        try:
            parsed = env.parse(source)
        except TemplateSyntaxError as exc:
            return TemplateScan(
                frozenset(variables), exc.message or str(exc), name, _near(source, exc.lineno)
            )
        variables |= jinja_meta.find_undeclared_variables(parsed)
    return TemplateScan(frozenset(variables - set(env.globals)))


def _near(source: str, lineno: int | None) -> str:
    """The text of the source line a syntax error points at, without XML tags."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    return re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()[:120]


# ---------------------------------------------------------------------------- reading back


@dataclass(frozen=True)
class RenderedText:
    """The text of a rendered document, for checking what was really produced."""

    paragraphs: tuple[str, ...]  # body paragraphs outside tables, in order
    tables: tuple[tuple[tuple[str, ...], ...], ...]  # per top-level table, per row, the text of each cell
    footers: tuple[str, ...]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
BODY, P, TR, TC, TBL, SECTION = (W + tag for tag in ("body", "p", "tr", "tc", "tbl", "sectPr"))
FOOTER_TYPES = ("default", "first")  # python-docx's section.footer, then section.first_page_footer


def read_back(path: Path) -> RenderedText:
    """Re-open a rendered .docx and return its text as python-docx shows it (merged cells count once).

    The body is read as a stream, each top-level paragraph and table row freed once read: a list of
    nine thousand rows held as python-docx objects took a second copy of the whole document."""
    paragraphs: list[str] = []
    tables: list[tuple[tuple[str, ...], ...]] = []
    rows: dict[etree._Element, list[tuple[str, ...]]] = {}
    sections: list[dict[str, str]] = []
    with zipfile.ZipFile(path) as package:
        with package.open("word/document.xml") as stream:
            for _, element in etree.iterparse(
                stream, events=("end",), tag=(P, TR, TBL, SECTION), huge_tree=True
            ):
                parent = element.getparent()
                if element.tag == SECTION:  # the body's last, or a section break in a body paragraph's w:pPr
                    paragraph = parent.getparent() if parent.tag == W + "pPr" else None
                    if parent.tag == BODY or (paragraph is not None and paragraph.getparent().tag == BODY):
                        sections.append(footer_ids(element))
                    continue
                if element.tag == TR and parent.getparent().tag == BODY:
                    rows.setdefault(parent, []).append(tuple(cell_text(tc) for tc in element if tc.tag == TC))
                elif parent.tag != BODY:
                    continue
                elif element.tag == P:
                    paragraphs.append(paragraph_text(element))
                else:
                    tables.append(tuple(rows.pop(element, [])))
                parent.remove(element)  # read: free it
        footers = tuple(text for ids in linked(sections) for text in footer_texts(package, ids))
    return RenderedText(tuple(paragraphs), tuple(tables), footers)


def footer_ids(section: etree._Element) -> dict[str, str]:
    return {ref.get(W + "type"): ref.get(R_ID) for ref in section.iter(W + "footerReference")}


def linked(sections: list[dict[str, str]]) -> list[list[str | None]]:
    """Each section's footer ids by type; a section without one uses the previous section's."""
    last: dict[str, str | None] = dict.fromkeys(FOOTER_TYPES)
    result = []
    for ids in sections:
        last = {kind: ids.get(kind, last[kind]) for kind in FOOTER_TYPES}
        result.append([last[kind] for kind in FOOTER_TYPES])
    return result


def footer_texts(package: zipfile.ZipFile, ids: list[str | None]) -> list[str]:
    rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(RELS + "Relationship")}
    texts = []
    for rel_id in ids:
        target = targets.get(rel_id) if rel_id else None
        if target is None:  # no footer at all: python-docx shows a new one, with one empty paragraph
            texts.append("")
            continue
        footer = etree.fromstring(package.read("word/" + target.lstrip("/").removeprefix("word/")))
        texts += [paragraph_text(p) for p in footer if p.tag == P]
    return texts


def paragraph_text(p: etree._Element) -> str:
    """python-docx's Paragraph.text: its runs, and those of its hyperlinks, in order."""
    pieces = []
    for child in p:
        if child.tag == W + "r":
            pieces.append(run_text(child))
        elif child.tag == W + "hyperlink":
            pieces += [run_text(run) for run in child if run.tag == W + "r"]
    return "".join(pieces)


def run_text(run: etree._Element) -> str:
    pieces = []
    for child in run:
        tag = child.tag
        if tag == W + "t":
            pieces.append(child.text or "")
        elif tag in (W + "tab", W + "ptab"):
            pieces.append("\t")
        elif tag == W + "cr" or (tag == W + "br" and child.get(W + "type") in (None, "textWrapping")):
            pieces.append("\n")
        elif tag == W + "noBreakHyphen":
            pieces.append("-")
    return "".join(pieces)


def cell_text(tc: etree._Element) -> str:
    """The cell's paragraphs joined by "\n" (a line break inside a paragraph also reads as "\n")."""
    return "\n".join(paragraph_text(p) for p in tc.iter(P))

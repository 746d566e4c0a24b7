"""Render the output templates (the only module that touches docxtpl and Jinja).

Templates are edited by a secretariat in Word, and the data comes from submitted files, so the
Jinja environment is sandboxed (no field or tag can reach Python internals), autoescaped (a model
named `Phòng LĐ-TB & XH <2020>` prints as typed and the XML stays valid) and strict (a missing
variable is an error naming it, never a silent blank in an official document).
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2 import meta as jinja_meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from pipeline.model import DvkError

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
    try:
        doc.render(context, make_environment(), autoescape=True)
    except Exception as exc:  # docxtpl re-raises Jinja errors and may raise its own on broken XML
        raise render_error(template.name, exc) from exc
    apply_page_setup(doc.docx, context.get("page") or {})
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=".dvk-", suffix=".docx", dir=out.parent)
    os.close(fd)
    try:
        doc.save(staging)
        Document(staging)  # re-open the output before it replaces anything: a broken file never does
        os.replace(staging, out)
    except Exception as exc:
        Path(staging).unlink(missing_ok=True)
        if isinstance(exc, DvkError):
            raise
        raise DvkError(f"Không ghi được văn bản {out.name} từ mẫu {template.name}: {exc}") from exc
    return out


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


def read_back(path: Path) -> RenderedText:
    """Re-open a rendered .docx and return its text (merged cells count once)."""
    document = Document(str(path))
    tables = tuple(
        tuple(tuple(_cell_text(tc) for tc in row._tr.tc_lst) for row in table.rows)
        for table in document.tables
    )
    footers = tuple(
        paragraph.text
        for section in document.sections
        for footer in (section.footer, section.first_page_footer)
        for paragraph in footer.paragraphs
    )
    return RenderedText(tuple(p.text for p in document.paragraphs), tables, footers)


def _cell_text(tc) -> str:
    """The cell's paragraphs joined by "\n" (a line break inside a paragraph also reads as "\n")."""
    return "\n".join(Paragraph(p, None).text for p in tc.iter(qn("w:p")))

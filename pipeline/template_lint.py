"""`dvk templates check`: find what breaks a template a secretariat edited in Word, before a build does.

Word splits typed text into runs and lets a tag be broken by a line break, so the checks read the text
of each paragraph with its runs joined (what the user sees), tag by tag: tags split across paragraphs,
`{% if/for %}` blocks left open or closed by the wrong tag, `{%tr %}` outside a table row or paired with
a plain tag, Jinja syntax errors, and variables the build does not provide (or the template no longer
prints). Every finding names the tag and says how to fix it, in Vietnamese.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import render
from pipeline.build import TEMPLATE_VARIABLES
from pipeline.model import ERROR, WARNING, Problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PART_RE = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
PART_LABELS = {"document": "", "header": "đầu trang", "footer": "chân trang"}
DELIMITERS = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
CLOSER_OF = {"{{": "}}", "{%": "%}", "{#": "#}"}
BLOCK_TAG = re.compile(r"\{%-?(tr|tc|p|r)?\s+(\w+)(.*?)-?%\}")
OPENERS = {"for": "endfor", "if": "endif"}
ROW_PREFIXES = ("tr", "tc")
REQUIRED = {"doc_code"}  # the archive finds the signed copy by this code (pipeline.build.CODE_PATTERN)


@dataclass(frozen=True)
class Para:
    """One paragraph's visible text (runs joined) and where a user finds it."""

    text: str
    where: str
    row: object | None  # the w:tr element the paragraph sits in, None outside tables


def lint_template(path: Path, known_variables: set[str] | None = None) -> list[Problem]:
    """All findings for one template; `known_variables` defaults to TEMPLATE_VARIABLES[path.name]."""
    path = Path(path)
    if known_variables is None:
        known_variables = TEMPLATE_VARIABLES.get(path.name)
    try:
        parts = read_parts(path)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        return [
            Problem(
                "TEMPLATE_UNREADABLE",
                ERROR,
                f"Không đọc được mẫu {path.name} ({exc}): mở và lưu lại bằng Word.",
            )
        ]
    problems: list[Problem] = []
    for paras in parts.values():
        problems += split_tags(paras) + row_tags(paras) + blocks(paras)
    if any(problem.severity == ERROR for problem in problems):
        return problems  # the Jinja parser would only repeat these in its own words
    scan = render.scan_template(path)
    if scan.error:
        return problems + [syntax_problem(scan)]
    if known_variables is not None:
        problems += variable_problems(scan.variables, known_variables, parts)
    return problems


def lint_templates(folder: Path) -> dict[str, list[Problem]]:
    """Lint every output template (the names build.py uses) found in `folder`."""
    return {
        name: lint_template(Path(folder) / name)
        for name in sorted(TEMPLATE_VARIABLES)
        if (Path(folder) / name).is_file()
    }


# ---------------------------------------------------------------------------- reading


def read_parts(path: Path) -> dict[str, list[Para]]:
    """Body, headers and footers, each as its paragraphs in order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    parts = {}
    with zipfile.ZipFile(path) as archive:
        names = sorted(name for name in archive.namelist() if PART_RE.fullmatch(name))
        if "word/document.xml" not in names:
            raise KeyError("word/document.xml")
        for name in names:
            root = etree.fromstring(archive.read(name), parser)
            match = PART_RE.fullmatch(name)
            assert match is not None  # the names were chosen by this pattern
            parts[name] = paragraphs(root, PART_LABELS[re.sub(r"\d+", "", match.group(1))])
    return parts


def paragraphs(root, label: str) -> list[Para]:
    cells = {}
    for t, table in enumerate(root.iter(f"{W}tbl"), start=1):
        for r, row in enumerate(table.findall(f"{W}tr"), start=1):
            for c, cell in enumerate(row.findall(f"{W}tc"), start=1):
                cells[cell] = (t, r, c, row)
    result = []
    for number, p in enumerate(root.iter(f"{W}p"), start=1):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        cell = next((a for a in p.iterancestors(f"{W}tc")), None)
        where = f"{label}, đoạn {number}" if label else f"đoạn {number}"
        row = None
        if cell is not None and cell in cells:
            t, r, c, row = cells[cell]
            where = f"bảng {t}, hàng {r}, cột {c} ({where})"
        result.append(Para(text, where, row))
    return result


# ---------------------------------------------------------------------------- checks


def error(code: str, message: str, where: str = "") -> Problem:
    return Problem(code, ERROR, message, where)


def split_tags(paras: list[Para]) -> list[Problem]:
    """A tag must open and close in the same paragraph (docxtpl cannot join tags across paragraphs)."""
    problems, carried = [], False
    for para in paras:
        opened: tuple[str, int] | None = None
        for match in DELIMITERS.finditer(para.text):
            token = match.group()
            if token in CLOSER_OF:
                if opened:
                    problems.append(split_problem(para, para.text[opened[1] : match.start()].strip()))
                opened = (token, match.start())
            elif opened and CLOSER_OF[opened[0]] == token:
                opened = None
            elif not opened and not carried:  # the start was reported with the paragraph before
                message = (
                    f"Phần cuối thẻ “{token}” ở {para.where} không có phần đầu trong cùng đoạn: {RETYPE}"
                )
                problems.append(error("TEMPLATE_SPLIT_TAG", message, para.where))
        if opened:
            problems.append(split_problem(para, para.text[opened[1] :].strip()))
        carried = opened is not None
    return problems


RETYPE = "gõ lại cả thẻ trong một đoạn, không xuống dòng."


def split_problem(para: Para, fragment: str) -> Problem:
    shown = fragment if len(fragment) <= 40 else fragment[:40] + "…"
    return error(
        "TEMPLATE_SPLIT_TAG", f"Thẻ {shown} bị tách sang đoạn khác ở {para.where}: {RETYPE}", para.where
    )


def row_tags(paras: list[Para]) -> list[Problem]:
    """`{%tr %}`/`{%tc %}` must sit in a table row, and docxtpl drops that whole row when rendering."""
    problems = []
    rows_with_tags: dict[object, tuple[str, str]] = {}
    for para in paras:
        for match in BLOCK_TAG.finditer(para.text):
            prefix = match.group(1)
            if prefix not in ROW_PREFIXES:
                continue
            if para.row is None:
                message = (
                    f"Thẻ {match.group()} ở {para.where} không nằm trong bảng: thẻ {{%{prefix} %}} phải đặt "
                    "trong một hàng của bảng (hoặc đổi thành {%p … %} nếu lặp đoạn văn)."
                )
                problems.append(error("TEMPLATE_ROW_TAG", message, para.where))
            elif prefix == "tr":
                rows_with_tags.setdefault(para.row, (match.group(), para.where))
    for row, (tag, where) in rows_with_tags.items():
        others = [p for p in paras if p.row is row and p.text.strip() and not BLOCK_TAG.search(p.text)]
        if others:
            text = others[0].text.strip()[:30]
            message = (
                f"Hàng chứa thẻ {tag} ({where}) còn có chữ “{text}”: cả hàng này bị xóa khi điền mẫu. "
                "Chuyển chữ đó sang hàng khác."
            )
            problems.append(Problem("TEMPLATE_ROW_TAG", WARNING, message, where))
    return problems


def blocks(paras: list[Para]) -> list[Problem]:
    """`{% if %}`/`{% for %}` need their `{% endif %}`/`{% endfor %}`, of the same kind (p, tr, tc)."""
    problems: list[Problem] = []
    stack: list[tuple[str, str, str, str]] = []  # keyword, prefix, tag text, where
    for para in paras:
        for match in BLOCK_TAG.finditer(para.text):
            prefix, keyword, tag = match.group(1) or "", match.group(2), match.group()
            if keyword in OPENERS:
                stack.append((keyword, prefix, tag, para.where))
            elif keyword in OPENERS.values():
                problems += close_block(stack, keyword, prefix, tag, para.where)
    for keyword, prefix, tag, where in stack:
        closing = tag_text(prefix, OPENERS[keyword])
        message = f"Thẻ {tag} ở {where} chưa có thẻ đóng {closing}: thêm thẻ đóng sau phần cần lặp/điều kiện."
        problems.append(error("TEMPLATE_UNBALANCED", message, where))
    return problems


def tag_text(prefix: str, keyword: str) -> str:
    """How to write a closing tag: "{%p endfor %}", "{% endif %}"."""
    return f"{{%{prefix} {keyword} %}}" if prefix else f"{{% {keyword} %}}"


def close_block(stack: list, keyword: str, prefix: str, tag: str, where: str) -> list[Problem]:
    if not stack:
        message = f"Thẻ đóng {tag} ở {where} không có thẻ mở tương ứng: xóa thẻ này hoặc thêm thẻ mở."
        return [error("TEMPLATE_UNBALANCED", message, where)]
    open_keyword, open_prefix, open_tag, open_where = stack.pop()
    if OPENERS[open_keyword] != keyword:
        message = (
            f"Thẻ đóng {tag} ở {where} đóng nhầm khối {open_tag} (mở ở {open_where}): cần "
            f"{tag_text(open_prefix, OPENERS[open_keyword])} trước."
        )
        return [error("TEMPLATE_UNBALANCED", message, where)]
    if open_prefix != prefix:
        # docxtpl turns {%tr %} into a row-level tag: a plain closer leaves the row XML half-open.
        message = (
            f"Thẻ mở {open_tag} ({open_where}) và thẻ đóng {tag} ({where}) khác loại: hai thẻ phải "
            f"cùng dạng. Sửa thẻ đóng thành {tag_text(open_prefix, keyword)}."
        )
        return [error("TEMPLATE_UNPAIRED", message, where)]
    return []


def syntax_problem(scan: render.TemplateScan) -> Problem:
    near = f" gần “{scan.error_text}”" if scan.error_text else ""
    part = PART_RE.fullmatch(scan.error_part)
    where = PART_LABELS.get(re.sub(r"\d+", "", part.group(1)), "") if part else ""
    where = where or "thân văn bản"
    message = (
        f"Mẫu có thẻ sai cú pháp{near} ({where}): kiểm tra dấu ngoặc và tên lệnh, ví dụ {{{{ ten_bien }}}} "
        f"hoặc {{% for x in danh_sach %}} … {{% endfor %}}. Chi tiết kỹ thuật: {scan.error}"
    )
    return error("TEMPLATE_SYNTAX", message, where)


def variable_problems(used: frozenset[str], known: set[str], parts: dict[str, list[Para]]) -> list[Problem]:
    problems = []
    every = [para for paras in parts.values() for para in paras]
    for name in sorted(used - known):
        pattern = rf"\{{[{{%][^}}%]*\b{re.escape(name)}\b"
        where = next((p.where for p in every if re.search(pattern, p.text)), "")
        message = (
            f"Thẻ dùng biến “{name}”{' ở ' + where if where else ''} nhưng dữ liệu không có biến này: "
            f"sửa tên cho đúng (các biến có: {', '.join(sorted(known))}) hoặc xóa thẻ."
        )
        problems.append(error("TEMPLATE_UNKNOWN_VARIABLE", message, where))
    for name in sorted(known - used):
        if name in REQUIRED:
            message = (
                f"Mẫu không còn thẻ {{{{ {name} }}}} (mã văn bản ở chân trang, cần để nhận ra bản đã ký khi "
                "lưu trữ): thêm lại thẻ vào chân trang."
            )
            problems.append(error("TEMPLATE_MISSING_VARIABLE", message))
        else:
            message = (
                f"Mẫu không còn thẻ {{{{ {name} }}}}: văn bản sẽ thiếu nội dung này. Thêm lại thẻ nếu "
                "không cố ý xóa."
            )
            problems.append(Problem("TEMPLATE_MISSING_VARIABLE", WARNING, message))
    return problems

"""pipeline.template_lint: each way to break a template in Word gets a named, fixable finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from pipeline.build import TEMPLATE_VARIABLES
from pipeline.config import REPO_TEMPLATES
from pipeline.model import ERROR, WARNING
from pipeline.template_lint import lint_template, lint_templates


def make_template(
    path: Path, paragraphs: list[str | list[str]], rows: list[list[str]] | None = None, footer: str = ""
) -> Path:
    """A .docx with the given paragraphs (a list of strings = one paragraph split into runs), an optional
    table and footer text."""
    doc = Document()
    for runs in paragraphs:
        paragraph = doc.add_paragraph()
        for text in [runs] if isinstance(runs, str) else runs:
            paragraph.add_run(text)
    if rows:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for cells in rows:
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(path)
    return path


def codes(problems) -> list[tuple[str, str]]:
    return [(problem.code, problem.severity) for problem in problems]


@pytest.mark.parametrize("name", sorted(TEMPLATE_VARIABLES))
def test_shipped_templates_are_clean(name):
    assert lint_template(REPO_TEMPLATES / name) == []


def test_lint_templates_checks_the_output_templates_of_a_folder(tmp_path):
    make_template(tmp_path / "quyet-dinh.docx", ["{{ subjet }}"])
    make_template(tmp_path / "mau-de-nghi.docx", ["{{ anything }}"])  # a form, not an output template
    results = lint_templates(tmp_path)
    assert list(results) == ["quyet-dinh.docx"]
    assert ("TEMPLATE_UNKNOWN_VARIABLE", ERROR) in codes(results["quyet-dinh.docx"])


def test_tag_split_across_paragraphs_is_named_with_the_fix(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ ten_mo_hinh", "}}"])
    problems = lint_template(template, {"ten_mo_hinh"})
    assert codes(problems) == [("TEMPLATE_SPLIT_TAG", ERROR)]
    assert problems[0].message == (
        "Thẻ {{ ten_mo_hinh bị tách sang đoạn khác ở đoạn 1: gõ lại cả thẻ trong một đoạn, không xuống dòng."
    )
    assert problems[0].where == "đoạn 1"


def test_tag_split_across_runs_of_one_paragraph_is_fine(tmp_path):
    template = make_template(tmp_path / "t.docx", [["Tên: {{ ten_", "mo_hi", "nh }}"]])
    assert lint_template(template, {"ten_mo_hinh"}) == []


def test_closing_part_without_its_opening(tmp_path):
    template = make_template(tmp_path / "t.docx", ["ten_mo_hinh }}"])
    problems = lint_template(template, {"ten_mo_hinh"})
    assert codes(problems) == [("TEMPLATE_SPLIT_TAG", ERROR)]
    assert "Phần cuối thẻ “}}” ở đoạn 1" in problems[0].message


def test_split_tag_in_the_footer_says_where(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ doc_code }}"], footer="{% if x")
    problems = lint_template(template, {"doc_code"})
    assert codes(problems) == [("TEMPLATE_SPLIT_TAG", ERROR)]
    assert problems[0].where == "chân trang, đoạn 1"


def test_unknown_variable_names_the_tag_and_the_known_ones(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ subject }}", "{{ ten_mo_hinh }}", "{{ doc_code }}"])
    problems = lint_template(template, {"subject", "doc_code"})
    assert codes(problems) == [("TEMPLATE_UNKNOWN_VARIABLE", ERROR)]
    assert problems[0].message == (
        "Thẻ dùng biến “ten_mo_hinh” ở đoạn 2 nhưng dữ liệu không có biến này: sửa tên cho đúng "
        "(các biến có: doc_code, subject) hoặc xóa thẻ."
    )


def test_missing_variables_warn_and_a_missing_document_code_is_an_error(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ subject }}"])
    problems = lint_template(template, {"subject", "signer_name", "doc_code"})
    assert codes(problems) == [("TEMPLATE_MISSING_VARIABLE", ERROR), ("TEMPLATE_MISSING_VARIABLE", WARNING)]
    assert "{{ doc_code }}" in problems[0].message and "chân trang" in problems[0].message
    assert "{{ signer_name }}" in problems[1].message


def test_loop_variables_are_not_unknown(tmp_path):
    template = make_template(
        tmp_path / "t.docx", ["{%p for line in recipients %}", "{{ line }} {{ loop.index }}", "{%p endfor %}"]
    )
    assert lint_template(template, {"recipients"}) == []


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["{%p for x in xs %}", "{{ x }}"], "Thẻ {%p for x in xs %} ở đoạn 1 chưa có thẻ đóng {%p endfor %}"),
        (["{{ xs }}", "{%p endif %}"], "Thẻ đóng {%p endif %} ở đoạn 2 không có thẻ mở tương ứng"),
        (
            ["{%p for x in xs %}", "{%p endif %}"],
            "Thẻ đóng {%p endif %} ở đoạn 2 đóng nhầm khối {%p for x in xs %} (mở ở đoạn 1)",
        ),
    ],
)
def test_unbalanced_blocks(tmp_path, paragraphs, expected):
    template = make_template(tmp_path / "t.docx", paragraphs)
    problems = lint_template(template, {"xs"})
    assert codes(problems) == [("TEMPLATE_UNBALANCED", ERROR)]
    assert problems[0].message.startswith(expected)


def test_row_tag_outside_a_table(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{%tr for row in rows %}", "{{ row }}", "{%tr endfor %}"])
    problems = lint_template(template, {"rows"})
    assert codes(problems) == [("TEMPLATE_ROW_TAG", ERROR), ("TEMPLATE_ROW_TAG", ERROR)]
    assert problems[0].message.startswith("Thẻ {%tr for row in rows %} ở đoạn 1 không nằm trong bảng")


def test_row_tag_closed_by_a_plain_tag_is_unpaired(tmp_path):
    rows = [["{%tr for row in rows %}", ""], ["{{ row.stt }}", "{{ row.name }}"], ["{% endfor %}", ""]]
    problems = lint_template(make_template(tmp_path / "t.docx", [], rows), {"rows"})
    assert codes(problems) == [("TEMPLATE_UNPAIRED", ERROR)]
    assert "Sửa thẻ đóng thành {%tr endfor %}" in problems[0].message
    assert problems[0].where == "bảng 1, hàng 3, cột 1 (đoạn 5)"


def test_text_in_a_row_that_docxtpl_removes_is_a_warning(tmp_path):
    rows = [["{%tr for row in rows %}", "Ghi chú"], ["{{ row }}", ""], ["{%tr endfor %}", ""]]
    problems = lint_template(make_template(tmp_path / "t.docx", [], rows), {"rows"})
    assert codes(problems) == [("TEMPLATE_ROW_TAG", WARNING)]
    assert "“Ghi chú”" in problems[0].message


def test_jinja_syntax_error_is_reported_with_the_text_near_it(tmp_path):
    template = make_template(tmp_path / "t.docx", ["Mở đầu", "Tên {{ name | }}"])
    problems = lint_template(template, {"name"})
    assert codes(problems) == [("TEMPLATE_SYNTAX", ERROR)]
    assert "gần “Tên {{ name | }}”" in problems[0].message


def test_a_file_that_is_not_a_docx_is_unreadable(tmp_path):
    path = tmp_path / "quyet-dinh.docx"
    path.write_bytes(b"not a zip")
    assert codes(lint_template(path)) == [("TEMPLATE_UNREADABLE", ERROR)]

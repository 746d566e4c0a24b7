"""pipeline.render: sandboxed, autoescaped, strict rendering; atomic writes; page set-up; reading back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx.enum.text
import pytest
from docx import Document

from pipeline import render
from pipeline.model import DvkError


def make_template(path: Path, paragraphs: list[str], rows: list[list[str]] | None = None) -> Path:
    """A .docx whose paragraphs (and optional table rows) hold the given texts, one run each."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if rows:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for cells in rows:
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    doc.save(path)
    return path


def body_texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_special_characters_print_as_typed_and_xml_stays_valid(tmp_path):
    template = make_template(tmp_path / "t.docx", ["Tên: {{ name }}"])
    name = "Phòng LĐ-TB & XH <2020> \"Dân vận khéo\" 'tốt'"
    out = render.render_document(template, {"name": name}, tmp_path / "out" / "o.docx")
    assert body_texts(out) == [f"Tên: {name}"]
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "&amp; XH &lt;2020&gt;" in xml


def test_markup_in_a_value_is_not_interpreted(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ name }}"])
    name = "</w:t></w:r><w:r><w:t>chèn"
    out = render.render_document(template, {"name": name}, tmp_path / "o.docx")
    assert body_texts(out) == [name]


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ name.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_sandbox_blocks_python_internals(tmp_path, tag):
    template = make_template(tmp_path / "t.docx", [tag])
    out = tmp_path / "o.docx"
    with pytest.raises(DvkError) as error:
        render.render_document(template, {"name": "x"}, out)
    assert "không an toàn" in str(error.value)
    assert not out.exists()


def test_missing_variable_is_an_error_naming_it(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ ten_mo_hinh }}"])
    with pytest.raises(DvkError, match=r"biến \{\{ ten_mo_hinh \}\}"):
        render.render_document(template, {"name": "x"}, tmp_path / "o.docx")


def test_missing_attribute_is_an_error_naming_it(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ m.nme }}"])
    with pytest.raises(DvkError, match=r"\{\{ nme \}\}"):
        render.render_document(template, {"m": {"name": "x"}}, tmp_path / "o.docx")


def test_failed_render_keeps_the_previous_output_and_leaves_no_temp_file(tmp_path):
    good = make_template(tmp_path / "good.docx", ["{{ name }}"])
    bad = make_template(tmp_path / "bad.docx", ["{{ missing }}"])
    out_dir = tmp_path / "out"
    out = render.render_document(good, {"name": "bản cũ"}, out_dir / "o.docx")
    with pytest.raises(DvkError):
        render.render_document(bad, {"name": "bản mới"}, out)
    assert body_texts(out) == ["bản cũ"]
    assert sorted(p.name for p in out_dir.iterdir()) == ["o.docx"]


def test_missing_template_is_reported(tmp_path):
    with pytest.raises(DvkError, match="Không tìm thấy mẫu"):
        render.render_document(tmp_path / "nope.docx", {}, tmp_path / "o.docx")


def test_page_setup_from_config_wins_over_the_template(tmp_path):
    template = make_template(tmp_path / "t.docx", ["{{ name }}"])
    page = {"top": 25, "bottom": 25, "left": 35, "right": 15, "font": "Times New Roman", "body_size": 13}
    out = render.render_document(template, {"name": "x", "page": page}, tmp_path / "o.docx")
    doc = Document(str(out))
    section = doc.sections[0]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(margin.mm, 1) for margin in margins] == [25, 25, 35, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size.pt == 13


def test_table_rows_repeat_with_tr_tags(tmp_path):
    rows = [
        ["STT", "Tên"],
        ["{%tr for r in rows %}", ""],
        ["{{ r.stt }}", "{{ r.name }}"],
        ["{%tr endfor %}", ""],
    ]
    template = make_template(tmp_path / "t.docx", [], rows)
    context = {"rows": [{"stt": 1, "name": "A & B"}, {"stt": 2, "name": "<C>"}]}
    out = render.render_document(template, context, tmp_path / "o.docx")
    assert render.read_back(out).tables == ((("STT", "Tên"), ("1", "A & B"), ("2", "<C>")),)


def test_read_back_counts_a_merged_cell_once(tmp_path):
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    merged = table.rows[0].cells[0].merge(table.rows[0].cells[2])
    merged.text = "I. MÔ HÌNH TẬP THỂ"
    for cell, text in zip(table.rows[1].cells, ["1", "Tên", "Tốt"], strict=True):
        cell.text = text
    doc.add_paragraph("Điều 1.")
    doc.save(tmp_path / "m.docx")
    text = render.read_back(tmp_path / "m.docx")
    assert text.tables == ((("I. MÔ HÌNH TẬP THỂ",), ("1", "Tên", "Tốt")),)
    assert text.paragraphs == ("Điều 1.",)


def test_scan_template_lists_variables_without_loop_names(tmp_path):
    template = make_template(
        tmp_path / "t.docx", ["{{ subject }}", "{%p for line in recipients %}", "{{ line }}", "{%p endfor %}"]
    )
    scan = render.scan_template(template)
    assert scan.error == ""
    assert scan.variables == {"subject", "recipients"}


def test_scan_template_reports_a_syntax_error_with_its_text(tmp_path):
    template = make_template(tmp_path / "t.docx", ["Đầu", "Tên {{ name | }} cuối"])
    scan = render.scan_template(template)
    assert scan.error
    assert scan.error_part == "word/document.xml"
    assert "Tên {{ name | }} cuối" in scan.error_text


def page_template(path: Path, break_between: bool) -> Path:
    """One page per item: a page break paragraph between items, or "page break before" on each title."""
    doc = Document()
    doc.add_paragraph("{%p for c in items %}")
    title = doc.add_paragraph("GIẤY CHỨNG NHẬN {{ c }}")
    title.paragraph_format.page_break_before = not break_between
    if break_between:
        doc.add_paragraph("{%p if not loop.last %}")
        doc.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(path)
    return path


def page_breaks(path: Path) -> int:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").count(b'w:type="page"')


@pytest.mark.parametrize("break_between", [True, False])
def test_pages_rendered_in_chunks_read_as_one_rendering(tmp_path, break_between):
    template = page_template(tmp_path / "t.docx", break_between)
    items = [f"số {index} & <{index}>" for index in range(7)]
    whole = render.render_document(template, {"items": items}, tmp_path / "whole.docx")
    checked = []
    joined = render.render_pages(
        template,
        {"items": items},
        "items",
        tmp_path / "out" / "joined.docx",
        check=lambda path, chunk: checked.append(items[chunk]),
        per_chunk=3,
    )
    assert body_texts(joined) == body_texts(whole)
    assert page_breaks(joined) == page_breaks(whole) == (6 if break_between else 0)
    assert checked == [items[0:3], items[3:6], items[6:7]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["joined.docx"]


def test_a_chunk_failing_its_check_leaves_no_output(tmp_path):
    template = page_template(tmp_path / "t.docx", True)

    def refuse_second(path, chunk):
        if chunk.start:
            raise DvkError("thiếu giấy chứng nhận")

    with pytest.raises(DvkError):
        render.render_pages(
            template, {"items": list("abcde")}, "items", tmp_path / "out" / "j.docx", refuse_second, 2
        )
    assert list((tmp_path / "out").iterdir()) == []


def test_a_package_with_a_malformed_part_is_refused(tmp_path):
    path = tmp_path / "hỏng.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document><w:body></w:document>")
    with pytest.raises(DvkError, match="không mở được"):
        render.check_well_formed(path)


def python_docx_text(path: Path) -> render.RenderedText:
    """The reading `read_back` must agree with: python-docx's own objects."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = Document(str(path))
    tables = tuple(
        tuple(
            tuple("\n".join(Paragraph(p, None).text for p in tc.iter(qn("w:p"))) for tc in row._tr.tc_lst)
            for row in table.rows
        )
        for table in document.tables
    )
    footers = tuple(
        paragraph.text
        for section in document.sections
        for footer in (section.footer, section.first_page_footer)
        for paragraph in footer.paragraphs
    )
    return render.RenderedText(tuple(p.text for p in document.paragraphs), tables, footers)


def test_read_back_reads_what_python_docx_reads(tmp_path):
    doc = Document()
    doc.add_paragraph("Tiêu đề\tcó tab")
    run = doc.add_paragraph("Dòng một").add_run()
    run.add_break()
    run.add_text("dòng hai")
    doc.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Ô gộp"
    table.cell(0, 2).text = "Tên & <mã>"
    inner = table.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "trong", "bảng con"
    table.cell(1, 1).text = "B"
    doc.add_section()
    doc.add_paragraph("Phần hai")
    doc.sections[0].footer.paragraphs[0].text = "QĐ-2020-A1"
    doc.sections[0].different_first_page_header_footer = True
    doc.sections[0].first_page_footer.paragraphs[0].text = "trang đầu"
    path = tmp_path / "đọc lại.docx"
    doc.save(path)
    assert render.read_back(path) == python_docx_text(path)
    assert render.read_back(path).footers[:2] == ("QĐ-2020-A1", "trang đầu")

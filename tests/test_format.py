"""Issue 15: the last details of the official format, read from the rendered XML, in both profiles, and
`dvk format check` against the checklist of each profile."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from lxml import etree

from pipeline import build, format_check, layout, render
from pipeline.check import who_label
from pipeline.cli import main
from pipeline.config import DEFAULT_CONFIG, init_workspace, load_workspace, parse_config
from pipeline.model import ConfigError, FieldValue, Kind, Model, Record
from pipeline.vntext import typographic_quotes
from tools.make_format_docs import sample_workspace, state_config

W = layout.W
ROOT = Path(__file__).parent.parent
CITY = "Cấp thành phố"
SEED_UNITS = ("Chi bộ Tòa án", "Phòng Kinh tế", "Hội Nông dân thành phố")


def models() -> list[Model]:
    """Names of different lengths (one very long), straight quotes as units type them, an individual."""
    names = [
        'Tuyến đường "Sáng - Xanh - Sạch - Đẹp"',
        "Sổ vàng",
        "Hướng dẫn phân loại, xử lý rác thải sinh hoạt gia đình tại ấp Đông Bình, xã Tân Thành, gắn với "
        "xây dựng khu dân cư kiểu mẫu và tuyến đường không rác",
        "Chung tay vì người nghèo",
    ]
    made = [
        Model(f"m{i}", name, SEED_UNITS[i % 3], CITY, "Tập thể", "Kinh tế", "Tốt" if i % 2 else "Khá")
        for i, name in enumerate(names)
    ]
    made.append(
        Model(
            "m9",
            "Phụ nữ tiết kiệm",
            "Trần Thị Mỹ Linh, Phó Chủ tịch Hội",
            CITY,
            "Cá nhân",
            "Xây dựng hệ thống chính trị",
            "Tốt",
        )
    )
    return made


def workspace_for(root: Path, profile: str, **format_changes):
    init_workspace(root)
    if profile == "state":
        (root / "dvk.toml").write_text(state_config(), encoding="utf-8")
    workspace = load_workspace(root)
    if format_changes:
        config = workspace.config
        workspace = replace(workspace, config=replace(config, format={**config.format, **format_changes}))
    return workspace


@pytest.fixture(scope="module", params=["party", "state"])
def built(request, tmp_path_factory):
    workspace = workspace_for(tmp_path_factory.mktemp(request.param), request.param)
    documents = build.build_documents(workspace, models(), 40)
    return request.param, {(d.kind, d.level): d for d in documents}


def body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def texts(path: Path) -> list[str]:
    return [p.replace("\xa0", " ").strip() for p in render.read_back(path).paragraphs]


def paragraph_with(root: etree._Element, start: str) -> etree._Element:
    return next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).replace("\xa0", " ").startswith(start))


def rule_ratio(root: etree._Element, paragraph: etree._Element, path: Path) -> float:
    [(owner, run)] = [(p, r) for p, r in layout.rule_runs(root) if p is paragraph]
    styles = layout.styles_of(Document(str(path)))
    room = layout.room_of(paragraph, root.find(f"{W}body"))
    return layout.rule_length(run) / layout.longest_line(paragraph, run, styles, room)


# ---------------------------------------------------------------------------- rules


def test_subject_rule_is_in_the_subject_paragraph_and_a_third_to_half_of_its_line(built):
    profile, documents = built
    path = documents[("decision", CITY)].path
    root = body(path)
    subject = paragraph_with(root, "Về việc" if profile == "state" else "về việc")
    assert 1 / 3 <= rule_ratio(root, subject, path) <= 1 / 2
    follower = subject.getnext()
    assert follower.find(f"{W}pPr/{W}pBdr") is None, "no floating rule paragraph under the subject"
    # About 145 mm of text: the rule is now 58 mm, not the 30 mm of an empty paragraph's border.
    [(_, run)] = [(p, r) for p, r in layout.rule_runs(root) if p is subject]
    assert 50 <= layout.rule_length(run) / 72 * 25.4 <= 70


def test_state_issuer_rule_is_in_the_issuer_paragraph(built):
    profile, documents = built
    path = documents[("decision", CITY)].path
    root = body(path)
    rules = layout.rule_runs(root)
    if profile == "party":
        assert len(rules) == 1  # the subject's: HD 36 puts a "*" under the issuing body, not a rule
        assert any("".join(p.itertext()) == "*" for p in root.iter(f"{W}p"))
        return
    issuer = paragraph_with(root, "ỦY BAN NHÂN DÂN")
    assert 1 / 3 <= rule_ratio(root, issuer, path) <= 1 / 2
    assert not any(
        p.find(f"{W}pPr/{W}pBdr") is not None and not "".join(p.itertext()).strip()
        for p in root.iter(f"{W}p")
    ), "no rule lives in an empty paragraph"


def test_attached_line_of_the_list_carries_its_rule_and_keeps_the_name_together(built):
    profile, documents = built
    path = documents[("list", CITY)].path
    root = body(path)
    attached = paragraph_with(root, "(Kèm theo")
    assert 1 / 3 <= rule_ratio(root, attached, path) <= 1 / 2
    text = "".join(attached.itertext())
    authority = "Ủy ban nhân dân thành phố Ngã Bảy" if profile == "state" else "Ban Thường vụ Thành ủy"
    assert text.endswith(f"của {authority.replace(' ', chr(0xA0))})"), "no break inside the name"


def test_tieu_ngu_and_party_name_rules_stay_borders_of_their_own_text(built):
    profile, documents = built
    root = body(documents[("decision", CITY)].path)
    line = paragraph_with(root, "Độc lập - Tự do" if profile == "state" else "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert line.find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}val") == "single"


# ---------------------------------------------------------------------------- weights, quotes, counts


def test_signer_title_is_upright_for_the_party_and_bold_for_the_state(built):
    profile, documents = built
    for kind in ("decision", "report"):
        path = documents[(kind, CITY if kind == "decision" else None)].path
        document = Document(str(path))
        signature = document.tables[-1].rows[0].cells[1]
        title = next(p for p in signature.paragraphs if p.text in ("PHÓ BÍ THƯ", "CHỦ TỊCH"))
        # The State report has its own NĐ 30 template (issue 12): bold title there too.
        assert all(bool(run.bold) == (profile == "state") for run in title.runs)
        assert not any(run.italic for run in title.runs)
        name = next(p for p in signature.paragraphs if p.text in ("Nguyễn Văn A", "Trần Văn B"))
        assert all(run.bold for run in name.runs)
    certificates = Document(str(documents[("certificates", None)].path))
    titles = [
        p
        for table in certificates.tables
        for p in table.rows[0].cells[1].paragraphs
        if p.text in ("PHÓ BÍ THƯ", "CHỦ TỊCH")
    ]
    assert len(titles) == len(models())
    assert all(bool(run.bold) == (profile == "state") for p in titles for run in p.runs)


def test_one_typographic_quote_convention_in_every_output(built):
    _, documents = built
    for document in documents.values():
        text = " ".join(render.read_back(document.path).paragraphs) + " ".join(
            cell for table in render.read_back(document.path).tables for row in table for cell in row
        )
        assert '"' not in text, document.path.name
        assert text.count("“") == text.count("”") > 0, document.path.name
    grounds = " ".join(texts(documents[("decision", CITY)].path))
    assert "“Dân vận khéo” năm 2020;" in grounds  # typed with straight quotes in dvk.toml


def test_typographic_quotes_open_after_space_and_close_after_a_word():
    assert typographic_quotes('thi đua "Dân vận khéo" năm 2020') == "thi đua “Dân vận khéo” năm 2020"
    assert typographic_quotes('("a", "b")') == "(“a”, “b”)"
    assert typographic_quotes("không có") == "không có"


def counts_of(documents) -> tuple[str, list[str], str]:
    article = next(p for p in texts(documents[("decision", CITY)].path) if p.startswith("Điều 1."))
    table = render.read_back(documents[("list", CITY)].path).tables[-1]
    headings = [row[0] for row in table if len(row) == 1]
    report = "\n".join(texts(documents[("report", None)].path))
    return article, headings, report


def test_counts_are_padded_everywhere_by_default(built):
    _, documents = built
    article, headings, report = counts_of(documents)
    assert article.startswith("Điều 1. Công nhận 05 (năm) mô hình")
    assert (
        "(gồm 04 mô hình tập thể và 01 mô hình cá nhân; xếp loại Tốt 03 mô hình, xếp loại Khá 02 mô hình)"
        in article
    )
    assert headings == [
        "I. MÔ HÌNH TẬP THỂ (04 mô hình)",
        "1. Xếp loại Tốt (02 mô hình)",
        "2. Xếp loại Khá (02 mô hình)",
        "II. MÔ HÌNH CÁ NHÂN (01 mô hình)",
        "1. Xếp loại Tốt (01 mô hình)",
    ]
    assert (
        "đã công nhận 05 (năm) mô hình" in report
        and "(gồm 04 mô hình tập thể và 01 mô hình cá nhân)" in report
    )


def test_plain_count_style_is_applied_everywhere(tmp_path):
    workspace = workspace_for(tmp_path, "party", counts="plain")
    documents = {(d.kind, d.level): d for d in build.build_documents(workspace, models(), 40)}
    article, headings, report = counts_of(documents)
    assert article.startswith("Điều 1. Công nhận 5 (năm) mô hình")
    assert (
        "(gồm 4 mô hình tập thể và 1 mô hình cá nhân; xếp loại Tốt 3 mô hình, xếp loại Khá 2 mô hình)"
        in article
    )
    assert headings[0] == "I. MÔ HÌNH TẬP THỂ (4 mô hình)"
    assert "đã công nhận 5 (năm) mô hình" in report and re.search(r"\b0\d mô hình", report) is None


def config_data(text: str | None = None) -> dict:
    return tomllib.loads(text or DEFAULT_CONFIG.read_text(encoding="utf-8"))


def test_unknown_count_style_and_draft_month_are_config_errors():
    data = config_data()
    data["format"]["counts"] = "zero"
    with pytest.raises(ConfigError, match="format.counts"):
        parse_config(data)
    data = config_data()
    data["decision"]["draft_month"] = 13
    with pytest.raises(ConfigError, match="decision.draft_month"):
        parse_config(data)


# ---------------------------------------------------------------------------- the State profile


def test_state_body_ends_with_slash_dot_after_the_last_article(built):
    profile, documents = built
    last = [p for p in texts(documents[("decision", CITY)].path) if p.startswith("Điều ")][-1]
    assert last.endswith("thi hành Quyết định này./." if profile == "state" else "thi hành Quyết định này.")


def test_state_parent_may_be_empty_but_a_party_parent_may_not():
    state = config_data(state_config())
    assert state["issuer"]["parent"] == ""
    assert parse_config(state).issuer["parent"] == ""
    del state["issuer"]["parent"]
    assert parse_config(state).issuer["parent"] == ""
    party = config_data()
    party["issuer"]["parent"] = ""
    with pytest.raises(ConfigError, match="issuer.parent"):
        parse_config(party)


def test_state_header_without_parent_has_no_empty_line(built):
    profile, documents = built
    left = render.read_back(documents[("decision", CITY)].path).tables[0][0][0]
    if profile == "state":
        assert left.strip() == "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ NGÃ BẢY"
    else:
        assert left == "ĐẢNG BỘ TỈNH HẬU GIANG\nTHÀNH ỦY NGÃ BẢY\n*"


def test_state_draft_leaves_day_and_month_blank_unless_configured(built, tmp_path):
    profile, documents = built
    date_line = render.read_back(documents[("decision", CITY)].path).tables[0][1][1]
    if profile == "state":
        assert date_line == "Ngã Bảy, ngày    tháng    năm 2020"
        workspace = workspace_for(tmp_path, "state")
        config = workspace.config
        workspace = replace(
            workspace, config=replace(config, decision={**config.decision, "draft_month": 12})
        )
        decision = build.build_documents(workspace, models(), 40)[0]
        assert render.read_back(decision.path).tables[0][1][1] == "Ngã Bảy, ngày    tháng 12 năm 2020"
    else:
        assert re.fullmatch(r"Ngã Bảy, ngày    tháng \d{1,2} năm 2020", date_line)


# ---------------------------------------------------------------------------- the list


def test_list_columns_follow_the_content_and_headings_do_not_wrap(built):
    _, documents = built
    path = documents[("list", CITY)].path
    root = body(path)
    table = root.findall(f"{W}body/{W}tbl")[-1]
    widths = [int(col.get(f"{W}w")) / 20 for col in table.findall(f"{W}tblGrid/{W}gridCol")]
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    assert sum(widths) <= layout.body_width(root.find(f"{W}body")) + 1  # the default page: 165 mm
    styles = layout.styles_of(Document(str(path)))
    header = table.find(f"{W}tr")
    padding = layout.cell_margins(table)
    for cell, width in zip(header.findall(f"{W}tc"), widths, strict=True):
        [line] = [line for p in cell.findall(f"{W}p") for line in layout.paragraph_lines(p, styles)]
        assert layout.line_width(line) <= width - padding, "a heading fits on one line"
        assert int(cell.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) == round(width * 20)
    # The long model names get the room: the name column is the widest.
    assert widths[1] == max(widths)


def test_share_room_gives_the_room_where_it_saves_lines():
    # Three columns: a fixed heading width, long names (three rows of 300 pt), short units.
    needs = layout.ColumnNeeds([20, 30, 30], [20, 300, 80], [[(10,), (300,), (80,)]] * 3)
    widths = layout.share_room(needs, 200, padding=5)
    assert 25.8 <= widths[0] < 28  # its narrowest need with padding (and a share of the last spread)
    assert widths[1] > 1.5 * widths[2] and round(sum(widths)) == 200
    everything_fits = layout.ColumnNeeds([10, 10], [20, 20], [[(20,), (20,)]])
    assert [round(w) for w in layout.share_room(everything_fits, 100, padding=0)] == [50, 50]


def test_individual_row_does_not_repeat_the_unit():
    fields = {
        "person_name": "Trần Thị Mỹ Linh",
        "person_position": "Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố",
        "unit": "Hội Liên hiệp Phụ nữ thành phố",
        "model_type": "Cá nhân",
    }
    record = Record(
        Kind.PROPOSAL, "a.docx", "", {key: FieldValue(value, "") for key, value in fields.items()}
    )
    config = load_workspace(ROOT).config
    assert who_label(record, config) == "Trần Thị Mỹ Linh, Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố"
    other = replace(record, fields={**record.fields, "person_position": FieldValue("Chuyên viên", "")})
    assert who_label(other, config) == "Trần Thị Mỹ Linh, Chuyên viên, Hội Liên hiệp Phụ nữ thành phố"


# ---------------------------------------------------------------------------- dvk format check


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("profile", ["party", "state"])
def test_format_check_passes_on_the_bundled_samples(tmp_path, profile):
    root = sample_workspace(tmp_path / profile, profile == "state")
    assert invoke("run", "-w", str(root), "--json", "--as-proposed").exit_code == 0
    decisions = sorted((root / "outputs" / "2020" / "quyet-dinh").glob("*.docx"))
    lists = sorted((root / "outputs" / "2020" / "danh-sach").glob("*.docx"))
    assert len(decisions) == len(lists) == 2
    result = invoke("format", "check", "-w", str(root), *map(str, decisions + lists))
    assert result.exit_code == 0, result.output
    expected = 26 if profile == "state" else 24
    assert result.output.count(f"đạt {expected}/{expected} yếu tố thể thức") == 2
    assert result.output.count("đạt 17/17 yếu tố thể thức") == 2  # the lists
    templates = invoke("format", "check", "-w", str(root), "--json")
    assert templates.exit_code == 0, templates.output
    checked = json.loads(templates.output)
    assert sorted(checked) == sorted(
        ["quyet-dinh-ubnd.docx", "danh-sach-ubnd.docx"]
        if profile == "state"
        else ["quyet-dinh.docx", "danh-sach.docx"]
    )
    assert all(check["passed"] for checks in checked.values() for check in checks)


def test_format_check_fails_on_a_template_with_a_broken_header(tmp_path):
    root = init_workspace(tmp_path / "ws")
    template = root / "templates_docx" / "quyet-dinh.docx"
    document = Document(str(template))
    header = document.tables[0].rows[0].cells
    for paragraph in header[1].paragraphs:  # the Party name typed upright, its rule deleted
        for run in paragraph.runs:
            run.bold = False
        for border in paragraph._p.iter(f"{W}pBdr"):
            border.getparent().remove(border)
    star = next(p for p in header[0].paragraphs if p.text == "*")
    star._p.getparent().remove(star._p)
    document.save(str(template))
    result = invoke("format", "check", "-w", str(root))
    assert result.exit_code == 1
    assert "quyet-dinh.docx: đạt 21/24 yếu tố thể thức" in result.output
    assert "sai: Tên Đảng (ĐẢNG CỘNG SẢN VIỆT NAM) — “ĐẢNG CỘNG SẢN VIỆT NAM”: cần chữ đậm" in result.output
    assert "sai: Đường kẻ dưới tên Đảng — dòng chữ không có đường kẻ dưới" in result.output
    assert "sai: Dấu * dưới cơ quan ban hành" in result.output
    assert "danh-sach.docx: đạt 17/17 yếu tố thể thức" in result.output  # the list template is untouched


def test_format_check_fails_on_a_list_template_whose_columns_are_fixed_too_narrow(tmp_path):
    """A secretariat fixes the column widths in Word and makes "Xếp loại" too narrow: its heading wraps."""
    root = init_workspace(tmp_path / "ws")
    template = root / "templates_docx" / "danh-sach.docx"
    document = Document(str(template))
    table = document.tables[-1]._tbl
    table.tblPr.append(etree.fromstring(f'<w:tblLayout xmlns:w="{W[1:-1]}" w:type="fixed"/>'))
    widths = (600, 3000, 2300, 1500, 500, 1300)  # twips: 162 mm, "Xếp loại" gets 8.8 mm
    for column, width in zip(table.findall(f"{W}tblGrid/{W}gridCol"), widths, strict=True):
        column.set(f"{W}w", str(width))
    header = table.find(f"{W}tr")
    for cell, width in zip(header.findall(f"{W}tc"), widths, strict=True):
        cell.find(f"{W}tcPr/{W}tcW").set(f"{W}w", str(width))
    document.save(str(template))
    checks = format_check.check_templates(load_workspace(root))["danh-sach.docx"]
    failed = [(c.element, c.detail) for c in checks if not c.passed]
    assert failed == [("Tiêu đề cột không xuống dòng", "Xếp loại")]


def test_format_check_names_a_rule_left_in_an_empty_paragraph(tmp_path):
    """The drafts before issue 15: the subject's rule was the border of an empty paragraph below it."""
    root = init_workspace(tmp_path / "ws")
    template = root / "templates_docx" / "quyet-dinh.docx"
    document = Document(str(template))
    subject = next(p for p in document.paragraphs if p.text.startswith("{{ subject }}"))
    for drawing in list(subject._p.iter(f"{W}drawing")):
        run = drawing.getparent()
        run.getparent().remove(run)
    empty = subject.insert_paragraph_before("")  # then moved below the subject, with a bottom border
    subject._p.addnext(empty._p)
    empty._p.get_or_add_pPr().append(
        etree.fromstring(
            f'<w:pBdr xmlns:w="{W[1:-1]}"><w:bottom w:val="single" w:sz="6" w:space="1"/></w:pBdr>'
        )
    )
    document.save(str(template))
    checks = format_check.check_templates(load_workspace(root))["quyet-dinh.docx"]
    failed = [(c.element, c.detail) for c in checks if not c.passed]
    assert failed == [
        ("Đường kẻ dưới trích yếu (1/3–1/2 dòng chữ)", "đường kẻ nằm ở đoạn trống riêng bên dưới")
    ]


def test_format_check_of_an_unreadable_file_fails_with_a_reason(tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    [check] = format_check.check_file(bad)
    assert not check.passed and "không đọc được hong.docx" in check.detail


@pytest.mark.soffice
def test_rules_print_right_under_their_text(tmp_path, built):
    """LibreOffice's PDF of the decision: the subject's rule is drawn within 3 mm under its text line."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    pytest.importorskip("pypdf")
    _, documents = built
    copy = tmp_path / "qd.docx"
    shutil.copyfile(documents[("decision", CITY)].path, copy)
    [pdf] = build.convert_to_pdf([copy])
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', bbox)
    subject_bottom = next(float(y_max) for _, y_max, word in words if word == "việc")
    from pypdf import PdfReader

    content = PdfReader(str(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    # Horizontal strokes: "x y m x' y l" with the same y (PDF y runs upwards from the page bottom, 842 pt).
    lines = [
        842 - float(y1)
        for x0, y0, x1, y1 in re.findall(r"([\d.]+) ([\d.]+) m\s+([\d.]+) ([\d.]+) l", content)
        if y0 == y1 and abs(float(x1) - float(x0)) > 100
    ]
    gaps = [y - subject_bottom for y in lines if 0 < y - subject_bottom < 20]
    assert gaps and min(gaps) < 3 / 25.4 * 72, (subject_bottom, lines)

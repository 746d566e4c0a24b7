"""The document generator, the office forms and the committed samples."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from pipeline.model import FIELDS
from tools import docgen, make_forms, make_samples, seed_campaign

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ROOT = Path(__file__).resolve().parent.parent
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)


def body(path: Path):
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(f"{W}body")


def accepted(element) -> str:
    """Text after accepting tracked changes: w:t only (deleted text is w:delText)."""
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def cell_text(tc) -> str:
    return "\n".join(accepted(p) for p in tc.findall(f"{W}p"))


def table_rows(path: Path, table_index: int = 1) -> dict[str, str]:
    """label -> value of a two-column label | value table (the header block is table 0)."""
    table = body(path).findall(f"{W}tbl")[table_index]
    rows = {}
    for tr in table.findall(f"{W}tr"):
        cells = tr.findall(f"{W}tc")
        if len(cells) == 2:
            rows[cell_text(cells[0])] = cell_text(cells[1])
    return rows


def paragraphs(path: Path) -> list[str]:
    return [accepted(p) for p in body(path).iter(f"{W}p")]


def sdts(path: Path) -> dict[str, object]:
    return {sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val"): sdt for sdt in body(path).iter(f"{W}sdt")}


@pytest.fixture
def proposal() -> dict:
    return docgen.make_values("proposal", seed=7, unit="Chi bộ Tòa án", proposed_rating="Tốt")


# ---------------------------------------------------------------------------- forms


@pytest.mark.parametrize("kind", ["registration", "proposal"])
def test_form_has_one_tagged_control_per_field(tmp_path, kind):
    path = make_forms.write_forms(tmp_path)[0 if kind == "registration" else 1]
    Document(str(path))  # opens
    controls = [sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") for sdt in body(path).iter(f"{W}sdt")]
    assert controls == list(docgen.kind_fields(kind))
    assert all(sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None for sdt in body(path).iter(f"{W}sdt"))


def test_committed_forms_match_the_builder(tmp_path):
    for built in make_forms.write_forms(tmp_path):
        committed = ROOT / "templates_docx" / built.name
        assert committed.read_bytes() == built.read_bytes(), f"run python -m tools.make_forms ({built.name})"


def test_form_dropdowns_list_the_configured_labels(tmp_path):
    path = make_forms.write_forms(tmp_path)[1]
    controls = sdts(path)
    for key, section in make_forms.DROPDOWNS.items():
        items = controls[key].findall(f"{W}sdtPr/{W}dropDownList/{W}listItem")
        assert [i.get(f"{W}displayText") for i in items] == [e["label"] for e in docgen.vocabulary(section)]
    assert controls["model_name"].find(f"{W}sdtPr/{W}alias").get(f"{W}val") == "Tên mô hình"
    assert controls["content"].find(f"{W}sdtContent/{W}p") is not None  # block-level, several paragraphs


def test_form_keeps_the_visible_label_beside_each_control(tmp_path):
    path = make_forms.write_forms(tmp_path)[0]
    labels = list(table_rows(path).keys())
    assert "Tên mô hình" in labels and "Nội dung, cách thức thực hiện" in labels


def test_filled_form_replaces_placeholders_and_sets_dropdowns(tmp_path, proposal):
    path = docgen.write_form_layout(tmp_path / "form.docx", "proposal", proposal)
    controls = sdts(path)
    for key, value in proposal.items():
        sdt = controls[key]
        assert sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is None
        content = sdt.find(f"{W}sdtContent")
        text = cell_text(content) if content.find(f"{W}p") is not None else accepted(content)
        assert text == value, key
    rating = controls["proposed_rating"].find(f"{W}sdtPr/{W}dropDownList")
    assert rating.get(f"{W}lastValue") == "Tốt"
    # a collective model leaves the person controls showing their placeholder
    assert controls["person_name"].find(f"{W}sdtPr/{W}showingPlcHdr") is not None


# ---------------------------------------------------------------------------- table and paragraph layouts


def test_table_layout_puts_each_value_beside_its_label(tmp_path, proposal):
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal)
    Document(str(path))
    rows = table_rows(path)
    expected = {docgen.LABELS[k][0]: v for k, v in proposal.items() if k != "signer"}
    assert rows == expected
    assert proposal["signer"] in paragraphs(path)  # the signer is in the closing block


def test_table_layout_with_stt_column_and_values_below(tmp_path, proposal):
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal, stt=True, value_below=True)
    table = body(path).findall(f"{W}tbl")[1]
    first = table.findall(f"{W}tr")[0].findall(f"{W}tc")
    assert [cell_text(c) for c in first] == ["1", "Tên mô hình", proposal["model_name"]]
    spans = [tc.find(f"{W}tcPr/{W}gridSpan") for tc in table.iter(f"{W}tc")]
    merged = [cell_text(tc) for tc, span in zip(table.iter(f"{W}tc"), spans, strict=True) if span is not None]
    assert "Nội dung, cách thức thực hiện" in merged and proposal["content"] in merged


def test_nested_table_holds_the_fields_inside_a_frame(tmp_path, proposal):
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal, nested=True)
    frame = body(path).findall(f"{W}tbl")[1]
    inner = frame.find(f"{W}tr/{W}tc/{W}tbl")
    assert inner is not None
    assert proposal["results"] in [cell_text(tc) for tc in inner.iter(f"{W}tc")]


def test_paragraph_layout_writes_label_lines_and_long_values_below(tmp_path, proposal):
    path = docgen.write_paragraph_layout(tmp_path / "p.docx", "proposal", proposal)
    lines = paragraphs(path)
    assert f"1. Tên mô hình: {proposal['model_name']}" in lines
    assert "I. THÔNG TIN CHUNG VỀ MÔ HÌNH" in lines
    start = lines.index("1. Nội dung, cách thức thực hiện:")
    content = proposal["content"].split("\n")
    assert lines[start + 1 : start + 1 + len(content)] == content


def test_submission_title_and_dash_bullets(tmp_path, proposal):
    path = docgen.write_paragraph_layout(
        tmp_path / "p.docx", "proposal", proposal, title="submission", bullet="dash"
    )
    lines = paragraphs(path)
    assert "TỜ TRÌNH" in lines and "Đề nghị công nhận mô hình “Dân vận khéo” năm 2020" in lines
    assert f"- Tên mô hình: {proposal['model_name']}" in lines


def test_label_styles_change_only_the_labels(tmp_path, proposal):
    ascii_path = docgen.write_table_layout(
        tmp_path / "a.docx", "proposal", proposal, label_style="ascii", seed=3
    )
    upper_path = docgen.write_table_layout(
        tmp_path / "u.docx", "proposal", proposal, label_style="upper", seed=3
    )
    ascii_rows, upper_rows = table_rows(ascii_path), table_rows(upper_path)
    assert all(label.isascii() for label in ascii_rows)
    assert all(label == label.upper() for label in upper_rows)
    assert (
        sorted(ascii_rows.values())
        == sorted(upper_rows.values())
        == sorted(v for k, v in proposal.items() if k != "signer")
    )


def test_blank_option_writes_a_label_with_no_value(tmp_path, proposal):
    values = {k: v for k, v in proposal.items() if k != "model_name"}
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", values, blank=("model_name",))
    assert table_rows(path)["Tên mô hình"] == ""


def test_unknown_variation_is_rejected(tmp_path, proposal):
    with pytest.raises(TypeError, match="unknown variation options"):
        docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal, colour="red")


# ---------------------------------------------------------------------------- runs and tracked changes


def test_tracked_changes_produce_insertions_and_deletions(tmp_path, proposal):
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal, tracked=True)
    root = body(path)
    inserted = [accepted(e) for e in root.iter(f"{W}ins")]
    deleted = [
        "".join(t.text for t in e.iter(f"{W}delText"))
        for e in root.iter(f"{W}del")
        if e.getparent().tag != f"{W}rPr"
    ]
    assert inserted and deleted
    assert "Mô hình " in deleted and "Khá" in deleted  # old prefix of the name, old rating
    assert not list(root.iter(f"{W}delText"))[0].getparent().getparent().tag.endswith("ins")


def test_tracked_deletion_is_not_part_of_the_accepted_value(tmp_path, proposal):
    path = docgen.write_table_layout(tmp_path / "t.docx", "proposal", proposal, tracked=True)
    rows = table_rows(path)
    # the deleted paragraph inside content leaves an empty paragraph; its text is gone
    assert rows["Tên mô hình"] == proposal["model_name"]
    assert rows["Tự đánh giá, xếp loại"] == "Tốt"
    assert rows["Kết quả đạt được"] == proposal["results"]
    assert "lược bỏ" not in rows["Nội dung, cách thức thực hiện"]
    assert [line for line in rows["Nội dung, cách thức thực hiện"].split("\n") if line] == proposal[
        "content"
    ].split("\n")


def test_split_runs_cut_values_inside_words(tmp_path, proposal):
    path = docgen.write_paragraph_layout(tmp_path / "p.docx", "proposal", proposal, split_runs=True, seed=4)
    root = body(path)
    line = next(p for p in root.iter(f"{W}p") if proposal["model_name"] in accepted(p))
    runs = [accepted(r) for r in line.findall(f"{W}r")]
    assert len(runs) >= 4  # label split in two, value in at least two pieces
    assert not any(proposal["model_name"] in run for run in runs)
    assert any(a and b and a[-1].isalpha() and b[0].isalpha() for a, b in zip(runs, runs[1:], strict=False))
    assert line.find(f"{W}proofErr") is not None
    assert f"1. Tên mô hình: {proposal['model_name']}" in paragraphs(path)


# ---------------------------------------------------------------------------- values


def test_make_values_is_deterministic_and_fills_every_proposal_field():
    first, again = docgen.make_values("proposal", seed=11), docgen.make_values("proposal", seed=11)
    assert first == again
    assert set(first) == set(FIELDS) - {"person_name", "person_position"}
    assert all(unicodedata.is_normalized("NFC", v) for v in first.values())


def test_registration_shares_values_with_its_proposal_but_has_no_results():
    registration = docgen.make_values("registration", seed=5)
    proposal = docgen.make_values("proposal", seed=5)
    assert not {"results", "replicability", "proposed_rating"} & set(registration)
    assert all(proposal[k] == v for k, v in registration.items())


def test_individual_model_names_the_person_who_signs():
    values = docgen.make_values("proposal", seed=2, model_type="Cá nhân", person_name="Trần Thị Mỹ Linh")
    assert values["person_name"] == values["signer"] == "Trần Thị Mỹ Linh"
    assert values["person_position"]


def test_results_carry_figures_and_pages_lengthen_the_content():
    short = docgen.make_values("proposal", seed=3, pages=1)
    long = docgen.make_values("proposal", seed=3, pages=5)
    assert any(ch.isdigit() for ch in short["results"])
    assert len(long["content"].split("\n")) >= 10 * len(short["content"].split("\n"))
    assert len(long["content"].split()) + len(long["results"].split()) > 1800  # about five pages of text


def test_varied_spelling_uses_configured_synonyms():
    spelled = {docgen.make_values("proposal", seed=s, spelling="varied")["level"] for s in range(30)}
    known = {n for e in docgen.vocabulary("levels") for n in (e["label"], *e["synonyms"])}
    assert spelled <= known and len(spelled) > 2


def test_vietnamese_number_and_date_formats():
    assert docgen.format_number(1200) == "1.200"
    assert docgen.format_number(2.5, 1) == "2,5"
    assert docgen.vietnamese_date(5, 2, 2021) == "ngày 05 tháng 02 năm 2021"
    assert docgen.vietnamese_date(23, 12, 2020) == "ngày 23 tháng 12 năm 2020"


# ---------------------------------------------------------------------------- templates and the seed campaign


@pytest.mark.parametrize("layout", ["table", "paragraph", "form"])
def test_template_writer_fills_every_token(tmp_path, layout, proposal):
    writer = docgen.TemplateWriter()
    for number, seed in enumerate((1, 2)):
        values = docgen.make_values("proposal", seed=seed, unit="Chi bộ Tòa án")
        path = writer.write(tmp_path / f"{number}.docx", layout, "proposal", values)
        lines = paragraphs(path)
        assert not any("⟦" in line for line in lines)
        for value in values.values():
            for line in value.split("\n"):
                assert any(line in text for text in lines), line
        assert ("CHI BỘ TÒA ÁN" in lines) == (layout != "form")  # forms leave the header dots to fill by hand


def test_seed_plan_matches_the_news_item():
    models = seed_campaign.plan_models()
    assert len(models) == 187 and len({m.name for m in models}) == 187
    recognised = [m for m in models if m.recognised]
    city = [m for m in recognised if m.level == "city"]
    commune = [m for m in recognised if m.level == "commune"]
    assert (len(city), sum(m.model_type == "Cá nhân" for m in city)) == (46, 1)
    assert (sum(m.rating == "Tốt" for m in city), sum(m.rating == "Khá" for m in city)) == (40, 6)
    assert (len(commune), sum(m.rating == "Tốt" for m in commune)) == (16, 13)
    assert {m.unit for m in commune} <= set(docgen.load_config()["units"]["commune"])
    assert sum(m.proposed and not m.recognised for m in models) == 8


@pytest.mark.slow
def test_seed_campaign_writes_every_file(tmp_path):
    summary = seed_campaign.write_seed_campaign(tmp_path)
    files = list(tmp_path.rglob("*.docx"))
    assert len(files) == 187 + 70 == summary["registered"] + summary["proposals"]
    assert summary["expected"]["city"] == {
        "total": 46,
        "collective": 45,
        "individual": 1,
        "Tốt": 40,
        "Khá": 6,
    }
    assert summary["expected"]["commune"] == {
        "total": 16,
        "collective": 16,
        "individual": 0,
        "Tốt": 13,
        "Khá": 3,
    }
    assert len(summary["not_recognised"]) == 8
    for path in files[::25]:
        Document(str(path))


# ---------------------------------------------------------------------------- samples and fixtures


def test_committed_samples_cover_the_cases():
    inputs = ROOT / "inputs"
    files = [p for p in inputs.rglob("*") if p.is_file()]
    assert len(files) >= 18
    for entry in make_samples.manifest():
        assert (inputs / entry["path"]).is_file(), entry["path"]
    layouts = {e["layout"] for e in make_samples.manifest()}
    assert {"table", "paragraph", "form", "libreoffice-form", "libreoffice-fodt"} <= layouts


def test_faulty_samples_are_what_they_claim():
    inputs = ROOT / "inputs"
    assert (inputs / make_samples.NOT_DOCX).read_bytes().startswith(b"%PDF-")
    lock = (inputs / make_samples.LOCK_FILE).read_bytes()
    assert len(lock) == 162 and lock[1 : 1 + lock[0]] == b"Nguyen Van B"
    digest = [
        hashlib.sha256((inputs / p).read_bytes()).hexdigest()
        for p in (make_samples.DUPLICATE, make_samples.DUPLICATE_OF)
    ]
    assert digest[0] == digest[1]
    rows = table_rows(inputs / make_samples.MISSING_NAME)
    assert rows["Tên mô hình"] == "" and rows["Năm"] == "2019"


def test_every_seed_proposal_but_one_has_a_registration():
    entries = [e for e in make_samples.manifest() if "values" in e]
    registered = {e["values"]["model_name"] for e in entries if e["kind"] == "registration"}
    proposed = [e["values"]["model_name"] for e in entries if e["kind"] == "proposal"]
    # Three of the samples from other offices' templates come without a registration too, and so do four
    # of the genre samples.
    assert [name for name in proposed if name not in registered] == [
        "Zalo kết nối cán bộ với nhân dân khu vực 2",
        "Camera an ninh khu phố",
        "Thắp sáng đường quê",
        "Nhà vệ sinh hợp vệ sinh cho hộ nghèo",
        # The genre samples (tờ trình, công văn, a Party cell's report, an individual's achievement report).
        "Tuyến hẻm sáng - xanh - sạch - đẹp",
        "Tổ hợp tác trồng khóm an toàn",
        "Kiểm sát viên gần dân, hiểu dân",
        "Y sĩ tận tâm với người bệnh nghèo",
    ]
    levels = {e["values"].get("level") for e in entries}
    assert {"Cấp thành phố", "Cấp xã, phường"} <= levels


def test_libreoffice_saved_form_lost_its_text_controls_but_kept_the_labels():
    path = ROOT / "tests" / "fixtures" / make_samples.LO_FORM_FIXTURE
    assert "LibreOffice" in zipfile.ZipFile(path).read("docProps/app.xml").decode()
    assert not [s for s in body(path).iter(f"{W}sdt") if s.find(f"{W}sdtPr/{W}tag") is not None]
    values = make_samples.sample_values(
        next(s for s in make_samples.sample_plan() if s.layout == "libreoffice-form")
    )
    text = "\n".join(paragraphs(path))
    assert "Tên mô hình" in text and values["model_name"] in text


def test_legacy_doc_fixture_is_an_ole_file():
    data = (ROOT / "tests" / "fixtures" / make_samples.LO_DOC_FIXTURE).read_bytes()
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.mark.soffice
@needs_soffice
def test_libreoffice_turns_the_flat_odt_into_a_docx(tmp_path, proposal):
    source = docgen.write_fodt(tmp_path / "bao cao.fodt", "proposal", proposal)
    (made,) = docgen.soffice_convert([source], "docx", tmp_path / "out")
    lines = paragraphs(made)
    assert f"1. Tên mô hình: {proposal['model_name']}" in lines
    assert proposal["results"].split("\n")[0] in lines
    Document(str(made))

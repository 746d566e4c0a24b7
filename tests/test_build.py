"""pipeline.build: decisions, lists, certificates and the report, checked after rendering."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from pipeline import build, render
from pipeline.config import REPO_TEMPLATES, Workspace, load_workspace
from pipeline.model import DvkError
from pipeline.vntext import sort_key
from tests.helpers import CITY, COMMUNE, COMMUNES, by_kind, configured, model, seed_models, state_profile


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return load_workspace(tmp_path)  # default dvk.toml (Thành ủy Ngã Bảy 2020), shipped templates


@pytest.fixture(scope="module")
def seed_documents(tmp_path_factory) -> list[build.BuiltDocument]:
    """The seed campaign built once as a draft; tests that only read the outputs share it."""
    return build.build_documents(load_workspace(tmp_path_factory.mktemp("seed")), seed_models(), 187)


def article1(path: Path) -> str:
    return next(p for p in render.read_back(path).paragraphs if p.startswith("Điều 1."))


def list_names(path: Path) -> list[str]:
    table = render.read_back(path).tables[-1]
    return [row[1] for row in table[1:] if len(row) == 6]


def shown(path: Path) -> list[str]:
    """The body paragraphs as a reader sees them: no-break spaces as spaces, without the line break
    that puts a rule under its text."""
    return [p.replace("\xa0", " ").rstrip("\n") for p in render.read_back(path).paragraphs]


def all_text(path: Path) -> str:
    text = render.read_back(path)
    cells = [cell for table in text.tables for row in table for cell in row]
    return "\n".join([*text.paragraphs, *cells, *text.footers])


# ---------------------------------------------------------------------------- the seed campaign


def test_seed_campaign_gives_decisions_lists_certificates_and_report(seed_documents):
    documents = seed_documents
    assert [(d.kind, d.level, d.count) for d in documents] == [
        ("decision", CITY, 46),
        ("list", CITY, 46),
        ("decision", COMMUNE, 16),
        ("list", COMMUNE, 16),
        ("certificates", None, 62),
        ("report", None, 62),
    ]
    assert [d.path.relative_to(d.path.parents[3]).as_posix() for d in documents] == [
        "outputs/2020/quyet-dinh/quyet-dinh-cap-thanh-pho.docx",
        "outputs/2020/danh-sach/danh-sach-cap-thanh-pho.docx",
        "outputs/2020/quyet-dinh/quyet-dinh-cap-xa-phuong.docx",
        "outputs/2020/danh-sach/danh-sach-cap-xa-phuong.docx",
        "outputs/2020/giay-chung-nhan/giay-chung-nhan-2020.docx",
        "outputs/2020/bao-cao/bao-cao-ket-qua-2020.docx",
    ]
    assert all(d.path.is_file() for d in documents)


def test_article_1_states_total_in_figures_and_words_with_breakdown(seed_documents):
    documents = seed_documents
    assert article1(by_kind(documents, "decision", CITY)[0].path) == (
        "Điều 1. Công nhận 46 (bốn mươi sáu) mô hình “Dân vận khéo” cấp thành phố năm 2020 (gồm 45 mô hình "
        "tập thể và 01 mô hình cá nhân; xếp loại Tốt 40 mô hình, xếp loại Khá 06 mô hình), "
        "có danh sách kèm theo."
    )
    assert article1(by_kind(documents, "decision", COMMUNE)[0].path) == (
        "Điều 1. Công nhận 16 (mười sáu) mô hình “Dân vận khéo” cấp xã, phường năm 2020 (gồm 16 mô hình "
        "tập thể; xếp loại Tốt 13 mô hình, xếp loại Khá 03 mô hình), có danh sách kèm theo."
    )


def test_decision_has_the_party_header_grounds_authority_and_signature(seed_documents):
    documents = seed_documents
    decision = by_kind(documents, "decision", CITY)[0]
    text = render.read_back(decision.path)
    header = text.tables[0]
    assert header[0] == ("ĐẢNG BỘ TỈNH HẬU GIANG\nTHÀNH ỦY NGÃ BẢY\n*", "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert header[1] == ("Số      -QĐ/TU", "Ngã Bảy, ngày    tháng 12 năm 2020")
    paragraphs = [p for p in shown(decision.path) if p.strip()]
    assert paragraphs[:2] == ["QUYẾT ĐỊNH", "về việc công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020"]
    assert paragraphs[2] == "- Căn cứ Điều lệ Đảng;"
    assert paragraphs[5:7] == ["- Xét đề nghị của Ban Dân vận Thành ủy,", "BAN THƯỜNG VỤ THÀNH ỦY QUYẾT ĐỊNH"]
    recipients, signature = text.tables[1][0]
    assert recipients.splitlines()[0] == "Nơi nhận:"
    assert recipients.splitlines()[-1] == "- Lưu Văn phòng Thành ủy."
    assert [line for line in signature.splitlines() if line] == [
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Nguyễn Văn A",
    ]
    assert text.footers == (decision.code, decision.code)


def test_list_has_grouped_rows_and_the_attached_to_line(seed_documents):
    documents = seed_documents
    listing = by_kind(documents, "list", CITY)[0]
    text = render.read_back(listing.path)
    assert "(Kèm theo Quyết định số      -QĐ/TU, ngày    /12/2020 của Ban Thường vụ Thành ủy)" in shown(
        listing.path
    )
    table = text.tables[-1]
    assert table[0] == ("STT", "Tên mô hình", "Đơn vị / cá nhân", "Lĩnh vực", "Xếp loại", "Ghi chú")
    headings = [row[0] for row in table if len(row) == 1]
    assert headings == [
        "I. MÔ HÌNH TẬP THỂ (45 mô hình)",
        "1. Xếp loại Tốt (40 mô hình)",
        "2. Xếp loại Khá (05 mô hình)",
        "II. MÔ HÌNH CÁ NHÂN (01 mô hình)",
        "1. Xếp loại Khá (01 mô hình)",
    ]
    rows = [row for row in table[1:] if len(row) == 6]
    assert [row[0] for row in rows] == [str(n) for n in range(1, 47)]
    assert rows[-1][2] == "Nguyễn Văn Bé - Chuyên viên, Phòng Kinh tế"


def test_list_header_repeats_and_rows_do_not_split(seed_documents):
    documents = seed_documents
    with zipfile.ZipFile(by_kind(documents, "list", CITY)[0].path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:tblHeader/>") == 1
    assert xml.count("<w:cantSplit/>") >= 46


def test_report_words_the_figures_like_the_seed_article(seed_documents):
    documents = seed_documents
    paragraphs = shown(by_kind(documents, "report")[0].path)
    assert "Kết quả công nhận mô hình “Dân vận khéo” năm 2020" in paragraphs
    assert any("có 187 mô hình đăng ký" in p and "62 (sáu mươi hai) mô hình" in p for p in paragraphs)
    assert (
        "- Cấp thành phố: công nhận 46 mô hình (gồm 45 mô hình tập thể và 01 mô hình cá nhân), trong đó "
        "xếp loại tốt là 40 mô hình và xếp loại khá 06 mô hình." in paragraphs
    )
    assert (
        "- Cấp xã, phường: công nhận 16 mô hình tập thể, trong đó xếp loại tốt là 13 mô hình và xếp loại "
        "khá 03 mô hình." in paragraphs
    )
    outstanding = [p for p in paragraphs if p.startswith("- Mô hình “")]
    assert len(outstanding) == 6  # 3 per level by default
    assert outstanding[-1].endswith(".") and all(p.endswith(";") for p in outstanding[:-1])
    assert outstanding[-1] == "- Mô hình “Mô hình số 102” của phường Hiệp Thành (cấp xã, phường)."


def test_certificates_one_landscape_page_per_model(seed_documents):
    models, documents = seed_models(), seed_documents
    path = by_kind(documents, "certificates")[0].path
    doc = Document(str(path))
    assert doc.sections[0].page_width > doc.sections[0].page_height
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count('w:type="page"') == len(models) - 1
    paragraphs = render.read_back(path).paragraphs
    assert paragraphs.count("GIẤY CHỨNG NHẬN") == len(models)
    assert "“Mô hình số 45”" in paragraphs
    assert "Cá nhân thực hiện: Nguyễn Văn Bé - Chuyên viên, Phòng Kinh tế" in paragraphs


def test_campaign_stats_contract(workspace):
    stats = build.campaign_stats(workspace.config, seed_models(), 187)
    assert stats == {
        "year": 2020,
        "registered": 187,
        "recognized": 62,
        "levels": [
            {
                "level": CITY,
                "recognized": 46,
                "collective": 45,
                "individual": 1,
                "ratings": {"Tốt": 40, "Khá": 6},
            },
            {
                "level": COMMUNE,
                "recognized": 16,
                "collective": 16,
                "individual": 0,
                "ratings": {"Tốt": 13, "Khá": 3},
            },
        ],
    }


# ---------------------------------------------------------------------------- hundreds of awkward names


def test_three_hundred_models_with_special_characters(workspace):
    names = [
        f"Mô hình “Dân vận khéo” số {i} & <Phòng LĐ-TB & XH> \"hộ nghèo\" 'an sinh' {'ư' * (i % 3)}"
        for i in range(300)
    ]
    models = [
        model(i, name=name, rating="Tốt" if i % 4 else "Khá", kind="Cá nhân" if i % 50 == 0 else "Tập thể")
        for i, name in enumerate(names)
    ]
    documents = build.build_documents(workspace, models, 400)
    decision, listing = by_kind(documents, "decision")[0], by_kind(documents, "list")[0]
    assert decision.count == listing.count == 300
    assert article1(decision.path).startswith(
        "Điều 1. Công nhận 300 (ba trăm) mô hình “Dân vận khéo” cấp thành phố năm 2020 (gồm 294 mô hình "
        "tập thể và 06 mô hình cá nhân; xếp loại Tốt 225 mô hình, xếp loại Khá 75 mô hình)"
    )
    # Straight quotes print as the typographic pair, like the template's own words (issue 15).
    assert sorted(list_names(listing.path)) == sorted(build.printed(name) for name in names)
    for document in documents:
        Document(str(document.path))  # every part is valid XML


def test_list_rows_follow_vietnamese_alphabetical_order(workspace):
    names = [
        "Đường quê",
        "Dạy nghề",
        "Ăn sạch",
        "An toàn",
        "Bé khỏe",
        "Ấp văn hóa",
        "Ánh sáng",
        "Ưu tiên",
        "Uống",
    ]
    models = [model(i, name=name) for i, name in enumerate(names)]
    documents = build.build_documents(workspace, models, 50)
    rendered = list_names(by_kind(documents, "list")[0].path)
    assert rendered == sorted(names, key=sort_key)
    assert rendered == [
        "An toàn",
        "Ánh sáng",
        "Ăn sạch",
        "Ấp văn hóa",
        "Bé khỏe",
        "Dạy nghề",
        "Đường quê",
        "Uống",
        "Ưu tiên",
    ]


# ---------------------------------------------------------------------------- refusing bad counts


@pytest.mark.parametrize(
    ("models", "registered", "message"),
    [
        ([], 10, "Không có mô hình nào"),
        ([model(1, rating="Xuất sắc")], 10, "xếp loại “Xuất sắc” không có trong dvk.toml"),
        ([model(1, kind="Hộ gia đình")], 10, "loại mô hình “Hộ gia đình”"),
        ([model(1, level="Cấp tỉnh")], 10, "cấp “Cấp tỉnh”"),
        ([model(1), model(1)], 10, "xuất hiện 2 lần"),
        ([model(1, name="  ")], 10, "không có tên"),
        ([model(1), model(2)], 1, r"Số mô hình đăng ký \(1\) ít hơn số mô hình được công nhận \(2\)"),
    ],
)
def test_model_sets_whose_counts_cannot_add_up_are_refused(workspace, models, registered, message):
    with pytest.raises(DvkError, match=message):
        build.build_documents(workspace, models, registered)
    assert not workspace.year_dir.exists()


def edited_template(workspace: Workspace, name: str, old: str, new: str) -> None:
    """Copy a shipped template into the workspace with one tag changed (as a secretariat might)."""
    workspace.templates.mkdir(parents=True, exist_ok=True)
    target = workspace.templates / name
    with zipfile.ZipFile(REPO_TEMPLATES / name) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)


def test_a_list_template_that_drops_a_row_is_refused_and_nothing_is_left(workspace):
    edited_template(
        workspace, "danh-sach.docx", "group.rows %}", "group.rows[1:] %}"
    )  # 3 groups, 3 rows lost
    with pytest.raises(DvkError, match=r"có 43 dòng mô hình, cần 46 \(thiếu “Mô hình số 0”\)"):
        build.build_documents(workspace, seed_models(), 187)
    assert not list((workspace.year_dir / "quyet-dinh").glob("*.docx"))
    assert not list((workspace.year_dir / "danh-sach").glob("*.docx"))


def test_a_decision_whose_written_counts_do_not_add_up_cannot_be_produced(workspace):
    edited_template(
        workspace, "quyet-dinh.docx", "{{ article1 }}", "{{ article1|replace('40 mô', '41 mô') }}"
    )
    with pytest.raises(
        DvkError, match=r"Điều 1 của quyet-dinh-cap-thanh-pho.docx ghi sai xếp loại Tốt \(ghi 41"
    ):
        build.build_documents(workspace, seed_models(), 187)
    assert not (workspace.year_dir / "quyet-dinh" / "quyet-dinh-cap-thanh-pho.docx").exists()


def test_the_workspace_template_is_preferred_over_the_shipped_one(workspace):
    edited_template(workspace, "quyet-dinh.docx", "QUYẾT ĐỊNH<", "QUYẾT ĐỊNH (DỰ THẢO)<")
    documents = build.build_documents(workspace, seed_models(), 187)
    assert "QUYẾT ĐỊNH (DỰ THẢO)" in render.read_back(documents[0].path).paragraphs


# ---------------------------------------------------------------------------- numbers, dates, codes


def test_numbered_build_fills_consecutive_numbers_and_the_date(workspace):
    documents = build.build_documents(workspace, seed_models(), 187, number=123, issued=date(2020, 12, 23))
    city, commune = by_kind(documents, "decision")
    assert render.read_back(city.path).tables[0][1] == ("Số 123-QĐ/TU", "Ngã Bảy, ngày 23 tháng 12 năm 2020")
    assert render.read_back(commune.path).tables[0][1][0] == "Số 124-QĐ/TU"
    listing = by_kind(documents, "list", COMMUNE)[0]
    assert "(Kèm theo Quyết định số 124-QĐ/TU, ngày 23/12/2020 của Ban Thường vụ Thành ủy)" in shown(
        listing.path
    )
    certificates = shown(by_kind(documents, "certificates")[0].path)
    assert "(Theo Quyết định số 123-QĐ/TU, ngày 23/12/2020 của Ban Thường vụ Thành ủy)" in certificates


def test_a_date_without_a_number_fills_the_date_only(workspace):
    decision = build.build_documents(workspace, seed_models(), 187, issued=date(2020, 12, 23))[0]
    assert render.read_back(decision.path).tables[0][1] == (
        "Số      -QĐ/TU",
        "Ngã Bảy, ngày 23 tháng 12 năm 2020",
    )


def test_with_number_recomputes_the_strings_and_keeps_the_code(workspace, tmp_path):
    decision, listing = build.build_documents(workspace, seed_models(), 187)[:2]
    numbered = build.with_number(decision.context, 7, date(2021, 2, 5))
    assert numbered["number_line"] == "Số 07-QĐ/TU"
    assert numbered["date_line"] == "Ngã Bảy, ngày 05 tháng 02 năm 2021"
    assert numbered["doc_code"] == decision.code
    assert decision.context["number_line"] == "Số      -QĐ/TU"  # the draft context is not changed
    assert build.with_number(listing.context, 7, date(2021, 2, 5))["decision_ref"] == (
        "(Kèm theo Quyết định số 07-QĐ/TU, ngày 5/2/2021 của Ban\xa0Thường\xa0vụ\xa0Thành\xa0ủy)"
    )
    out = render.render_document(
        build.template_path(workspace, decision.template), numbered, tmp_path / "n.docx"
    )
    assert render.read_back(out).tables[0][1] == ("Số 07-QĐ/TU", "Ngã Bảy, ngày 05 tháng 02 năm 2021")


def test_document_codes_are_deterministic_and_found_by_the_archive_pattern(workspace, seed_documents):
    first = seed_documents
    again = build.build_documents(workspace, list(reversed(seed_models())), 187)
    assert [d.code for d in first] == [d.code for d in again]
    assert len({d.code for d in first}) == len(first)
    for document in first:
        assert build.CODE_PATTERN.fullmatch(document.code)
        assert (
            re.search(r"DVK-\d{4}-(QD|DS|GCN|BC)-[0-9A-F]{8}", all_text(document.path)).group()
            == document.code
        )
    fewer = build.build_documents(workspace, seed_models()[1:], 187)
    assert fewer[0].code != first[0].code


def test_context_is_json_serialisable_and_offers_exactly_the_template_variables(seed_documents):
    for document in seed_documents:
        assert json.loads(json.dumps(document.context, ensure_ascii=False)) == document.context
        offered = set(document.context) - build.INTERNAL_KEYS
        assert offered == build.TEMPLATE_VARIABLES[document.template], document.template
        assert document.as_dict() == {
            "kind": document.kind,
            "path": str(document.path),
            "level": document.level,
            "count": document.count,
        }


def test_config_margins_are_applied_to_the_outputs(workspace):
    changed = configured(workspace, format={"margin_top": 25, "margin_bottom": 25, "margin_left": 35})
    decision = build.build_documents(changed, seed_models(), 187)[0]
    section = Document(str(decision.path)).sections[0]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [25, 25, 35, 15]


# ---------------------------------------------------------------------------- profiles and issuers


def test_state_profile_renders_the_nd30_layout(workspace):
    state = state_profile(workspace)
    documents = build.build_documents(state, seed_models(), 187, number=5, issued=date(2020, 12, 23))
    decision = by_kind(documents, "decision", CITY)[0]
    assert decision.template == "quyet-dinh-ubnd.docx"
    text = render.read_back(decision.path)
    left, right = text.tables[0][0]
    assert left.startswith("TỈNH HẬU GIANG\nỦY BAN NHÂN DÂN\nTHÀNH PHỐ NGÃ BẢY")
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert text.tables[0][1] == ("Số: 05/QĐ-UBND", "Ngã Bảy, ngày 23 tháng 12 năm 2020")
    paragraphs = [p for p in shown(decision.path) if p.strip()]
    assert paragraphs[1] == "Về việc công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020"
    assert paragraphs[2] == "ỦY BAN NHÂN DÂN THÀNH PHỐ NGÃ BẢY"
    assert paragraphs[3] == "Căn cứ Điều lệ Đảng;"
    assert paragraphs[6:8] == ["Xét đề nghị của Ban Dân vận Thành ủy.", "QUYẾT ĐỊNH:"]
    recipients, signature = text.tables[1][0]
    assert recipients.splitlines()[-1] == "- Lưu: VT, VP."
    assert signature.split("\n")[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert (
        "(Kèm theo Quyết định số 05/QĐ-UBND ngày 23 tháng 12 năm 2020 của Ủy ban nhân dân thành phố Ngã Bảy)"
        in shown(by_kind(documents, "list", CITY)[0].path)
    )


def test_commune_mode_gives_each_commune_its_own_decision(workspace):
    commune_mode = configured(
        workspace, decision={"commune_decisions": "commune", "commune": {"signer": "Trần Văn Bảy"}}
    )
    models = seed_models()
    models.append(model(200, level=COMMUNE, unit="Hội Liên hiệp Phụ nữ phường Lái Hiếu"))
    documents = build.build_documents(commune_mode, models, 187, number=10, issued=date(2020, 12, 23))
    decisions = by_kind(documents, "decision")
    assert [d.level for d in decisions] == [CITY] + [COMMUNE] * 6
    assert sum(d.count for d in decisions) == 63
    lai_hieu = next(d for d in decisions if d.path.name == "quyet-dinh-dang-uy-phuong-lai-hieu.docx")
    assert lai_hieu.count == 4
    header = render.read_back(lai_hieu.path).tables[0]
    assert header[0][0] == "ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY\nĐẢNG ỦY PHƯỜNG LÁI HIẾU\n*"
    assert header[1][0] == "Số      -QĐ/ĐU"  # the commune's own clerk numbers it
    assert render.read_back(decisions[0].path).tables[0][1][0] == "Số 10-QĐ/TU"


def test_area_and_commune_names_are_derived_from_names():
    assert build.area_of("Thành ủy Ngã Bảy") == "thành phố Ngã Bảy"
    assert build.area_of("Huyện ủy Châu Thành") == "huyện Châu Thành"
    assert build.commune_of("Chi hội Nông dân ấp 3, xã Tân Thành", tuple(COMMUNES)) == "Xã Tân Thành"
    assert build.commune_of("Hội Phụ nữ phường Mới", tuple(COMMUNES)) == "Phường Mới"


# ---------------------------------------------------------------------------- PDF


@pytest.mark.soffice
def test_decision_converts_to_pdf_with_the_vietnamese_text(workspace):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from pypdf import PdfReader

    decision = build.build_documents(workspace, seed_models(), 187)[0]
    [pdf] = build.convert_to_pdf([decision.path])
    assert pdf == decision.path.with_suffix(".pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "THÀNH ỦY NGÃ BẢY",
        "QUYẾT ĐỊNH",
        "Công nhận 46 (bốn mươi sáu) mô hình “Dân vận khéo” cấp thành phố",
        "T/M BAN THƯỜNG VỤ",
        decision.code,
    ):
        assert expected in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 portrait

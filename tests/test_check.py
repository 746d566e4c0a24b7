"""`dvk check` end to end on a workspace built in the test: states, rules, workbook, ids, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.appraise import RESULT, SHEET
from pipeline.check import run_check
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import REGISTRATION_TITLE, p, proposal_paragraphs, write_docx


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / "Văn phòng Thành ủy" / "BÁO CÁO Sổ vàng.docx", *proposal_paragraphs())
    write_docx(
        root / "inputs" / "Phiếu đăng ký Sổ vàng.docx",
        p(REGISTRATION_TITLE),
        p("Tên mô hình: Sổ vàng khởi nghiệp"),
        p("Đơn vị thực hiện: Văn phòng Thành ủy"),
        p("Cấp: Cấp thành phố"),
        p("Lĩnh vực: Kinh tế"),
    )
    return root


def check(root: Path):
    return run_check(load_workspace(root))


def by_path(result) -> dict:
    return {report.path: report for report in result.files}


def codes(report) -> list[str]:
    return [problem.code for problem in report.problems]


def add_proposal(root: Path, name: str, **values: str) -> Path:
    return write_docx(root / "inputs" / name, *proposal_paragraphs(**values))


def test_states_and_totals_invariant(workspace):
    (workspace / "inputs" / "~$BÁO CÁO Sổ vàng.docx").write_bytes(b"\x00" * 162)
    (workspace / "inputs" / ".hidden.docx").write_bytes(b"x")
    (workspace / "inputs" / "ảnh.jpg").write_bytes(b"\xff\xd8\xff")
    (workspace / "inputs" / "giả mạo.docx").write_bytes(b"%PDF-1.4\n%%EOF\n")
    shutil.copy(
        workspace / "inputs" / "Văn phòng Thành ủy" / "BÁO CÁO Sổ vàng.docx",
        workspace / "inputs" / "bản sao.docx",
    )
    result = check(workspace)
    files = by_path(result)
    assert files["Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx"].status == "accepted"
    assert files["Phiếu đăng ký Sổ vàng.docx"].status == "accepted"
    assert files["~$BÁO CÁO Sổ vàng.docx"].status == "skipped"
    assert files[".hidden.docx"].status == "skipped"
    assert files["ảnh.jpg"].status == "skipped"
    assert files["giả mạo.docx"].status == "rejected" and codes(files["giả mạo.docx"]) == ["FILE_PDF"]
    assert files["bản sao.docx"].status == "skipped"
    assert "Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx" in files["bản sao.docx"].reason
    totals = result.totals
    assert totals["found"] == 7 == totals["accepted"] + totals["rejected"] + totals["skipped"]
    assert (totals["accepted"], totals["rejected"], totals["skipped"], totals["duplicates"]) == (2, 1, 4, 1)


def test_missing_required_field_rejects_the_file(workspace):
    add_proposal(workspace, "thiếu.docx", field="", proposed_rating="")
    report = by_path(check(workspace))["thiếu.docx"]
    assert report.status == "rejected"
    messages = [p.message for p in report.problems if p.code == "MISSING_FIELD"]
    assert messages == [
        'Thiếu mục bắt buộc "Lĩnh vực".',
        'Thiếu mục bắt buộc "Tự đánh giá, đề nghị xếp loại".',
    ]


def test_value_outside_vocabulary_is_an_error_naming_the_place(workspace):
    add_proposal(workspace, "cấp.docx", model_name="Mô hình A", level="cấp tỉnh")
    report = by_path(check(workspace))["cấp.docx"]
    problem = next(p for p in report.problems if p.code == "UNKNOWN_LEVEL")
    assert problem.severity == "error" and problem.where == "đoạn 5"
    assert "Cấp thành phố, Cấp xã, phường" in problem.message


def test_a_mistyped_unit_is_a_warning_with_the_closest_name(workspace):
    add_proposal(workspace, "đơn vị.docx", model_name="Mô hình B", unit="Phòng Tài nguyên Môi trường")
    report = by_path(check(workspace))["đơn vị.docx"]
    problem = next(p for p in report.problems if p.code == "UNIT_MISTYPED")
    assert problem.severity == "warning"
    assert 'có phải là "Phòng Tài nguyên và Môi trường"?' in problem.message
    assert report.status == "accepted"


def test_individual_model_needs_name_and_position(workspace):
    write_docx(
        workspace / "inputs" / "cá nhân.docx",
        *proposal_paragraphs(model_name="Mô hình C"),
        p("Loại mô hình: Cá nhân"),
        p("Họ và tên: Lê Văn Tám"),
    )
    report = by_path(check(workspace))["cá nhân.docx"]
    assert "INDIVIDUAL_WITHOUT_PERSON" in codes(report)
    assert "chức vụ" in next(p.message for p in report.problems if p.code == "INDIVIDUAL_WITHOUT_PERSON")


def test_wrong_campaign_year(workspace):
    write_docx(
        workspace / "inputs" / "năm.docx", *proposal_paragraphs(model_name="Mô hình D"), p("Năm: 2019")
    )
    report = by_path(check(workspace))["năm.docx"]
    assert "WRONG_YEAR" in codes(report)


def test_minimum_period_is_off_by_default_and_checked_when_configured(workspace):
    add_proposal(workspace, "ngắn.docx", model_name="Mô hình E", period="Từ tháng 10/2020 đến tháng 12/2020")
    assert "PERIOD_TOO_SHORT" not in codes(by_path(check(workspace))["ngắn.docx"])
    config = (workspace / "dvk.toml").read_text(encoding="utf-8")
    (workspace / "dvk.toml").write_text(
        config.replace("min_period_months = 0", "min_period_months = 6"), "utf-8"
    )
    report = by_path(check(workspace))["ngắn.docx"]
    problem = next(p for p in report.problems if p.code == "PERIOD_TOO_SHORT")
    assert problem.message == "Thời gian thực hiện 3 tháng, ngắn hơn mức tối thiểu 6 tháng."


def test_proposal_never_registered_is_a_warning(workspace):
    add_proposal(workspace, "chưa đăng ký.docx", model_name="Mô hình chưa đăng ký")
    reports = by_path(check(workspace))
    assert "NOT_REGISTERED" in codes(reports["chưa đăng ký.docx"])
    assert "NOT_REGISTERED" not in codes(reports["Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx"])


def test_same_model_in_two_files_is_an_error_on_both(workspace):
    add_proposal(workspace, "lần hai.docx", model_name="“Sổ vàng  khởi nghiệp.”", results="Khác nội dung.")
    reports = by_path(check(workspace))
    first, second = reports["Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx"], reports["lần hai.docx"]
    assert first.status == second.status == "rejected"
    assert "lần hai.docx" in next(p.message for p in first.problems if p.code == "DUPLICATE_PROPOSAL")
    assert "BÁO CÁO Sổ vàng.docx" in next(
        p.message for p in second.problems if p.code == "DUPLICATE_PROPOSAL"
    )


def test_stable_id_survives_renaming_and_moving(workspace):
    original = by_path(check(workspace))["Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx"].id
    source = workspace / "inputs" / "Văn phòng Thành ủy" / "BÁO CÁO Sổ vàng.docx"
    (workspace / "inputs" / "khác").mkdir()
    source.rename(workspace / "inputs" / "khác" / "tên mới.docx")
    assert by_path(check(workspace))["khác/tên mới.docx"].id == original
    assert original.startswith("MH-2020-")


def workbook_rows(root: Path) -> dict[str, dict]:
    sheet = load_workbook(root / "outputs" / "2020" / "tham-dinh.xlsx")[SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    return {row[0]: dict(zip(rows[0], row, strict=False)) for row in rows[1:]}


def test_workbook_rerun_keeps_edits_adds_rows_and_marks_changed_sources(workspace):
    check(workspace)
    path = workspace / "outputs" / "2020" / "tham-dinh.xlsx"
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index(RESULT) + 1, "Khá")
    sheet.cell(2, header.index("Ghi chú thẩm định") + 1, "Hạ loại do thiếu số liệu")
    sheet.cell(2, header.index("Tên mô hình") + 1, "Sổ vàng khởi nghiệp (đã sửa tay)")
    book.save(path)
    add_proposal(workspace, "mới.docx", model_name="Mô hình mới", unit="Phòng Kinh tế")
    add_proposal(workspace, "Văn phòng Thành ủy/BÁO CÁO Sổ vàng.docx", results="Kết quả đã bổ sung.")
    check(workspace)
    rows = workbook_rows(workspace)
    edited = next(row for row in rows.values() if row["Tên mô hình"].startswith("Sổ vàng"))
    assert edited[RESULT] == "Khá"
    assert edited["Ghi chú thẩm định"] == "Hạ loại do thiếu số liệu"
    assert edited["Tên mô hình"] == "Sổ vàng khởi nghiệp (đã sửa tay)"
    assert edited["Tình trạng tệp nguồn"].startswith("Tệp đã thay đổi")
    new = next(row for row in rows.values() if row["Tên mô hình"] == "Mô hình mới")
    assert new[RESULT] == "Tốt" and new["Tình trạng tệp nguồn"] == "Không đổi"
    assert len(rows) == 2


def test_workbook_offers_ratings_and_not_recognised(workspace):
    check(workspace)
    book = load_workbook(workspace / "outputs" / "2020" / "tham-dinh.xlsx")
    validation = book[SHEET].data_validations.dataValidation[0]
    choices = [row[0] for row in book["Danh mục"].iter_rows(values_only=True)]
    assert choices == ["Tốt", "Khá", "Không công nhận"]
    assert validation.type == "list" and "H2" in str(validation.sqref)


def test_check_json_follows_the_contract(workspace):
    result = CliRunner().invoke(main, ["check", "-w", str(workspace), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) == {"files", "totals"}
    entry = next(f for f in document["files"] if f["kind"] == "proposal")
    assert {"path", "sha256", "status", "kind", "id", "fields", "problems"} <= set(entry)
    assert entry["fields"]["model_name"] == "Sổ vàng khởi nghiệp"
    assert len(entry["sha256"]) == 64


def test_check_console_prints_table_and_invariant(workspace):
    result = CliRunner().invoke(main, ["check", "-w", str(workspace)])
    assert result.exit_code == 0
    assert "Tổng số tệp: 2 = 2 chấp nhận + 0 bị loại + 0 bỏ qua" in result.output
    assert (workspace / "outputs" / "2020" / "bao-cao-kiem-tra.xlsx").exists()


def test_invalid_config_exits_2_naming_the_key(workspace):
    config = (workspace / "dvk.toml").read_text(encoding="utf-8")
    (workspace / "dvk.toml").write_text(config.replace('profile = "party"', 'profile = "đảng"'), "utf-8")
    result = CliRunner().invoke(main, ["check", "-w", str(workspace)])
    assert result.exit_code == 2
    assert "issuer.profile" in result.output


def test_inputs_are_never_modified(workspace):
    before = {p: p.read_bytes() for p in (workspace / "inputs").rglob("*") if p.is_file()}
    check(workspace)
    assert before == {p: p.read_bytes() for p in (workspace / "inputs").rglob("*") if p.is_file()}


def test_rerun_without_new_proposals_patches_only_system_cells(workspace, monkeypatch):
    import os

    import pipeline.appraise

    add_proposal(workspace, "hai.docx", model_name="Mô hình hai", unit="Phòng Kinh tế")
    add_proposal(workspace, "ba.docx", model_name="Mô hình ba", unit="Phòng Y tế")
    check(workspace)
    path = workspace / "outputs" / "2020" / "tham-dinh.xlsx"
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("Ghi chú thẩm định") + 1, "Ghi chú của người thẩm định")
    book.save(path)
    add_proposal(workspace, "hai.docx", model_name="Mô hình hai", unit="Phòng Kinh tế", results="Sửa lần 1.")
    opened = []
    monkeypatch.setattr(pipeline.appraise, "open_workbook", lambda *a, **k: opened.append(a) or 1 / 0)
    check(workspace)
    add_proposal(workspace, "ba.docx", model_name="Mô hình ba", unit="Phòng Y tế", results="Sửa lần 1.")
    os.rename(workspace / "inputs" / "hai.docx", workspace / "inputs" / "hai (đổi tên).docx")
    result = check(workspace)
    assert opened == []  # no openpyxl load in either rerun: the cells were patched in place
    assert (result.workbook.added, result.workbook.changed) == (0, 2)
    book = load_workbook(path)
    rows = {
        row[0]: dict(zip(header, row, strict=False))
        for row in book[SHEET].iter_rows(min_row=2, values_only=True)
    }
    assert "Ghi chú của người thẩm định" in [row["Ghi chú thẩm định"] for row in rows.values()]
    by_name = {row["Tên mô hình"]: row for row in rows.values()}
    assert by_name["Mô hình ba"]["Tình trạng tệp nguồn"].startswith("Tệp đã thay đổi")
    assert by_name["Mô hình hai"]["Tệp nguồn"] == "hai (đổi tên).docx"
    assert by_name["Sổ vàng khởi nghiệp"]["Tình trạng tệp nguồn"] == "Không đổi"
    status_column = header.index("Tình trạng tệp nguồn") + 1
    ba_row = next(r for r in range(2, 5) if book[SHEET].cell(r, 2).value == "Mô hình ba")
    assert book[SHEET].cell(ba_row, status_column).fill.fgColor.rgb.endswith("FFF2CC")


def test_symbolic_links_are_skipped_not_followed(workspace, tmp_path):
    outside = tmp_path / "ngoài"
    write_docx(outside / "bí mật.docx", *proposal_paragraphs(model_name="Không được đọc"))
    (workspace / "inputs" / "liên kết.docx").symlink_to(outside / "bí mật.docx")
    (workspace / "inputs" / "thư mục liên kết").symlink_to(outside, target_is_directory=True)
    reports = by_path(check(workspace))
    assert reports["liên kết.docx"].status == reports["thư mục liên kết"].status == "skipped"
    assert "symlink" in reports["thư mục liên kết"].reason
    assert not any("bí mật" in path and "/" in path for path in reports)


@pytest.mark.parametrize(
    ("values", "extra", "code", "shown"),
    [
        ({}, "Loại mô hình: Hộ gia đình", "UNKNOWN_TYPE", "Hộ gia đình"),
        ({"field": "Thể thao"}, "", "UNKNOWN_FIELD", "Thể thao"),
        ({"proposed_rating": "Trung bình"}, "", "UNKNOWN_RATING", "Trung bình"),
    ],
)
def test_type_field_and_rating_outside_the_vocabulary_are_errors(workspace, values, extra, code, shown):
    body = proposal_paragraphs(model_name="Mô hình F", **values) + ([p(extra)] if extra else [])
    write_docx(workspace / "inputs" / "ngoài danh mục.docx", *body)
    report = by_path(check(workspace))["ngoài danh mục.docx"]
    problem = next(problem for problem in report.problems if problem.code == code)
    assert problem.severity == "error" and f'"{shown}"' in problem.message and problem.where
    assert report.status == "rejected"

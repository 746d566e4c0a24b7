"""The correction loop end to end: a file no reader can finish, completed by typing in the workbook."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.check import run_check
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.corrections import FILE, REVIEWED, SHEET, STATUS, WORKBOOK_NAME
from tests.docxbuild import PROPOSAL_TITLE, REGISTRATION_TITLE, p, write_docx

# A report written from a province's own template: its level label ("Phạm vi xét chọn") is one no reader
# is expected to know, so the level must be typed by the secretariat.
FOREIGN = "Phường Lái Hiếu/Báo cáo mẫu tỉnh.docx"


def foreign_report(root: Path, results: str = "Giảm 70% thực phẩm không rõ nguồn gốc.") -> Path:
    return write_docx(
        root / "inputs" / FOREIGN,
        p(PROPOSAL_TITLE),
        p("Tên mô hình: Tiểu thương nói không với thực phẩm bẩn"),
        p("Đơn vị thực hiện: Phường Lái Hiếu"),
        p("Phạm vi xét chọn: xã, phường"),
        p("Lĩnh vực: Kinh tế"),
        p("Kết quả đạt được: " + results),
        p("Tự đánh giá: Khá"),
    )


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    foreign_report(root)
    write_docx(
        root / "inputs" / "Phường Lái Hiếu/Phiếu đăng ký.docx",
        p(REGISTRATION_TITLE),
        p("Tên điển hình: Tiểu thương nói không với thực phẩm bẩn"),
        p("Tập thể thực hiện: Phường Lái Hiếu"),
        p("Lĩnh vực: Kinh tế"),
    )
    return root


def check_json(root: Path) -> dict:
    outcome = CliRunner().invoke(main, ["check", "-w", str(root), "--json"])
    assert outcome.exit_code == 0, outcome.output
    return {entry["path"]: entry for entry in json.loads(outcome.stdout)["files"]}


def book_path(root: Path) -> Path:
    return root / "outputs" / "2020" / WORKBOOK_NAME


def rows(root: Path) -> dict[str, dict]:
    sheet = load_workbook(book_path(root))[SHEET]
    values = list(sheet.iter_rows(values_only=True))
    return {row[values[0].index(FILE)]: dict(zip(values[0], row, strict=True)) for row in values[1:]}


def type_values(root: Path, rel: str, **typed: str) -> None:
    path = book_path(root)
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index(FILE) + 1).value == rel)
    for title, value in typed.items():
        sheet.cell(row, header.index(title) + 1, value)
    book.save(path)


def test_a_file_missing_fields_gets_a_row_with_what_is_missing_and_a_hint(workspace):
    files = check_json(workspace)
    assert files[FOREIGN]["status"] == "rejected"
    assert files["Phường Lái Hiếu/Phiếu đăng ký.docx"]["status"] == "rejected"  # no level either
    row = rows(workspace)[FOREIGN]
    assert row["Loại văn bản"] == "Báo cáo đề nghị"
    assert row[STATUS] == "Chờ bổ sung"
    assert 'Thiếu mục bắt buộc "Cấp công nhận"' in row["Cần bổ sung"]
    assert "Phạm vi xét chọn" in row["Gợi ý (dòng gần nhất trong tệp)"]
    assert row["Cấp công nhận"] is None


def test_typed_values_are_used_reported_with_their_origin_and_reach_the_decision(workspace):
    check_json(workspace)
    type_values(workspace, FOREIGN, **{"Cấp công nhận": "cấp xã"})
    type_values(workspace, "Phường Lái Hiếu/Phiếu đăng ký.docx", **{"Cấp công nhận": "Cấp xã, phường"})
    files = check_json(workspace)
    report = files[FOREIGN]
    assert report["status"] == "accepted", report["problems"]
    assert report["fields"]["level"] == "Cấp xã, phường"
    assert report["origins"]["level"] == "manual" and report["origins"]["model_name"] == "file"
    assert report["file_values"] == {"level": ""}
    assert report["sources"]["level"].startswith(f"nhập tay: {WORKBOOK_NAME}, hàng ")
    registration = files["Phường Lái Hiếu/Phiếu đăng ký.docx"]
    assert registration["status"] == "accepted"
    assert not [p for p in report["problems"] if p["code"] == "NOT_REGISTERED"]
    assert rows(workspace)[FOREIGN][STATUS] == "Đã đủ: dùng giá trị nhập tay"
    outcome = CliRunner().invoke(main, ["run", "-w", str(workspace), "--json", "--as-proposed"])
    assert outcome.exit_code == 0, outcome.output
    documents = json.loads(outcome.stdout)["documents"]
    decision = next(d for d in documents if d["kind"] == "decision" and d["level"] == "Cấp xã, phường")
    assert decision["count"] == 1
    from docx import Document

    listing = next(d for d in documents if d["kind"] == "list" and d["level"] == "Cấp xã, phường")
    text = "\n".join(cell.text for table in Document(listing["path"]).tables for cell in table._cells)
    assert "Tiểu thương nói không với thực phẩm bẩn" in text


def test_a_typed_value_outside_the_vocabulary_gets_the_same_error_as_a_read_one(workspace):
    check_json(workspace)
    type_values(workspace, FOREIGN, **{"Cấp công nhận": "cấp tỉnh"})
    report = check_json(workspace)[FOREIGN]
    problem = next(p for p in report["problems"] if p["code"] == "UNKNOWN_LEVEL")
    assert problem["severity"] == "error" and "cấp tỉnh" in problem["message"]
    assert problem["where"].startswith("nhập tay")


def test_typed_values_survive_reruns_and_are_flagged_when_the_file_changes(workspace):
    check_json(workspace)
    type_values(workspace, FOREIGN, **{"Cấp công nhận": "cấp xã"})
    assert check_json(workspace)[FOREIGN]["status"] == "accepted"
    check_json(workspace)
    assert rows(workspace)[FOREIGN]["Cấp công nhận"] == "cấp xã"
    foreign_report(workspace, results="Giảm 80% thực phẩm không rõ nguồn gốc.")
    report = check_json(workspace)[FOREIGN]
    assert report["status"] == "accepted" and report["fields"]["level"] == "Cấp xã, phường"
    assert "MANUAL_VALUE_STALE" in [p["code"] for p in report["problems"]]
    row = rows(workspace)[FOREIGN]
    assert row["Cấp công nhận"] == "cấp xã" and row[STATUS].startswith("Tệp nguồn đã thay đổi")
    type_values(workspace, FOREIGN, **{REVIEWED: "x"})
    check_json(workspace)  # the review is recorded: the stamp now matches the file
    report = check_json(workspace)[FOREIGN]
    assert "MANUAL_VALUE_STALE" not in [p["code"] for p in report["problems"]]
    assert rows(workspace)[FOREIGN][REVIEWED] is None


def test_values_typed_in_decomposed_unicode_are_read_as_composed(workspace):
    import unicodedata

    check_json(workspace)
    type_values(workspace, FOREIGN, **{"Cấp công nhận": unicodedata.normalize("NFD", "Cấp xã, phường")})
    assert check_json(workspace)[FOREIGN]["fields"]["level"] == "Cấp xã, phường"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_values_typed_in_a_workbook_resaved_by_libreoffice_are_used(workspace, tmp_path):
    check_json(workspace)
    type_values(workspace, FOREIGN, **{"Cấp công nhận": "cấp xã"})
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(book_path(workspace)),
        ],
        capture_output=True,
        timeout=120,
    )
    if not (out / WORKBOOK_NAME).exists():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) is not installed")
    shutil.copy(out / WORKBOOK_NAME, book_path(workspace))
    report = check_json(workspace)[FOREIGN]
    assert report["status"] == "accepted" and report["origins"]["level"] == "manual"
    assert rows(workspace)[FOREIGN]["Cấp công nhận"] == "cấp xã"


def test_explain_shows_labels_values_and_the_closest_lines_for_a_missing_field(workspace):
    outcome = CliRunner().invoke(main, ["check", "-w", str(workspace), "--explain", FOREIGN])
    assert outcome.exit_code == 0, outcome.output
    text = outcome.stdout
    assert "Tên mô hình" in text and "Tiểu thương nói không với thực phẩm bẩn" in text
    assert "Cấp công nhận" in text and "Phạm vi xét chọn: xã, phường" in text
    assert "đoạn 4" in text


def test_explain_as_json(workspace):
    outcome = CliRunner().invoke(main, ["check", "-w", str(workspace), "--explain", FOREIGN, "--json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert data["kind"] == "proposal"
    assert any(step["fields"] and step["fields"][0]["field"] == "model_name" for step in data["labels"])
    missing = next(item for item in data["missing"] if item["field"] == "level")
    assert missing["candidates"][0]["where"] == "đoạn 4"


def test_explain_on_a_file_that_is_not_there_is_a_clear_error(workspace):
    outcome = CliRunner().invoke(main, ["check", "-w", str(workspace), "--explain", "không có.docx"])
    assert outcome.exit_code == 2
    assert "không có.docx" in outcome.stderr


def test_a_workspace_with_nothing_to_correct_has_no_correction_workbook(tmp_path):
    root = init_workspace(tmp_path / "ws")
    run_check(load_workspace(root))
    assert not book_path(root).exists()


def test_the_shipped_sample_is_completed_by_the_committed_correction_workbook(tmp_path):
    """The repository's own workspace ships a file whose level only the correction workbook gives."""
    repo = Path(__file__).parent.parent
    root = init_workspace(tmp_path / "ws")
    shutil.rmtree(root / "inputs")
    shutil.copytree(repo / "inputs", root / "inputs")
    (root / "outputs" / "2020").mkdir(parents=True)
    shutil.copy(repo / "outputs" / "2020" / WORKBOOK_NAME, book_path(root))
    report = check_json(root)["Xã Đại Thành/Báo cáo mô hình (mẫu huyện cũ).docx"]
    assert report["status"] == "accepted"
    assert (report["fields"]["level"], report["origins"]["level"]) == ("Cấp xã, phường", "manual")

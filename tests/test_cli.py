"""The `dvk` command line: run/build/stats/templates/init, exit codes, refusals, documentation."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.appraise import PROPOSED, RESULT, SHEET, read_rows
from pipeline.cli import main
from pipeline.config import init_workspace
from tests.docxbuild import proposal_paragraphs, write_docx

ROOT = Path(__file__).parent.parent


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture()
def samples(tmp_path: Path) -> Path:
    """A workspace holding a copy of the shipped sample inputs."""
    root = init_workspace(tmp_path / "ws")
    shutil.rmtree(root / "inputs")
    shutil.copytree(ROOT / "inputs", root / "inputs")
    return root


def set_result(root: Path, column: str, match: str, value: str, others_as_proposed: bool = True) -> None:
    """Type results into the workbook as the committee does in Excel: `value` for the rows whose `column`
    contains `match`; the proposed rating for every other row (unless told not to)."""
    path = root / "outputs" / "2020" / "tham-dinh.xlsx"
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if match in str(sheet.cell(row, header.index(column) + 1).value):
            sheet.cell(row, header.index(RESULT) + 1, value)
        elif others_as_proposed:
            sheet.cell(row, header.index(RESULT) + 1, sheet.cell(row, header.index(PROPOSED) + 1).value)
    book.save(path)


def test_run_on_the_samples_builds_every_document(samples):
    result = invoke("run", "-w", str(samples), "--json", "--as-proposed")
    assert result.exit_code == 0, result.output
    documents = json.loads(result.output)["documents"]
    assert sorted({d["kind"] for d in documents}) == ["certificates", "decision", "list", "report"]
    assert all(Path(d["path"]).is_file() for d in documents)
    decisions = {d["level"]: d["count"] for d in documents if d["kind"] == "decision"}
    # The sample copied without its correction workbook: the file awaiting a typed level stays out.
    # The genre samples add four city-level proposals and one commune-level (tools/genre_samples.py).
    assert decisions == {"Cấp thành phố": 12, "Cấp xã, phường": 5}


def test_build_without_workbook_drafts_from_proposed_ratings_only_when_asked(samples):
    refused = invoke("build", "-w", str(samples))
    assert refused.exit_code == 1
    said = refused.output[refused.output.index("Lỗi:") :]  # after the note on the sample settings
    assert said.startswith("Lỗi: Chưa lập được quyết định:\n- Còn 17 đề nghị chưa có kết quả")
    result = invoke("build", "-w", str(samples), "--as-proposed")
    assert result.exit_code == 0, result.output
    assert "Chưa có sổ thẩm định tham-dinh.xlsx: lập theo mức đề nghị của đơn vị." in result.output


def test_build_refuses_while_results_are_pending_naming_how_many_and_the_option(samples):
    assert invoke("check", "-w", str(samples)).exit_code == 0
    set_result(samples, "Tên mô hình", "Sổ vàng khởi nghiệp", "Khá", others_as_proposed=False)
    refused = invoke("build", "-w", str(samples))
    assert refused.exit_code == 1
    lines = refused.output[refused.output.index("Lỗi:") :].splitlines()
    assert lines[:2] == ["Lỗi: Chưa lập được quyết định:", lines[1]]
    assert lines[1].startswith("- Còn 16 đề nghị chưa có kết quả thẩm định (MH-2020-")
    assert lines[2:] == [
        "Ghi kết quả vào cột “Kết quả thẩm định” của sổ tham-dinh.xlsx (hoặc trên trang Thẩm định của dvk "
        "serve) rồi chạy lại; hoặc lấy mức đề nghị của đơn vị làm kết quả cho các đề nghị chưa có kết quả: "
        "--as-proposed."
    ]
    assert not list((samples / "outputs" / "2020").glob("quyet-dinh*"))
    built = invoke("build", "-w", str(samples), "--as-proposed")
    assert built.exit_code == 0, built.output
    notes = [line for line in built.output.splitlines() if line.startswith("Lưu ý:")]
    assert [note for note in notes if "16" in note] == [
        "Lưu ý: 16 đề nghị chưa có kết quả thẩm định lấy mức đề nghị làm kết quả.",
        "Lưu ý: Đã ghi 16 kết quả đó vào sổ tham-dinh.xlsx.",
    ]
    results = {row["Tên mô hình"]: row[RESULT] for row in read_rows(samples / "outputs/2020/tham-dinh.xlsx")}
    rows = read_rows(samples / "outputs/2020/tham-dinh.xlsx")
    assert len(rows) == 17 and all(
        row[RESULT] for row in rows
    )  # the proposals taken are written as the results
    assert [name for name, value in results.items() if value == "Khá" and "Sổ vàng" in name]
    assert invoke("build", "-w", str(samples)).exit_code == 0  # nothing pending any more


def test_not_recognised_in_the_workbook_leaves_the_model_out(samples):
    assert invoke("check", "-w", str(samples)).exit_code == 0
    set_result(samples, "Tên mô hình", "Sổ vàng khởi nghiệp", "Không công nhận")
    stats = json.loads(invoke("stats", "-w", str(samples), "--json").output)
    assert stats["levels"][0]["recognized"] == 11  # 12 city-level proposals, one left out


def test_build_refuses_an_appraisal_rating_outside_the_vocabulary(samples):
    assert invoke("check", "-w", str(samples)).exit_code == 0
    set_result(samples, "Tên mô hình", "Sổ vàng khởi nghiệp", "Xuất sắc lắm")
    result = invoke("build", "-w", str(samples))
    assert result.exit_code == 1
    assert 'kết quả thẩm định "Xuất sắc lắm" không thuộc Tốt, Khá, Không công nhận' in result.output


def test_build_refuses_a_workbook_id_whose_file_is_gone(samples):
    assert invoke("check", "-w", str(samples)).exit_code == 0
    set_result(samples, "Tên mô hình", "(none)", "")
    shutil.rmtree(samples / "inputs" / "Văn phòng Thành ủy")
    result = invoke("build", "-w", str(samples))
    assert result.exit_code == 1
    assert "không còn tệp đề nghị nào ứng với mã này" in result.output


def test_build_refuses_a_recognised_proposal_that_now_has_errors(samples):
    assert invoke("check", "-w", str(samples)).exit_code == 0
    set_result(samples, "Tên mô hình", "(none)", "")
    path = samples / "inputs" / "Văn phòng Thành ủy" / "Báo cáo Sổ vàng khởi nghiệp (sửa).docx"
    write_docx(path, *proposal_paragraphs(field="Thể thao"))
    result = invoke("build", "-w", str(samples))
    assert result.exit_code == 1
    assert "tệp còn lỗi" in result.output and "Thể thao" in result.output


def test_number_without_date_is_a_usage_error(samples):
    result = invoke("build", "-w", str(samples), "--number", "5")
    assert result.exit_code == 2
    assert (
        "Lỗi: Ghi cả số và ngày (văn thư cấp số và ngày cùng lúc), hoặc để trống cả hai để lập dự thảo. "
        "(tùy chọn: --number SỐ --date NGÀY)"
    ) in result.output


def test_numbered_build_prints_number_and_date(samples):
    result = invoke(
        "build", "-w", str(samples), "--number", "123", "--date", "23/12/2020", "--json", "--as-proposed"
    )
    assert result.exit_code == 0, result.output
    from pipeline.render import read_back

    decision = next(d for d in json.loads(result.output)["documents"] if d["kind"] == "decision")
    rendered = read_back(Path(decision["path"]))
    text = "\n".join(
        [*rendered.paragraphs, *(cell for table in rendered.tables for row in table for cell in row)]
    )
    assert "Số 123-QĐ/TU" in text and "Ngã Bảy, ngày 23 tháng 12 năm 2020" in text


def test_pdf_without_libreoffice_exits_3(samples, monkeypatch):
    monkeypatch.setenv("DVK_SOFFICE", "/nonexistent/soffice")
    result = invoke("build", "-w", str(samples), "--pdf", "--as-proposed")
    assert result.exit_code == 3
    assert "LibreOffice" in result.output


def test_shipped_templates_pass_the_lint(samples):
    result = invoke("templates", "check", "-w", str(samples))
    assert result.exit_code == 0, result.output
    assert "quyet-dinh.docx: đạt" in result.output


def test_init_never_overwrites_an_edited_config(tmp_path):
    assert invoke("init", str(tmp_path / "DVK-2021")).exit_code == 0
    config = tmp_path / "DVK-2021" / "dvk.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("year = 2020", "year = 2021"), encoding="utf-8"
    )
    assert invoke("init", str(tmp_path / "DVK-2021")).exit_code == 0
    assert "year = 2021" in config.read_text(encoding="utf-8")
    assert (tmp_path / "DVK-2021" / "templates_docx" / "quyet-dinh.docx").is_file()


def commands(group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix}{name}")
        if hasattr(command, "commands"):
            names += commands(command, f"{prefix}{name} ")
    return names


@pytest.mark.parametrize("command", commands(main))
def test_every_command_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"dvk {re.escape(command)}\b", readme), f"README does not document `dvk {command}`"


def test_progress_shows_done_of_total_rate_and_time_left_on_stderr(capsys, monkeypatch):
    from pipeline import cli_common

    clock = iter([0.0, 1.0, 2.0, 4.0])
    monkeypatch.setattr(cli_common.time, "monotonic", lambda: next(clock))
    printer = cli_common.ProgressPrinter()
    printer("đọc tệp", 10, 40)
    printer("đọc tệp", 20, 40)
    printer("đọc tệp", 40, 40)
    err = capsys.readouterr().err
    assert "đọc tệp: 10/40 (10 tệp/giây, còn khoảng 3 giây)" in err
    assert "đọc tệp: 40/40 (10 tệp/giây)" in err and err.endswith("\n")


def test_no_progress_when_output_is_json_or_not_a_terminal():
    from pipeline.cli_common import progress_for

    assert progress_for(as_json=True) is None
    assert progress_for(as_json=False) is None  # pytest's stderr is not a terminal

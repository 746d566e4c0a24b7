"""Faults found under hostile testing (issue 12), each pinned by the test that found it.

FIFOs in inputs/, names that differ only in Unicode normalization, the workbook and the cache
disagreeing, a person's save landing while dvk writes, and the smaller ones.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import appraise, build, render, sheet_patch
from pipeline.appraise import CHANGED, ID, RESULT, SHEET, STATUS
from pipeline.check import WORKBOOK_NAME, recognise, run_check
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.model import ConfigError, DvkError, Model
from tests.docxbuild import proposal_paragraphs, write_docx
from tests.helpers import by_kind, seed_models, state_profile

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / "Sổ vàng.docx", *proposal_paragraphs())
    return root


def dvk(root: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """`python -m pipeline …` in a child with a time limit: a hang fails the test, not the suite."""
    command = [sys.executable, "-m", "pipeline", *args, "-w", str(root)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ---------------------------------------------------------------------------- special files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no FIFOs (named pipes)")
def test_a_fifo_in_inputs_is_skipped_with_a_reason_by_every_command(root: Path) -> None:
    os.mkfifo(root / "inputs" / "ống.docx")
    checked = dvk(root, "check", "--json")
    assert checked.returncode == 0, checked.stderr
    files = {f["path"]: f for f in json.loads(checked.stdout)["files"]}
    assert files["ống.docx"]["status"] == "skipped"
    assert "FIFO" in files["ống.docx"]["reason"]
    assert files["Sổ vàng.docx"]["status"] == "accepted"
    for command in (["build", "--json"], ["run", "--json"]):
        done = dvk(root, *command)
        assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------- NFC / NFD twin names


def test_names_differing_only_in_normalization_are_a_problem_on_both_files(root: Path) -> None:
    name = "Báo cáo Hợp tác xã.docx"
    write_docx(root / "inputs" / name, *proposal_paragraphs(model_name="Hợp tác xã kiểu mới"))
    write_docx(root / "inputs" / nfd(name), *proposal_paragraphs(model_name="Tổ tự quản"))
    if len(os.listdir(root / "inputs")) != 3:
        pytest.skip("this file system normalizes names itself (one file, not two)")
    result = run_check(load_workspace(root))
    twins = [f for f in result.files if f.path == name]
    assert len(twins) == 2 and all(f.status == "rejected" for f in twins)
    assert all([p.code for p in f.problems] == ["NAME_TWIN"] for f in twins)
    assert twins[0].problems[0].message.startswith(f"Có hai tệp cùng tên “{name}”, chỉ khác cách mã hóa")
    assert all(unicodedata.is_normalized("NFC", f.problems[0].message) for f in twins)
    assert result.totals["found"] == 3 == sum(result.totals[s] for s in ("accepted", "rejected", "skipped"))
    ids = [f.id for f in result.files if f.id]
    assert len(ids) == len(set(ids)) == 1


def test_a_decomposed_name_alone_is_read_by_its_name_on_disk_and_shown_composed(root: Path) -> None:
    name = "Tổ tự quản.docx"
    write_docx(root / "inputs" / nfd(name), *proposal_paragraphs(model_name="Tổ tự quản"))
    result = run_check(load_workspace(root))
    report = next(f for f in result.files if f.path == name)
    assert report.status == "accepted" and report.field("model_name") == "Tổ tự quản"
    rerun = run_check(load_workspace(root))  # from the cache: same answer
    assert next(f for f in rerun.files if f.path == name).status == "accepted"


# ---------------------------------------------------------------------------- the workbook is the truth


def workbook_rows(root: Path) -> dict[str, dict[str, object]]:
    """Proposal id -> {header: value} of every row of the appraisal sheet on disk."""
    sheet = load_workbook(root / "outputs" / "2020" / WORKBOOK_NAME)[SHEET]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (cell.value for cell in row), strict=False)) for row in sheet.iter_rows(min_row=2)
    ]
    return {row[ID]: row for row in rows if row[ID]}


def person_edits(root: Path, proposal_id: str, result: str, delete: str | None = None) -> None:
    """What a person does in Excel: type an appraisal result, maybe delete a row, save."""
    path = root / "outputs" / "2020" / WORKBOOK_NAME
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index(ID) + 1).value == proposal_id:
            sheet.cell(row, header.index(RESULT) + 1).value = result
    for row in range(sheet.max_row, 1, -1):
        if delete and sheet.cell(row, header.index(ID) + 1).value == delete:
            sheet.delete_rows(row)
    book.save(path.with_name("~excel-save.tmp"))  # as Excel saves: a new file renamed over the old
    os.replace(path.with_name("~excel-save.tmp"), path)


def two_proposals(root: Path) -> tuple[str, str]:
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    result = run_check(load_workspace(root))
    first, second = sorted(f.id for f in result.files if f.id)
    return first, second


def test_a_row_deleted_by_hand_is_added_back_by_the_next_check(root: Path) -> None:
    first, second = two_proposals(root)
    person_edits(root, first, "Khá", delete=second)
    assert set(workbook_rows(root)) == {first}
    update = run_check(load_workspace(root)).workbook
    assert update.added == 1
    rows = workbook_rows(root)
    assert set(rows) == {first, second} and rows[first][RESULT] == "Khá"


def test_an_older_copy_put_back_gets_the_newer_rows_back(root: Path, tmp_path: Path) -> None:
    run_check(load_workspace(root))
    [first] = workbook_rows(root)
    person_edits(root, first, "Khá")
    older = shutil.copy2(root / "outputs" / "2020" / WORKBOOK_NAME, tmp_path / "older.xlsx")
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    assert run_check(load_workspace(root)).workbook.added == 1
    shutil.copy2(older, root / "outputs" / "2020" / WORKBOOK_NAME)
    assert run_check(load_workspace(root)).workbook.added == 1
    rows = workbook_rows(root)
    assert len(rows) == 2 and rows[first][RESULT] == "Khá"


def land_a_save_before(monkeypatch, module, name: str, root: Path, proposal_id: str, times: int = 1) -> list:
    """Make a person's save land on disk just before dvk's write (`times` writes in a row)."""
    real, landed = getattr(module, name), []

    def write(*args, **kwargs):
        if len(landed) < times:
            landed.append(proposal_id)
            person_edits(root, proposal_id, f"Khá {len(landed)}")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, write)
    return landed


def test_a_save_landing_while_rows_are_added_is_merged_not_lost(root: Path, monkeypatch) -> None:
    run_check(load_workspace(root))
    [first] = workbook_rows(root)
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    landed = land_a_save_before(monkeypatch, appraise, "save_atomically", root, first)
    update = run_check(load_workspace(root)).workbook
    assert landed and update.added == 1
    rows = workbook_rows(root)
    assert len(rows) == 2 and rows[first][RESULT] == "Khá 1", "the person's save was overwritten"


def test_a_save_landing_while_system_cells_are_patched_is_merged_not_lost(root: Path, monkeypatch) -> None:
    run_check(load_workspace(root))
    [first] = workbook_rows(root)
    write_docx(root / "inputs" / "Sổ vàng.docx", *proposal_paragraphs(results="Hỗ trợ 15 hộ khởi nghiệp."))
    landed = land_a_save_before(monkeypatch, sheet_patch, "write_package", root, first)
    run_check(load_workspace(root))
    assert landed
    row = workbook_rows(root)[first]
    assert row[RESULT] == "Khá 1" and row[STATUS] == CHANGED


def test_a_workbook_saved_again_and_again_stops_with_a_clear_message(root: Path, monkeypatch) -> None:
    run_check(load_workspace(root))
    [first] = workbook_rows(root)
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    land_a_save_before(monkeypatch, appraise, "save_atomically", root, first, times=99)
    with pytest.raises(DvkError, match="dvk chưa ghi gì để không đè lên chỉnh sửa"):
        run_check(load_workspace(root))
    monkeypatch.undo()
    assert workbook_rows(root)[first][RESULT] == "Khá 3", "the person's last save stays as it was"
    assert not list((root / "outputs" / "2020").glob(".tmp-*")), "no temporary file is left behind"


# ---------------------------------------------------------------------------- smaller faults


def test_an_appraisal_result_typed_in_decomposed_unicode_is_accepted(root: Path) -> None:
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    run_check(load_workspace(root))
    first, second = sorted(workbook_rows(root))
    person_edits(root, first, nfd("Tốt"))
    person_edits(root, second, " khá ")  # typed by hand: case and spaces differ from the list
    workspace = load_workspace(root)
    models = recognise(workspace, run_check(workspace)).models
    assert sorted((m.id, m.rating) for m in models) == [(first, "Tốt"), (second, "Khá")]


def test_a_row_whose_file_is_rejected_as_a_duplicate_is_not_called_gone(root: Path) -> None:
    run_check(load_workspace(root))
    [first] = workbook_rows(root)
    write_docx(root / "inputs" / "Sổ vàng (gửi lại).docx", *proposal_paragraphs(results="Thêm 3 hộ."))
    result = run_check(load_workspace(root))
    assert {p.code for f in result.files for p in f.problems} >= {"DUPLICATE_PROPOSAL"}
    assert workbook_rows(root)[first][STATUS] == appraise.REJECTED
    assert result.workbook.missing == 0


def test_a_commune_decision_without_a_signer_is_a_clear_setting_error(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    text = (root / "dvk.toml").read_text(encoding="utf-8").replace('= "issuer"', '= "commune"')
    (root / "dvk.toml").write_text(text, encoding="utf-8")
    model = Model(
        "m1", "Tổ tự quản", "Hội Phụ nữ phường Lái Hiếu", "Cấp xã, phường", "Tập thể", "Kinh tế", "Tốt"
    )
    with pytest.raises(ConfigError, match=r"chưa ghi người ký của Phường Lái Hiếu.*decision\.commune"):
        build.build_documents(load_workspace(root), [model], 10)
    signers = '\n[decision.commune.signers]\n"Phường Lái Hiếu" = "Trần Văn Bảy"\n'
    (root / "dvk.toml").write_text(text + signers, encoding="utf-8")
    documents = build.build_documents(load_workspace(root), [model], 10)
    decision = next(d for d in documents if d.kind == "decision")
    assert "Trần Văn Bảy" in render.read_back(decision.path).tables[-1][0][1]


def test_a_moved_workspace_prints_its_own_paths(root: Path, tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["check", "-w", str(root)]).exit_code == 0
    moved = Path(shutil.copytree(root, tmp_path / "chuyen-di"))
    shutil.rmtree(root)
    result = CliRunner().invoke(main, ["check", "-w", str(moved)])
    assert result.exit_code == 0, result.output
    assert str(root) not in result.output
    assert str(moved / "outputs" / "2020" / WORKBOOK_NAME) in result.output


def test_the_state_profile_report_has_the_state_header(root: Path) -> None:
    state = state_profile(load_workspace(root))
    documents = build.build_documents(state, seed_models(), 187, number=5, issued=date(2020, 12, 23))
    [report] = by_kind(documents, "report")
    text = render.read_back(report.path)
    left, right = text.tables[0][0]
    assert left.startswith("TỈNH HẬU GIANG\nỦY BAN NHÂN DÂN\nTHÀNH PHỐ NGÃ BẢY")
    assert right == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in repr(text)
    assert text.tables[0][1][0] == "Số:      /BC-UBND"
    assert "trên địa bàn thành phố Ngã Bảy có 187 mô hình" in "\n".join(text.paragraphs)
    assert text.tables[-1][0][1].startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no permission bits")
def test_outputs_respect_the_umask_and_a_rewrite_keeps_the_mode(root: Path) -> None:
    previous = os.umask(0o027)
    try:
        run_check(load_workspace(root))
        year = root / "outputs" / "2020"
        assert stat.S_IMODE((year / WORKBOOK_NAME).stat().st_mode) == 0o640
        assert stat.S_IMODE((year / "bao-cao-kiem-tra.xlsx").stat().st_mode) == 0o640
        os.umask(0o022)
        (year / WORKBOOK_NAME).chmod(0o664)  # shared with the group by hand: dvk keeps it so
        write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
        assert run_check(load_workspace(root)).workbook.added == 1
        assert stat.S_IMODE((year / WORKBOOK_NAME).stat().st_mode) == 0o664
        assert stat.S_IMODE((year / "bao-cao-kiem-tra.xlsx").stat().st_mode) == 0o640
    finally:
        os.umask(previous)

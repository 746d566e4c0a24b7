"""The check cache never serves stale data, and an unchanged rerun reads and hashes nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import pipeline.cache
import pipeline.check
import pipeline.discover
from pipeline.check import run_check
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import proposal_paragraphs, write_docx

PAST = time.time() - 3600  # older than the racy window, as files are between real runs


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    for index in range(3):
        write_docx(
            root / "inputs" / f"đề nghị {index}.docx", *proposal_paragraphs(model_name=f"Mô hình {index}")
        )
    age_all(root)
    return root


def age_all(root: Path) -> None:
    for path in (root / "inputs").rglob("*.docx"):
        os.utime(path, (PAST, PAST))


@pytest.fixture()
def counters(monkeypatch):
    counts = {"hashed": 0, "read": 0}
    real_hash, real_read = pipeline.discover.sha256_file, pipeline.check.read_document

    def counting_hash(path):
        counts["hashed"] += 1
        return real_hash(path)

    def counting_read(path, cache_dir=None):
        counts["read"] += 1
        return real_read(path, cache_dir)

    monkeypatch.setattr(pipeline.discover, "sha256_file", counting_hash)
    monkeypatch.setattr(pipeline.check, "read_document", counting_read)
    return counts


def run(root: Path, counts: dict) -> dict:
    counts.update(hashed=0, read=0)
    result = run_check(load_workspace(root), jobs=1)
    return {report.path: report for report in result.files}


def test_unchanged_rerun_reads_and_hashes_nothing(workspace, counters):
    run(workspace, counters)
    assert counters == {"hashed": 3, "read": 3}
    reports = run(workspace, counters)
    assert counters == {"hashed": 0, "read": 0}
    assert reports["đề nghị 1.docx"].fields["model_name"] == "Mô hình 1"


def test_edited_file_is_reread_alone(workspace, counters):
    run(workspace, counters)
    write_docx(workspace / "inputs" / "đề nghị 1.docx", *proposal_paragraphs(model_name="Mô hình đã sửa"))
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 1}
    assert reports["đề nghị 1.docx"].fields["model_name"] == "Mô hình đã sửa"


def test_renamed_file_is_rehashed_but_not_reread(workspace, counters):
    run(workspace, counters)
    (workspace / "inputs" / "đề nghị 2.docx").rename(workspace / "inputs" / "tên mới.docx")
    reports = run(workspace, counters)
    assert counters == {"hashed": 1, "read": 0}
    assert "đề nghị 2.docx" not in reports
    assert reports["tên mới.docx"].fields["model_name"] == "Mô hình 2"


def test_deleted_file_disappears(workspace, counters):
    run(workspace, counters)
    (workspace / "inputs" / "đề nghị 0.docx").unlink()
    reports = run(workspace, counters)
    assert sorted(reports) == ["đề nghị 1.docx", "đề nghị 2.docx"]
    assert counters["read"] == 0


def test_racily_clean_file_is_rehashed(workspace, counters):
    run(workspace, counters)
    path = workspace / "inputs" / "đề nghị 0.docx"
    write_docx(path, *proposal_paragraphs(model_name="Mô hình 0"))
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    run(workspace, counters)
    run(workspace, counters)  # modified within the racy window of the last cache write
    assert counters["hashed"] == 1


def test_configuration_change_invalidates_everything(workspace, counters):
    run(workspace, counters)
    config = (workspace / "dvk.toml").read_text(encoding="utf-8")
    (workspace / "dvk.toml").write_text(config.replace('"VH-XH"', '"VH - XH"'), encoding="utf-8")
    run(workspace, counters)
    assert counters["read"] == 3


def test_tool_upgrade_invalidates_everything(workspace, counters, monkeypatch):
    run(workspace, counters)
    monkeypatch.setattr(pipeline.cache, "__version__", "99.0")
    run(workspace, counters)
    assert counters["read"] == 3


def test_damaged_cache_is_ignored(workspace, counters):
    run(workspace, counters)
    (workspace / ".dvk-cache" / "check.pickle").write_bytes(b"not a pickle")
    reports = run(workspace, counters)
    assert counters["read"] == 3 and len(reports) == 3


def test_parallel_and_serial_give_the_same_result(workspace):
    for index in range(3, 20):
        write_docx(
            workspace / "inputs" / f"đề nghị {index}.docx",
            *proposal_paragraphs(model_name=f"Mô hình {index}"),
        )
    (workspace / "inputs" / "hỏng.docx").write_bytes(b"PK\x03\x04 truncated")
    parallel = run_check(load_workspace(workspace), write_outputs=False, jobs=2).as_dict()
    (workspace / ".dvk-cache" / "check.pickle").unlink()
    serial = run_check(load_workspace(workspace), write_outputs=False, jobs=1).as_dict()
    assert parallel == serial
    assert parallel["totals"]["accepted"] == 20 and parallel["totals"]["rejected"] == 1


def test_check_after_a_build_time_check_still_refreshes_the_workbook(workspace, counters):
    """`dvk build` checks without writing outputs; the next `dvk check` must still write them."""
    from openpyxl import load_workbook

    run(workspace, counters)
    write_docx(
        workspace / "inputs" / "đề nghị 1.docx", *proposal_paragraphs(model_name="Mô hình 1", results="Mới.")
    )
    run_check(load_workspace(workspace), write_outputs=False, jobs=1)
    run(workspace, counters)
    sheet = load_workbook(workspace / "outputs" / "2020" / "tham-dinh.xlsx")["Thẩm định"]
    statuses = {row[1]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses["Mô hình 1"].startswith("Tệp đã thay đổi")


def test_unchanged_rerun_gives_the_same_result_as_the_run_that_read(workspace, counters):
    (workspace / "inputs" / "hỏng.docx").write_bytes(b"PK\x03\x04 truncated")
    (workspace / "inputs" / "ghi chú.txt").write_text("không phải hồ sơ", "utf-8")
    age_all(workspace)
    first = run_check(load_workspace(workspace), jobs=1).as_dict()
    counters.update(read=0)
    again = run_check(load_workspace(workspace), jobs=1).as_dict()
    assert counters["read"] == 0
    assert again == first
    assert {f["status"] for f in first["files"]} == {"accepted", "rejected", "skipped"}


class Planted:
    """Unpickling this would run code: a tampered cache must be ignored instead."""

    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_cache_file_naming_a_class_is_ignored_not_run(workspace, counters, monkeypatch, tmp_path):
    import pickle

    monkeypatch.chdir(tmp_path)
    run(workspace, counters)
    cache_file = workspace / ".dvk-cache" / "check.pickle"
    data = pickle.loads(cache_file.read_bytes())
    data["outputs"] = Planted()
    cache_file.write_bytes(pickle.dumps(data))
    reports = run(workspace, counters)
    assert not (tmp_path / "planted").exists()
    assert counters["read"] == 3 and len(reports) == 3

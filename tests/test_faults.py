"""Faults found under hostile testing (issue 12), each pinned by the test that found it.

FIFOs in inputs/, names that differ only in Unicode normalization, the workbook and the cache
disagreeing, a person's save landing while dvk writes, and the smaller ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.check import run_check
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import proposal_paragraphs, write_docx

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

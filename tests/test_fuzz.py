"""Fuzz: mutated proposals never crash the run, never hang, and each ends in one reported state.

The default run makes a quick sample; `pytest -m slow tests/test_fuzz.py` runs the full 600 variants
(or set DVK_FUZZ_COUNT).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from corpora.mutations import write_mutants
from pipeline.check import analyse_file, run_check
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import REGISTRATION_TITLE, p, proposal_paragraphs, sdt, tbl, write_docx

# No time is asserted: a hang fails through pytest's timeout. How fast mutated files are read is measured by
# `python -m benchmarks.limits` (budget there: 3 s).


def seeds(folder: Path) -> list[bytes]:
    """Valid files of the three layouts to mutate."""
    paragraphs = write_docx(folder / "a.docx", *proposal_paragraphs())
    table = write_docx(
        folder / "b.docx", p(REGISTRATION_TITLE), tbl([["Tên mô hình", "Sổ vàng"], ["Cấp", "cấp TP"]])
    )
    form = write_docx(
        folder / "c.docx", p(REGISTRATION_TITLE), tbl([["Tên mô hình", p(sdt("model_name", "Sổ"))]])
    )
    return [path.read_bytes() for path in (paragraphs, table, form)]


def make_variants(folder: Path, count: int) -> list[Path]:
    return write_mutants(seeds(folder / "seeds"), folder / "inputs", count)


def fuzz(tmp_path: Path, count: int) -> None:
    root = init_workspace(tmp_path / "ws")
    paths = make_variants(root, count)
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    config = load_workspace(root).config
    for path in paths:
        analysis = analyse_file(path, path.name, before[path], config, root / ".dvk-cache")
        assert analysis.record is not None or analysis.problems, path.name
    result = run_check(load_workspace(root))
    totals = result.totals
    assert totals["found"] == count == totals["accepted"] + totals["rejected"] + totals["skipped"]
    assert all(report.status in ("accepted", "rejected", "skipped") for report in result.files)
    assert all(report.problems or report.status != "rejected" for report in result.files)
    assert before == {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def test_fuzz_quick_sample(tmp_path):
    fuzz(tmp_path, 60)


@pytest.mark.slow
def test_fuzz_full(tmp_path):
    fuzz(tmp_path, int(os.environ.get("DVK_FUZZ_COUNT", "600")))

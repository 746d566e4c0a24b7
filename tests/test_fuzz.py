"""Fuzz: mutated proposals never crash the run, never hang, and each ends in one reported state.

The default run makes a quick sample; `pytest -m slow tests/test_fuzz.py` runs the full 600 variants
(or set DVK_FUZZ_COUNT).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.check import analyse_file, run_check
from pipeline.config import init_workspace, load_workspace
from tests.docxbuild import REGISTRATION_TITLE, p, proposal_paragraphs, sdt, tbl, write_docx

# A hang guard, not a speed target: generous enough never to trip on a loaded 2-core machine. How fast
# mutated files are read is measured by `python -m benchmarks.limits` (budget there: 3 s).
SLOWEST_SECONDS = 60.0


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


def rezip(data: bytes, change) -> bytes:
    """Rewrite a zip's entries through `change(entries) -> entries` (a list of (name, bytes))."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in change(entries):
            target.writestr(name, content)
    return out.getvalue()


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def truncate_file(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def remove_entry(data: bytes, rng: random.Random) -> bytes:
    return rezip(data, lambda entries: [e for i, e in enumerate(entries) if i != rng.randrange(len(entries))])


def swap_entries(data: bytes, rng: random.Random) -> bytes:
    def swap(entries):
        i, j = rng.randrange(len(entries)), rng.randrange(len(entries))
        names = [name for name, _ in entries]
        names[i], names[j] = names[j], names[i]
        return [(name, content) for name, (_, content) in zip(names, entries, strict=False)]

    return rezip(data, swap)


def truncate_xml(data: bytes, rng: random.Random) -> bytes:
    return rezip(
        data,
        lambda entries: [
            (n, c[: rng.randrange(len(c) + 1)] if n == "word/document.xml" else c) for n, c in entries
        ],
    )


def garble_xml(data: bytes, rng: random.Random) -> bytes:
    junk = rng.choice(
        [b"<w:p>", b"</w:body>", b"&bogus;", b"\x00\xff", b"<!DOCTYPE x>", b"<w:t>" * 50, b"]]>"]
    )

    def garble(entries):
        out = []
        for name, content in entries:
            if name == "word/document.xml":
                at = rng.randrange(len(content))
                content = content[:at] + junk + content[at:]
            out.append((name, content))
        return out

    return rezip(data, garble)


MUTATIONS = (flip_bytes, truncate_file, remove_entry, swap_entries, truncate_xml, garble_xml)


def make_variants(folder: Path, count: int) -> list[Path]:
    rng = random.Random(20201223)
    originals = seeds(folder / "seeds")
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        mutation = MUTATIONS[index % len(MUTATIONS)]
        path = inputs / f"biến thể {index:04d} {mutation.__name__}.docx"
        path.write_bytes(mutation(rng.choice(originals), rng))
        paths.append(path)
    return paths


def fuzz(tmp_path: Path, count: int) -> None:
    root = init_workspace(tmp_path / "ws")
    paths = make_variants(root, count)
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}
    config = load_workspace(root).config
    slowest = 0.0
    for path in paths:
        started = time.perf_counter()
        analysis = analyse_file(path, path.name, before[path], config, root / ".dvk-cache")
        slowest = max(slowest, time.perf_counter() - started)
        assert analysis.record is not None or analysis.problems, path.name
    assert slowest < SLOWEST_SECONDS
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

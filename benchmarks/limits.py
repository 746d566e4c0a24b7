"""The speed limits the unit tests used to assert, measured instead (issue 14: no timing asserts in the
default suite, where a loaded 2-core machine makes them flake).

    python -m benchmarks.limits

Prints, for each, the measured time against its budget: refusing each hostile file (1 s), starting a
reading worker (spawned: 2 s), a kept worker's overhead per run (0.1 s), the slowest of 60 mutated
documents (3 s), killing a timed-out worker (3 s). Exits 1 when a budget is exceeded, so it can gate a
release on a quiet machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpora import hostile, variants
from corpora.mutations import write_mutants
from pipeline.check import analyse_file
from pipeline.config import init_workspace, load_workspace
from pipeline.model import ReadError
from pipeline.platform import process
from pipeline.safezip import load_docx
from pipeline.sniff import require_readable


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    try:
        action()
    except ReadError:
        pass
    return time.perf_counter() - started


def open_submission(path: Path) -> object:
    """What the reader does with a submission: size and kind first, then the parts."""
    require_readable(path)
    return load_docx(path)


def hostile_refusals(folder: Path) -> float:
    """The slowest refusal over the hostile catalogue (building the files is not timed)."""
    paths = [builder(folder) for builder, _ in hostile.CASES.values()]
    return max(timed(lambda p=path: open_submission(p)) for path in paths)


def in_workers(function: Callable, tasks: list[tuple], seconds: float = 5) -> list:
    return list(process.run_tasks(function, tasks, 1, seconds, 1 << 30))


def worker_start() -> float:
    return timed(lambda: in_workers(int, [("1",)]))  # the first run starts the worker


def worker_overhead() -> float:
    in_workers(int, [("1",)])
    return statistics.median(timed(lambda: in_workers(int, [("1",)])) for _ in range(10))


def slowest_mutated(folder: Path) -> float:
    root = init_workspace(folder / "ws")
    config = load_workspace(root).config
    variants.generate(folder / "seeds", files=6, seed=2020, libreoffice_share=0)
    originals = [path.read_bytes() for path in sorted((folder / "seeds").glob("*.docx"))]
    paths = write_mutants(originals, root / "inputs", 60)
    return max(
        timed(lambda p=path: analyse_file(p, p.name, "", config, root / ".dvk-cache")) for path in paths
    )


def timeout_kill() -> float:
    return timed(lambda: in_workers(time.sleep, [(30,)], seconds=0.5))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="dvk-limits-") as scratch:
        folder = Path(scratch)
        rows = [
            ("slowest hostile file refused", hostile_refusals(folder), 1.0),
            ("worker start (spawn, first file of a run)", worker_start(), 2.0),
            ("worker overhead per call (median)", worker_overhead(), 0.1),
            ("slowest of 60 mutated documents", slowest_mutated(folder), 3.0),
            ("timed-out worker killed (limit 0.5 s)", timeout_kill(), 3.0),
        ]
    over = 0
    for name, seconds, budget in rows:
        verdict = "ok" if seconds <= budget else "OVER"
        over += verdict == "OVER"
        print(f"{name:40} {seconds:8.3f} s  budget {budget:5.1f} s  {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

"""Mutation testing of the modules that decide results (`make mutants`; not part of `make test`).

Each module is mutated on its own, with only the test files that exercise it (mutmut then runs, for
each mutant, just the tests that reached the mutated function). A module runs in a staging copy of
the repository under build/mutants/<module>/, so the working tree is never touched and one module's
results survive another's run.

    python -m tools.mutants                 # every module below
    python -m tools.mutants validate cache  # some of them
    python -m tools.mutants --report        # print the scores of the last runs only

Prints one line per module: mutants, killed, survived, timeouts, the score (killed share, timeouts
counted as killed as mutmut does), and writes build/mutants/scores.json.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGING = ROOT / "build" / "mutants"

# module -> the test files that exercise it (narrow on purpose: a mutant is judged by these alone).
# build is limited to its counting parts: the functions that count, number and total models.
MODULES: dict[str, tuple[str, ...]] = {
    "validate": ("tests/test_validate.py",),
    "cache": ("tests/test_cache.py",),
    "vntext": ("tests/test_vntext.py", "tests/test_vntext_tables.py"),
    "legacy": ("tests/test_legacy.py", "tests/test_legacy_tables.py"),
    "appraise": ("tests/test_check.py", "tests/test_cli.py", "tests/test_appraise.py"),
    "archive/register": ("tests/test_register_records.py", "tests/test_register.py"),
    "build": ("tests/test_build_counts.py", "tests/test_build.py"),
    "extract": (
        "tests/test_vocabulary.py",
        "tests/test_classify.py",
        "tests/test_extract.py",
        "tests/test_labels.py",
        "tests/test_samples.py",
    ),
}
# Only these functions of build.py are measured: the ones that count, group, order and number the models
# (the document wording and number/date lines belong to the format work, issue 15).
BUILD_COUNTING = (
    "campaign_stats",
    "check_counts",
    "decision_groups",
    "list_order",
    "list_sections",
    "list_row",
    "level_line",
    "roman",
)
COPIED = (
    "pipeline",
    "tests",
    "tools",
    "templates_docx",
    "inputs",
    "benchmarks",
    "pyproject.toml",
    "README.md",
)
ALSO_COPIED = ["tools", "templates_docx", "inputs", "benchmarks", "README.md"]  # mutmut's copy of the rest


def stage(module: str, tests: list[str] | None = None) -> Path:
    """A fresh copy of the repository with a [tool.mutmut] section for this module alone."""
    where = STAGING / module
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, where / name)
    tests = [test for test in tests or MODULES[module] if (ROOT / test).exists()]
    section = {
        "source_paths": ["pipeline"],
        "only_mutate": [f"pipeline/{module}.py"],
        "also_copy": ALSO_COPIED,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:randomly"],
        "timeout_multiplier": 5.0,
        # Tests run in children of a fork server, never in mutmut's own process: a check's worker pool left
        # behind there would be reaped by mutmut's os.wait() as if it were a mutant (KeyError: pid).
        "process_isolation": "forkserver",
    }
    with (where / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write("\n[tool.mutmut]\n")
        for key, value in section.items():
            out.write(f"{key} = {json.dumps(value)}\n")
    return where


def run(module: str, children: int, tests: list[str] | None = None) -> dict:
    where = stage(module, tests)
    started = time.monotonic()
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *selection(module)]
    with (STAGING / f"{module}.log").open("w", encoding="utf-8") as log:
        subprocess.run(command, cwd=where, stdout=log, stderr=subprocess.STDOUT, env=environment())
    score = read_score(module)
    score["seconds"] = round(time.monotonic() - started)
    return score


def selection(module: str) -> list[str]:
    """mutmut's mutant-name patterns for the part of the module measured (all of it but build)."""
    if module != "build":
        return []
    return [f"pipeline.build.x_{name}__mutmut_*" for name in BUILD_COUNTING]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def read_score(module: str) -> dict:
    """Counts by outcome of the measured mutants, read from mutmut's record of the last run."""
    from mutmut.stats import status_by_exit_code

    meta = STAGING / module / "mutants" / "pipeline" / f"{module}.py.meta"
    if not meta.exists():
        return {"module": module, "error": f"no result (see build/mutants/{module}.log)"}
    results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    patterns = selection(module)
    counts: dict[str, int] = {}
    survivors = []
    for name, exit_code in results.items():
        if patterns and not any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
            continue
        status = status_by_exit_code[exit_code]
        counts[status] = counts.get(status, 0) + 1
        if status in ("survived", "no tests"):
            survivors.append(name)
    killed = counts.get("killed", 0) + counts.get("timeout", 0)
    judged = killed + counts.get("survived", 0) + counts.get("no tests", 0)
    return {
        "module": module,
        "mutants": sum(counts.values()),
        "killed": counts.get("killed", 0),
        "timeout": counts.get("timeout", 0),
        "survived": counts.get("survived", 0),
        "no_tests": counts.get("no tests", 0),
        "not_checked": counts.get("not checked", 0),
        "score": round(100 * killed / judged, 1) if judged else 0.0,
        "survivors": sorted(survivors),
    }


def print_scores(scores: list[dict]) -> None:
    print(f"{'module':10} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} {'no tests':>8}  score")
    for row in scores:
        if "error" in row:
            print(f"{row['module']:10} {row['error']}")
            continue
        print(
            f"{row['module']:10} {row['mutants']:7} {row['killed']:6} {row['timeout']:7} "
            f"{row['survived']:8} {row['no_tests']:8} {row['score']:5.1f}%"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {' '.join(MODULES)} (default: all)")
    parser.add_argument("--children", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--report", action="store_true", help="print the last runs' scores, run nothing")
    parser.add_argument(
        "--tests", nargs="+", help="test files to judge the mutants by (default: the module's)"
    )
    args = parser.parse_args()
    modules = args.modules or list(MODULES)
    unknown = [module for module in modules if module not in MODULES]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}")
    scores = [
        read_score(module) if args.report else run(module, args.children, args.tests) for module in modules
    ]
    print_scores(scores)
    STAGING.mkdir(parents=True, exist_ok=True)
    (STAGING / "scores.json").write_text(json.dumps(scores, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

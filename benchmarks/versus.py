"""`dvk check` side by side: this tree against another commit, on the same machine and the same files.

Run: python -m benchmarks.versus --files 2000 [--old 4d40ffe] [--rounds 3] [--out FILE]

The old commit is checked out into a temporary git worktree; each side runs `python -m pipeline` with its own
code on its own workspace (made by its own `dvk init`, inputs/ hard-linked to the benchmark corpus of
`benchmarks/bench.py`). Each round times, side after side, so that a busier minute hurts both alike:

- cold: `dvk check` with no cache and no outputs;
- rerun: `dvk check` again, nothing changed;
- rerun --json: `dvk check --json`, nothing changed (the output goes to a file);
- one changed: `dvk check` after one proposal was rewritten (a line added to its results).

Every time includes the Python start-up, as a clerk sees it. The floor (unzip + lxml parse of every file's
word/document.xml, in this process) is measured once per round. The medians are printed as a table; --out
keeps every sample as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench import Corpus, change_one_file, ensure_corpus, time_floor, warm_page_cache
from pipeline.config import load_workspace

REPO = Path(__file__).resolve().parent.parent
STAGES = ("cold", "rerun", "rerun --json", "one changed")


def checkout(rev: str, into: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(into), rev], check=True)


def dvk(code: Path, *args: str, out: Path | None = None) -> float:
    """Seconds one `python -m pipeline …` takes with the code in `code`."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("DVK_WINDOWS_CONSTRAINTS", None)
    with open(out or os.devnull, "wb") as sink:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=code, env=env, stdout=sink, check=True)
        return time.perf_counter() - started


def make_side(code: Path, root: Path, corpus: Corpus) -> Path:
    dvk(code, "init", str(root))
    config = root / "dvk.toml"
    registered = max(len(corpus.specs), 187)
    text = re.sub(r"(?m)^registered = \d+", f"registered = {registered}", config.read_text("utf-8"))
    config.write_text(text, "utf-8")
    for spec in corpus.specs:
        target = root / "inputs" / spec.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(corpus.inputs / spec.rel, target)
    return root


def clear(root: Path) -> None:
    shutil.rmtree(root / ".dvk-cache", ignore_errors=True)
    for year in (root / "outputs").glob("[0-9]*"):
        shutil.rmtree(year, ignore_errors=True)


def one_round(
    sides: dict[str, tuple[Path, Path]], corpus: Corpus, round_: int
) -> dict[str, dict[str, float]]:
    times: dict[str, dict[str, float]] = {name: {} for name in sides}
    for name, (code, root) in sides.items():
        clear(root)
        times[name]["cold"] = dvk(code, "check", "-w", str(root))
    for name, (code, root) in sides.items():
        times[name]["rerun"] = dvk(code, "check", "-w", str(root))
    for name, (code, root) in sides.items():
        json_out = root.parent / f"{name}-check.json"
        times[name]["rerun --json"] = dvk(code, "check", "--json", "-w", str(root), out=json_out)
    for name, (code, root) in sides.items():
        change_one_file(load_workspace(root), corpus, round_)
        times[name]["one changed"] = dvk(code, "check", "-w", str(root))
    return times


def table(samples: dict[str, list[dict[str, float]]], floors: list[float], old: str) -> str:
    floor = statistics.median(floors)
    lines = [
        f"| stage | {old} | this tree | change | this tree / floor |",
        "| --- | --- | --- | --- | --- |",
        f"| floor (unzip + parse) | {floor:.2f} s | {floor:.2f} s | | 1.00 |",
    ]
    for stage in STAGES:
        before = statistics.median(run[stage] for run in samples["old"])
        after = statistics.median(run[stage] for run in samples["new"])
        change = (after - before) / before * 100
        lines.append(f"| {stage} | {before:.2f} s | {after:.2f} s | {change:+.0f} % | {after / floor:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, required=True)
    parser.add_argument("--old", default="4d40ffe", help="the commit to compare with (default 4d40ffe)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="every sample, as JSON")
    args = parser.parse_args(argv)
    corpus = ensure_corpus(args.files, jobs=os.cpu_count() or 1)
    paths = [corpus.inputs / spec.rel for spec in corpus.specs]
    warm_page_cache(paths)
    with tempfile.TemporaryDirectory(prefix="dvk-versus-") as scratch_name:
        scratch = Path(scratch_name)
        old_code = scratch / "old-code"
        checkout(args.old, old_code)
        try:
            sides = {
                "old": (old_code, make_side(old_code, scratch / "old" / "ws", corpus)),
                "new": (REPO, make_side(REPO, scratch / "new" / "ws", corpus)),
            }
            samples: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
            floors = []
            for round_ in range(1, args.rounds + 1):
                floors.append(time_floor(paths))
                for name, times in one_round(sides, corpus, round_).items():
                    samples[name].append(times)
                print(f"round {round_}: {json.dumps(samples['new'][-1])}", file=sys.stderr)
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(old_code)], check=False
            )
    print(f"{args.files} files, {args.rounds} rounds, medians:")
    print(table(samples, floors, args.old))
    if args.out:
        args.out.write_text(
            json.dumps({"files": args.files, "old": args.old, "floors": floors, **samples}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

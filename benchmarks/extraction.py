"""The extraction benchmark (issue 10): per-field precision and recall on the variation corpus.

Run: python -m benchmarks.extraction --files 400 [--out results.json] [--corpus DIR] [--misses 30]

The corpus comes from `corpora/variants.py`, whose labels are its own table, never the recognizer's. For every
file the benchmark reads, classifies and extracts as the pipeline does, compares each field with the
manifest's ground truth, and asks `pipeline.check.analyse_file` whether a user would see the file accepted
without correction (a record and no ERROR among the file's and the record's problems; the rules across files,
such as "not registered", are left out). A value counts correct when it equals the truth after whitespace
normalisation (a long value the pipeline shortened with "…" counts when the truth starts with it); a wrong
value counts against precision and recall, a missing one against recall only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpora.variants import NUMBER_PREFIX, generate, strip_marks
from pipeline.check import analyse_file
from pipeline.config import DEFAULT_CONFIG, Config, load_config
from pipeline.extract import classify, extract
from pipeline.model import ERROR, FieldValue
from pipeline.reader import read_document
from pipeline.vntext import house_style

FIELDS = (
    "model_name",
    "unit",
    "person_name",
    "person_position",
    "level",
    "model_type",
    "field",
    "year",
    "results",
    "proposed_rating",
    "period",
    "place",
    "target_group",
    "content",
    "forces",
    "resources",
    "replicability",
    "signer",
)
RECALL_TARGET = {
    "model_name": 0.99,
    "unit": 0.99,
    "person_name": 0.99,
    "level": 0.99,
    "proposed_rating": 0.99,
}
PRECISION_TARGET = {"model_name": 1.0, "unit": 1.0}
ACCEPTED_TARGET = 0.98
REQUIRED = (
    "model_name",
    "unit",
    "person_name",
    "level",
    "model_type",
    "field",
    "year",
    "results",
    "proposed_rating",
)


@dataclass
class FileResult:
    file: str
    kind: str
    kind_found: str
    layout: str
    writer: str
    accepted: bool
    errors: list[str]
    seconds: float
    misses: list[dict] = field(default_factory=list)  # one per field not read right
    correct: list[str] = field(default_factory=list)


def normalised(text: str) -> str:
    return " ".join(house_style(text).split())


def same(expected: str, found: str) -> bool:
    expected, found = normalised(expected), normalised(found)
    if expected == found:
        return True
    return found.endswith("…") and len(found) > 40 and expected.startswith(found[:-1].rstrip())


def score_fields(entry: dict, found: dict[str, FieldValue]) -> tuple[list[str], list[dict]]:
    """Fields read right, and a miss for every field wrong (`got` set), missing, or found where none is."""
    correct, misses = [], []
    truth, unscored = entry["truth"], set(entry["unscored"])
    for key in FIELDS:
        if key in unscored:
            continue
        expected, value = truth.get(key), found.get(key)
        got = value.value if value else ""
        if expected and got and same(expected, got):
            correct.append(key)
        elif expected or got:
            misses.append(
                {
                    "field": key,
                    "expected": expected or "",
                    "got": got,
                    "from": value.where if value else "",
                    "label": entry["labels"].get(key, ""),
                }
            )
    return correct, misses


def evaluate(path: Path, entry: dict, config: Config) -> FileResult:
    doc = read_document(path)
    kind = classify(doc)
    found = extract(doc, config).fields
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    start = time.perf_counter()
    analysis = analyse_file(path, path.name, sha, config)
    seconds = time.perf_counter() - start
    errors = [
        f"{p.code}: {p.message}"
        for p in (*analysis.problems, *analysis.record_problems)
        if p.severity == ERROR
    ]
    correct, misses = score_fields(entry, found)
    return FileResult(
        file=entry["file"],
        kind=entry["kind"],
        kind_found=kind.value if kind else "",
        layout=entry["layout"],
        writer=entry["writer"],
        accepted=analysis.record is not None and not errors,
        errors=errors,
        seconds=seconds,
        misses=misses,
        correct=correct,
    )


def field_scores(results: list[FileResult]) -> dict[str, dict[str, float]]:
    """Per field: tp, fp (a value given that is wrong or not in the file), fn (the truth not given)."""
    counts = {key: Counter() for key in FIELDS}
    for result in results:
        for key in result.correct:
            counts[key]["tp"] += 1
        for miss in result.misses:
            counts[miss["field"]]["fp"] += bool(miss["got"])
            counts[miss["field"]]["fn"] += bool(miss["expected"])
    scores = {}
    for key, c in counts.items():
        given, expected = c["tp"] + c["fp"], c["tp"] + c["fn"]
        scores[key] = {
            "tp": c["tp"],
            "fp": c["fp"],
            "fn": c["fn"],
            "precision": c["tp"] / given if given else 1.0,
            "recall": c["tp"] / expected if expected else 1.0,
        }
    return scores


def summary(results: list[FileResult]) -> dict:
    accepted = sum(r.accepted for r in results)
    times = [r.seconds for r in results]
    return {
        "files": len(results),
        "accepted": accepted,
        "accepted_share": accepted / len(results) if results else 0.0,
        "misclassified": [(r.file, r.kind, r.kind_found or "—") for r in results if r.kind != r.kind_found],
        "fields": field_scores(results),
        "by_layout": share_by(results, lambda r: r.layout),
        "by_writer": share_by(results, lambda r: r.writer),
        "by_kind": share_by(results, lambda r: r.kind),
        "rejections": Counter(e.split(":")[0] for r in results for e in r.errors).most_common(),
        "ms_per_file_mean": 1000 * statistics.fmean(times) if times else 0.0,
        "ms_per_file_median": 1000 * statistics.median(times) if times else 0.0,
    }


def share_by(results: list[FileResult], key) -> dict[str, str]:
    groups: dict[str, list[bool]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result.accepted)
    return {name: f"{sum(flags)}/{len(flags)}" for name, flags in sorted(groups.items())}


def worst_misses(results: list[FileResult], limit: int) -> list[dict]:
    """Wrong values first (a defect), then required fields missed, then the rest."""

    def rank(miss: dict) -> tuple[int, int]:
        wrong = bool(miss["got"])
        return (
            0 if wrong and miss["field"] in PRECISION_TARGET else 1 if wrong else 2,
            0 if miss["field"] in REQUIRED else 1,
        )

    misses = [{"file": r.file, **miss} for r in results for miss in r.misses]
    return sorted(misses, key=rank)[:limit]


def label_misses(results: list[FileResult]) -> list[tuple[str, int]]:
    """Label spellings (as written) under which a value was missed or read wrong, most frequent first."""
    counter = Counter(
        f"{m['field']}: {strip_marks(NUMBER_PREFIX.sub('', m['label'])).lower().rstrip(':')}"
        for r in results
        for m in r.misses
        if m["expected"]
    )
    return counter.most_common(25)


# ---------------------------------------------------------------------------- printing


def mark(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def print_report(report: dict, misses: list[dict], labels: list[tuple[str, int]], out=sys.stdout) -> None:
    w = out.write
    w(
        f"\nExtraction benchmark: {report['files']} files "
        f"(layouts {report['by_layout']}, writers {report['by_writer']})\n\n"
    )
    w(f"{'field':<17}{'precision':>10}{'target':>8}{'recall':>9}{'target':>8}{'tp':>6}{'fp':>5}{'fn':>5}\n")
    for key, s in report["fields"].items():
        p_target, r_target = PRECISION_TARGET.get(key), RECALL_TARGET.get(key)
        flag = ""
        if (p_target and s["precision"] < p_target) or (r_target and s["recall"] < r_target):
            flag = "  <- below target"
        w(
            f"{key:<17}{s['precision']:>10.1%}{(f'{p_target:.0%}' if p_target else ''):>8}"
            f"{s['recall']:>9.1%}{(f'{r_target:.0%}' if r_target else ''):>8}"
            f"{s['tp']:>6}{s['fp']:>5}{s['fn']:>5}{flag}\n"
        )
    share = report["accepted_share"]
    w(
        f"\naccepted without correction: {report['accepted']}/{report['files']} = {share:.1%} "
        f"(target >= {ACCEPTED_TARGET:.0%}: {mark(share >= ACCEPTED_TARGET)})\n"
    )
    w(f"  by kind {report['by_kind']}; by layout {report['by_layout']}; by writer {report['by_writer']}\n")
    w(f"  rejection codes: {report['rejections']}\n")
    w(f"misclassified kinds: {len(report['misclassified'])}\n")
    for file, kind, found in report["misclassified"][:15]:
        w(f"  {file}: {kind} read as {found}\n")
    w(
        f"time per file (analyse_file): mean {report['ms_per_file_mean']:.1f} ms, "
        f"median {report['ms_per_file_median']:.1f} ms\n"
    )
    w("\nlabels under which values were missed (field: label, folded):\n")
    for text, count in labels:
        w(f"  {count:>4}  {text}\n")
    w(f"\nworst misses ({len(misses)} shown):\n")
    for m in misses:
        w(
            f"  {m['file']}  {m['field']}: expected {shorten(m['expected'])!r} got {shorten(m['got'])!r}"
            f"  [label {m['label']!r}; taken from {m['from'] or '—'}]\n"
        )


def shorten(text: str, size: int = 70) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


# ---------------------------------------------------------------------------- running


def run(corpus: Path, config: Config) -> list[FileResult]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return [evaluate(corpus / entry["file"], entry, config) for entry in manifest["files"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-field precision and recall on the variation corpus.")
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--corpus", type=Path, help="an existing corpus (with manifest.json); else generated")
    parser.add_argument("--keep", type=Path, help="generate the corpus into this folder and keep it")
    parser.add_argument("--libreoffice-share", type=float, default=0.15)
    parser.add_argument("--misses", type=int, default=30, help="how many of the worst misses to list")
    parser.add_argument("--out", type=Path, help="write the full results as JSON")
    args = parser.parse_args(argv)
    config = load_config(DEFAULT_CONFIG)
    with tempfile.TemporaryDirectory(prefix="dvk-variants-") as temp:
        corpus = args.corpus or args.keep or Path(temp)
        if not args.corpus:
            started = time.perf_counter()
            manifest = generate(corpus, args.files, args.seed, args.libreoffice_share)
            print(
                f"generated {len(manifest['files'])} files ({manifest['libreoffice']} re-saved by "
                f"LibreOffice) in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
        results = run(corpus, config)
    report = summary(results)
    misses = worst_misses(results, args.misses)
    labels = label_misses(results)
    print_report(report, misses, labels)
    if args.out:
        data = {
            "summary": report,
            "worst_misses": misses,
            "label_misses": labels,
            "files": [asdict(result) for result in results],
        }
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The per-genre benchmark (issue 18): how many documents of each genre dvk reads without correction.

Run: python -m benchmarks.genres [--per-genre 60] [--part dev|blind|both] [--corpus DIR] [--keep DIR]
                                 [--genre G …] [--misses 30] [--out results.json]

The corpus comes from `corpora/genres.py` (its own phrase tables; it imports nothing from `pipeline`). For
every file the benchmark asks `pipeline.check.analyse_file` what a user would see, takes each record it
gives (a list table gives several when the reader splits it; before that lands, the file's one record is
scored against the file's FIRST record and the output says so) and compares it with the manifest's truth:

- a value is right when it equals the truth after whitespace and house-style normalisation, a final full
  stop aside (a unit or a position also when it equals one of the other complete names the document gives
  it, ignoring case and punctuation; results, bullet marks aside, when the value begins with the truth's
  first line, or is the truth shortened with "…");
- a wrong value counts against precision and recall, a missing one against recall, a value where the truth
  has none against precision and as "filled by a default" (nothing in the file says it);
- a record is accepted without correction when it exists, no ERROR is reported for it or its file, and none
  of its required values is wrong (a clerk would have to correct a wrong value even when nothing warns).

Acceptance is counted over the valid files (those stating every required fact). The blind part prints only
totals: its misses are never shown, so nobody tunes the reader on them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

from corpora.genres import GENRES, generate
from pipeline.config import DEFAULT_CONFIG, Config, load_config
from tools.genre_scoring import (
    ACCEPTED_TARGET,
    PRECISION_TARGET,
    REQUIRED,
    REQUIRED_PRECISION,
    SCORED,
    SHORT,
    RecordResult,
    evaluate_file,
)


def field_counts(results: list[RecordResult]) -> dict[str, Counter]:
    counts = {key: Counter() for key in SCORED}
    for result in results:
        for key in result.correct:
            counts[key]["tp"] += 1
        for miss in result.misses:
            counts[miss["field"]]["fp"] += bool(miss["got"])
            counts[miss["field"]]["fn"] += bool(miss["expected"])
            counts[miss["field"]]["filled"] += bool(miss["got"] and not miss["expected"])
    return counts


def ratios(c: Counter) -> tuple[float | None, float | None]:
    given, expected = c["tp"] + c["fp"], c["tp"] + c["fn"]
    return (c["tp"] / given if given else None, c["tp"] / expected if expected else None)


def genre_summary(results: list[RecordResult], files: list[tuple[dict, list[RecordResult]]]) -> dict:
    valid_files = [(e, rs) for e, rs in files if e["valid"]]
    valid_records = [r for r in results if r.valid]
    counts = field_counts(results)
    return {
        "files": len(files),
        "valid_files": len(valid_files),
        "files_accepted": sum(bool(rs) and all(r.accepted for r in rs) for _, rs in valid_files),
        "files_no_error": sum(bool(rs) and all(r.no_error for r in rs) for _, rs in valid_files),
        "records": len(valid_records),
        "records_accepted": sum(r.accepted for r in valid_records),
        "records_found": sum(r.found for r in results),
        "fields": {
            k: {
                **{n: c[n] for n in ("tp", "fp", "fn", "filled")},
                "precision": ratios(c)[0],
                "recall": ratios(c)[1],
            }
            for k, c in counts.items()
        },
        "rejections": Counter(e.split(":")[0] for r in results for e in r.errors).most_common(8),
        "by_writer": {
            writer: share(
                sum(
                    all(r.accepted for r in rs) and bool(rs) for e, rs in valid_files if e["writer"] == writer
                ),
                sum(e["writer"] == writer for e, _ in valid_files),
            )
            for writer in sorted({e["writer"] for e, _ in files})
        },
    }


def summarise(by_genre: dict[str, list[tuple[dict, list[RecordResult]]]]) -> dict:
    report = {}
    for genre, files in by_genre.items():
        results = [r for _, rs in files for r in rs]
        report[genre] = genre_summary(results, files)
    everything = [pair for files in by_genre.values() for pair in files]
    report["all"] = genre_summary([r for _, rs in everything for r in rs], everything)
    return report


# ---------------------------------------------------------------------------- printing
def share(n: int, d: int) -> str:
    return f"{n}/{d} = {n / d:.1%}" if d else "—"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def print_report(title: str, report: dict, split: bool, out=sys.stdout) -> None:
    w = out.write
    w(f"\n{title}\n")
    if not split:
        w(
            "NOTE: pipeline.check.Analysis has no records per row yet: each file's single record is\n"
            "scored against the file's FIRST record only (list tables' other rows are not counted).\n"
        )
    header = ("genre", "files", "valid", "accepted without correction", "no ERROR", "records accepted")
    w("\n{:<20}{:>6}{:>6}  {:<28}{:<22}{:<24}\n".format(*header))
    for genre, s in report.items():
        valid = s["valid_files"]
        ok = valid and s["files_accepted"] / valid >= ACCEPTED_TARGET
        cells = (share(s["files_accepted"], valid), share(s["files_no_error"], valid))
        records = share(s["records_accepted"], s["records"])
        below = "" if ok else "<- below 95%"
        w(f"{genre:<20}{s['files']:>6}{valid:>6}  {cells[0]:<28}{cells[1]:<22}{records:<24}{below}\n")
    genres = [g for g in report if g != "all"]
    for metric in ("precision", "recall"):
        w(
            f"\n{metric} per field and genre\n{'field':<17}"
            + "".join(f"{SHORT.get(g, g):>8}" for g in genres)
            + f"{'all':>8}\n"
        )
        for key in SCORED:
            cells = [report[g]["fields"][key][metric] for g in [*genres, "all"]]
            w(f"{key:<17}" + "".join(f"{pct(c):>8}" for c in cells) + "\n")
    w("\nvalues filled where the file states none (a default or a guess), per field and genre\n")
    w(f"{'field':<17}" + "".join(f"{SHORT.get(g, g):>8}" for g in genres) + f"{'all':>8}\n")
    for key in SCORED:
        cells = [report[g]["fields"][key]["filled"] for g in [*genres, "all"]]
        if any(cells):
            w(f"{key:<17}" + "".join(f"{c:>8}" for c in cells) + "\n")
    targets = [
        key
        for key in SCORED
        if (p := report["all"]["fields"][key]["precision"]) is not None
        and p < PRECISION_TARGET.get(key, REQUIRED_PRECISION if key in REQUIRED["proposal"] else 0)
    ]
    w("\nprecision targets (100% model name and unit, 99.5% other required fields) missed: ")
    w(f"{targets or 'none'}\n")
    w(f"accepted without correction by writer: {report['all']['by_writer']}\n")
    w(f"rejection codes (all genres): {report['all']['rejections']}\n")


def print_misses(results: list[RecordResult], limit: int, out=sys.stdout) -> None:
    """Wrong values first (a defect), then required values missed, then the rest. Dev part only."""

    def rank(item: tuple[RecordResult, dict]) -> tuple[int, str]:
        result, miss = item
        return (0 if miss["got"] else 1, miss["field"])

    items = sorted(((r, m) for r in results for m in r.misses), key=rank)[:limit]
    out.write(f"\nworst misses of the dev part ({len(items)} shown):\n")
    for result, miss in items:
        row = f" row {result.row}" if result.row else ""
        out.write(
            f"  {result.file}{row}  {miss['field']}: expected {shorten(miss['expected'])!r} got "
            f"{shorten(miss['got'])!r}  [{miss['from'] or '—'}]\n"
        )
    rejected = [r for r in results if r.valid and not r.no_error][: max(5, limit // 3)]
    for result in rejected:
        out.write(f"  rejected {result.file}: {'; '.join(shorten(e, 110) for e in result.errors[:2])}\n")


def shorten(text: str, size: int = 70) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= size else text[: size - 1] + "…"


# ---------------------------------------------------------------------------- running
def run_part(
    corpus: Path, config: Config, genres: tuple[str, ...]
) -> tuple[dict, bool, list[RecordResult], float]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    by_genre: dict[str, list] = defaultdict(list)
    split, seconds = True, []
    for entry in manifest["files"]:
        if entry["genre"] not in genres:
            continue
        results, split_here, took = evaluate_file(corpus / entry["file"], entry, config)
        split, seconds = split and split_here, [*seconds, took]
        by_genre[entry["genre"]].append((entry, results))
    ordered = {g: by_genre[g] for g in GENRES if g in by_genre}
    everything = [r for files in ordered.values() for _, rs in files for r in rs]
    return summarise(ordered), split, everything, 1000 * sum(seconds) / max(1, len(seconds))


def corpus_for(part: str, args, temp: Path) -> Path:
    if args.corpus:
        return args.corpus / part
    target = (args.keep / part) if args.keep else temp / part
    started = time.perf_counter()
    manifest = generate(
        target, args.per_genre, part, libreoffice_share=args.libreoffice_share, genres=args.genre
    )
    note = " (LibreOffice missing: no file re-saved)" if manifest["libreoffice_missing"] else ""
    print(
        f"{part}: generated {len(manifest['files'])} files, {manifest['libreoffice']} re-saved by "
        f"LibreOffice{note}, "
        f"in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Per-genre acceptance and per-field precision/recall (issue 18)."
    )
    parser.add_argument("--per-genre", type=int, default=60)
    parser.add_argument("--part", choices=("dev", "blind", "both"), default="both")
    parser.add_argument(
        "--corpus", type=Path, help="existing corpora: DIR/dev and DIR/blind with manifest.json"
    )
    parser.add_argument(
        "--keep", type=Path, help="generate the corpora into DIR/dev and DIR/blind and keep them"
    )
    parser.add_argument("--libreoffice-share", type=float, default=0.15)
    parser.add_argument(
        "--genre", action="append", choices=GENRES, help="only this genre (repeatable); all by default"
    )
    parser.add_argument("--misses", type=int, default=30, help="worst misses of the dev part to list")
    parser.add_argument("--out", type=Path, help="write the results as JSON (the blind part as totals only)")
    args = parser.parse_args(argv)
    args.genre = tuple(args.genre or GENRES)
    config = load_config(DEFAULT_CONFIG)
    parts = ("dev", "blind") if args.part == "both" else (args.part,)
    data = {}
    with tempfile.TemporaryDirectory(prefix="dvk-genres-") as temp:
        for part in parts:
            report, split, results, ms = run_part(corpus_for(part, args, Path(temp)), config, args.genre)
            print_report(
                f"=== {part} part: {report['all']['files']} files, {ms:.0f} ms per file", report, split
            )
            data[part] = {"summary": report, "records_split": split}
            if part == "dev":
                print_misses(results, args.misses)
                data[part]["records"] = [asdict(r) for r in results]
    if args.out:
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Scoring one genre-corpus file against its manifest truth: the rules `benchmarks/genres.py` counts with
(see its docstring), here so that the benchmark and the tests of the scoring share them (tests never import
benchmarks).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.check import analyse_file
from pipeline.config import Config
from pipeline.model import ERROR
from pipeline.vntext import house_style

SCORED = (
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
    "signer",
)
REQUIRED = {
    "registration": ("model_name", "level", "model_type", "field", "year"),
    "proposal": ("model_name", "level", "model_type", "field", "year", "results", "proposed_rating"),
}
ACCEPTED_TARGET = 0.95
PRECISION_TARGET = {"model_name": 1.0, "unit": 1.0}
REQUIRED_PRECISION = 0.995
SHORT = {
    "thanh_tich_tap_the": "TT01",
    "thanh_tich_ca_nhan": "TT02",
    "to_trinh": "TTr",
    "cong_van": "CV",
    "bao_cao_chi_bo": "CB",
    "ke_hoach": "KH",
    "dang_ky_ca_nhan": "ĐKCN",
    "danh_sach_dang_ky": "DSĐK",
    "danh_sach_de_nghi": "DSĐN",
}


# ---------------------------------------------------------------------------- comparing
def normalised(text: str) -> str:
    return " ".join(house_style(text).split()).strip("“”\"' ")


def loose(text: str) -> str:
    """Case and punctuation folded: for names whose commas and capitals vary."""
    return " ".join(re.sub(r"[^\w]+", " ", normalised(text).casefold()).split())


def unbulleted(text: str) -> list[str]:
    """The lines of a long value, normalised, without their bullet marks ("- ", "+ ")."""
    lines = (re.sub(r"^\s*[-+•*]\s*", "", line) for line in house_style(text).split("\n"))
    return [" ".join(line.split()) for line in lines if line.strip()]


def same(key: str, expected: str, found: str, alternatives: list[str]) -> bool:
    if key == "results":  # a bullet mark is the writer's layout, not part of a result
        truth, got = " ".join(unbulleted(expected)), " ".join(unbulleted(found))
        if not truth or not got:
            return False
        cut = got.rstrip("…").rstrip()  # a long value the reader shortened with "…"
        shortened = got.endswith("…") and len(cut) > 40 and truth.startswith(cut)
        return shortened or got.startswith(unbulleted(expected)[0])
    expected, found = normalised(expected).rstrip(".;,"), normalised(found).rstrip(".;,")
    if not expected or not found:  # a sentence's full stop is not part of a short value
        return False
    if expected == found:
        return True
    if key in ("unit", "person_position"):
        return loose(found) in {loose(expected), *(loose(a) for a in alternatives)}
    return False


# ---------------------------------------------------------------------------- scoring
@dataclass
class RecordResult:
    file: str
    genre: str
    kind: str
    row: int
    valid: bool
    found: bool
    accepted: bool  # accepted without correction
    no_error: bool
    errors: list[str]
    correct: list[str] = field(default_factory=list)
    misses: list[dict] = field(default_factory=list)


def found_analyses(analysis) -> tuple[list, bool]:
    """The analyses of the records a file gave, and whether the reader splits files into records yet."""
    if hasattr(analysis, "analyses"):
        return list(analysis.analyses), True
    return ([analysis] if analysis.record is not None else []), False


def row_of(record) -> int:
    """The table row a record was read from ("hàng 4" in its values' places), or 0."""
    for value in record.fields.values():
        match = re.search(r"hàng (\d+)", value.where or "")
        if match:
            return int(match.group(1))
    return 0


def match_records(truths: list[dict], analyses: list) -> list[tuple[dict, object | None]]:
    """Pair each truth record with the analysis read from its row, else its name, else its position."""
    left = list(analyses)
    pairs = []
    for index, truth in enumerate(truths):
        chosen = next((a for a in left if truth["row"] and row_of(a.record) == truth["row"]), None)
        if chosen is None:
            name = loose(truth["truth"].get("model_name", ""))
            chosen = next((a for a in left if loose(a.record.get("model_name")) == name), None)
        if chosen is None and len(analyses) == len(truths) and analyses[index] in left:
            chosen = analyses[index]
        if chosen is not None:
            left.remove(chosen)
        pairs.append((truth, chosen))
    return pairs


def score_record(entry: dict, truth: dict, analysis, file_errors: list[str]) -> RecordResult:
    record = analysis.record if analysis is not None else None
    errors = list(file_errors)
    if analysis is not None:
        errors += [f"{p.code}: {p.message}" for p in analysis.record_problems if p.severity == ERROR]
    result = RecordResult(
        entry["file"],
        entry["genre"],
        entry["kind"],
        truth["row"],
        truth["valid"],
        record is not None,
        False,
        record is not None and not errors,
        errors,
    )
    values = record.fields if record is not None else {}
    for key in SCORED:
        if key in truth["unscored"]:
            continue
        expected, value = truth["truth"].get(key, ""), values.get(key)
        got = value.value if value else ""
        if expected and got and same(key, expected, got, truth["alternatives"].get(key, [])):
            result.correct.append(key)
        elif expected or got:
            where = f"{value.source}: {value.where}" if value else ""
            result.misses.append({"field": key, "expected": expected, "got": got, "from": where})
    required = (*REQUIRED[entry["kind"]], "unit", "person_name", "person_position")
    wrong_required = any(m["got"] and m["field"] in required for m in result.misses)
    result.accepted = result.no_error and not wrong_required
    return result


def evaluate_file(path: Path, entry: dict, config: Config) -> tuple[list[RecordResult], bool, float]:
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    start = time.perf_counter()
    analysis = analyse_file(path, path.name, sha, config)
    seconds = time.perf_counter() - start
    file_errors = [f"{p.code}: {p.message}" for p in analysis.problems if p.severity == ERROR]
    analyses, split = found_analyses(analysis)
    truths = entry["records"] if split else entry["records"][:1]
    results = [score_record(entry, t, a, file_errors) for t, a in match_records(truths, analyses)]
    return results, split, seconds


# ---------------------------------------------------------------------------- summarising

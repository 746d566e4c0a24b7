"""Campaign history benchmark (issue 22): a history of 5 years × 10,000 models, a campaign of 2,000 proposals.

Measures the re-proposal matching (loading the index once, then the cost per proposal) and its precision and
recall on generated proposals whose truth is known: re-proposals of earlier models written the ways units
rewrite them (reworded, retoned or respelled, under the unit's new name), look-alikes (the same unit with a
name sharing a few words, the same name with another number) and unrelated models. With --check it also
times the whole `dvk check` of the 2,000 proposals as Word files, cold, with and without the history.

Run: python -m benchmarks.history [--years 5] [--per-year 10000] [--proposals 2000] [--check]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import history
from pipeline.archive.register import now_iso, write_transaction
from pipeline.config import init_workspace, load_workspace
from pipeline.model import Kind
from pipeline.vntext import fold

WORDS = (
    "vận động nhân dân xây dựng nông thôn mới kiểu mẫu tuyến đường hoa camera an ninh tự quản bữa cơm "
    "nghĩa tình nhà tình thương đồng đội chuyển đổi số thu thuế hòa giải cơ sở người cao tuổi thanh niên "
    "khởi nghiệp sổ vàng tiết kiệm phụ nữ giúp nhau làm kinh tế hộ nghèo cận nghèo trồng cây xanh rác thải "
    "phân loại tại nguồn nước sạch đèn chiếu sáng công cộng học bổng trẻ em hiếu học dân vận chính quyền "
    "thân thiện cải cách hành chính một cửa liên thông điện tử tiểu thương chợ văn minh thực phẩm an toàn "
    "hội viên nông dân sản xuất giỏi cựu chiến binh gương mẫu đoàn kết tôn giáo đồng bào dân tộc"
).split()
UNIT_KINDS = (
    "Chi bộ",
    "Hội Nông dân",
    "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên",
    "Hội Cựu chiến binh",
    "Ban",
)
PLACES = ("ấp", "khu vực", "phường", "xã")
TONE_PAIRS = (("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("ủy", "uỷ"), ("ùy", "uỳ"), ("úy", "uý"))


@dataclass(frozen=True)
class Proposal:
    name: str
    unit: str
    truth: int | None  # the earlier model's id it re-proposes, None for a new model
    kind: str  # reworded | retoned | renamed | look-alike | renumbered | unrelated


def unit_names(rng: random.Random, count: int) -> list[str]:
    names = set()
    while len(names) < count:
        place = f"{rng.choice(PLACES)} {rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"
        names.add(f"{rng.choice(UNIT_KINDS)} {place}")
    return sorted(names)


def model_name(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(4, 9))
    name = " ".join(words).capitalize()
    return f"{name} số {rng.randint(1, 9)}" if rng.random() < 0.15 else name


def fill_history(
    path: Path, years: range, per_year: int, units: list[str], rng: random.Random
) -> list[tuple]:
    """Bulk-insert the history (one transaction a year); returns (id, year, unit, name) of every model."""
    conn = history.open_history(path)
    now = now_iso()
    try:
        for year in years:
            rows = [
                (
                    f"bench:{year}:{i}",
                    year,
                    "Cấp thành phố",
                    "Tập thể",
                    rng.choice(units),
                    "",
                    model_name(rng),
                    "Kinh tế",
                    rng.choice(("Tốt", "Khá")),
                    f"{i % 200 + 1}-QĐ/TU",
                    f"{year}-12-20",
                    1,
                    "import",
                    "bench",
                    now,
                    now,
                )
                for i in range(per_year)
            ]
            with write_transaction(conn):
                conn.executemany(
                    """INSERT INTO models (key, year, level, model_type, unit, person, name, field, rating,
                           decision, decision_date, issued, source, origin, created, updated, words)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [(*row, history.words_of(row[6])) for row in rows],
                )
        return [tuple(row) for row in conn.execute("SELECT id, year, unit, name FROM models")]
    finally:
        conn.close()


def reworded(name: str, rng: random.Random) -> str:
    words = name.split()
    choice = rng.randrange(3)
    if choice == 0:
        return f"Mô hình “{name}” năm 2020"
    if choice == 1 and len(words) >= 6:
        del words[rng.randrange(1, len(words))]
        return " ".join(words)
    return f"{name} {rng.choice(('của hội viên', 'ở khu dân cư', 'trên địa bàn'))}"


def retoned(name: str, rng: random.Random) -> str:
    """Old-style tone placement, another case, a word typed without its marks."""
    text = name
    for new, old in TONE_PAIRS:
        text = text.replace(new, old)
    words = text.split()
    spot = rng.randrange(len(words))
    words[spot] = fold(words[spot]) if rng.random() < 0.5 else words[spot].upper()
    return " ".join(words)


def look_alike(name: str, rng: random.Random) -> str:
    """The same unit's other model: two or three of the words kept, the rest new."""
    words = name.lower().split()
    kept = rng.sample(words, min(len(words), rng.randint(2, 3)))
    fresh = [w for w in rng.sample(WORDS, 8) if w not in words][: max(3, len(words) - len(kept))]
    return " ".join(kept + fresh).capitalize()


def proposals(
    earlier: list[tuple], units: list[str], renamed: dict[str, str], count: int, rng: random.Random
) -> list[Proposal]:
    made: list[Proposal] = []
    earlier_of_renamed = [model for model in earlier if model[2] in renamed]
    for i in range(count):
        model_id, _, unit, name = rng.choice(earlier)
        slot = i % 10
        if slot == 0:
            made.append(Proposal(reworded(name, rng), unit, model_id, "reworded"))
        elif slot == 1:
            made.append(Proposal(retoned(name, rng), unit, model_id, "retoned"))
        elif slot == 2:
            model_id, _, unit, name = rng.choice([m for m in earlier_of_renamed if m[2] in renamed])
            made.append(Proposal(reworded(name, rng), renamed[unit], model_id, "renamed"))
        elif slot in (3, 4):
            made.append(Proposal(look_alike(name, rng), unit, None, "look-alike"))
        elif slot == 5:
            number = re.search(r"số (\d)$", name)
            other = f"{name} số 2" if not number else re.sub(r"\d$", str(int(number.group(1)) % 9 + 1), name)
            made.append(Proposal(other, unit, None, "renumbered"))
        else:
            made.append(Proposal(model_name(rng), rng.choice(units), None, "unrelated"))
    return made


def duplicates(earlier: list[tuple]) -> dict[int, set[int]]:
    """Ids of earlier models that are the same model again (one unit, the same name in two years): a
    re-proposal found as either is right."""
    by_key: dict[tuple[str, str], set[int]] = {}
    for model_id, _, unit, name in earlier:
        by_key.setdefault((unit, fold(name)), set()).add(model_id)
    return {model_id: ids for ids in by_key.values() for model_id in ids}


def measure_matching(workspace, made: list[Proposal], same: dict[int, set[int]]) -> dict:
    started = time.perf_counter()
    index = history.load_index(workspace)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    found = [index.earlier(p.name, p.unit) for p in made]
    matching = time.perf_counter() - started
    outcome = {"true": 0, "false": 0, "missed": 0}
    per_kind: dict[str, dict[str, int]] = {}
    for proposal, matches in zip(made, found, strict=True):
        if proposal.truth is None:
            verdict = "false" if matches else None
        elif matches and matches[0].id in same.get(proposal.truth, {proposal.truth}):
            verdict = "true"
        else:
            verdict = "false" if matches else "missed"
        if verdict:
            outcome[verdict] += 1
        kind = per_kind.setdefault(proposal.kind, {"count": 0, "flagged": 0})
        kind["count"] += 1
        kind["flagged"] += bool(matches)
    flagged = outcome["true"] + outcome["false"]
    reproposed = sum(p.truth is not None for p in made)
    return {
        "index_load_s": round(loaded, 3),
        "match_us_per_proposal": round(matching / len(made) * 1e6, 1),
        "precision": round(outcome["true"] / flagged, 4) if flagged else None,
        "recall": round(outcome["true"] / reproposed, 4) if reproposed else None,
        "false_flags": outcome["false"],
        "missed": outcome["missed"],
        "by_kind": per_kind,
    }


def write_proposals(root: Path, made: list[Proposal]) -> None:
    from tools import docgen

    writer = docgen.TemplateWriter()
    for i, proposal in enumerate(made):
        values = docgen.make_values(
            Kind.PROPOSAL, seed=i, model_name=proposal.name, unit=proposal.unit, year="2020"
        )
        writer.write(root / "inputs" / f"de-nghi-{i:04d}.docx", "paragraph", Kind.PROPOSAL, values)


def cold_check(root: Path) -> float:
    from pipeline.check import run_check

    shutil.rmtree(root / ".dvk-cache", ignore_errors=True)
    shutil.rmtree(root / "outputs", ignore_errors=True)
    (root / "outputs").mkdir()
    started = time.perf_counter()
    run_check(load_workspace(root))
    return time.perf_counter() - started


def measure_check(root: Path, history_file: Path, rounds: int) -> dict:
    """Cold checks, alternating without and with the history (moved aside and back)."""
    aside = history_file.with_name("aside.sqlite3")
    times: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(rounds):
        for side in ("without", "with"):
            if side == "without":
                history_file.rename(aside)
            try:
                times[side].append(cold_check(root))
            finally:
                if side == "without":
                    aside.rename(history_file)
    without, with_history = statistics.median(times["without"]), statistics.median(times["with"])
    return {
        "check_without_s": round(without, 2),
        "check_with_s": round(with_history, 2),
        "ratio": round(with_history / without, 3),
        "runs": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-year", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=2_000)
    parser.add_argument("--check", action="store_true", help="also time the whole check, cold")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rng = random.Random(22)
    with tempfile.TemporaryDirectory() as folder:
        root = init_workspace(Path(folder) / "campaigns" / "2020")
        units = unit_names(rng, 2_000)
        renamed = {old: f"{old} (mới)" for old in rng.sample(units, 200)}
        table = "\n[history.renamed_units]\n" + "".join(
            f'"{old}" = "{new}"\n' for old, new in renamed.items()
        )
        config = root / "dvk.toml"
        config.write_text(config.read_text(encoding="utf-8") + table, encoding="utf-8")
        workspace = load_workspace(root)
        path = history.history_path(workspace)
        earlier = fill_history(path, range(2020 - args.years, 2020), args.per_year, units, rng)
        made = proposals(earlier, units, renamed, args.proposals, rng)
        result = {"history_models": len(earlier), "proposals": len(made)}
        result.update(measure_matching(workspace, made, duplicates(earlier)))
        if args.check:
            write_proposals(root, made)
            result.update(measure_check(root, path, args.rounds))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

"""The speed benchmark (issue 6): every stage of `dvk check` and `dvk build`, timed on N synthetic proposals.

Run: python -m benchmarks.bench --files N [--out benchmarks/results/bench-N.json] [--keep DIR]

The corpus (N realistic submissions: the three layouts, 1–5 pages, the configured units, one registration in
ten) is generated once per N under the temp folder and reused by later runs; generation is never timed. A run
then times, on the same files: the floor (unzip + lxml parse of word/document.xml), the naive baseline
(python-docx, walking paragraphs and table cells), each stage in this process on one core, and `run_check` /
`build_campaign` in a fresh child process whose whole process tree (pool workers included) is sampled in /proc
for memory. All files are read once before any timing, so every measurement sees them in the OS page cache.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from time import perf_counter

import docx
from lxml import etree

from pipeline import __version__, build
from pipeline.appraise import update_workbook
from pipeline.check import (
    REPORT_NAME,
    WORKBOOK_NAME,
    CheckResult,
    accepted_proposals,
    file_report,
    run_check,
)
from pipeline.config import CONFIG_NAME, Config, Workspace, init_workspace, load_workspace
from pipeline.discover import Found, discover
from pipeline.extract import classify, extract_fields
from pipeline.model import ERROR, Analysis, FieldValue, Kind, Model, Problem, ReadError, Record
from pipeline.reader import read_document
from pipeline.report import write_problem_report
from pipeline.service import build_campaign, recognised
from pipeline.validate import proposal_id, validate_all
from tools import docgen
from tools.seed_campaign import LAYOUTS as TEMPLATE_LAYOUTS

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1  # bump when the corpus plan below changes, so cached corpora are regenerated
CORPUS_ROOT = Path(tempfile.gettempdir()) / "dvk-bench-corpus"
REGISTRATION_EVERY = 10  # every 10th file registers the model proposed in the file before it
PAGE_WEIGHTS = {1: 15, 2: 30, 3: 30, 4: 15, 5: 10}  # most reports run to 2–3 pages
COMMUNE_SHARE = 0.25  # share of commune-level models (the seed: 16 of 62)
INDIVIDUAL_SHARE = 0.05  # share of individual models (the seed: 1 of 62)
FULL_WRITER_SHARE = 0.02  # files written by the slow writer: runs split mid-word, tracked changes
FULL_OPTIONS = {
    "table": {"split_runs": True, "tracked": True, "label_style": "mixed", "nested": True},
    "paragraph": {"split_runs": True, "tracked": True, "quote_name": True, "bullet": "alpha"},
}
PROPOSAL_NAMES = (
    "Báo cáo kết quả mô hình",
    "BÁO CÁO MÔ HÌNH DÂN VẬN KHÉO",
    "Bao cao mo hinh DVK",
    "Tờ trình",
)
CORRECTION = "Số liệu cập nhật đến ngày 15/12/2020 theo ý kiến của đoàn thẩm định."
LIST_ROWS = 2000
TARGET_FILES = 10_000  # the targets are stated for 10,000 files / models
MB = 1 << 20


# ---------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class FileSpec:
    """One file of the corpus: enough to write it again byte for byte."""

    rel: str
    kind: str  # "proposal" | "registration"
    layout: str  # "table" | "paragraph" | "form"
    writer: str  # "template" (token-filled, fast) | "full" (split runs and tracked changes)
    options: dict
    seed: int
    pages: int
    varied: bool  # level, field and rating spelled as units often do ("cấp TP", "ANQP", "loại Khá")
    given: dict


class NameMaker:
    """Distinct model names whose proposal ids are distinct too.

    Ids are 24-bit hashes (validate.proposal_id): among 10,000 proposals about three pairs collide by
    chance, and build then refuses the campaign. The corpus avoids that so build can be timed; the
    collisions skipped are counted and reported."""

    def __init__(self, year: int) -> None:
        self.year = str(year)
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.id_collisions = 0

    def new(self, given: dict, rng: random.Random) -> str:
        for attempt in itertools.count():
            name = self.candidate(given, rng, attempt)
            if name in self.names:
                continue
            pid = self.id_of(given, name)
            if pid in self.ids:
                self.id_collisions += 1
                continue
            self.names.add(name)
            self.ids.add(pid)
            return name
        raise AssertionError("unreachable")

    @staticmethod
    def candidate(given: dict, rng: random.Random, attempt: int) -> str:
        action = rng.choice(docgen.MODEL_ACTIONS[given["field"]])
        if attempt == 0:
            return action
        place = docgen.place_for(given["unit"], rng)
        return f"{action} tại {place}" if attempt < 4 else f"{action} tại tổ {rng.randrange(1, 60)}, {place}"

    def id_of(self, given: dict, name: str) -> str:
        keys = {"model_name": name, "year": self.year, "unit": given["unit"]}
        if given.get("person_name"):
            keys["person_name"] = given["person_name"]
        return proposal_id(Record(Kind.PROPOSAL, "", "", {k: FieldValue(v, "") for k, v in keys.items()}))


def plan_corpus(n: int) -> tuple[list[FileSpec], int]:
    """N file specs (deterministic for N) and the number of id collisions the names had to avoid."""
    config = docgen.load_config()
    rng = random.Random(f"dvk-bench-{n}")
    names = NameMaker(config["campaign"]["year"])
    levels = {entry["key"]: entry["label"] for entry in docgen.vocabulary("levels")}
    specs: list[FileSpec] = []
    for index in range(n):
        if index % REGISTRATION_EVERY == REGISTRATION_EVERY - 1:
            specs.append(registration_of(specs[-1], index, rng))
        else:
            specs.append(plan_proposal(index, rng, names, levels, config["units"]))
    return specs, names.id_collisions


def plan_proposal(index: int, rng: random.Random, names: NameMaker, levels: dict, units: dict) -> FileSpec:
    level = "commune" if rng.random() < COMMUNE_SHARE else "city"
    unit = rng.choice(units[level])
    individual = level == "city" and rng.random() < INDIVIDUAL_SHARE
    given = {
        "unit": unit,
        "level": levels[level],
        "model_type": "Cá nhân" if individual else "Tập thể",
        "field": rng.choice(list(docgen.MODEL_ACTIONS)),
    }
    if individual:
        given["person_name"] = docgen.person_name(rng)
    given["model_name"] = names.new(given, rng)
    layout, writer, options = pick_layout(rng)
    pages = rng.choices(list(PAGE_WEIGHTS), weights=list(PAGE_WEIGHTS.values()))[0]
    rel = f"{unit}/{rng.choice(PROPOSAL_NAMES)} {index + 1:05d}.docx"
    return FileSpec(rel, "proposal", layout, writer, options, index, pages, index % 3 == 0, given)


def registration_of(proposal: FileSpec, index: int, rng: random.Random) -> FileSpec:
    """The registration of the same model (same seed: same place, period and content)."""
    layout, writer, options = pick_layout(rng)
    rel = f"{proposal.given['unit']}/Phiếu đăng ký mô hình {index + 1:05d}.docx"
    return replace(
        proposal, rel=rel, kind="registration", layout=layout, writer=writer, options=options, pages=1
    )


def pick_layout(rng: random.Random) -> tuple[str, str, dict]:
    if rng.random() < FULL_WRITER_SHARE:
        layout = rng.choice(list(FULL_OPTIONS))
        return layout, "full", dict(FULL_OPTIONS[layout])
    layout, options = rng.choice(TEMPLATE_LAYOUTS)
    return layout, "template", dict(options)


def values_for(spec: FileSpec) -> dict:
    values = docgen.make_values(spec.kind, seed=spec.seed, pages=spec.pages, **spec.given)
    if spec.varied:  # as tools/seed_campaign.py does: the pipeline must map these to the vocabulary
        rng = random.Random(spec.seed)
        for key, section in (("level", "levels"), ("field", "fields"), ("proposed_rating", "ratings")):
            if key in values:
                values[key] = docgen.spell_variant(section, values[key], rng)
    return values


def write_file(
    spec: FileSpec, inputs: Path, writer: docgen.TemplateWriter, values: dict | None = None
) -> Path:
    path = inputs / spec.rel
    values = values if values is not None else values_for(spec)
    if spec.writer == "template":
        return writer.write(path, spec.layout, spec.kind, values, **spec.options)
    path.parent.mkdir(parents=True, exist_ok=True)
    write = docgen.write_table_layout if spec.layout == "table" else docgen.write_paragraph_layout
    return write(path, spec.kind, values, **spec.options)


def write_chunk(job: tuple[list[FileSpec], str]) -> int:
    specs, inputs = job
    writer = docgen.TemplateWriter()
    for spec in specs:
        write_file(spec, Path(inputs), writer)
    return len(specs)


def corpus_key() -> str:
    """Changes with the plan version, the generator and the office forms the form layout fills."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION}|{__version__}".encode())
    for path in [REPO / "tools" / "docgen.py", *sorted(docgen.FORMS_DIR.glob("mau-*.docx"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class Corpus:
    folder: Path
    specs: list[FileSpec]
    id_collisions: int
    generated_s: float | None  # None: reused from an earlier run

    @property
    def inputs(self) -> Path:
        return self.folder / "inputs"


def ensure_corpus(n: int, jobs: int) -> Corpus:
    """The corpus for N files, generated only when no complete one is cached (corpus.json marks it)."""
    specs, collisions = plan_corpus(n)
    folder = CORPUS_ROOT / f"n{n}-{corpus_key()}"
    manifest = folder / "corpus.json"
    if manifest.is_file() and json.loads(manifest.read_text("utf-8")).get("files") == len(specs):
        return Corpus(folder, specs, collisions, None)
    shutil.rmtree(folder, ignore_errors=True)
    start = perf_counter()
    chunks = [specs[i : i + 50] for i in range(0, len(specs), 50)]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(write_chunk, [(chunk, str(folder / "inputs")) for chunk in chunks]))
    seconds = perf_counter() - start
    manifest.write_text(json.dumps({"files": len(specs), "generated_s": seconds}), "utf-8")
    return Corpus(folder, specs, collisions, seconds)


def corpus_summary(corpus: Corpus) -> dict:
    specs = corpus.specs
    return {
        "folder": str(corpus.folder),
        "files": len(specs),
        "bytes": sum((corpus.inputs / s.rel).stat().st_size for s in specs),
        "kinds": dict(Counter(s.kind for s in specs)),
        "layouts": dict(Counter(f"{s.layout}/{s.writer}" for s in specs)),
        "pages": dict(sorted(Counter(s.pages for s in specs if s.kind == "proposal").items())),
        "individual": sum(s.given["model_type"] == "Cá nhân" for s in specs if s.kind == "proposal"),
        "varied_spelling": sum(s.varied for s in specs),
        "id_collisions_avoided": corpus.id_collisions,
        "generated_s": corpus.generated_s,
    }


# ---------------------------------------------------------------------------- the workspace


def make_workspace(root: Path, corpus: Corpus) -> Workspace:
    """A fresh workspace whose inputs/ are hard links to the corpus (copies across file systems)."""
    init_workspace(root)
    config = root / CONFIG_NAME
    registered = max(len(corpus.specs), 187)  # campaign.registered must cover every recognised model
    text = re.sub(r"(?m)^registered = \d+", f"registered = {registered}", config.read_text("utf-8"))
    config.write_text(text, "utf-8")
    for spec in corpus.specs:
        target = root / "inputs" / spec.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(corpus.inputs / spec.rel, target)
        except OSError:
            shutil.copy2(corpus.inputs / spec.rel, target)
    return load_workspace(root)


def change_one_file(workspace: Workspace, corpus: Corpus, round_: int = 1) -> str:
    """A correction arrives: one proposal's results gain a line (same model, new content and hash); each
    round writes a different correction to the same file, so one workbook row is marked changed."""
    spec = next(s for s in corpus.specs[len(corpus.specs) // 2 :] if s.kind == "proposal")
    values = values_for(spec)
    values["results"] += "\n" + CORRECTION + f" (lần {round_})"
    path = workspace.inputs / spec.rel
    path.unlink()  # break the hard link: the cached corpus stays as generated
    write_file(spec, workspace.inputs, docgen.TemplateWriter(), values)
    return spec.rel


def warm_page_cache(paths: list[Path]) -> None:
    for path in paths:
        path.read_bytes()


# ---------------------------------------------------------------------------- references and stages


def time_floor(paths: list[Path]) -> float:
    """The least any reader must do: unzip word/document.xml and parse it."""
    start = perf_counter()
    for path in paths:
        with zipfile.ZipFile(path) as package:
            etree.fromstring(package.read("word/document.xml"))
    return perf_counter() - start


def time_naive(paths: list[Path]) -> float:
    """The obvious python-docx reader: open, then every paragraph's and every table cell's text."""
    start = perf_counter()
    for path in paths:
        document = docx.Document(str(path))
        texts = [paragraph.text for paragraph in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                texts.extend(cell.text for cell in row.cells)
    return perf_counter() - start


def timed(func: Callable, *args: object) -> tuple[float, object]:
    start = perf_counter()
    value = func(*args)
    return perf_counter() - start, value


def read_and_extract(found: list[Found], config: Config) -> tuple[float, float, dict[str, Analysis]]:
    """Reading and extraction timed separately, file by file, in this process."""
    read_s = extract_s = 0.0
    analyses: dict[str, Analysis] = {}
    for entry in found:
        if entry.skip_reason or entry.error:
            continue
        start = perf_counter()
        try:
            doc = read_document(entry.path)
        except ReadError as exc:
            analyses[entry.rel] = Analysis(None, (Problem(exc.code, ERROR, exc.message, exc.where),))
            continue
        middle = perf_counter()
        kind = classify(doc)
        fields = extract_fields(doc, config) if kind else {}
        record = Record(kind, entry.rel, entry.sha256, fields) if kind else None
        identifier = proposal_id(record) if kind is Kind.PROPOSAL else ""
        read_s, extract_s = read_s + middle - start, extract_s + perf_counter() - middle
        analyses[entry.rel] = Analysis(record, doc.notes, (), identifier)
    return read_s, extract_s, analyses


def time_stages(workspace: Workspace, scratch: Path) -> dict[str, dict]:
    """discovery → reading → extraction → validation → workbook → problem report, one core."""
    config = workspace.config
    discovery_s, found = timed(discover, workspace.inputs)
    read_s, extract_s, analyses = read_and_extract(found, config)
    records = [a.record for a in analyses.values() if a.record is not None]
    validation_s, rule_problems = timed(validate_all, records, config)
    files = [file_report(e, analyses.get(e.rel), rule_problems) for e in found]
    result = CheckResult(files, records)
    proposals = accepted_proposals(result, config)
    workbook_s, _ = timed(update_workbook, scratch / WORKBOOK_NAME, proposals, config)
    report_s, _ = timed(write_problem_report, scratch / REPORT_NAME, result)
    return {
        "discovery": {"seconds": discovery_s, "items": len(found)},
        "reading": {"seconds": read_s, "items": len(analyses)},
        "extraction": {"seconds": extract_s, "items": len(analyses)},
        "validation": {"seconds": validation_s, "items": len(records)},
        "workbook": {"seconds": workbook_s, "items": len(proposals)},
        "problem_report": {"seconds": report_s, "items": len(files)},
        "_totals": result.totals,
    }


def time_rendering(workspace: Workspace) -> dict:
    """build_documents on the recognised models (recognition itself is not timed)."""
    recognition, registered = recognised(workspace, as_proposed=True)
    models = recognition.models
    seconds, documents = timed(build.build_documents, workspace, models, registered)
    return {"seconds": seconds, "items": len(models), "documents": len(documents)}


def list_models(count: int, config: Config) -> list[Model]:
    """`count` realistic recognised models of one level, for the Danh sách render."""
    rng = random.Random("dvk-bench-list")
    names = NameMaker(config.year)
    level = config.levels[0].label
    models = []
    for index in range(count):
        unit = rng.choice(config.all_units())
        given = {"unit": unit, "field": rng.choice(list(docgen.MODEL_ACTIONS))}
        individual = rng.random() < INDIVIDUAL_SHARE
        person = docgen.person_name(rng) if individual else ""
        who = f"{person}, {rng.choice(docgen.POSITIONS)}, {unit}" if individual else unit
        rating = config.ratings[0].label if rng.random() < 0.8 else config.ratings[-1].label
        model_type = config.types[-1].label if individual else config.types[0].label
        name = names.new({**given, "person_name": person}, rng)
        models.append(
            Model(f"MH-{config.year}-L{index:05d}", name, who, level, model_type, given["field"], rating)
        )
    return models


def time_list(config: Config, scratch: Path) -> dict:
    """One Danh sách of LIST_ROWS rows, rendered and checked as build_decision_pair does it."""
    workspace = Workspace(scratch, config)
    models = list_models(LIST_ROWS, config)
    issuer, level = build.main_issuer(config), config.levels[0]
    numbering = build.make_numbering(config, issuer, "QĐ", None, None)
    start = perf_counter()
    ordered = build.list_order(config, models)
    code = build.document_code("list", config.year, level.label, [m.id for m in models])
    context = {
        **build.header_context(config, issuer, code, numbering),
        "subject": build.list_subject(config, level),
        "decision_ref": build.numbering_strings(numbering)["decision_ref"],
        "sections": build.list_sections(config, ordered),
    }
    path = build.render_kind(workspace, "list", context, f"danh-sach-{LIST_ROWS}.docx")
    rendered = perf_counter()
    build.verify_list(path, config, ordered)
    checked = perf_counter()
    return {
        "seconds": checked - start,
        "render_s": rendered - start,
        "verify_s": checked - rendered,
        "items": len(models),
    }


# ---------------------------------------------------------------------------- child processes and memory


def tree_pids(root: int) -> list[int]:
    """`root` and all its descendants, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        queue.extend(children.get(pid, []))
    return pids


def rss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def pss_of(pid: int) -> int:
    """Proportional set size: pages shared by the pool's forked workers are counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            return next((int(line.split()[1]) * 1024 for line in handle if line.startswith(b"Pss:")), 0)
    except (OSError, ValueError, IndexError):
        return 0


class TreeMemory:
    """Samples the summed RSS of a process tree every `interval` seconds in a thread, and its PSS every
    PSS_EVERY samples (reading smaps_rollup walks page tables, so it is kept rare to not slow the tree)."""

    PSS_EVERY = 10

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.samples = self.peak_processes = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.done.is_set():
            pids = tree_pids(self.pid)
            self.peak_rss = max(self.peak_rss, sum(rss_of(pid) for pid in pids))
            if self.samples % self.PSS_EVERY == 0:
                self.peak_pss = max(self.peak_pss, sum(pss_of(pid) for pid in pids))
            self.peak_processes = max(self.peak_processes, len(pids))
            self.samples += 1
            self.done.wait(self.interval)

    def stop(self) -> dict:
        self.done.set()
        self.thread.join()
        return {
            "peak_rss_mb": self.peak_rss / MB,
            "peak_pss_mb": self.peak_pss / MB,
            "processes": self.peak_processes,
            "samples": self.samples,
        }


def run_child(action: str, root: Path, profile_dir: Path | None = None) -> dict:
    """Run `action` ("check" or "build") in a fresh interpreter; its own timing plus the tree's memory."""
    command = [sys.executable, "-m", "benchmarks.bench", "--child", action, "--workspace", str(root)]
    if profile_dir:
        command += ["--profile", str(profile_dir / f"{action}-{time.strftime('%H%M%S')}.prof")]
    start = perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    out, err = process.communicate()
    wall = perf_counter() - start
    peaks = memory.stop()
    if process.returncode != 0:
        raise SystemExit(f"benchmark child '{action}' failed (exit {process.returncode}):\n{err}")
    return {**json.loads(out.strip().splitlines()[-1]), "process_wall_s": wall, **peaks}


def run_cli_check(root: Path) -> float:
    """`dvk check` as a user runs it: interpreter start, imports, the check, the console summary."""
    start = perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipeline", "check", "-w", str(root)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return perf_counter() - start


def child_check(workspace: Workspace) -> dict:
    result = run_check(workspace)
    update = result.workbook
    workbook = {"added": update.added, "changed": update.changed, "missing": update.missing} if update else {}
    codes = Counter(p.code for f in result.files for p in f.problems if p.severity == ERROR)
    return {"totals": result.totals, "workbook": workbook, "error_codes": dict(codes.most_common(5))}


def child_build(workspace: Workspace) -> dict:
    result = build_campaign(workspace, as_proposed=True)
    models = sum(d.count for d in result.documents if d.kind == "list")
    return {"documents": len(result.documents), "models": models}


CHILD_ACTIONS: dict[str, Callable[[Workspace], dict]] = {"check": child_check, "build": child_build}


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pool's workers)."""
    own, pool = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + pool.ru_utime + pool.ru_stime


def child_main(action: str, root: Path, profile: Path | None) -> int:
    """One measured action in this fresh process; prints its timing as one JSON line.

    With a profile, the pool's workers inherit the profiler (fork), so the time is for diagnosis only."""
    workspace = load_workspace(root)
    profiler = cProfile.Profile() if profile else None
    cpu, start = cpu_seconds(), perf_counter()
    if profiler:
        profiler.enable()
    summary = CHILD_ACTIONS[action](workspace)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds, cpu = perf_counter() - start, cpu_seconds() - cpu
    print(json.dumps({"seconds": seconds, "cpu_s": cpu, **summary}, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------------------- the report


@dataclass
class Row:
    stage: str
    seconds: float | None
    items: int
    floor_ratio: float | None = None
    naive_ratio: float | None = None
    target: str = ""
    met: bool | None = None
    value: str = ""  # shown instead of seconds (memory)
    extra: dict = field(default_factory=dict)

    @property
    def per_item_ms(self) -> float | None:
        return self.seconds * 1000 / self.items if self.seconds is not None and self.items else None


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(int(total.group(1)) / 1024 / 1024, 1) if total else None,
        "python": platform.python_version(),
        "system": platform.platform(),
        "dvk": __version__,
    }


def code_state() -> dict:
    """The commit measured and the pipeline files changed since it (the tree is shared and edited)."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout

    changed = [line[3:] for line in git("status", "--porcelain", "--", "pipeline", "tools").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed}


def build_rows(n: int, refs: dict, stages: dict, runs: dict, render: dict, listing: dict) -> list[Row]:
    floor, naive = refs["floor"], refs["naive"]

    def file_row(stage: str, seconds: float, items: int = n, **kw: object) -> Row:
        return Row(stage, seconds, items, seconds / floor, seconds / naive, **kw)

    cold, warm, changed, built = runs["cold"], runs["warm"], runs["changed"], runs["build"]
    cold_row = file_row(
        "check cold (run_check, pool)", cold["seconds"], target="≤3× floor, ≥3× faster than naive"
    )
    cold_row.met = cold_row.floor_ratio <= 3 and cold_row.naive_ratio <= 1 / 3
    workbook_items = stages["workbook"]["items"]
    return [
        file_row("floor: unzip + lxml parse", floor),
        file_row("naive: python-docx, paragraphs + cells", naive),
        file_row("discovery (walk + hash)", stages["discovery"]["seconds"]),
        file_row("reading (read_document)", stages["reading"]["seconds"]),
        file_row("extraction (classify + extract_fields)", stages["extraction"]["seconds"]),
        file_row("validation (validate_all)", stages["validation"]["seconds"]),
        file_row(f"workbook ({workbook_items} rows, new)", stages["workbook"]["seconds"]),
        file_row("problem report (.xlsx)", stages["problem_report"]["seconds"]),
        cold_row,
        limit_row("check warm, nothing changed", warm["seconds"], n, 1.0),
        limit_row("dvk check warm, whole command", runs["cli_warm_s"], n, 1.0),
        limit_row("check warm, 1 file changed", changed["seconds"], n, 2.0),
        limit_row("rendering (build_documents), per model", render["seconds"], render["items"], 60.0),
        limit_row("build_campaign end to end, per model", built["seconds"], built["models"], 60.0),
        limit_row(
            f"Danh sách {LIST_ROWS:,} rows (render + check), per row",
            listing["seconds"],
            listing["items"],
            2.0,
        ),
        memory_row("peak memory, check cold (RSS of tree)", cold, n),
        memory_row("peak memory, check 1 file changed", changed, n),
        memory_row("peak memory, build_campaign", built, built["models"]),
    ]


def memory_row(stage: str, run: dict, items: int, limit_mb: float = 300) -> Row:
    """The issue: peak memory for 10,000 proposals under 300 MB (applied to every run that holds them)."""
    peak = run["peak_rss_mb"]
    return Row(stage, None, items, target=f"< {limit_mb:g} MB", met=peak < limit_mb, value=f"{peak:.0f} MB")


def limit_row(stage: str, seconds: float, items: int, limit: float) -> Row:
    return Row(stage, seconds, items, target=f"< {limit:g} s", met=seconds < limit)


def format_table(rows: list[Row]) -> str:
    header = ("stage", "total s", "per file ms", "ratio to floor", "ratio to naive", "target", "met?")
    cells = [header] + [
        (
            row.stage,
            row.value or f"{row.seconds:.2f}",
            f"{row.per_item_ms:.2f}" if row.per_item_ms is not None else "",
            f"{row.floor_ratio:.2f}×" if row.floor_ratio is not None else "",
            f"{row.naive_ratio:.2f}×" if row.naive_ratio is not None else "",
            row.target,
            {True: "yes", False: "NO", None: ""}[row.met],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [
        " | ".join(
            text.ljust(w) if i in (0, 5) else text.rjust(w)
            for i, (text, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_code(code: dict) -> str:
    changed = f" + uncommitted changes in {', '.join(code['uncommitted'])}" if code["uncommitted"] else ""
    moved = (
        " (WARNING: the code changed during the run; rerun for clean numbers)"
        if code.get("changed_during_run")
        else ""
    )
    return f"Code: commit {code['commit'] or 'unknown'}{changed}{moved}"


def describe_machine(info: dict) -> str:
    return (
        f"Machine: {info['cpu']}, {info['usable_cores']} cores, {info['memory_gb']} GB RAM, "
        f"Python {info['python']} ({info['system']})"
    )


# ---------------------------------------------------------------------------- the run


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def benchmark(n: int, root: Path, profile_dir: Path | None, repeat: int = 3) -> dict:
    jobs = os.cpu_count() or 1
    code = code_state()  # child runs import the tree as it is when they start: compare again at the end
    corpus = ensure_corpus(n, jobs)
    if corpus.generated_s is None:
        log(f"Corpus: reused {n} cached files from {corpus.folder} (not regenerated).")
    else:
        log(f"Corpus: generated {n} files in {corpus.generated_s:.1f} s into {corpus.folder} (not timed).")
    workspace = make_workspace(root, corpus)
    paths = [workspace.inputs / spec.rel for spec in corpus.specs]
    warm_page_cache(paths)
    log("Timing the floor and the naive baseline…")
    refs = {"floor": time_floor(paths), "naive": time_naive(paths)}
    log("Timing each stage in one process…")
    with tempfile.TemporaryDirectory(prefix="dvk-bench-scratch-") as scratch:
        stages = time_stages(workspace, Path(scratch))
    runs = time_check_runs(workspace, corpus, profile_dir, repeat)
    log("Timing rendering and the end-to-end build…")
    render = time_rendering(workspace)
    runs["build"] = run_child("build", workspace.root, profile_dir)
    with tempfile.TemporaryDirectory(prefix="dvk-bench-list-") as scratch:
        listing = time_list(workspace.config, Path(scratch))
    result = {
        "benchmark": "dvk (issue 6)",
        "date": datetime.now().isoformat(timespec="seconds"),
        "files": n,
        "machine": machine(),
        "code": {**code, "changed_during_run": code_state() != code},
        "corpus": corpus_summary(corpus),
        "references": refs,
        "stages": stages,
        "runs": runs,
        "rendering": render,
        "list": listing,
        "sanity": sanity(n, stages, runs),
    }
    result["rows"] = rows_of(result)
    return result


def rows_of(result: dict) -> list[dict]:
    """The table rows, from the raw measurements of a result (so a saved result can be reprinted)."""
    parts = (result["references"], result["stages"], result["runs"], result["rendering"], result["list"])
    rows = build_rows(result["files"], *parts)
    return [{**asdict(row), "per_file_ms": row.per_item_ms} for row in rows]


def time_check_runs(workspace: Workspace, corpus: Corpus, profile_dir: Path | None, repeat: int) -> dict:
    """Cold (empty cache), warm (nothing changed), the whole command warm, and warm with one file changed,
    each `repeat` times: the machine is shared, so a single run can be a quarter slower than the next."""

    def cold() -> dict:
        shutil.rmtree(workspace.cache_dir, ignore_errors=True)
        shutil.rmtree(workspace.year_dir, ignore_errors=True)
        return run_child("check", workspace.root, profile_dir)

    log(f"Timing run_check cold (child process, pool), {repeat}×…")
    runs = {"cold": median_run([cold() for _ in range(repeat)])}
    log(f"Timing run_check warm, {repeat}×…")
    runs["warm"] = median_run([run_child("check", workspace.root, profile_dir) for _ in range(repeat)])
    cli_samples = [run_cli_check(workspace.root) for _ in range(repeat)]
    runs["cli_warm_s"], runs["cli_warm_samples_s"] = statistics.median(cli_samples), cli_samples
    log(f"Timing run_check with one file changed, {repeat}×…")
    samples = []
    for round_ in range(1, repeat + 1):
        rel = change_one_file(workspace, corpus, round_)
        samples.append({**run_child("check", workspace.root, profile_dir), "changed_file": rel})
    runs["changed"] = median_run(samples)
    runs["changed_file"] = runs["changed"]["changed_file"]
    return runs


def median_run(samples: list[dict]) -> dict:
    """The run with the median time, with every sample's time, and the highest memory of all of them."""
    chosen = sorted(samples, key=lambda run: run["seconds"])[(len(samples) - 1) // 2]
    return {
        **chosen,
        "samples_s": [run["seconds"] for run in samples],
        "peak_rss_mb": max(run["peak_rss_mb"] for run in samples),
        "peak_pss_mb": max(run["peak_pss_mb"] for run in samples),
    }


def sanity(n: int, stages: dict, runs: dict) -> dict:
    """What must hold if the numbers mean anything: every generated file accepted, every run agreeing."""
    cold, warm, changed = (runs[key]["totals"] for key in ("cold", "warm", "changed"))
    proposals = stages["_totals"]["proposals"]
    checks = {
        "every file found": cold["found"] == n,
        "every file accepted (cold check)": cold["accepted"] == n,
        "one-process stages agree with the pooled check": stages["_totals"] == cold,
        "warm check agrees with cold": warm == cold,
        "one-changed check agrees with cold": changed == cold,
        "one workbook row marked changed": runs["changed"]["workbook"].get("changed") == 1,
        "build covers every proposal": runs["build"]["models"] == proposals,
    }
    return {
        "checks": checks,
        "accepted": cold["accepted"],
        "error_codes_cold": runs["cold"].get("error_codes", {}),
    }


def report(result: dict) -> str:
    rows = [Row(**{k: v for k, v in row.items() if k != "per_file_ms"}) for row in result["rows"]]
    lines = [
        describe_machine(result["machine"]),
        describe_code(result["code"]),
        f"Files: {result['files']:,} "
        f"({', '.join(f'{k} {v}' for k, v in result['corpus']['kinds'].items())}; "
        f"{result['corpus']['bytes'] / MB:.0f} MB)",
        "",
        format_table(rows),
        "",
    ]
    cold = result["runs"]["cold"]
    lines.append(
        f"Cold check: {cold['cpu_s']:.1f} s CPU over {cold['seconds']:.1f} s "
        f"({cold['cpu_s'] / cold['seconds']:.2f} cores busy), {cold['processes']} processes, "
        f"peak PSS {cold['peak_pss_mb']:.0f} MB."
    )
    runs = result["runs"]
    if "samples_s" in cold:  # results saved before repetitions have one run each

        def spread(samples: list[float]) -> str:
            return ", ".join(f"{value:.2f}" for value in samples)

        lines.append(
            f"Check runs: the median of {len(cold['samples_s'])} each (cold {spread(cold['samples_s'])}; "
            f"warm {spread(runs['warm']['samples_s'])}; whole command {spread(runs['cli_warm_samples_s'])}; "
            f"1 changed {spread(runs['changed']['samples_s'])} s); memory rows are the highest of them."
        )
    if result["files"] != TARGET_FILES:
        lines.append(
            f"Targets are stated for {TARGET_FILES:,} files; here they are checked as absolute limits."
        )
    lines += sanity_lines(result["sanity"], result["files"])
    return "\n".join(lines)


def sanity_lines(sanity: dict, n: int) -> list[str]:
    failed = [name for name, ok in sanity["checks"].items() if not ok]
    if not failed:
        return ["Sanity: every generated file accepted; all runs agree."]
    codes = ", ".join(f"{code} ×{count}" for code, count in sanity["error_codes_cold"].items())
    return [
        f"Sanity: {sanity['accepted']:,} of {n:,} generated files accepted (each was written valid); "
        f"not as expected: {'; '.join(failed)}.",
        f"Errors in the rejected files: {codes or 'none'}.",
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, help="number of synthetic submissions (e.g. 1000, 10000)")
    parser.add_argument("--out", type=Path, help="write the JSON result here")
    parser.add_argument(
        "--keep", type=Path, help="build the workspace in this (new or empty) folder and keep it"
    )
    parser.add_argument(
        "--profile", type=Path, help="write cProfile stats of the child runs into this folder"
    )
    parser.add_argument(
        "--from-json", type=Path, help="print the table again from a saved result (rows recomputed, no run)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each check measurement; the median is reported (3)"
    )
    parser.add_argument("--child", choices=sorted(CHILD_ACTIONS), help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (
        args.child is None
        and args.from_json is None
        and (args.files is None or args.files < REGISTRATION_EVERY)
    ):
        parser.error(f"--files N is required, N ≥ {REGISTRATION_EVERY}")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder must be new or empty")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child_main(args.child, args.workspace, args.profile)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.from_json:
        result = json.loads(args.from_json.read_text("utf-8"))
        result["rows"] = rows_of(result)
    else:
        with tempfile.TemporaryDirectory(prefix="dvk-bench-ws-") as temporary:
            root = args.keep.resolve() if args.keep else Path(temporary)
            result = benchmark(args.files, root, args.profile, args.repeat)
    print(report(result))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

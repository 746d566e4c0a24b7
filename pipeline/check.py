"""`dvk check`: discover → read → classify/extract → validate → appraisal workbook → report.

Every file found ends in exactly one state: accepted, rejected (with problems saying why) or
skipped (with a reason). A file with an error-severity problem is rejected; warnings alone do
not reject. The invariant found = accepted + rejected + skipped is computed, not assumed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.appraise import Proposal, Recognition, WorkbookUpdate, recognised_models, update_workbook
from pipeline.cache import CheckCache, cache_key, load_cache, save_cache
from pipeline.config import Config, Workspace
from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS_NAME
from pipeline.corrections import Typed, apply_corrections, corrections_digest, read_corrections
from pipeline.discover import Found, discover
from pipeline.extract import classify, extract
from pipeline.model import ERROR, Analysis, DvkError, Kind, Problem, ReadError, Record
from pipeline.reader import read_document
from pipeline.safezip import run_with_timeout
from pipeline.validate import is_individual, proposal_id, validate_all, validate_record
from pipeline.vntext import fold

ACCEPTED, REJECTED, SKIPPED = "accepted", "rejected", "skipped"
WORKBOOK_NAME = "tham-dinh.xlsx"
REPORT_NAME = "bao-cao-kiem-tra.xlsx"


@dataclass
class FileReport:
    path: str
    sha256: str
    status: str
    kind: str | None = None
    id: str | None = None
    record: Record | None = None  # shared with the cache's analysis: fields are not copied per report
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""  # why skipped
    manual: dict[str, str] = field(default_factory=dict)  # typed fields -> the file's own value ("" if none)

    def field(self, key: str) -> str:
        return self.record.get(key) if self.record else ""

    @property
    def fields(self) -> dict[str, str]:
        return {key: value.value for key, value in self.record.fields.items()} if self.record else {}

    @property
    def sources(self) -> dict[str, str]:
        return {key: value.where for key, value in self.record.fields.items()} if self.record else {}

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "kind": self.kind,
            "id": self.id,
            "fields": self.fields,
            "sources": self.sources,
            "reason": self.reason,
            "problems": [problem.as_dict() for problem in self.problems],
            # Where each value comes from: "file" (read from the document) or "manual" (typed in the
            # correction workbook; "file_values" then holds what the document itself gave).
            "origins": {key: "manual" if key in self.manual else "file" for key in self.fields},
            "file_values": dict(self.manual),
        }


@dataclass
class CheckResult:
    files: list[FileReport]
    records: list[Record]
    workbook: WorkbookUpdate | None = None
    report_path: Path | None = None

    @property
    def totals(self) -> dict[str, int]:
        count = lambda status: sum(1 for f in self.files if f.status == status)  # noqa: E731
        accepted = [f for f in self.files if f.status == ACCEPTED]
        return {
            "found": len(self.files),
            "accepted": count(ACCEPTED),
            "rejected": count(REJECTED),
            "skipped": count(SKIPPED),
            "duplicates": sum(1 for f in self.files if f.status == SKIPPED and f.reason.startswith("trùng")),
            "registrations": sum(1 for f in accepted if f.kind == Kind.REGISTRATION.value),
            "proposals": sum(1 for f in accepted if f.kind == Kind.PROPOSAL.value),
            "errors": sum(1 for f in self.files for p in f.problems if p.severity == ERROR),
            "warnings": sum(1 for f in self.files for p in f.problems if p.severity != ERROR),
        }

    def as_dict(self) -> dict:
        return {"files": [f.as_dict() for f in self.files], "totals": self.totals}


PER_FILE_SECONDS = 30
PARALLEL_MIN = 16  # below this many files to read, a process pool costs more than it saves
WORKER_MEMORY_BYTES = 1 << 30  # a worker that needs more than this for one file is stopped
UNKNOWN_KIND_MESSAGE = (
    "Không nhận ra loại văn bản: không phải phiếu đăng ký hay báo cáo/tờ trình đề nghị công nhận mô hình "
    '"Dân vận khéo" (tiêu đề cần có "PHIẾU ĐĂNG KÝ" hoặc "BÁO CÁO KẾT QUẢ"/"TỜ TRÌNH").'
)


def analyse_file(
    path: Path, rel: str, sha256: str, config: Config, cache_dir: Path | None = None
) -> Analysis:
    """Read, classify and extract one file. Never raises for a bad file: problems say what is wrong."""
    try:
        with time_limit(PER_FILE_SECONDS):
            doc = read_document(path, cache_dir)
            kind = classify(doc)
            extraction = extract(doc, config) if kind else None
    except ReadError as exc:
        return Analysis(None, (Problem(exc.code, ERROR, exc.message, exc.where),))
    except (OSError, MemoryError, RecursionError) as exc:
        return Analysis(None, (Problem("FILE_UNREADABLE", ERROR, f"Không đọc được tệp: {exc}."),))
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
        return Analysis(
            None,
            (
                Problem(
                    "READ_FAILED",
                    ERROR,
                    f"Lỗi không lường trước khi đọc tệp ({type(exc).__name__}: "
                    f"{exc}). Tệp có thể bị hỏng; xin báo lại cho nhóm phát triển kèm tệp này.",
                ),
            ),
        )
    if kind is None or extraction is None:
        return Analysis(None, doc.notes + (Problem("UNKNOWN_KIND", ERROR, UNKNOWN_KIND_MESSAGE, "tiêu đề"),))
    record = Record(kind, rel, sha256, extraction.fields)
    identifier = proposal_id(record) if kind is Kind.PROPOSAL else ""
    notes = doc.notes + tuple(extraction.problems)
    return Analysis(record, notes, tuple(validate_record(record, config)), identifier)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop one file's reading after `seconds` (SIGALRM; only where signals can be used)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ReadError(
            "READ_TIMEOUT",
            f"Đọc tệp mất quá {seconds:g} giây nên đã dừng; tệp có thể bị hỏng hoặc "
            "được tạo bất thường. Đề nghị đơn vị mở bằng Word, lưu lại rồi gửi lại.",
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Progress = Callable[[str, int, int], None]


def analyse_many(
    entries: list[Found],
    config: Config,
    cache_dir: Path,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> dict[str, Analysis]:
    """Analyses by content hash: a process pool when there are many files, this process otherwise."""
    jobs = jobs or os.cpu_count() or 1
    tasks = [(entry.path, entry.rel, entry.sha256, config, cache_dir) for entry in entries]
    pooled = jobs > 1 and len(tasks) >= PARALLEL_MIN
    results = analyse_in_pool(tasks, jobs, progress) if pooled else {}
    for task in tasks:
        if task[2] not in results:
            results[task[2]] = analyse_isolated(task) if pooled else analyse_file(*task)
            if progress:
                progress("đọc tệp", len(results), len(tasks))
    return results


def analyse_in_pool(tasks: list[tuple], jobs: int, progress: Progress | None) -> dict[str, Analysis]:
    """Read in worker processes. If a worker dies (a file blew its memory cap), the files not yet done
    are left for `analyse_isolated`, one process each, so one bad file cannot take others with it."""
    results: dict[str, Analysis] = {}
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=limit_worker_memory) as pool:
            for task, analysis in zip(tasks, pool.map(analyse_task, tasks, chunksize=32), strict=False):
                results[task[2]] = analysis
                if progress:
                    progress("đọc tệp", len(results), len(tasks))
    except BrokenProcessPool:
        pass
    return results


def analyse_task(task: tuple) -> Analysis:
    return analyse_file(*task)


def analyse_isolated(task: tuple) -> Analysis:
    try:
        return run_with_timeout(
            analyse_file, *task, seconds=PER_FILE_SECONDS + 5, memory_bytes=WORKER_MEMORY_BYTES
        )
    except ReadError as exc:
        return Analysis(None, (Problem(exc.code, ERROR, exc.message, exc.where),))


def limit_worker_memory() -> None:
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES * 2, hard))
    except (ImportError, ValueError, OSError):
        pass


def run_check(
    workspace: Workspace,
    write_outputs: bool = True,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> CheckResult:
    config = workspace.config
    if not workspace.inputs.is_dir():
        raise DvkError(
            f"Không có thư mục inputs/ trong {workspace.root}. Tạo bằng: dvk init {workspace.root}"
        )
    cache_path = workspace.cache_dir / "check.pickle"
    cache = load_cache(cache_path, cache_key(config.raw))
    looked_ns = time.time_ns()  # before any stat: a file changed after it is racily clean next time
    found = discover(workspace.inputs, cache.known_hash)
    corrections = read_corrections(workspace.year_dir / CORRECTIONS_NAME)
    identity = tuple((entry.rel, entry.sha256, entry.skip_reason, entry.error) for entry in found) + (
        ("bổ sung", corrections_digest(corrections)),
    )
    readable = [entry for entry in found if entry.skip_reason is None and entry.error is None]
    if identity == cache.last_identity and all(entry.sha256 in cache.analyses for entry in readable):
        return unchanged_result(workspace, found, cache, write_outputs, corrections)
    fresh = analyse_many(
        [e for e in readable if e.sha256 not in cache.analyses], config, workspace.cache_dir, progress, jobs
    )
    remember(cache, found, fresh, looked_ns)
    analyses = apply_corrections(analyses_by_rel(found, cache), corrections, config)
    records = [a.record for a in analyses.values() if a.record is not None]
    per_record = {rel: a.record_problems for rel, a in analyses.items() if a.record is not None}
    cache.rule_problems = validate_all(records, config, per_record)
    result = assemble(found, analyses, cache.rule_problems)
    if write_outputs:
        write_check_outputs(workspace, result, cache, corrections)
        cache.outputs_identity = identity
    cache.last_identity = identity
    save_cache(cache_path, cache)
    return result


def unchanged_result(
    workspace: Workspace,
    found: list[Found],
    cache: CheckCache,
    write_outputs: bool,
    corrections: dict[str, Typed],
) -> CheckResult:
    """Nothing under inputs/ changed since the last run (same names, same content, same configuration):
    the last result stands, rebuilt from the cache without reading or validating. Outputs are written
    only if that run did not write them (`dvk build` checks without writing) or someone changed them."""
    analyses = apply_corrections(analyses_by_rel(found, cache), corrections, workspace.config)
    result = assemble(found, analyses, cache.rule_problems)
    report_path = workspace.year_dir / REPORT_NAME
    if not write_outputs:
        return result
    saved = saved_workbook(workspace, cache) if cache.outputs_identity == cache.last_identity else None
    if saved is not None and report_path.exists():
        result.workbook, result.report_path = saved, report_path
        return result
    write_check_outputs(workspace, result, cache, corrections)
    cache.outputs_identity = cache.last_identity
    save_cache(workspace.cache_dir / "check.pickle", cache)
    return result


def saved_workbook(workspace: Workspace, cache: CheckCache) -> WorkbookUpdate | None:
    """What the workbook showed when dvk last wrote it, if the file on disk is still that version.

    The workbook on disk is the truth: a row deleted by hand, an older copy put back or any save by a
    person changes its size or time, and then it is read again (and missing rows are added back)."""
    if len(cache.last_workbook) != 6:
        return None
    rel, added, changed, missing, size, mtime_ns = cache.last_workbook
    path = workspace.root / rel  # stored relative: a moved or copied workspace shows its own paths
    try:
        stat = path.stat()
    except OSError:
        return None
    if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
        return None
    return WorkbookUpdate(path, added, changed, missing)


def workbook_record(workspace: Workspace, update: WorkbookUpdate) -> tuple:
    stat = update.path.stat()
    rel = os.path.relpath(update.path, workspace.root)
    return (Path(rel).as_posix(), 0, update.changed, update.missing, stat.st_size, stat.st_mtime_ns)


def analyses_by_rel(found: list[Found], cache: CheckCache) -> dict[str, Analysis]:
    """The analysis of every file not skipped, by path (the cache holds every readable file's)."""
    return {entry.rel: analysis_for(entry, cache) for entry in found if entry.skip_reason is None}


def assemble(
    found: list[Found], analyses: dict[str, Analysis], rule_problems: dict[str, list[Problem]]
) -> CheckResult:
    records = [a.record for a in analyses.values() if a.record is not None]
    return CheckResult(
        [file_report(entry, analyses.get(entry.rel), rule_problems) for entry in found], records
    )


def analysis_for(entry: Found, cache: CheckCache) -> Analysis:
    if entry.error:
        return Analysis(None, (Problem(entry.error_code, ERROR, entry.error),))
    analysis = cache.analyses[entry.sha256]
    if analysis.record is not None and analysis.record.path != entry.rel:  # renamed or moved: same content
        analysis = dataclasses.replace(analysis, record=dataclasses.replace(analysis.record, path=entry.rel))
    return analysis


def remember(cache: CheckCache, found: list[Found], fresh: dict[str, Analysis], looked_ns: int) -> None:
    """Keep stamps and analyses of the files present now; forget the rest."""
    cache.analyses.update(fresh)
    present = {entry.sha256 for entry in found if entry.sha256}
    cache.analyses = {sha: analysis for sha, analysis in cache.analyses.items() if sha in present}
    cache.stamps = {entry.rel: (entry.stamp, entry.sha256) for entry in found if entry.sha256}
    cache.looked_ns = looked_ns


def digest_of(rows: Iterable[tuple]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def report_rows(result: CheckResult) -> Iterator[tuple]:
    """What the problem report shows: the files with problems or a skip reason."""
    for report in result.files:
        if report.problems or report.reason:
            problems = tuple((p.severity, p.code, p.message, p.where) for p in report.problems)
            yield (
                report.path,
                report.status,
                report.kind,
                report.id,
                report.field("model_name"),
                problems,
                report.reason,
            )


def write_check_outputs(
    workspace: Workspace, result: CheckResult, cache: CheckCache, corrections: dict[str, Typed]
) -> None:
    """Workbooks and problem report, each rewritten only when what it shows changed since the last run
    (openpyxl needs seconds for a province-scale workbook)."""
    from pipeline.report import write_problem_report

    config = workspace.config
    workbook_path = workspace.year_dir / WORKBOOK_NAME
    report_path = workspace.year_dir / REPORT_NAME
    workspace.year_dir.mkdir(parents=True, exist_ok=True)
    proposals = accepted_proposals(result, config)
    rejected = frozenset(f.id for f in result.files if f.status == REJECTED and f.id) - {
        p.id for p in proposals
    }
    workbook_digest, report_digest = (
        digest_of([*proposals, *sorted(rejected)]),
        digest_of(report_rows(result)),
    )
    last_workbook_digest, last_report_digest, *last_corrections = cache.outputs or ("", "")
    saved = saved_workbook(workspace, cache)
    if workbook_digest == last_workbook_digest and saved is not None:
        result.workbook = saved
    else:
        result.workbook = update_workbook(workbook_path, proposals, config, rejected)
    if report_digest != last_report_digest or not report_path.exists():
        write_problem_report(report_path, result)
    result.report_path = report_path
    corrections_written = write_corrections(workspace, result, corrections, last_corrections[:1])
    cache.outputs = (workbook_digest, report_digest, corrections_written)
    cache.last_workbook = workbook_record(workspace, result.workbook)


def write_corrections(
    workspace: Workspace, result: CheckResult, corrections: dict[str, Typed], last: list[str]
) -> str:
    """The correction workbook, rewritten when its rows or what was typed changed. Returns its digest."""
    from pipeline import corrections as book

    config = workspace.config
    path = workspace.year_dir / CORRECTIONS_NAME
    facts = book.rows_to_write(result.files, corrections, lambda report: book.missing_fields(report, config))
    typed = {rel: (sorted(entry.values.items()), entry.reviewed) for rel, entry in corrections.items()}
    digest = digest_of([book.rows_digest(facts), typed])
    if last == [digest] and (path.exists() or not facts):
        return digest
    book.update_correction_workbook(
        path,
        facts,
        lambda rel, missing: book.file_hints(workspace.inputs / rel, missing, config, workspace.cache_dir),
        {report.path: report.sha256[:16] for report in result.files if report.sha256},
    )
    return digest


def file_report(
    entry: Found, analysis: Analysis | None, rule_problems: dict[str, list[Problem]]
) -> FileReport:
    if analysis is None:
        return FileReport(entry.rel, entry.sha256, SKIPPED, reason=entry.skip_reason or "")
    record = analysis.record
    problems = list(analysis.problems) + (rule_problems.get(entry.rel, []) if record else [])
    status = REJECTED if record is None or any(p.severity == ERROR for p in problems) else ACCEPTED
    if record is None:
        return FileReport(entry.rel, entry.sha256, status, problems=problems)
    return FileReport(
        entry.rel,
        entry.sha256,
        status,
        kind=record.kind.value,
        id=analysis.proposal_id or None,
        record=record,
        problems=problems,
        manual=dict(analysis.manual),
    )


def accepted_proposals(result: CheckResult, config: Config) -> list[Proposal]:
    by_path = {record.path: record for record in result.records}
    proposals = []
    for report in result.files:
        if report.status != ACCEPTED or report.kind != Kind.PROPOSAL.value:
            continue
        record = by_path[report.path]
        proposals.append(
            Proposal(
                id=report.id or "",
                name=record.get("model_name"),
                who=who_label(record, config),
                level=record.get("level"),
                model_type=record.get("model_type"),
                field=record.get("field"),
                rating=record.get("proposed_rating"),
                source=report.path,
                sha256=report.sha256,
            )
        )
    return proposals


def who_label(record: Record, config: Config) -> str:
    """The "Đơn vị / cá nhân thực hiện" text: the unit, or for an individual "Name, position, unit"."""
    if not is_individual(record, config):
        return record.get("unit")
    name, position, unit = record.get("person_name"), record.get("person_position"), record.get("unit")
    if unit and position and f" {fold(unit)} " in f" {fold(position)} ":
        unit = ""  # "Phó Chủ tịch Hội Liên hiệp Phụ nữ thành phố" already names the unit: print it once
    return ", ".join(part for part in (name, position, unit) if part)


def recognise(
    workspace: Workspace, result: CheckResult, results: dict[str, str] | None = None
) -> Recognition:
    """The models the appraisal recognises, from a fresh check and the appraisal workbook (or its
    `results`, id -> appraisal result, when the caller has already read them)."""
    config = workspace.config
    rejected = {
        report.id: [p.message for p in report.problems if p.severity == ERROR]
        for report in result.files
        if report.status == REJECTED and report.id
    }
    person = {
        report.id: (report.field("person_name"), report.field("person_position"))
        for report in result.files
        if report.id
    }
    return recognised_models(
        accepted_proposals(result, config),
        rejected,
        workspace.year_dir / WORKBOOK_NAME,
        config,
        person,
        results,
    )


def registered_count(config: Config, result: CheckResult) -> int:
    """The number of registered models: the configured official count, else the registration files."""
    return config.registered or result.totals["registrations"]

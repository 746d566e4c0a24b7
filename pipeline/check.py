"""`dvk check`: discover → read → classify/extract → validate → appraisal workbook → report.

Every file found ends in exactly one state: accepted, rejected (with problems saying why) or
skipped (with a reason). A file with an error-severity problem is rejected; warnings alone do
not reject. The invariant found = accepted + rejected + skipped is computed, not assumed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline import history
from pipeline.appraise import Proposal, Recognition, recognised_models, update_workbook
from pipeline.cache import CheckCache, cache_key, load_cache, save_cache
from pipeline.config import Config, Workspace
from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS_NAME
from pipeline.corrections import Typed, apply_corrections, corrections_digest, read_corrections
from pipeline.discover import Found, discover
from pipeline.extract import classify, extract
from pipeline.listtable import ListReading, list_fields, one_row_fields, read_list
from pipeline.model import (
    ERROR,
    WARNING,
    Analysis,
    CheckResult,
    DvkError,
    FileReport,
    FileStatus,
    Kind,
    Problem,
    ReadError,
    Record,
    WorkbookUpdate,
)
from pipeline.platform import files, process
from pipeline.reader import read_document
from pipeline.validate import (
    is_individual,
    proposal_id,
    record_id,
    record_ref,
    validate_all,
    validate_record,
)
from pipeline.vntext import fold

WORKBOOK_NAME = "tham-dinh.xlsx"
REPORT_NAME = "bao-cao-kiem-tra.xlsx"


PER_FILE_SECONDS = 30
WORKER_MEMORY_BYTES = 1 << 30  # a worker that needs more than this for one file is stopped
REPAIR_ADVICE = "Đề nghị đơn vị mở tệp bằng Word, lưu lại rồi gửi lại."
UNKNOWN_KIND_MESSAGE = (
    "Không nhận ra loại văn bản: không phải phiếu đăng ký hay báo cáo/tờ trình đề nghị công nhận mô hình "
    '"Dân vận khéo" (tiêu đề cần có "PHIẾU ĐĂNG KÝ" hoặc "BÁO CÁO KẾT QUẢ"/"TỜ TRÌNH").'
)


def analyse_file(
    path: Path, rel: str, sha256: str, config: Config, cache_dir: Path | None = None
) -> Analysis:
    """Read, classify and extract one file. Never raises for a bad file: problems say what is wrong."""
    try:
        doc = read_document(path, cache_dir)
        kind = classify(doc)
        listing = read_list(doc, config) if kind else None
        several = listing is not None and len(listing.rows) > 1  # a list: its rows are the records
        extraction = extract(doc, config) if kind and not several else None
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
    if kind is not None and listing is not None and several:
        return list_analysis(listing, kind, rel, sha256, doc.notes, config)
    if kind is None or extraction is None:
        return Analysis(None, doc.notes + (Problem("UNKNOWN_KIND", ERROR, UNKNOWN_KIND_MESSAGE, "tiêu đề"),))
    fields = extraction.fields
    if listing is not None:  # a list of one row is one record, as a form is
        fields = one_row_fields(listing, fields, config)
    record = Record(kind, rel, sha256, fields)
    identifier = proposal_id(record) if kind is Kind.PROPOSAL else ""
    notes = doc.notes + tuple(extraction.problems)
    return Analysis(record, notes, tuple(validate_record(record, config)), identifier)


def list_analysis(
    listing: ListReading, kind: Kind, rel: str, sha256: str, notes: tuple[Problem, ...], config: Config
) -> Analysis:
    """A list table of several rows: one record per row, each validated on its own."""
    rows = []
    for row in listing.rows:
        record = Record(kind, rel, sha256, list_fields(listing, row, config), row.key, row.where)
        rows.append(Analysis(record, (), tuple(validate_record(record, config)), record_id(record)))
    return Analysis(None, notes, rows=tuple(rows))


Progress = Callable[[str, int, int], None]


def analyse_many(
    entries: list[Found],
    config: Config,
    cache_dir: Path,
    progress: Progress | None = None,
    jobs: int | None = None,
    reader: Callable[..., Analysis] = analyse_file,
) -> dict[str, Analysis]:
    """Analyses by content hash, read in worker processes (`reader` is `analyse_file` but in tests).

    Workers, even for one file: the parent holds every file to its time and memory limits on every
    system, killing a worker that overruns (READ_TIMEOUT, READ_MEMORY) and going on with a new one."""
    tasks = [(entry.path, entry.rel, entry.sha256) for entry in entries]
    results: dict[str, Analysis] = {}
    if not tasks:
        return results
    outcomes = process.run_tasks(
        reader,
        tasks,
        workers=jobs or os.cpu_count() or 1,
        seconds=PER_FILE_SECONDS,
        memory_bytes=WORKER_MEMORY_BYTES,
        common=(config, cache_dir),
    )
    for index, status, value in outcomes:
        results[tasks[index][2]] = value if status == process.OK else failed_reading(status, value)
        if progress:
            progress("đọc tệp", len(results), len(tasks))
    return results


def failed_reading(status: str, value: object) -> Analysis:
    """The rejection of a file whose reading the worker could not finish."""
    code, message = {
        process.TIMEOUT: (
            "READ_TIMEOUT",
            f"Đọc tệp mất quá {PER_FILE_SECONDS:g} giây nên đã dừng; tệp có thể bị hỏng hoặc được tạo "
            "bất thường.",
        ),
        process.MEMORY: ("READ_MEMORY", "Đọc tệp cần quá nhiều bộ nhớ nên đã dừng; tệp có thể bị hỏng."),
        process.CRASH: (
            "READ_CRASH",
            f"Tiến trình đọc tệp bị dừng đột ngột (mã {value}); tệp có thể bị hỏng.",
        ),
    }.get(
        status,
        ("READ_FAILED", f"Lỗi không lường trước khi đọc tệp ({value}); xin báo lại cho nhóm phát triển."),
    )
    return Analysis(None, (Problem(code, ERROR, f"{message} {REPAIR_ADVICE}"),))


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
    remove_leftovers(workspace)
    cache_path = workspace.cache_dir / "check.pickle"
    cache = load_cache(cache_path, cache_key(config.raw))
    looked_ns = time.time_ns()  # before any stat: a file changed after it is racily clean next time
    found = discover(workspace.inputs, cache.known_hash)
    corrections = read_corrections(workspace.year_dir / CORRECTIONS_NAME)
    history.sync_issued(workspace)  # an archive killed after its register commit is caught up here
    earlier = history.history_digest(workspace)
    identity = tuple((entry.rel, entry.sha256, entry.skip_reason, entry.error) for entry in found) + (
        ("bổ sung", corrections_digest(corrections)),
        ("lịch sử", earlier),
    )
    readable = [entry for entry in found if entry.skip_reason is None and entry.error is None]
    if identity == cache.last_identity and all(entry.sha256 in cache.analyses for entry in readable):
        return unchanged_result(workspace, found, cache, write_outputs, corrections, earlier)
    fresh = analyse_many(
        [e for e in readable if e.sha256 not in cache.analyses], config, workspace.cache_dir, progress, jobs
    )
    remember(cache, found, fresh, looked_ns)
    analyses = apply_corrections(analyses_by_rel(found, cache), corrections, config)
    each = [one for analysis in analyses.values() for one in analysis.analyses]
    records = [one.record for one in each if one.record is not None]
    per_record = {record_ref(one.record): one.record_problems for one in each if one.record is not None}
    cache.rule_problems = validate_all(records, config, per_record)
    result = flag_reproposals(
        workspace, assemble(found, analyses, cache.rule_problems), cache, earlier, fresh=True
    )
    if write_outputs:
        write_check_outputs(workspace, result, cache, corrections)
        cache.outputs_identity = identity
    cache.last_identity = identity
    save_cache(cache_path, cache)
    return result


def seed_analyses(workspace: Workspace, analyses: dict[str, Analysis]) -> None:
    """Analyses of files read before they were under inputs/ (an upload read to find its unit's folder),
    kept in the cache by content hash so the check that follows does not read the files again."""
    path = workspace.cache_dir / "check.pickle"
    cache = load_cache(path, cache_key(workspace.config.raw))
    cache.analyses.update({sha: value for sha, value in analyses.items() if not caused_by_machine(value)})
    save_cache(path, cache)


def remove_leftovers(workspace: Workspace) -> None:
    """Temporary files and folders of runs that were killed (their process is gone), where dvk writes."""
    year_folders = [path for path in workspace.year_dir.glob("*") if path.is_dir() and path.name[0] != "."]
    for folder in (workspace.cache_dir, workspace.year_dir, *year_folders):
        files.remove_stale_temporaries(folder)


def unchanged_result(
    workspace: Workspace,
    found: list[Found],
    cache: CheckCache,
    write_outputs: bool,
    corrections: dict[str, Typed],
    history_digest: str = "",
) -> CheckResult:
    """Nothing under inputs/ changed since the last run (same names, same content, same configuration):
    the last result stands, rebuilt from the cache without reading or validating. Outputs are written
    only if that run did not write them (`dvk build` checks without writing) or someone changed them."""
    analyses = apply_corrections(analyses_by_rel(found, cache), corrections, workspace.config)
    result = flag_reproposals(
        workspace, assemble(found, analyses, cache.rule_problems), cache, history_digest, fresh=False
    )
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
    records = [one.record for a in analyses.values() for one in a.analyses if one.record is not None]
    return CheckResult(
        [file_report(entry, analyses.get(entry.rel), rule_problems) for entry in found], records
    )


def flag_reproposals(
    workspace: Workspace, result: CheckResult, cache: CheckCache, digest: str, fresh: bool
) -> CheckResult:
    """A proposal matching a model recognised in an earlier year carries a warning naming that model and
    its decision. A warning, never an error: the committee decides, dvk drops nothing by itself. The
    history's index is loaded once per run, and not at all when the last run's warnings still hold (same
    inputs, same history digest: `fresh` is False)."""
    if fresh or digest != cache.history_digest:
        cache.history_flags = reproposal_flags(result, history.load_index(workspace)) if digest else {}
        cache.history_digest = digest
    for report in result.record_reports():
        problem = cache.history_flags.get(report.ref)
        if problem is not None:
            report.problems.append(dataclasses.replace(problem, where=report.where))
    return result


def reproposal_flags(result: CheckResult, earlier: history.HistoryIndex) -> dict[str, Problem]:
    """Record ref -> the warning of each proposal that matches an earlier year's model."""
    flags = {}
    for report in result.record_reports():
        if report.kind != Kind.PROPOSAL.value or report.record is None:
            continue
        record = report.record
        found = earlier.earlier(record.get("model_name"), record.get("unit"), record.get("person_name"))
        if found:
            flags[report.ref] = history.earlier_problem(found[0])
    return flags


def analysis_for(entry: Found, cache: CheckCache) -> Analysis:
    if entry.error:
        return Analysis(None, (Problem(entry.error_code, ERROR, entry.error),))
    return moved(cache.analyses[entry.sha256], entry.rel)


def moved(analysis: Analysis, rel: str) -> Analysis:
    """The analysis of a file renamed or moved (same content): its records at the new path."""
    if analysis.rows:
        return dataclasses.replace(analysis, rows=tuple(moved(row, rel) for row in analysis.rows))
    if analysis.record is not None and analysis.record.path != rel:
        return dataclasses.replace(analysis, record=dataclasses.replace(analysis.record, path=rel))
    return analysis


def remember(cache: CheckCache, found: list[Found], fresh: dict[str, Analysis], looked_ns: int) -> None:
    """Keep stamps and analyses of the files present now; forget the rest. What this machine caused
    (LibreOffice missing, an OS error, a worker killed) is used now but not saved: the next run, on a
    repaired machine, reads the file again."""
    cache.analyses.update(fresh)
    cache.transient |= {sha for sha, analysis in fresh.items() if caused_by_machine(analysis)}
    present = {entry.sha256 for entry in found if entry.sha256}
    cache.analyses = {sha: analysis for sha, analysis in cache.analyses.items() if sha in present}
    cache.stamps = {entry.rel: (entry.stamp, entry.sha256) for entry in found if entry.sha256}
    cache.looked_ns = looked_ns


MACHINE_CODES = frozenset(
    {"FILE_UNREADABLE", "NEEDS_LIBREOFFICE", "READ_TIMEOUT", "READ_CRASH", "READ_FAILED"}
)


def caused_by_machine(analysis: Analysis) -> bool:
    return any(problem.code in MACHINE_CODES for problem in analysis.problems)


def digest_of(rows: Iterable[object]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def report_rows(result: CheckResult) -> Iterator[tuple]:
    """What the problem report shows: the files and records with problems or a skip reason."""
    for report in (one for f in result.files for one in (f, *f.records)):
        if report.problems or report.reason:
            problems = tuple((p.severity, p.code, p.message, p.where) for p in report.problems)
            yield (
                report.place,
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
    rejected = frozenset(
        f.id
        for f in result.record_reports()
        if f.status == FileStatus.REJECTED and f.id and f.kind == Kind.PROPOSAL.value
    ) - {p.id for p in proposals}
    last_corrections: list[str]
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
    reports = list(result.record_reports()) + [f for f in result.files if f.record is None and not f.records]
    facts = book.rows_to_write(reports, corrections, lambda report: book.missing_fields(report, config))
    typed = {ref: (sorted(entry.values.items()), entry.reviewed) for ref, entry in corrections.items()}
    digest = digest_of([book.rows_digest(facts), typed])
    if last == [digest] and (path.exists() or not facts):
        return digest
    book.update_correction_workbook(
        path,
        facts,
        lambda rel, missing: book.file_hints(workspace.inputs / rel, missing, config, workspace.cache_dir),
        {report.ref: book.stamp_of(report) for report in reports if report.sha256},
    )
    return digest


def file_report(
    entry: Found, analysis: Analysis | None, rule_problems: dict[str, list[Problem]]
) -> FileReport:
    if analysis is None:
        return FileReport(entry.rel, entry.sha256, FileStatus.SKIPPED, reason=entry.skip_reason or "")
    if analysis.rows:
        return list_report(entry, analysis, rule_problems)
    record = analysis.record
    if record is None:
        return FileReport(entry.rel, entry.sha256, FileStatus.REJECTED, problems=list(analysis.problems))
    return record_report(entry, analysis, list(analysis.problems), rule_problems)


def record_report(
    entry: Found, analysis: Analysis, problems: list[Problem], rule_problems: dict[str, list[Problem]]
) -> FileReport:
    record = analysis.record
    assert record is not None
    problems = problems + rule_problems.get(record_ref(record), [])
    if record.where:  # a row of a list: a finding about the whole record is about its row
        problems = [p if p.where else dataclasses.replace(p, where=record.where) for p in problems]
    status = FileStatus.REJECTED if any(p.severity == ERROR for p in problems) else FileStatus.ACCEPTED
    return FileReport(
        entry.rel,
        entry.sha256,
        status,
        kind=record.kind.value,
        id=analysis.proposal_id or None,
        record=record,
        problems=problems,
        manual=dict(analysis.manual),
        key=record.key,
        where=record.where,
    )


def list_report(entry: Found, analysis: Analysis, rule_problems: dict[str, list[Problem]]) -> FileReport:
    """A list of several records: each row reported on its own; the file is accepted when at least one of
    its records is (the others wait in the correction workbook or go back to the unit), and says how many
    of its rows were rejected."""
    rows = [record_report(entry, row, list(row.problems), rule_problems) for row in analysis.rows]
    problems = list(analysis.problems)
    rejected = [row for row in rows if row.status == FileStatus.REJECTED]
    if rejected:
        places = "; ".join(row.where for row in rejected[:10]) + ("; …" if len(rejected) > 10 else "")
        problems.append(
            Problem(
                "LIST_ROWS_REJECTED",
                ERROR if len(rejected) == len(rows) else WARNING,
                f"{len(rejected)}/{len(rows)} mô hình trong danh sách bị loại ({places}); xem lỗi của từng "
                "hàng.",
            )
        )
    status = FileStatus.ACCEPTED if len(rejected) < len(rows) else FileStatus.REJECTED
    kind = rows[0].kind
    return FileReport(entry.rel, entry.sha256, status, kind=kind, problems=problems, records=rows)


def accepted_proposals(result: CheckResult, config: Config) -> list[Proposal]:
    """The workbook rows of a check's accepted proposals. The last answer is kept: the page's overview
    asks again after every appraisal save, for the same check."""
    last = _last_proposals
    if last and last[0] is result and last[1] is config:
        return list(last[2])
    proposals = make_proposals(result, config)
    _last_proposals[:] = [result, config, proposals]
    return list(proposals)


_last_proposals: list = []  # [result, config, proposals] of the last call


def make_proposals(result: CheckResult, config: Config) -> list[Proposal]:
    """One per accepted proposal record (each row of a list its own)."""
    proposals = []
    for report in result.record_reports():
        if (
            report.status != FileStatus.ACCEPTED
            or report.kind != Kind.PROPOSAL.value
            or report.record is None
        ):
            continue
        record = report.record
        proposals.append(
            Proposal(
                id=report.id or "",
                name=record.get("model_name"),
                who=who_label(record, config),
                level=record.get("level"),
                model_type=record.get("model_type"),
                field=record.get("field"),
                rating=record.get("proposed_rating"),
                source=report.place,
                # A row is followed by its own content: another row added to the list changes the file,
                # not the row.
                sha256=report.key or report.sha256,
                earlier=next((p.message for p in report.problems if p.code in history.EARLIER_CODES), ""),
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
        for report in result.record_reports()
        if report.status == FileStatus.REJECTED and report.id
    }
    person = {
        report.id: (report.field("person_name"), report.field("person_position"))
        for report in result.record_reports()
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

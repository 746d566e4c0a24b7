"""What the pages show, built from the service's results: view-models, the file list's index, and the
process-wide caches that keep a page of a 10,000-file campaign quick (the last check result, the file
index, the overview, the appraisal rows). The service never returns a URL or a template's dict; this
module does, for the routes in app.py.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import build, corrections, service
from pipeline.appraise import ID, NOTE, PROPOSED, RESULT, AppraisalPending, is_pending, read_rows, tidy
from pipeline.archive import register
from pipeline.check import Progress, accepted_proposals, recognise, registered_count, run_check
from pipeline.config import Workspace
from pipeline.discover import walk_files
from pipeline.model import (
    DISPLAY_VI,
    LABELS_VI,
    CheckResult,
    DvkError,
    FileReport,
    FileStatus,
    Need,
    ReadError,
    needs_of,
)
from pipeline.reader import read_document
from pipeline.service import Step, corrections_path, workbook_path
from pipeline.vntext import fold, sort_key

# The file statuses in the page's words, in the order the file list's filter offers them.
STATUS_VI = {status.value: DISPLAY_VI[status] for status in FileStatus}


# ---------------------------------------------------------------------------- the current check


_checks: dict[Path, tuple[tuple, CheckResult, float]] = {}  # root -> (signature, result, when compared)


_checks_guard = threading.Lock()


FRESH_SECONDS = 2.0  # a page within this long of the last look trusts it (a clerk clicking through pages)


def current_check(workspace: Workspace) -> CheckResult:
    """The check result for what is on disk now, for reading (a page): the last one while nothing under
    inputs/ (nor the configuration) changed, else a fresh check that writes no workbook or report.
    Looking costs one stat per file (and nothing within FRESH_SECONDS of the last look); the check
    itself reuses its cache for unchanged files."""
    with _checks_guard:
        known = _checks.get(workspace.root)
    if known is not None and time.monotonic() - known[2] < FRESH_SECONDS:
        return known[1]
    signature = inputs_signature(workspace)
    if known is not None and known[0] == signature:
        with _checks_guard:
            _checks[workspace.root] = (signature, known[1], time.monotonic())
        return known[1]
    result = run_check(workspace, write_outputs=False)
    with _checks_guard:
        _checks[workspace.root] = (signature, result, time.monotonic())
    return result


def remember_check(workspace: Workspace, result: CheckResult) -> None:
    signature = inputs_signature(workspace)
    with _checks_guard:
        _checks[workspace.root] = (signature, result, time.monotonic())


def forget_check(workspace: Workspace) -> None:
    """dvk.toml changed on the page: the next page checks again, even within FRESH_SECONDS."""
    with _checks_guard:
        _checks.pop(workspace.root, None)


def inputs_signature(workspace: Workspace) -> tuple:
    """What a check result depends on: every input file's name, size and time, and the configuration."""
    files = []
    if workspace.inputs.is_dir():
        for rel, item in walk_files(workspace.inputs):
            with contextlib.suppress(OSError):
                stat = item.stat(follow_symlinks=False)
                files.append((rel, stat.st_size, stat.st_mtime_ns))
    return (tuple(files), stat_stamp(workspace.root / "dvk.toml"), stat_stamp(corrections_path(workspace)))


def stat_stamp(path: Path) -> tuple[int, int] | None:
    """Size and modification time (None: no file): enough to see a change a page shows, without reading it
    (workbook.file_stamp adds the content hash, for a write that must not land over a person's save)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def prepare_pages(workspace: Workspace) -> None:
    """Read what the first screens show (the overview, the file list's index) before a server gives its
    address, so the first page a clerk opens does not pay for it."""
    overview(workspace)
    file_index(current_check(workspace))


# ---------------------------------------------------------------------------- finding files


@dataclass(frozen=True)
class FileQuery:
    """What the Hồ sơ page filters on; empty means any."""

    status: str = ""  # accepted | rejected | skipped
    level: str = ""
    unit: str = ""
    code: str = ""  # a problem code
    text: str = ""  # searched with or without diacritics, in the path, model name and unit


def find_files(result: CheckResult, query: FileQuery) -> list:
    """The check's file reports that match `query`, in the check's order (by path)."""
    index = file_index(result)
    text, unit = fold(query.text).strip(), fold(query.unit).strip()
    found = []
    for report, row in zip(result.files, index.rows, strict=True):
        if query.status and report.status != query.status:
            continue
        if query.level and query.level not in row.levels:
            continue
        if query.code and query.code not in row.codes:
            continue
        if unit and unit not in row.unit:
            continue
        if text and text not in row.text:
            continue
        found.append(report)
    return found


def file_choices(result: CheckResult) -> dict[str, list]:
    """The values the filters offer: levels and problem codes present (with counts), and units."""
    return file_index(result).choices


@dataclass(frozen=True, slots=True)
class IndexRow:
    levels: frozenset[str]  # a list's rows may have several
    codes: frozenset[str]
    unit: str  # folded: compared without diacritics or case
    text: str  # folded path, model name and unit


@dataclass
class FileIndex:
    """What the file list filters on, computed once per check result (a page of a 10,000-file campaign
    is then a scan over plain strings, not 10,000 foldings)."""

    result: CheckResult
    rows: list[IndexRow]
    choices: dict[str, list]


_indexes: dict[int, FileIndex] = {}


def file_index(result: CheckResult) -> FileIndex:
    with _checks_guard:
        known = _indexes.get(id(result))
    if known is not None and known.result is result:
        return known
    index = build_file_index(result)
    with _checks_guard:
        if len(_indexes) >= 2:  # a result per workspace is enough; each holds a campaign in memory
            _indexes.clear()
        _indexes[id(result)] = index
    return index


def build_file_index(result: CheckResult) -> FileIndex:
    rows = []
    for report in result.files:
        each = report.records or [report]  # a list is found by any of its rows
        unit = " ".join(dict.fromkeys(one.field("unit") for one in each)).strip() or report.path.split("/")[0]
        said = (part for one in each for part in (one.field("model_name"), one.field("unit")))
        text = fold(" ".join((report.path, *said)))
        codes = frozenset(problem.code for one in (report, *report.records) for problem in one.problems)
        levels = frozenset(one.field("level") for one in each if one.field("level"))
        rows.append(IndexRow(levels, codes, fold(unit), text))
    level_counts = Counter(level for row in rows for level in row.levels)
    code_counts = Counter(code for row in rows for code in row.codes)
    units = {
        one.field("unit") or report.path.split("/")[0]
        for report in result.files
        for one in report.records or [report]
    }
    choices: dict[str, list] = {
        "levels": sorted(level_counts.items()),
        "codes": sorted(code_counts.items()),
        "units": sorted((unit for unit in units if unit), key=sort_key),
    }
    return FileIndex(result, rows, choices)


# ---------------------------------------------------------------------------- one file


@dataclass
class FileDetail:
    report: FileReport  # the file's, or one row's of a list
    fields: list[dict]  # {key, label, value, where, manual}
    blocks: list[dict]  # the file's own text: {where, text, fields: [labels]}
    read_error: str = ""
    file: object = None  # check.FileReport of the whole file (the same as `report` unless a row is shown)


def file_detail(workspace: Workspace, rel: str, key: str = "") -> FileDetail:
    """One input file (or, with `key`, one row of a list in it): its check report, the extracted fields
    with where each came from, and its text. `rel` must be a file the check knows (never a path from
    outside inputs/)."""
    result = current_check(workspace)
    whole = next((item for item in result.files if item.path == rel), None)
    if whole is None:
        raise DvkError(f"Không có tệp {rel} trong inputs/.")
    report = service.record_of(result, rel, key)
    if report is None:
        raise DvkError(f"Tệp {rel} không có hàng {key} (danh sách đã thay đổi?).")
    sources = report.sources
    fields = [
        {"key": key, "label": LABELS_VI.get(key, key), "value": value, "where": sources.get(key, "")}
        for key, value in report.fields.items()
    ]
    blocks: list[dict] = []
    error = ""
    if whole.record is not None or whole.records:  # read again only what the check read within its limits
        blocks, error = file_text(workspace, rel, sources)
    elif report.status == "rejected":
        error = "Không hiển thị nội dung: tệp không đọc được (xem phần Vấn đề)."
    return FileDetail(report, fields, blocks, error, whole)


def file_text(workspace: Workspace, rel: str, sources: dict[str, str]) -> tuple[list[dict], str]:
    by_place: dict[str, list[str]] = {}
    for key, where in sources.items():
        by_place.setdefault(where, []).append(LABELS_VI.get(key, key))
    try:
        document = read_document(workspace.inputs / rel, workspace.cache_dir)
    except ReadError as exc:
        return [], exc.message
    except (OSError, ValueError) as exc:
        return [], f"Không đọc được tệp: {exc}"
    blocks = [
        {"where": block.where, "text": block.text, "fields": by_place.get(block.where, [])}
        for block in document.blocks
        if block.text.strip()
    ]
    return blocks, ""


def correction_form(workspace: Workspace, detail: FileDetail) -> dict:
    """The fields a clerk may type for this file: those the check misses or doubts (required fields not
    found, values outside the vocabulary) and those already typed (to see and change them), with the
    vocabulary to choose from and the file's closest lines as a hint."""
    report = detail.report
    config = workspace.config
    if report.record is None:
        return {"fields": [], "workbook": corrections_relpath(workspace)}
    missing = corrections.missing_fields(report, config) if report.status == "rejected" else ()
    typed = corrections.read_corrections(corrections_path(workspace)).get(report.ref)
    values = typed.values if typed else {}
    hints = ""  # a row of a list is all on the page already: no closest lines to point at
    if not report.key:
        hints = corrections.file_hints(workspace.inputs / report.path, missing, config, workspace.cache_dir)
    hint_of = dict(line.split(": ", 1) for line in hints.splitlines() if ": " in line)
    sections = {"level": "levels", "model_type": "types", "field": "fields", "proposed_rating": "ratings"}
    fields = []
    for key in (key for key in corrections.EDITABLE if key in missing or key in values):
        read = report.field(key)
        if key not in missing:
            why = "đã nhập tay, đang được dùng"
        else:
            why = f"tệp ghi “{read}”, không thuộc danh mục" if read else "không tìm thấy trong tệp"
        fields.append(
            {
                "key": key,
                "label": LABELS_VI[key],
                "value": values.get(key, ""),
                "why": why,
                "choices": [term.label for term in getattr(config, sections[key])] if key in sections else [],
                "hint": hint_of.get(LABELS_VI[key], ""),
            }
        )
    return {"fields": fields, "workbook": corrections_relpath(workspace)}


def corrections_relpath(workspace: Workspace) -> str:
    return corrections_path(workspace).relative_to(workspace.root).as_posix()


# ---------------------------------------------------------------------------- appraisal


_rows: dict[Path, tuple[tuple[int, int] | None, list[dict[str, str]]]] = {}
_rows_reading = threading.Lock()  # one reader of a changed workbook at a time; the others wait for it


def appraisal_rows(workspace: Workspace) -> list[dict[str, str]]:
    """The appraisal workbook's rows ({column title: text}) as they are on disk now: an edit saved in
    Excel shows at the next read. Read again only when the file changed, and by one request: the others
    arriving meanwhile take what it read (twenty tabs after a save read the workbook once, not twenty
    times at once)."""
    path = workbook_path(workspace)
    with _rows_reading:
        stamp = stat_stamp(path)
        if stamp is None:
            return []
        with _checks_guard:
            known = _rows.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        rows = read_rows(path)
        with _checks_guard:
            _rows[path] = (stamp, rows)
    return rows


@contextlib.contextmanager
def watch_results(path: Path) -> Iterator[Callable]:
    """While dvk writes appraisal results (service.RESULTS_WATCHERS), the page's rows wait for the write
    (a tenth of a second) instead of reading the workbook the instant it is replaced; then they become
    the version written into, with the results put in: no need to read the whole workbook again."""
    with _rows_reading:
        yield functools.partial(remember_saved_results, path)


def remember_saved_results(path: Path, read: tuple | None, changes: Sequence[tuple[str, str, str]]) -> None:
    latest = {proposal_id: (result, note) for proposal_id, result, note in changes}
    stamp = stat_stamp(path)  # a person saving in the instant since the replace is read at their next change
    with _checks_guard:
        known = _rows.get(path)
        if known is None or read is None or known[0] != read[:2]:  # `read` carries the hash as well
            return
        rows = [
            {**row, RESULT: tidy(latest[row_id][0]), NOTE: latest[row_id][1]}
            if (row_id := row.get(ID)) in latest
            else row
            for row in known[1]
        ]
        _rows[path] = (stamp, rows)


service.RESULTS_WATCHERS.append(watch_results)


@dataclass(frozen=True)
class AppraisalQuery:
    """What the Thẩm định page filters, sorts and groups on; empty means any."""

    text: str = ""  # id, model or unit, with or without diacritics
    state: str = ""  # "" any | "pending" | "decided"
    level: str = ""
    unit: str = ""
    proposed: str = ""
    group: str = "level"  # the first sort key, and the groups the table shows: level | unit | proposed


GROUPS = {"level": "Cấp", "unit": "Đơn vị / cá nhân thực hiện", "proposed": PROPOSED}


def find_appraisal_rows(
    rows: list[dict[str, str]], query: AppraisalQuery, workspace: Workspace
) -> list[dict[str, str]]:
    """The workbook rows matching `query`, sorted by its group (then level, unit, proposed rating, id):
    levels and ratings in their configured order, units in Vietnamese order."""
    wanted = fold(query.text).strip()
    exact = {GROUPS["level"]: query.level, GROUPS["unit"]: query.unit, GROUPS["proposed"]: query.proposed}
    found = [
        row
        for row in rows
        if (query.state != "pending" or is_pending(row))
        and (query.state != "decided" or row.get(RESULT))
        and all(not value or row.get(title, "") == value for title, value in exact.items())
        and (not wanted or wanted in fold(" ".join((row.get(ID, ""), *row.values()))))
    ]
    levels = {term.label: index for index, term in enumerate(workspace.config.levels)}
    ratings = {label: index for index, label in enumerate(service.appraisal_choices(workspace))}

    def level(row: dict[str, str]) -> tuple:
        return levels.get(row.get(GROUPS["level"], ""), len(levels)), row.get(GROUPS["level"], "")

    def proposed(row: dict[str, str]) -> tuple:
        return ratings.get(row.get(PROPOSED, ""), len(ratings)), row.get(PROPOSED, "")

    keys = {"level": level, "unit": lambda row: sort_key(row.get(GROUPS["unit"], "")), "proposed": proposed}
    first = query.group if query.group in keys else "level"
    order = [first, *(name for name in keys if name != first)]
    return sorted(found, key=lambda row: (*(keys[name](row) for name in order), row.get(ID, "")))


def appraisal_groups(rows: list[dict[str, str]], group: str) -> dict[str, tuple[int, int]]:
    """Group value -> (rows, rows pending) for the group headings of the table."""
    title = GROUPS.get(group, GROUPS["level"])
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        total, pending = counts.get(row.get(title, ""), (0, 0))
        counts[row.get(title, "")] = (total + 1, pending + is_pending(row))
    return counts


# ---------------------------------------------------------------------------- overview


@dataclass
class Overview:
    totals: dict[str, int]
    stats: dict | None  # as `dvk stats` gives them, or None when the appraisal does not allow it yet
    stats_problem: str
    awaiting: int  # workbook rows waiting for a person's result
    next_step: tuple[str, str]  # what to do next, and the page where it is done
    result: CheckResult | None = None  # the check it was computed from


_overviews: dict[Path, tuple[tuple, Overview]] = {}


def overview(workspace: Workspace) -> Overview:
    """The first page: totals, `dvk stats` (when the appraisal allows), rows awaiting a result, next step.
    Computed again only when the check result, the workbook or the register changed, and by one request
    at a time: the others arriving meanwhile take what it computed."""
    with _overview_computing:
        result = current_check(workspace)
        path = register.register_path(workspace)
        key = (
            id(result),
            stat_stamp(workbook_path(workspace)),
            stat_stamp(path),
            stat_stamp(path.with_name(path.name + "-wal")),
        )
        with _checks_guard:
            known = _overviews.get(workspace.root)
        if known is not None and known[0] == key and known[1].result is result:
            return known[1]
        summary = compute_overview(workspace)
        with _checks_guard:
            _overviews[workspace.root] = (key, summary)
    return summary


_overview_computing = threading.Lock()


def compute_overview(workspace: Workspace) -> Overview:
    result = current_check(workspace)
    rows = appraisal_rows(workspace)
    awaiting = sum(1 for row in rows if is_pending(row))
    stats, problem = None, ""
    try:
        results = {row[ID]: row.get(RESULT, "") for row in rows} if rows else None
        models = recognise(workspace, result, results).models
        stats = build.campaign_stats(workspace.config, models, registered_count(workspace.config, result))
    except AppraisalPending as exc:
        problem = f"Còn {len(exc.pending)} đề nghị chưa có kết quả thẩm định; số liệu có khi thẩm định xong."
    except DvkError as exc:
        problem = str(exc)
    listed = {row.get(ID) for row in rows}
    proposals = accepted_proposals(result, workspace.config)
    unlisted = sum(1 for proposal in proposals if proposal.id not in listed)
    accepted = sum(1 for report in result.files if report.status == FileStatus.ACCEPTED)
    step = step_advice(service.next_step(workspace, accepted, unlisted, awaiting, problem), awaiting)
    return Overview(result.totals, stats, problem, awaiting, step, result)


# What each step of the service's `next_step` says on the overview, and the page where it is done.
STEP_ADVICE = {
    Step.ADD_FILES: (
        "Thêm tệp Word của các đơn vị (kéo thả vào trang Hồ sơ) rồi xem kết quả kiểm tra.",
        "/ho-so",
    ),
    Step.CHECK: ("Bấm “Kiểm tra” trên trang Hồ sơ để đưa các đề nghị mới vào sổ thẩm định.", "/ho-so"),
    Step.APPRAISE: ("Thẩm định {awaiting} đề nghị chưa có kết quả.", "/tham-dinh"),
    Step.RESOLVE: ("Giải quyết các điểm còn vướng trong sổ thẩm định (xem bên dưới).", "/tham-dinh"),
    Step.BUILD: ("Lập dự thảo quyết định, danh sách, giấy chứng nhận và báo cáo.", "/van-ban"),
    Step.SIGN: ("Trình ký, rồi tải lên bản quyết định đã ký để cấp số và lưu trữ.", "/luu-tru"),
    Step.DONE: ("Các quyết định đã được lưu trữ; xem sổ đăng ký văn bản đi.", "/luu-tru"),
}


def step_advice(step: Step, awaiting: int) -> tuple[str, str]:
    text, page = STEP_ADVICE[step]
    return text.format(awaiting=awaiting), page


# ---------------------------------------------------------------------------- actions the pages remember


def check(workspace: Workspace, progress: Progress | None = None) -> CheckResult:
    """`service.check`, its result kept for the pages that follow."""
    result = service.check(workspace, progress)
    remember_check(workspace, result)
    return result


def add_inputs(workspace: Workspace, folder: str, uploads: Iterable[service.Upload]) -> service.InputsAdded:
    added = service.add_inputs(workspace, folder, uploads)
    remember_check(workspace, added.result)
    return added


def save_corrections(workspace: Workspace, rel: str, values: dict[str, str], key: str = "") -> list[str]:
    """Type the values a clerk gave for one file (or, with `key`, one row of a list in it) into the
    correction workbook, then check again; returns what happened (Vietnamese)."""
    report = service.record_of(current_check(workspace), rel, key)
    if report is None or report.record is None:
        raise DvkError(f"Không có tệp {rel} đọc được trong inputs/.")
    saved = service.save_corrections(workspace, report, values)
    remember_check(workspace, saved.result)
    after = saved.report
    if after is None:
        return [
            f"Đã ghi {saved.changed} giá trị vào {corrections.WORKBOOK_NAME}. Tệp {rel} không còn hàng này."
        ]
    state = ("vẫn " if after.status == FileStatus.REJECTED else "") + DISPLAY_VI[after.status]
    what = f"Tệp {rel}" if not key else f"{rel}, {after.where}"
    lines = [f"Đã ghi {saved.changed} giá trị vào {corrections.WORKBOOK_NAME}. {what}: {state}."]
    lines += [problem.message for problem in after.problems if problem.severity == "error"]
    return lines


# ---------------------------------------------------------------------------- refusals in the page's words

# How the page asks for what a refusal needs (model.Need): the fields of the archive form.
FIELDS = {
    Need.NUMBER: "“Số văn bản”",
    Need.DATE: "“Ngày văn bản”",
    Need.CODE: "“Mã dự thảo”",
    Need.REPLACE_REASON: "“Lý do thay bản đã lưu”",
    Need.UNTRUSTED_REASON: "lý do vẫn lưu khi chứng thư không thuộc chứng thư gốc tin cậy",
    Need.UNSIGNED_REASON: "lý do vẫn lưu bản quét hoặc bản không ký số",
}


def fields_for(needs: tuple[Need, ...]) -> str:
    """ " Ghi vào: “Số văn bản”, “Ngày văn bản”." for what a refusal needs, or ""."""
    return f" Ghi vào: {', '.join(FIELDS[need] for need in needs)}." if needs else ""


def error_text(exc: DvkError) -> str:
    """A library error in the page's words: its message, and the fields that give what it needs."""
    return str(exc) + fields_for(needs_of(exc))

"""What a clerk can do, one call each: the CLI (`dvk check`, `dvk build`, `dvk stats`, `dvk archive`)
and the web page (`dvk serve`) call these functions and only parse and present around them.

The table of contents: check the inputs, add input files, read and write the appraisal, build the
drafts (check → appraisal results → recognised models → render and verify → register the drafts →
optional PDF copies), file signed copies, verify the archive, read the register.

Everything that writes the workspace's shared files (the appraisal workbook, the problem report,
inputs/, the archive) runs under `workspace_lock`, so two browser tabs, or a tab and a `dvk` run in a
terminal, take turns instead of interleaving their writes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import intake, lazy
from pipeline.check import WORKBOOK_NAME, CheckResult, Progress, recognise, registered_count, run_check
from pipeline.config import Workspace
from pipeline.model import DvkError, Model
from pipeline.platform import files, process

if TYPE_CHECKING:
    from pipeline.archive import ArchiveEntry, RefusedEntry
    from pipeline.build import BuiltDocument
    from pipeline.signature_policy import Acceptance

# Rendering, the register and pyHanko load only for the actions that use them (`dvk check` starts sooner).
build = lazy.module("pipeline.build")
register = lazy.module("pipeline.register")
archive = lazy.module("pipeline.archive")

LOCK_NAME = "workspace.lock"
LOCK_WAIT_SECONDS = 600.0  # a terminal run waits for a long build in a browser tab to finish


class Busy(DvkError):
    """Another tab or a `dvk` command holds the workspace for longer than the caller would wait."""


_held = threading.local()  # per thread: the workspace roots whose lock it holds (the lock is re-entrant)


@contextlib.contextmanager
def workspace_lock(workspace: Workspace, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the workspace's write lock: across processes and threads, released when the holder ends
    (even killed). SQLite's own file locking does the work, the same on Windows and POSIX, so no
    platform code is needed and a crashed holder never leaves a stale lock file behind."""
    held = getattr(_held, "roots", None)
    if held is None:
        held = _held.roots = set()
    if workspace.root in held:
        yield
        return
    workspace.cache_dir.mkdir(parents=True, exist_ok=True)
    path = workspace.cache_dir / LOCK_NAME
    connection = None
    try:
        connection = sqlite3.connect(path, timeout=wait, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        if connection is not None:
            connection.close()
        # A full disk fails the lock too: that is said as such, not as another run holding it.
        full = files.database_write_error(exc, path, workspace.root)
        if full is not None:
            raise full from exc
        raise Busy(
            "Thư mục làm việc đang được một thao tác khác ghi (một thẻ trình duyệt khác hoặc một lệnh dvk); "
            "chưa thay đổi gì, xin thử lại sau ít phút."
        ) from exc
    held.add(workspace.root)
    try:
        yield
    finally:
        held.discard(workspace.root)
        connection.rollback()
        connection.close()


@dataclass
class BuildResult:
    documents: list[BuiltDocument]
    notes: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"documents": [document.as_dict() for document in self.documents]}


def recognised(workspace: Workspace, progress: Progress | None = None) -> tuple[list[Model], int, list[str]]:
    """The recognised models, the registered count, and notes on how they were chosen.

    For a province-scale campaign the check runs in a child process: its working set (hundreds of
    thousands of objects) goes back to the system when the child ends, instead of staying in this
    process under the rendering, which needs the memory next. A small one is not worth a process start."""
    if count_inputs(workspace.inputs) < CHILD_MIN_FILES:
        return recognised_here(workspace, progress)
    # A started child gets copies of its arguments: a progress callback that cannot travel (the web
    # page's, bound to its build job) stays here, and the child's check runs without one.
    return process.run_in_child(recognised_here, workspace, progress if travels(progress) else None)


def travels(value: object) -> bool:
    """Whether `value` can be handed to a started (spawned) child process."""
    import pickle

    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001 - pickle raises several types for what it cannot carry
        return False
    return True


CHILD_MIN_FILES = 500


def count_inputs(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def recognised_here(workspace: Workspace, progress: Progress | None) -> tuple[list[Model], int, list[str]]:
    result: CheckResult = run_check(workspace, write_outputs=False, progress=progress)
    recognition = recognise(workspace, result)
    return recognition.models, registered_count(workspace.config, result), recognition.notes


def build_campaign(
    workspace: Workspace,
    number: int | None = None,
    issued: date | None = None,
    pdf: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Render every decision, list, certificate file and the report; register the drafts."""
    with workspace_lock(workspace):
        return build_locked(workspace, number, issued, pdf, progress)


def build_locked(
    workspace: Workspace, number: int | None, issued: date | None, pdf: bool, progress: Progress | None
) -> BuildResult:
    models, registered, notes = recognised(workspace, progress)
    if number is not None and issued is not None:
        decisions = sum(1 for issuer, _, _ in build.decision_groups(workspace.config, models) if issuer.main)
        register.require_free_numbers(workspace, number, decisions, issued)
    documents = build.build_documents(
        workspace, models, registered, number=number, issued=issued, progress=progress
    )
    register.record_drafts(workspace, documents)
    pdfs = build.convert_to_pdf([document.path for document in documents]) if pdf else []
    return BuildResult(documents, notes, pdfs)


def campaign_stats(workspace: Workspace) -> dict:
    models, registered, _ = recognised(workspace)
    return build.campaign_stats(workspace.config, models, registered)


# ---------------------------------------------------------------------------- check


def check(workspace: Workspace, progress: Progress | None = None) -> CheckResult:
    """`dvk check`: check every input file, write the appraisal workbook and the problem report."""
    with workspace_lock(workspace):
        result = run_check(workspace, progress=progress)
    remember_check(workspace, result)
    return result


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
    """The configuration changed: the next page checks again, even within FRESH_SECONDS."""
    with _checks_guard:
        _checks.pop(workspace.root, None)


def inputs_signature(workspace: Workspace) -> tuple:
    """What a check result depends on: every input file's name, size and time, and the configuration."""
    from pipeline.discover import walk_files

    files = []
    if workspace.inputs.is_dir():
        for rel, item in walk_files(workspace.inputs):
            with contextlib.suppress(OSError):
                stat = item.stat(follow_symlinks=False)
                files.append((rel, stat.st_size, stat.st_mtime_ns))
    return (tuple(files), file_stamp(workspace.root / "dvk.toml"), file_stamp(corrections_path(workspace)))


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def corrections_path(workspace: Workspace) -> Path:
    from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS_NAME

    return workspace.year_dir / CORRECTIONS_NAME


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
    from pipeline.vntext import fold

    index = file_index(result)
    text, unit = fold(query.text).strip(), fold(query.unit).strip()
    found = []
    for report, row in zip(result.files, index.rows, strict=True):
        if query.status and report.status != query.status:
            continue
        if query.level and row.level != query.level:
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
    level: str
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
    from collections import Counter

    from pipeline.vntext import fold, sort_key

    rows = []
    for report in result.files:
        unit = report.field("unit") or report.path.split("/")[0]
        text = fold(" ".join((report.path, report.field("model_name"), report.field("unit"))))
        codes = frozenset(problem.code for problem in report.problems)
        rows.append(IndexRow(report.field("level"), codes, fold(unit), text))
    levels = Counter(row.level for row in rows if row.level)
    codes = Counter(problem.code for report in result.files for problem in report.problems)
    units = {report.field("unit") or report.path.split("/")[0] for report in result.files}
    choices = {
        "levels": sorted(levels.items()),
        "codes": sorted(codes.items()),
        "units": sorted((unit for unit in units if unit), key=sort_key),
    }
    return FileIndex(result, rows, choices)


# ---------------------------------------------------------------------------- adding input files

MAX_UPLOAD_BYTES = intake.MAX_FILE_BYTES  # one file handed over (a document, a signed PDF)
INPUT_EXTENSIONS = intake.INPUT_EXTENSIONS
Upload = intake.Upload


@dataclass
class InputsAdded:
    saved: list[intake.Saved]
    result: CheckResult
    problem: str = ""  # the files are saved and checked, but the workbook or report could not be written


def add_inputs(workspace: Workspace, folder: str, uploads: Iterable[Upload]) -> InputsAdded:
    """Save submitted files (folders and zips of folders too) under inputs/, then check. Each file is
    saved, skipped or refused with its reason; one refusal does not stop the others. `folder`: the unit
    chosen for files sent without a folder ("" to read it from each file). `uploads` may be lazy: each
    file's bytes are read only when its turn comes."""
    from pipeline.names import safe_name

    unit_folder = safe_name(folder, fallback="") if folder.strip() else ""
    problem = ""
    with workspace_lock(workspace):
        saved = intake.take_in(workspace, unit_folder, uploads, lambda found: units_read(workspace, found))
        try:
            result = run_check(workspace) if any(item.path for item in saved) else current_check(workspace)
        except DvkError as exc:  # e.g. the workbook open in Excel: the files stay saved and are still checked
            result = run_check(workspace, write_outputs=False)
            problem = f"Đã lưu và kiểm tra tệp, nhưng chưa cập nhật được sổ: {exc}"
    remember_check(workspace, result)
    return InputsAdded(saved, result, problem)


def units_read(workspace: Workspace, found: list) -> dict[str, str]:
    """The unit each file names (by rel), read as the check reads (workers, limits); the analyses are
    kept for the check that follows, which then does not read these files again."""
    from pipeline.check import analyse_many, seed_analyses

    analyses = analyse_many(found, workspace.config, workspace.cache_dir)
    seed_analyses(workspace, analyses)
    units = {}
    for entry in found:
        record = analyses[entry.sha256].record
        units[entry.rel] = (record.get("unit") if record is not None else "") or ""
    return units


def input_folders(workspace: Workspace) -> list[str]:
    """The unit folders a file may go to: the configured units and the folders already in inputs/."""
    from pipeline.vntext import sort_key

    folders = set(workspace.config.all_units())
    if workspace.inputs.is_dir():
        folders.update(item.name for item in workspace.inputs.iterdir() if item.is_dir())
    return sorted(folders, key=sort_key)


# ---------------------------------------------------------------------------- one file


@dataclass
class FileDetail:
    report: object  # check.FileReport
    fields: list[dict]  # {key, label, value, where, manual}
    blocks: list[dict]  # the file's own text: {where, text, fields: [labels]}
    read_error: str = ""


def file_detail(workspace: Workspace, rel: str) -> FileDetail:
    """One input file: its check report, the extracted fields with where each came from, and its text.
    `rel` must be a file the check knows (never a path from outside inputs/)."""
    from pipeline.validate import LABELS_VI

    result = current_check(workspace)
    report = next((item for item in result.files if item.path == rel), None)
    if report is None:
        raise DvkError(f"Không có tệp {rel} trong inputs/.")
    sources = report.sources
    fields = [
        {"key": key, "label": LABELS_VI.get(key, key), "value": value, "where": sources.get(key, "")}
        for key, value in report.fields.items()
    ]
    blocks, error = [], ""
    if report.record is not None:  # read again only what the check read within its time and memory limits
        blocks, error = file_text(workspace, rel, sources)
    elif report.status == "rejected":
        error = "Không hiển thị nội dung: tệp không đọc được (xem phần Vấn đề)."
    return FileDetail(report, fields, blocks, error)


def file_text(workspace: Workspace, rel: str, sources: dict[str, str]) -> tuple[list[dict], str]:
    from pipeline.model import ReadError
    from pipeline.reader import read_document
    from pipeline.validate import LABELS_VI

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


# ---------------------------------------------------------------------------- corrections


def correction_form(workspace: Workspace, detail: FileDetail) -> dict:
    """The fields a clerk may type for this file: those the check misses or doubts (required fields not
    found, values outside the vocabulary) and those already typed (to see and change them), with the
    vocabulary to choose from and the file's closest lines as a hint."""
    from pipeline import corrections
    from pipeline.model import LABELS_VI

    report = detail.report
    config = workspace.config
    if report.record is None:
        return {"fields": [], "workbook": corrections_relpath(workspace)}
    missing = corrections.missing_fields(report, config) if report.status == "rejected" else ()
    typed = corrections.read_corrections(corrections_path(workspace)).get(report.path)
    values = typed.values if typed else {}
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


def explain(workspace: Workspace, name: str):
    """`dvk check --explain`: how one input file was read (labels, values, the closest lines for a missing
    field). Raises FileNotFoundError when `name` is not a file."""
    from pipeline.explain import explain_file

    return explain_file(workspace, name)


def save_corrections(workspace: Workspace, rel: str, values: dict[str, str]) -> list[str]:
    """Type the values a clerk gave for one file into the correction workbook (as in Excel), then check
    again; returns what happened (Vietnamese)."""
    from pipeline import corrections

    report = next((item for item in current_check(workspace).files if item.path == rel), None)
    if report is None or report.record is None:
        raise DvkError(f"Không có tệp {rel} đọc được trong inputs/.")
    # Every field the form showed: an emptied one clears what was typed before, as in Excel.
    typed = {key: value for key, value in values.items() if key in corrections.EDITABLE}
    with workspace_lock(workspace, wait=30):
        changed = corrections.save_values(corrections_path(workspace), rel, report.kind or "", typed)
        result = check(workspace)
    after = next(item for item in result.files if item.path == rel)
    state = {"accepted": "chấp nhận", "rejected": "vẫn bị loại", "skipped": "bỏ qua"}[after.status]
    lines = [f"Đã ghi {changed} giá trị vào {corrections.WORKBOOK_NAME}. Tệp {rel}: {state}."]
    lines += [problem.message for problem in after.problems if problem.severity == "error"]
    return lines


# ---------------------------------------------------------------------------- appraisal


def workbook_path(workspace: Workspace) -> Path:
    return workspace.year_dir / WORKBOOK_NAME


_rows: dict[Path, tuple[tuple[int, int] | None, list[dict[str, str]]]] = {}


def appraisal_rows(workspace: Workspace) -> list[dict[str, str]]:
    """The appraisal workbook's rows ({column title: text}) as they are on disk now: an edit saved in
    Excel shows at the next read. Read again only when the file changed."""
    from pipeline.appraise import read_rows

    path = workbook_path(workspace)
    stamp = file_stamp(path)
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


def appraisal_choices(workspace: Workspace) -> list[str]:
    """The workbook drop-down's values, in its order: the configured ratings, then "Không công nhận"."""
    from pipeline.config import NOT_RECOGNISED

    return [term.label for term in workspace.config.ratings] + [NOT_RECOGNISED]


def set_appraisal(workspace: Workspace, proposal_id: str, result: str, note: str) -> None:
    """Write one proposal's appraisal result and note into tham-dinh.xlsx (only those two cells)."""
    from pipeline.appraise import set_result
    from pipeline.vntext import nfc

    result, note = nfc(result).strip(), nfc(note).strip()
    if result and result not in appraisal_choices(workspace):
        raise DvkError(f'Kết quả thẩm định "{result}" không thuộc {", ".join(appraisal_choices(workspace))}.')
    if len(note) > 2000:
        raise DvkError("Ghi chú thẩm định dài quá 2.000 ký tự.")
    path = workbook_path(workspace)
    if not path.exists():
        raise DvkError(f"Chưa có sổ thẩm định {path.name}: bấm “Kiểm tra” trên trang Hồ sơ trước.")
    with workspace_lock(workspace, wait=30):
        set_result(path, proposal_id, result, note)


# ---------------------------------------------------------------------------- overview


@dataclass
class Overview:
    totals: dict[str, int]
    stats: dict | None  # as `dvk stats` gives them, or None when the appraisal does not allow it yet
    stats_problem: str
    awaiting: int  # workbook rows without a result
    next_step: tuple[str, str]  # what to do next, and the page where it is done
    result: CheckResult | None = None  # the check it was computed from


_overviews: dict[Path, tuple[tuple, Overview]] = {}


def overview(workspace: Workspace) -> Overview:
    """The first page: totals, `dvk stats` (when the appraisal allows), rows awaiting a result, next step.
    Computed again only when the check result, the workbook or the register changed."""
    result = current_check(workspace)
    path = register.register_path(workspace)
    key = (
        id(result),
        file_stamp(workbook_path(workspace)),
        file_stamp(path),
        file_stamp(path.with_name(path.name + "-wal")),
    )
    with _checks_guard:
        known = _overviews.get(workspace.root)
    if known is not None and known[0] == key and known[1].result is result:
        return known[1]
    summary = compute_overview(workspace)
    with _checks_guard:
        _overviews[workspace.root] = (key, summary)
    return summary


def compute_overview(workspace: Workspace) -> Overview:
    from pipeline.appraise import ID, RESULT
    from pipeline.check import ACCEPTED, accepted_proposals

    result = current_check(workspace)
    rows = appraisal_rows(workspace)
    awaiting = sum(1 for row in rows if not row.get(RESULT))
    stats, problem = None, ""
    try:
        results = {row[ID]: row.get(RESULT, "") for row in rows} if rows else None
        models = recognise(workspace, result, results).models
        stats = build.campaign_stats(workspace.config, models, registered_count(workspace.config, result))
    except DvkError as exc:
        problem = str(exc)
    listed = {row.get(ID) for row in rows}
    proposals = accepted_proposals(result, workspace.config)
    unlisted = sum(1 for proposal in proposals if proposal.id not in listed)
    accepted = sum(1 for report in result.files if report.status == ACCEPTED)
    step = next_step(workspace, accepted, unlisted, awaiting, problem)
    return Overview(result.totals, stats, problem, awaiting, step, result)


def next_step(
    workspace: Workspace, accepted: int, unlisted: int, awaiting: int, problem: str
) -> tuple[str, str]:
    if accepted == 0:
        return ("Thêm tệp Word của các đơn vị (kéo thả vào trang Hồ sơ) rồi xem kết quả kiểm tra.", "/ho-so")
    if unlisted or not workbook_path(workspace).exists():
        return ("Bấm “Kiểm tra” trên trang Hồ sơ để đưa các đề nghị mới vào sổ thẩm định.", "/ho-so")
    if awaiting:
        return (f"Thẩm định {awaiting} đề nghị chưa có kết quả.", "/tham-dinh")
    if problem:
        return ("Giải quyết các điểm còn vướng trong sổ thẩm định (xem bên dưới).", "/tham-dinh")
    drafts = latest_documents(workspace)
    if not drafts:
        return ("Lập dự thảo quyết định, danh sách, giấy chứng nhận và báo cáo.", "/van-ban")
    if any(item["kind"] == "decision" and not item["issued"] for item in drafts):
        return ("Trình ký, rồi tải lên bản quyết định đã ký để cấp số và lưu trữ.", "/luu-tru")
    return ("Các quyết định đã được lưu trữ; xem sổ đăng ký văn bản đi.", "/luu-tru")


# ---------------------------------------------------------------------------- documents and archive


def latest_documents(workspace: Workspace) -> list[dict]:
    """The drafts of the latest build, as the register holds them: kind, level, subject, what the decision
    states, the file (and its PDF when one was made), and the number once issued."""
    if not register.register_path(workspace).exists():
        return []
    connection = register.open_register(workspace)
    try:
        drafts = register.latest_batch(connection)
        issued = register.issued_by_code(connection, workspace.config)
    finally:
        connection.close()
    documents = []
    for draft in drafts:
        path = workspace.root / draft.path
        pdf = path.with_suffix(".pdf")
        current_pdf = pdf.exists() and path.exists() and pdf.stat().st_mtime_ns >= path.stat().st_mtime_ns
        documents.append(
            {
                "kind": draft.kind,
                "level": draft.level,
                "subject": draft.subject,
                "states": draft.context.get("article1", ""),
                "path": draft.path,
                "exists": path.exists(),
                "pdf": pdf.relative_to(workspace.root).as_posix() if current_pdf else "",  # not a stale one
                "issued": issued.get(draft.code, ""),
                "code": draft.code,
                "created": draft.created,
            }
        )
    return documents


def archive_uploads(
    workspace: Workspace,
    uploads: list[Upload],
    number: int | None = None,
    issued: date | None = None,
    replace_reason: str | None = None,
    code: str | None = None,
    accept_untrusted: str | None = None,
    accept_unsigned: str | None = None,
) -> tuple[list[ArchiveEntry | RefusedEntry], str]:
    """File signed PDFs handed over by a browser: each is kept under .dvk-cache only while it is filed
    (the archive keeps its own copy of the original bytes). Returns the entries filed and, when a file
    was refused, why (the files before it stay filed). The two reasons are `dvk archive
    --accept-untrusted/--accept-unsigned`: filing what the signature policy refuses by default."""
    from pipeline.names import safe_name
    from pipeline.signature_policy import Acceptance

    acceptance = Acceptance((accept_untrusted or "").strip() or None, (accept_unsigned or "").strip() or None)
    staging = workspace.cache_dir / "uploads" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        paths = []
        for upload in uploads:
            name = safe_name(upload.name)
            if not upload.data.startswith(b"%PDF-"):
                return [], f"Tệp {name} không phải PDF."
            if len(upload.data) > MAX_UPLOAD_BYTES:
                return [], f"Tệp {name} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            path = staging / name
            path.write_bytes(upload.data)
            paths.append(path)
        try:
            return archive_signed(workspace, paths, number, issued, replace_reason, code, acceptance), ""
        except archive.ArchiveRefused as exc:
            return exc.done, str(exc)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def archive_signed(
    workspace: Workspace,
    pdfs: list[Path],
    number: int | None = None,
    issued: date | None = None,
    replace_reason: str | None = None,
    code: str | None = None,
    acceptance: Acceptance | None = None,
) -> list[ArchiveEntry | RefusedEntry]:
    """`dvk archive FILE.pdf…`: identify, check signatures, number, bag and register each signed PDF
    (those the signature policy refuses come back as RefusedEntry, nothing numbered)."""
    with workspace_lock(workspace):
        return archive.archive_files(workspace, pdfs, number, issued, replace_reason, code, acceptance)


def verify_archive(workspace: Workspace) -> list:
    """`dvk archive verify`: every problem found in the archive and the register (empty: intact)."""
    with workspace_lock(workspace):
        return archive.verify_archive(workspace)


def outgoing_register(workspace: Workspace) -> list[dict]:
    """The outgoing register's entries (empty when nothing was ever filed; reading creates nothing)."""
    if not register.register_path(workspace).exists():
        return []
    entries = archive.outgoing_register(workspace)
    for entry in entries:  # the filed original inside its BagIt package, for the page's link
        kept = sorted((workspace.root / entry["path"] / "data").glob("*.pdf"))
        entry["file"] = kept[0].relative_to(workspace.root).as_posix() if kept else ""
    return entries


def quarantined(workspace: Workspace) -> list[dict]:
    """Refused files the archive keeps apart (tampered signatures): the file, when, and why, from each
    one's event log. Newest first."""
    from pipeline.eventlog import read_events

    folder = workspace.outputs / "archive" / "quarantine"
    kept = []
    for item in sorted(folder.iterdir()) if folder.is_dir() else ():
        refusals = [record for record in read_events(item) if record.get("event") == "refused"]
        pdfs = sorted(item.glob("*.pdf"))
        if refusals and pdfs:
            last = refusals[-1]
            kept.append(
                {
                    "file": pdfs[0].relative_to(workspace.root).as_posix(),
                    "time": str(last.get("time", "")),
                    "reason": str(last.get("reason", "")),
                    "times": len(refusals),
                }
            )
    return sorted(kept, key=lambda entry: entry["time"], reverse=True)


def register_workbook(workspace: Workspace, path: Path) -> Path:
    """The outgoing register as an Excel workbook at `path` (NĐ 30 Phụ lục IV, ten columns)."""
    return archive.write_register_xlsx(workspace, path)


def signature_label(signature: str) -> str:
    return archive.SIGNATURE_LABELS.get(signature, signature)


# ---------------------------------------------------------------------------- small helpers for the faces


def find_appraisal_rows(rows: list[dict[str, str]], text: str, only_empty: bool = False) -> list[dict]:
    """Workbook rows whose id, model or unit contains `text` (with or without diacritics)."""
    from pipeline.appraise import ID, RESULT
    from pipeline.vntext import fold

    wanted = fold(text).strip()
    return [
        row
        for row in rows
        if (not only_empty or not row.get(RESULT))
        and (not wanted or wanted in fold(" ".join((row.get(ID, ""), *row.values()))))
    ]


def number_and_date(number_text: str, date_text: str, both: bool = True) -> tuple[int | None, date | None]:
    """A decision number and date as a clerk types them ("123", "23/12/2020"); both or neither when
    `both` (a build gives the number and the date together, as `dvk build --number --date`)."""
    from pipeline.vntext import parse_date

    number_text, date_text = number_text.strip(), date_text.strip()
    number = int(number_text) if number_text.isdigit() and 0 < int(number_text) < 100_000 else None
    if number_text and number is None:
        raise DvkError(f"Số văn bản phải là số nguyên dương, không phải “{number_text}”.")
    issued = parse_date(date_text) if date_text else None
    if date_text and issued is None:
        raise DvkError(f"Ngày “{date_text}” không hợp lệ (dạng 23/12/2020).")
    if both and (number is None) != (issued is None):
        raise DvkError(
            "Ghi cả số và ngày (văn thư cấp số và ngày cùng lúc), hoặc để trống cả hai để lập dự thảo."
        )
    return number, issued


def pdf_available() -> bool:
    from pipeline.soffice import soffice_path

    return soffice_path() is not None


# ---------------------------------------------------------------------------- campaign settings


def create_workspace(root: Path) -> Workspace:
    """`dvk init`, and `dvk serve` started outside a workspace: dvk.toml, inputs/, outputs/, the templates
    and the Windows launcher (what exists is left as it is)."""
    from pipeline.config import init_workspace, load_workspace
    from pipeline.platform import launcher

    created = init_workspace(root)
    launcher.write_launcher(created, has_web=True)
    return load_workspace(created)


def save_settings(workspace: Workspace, changes: dict[str, str]) -> Workspace:
    """The Cài đặt page: the changed settings written to dvk.toml, checked as a loaded dvk.toml is (a
    ConfigError names the key); the workspace as it reads now."""
    from pipeline import settings
    from pipeline.config import load_workspace

    with workspace_lock(workspace):
        settings.save_settings(workspace.root, changes, workspace.config)
        forget_check(workspace)
        return load_workspace(workspace.root)


def add_units(workspace: Workspace, units: list[tuple[str, str]]) -> Workspace:
    """ "Thêm vào danh sách": each (level key, name) becomes a known unit in dvk.toml."""
    from pipeline import settings
    from pipeline.config import load_workspace

    with workspace_lock(workspace):
        settings.add_units(workspace.root, units, workspace.config)
        forget_check(workspace)
        return load_workspace(workspace.root)


@dataclass
class SeenUnit:
    """A unit named in the campaign's files: whether [units] knows it, its level, its files."""

    name: str  # as configured when known, else as the first file spells it; "" when no file names one
    known: bool
    level: str  # level key: configured, or the level most of its files ask for ("" when none does)
    files: list[tuple[str, str]] = field(default_factory=list)  # (path under inputs/, status)


def units_seen(workspace: Workspace) -> tuple[list[SeenUnit], list[tuple[str, str]]]:
    """The units the files name (known or not, with their files), and the configured (level, unit)s
    that no file names yet."""
    from collections import Counter

    from pipeline.vntext import name_key, sort_key

    config = workspace.config
    configured = {name_key(unit): (unit, level) for level, names in config.units.items() for unit in names}
    level_keys = {term.label: term.key for term in config.levels}
    groups: dict[str, SeenUnit] = {}
    asked: dict[str, Counter] = {}
    for report in current_check(workspace).files:
        if report.status == "skipped":
            continue
        unit = report.field("unit")
        key = name_key(unit) if unit else ""
        name, level = configured.get(key, (unit, ""))
        seen = groups.setdefault(key, SeenUnit(name, key in configured, level))
        seen.files.append((report.path, report.status))
        asked.setdefault(key, Counter())[level_keys.get(report.field("level"), "")] += 1
    for key, seen in groups.items():
        if not seen.level:
            seen.level = next((level for level, _ in asked[key].most_common() if level), "")
    shown = sorted(groups.values(), key=lambda seen: (seen.name == "", sort_key(seen.name)))
    missing = [(level, unit) for key, (unit, level) in configured.items() if key not in groups]
    return shown, missing

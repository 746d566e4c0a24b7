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
import functools
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import corrections, history, intake
from pipeline.appraise import read_outstanding, set_results
from pipeline.archive import register, register_export
from pipeline.archive.entries import ArchiveEntry, ArchiveRefused, RefusedEntry
from pipeline.archive.eventlog import read_events
from pipeline.archive.signature_policy import SIGNATURE_LABELS, Acceptance
from pipeline.check import (
    WORKBOOK_NAME,
    Progress,
    analyse_many,
    recognise,
    registered_count,
    run_check,
    seed_analyses,
)
from pipeline.config import NOT_RECOGNISED, Workspace, init_workspace, load_workspace
from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS_NAME
from pipeline.explain import explain_file
from pipeline.group_commit import GroupCommit
from pipeline.model import (
    CheckResult,
    DvkError,
    FileReport,
    FileStatus,
    InvalidInput,
    MissingTool,
    Model,
    Need,
)
from pipeline.names import safe_name
from pipeline.platform import files, launcher, process
from pipeline.soffice import soffice_path
from pipeline.vntext import name_key, nfc, parse_date, sort_key

if TYPE_CHECKING:
    from pipeline.appraise import Recognition
    from pipeline.build import BuiltDocument

# Rendering (pipeline.build: docxtpl) and the signature checks (pipeline.archive.filing, .verify: pyHanko)
# are imported inside the actions that use them: `dvk check` and the first page start sooner without them.

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
        full = files.database_write_error(exc, str(path), workspace.root)
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
    news: list[Path] = field(default_factory=list)  # the public news item: .docx and .txt
    follow_up: Path | None = None  # Báo cáo duy trì, nhân rộng

    def as_dict(self) -> dict:
        return {
            "documents": [document.as_dict() for document in self.documents],
            "news": [str(path) for path in self.news],
            "follow_up": str(self.follow_up) if self.follow_up else None,
        }


def recognised(
    workspace: Workspace, progress: Progress | None = None, as_proposed: bool = False
) -> tuple[Recognition, int]:
    """The recognised models (with notes on how they were chosen) and the registered count. With
    `as_proposed`, proposals no one has decided take their proposed rating (`Recognition.adopted`).

    For a province-scale campaign the check runs in a child process: its working set (hundreds of
    thousands of objects) goes back to the system when the child ends, instead of staying in this
    process under the rendering, which needs the memory next. A small one is not worth a process start."""
    if count_inputs(workspace.inputs) < CHILD_MIN_FILES:
        return recognised_here(workspace, progress, as_proposed)
    # A started child gets copies of its arguments: a progress callback that cannot travel (the web
    # page's, bound to its build job) stays here, and the child's check runs without one.
    return process.run_in_child(
        recognised_here, workspace, progress if travels(progress) else None, as_proposed
    )


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


def recognised_here(
    workspace: Workspace, progress: Progress | None, as_proposed: bool = False
) -> tuple[Recognition, int]:
    result: CheckResult = run_check(workspace, write_outputs=False, progress=progress)
    recognition = recognise(workspace, result, as_proposed=as_proposed)
    return recognition, registered_count(workspace.config, result)


def build_campaign(
    workspace: Workspace,
    number: int | None = None,
    issued: date | None = None,
    pdf: bool = False,
    progress: Progress | None = None,
    as_proposed: bool = False,
) -> BuildResult:
    """Render every decision, list, certificate file and the report; register the drafts. Refuses
    (AppraisalPending) while a proposal has no appraisal result, unless `as_proposed`: then those take
    their proposed rating, written into the appraisal workbook as the results decided."""
    numbered_together(number, issued)
    with workspace_lock(workspace):
        return build_locked(workspace, number, issued, pdf, progress, as_proposed)


def build_locked(
    workspace: Workspace,
    number: int | None,
    issued: date | None,
    pdf: bool,
    progress: Progress | None,
    as_proposed: bool = False,
) -> BuildResult:
    from pipeline import build, maintenance, news

    recognition, registered = recognised(workspace, progress, as_proposed)
    models, notes = recognition.models, recognition.notes
    if recognition.adopted:  # the results taken are written down: the workbook shows what was decided
        from pipeline.appraise import ID, NOTE, read_rows

        path = workbook_path(workspace)
        kept = {row[ID]: row.get(NOTE, "") for row in read_rows(path)}  # a note typed stays as it is
        write_appraisals(
            workspace, path, [(key, value, kept.get(key, "")) for key, value in recognition.adopted.items()]
        )
        notes = [*notes, f"Đã ghi {len(recognition.adopted)} kết quả đó vào sổ {WORKBOOK_NAME}."]
    if number is not None and issued is not None:
        decisions = sum(1 for issuer, _, _ in build.decision_groups(workspace.config, models) if issuer.main)
        register.require_free_numbers(workspace, number, decisions, issued)
    documents = build.build_documents(
        workspace, models, registered, number=number, issued=issued, progress=progress
    )
    register.record_drafts(workspace, documents)
    history.record_build(workspace, models, decision_codes(workspace, models), registered)
    marked = read_outstanding(workspace.year_dir / WORKBOOK_NAME)
    try:
        chart = year_stats(workspace)["chart"]
    except MissingTool as exc:  # the news item is still written, without its chart
        chart, notes = None, [*notes, str(exc)]
    item = news.write_news(
        workspace, models, registered, [m for m in models if m.id in marked], Path(chart) if chart else None
    )
    follow_up = maintenance.write_report(workspace, follow_ups(workspace))
    pdfs = build.convert_to_pdf([document.path for document in documents], progress=progress) if pdf else []
    return BuildResult(documents, notes, pdfs, [item.docx, item.text], follow_up)


def decision_codes(workspace: Workspace, models: list[Model]) -> dict[str, str]:
    """Model id -> the code of the decision draft that recognises it (the history marks it issued when
    the register files that decision)."""
    from pipeline import build

    year = workspace.config.year
    return {
        model.id: build.document_code("decision", year, level.label, [m.id for m in group])
        for _, level, group in build.decision_groups(workspace.config, models)
        for model in group
    }


def import_history(workspace: Workspace, paths: list[Path]):
    """`dvk history import`: the rows of old Danh sách files into the campaign history."""
    return history.import_lists(workspace, paths)


def follow_ups(workspace: Workspace, result: CheckResult | None = None) -> list:
    """The earlier years' models this campaign's accepted records maintain or replicate (history.FollowUp)."""
    if result is None:
        result = run_check(workspace, write_outputs=False)
    records = [
        history.Current(r.field("model_name"), r.field("unit"), r.field("person_name"), r.place)
        for r in result.record_reports()
        if r.status == FileStatus.ACCEPTED and r.field("model_name")
    ]
    return history.follow_up(history.load_index(workspace), records)


def year_stats(workspace: Workspace) -> dict:
    """`dvk stats --years`: registered and recognised per year from the campaign history, and the chart
    (a PNG in outputs/<year>/thong-ke/, for the page and the summary report)."""
    from pipeline import charts

    years = history.year_stats(workspace)
    chart = workspace.year_dir / charts.FOLDER / charts.YEARS_CHART
    return {"years": years, "chart": str(charts.write_years_chart(years, chart)) if years else None}


def campaign_stats(workspace: Workspace) -> dict:
    from pipeline import build

    recognition, registered = recognised(workspace)
    return build.campaign_stats(workspace.config, recognition.models, registered)


# ---------------------------------------------------------------------------- check


def check(workspace: Workspace, progress: Progress | None = None) -> CheckResult:
    """`dvk check`: check every input file, write the appraisal workbook and the problem report."""
    with workspace_lock(workspace):
        return run_check(workspace, progress=progress)


def corrections_path(workspace: Workspace) -> Path:
    return workspace.year_dir / CORRECTIONS_NAME


# ---------------------------------------------------------------------------- finding files


# ---------------------------------------------------------------------------- adding input files

MAX_UPLOAD_BYTES = intake.MAX_FILE_BYTES  # one file handed over (a document, a signed PDF)
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
    unit_folder = safe_name(folder, fallback="") if folder.strip() else ""
    problem = ""
    with workspace_lock(workspace):
        saved = intake.take_in(workspace, unit_folder, uploads, lambda found: units_read(workspace, found))
        try:
            result = run_check(workspace, write_outputs=any(item.path for item in saved))
        except DvkError as exc:  # e.g. the workbook open in Excel: the files stay saved and are still checked
            result = run_check(workspace, write_outputs=False)
            problem = f"Đã lưu và kiểm tra tệp, nhưng chưa cập nhật được sổ: {exc}"
    return InputsAdded(saved, result, problem)


def units_read(workspace: Workspace, found: list) -> dict[str, str]:
    """The unit each file names (by rel), read as the check reads (workers, limits); the analyses are
    kept for the check that follows, which then does not read these files again."""
    analyses = analyse_many(found, workspace.config, workspace.cache_dir)
    seed_analyses(workspace, analyses)
    units = {}
    for entry in found:
        record = analyses[entry.sha256].record
        units[entry.rel] = (record.get("unit") if record is not None else "") or ""
    return units


def input_folders(workspace: Workspace) -> list[str]:
    """The unit folders a file may go to: the configured units and the folders already in inputs/."""
    folders = set(workspace.config.all_units())
    if workspace.inputs.is_dir():
        folders.update(item.name for item in workspace.inputs.iterdir() if item.is_dir())
    return sorted(folders, key=sort_key)


# ---------------------------------------------------------------------------- one file


# ---------------------------------------------------------------------------- corrections


def explain(workspace: Workspace, name: str):
    """`dvk check --explain`: how one input file was read (labels, values, the closest lines for a missing
    field). Raises FileNotFoundError when `name` is not a file."""
    return explain_file(workspace, name)


@dataclass
class CorrectionsSaved:
    changed: int  # values written (or cleared) in the correction workbook
    report: FileReport  # the file as the check after the save sees it
    result: CheckResult  # that check


def save_corrections(workspace: Workspace, report: FileReport, values: dict[str, str]) -> CorrectionsSaved:
    """Type the values a clerk gave for one checked file into the correction workbook (as in Excel), then
    check again."""
    # Every field the form showed: an emptied one clears what was typed before, as in Excel.
    typed = {name: value for name, value in values.items() if name in corrections.EDITABLE}
    with workspace_lock(workspace, wait=30):
        path = corrections_path(workspace)
        changed = corrections.save_values(
            path, report.path, report.kind or "", typed, report.key, report.where
        )
        result = check(workspace)
    after = record_of(result, report.path, report.key)
    if after is None:  # removed from inputs/ meanwhile
        raise DvkError(f"Không còn tệp {report.path} trong inputs/.")
    return CorrectionsSaved(changed, after, result)


def record_of(result: CheckResult, rel: str, key: str = "") -> FileReport | None:
    """The report of a file, or with `key` of one row of a list in it (None when there is none)."""
    report = next((item for item in result.files if item.path == rel), None)
    if report is None or not key:
        return report
    return next((row for row in report.records if row.key == key), None)


# ---------------------------------------------------------------------------- appraisal


def workbook_path(workspace: Workspace) -> Path:
    return workspace.year_dir / WORKBOOK_NAME


def appraisal_choices(workspace: Workspace) -> list[str]:
    """The workbook drop-down's values, in its order: the configured ratings, then "Không công nhận"."""
    return [term.label for term in workspace.config.ratings] + [NOT_RECOGNISED]


def set_appraisal(workspace: Workspace, proposal_id: str, result: str, note: str) -> None:
    """Write one proposal's appraisal result and note into tham-dinh.xlsx (only those two cells).
    Saves arriving together are written together (`GroupCommit`); this returns once its own is on disk."""
    result, note = nfc(result).strip(), nfc(note).strip()
    if result and result not in appraisal_choices(workspace):
        raise DvkError(f'Kết quả thẩm định "{result}" không thuộc {", ".join(appraisal_choices(workspace))}.')
    if len(note) > 2000:
        raise DvkError("Ghi chú thẩm định dài quá 2.000 ký tự.")
    path = workbook_path(workspace)
    if not path.exists():
        raise DvkError(f"Chưa có sổ thẩm định {path.name}: bấm “Kiểm tra” trên trang Hồ sơ trước.")
    with _appraisal_saves_guard:
        group = _appraisal_saves.get(path)
        if group is None:
            group = _appraisal_saves[path] = GroupCommit(functools.partial(write_appraisals, workspace, path))
    group.save((proposal_id, result, note))


_appraisal_saves: dict[Path, GroupCommit[tuple[str, str, str]]] = {}
_appraisal_saves_guard = threading.Lock()
# Who wants to know about results dvk writes (the page's copy of the rows): each is entered for the
# write, and told the version written into and the changes; see web/pages.py.
RESULTS_WATCHERS: list[Callable[[Path], contextlib.AbstractContextManager[Callable]]] = []


def write_appraisals(
    workspace: Workspace, path: Path, changes: Sequence[tuple[str, str, str]]
) -> list[DvkError | None]:
    """One write of a group of saves; an id without a row fails its own save only."""
    with workspace_lock(workspace, wait=30), contextlib.ExitStack() as watching:
        told = [watching.enter_context(watch(path)) for watch in RESULTS_WATCHERS]
        written = set_results(path, list(changes))
        for tell in told:
            tell(written.read, changes)
    return [
        DvkError(f"Sổ thẩm định {path.name} không có mã {proposal_id}.")
        if proposal_id in written.missing
        else None
        for proposal_id, _, _ in changes
    ]


@dataclass
class Agreed:
    """What "Đồng ý theo đề nghị" did: the rows given their proposed rating, and those it could not."""

    agreed: list[str]
    skipped: list[str]  # Vietnamese: which row and why


def agree_as_proposed(workspace: Workspace, ids: list[str]) -> Agreed:
    """The committee agrees with these proposals: each row's result becomes its proposed rating ("Tự đánh
    giá"), all in one write. A row whose proposal is not a configured rating, or whose file is gone or
    rejected, is left for a per-row choice."""
    from pipeline.appraise import ID, NOTE, PROPOSED, STATUS, is_gone, read_rows

    path = workbook_path(workspace)
    if not path.exists():
        raise DvkError(f"Chưa có sổ thẩm định {path.name}: bấm “Kiểm tra” trên trang Hồ sơ trước.")
    by_fold = {choice.casefold(): choice for choice in appraisal_choices(workspace)[:-1]}
    with workspace_lock(workspace, wait=30):
        rows = {row.get(ID, ""): row for row in read_rows(path)}
        results: dict[str, tuple[str, str]] = {}
        skipped = []
        for proposal_id in dict.fromkeys(ids):
            row = rows.get(proposal_id)
            rating = by_fold.get((row or {}).get(PROPOSED, "").casefold())
            if row is None:
                skipped.append(f"{proposal_id}: không có trong sổ thẩm định.")
            elif is_gone(row):
                skipped.append(f"{proposal_id}: {row.get(STATUS)}.")
            elif rating is None:
                proposed = row.get(PROPOSED) or "(trống)"
                skipped.append(f"{proposal_id}: mức đề nghị “{proposed}” không thuộc danh mục xếp loại.")
            else:
                results[proposal_id] = (rating, row.get(NOTE, ""))  # the note stays as it is
        if results:
            write_appraisals(workspace, path, [(key, *value) for key, value in results.items()])
    return Agreed(list(results), skipped)


# ---------------------------------------------------------------------------- overview


# ---------------------------------------------------------------------------- documents and archive


class Step(StrEnum):
    """What the clerk should do next (each face words it and says where it is done)."""

    ADD_FILES = "add-files"
    CHECK = "check"
    APPRAISE = "appraise"
    RESOLVE = "resolve"
    BUILD = "build"
    SIGN = "sign"
    DONE = "done"


def next_step(workspace: Workspace, accepted: int, unlisted: int, awaiting: int, problem: str) -> Step:
    """The next step of the campaign: files, check, appraisal, what blocks it, drafts, signing, done."""
    if accepted == 0:
        return Step.ADD_FILES
    if unlisted or not workbook_path(workspace).exists():
        return Step.CHECK
    if awaiting:
        return Step.APPRAISE
    if problem:
        return Step.RESOLVE
    drafts = latest_documents(workspace)
    if not drafts:
        return Step.BUILD
    if any(item["kind"] == "decision" and not item["issued"] for item in drafts):
        return Step.SIGN
    return Step.DONE


def latest_documents(workspace: Workspace) -> list[dict]:
    """The drafts of the latest build, as the register holds them: kind, level, subject, what the decision
    states, the file (and its PDF when one was made), and the number once issued."""
    if not register.register_path(workspace).exists():
        return []
    connection = register.open_register(workspace)
    try:
        drafts = register.latest_batch(connection)
        issued = register.issued_by_code(connection, workspace.config)
        numbered = register.numbered_copies(connection)
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
                "numbered": [  # the numbered copies, as the register holds them (a restart loses nothing)
                    {
                        "path": copy["path"],
                        "pdf": copy.get("pdf", "")
                        if (workspace.root / copy.get("pdf", "-")).is_file()
                        else "",
                        "printed": register.format_number(workspace.config, copy["number"], copy["symbol"]),
                    }
                    for copy in numbered.get(draft.code, [])
                    if (workspace.root / copy["path"]).is_file()
                ],
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
    untrusted_reason: str | None = None,
    unsigned_reason: str | None = None,
) -> tuple[list[ArchiveEntry | RefusedEntry], DvkError | None]:
    """File signed PDFs handed over by a browser: each is kept under .dvk-cache only while it is filed
    (the archive keeps its own copy of the original bytes). Returns the entries filed and, when a file
    was refused, the refusal (the files before it stay filed)."""
    staging = workspace.cache_dir / "uploads" / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        paths = []
        for upload in uploads:
            name = safe_name(upload.name)
            if not upload.data.startswith(b"%PDF-"):
                return [], DvkError(f"Tệp {name} không phải PDF.")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                return [], DvkError(f"Tệp {name} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
            path = staging / name
            path.write_bytes(upload.data)
            paths.append(path)
        reasons = (replace_reason, code, untrusted_reason, unsigned_reason)
        try:
            return archive_signed(workspace, paths, number, issued, *reasons), None
        except ArchiveRefused as exc:
            return exc.done, exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def trust_roots(workspace: Workspace) -> list:
    """The CA certificates in trust-roots/ (file, subject, valid until)."""
    from pipeline.archive.trust import TRUST_ROOTS, list_roots

    return list_roots(workspace.root / TRUST_ROOTS)


def add_trust_root(workspace: Workspace, upload: Upload) -> tuple[list, bool]:
    """Check a certificate handed over and keep it in trust-roots/ (TrustRootRefused when it is not a CA
    certificate); returns its roots and whether it was new."""
    from pipeline.archive.trust import TRUST_ROOTS, add_root

    with workspace_lock(workspace, wait=30):
        return add_root(workspace.root / TRUST_ROOTS, upload.name, upload.data)


def archive_signed(
    workspace: Workspace,
    pdfs: list[Path],
    number: int | None = None,
    issued: date | None = None,
    replace_reason: str | None = None,
    code: str | None = None,
    untrusted_reason: str | None = None,
    unsigned_reason: str | None = None,
) -> list[ArchiveEntry | RefusedEntry]:
    """`dvk archive FILE.pdf…`: identify, check signatures, number, bag and register each signed PDF
    (those the signature policy refuses come back as RefusedEntry, nothing numbered). The reasons file
    what the policy refuses by default (kept in the log); a reason given blank is refused."""
    from pipeline.archive import filing

    replace_reason = given_reason(replace_reason, Need.REPLACE_REASON)
    acceptance = Acceptance(
        given_reason(untrusted_reason, Need.UNTRUSTED_REASON),
        given_reason(unsigned_reason, Need.UNSIGNED_REASON),
    )
    with workspace_lock(workspace):
        try:
            return filing.archive_files(workspace, pdfs, number, issued, replace_reason, code, acceptance)
        finally:  # what was filed before a refusal is issued too
            history.sync_issued(workspace)


def verify_archive(workspace: Workspace) -> list:
    """`dvk archive verify`: every problem found in the archive and the register (empty: intact)."""
    from pipeline.archive import verify

    with workspace_lock(workspace):
        return verify.verify_archive(workspace)


def outgoing_register(workspace: Workspace) -> list[dict]:
    """The outgoing register's entries (empty when nothing was ever filed; reading creates nothing)."""
    if not register.register_path(workspace).exists():
        return []
    entries = register_export.outgoing_register(workspace)
    for entry in entries:  # the filed original inside its BagIt package, for the page's link
        kept = sorted((workspace.root / entry["path"] / "data").glob("*.pdf"))
        entry["file"] = kept[0].relative_to(workspace.root).as_posix() if kept else ""
    return entries


def quarantined(workspace: Workspace) -> list[dict]:
    """Refused files the archive keeps apart (tampered signatures): the file, when, and why, from each
    one's event log. Newest first."""
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
                    "reason": str((last.get("detail") or {}).get("reason") or last.get("reason", "")),
                    "times": len(refusals),
                }
            )
    return sorted(kept, key=lambda entry: entry["time"], reverse=True)


def register_workbook(workspace: Workspace, path: Path) -> Path:
    """The outgoing register as an Excel workbook at `path` (NĐ 30 Phụ lục IV, ten columns)."""
    return register_export.write_register_xlsx(workspace, path)


def signature_label(signature: str) -> str:
    return SIGNATURE_LABELS.get(signature, signature)


# ---------------------------------------------------------------------------- small helpers for the faces


NUMBER_LIMIT = 99_999  # the largest document number a clerk may give (the register prints five digits)


def document_number(text: str) -> int:
    """ "123" as a clerk types it: a whole number from 1 to NUMBER_LIMIT."""
    text = text.strip()
    if not text.isdigit() or not 0 < int(text) <= NUMBER_LIMIT:
        raise InvalidInput(
            f"Số văn bản phải là số nguyên dương đến {NUMBER_LIMIT}, không phải “{text}”.", (Need.NUMBER,)
        )
    return int(text)


def document_date(text: str) -> date:
    """ "23/12/2020" (or 2020-12-23, or "ngày 23 tháng 12 năm 2020") as a clerk types it."""
    issued = parse_date(text)
    if issued is None:
        raise InvalidInput(f"Ngày “{text.strip()}” không hợp lệ (dạng 23/12/2020).", (Need.DATE,))
    return issued


def numbered_together(number: int | None, issued: date | None) -> None:
    """A build gives a number and a date together (the văn thư issues both at once), or neither (drafts)."""
    if (number is None) != (issued is None):
        raise InvalidInput(
            "Ghi cả số và ngày (văn thư cấp số và ngày cùng lúc), hoặc để trống cả hai để lập dự thảo.",
            (Need.NUMBER, Need.DATE),
        )


def number_and_date(number_text: str, date_text: str, both: bool = True) -> tuple[int | None, date | None]:
    """A document number and date as a clerk types them ("123", "23/12/2020"; empty: not given); both or
    neither when `both` (a build)."""
    number = document_number(number_text) if number_text.strip() else None
    issued = document_date(date_text) if date_text.strip() else None
    if both:
        numbered_together(number, issued)
    return number, issued


def given_reason(reason: str | None, need: Need) -> str | None:
    """A clerk's reason (to replace a filed copy, to accept a signature the policy refuses): None when not
    given; given but blank, refused (a reason goes into the archive's log)."""
    if reason is None:
        return None
    if not reason.strip():
        raise InvalidInput("Lý do không được để trống: lý do được ghi vào nhật ký lưu trữ.", (need,))
    return nfc(reason).strip()


def pdf_available() -> bool:
    return soffice_path() is not None


# ---------------------------------------------------------------------------- campaign settings


def create_workspace(root: Path) -> Workspace:
    """`dvk init`, and `dvk serve` started outside a workspace: dvk.toml, inputs/, outputs/, the templates
    and the Windows launcher (what exists is left as it is)."""
    created = init_workspace(root)
    launcher.write_launcher(created, has_web=True)
    return load_workspace(created)


def save_settings(workspace: Workspace, changes: dict[str, str], seen: str | None = None) -> Workspace:
    """The Cài đặt page: the changed settings written to dvk.toml, checked as a loaded dvk.toml is (a
    ConfigError names the key); the workspace as it reads now. `seen`: the file's version the form was
    made from (settings.version); a file changed since is refused, not overwritten."""
    from pipeline import settings

    with workspace_lock(workspace):
        settings.save_settings(workspace.root, changes, workspace.config, seen)
        return load_workspace(workspace.root)


def add_units(workspace: Workspace, units: list[tuple[str, str]]) -> Workspace:
    """ "Thêm vào danh sách": each (level key, name) becomes a known unit in dvk.toml."""
    from pipeline import settings

    with workspace_lock(workspace):
        settings.add_units(workspace.root, units, workspace.config)
        return load_workspace(workspace.root)


@dataclass
class SeenUnit:
    """A unit named in the campaign's files: whether [units] knows it, its level, its files."""

    name: str  # as configured when known, else as the first file spells it; "" when no file names one
    known: bool
    level: str  # level key: configured, or the level most of its files ask for ("" when none does)
    files: list[tuple[str, str]] = field(default_factory=list)  # (path under inputs/, status)


def units_seen(workspace: Workspace, result: CheckResult) -> tuple[list[SeenUnit], list[tuple[str, str]]]:
    """The units the files of a check name (known or not, with their files), and the configured
    (level, unit)s that no file names yet."""
    from collections import Counter

    config = workspace.config
    configured = {name_key(unit): (unit, level) for level, names in config.units.items() for unit in names}
    level_keys = {term.label: term.key for term in config.levels}
    groups: dict[str, SeenUnit] = {}
    asked: dict[str, Counter] = {}
    for report in result.files:
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

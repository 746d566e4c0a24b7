"""The correction workbook: what the secretariat types for the files no reader could finish.

`outputs/<year>/bo-sung-thong-tin.xlsx` lists every registration and proposal that cannot be accepted as
read because a field is missing, unreadable or doubtful: one row per record (a file, or one row of a list
table, named by its place and its row key), a column per field a clerk may
type, what is missing, and the file's closest lines as a hint. A value typed there is used by the next
`dvk check` exactly like a value read from the file (same normalisation, same rules), and `--json` reports it
with its origin.

It is a companion of the appraisal workbook, not a sheet of it: the appraisal workbook belongs to the Ban
Dân vận's appraisal team and lists accepted proposals only, while this one is the clerk's and lists the files
that are not yet complete (registrations too, which never reach appraisal). Kept apart, a file never enters
appraisal before it is complete, and neither group's edits pass through the other's sheet.

The workbook belongs to people once written: a rerun rewrites only the system columns (file, kind, what is
missing, hints, status, stamp) and adds rows; typed values and any column or sheet people add are kept.
Columns are found by their header text. When the source file changes after values were typed, the values
are kept and still used, but flagged until someone marks the row reviewed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.extract import normalise_value
from pipeline.model import (
    LABELS_VI,
    SOURCE_MANUAL,
    WARNING,
    Analysis,
    DvkError,
    FieldValue,
    FileReport,
    Kind,
    Problem,
)
from pipeline.prose import typed_person_type
from pipeline.validate import record_id, validate_record
from pipeline.workbook import (
    HIGHLIGHT,
    header_columns,
    no_fill,
    open_workbook,
    put,
    redo_if_moved,
    save_atomically,
    solid_fill,
    style_like,
    titled_sheet,
    top_wrap,
)

WORKBOOK_NAME = "bo-sung-thong-tin.xlsx"
BOOK = "Sổ bổ sung thông tin"
SHEET = "Bổ sung"
FILE = "Tệp"
KIND = "Loại văn bản"
NEEDS = "Cần bổ sung"
HINTS = "Gợi ý (dòng gần nhất trong tệp)"
STAMP = "SHA-256 khi nhập"
REVIEWED = "Đã xem lại (x)"
STATUS = "Tình trạng"
# A row of a list table: its place in the file and its key (a hash of what the row says). Added to a
# workbook written before lists were read.
PLACE = "Hàng trong danh sách"
ROW_KEY = "Mã hàng"
# The fields a clerk may type, in the order a form gives them.
EDITABLE = (
    "model_name",
    "unit",
    "person_name",
    "person_position",
    "level",
    "model_type",
    "field",
    "year",
    "period",
    "results",
    "proposed_rating",
)
COLUMNS = (
    (FILE, 40),
    (KIND, 16),
    (STATUS, 30),
    (NEEDS, 40),
    *((LABELS_VI[key], 40 if key in ("model_name", "results") else 20) for key in EDITABLE),
    (HINTS, 60),
    (REVIEWED, 12),
    (STAMP, 20),
)
ROW_COLUMNS = ((PLACE, 18), (ROW_KEY, 14))
SYSTEM = (FILE, KIND, STATUS, NEEDS, HINTS, STAMP, PLACE, ROW_KEY)
KIND_NAMES = {Kind.REGISTRATION.value: "Phiếu đăng ký", Kind.PROPOSAL.value: "Báo cáo đề nghị"}
# Problems a typed value can resolve: a field missing, outside the vocabulary, or doubtful.
CORRECTABLE = frozenset(
    {
        "MISSING_FIELD",
        "UNKNOWN_LEVEL",
        "UNKNOWN_TYPE",
        "UNKNOWN_FIELD",
        "UNKNOWN_RATING",
        "INDIVIDUAL_WITHOUT_PERSON",
        "WRONG_YEAR",
        "AMBIGUOUS_LABEL",
    }
)
WAITING = "Chờ bổ sung"
USED = "Đã đủ: dùng giá trị nhập tay"
COMPLETE = "Đã đủ thông tin"
STALE = "Tệp nguồn đã thay đổi sau khi nhập: xem lại rồi ghi x ở cột «Đã xem lại»"
GONE = "Không còn trong inputs/"


@dataclass(frozen=True)
class Typed:
    """What people typed on one file's row."""

    values: dict[str, str]  # field -> typed text (NFC, stripped)
    row: int
    stamp: str  # the file's hash (16 hex digits), or a list row's key, when its typed values were first used
    reviewed: bool
    rel: str = ""
    key: str = ""  # a row of a list: its key


def ref_of(rel: str, key: str) -> str:
    """A row's identity in the workbook: the file, and for a row of a list "file#row key"."""
    return f"{rel}#{key}" if key else rel


def stamp_of(report: FileReport) -> str:
    """What a typed row remembers of its source: the file's hash, or a list row's own key (another row
    added to the list changes the file, not this row)."""
    return report.key or report.sha256[:16]


# ---------------------------------------------------------------------------- reading


def read_corrections(path: Path) -> dict[str, Typed]:
    """Record ref (the file's path relative to inputs/, "path#row key" for a row of a list) -> what was typed
    for it. Empty when the workbook does not exist."""
    if not path.exists():
        return {}
    workbook = open_workbook(path, read_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            raise DvkError(
                f'Sổ bổ sung thông tin {path} không có trang "{SHEET}"; đổi tên lại hoặc chuyển tệp đi.'
            )
        rows = workbook[SHEET].iter_rows(values_only=True)
        header = [text(value) for value in next(rows, ())]
        if FILE not in header:
            raise DvkError(f'Sổ bổ sung thông tin {path.name} thiếu cột "{FILE}" ở hàng tiêu đề.')
        found = {}
        for number, values in enumerate(rows, start=2):
            cells = dict(zip(header, (text(value) for value in values), strict=False))
            if cells.get(FILE):
                found[ref_of(cells[FILE], cells.get(ROW_KEY, ""))] = typed_row(cells, number)
        return found
    finally:
        workbook.close()


def typed_row(cells: dict[str, str], row: int) -> Typed:
    values = {key: cells[LABELS_VI[key]] for key in EDITABLE if cells.get(LABELS_VI[key])}
    reviewed = cells.get(REVIEWED, "").lower() in ("x", "có", "đã")
    return Typed(values, row, cells.get(STAMP, ""), reviewed, cells[FILE], cells.get(ROW_KEY, ""))


def text(value: Any) -> str:
    """A cell as text: numbers typed in Excel (a year) without ".0", NFC whatever the keyboard wrote."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def corrections_digest(corrections: dict[str, Typed]) -> str:
    """Changes whenever what would be applied changes (a value, a stamp, a review mark)."""
    digest = hashlib.sha256()
    for rel in sorted(corrections):
        typed = corrections[rel]
        digest.update(
            repr((rel, sorted(typed.values.items()), typed.row, typed.stamp, typed.reviewed)).encode()
        )
    return digest.hexdigest()


# ---------------------------------------------------------------------------- applying


def apply_corrections(
    analyses: dict[str, Analysis], corrections: dict[str, Typed], config: Config
) -> dict[str, Analysis]:
    """The analyses with typed values in place of the file's own, re-validated (a typed level outside the
    vocabulary gets the same error as a read one). The cached analyses are not changed."""
    if not corrections:
        return analyses
    corrected = dict(analyses)
    for rel, analysis in analyses.items():
        if analysis.rows:  # a list: each row has its own workbook row
            rows = tuple(corrected_row(row, corrections, config) for row in analysis.rows)
            if rows != analysis.rows:
                corrected[rel] = dataclasses.replace(analysis, rows=rows)
            continue
        typed = corrections.get(rel)
        if typed is not None and analysis.record is not None and typed.values:
            corrected[rel] = corrected_analysis(analysis, typed, config)
    return corrected


def corrected_row(row: Analysis, corrections: dict[str, Typed], config: Config) -> Analysis:
    assert row.record is not None
    typed = corrections.get(ref_of(row.record.path, row.record.key))
    return corrected_analysis(row, typed, config) if typed is not None and typed.values else row


def corrected_analysis(analysis: Analysis, typed: Typed, config: Config) -> Analysis:
    record = analysis.record
    assert record is not None
    fields = dict(record.fields)
    manual = []
    where = f"nhập tay: {WORKBOOK_NAME}, hàng {typed.row}"
    for key, value in typed.values.items():
        own = fields.get(key)
        fields[key] = normalise_value(key, FieldValue(value, where, SOURCE_MANUAL), config)
        manual.append((key, own.value if own else ""))
    if "model_type" not in typed.values and "person_name" in typed.values:
        individual = typed_person_type(
            fields.get("model_type"), config
        )  # a typed person: an individual model
        if individual:
            fields["model_type"] = individual
    record = dataclasses.replace(record, fields=fields)
    # A doubt about a label is settled once someone has typed on the row.
    problems = [problem for problem in analysis.problems if problem.code != "AMBIGUOUS_LABEL"]
    if typed.stamp and typed.stamp != (record.key or record.sha256[:16]) and not typed.reviewed:
        problems.append(
            Problem(
                "MANUAL_VALUE_STALE",
                WARNING,
                "Tệp đã thay đổi sau khi nhập giá trị bổ sung; các giá trị nhập tay vẫn được dùng. Xem lại "
                f"hàng {typed.row} của {WORKBOOK_NAME} rồi ghi x ở cột «{REVIEWED}».",
                where,
            )
        )
    identifier = record_id(record) if record.key or record.kind is Kind.PROPOSAL else ""
    return Analysis(
        record, tuple(problems), tuple(validate_record(record, config)), identifier, tuple(manual)
    )


# ---------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class RowFacts:
    """The system cells of one row."""

    rel: str
    kind: str
    status: str
    needs: str
    missing: tuple[str, ...]  # fields to highlight
    key: str = ""  # a row of a list: its key and place
    where: str = ""

    @property
    def ref(self) -> str:
        return ref_of(self.rel, self.key)


def needs_correction(report: FileReport) -> bool:
    """Rejected only for reasons a typed value can fix, or accepted with a doubt about a label."""
    if report.record is None:
        return False
    errors = [problem.code for problem in report.problems if problem.severity == "error"]
    if errors:
        return all(code in CORRECTABLE for code in errors)
    return any(problem.code == "AMBIGUOUS_LABEL" for problem in report.problems)


def row_facts(report: FileReport, typed: Typed | None, missing: tuple[str, ...]) -> RowFacts:
    correctable = [p.message for p in report.problems if p.code in CORRECTABLE]
    if report.status == "rejected":
        status = WAITING
    elif any(p.code == "MANUAL_VALUE_STALE" for p in report.problems):
        status = STALE
    else:
        status = USED if typed and typed.values else COMPLETE
    kind = KIND_NAMES.get(report.kind or "", "")
    return RowFacts(report.path, kind, status, " ".join(correctable), missing, report.key, report.where)


def rows_to_write(
    files: list[FileReport],
    corrections: dict[str, Typed],
    missing_of: Callable[[FileReport], tuple[str, ...]],
) -> list[RowFacts]:
    """A row for every record needing correction and every record someone already typed for (`files`: a
    report per record, each row of a list its own)."""
    present = {report.ref for report in files}
    typed = {ref for ref, entry in corrections.items() if entry.values}
    facts = [
        row_facts(report, corrections.get(report.ref), missing_of(report))
        for report in files
        if needs_correction(report) or report.ref in typed
    ]
    gone = [corrections[ref] for ref in typed if ref not in present]
    facts += [RowFacts(entry.rel, "", GONE, "", (), entry.key) for entry in gone]
    return facts


def rows_digest(facts: list[RowFacts]) -> str:
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def update_correction_workbook(
    path: Path,
    facts: list[RowFacts],
    hints: Callable[[str, tuple[str, ...]], str],
    stamps: dict[str, str],
) -> int:
    """Write the system cells of every row (adding rows for new files); returns the rows added.
    `hints(rel, missing)` gives a row's hint text; `stamps` each file's current hash. A person's save
    landing meanwhile is kept: the update is redone on their version (`redo_if_moved`)."""
    if not facts and not path.exists():
        return 0
    added, _ = redo_if_moved(
        path,
        lambda before_replace: update_correction_once(path, facts, hints, stamps, before_replace),
        BOOK,
        "Lưu xong và đóng tệp trong Excel/LibreOffice rồi chạy lại dvk check.",
    )
    return added


def update_correction_once(
    path: Path,
    facts: list[RowFacts],
    hints: Callable[[str, tuple[str, ...]], str],
    stamps: dict[str, str],
    before_replace: Callable[[], None],
) -> int:
    workbook, sheet = open_sheet(path)
    needed = any(fact.key for fact in facts)
    columns, changed = row_columns(sheet, header_columns(sheet, path, COLUMNS, BOOK), needed)
    rows = sheet_rows(sheet, columns)
    wanted = {fact.ref for fact in facts}
    changed |= not path.exists()
    for ref, row in sorted(rows.items(), key=lambda item: -item[1]):
        if ref not in wanted and not human_cells(sheet, row, columns):
            sheet.delete_rows(row)  # complete now and nothing typed on it: the row has done its job
            changed = True
    rows = sheet_rows(sheet, columns)
    added = 0
    next_row = sheet.max_row + 1
    for fact in facts:
        row = rows.get(fact.ref, 0)  # rows start at 2: 0 is none
        if not row:
            row, next_row, added = next_row, next_row + 1, added + 1
        changed |= write_system_cells(sheet, columns, row, fact, hints, stamps)
    if changed or added:  # a workbook that already says all this is left as it is (its bytes, its date)
        save_atomically(workbook, path, before_replace)
    return added


def row_columns(sheet: Any, columns: dict[str, int], needed: bool) -> tuple[dict[str, int], bool]:
    """The columns, with those of list rows added at the end of a workbook written without them when a row
    of a list is to be written (a workbook of forms only is left as it was)."""
    added = False
    for title, width in ROW_COLUMNS if needed else ():
        if title not in columns:
            column = max(columns.values(), default=0) + 1
            style_like(sheet.cell(1, column), sheet.cell(1, columns[FILE])).value = title
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
            columns[title] = column
            added = True
    return columns, added


def sheet_rows(sheet: Any, columns: dict[str, int]) -> dict[str, int]:
    """Record ref -> its row."""
    rows = {}
    for row in range(2, sheet.max_row + 1):
        rel = text(sheet.cell(row, columns[FILE]).value)
        key = text(sheet.cell(row, columns[ROW_KEY]).value) if ROW_KEY in columns else ""
        if rel:
            rows[ref_of(rel, key)] = row
    return rows


def human_cells(sheet: Any, row: int, columns: dict[str, int]) -> bool:
    """Whether anything outside the system columns is filled on the row (typed values, notes people added)."""
    system = {columns[title] for title in SYSTEM if title in columns}
    return any(
        text(cell.value)
        for cell in sheet[row]
        if cell.column not in system and cell.column != columns[REVIEWED]
    )


def write_system_cells(
    sheet: Any,
    columns: dict[str, int],
    row: int,
    fact: RowFacts,
    hints: Callable[[str, tuple[str, ...]], str],
    stamps: dict[str, str],
) -> bool:
    """Set the row's system cells; returns whether any value changed."""
    cell = lambda title: sheet.cell(row, columns[title])  # noqa: E731
    sample = sheet.cell(row, 1)
    sample.alignment = top_wrap()
    typed = any(text(cell(LABELS_VI[key]).value) for key in EDITABLE)
    values = {FILE: fact.rel, STATUS: fact.status, NEEDS: fact.needs}
    if PLACE in columns:
        values.update({PLACE: fact.where, ROW_KEY: fact.key})
    if fact.kind:
        values[KIND] = fact.kind
    if fact.status == WAITING and not fact.key:  # a row of a list is all in its own row: nothing to hint at
        values[HINTS] = hints(fact.rel, fact.missing)
    current = stamps.get(fact.ref, "")
    reviewed = text(cell(REVIEWED).value).lower() in ("x", "có", "đã")
    if typed and current and (not text(cell(STAMP).value) or reviewed):
        values[STAMP] = current  # values first used now, or reviewed against the file as it is now
        if reviewed:
            cell(REVIEWED).value = None
    changed = reviewed and STAMP in values
    for title, value in values.items():
        changed |= text(cell(title).value) != text(value)
        put(style_like(cell(title), sample), value)
    for key in EDITABLE:
        target = cell(LABELS_VI[key])
        if key in fact.missing and not text(target.value):
            target.fill = missing_fill()
        elif target.fill is not None and target.fill.fgColor.rgb == missing_fill().fgColor.rgb:
            target.fill = no_fill()
    return changed


def open_sheet(path: Path) -> tuple[Any, Any]:
    if path.exists():
        workbook = open_workbook(path)
        if SHEET not in workbook.sheetnames:
            raise DvkError(f'Sổ bổ sung thông tin {path} không có trang "{SHEET}"; không ghi đè.')
        return workbook, workbook[SHEET]
    workbook, sheet = titled_sheet(SHEET, COLUMNS, "B2")
    for index, (title, _) in enumerate(COLUMNS, start=1):
        if title in SYSTEM:
            sheet.cell(1, index).fill = solid_fill("D9D9D9")  # grey: written by dvk
    return workbook, sheet


@functools.cache
def missing_fill() -> Any:
    return solid_fill(HIGHLIGHT)


# ---------------------------------------------------------------------------- what to ask for


def missing_fields(report: FileReport, config: Config) -> tuple[str, ...]:
    """The fields a clerk should type for a file: required ones missing, and values outside the vocabulary."""
    from pipeline.extract import VOCABULARY_FIELDS
    from pipeline.validate import required_fields

    record = report.record
    if record is None:
        return ()
    wanted = [key for key in required_fields(record, config) if not record.get(key)]
    for key, section in VOCABULARY_FIELDS.items():
        value = record.get(key)
        if value and value not in {term.label for term in getattr(config, section)}:
            wanted.append(key)
    if any(p.code == "INDIVIDUAL_WITHOUT_PERSON" for p in report.problems):
        wanted += [key for key in ("person_name", "person_position") if not record.get(key)]
    return tuple(key for key in EDITABLE if key in wanted)


def file_hints(path: Path, missing: tuple[str, ...], config: Config, cache_dir: Path | None) -> str:
    """For each missing field, the file's closest lines and why they were not taken."""
    from pipeline.extract import closest_lines, extract
    from pipeline.reader import read_document

    if not missing:
        return ""
    try:
        extraction = extract(read_document(path, cache_dir), config, explain=True)
    except Exception:  # noqa: BLE001 - a hint is a courtesy: the file's problems are reported elsewhere
        return ""
    parts = []
    for key in missing:
        found = closest_lines(key, extraction, config, count=2)
        lines = (
            "; ".join(f"{c.where}: «{c.text}» ({c.why})" for c in found) or "không thấy dòng nào gần giống"
        )
        parts.append(f"{LABELS_VI[key]}: {lines}")
    return "\n".join(parts)


# ---------------------------------------------------------------------------- typing from another face


def save_values(
    path: Path, rel: str, kind: str, values: dict[str, str], key: str = "", where: str = ""
) -> int:
    """Type `values` (field -> text) on the row of `rel` (and for a row of a list, of its `key`), as a
    clerk would in Excel: the row is added if the record has none yet, an empty text clears a cell, other
    cells and rows are kept. Returns the cells changed. The caller holds the workspace lock and runs a
    check afterwards (which fills the system cells). A person's save landing meanwhile is kept: the values
    are typed again on their version."""
    unknown = [name for name in values if name not in EDITABLE]
    if unknown:
        raise DvkError(f"Không nhập tay được mục {', '.join(unknown)}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    row = (rel, key, where)
    changed, _ = redo_if_moved(
        path,
        lambda before_replace: save_values_once(path, row, kind, values, before_replace),
        BOOK,
        "Lưu xong và đóng tệp trong Excel/LibreOffice rồi lưu lại.",
    )
    return changed


def save_values_once(
    path: Path,
    row_of: tuple[str, str, str],
    kind: str,
    values: dict[str, str],
    before_replace: Callable[[], None],
) -> int:
    """`save_values` on the workbook as it is now; `row_of` is (file, row key, row place)."""
    rel, key, where = row_of
    workbook, sheet = open_sheet(path)
    columns, _ = row_columns(sheet, header_columns(sheet, path, COLUMNS, BOOK), bool(key))
    row = sheet_rows(sheet, columns).get(ref_of(rel, key))
    if row is None:
        row = sheet.max_row + 1
        put(sheet.cell(row, columns[FILE]), rel)
        put(sheet.cell(row, columns[KIND]), KIND_NAMES.get(kind, ""))
        if key:
            put(sheet.cell(row, columns[ROW_KEY]), key)
            put(sheet.cell(row, columns[PLACE]), where)
    changed = 0
    for name, value in values.items():
        cell = sheet.cell(row, columns[LABELS_VI[name]])
        typed = unicodedata.normalize("NFC", value).strip() or None
        if text(cell.value) != (typed or ""):
            put(cell, typed)
            changed += 1
    if changed:
        save_atomically(workbook, path, before_replace)
    return changed

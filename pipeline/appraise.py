"""Stage 5: the appraisal workbook the Ban Dân vận edits (outputs/<year>/tham-dinh.xlsx).

The workbook belongs to people once written. A rerun only appends rows for new proposals and
rewrites the two system columns ("Tệp nguồn", "Tình trạng tệp nguồn"); every other cell, and any
column or sheet people added, is left as it was. Columns are found by their header text, so
people may reorder them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import NOT_RECOGNISED, Config
from pipeline.model import DvkError, Model, WorkbookUpdate
from pipeline.sheet_patch import Sheet, cell_styles, patch_sheet
from pipeline.sheet_patch import read_rows as read_sheet_rows
from pipeline.vntext import nfc
from pipeline.workbook import (
    HIGHLIGHT,
    column_letter,
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

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported when a workbook is first opened or written: a rerun with nothing to write
# (the common case) starts a tenth of a second sooner without it.

SHEET = "Thẩm định"
LIST_SHEET = "Danh mục"
RESULT = "Kết quả thẩm định"
NOTE = "Ghi chú thẩm định"
ID = "Mã đề nghị"
PROPOSED = "Tự đánh giá"  # the unit's own rating: the proposal, never the result
SOURCE = "Tệp nguồn"
SOURCE_HASH = "SHA-256 khi lập"
STATUS = "Tình trạng tệp nguồn"
# Filled from the campaign history (pipeline.history): the earlier year's recognition of the same model.
# A workbook made before this column existed works without it.
EARLIER = "Đã công nhận những năm trước"
# The secretariat marks the outstanding models here ("x"): the news item names those, and only those.
OUTSTANDING = "Tiêu biểu (ghi x)"
COLUMNS = (
    (ID, 20),
    ("Tên mô hình", 50),
    ("Đơn vị / cá nhân thực hiện", 36),
    ("Cấp", 16),
    ("Loại", 10),
    ("Lĩnh vực", 24),
    (PROPOSED, 12),
    (RESULT, 18),
    (NOTE, 30),
    (SOURCE, 40),
    (SOURCE_HASH, 20),
    (STATUS, 34),
    (EARLIER, 50),
    (OUTSTANDING, 12),
)
REQUIRED_COLUMNS = tuple(column for column in COLUMNS if column[0] not in (EARLIER, OUTSTANDING))
UNCHANGED = "Không đổi"
CHANGED = "Tệp đã thay đổi sau khi lập: kiểm tra lại"
MISSING = "Không còn trong inputs/"
REJECTED = "Tệp nguồn bị loại khi kiểm tra lại: xem bao-cao-kiem-tra.xlsx"
VALIDATION_ROWS = 1_048_576  # the whole column, so rows added later get the drop-down too


@functools.cache
def changed_fill() -> Any:
    return solid_fill(HIGHLIGHT)


@dataclass(frozen=True)
class Proposal:
    """What the workbook shows of one accepted proposal."""

    id: str
    name: str
    who: str
    level: str
    model_type: str
    field: str
    rating: str
    source: str
    sha256: str
    earlier: str = ""  # "Đã được công nhận năm 2020, Quyết định số …" (pipeline.history), or ""


def update_workbook(
    path: Path, proposals: list[Proposal], config: Config, rejected: frozenset[str] = frozenset()
) -> WorkbookUpdate:
    """Create the workbook, or add new proposals to it keeping every human edit. `rejected` holds the
    ids of proposals whose files are still in inputs/ but were rejected (a row's file is not "gone").
    A person's save landing during the update is kept: the update is redone on it (`redo_if_moved`)."""
    update, _ = redo_if_moved(
        path,
        lambda before_replace: update_once(path, proposals, config, rejected, before_replace),
        "Sổ thẩm định",
        "Lưu xong và đóng tệp trong Excel/LibreOffice rồi chạy lại dvk check.",
    )
    return update


def update_once(
    path: Path,
    proposals: list[Proposal],
    config: Config,
    rejected: frozenset[str],
    before_replace: Callable[[], None],
) -> WorkbookUpdate:
    if path.exists():
        refreshed = refresh_in_place(path, proposals, rejected, before_replace)
        if refreshed is not None:
            return refreshed
        workbook = open_workbook(path)
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else None
        if sheet is None:
            raise DvkError(
                f'Sổ thẩm định {path} không có trang "{SHEET}"; không ghi đè. Đổi tên hoặc chuyển tệp đi.'
            )
    else:
        workbook, sheet = new_workbook(config)
    columns = header_columns(sheet, path, REQUIRED_COLUMNS)
    rows = {
        str(sheet.cell(row, columns[ID]).value): row
        for row in range(2, sheet.max_row + 1)
        if sheet.cell(row, columns[ID]).value
    }
    current = {proposal.id: proposal for proposal in proposals}
    changed = missing = 0
    for proposal_id, row in rows.items():
        status = row_status(sheet, row, columns, current.get(proposal_id), proposal_id in rejected)
        changed += status in (CHANGED, REJECTED)
        missing += status == MISSING
    added = [proposal for proposal in proposals if proposal.id not in rows]
    first_free = sheet.max_row + 1  # max_row scans every cell: read it once, not once per new row
    for offset, proposal in enumerate(added):
        append_row(sheet, columns, proposal, first_free + offset)
    save_atomically(workbook, path, before_replace)
    return WorkbookUpdate(path, len(added), changed, missing)


def refresh_in_place(
    path: Path,
    proposals: list[Proposal],
    rejected: frozenset[str] = frozenset(),
    before_replace: Callable[[], None] | None = None,
) -> WorkbookUpdate | None:
    """The rerun with no new proposal: rewrite only the system cells that changed, in the sheet's XML.
    None when rows must be added or the sheet is not as expected (then openpyxl does the work)."""
    current = {proposal.id: proposal for proposal in proposals}
    counts = {CHANGED: 0, MISSING: 0}

    def edit(sheet: Sheet) -> bool | None:
        if any(title not in sheet.columns for title, _ in REQUIRED_COLUMNS):
            return None
        rows = {
            sheet.value(c): row for row in sheet.rows if row > 1 if (c := sheet.cell(row, ID)) is not None
        }
        rows.pop("", None)
        if any(proposal_id not in rows for proposal_id in current):
            return None
        styles = {**samples, **observed_status_styles(sheet, rows.values())}
        changed = False
        for proposal_id, row in rows.items():
            proposal = current.get(proposal_id)
            hash_cell = sheet.cell(row, SOURCE_HASH)
            recorded = sheet.value(hash_cell) if proposal is not None and hash_cell is not None else ""
            status = source_status(proposal, recorded, proposal_id in rejected)
            counts[status] = counts.get(status, 0) + 1
            source = sheet.cell(row, SOURCE)
            if proposal is not None and source is not None and sheet.value(source) != proposal.source:
                sheet.set_text(source, proposal.source, None)
                changed = True
            if proposal is not None and EARLIER in sheet.columns:
                earlier = sheet.cell(row, EARLIER)
                if (sheet.value(earlier) if earlier is not None else "") != proposal.earlier:
                    if earlier is None:
                        return None  # no cell to write into: openpyxl adds it
                    sheet.set_text(earlier, proposal.earlier, None)
                    changed = True
            cell = sheet.cell(row, STATUS)
            if cell is None or sheet.value(cell) == status:
                continue
            highlighted = status != UNCHANGED
            if highlighted not in styles:
                return None  # no cell yet shows how this status is coloured: let openpyxl style it
            sheet.set_text(cell, status, styles[highlighted])
            changed = True
        return changed

    found = cell_styles(path, LIST_SHEET, ("B1", "B2")) or {}
    samples = {flag: found[ref] for flag, ref in ((True, "B1"), (False, "B2")) if ref in found}
    outcome = patch_sheet(path, SHEET, edit, (ID, SOURCE, SOURCE_HASH, STATUS, EARLIER), before_replace)
    if outcome is None:
        return None
    return WorkbookUpdate(path, 0, counts[CHANGED] + counts.get(REJECTED, 0), counts[MISSING])


def observed_status_styles(sheet: Sheet, rows: Iterable[int]) -> dict[bool, str | None]:
    """The style attribute of a highlighted and of a plain status cell, as they appear in the sheet."""
    styles: dict[bool, str | None] = {}
    for row in rows:
        cell = sheet.cell(row, STATUS)
        if cell is not None:
            styles.setdefault(sheet.value(cell) != UNCHANGED, cell.get("s"))
        if len(styles) == 2:
            break
    return styles


def source_status(proposal: Proposal | None, recorded_hash: object, rejected: bool) -> str:
    """A row's "Tình trạng tệp nguồn": its file as recorded, changed, rejected now, or gone."""
    if proposal is not None:
        return UNCHANGED if recorded_hash == proposal.sha256[:16] else CHANGED
    return REJECTED if rejected else MISSING


def row_status(
    sheet: Worksheet, row: int, columns: dict[str, int], proposal: Proposal | None, rejected: bool = False
) -> str:
    """Refresh the system columns of an existing row and return its status."""
    if proposal is not None:
        put(sheet.cell(row, columns[SOURCE]), proposal.source)
        if EARLIER in columns and (sheet.cell(row, columns[EARLIER]).value or "") != proposal.earlier:
            put(sheet.cell(row, columns[EARLIER]), proposal.earlier or None)
    status = source_status(proposal, sheet.cell(row, columns[SOURCE_HASH]).value, rejected)
    cell = sheet.cell(row, columns[STATUS])
    if cell.value != status:  # touch styles only where the status changes: they are slow in openpyxl
        cell.value = status
        cell.fill = changed_fill() if status != UNCHANGED else no_fill()
    return status


def new_workbook(config: Config) -> tuple[Workbook, Worksheet]:
    workbook, sheet = titled_sheet(SHEET, COLUMNS, "C2")
    add_rating_dropdown(workbook, sheet, config)
    return workbook, sheet


def add_rating_dropdown(workbook: Workbook, sheet: Worksheet, config: Config) -> None:
    """The result column offers the configured ratings plus "Không công nhận" (a list on its own sheet,
    so labels with commas work)."""
    choices = [term.label for term in config.ratings] + [NOT_RECOGNISED]
    lists = workbook.create_sheet(LIST_SHEET)
    for index, label in enumerate(choices, start=1):
        put(lists.cell(index, 1), label)
    # Style samples for refresh_in_place: how a status cell looks when changed and when not.
    for row, (status, fill) in enumerate(((CHANGED, changed_fill()), (UNCHANGED, no_fill())), start=1):
        sample = lists.cell(row, 2, status)
        sample.alignment, sample.fill = top_wrap(), fill
    lists.sheet_state = "hidden"
    from openpyxl.worksheet.datavalidation import DataValidation

    column = column_letter(next(i for i, (title, _) in enumerate(COLUMNS, 1) if title == RESULT))
    validation = DataValidation(
        type="list",
        formula1=f"'{LIST_SHEET}'!$A$1:$A${len(choices)}",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error=f"Chọn một trong: {', '.join(choices)}.",
    )
    validation.add(f"{column}2:{column}{VALIDATION_ROWS}")
    sheet.add_data_validation(validation)


def append_row(sheet: Worksheet, columns: dict[str, int], proposal: Proposal, row: int) -> None:
    values = {
        ID: proposal.id,
        "Tên mô hình": proposal.name,
        "Đơn vị / cá nhân thực hiện": proposal.who,
        "Cấp": proposal.level,
        "Loại": proposal.model_type,
        "Lĩnh vực": proposal.field,
        PROPOSED: proposal.rating,
        RESULT: None,  # a proposal has no result until a person gives one (here, in Excel or on the page)
        SOURCE: proposal.source,
        SOURCE_HASH: proposal.sha256[:16],
        STATUS: UNCHANGED,
        EARLIER: proposal.earlier,
    }
    sample = sheet.cell(row, columns[ID])
    sample.alignment = top_wrap()
    for title, value in values.items():
        if title in columns:  # a workbook made before the history column has none
            put(style_like(sheet.cell(row, columns[title]), sample), value)


def read_results(path: Path) -> dict[str, str]:
    """Proposal id -> appraisal result ("Tốt", "Khá", "Không công nhận", or "" when left empty)."""
    workbook = open_workbook(path, read_only=True)
    if SHEET not in workbook.sheetnames:
        raise DvkError(f'Sổ thẩm định {path} không có trang "{SHEET}".')
    sheet = workbook[SHEET]
    rows = sheet.iter_rows(values_only=True)
    header = [str(value).strip() if value is not None else "" for value in next(rows, ())]
    if ID not in header or RESULT not in header:
        raise DvkError(f'Sổ thẩm định {path.name} thiếu cột "{ID}" hoặc "{RESULT}".')
    id_col, result_col = header.index(ID), header.index(RESULT)
    results = {}
    for values in rows:
        if id_col < len(values) and values[id_col]:
            result = values[result_col] if result_col < len(values) else None
            results[tidy(values[id_col])] = tidy(result) if result is not None else ""
    workbook.close()
    return results


def is_gone(row: dict[str, str]) -> bool:
    """A row whose file is no longer in inputs/ or is now rejected: nothing to decide until it is back."""
    return row.get(STATUS, "") in (MISSING, REJECTED)


def is_pending(row: dict[str, str]) -> bool:
    """A row (as `read_rows` gives it) that waits for a person's result."""
    return not row.get(RESULT) and not is_gone(row)


def read_outstanding(path: Path) -> set[str]:
    """Ids of the proposals marked in the "Tiêu biểu" column (any mark); none when the column is absent."""
    if not path.exists():
        return set()
    workbook = open_workbook(path, read_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            return set()
        rows = workbook[SHEET].iter_rows(values_only=True)
        header = [str(value).strip() if value is not None else "" for value in next(rows, ())]
        if ID not in header or OUTSTANDING not in header:
            return set()
        id_col, mark_col = header.index(ID), header.index(OUTSTANDING)
        return {
            tidy(values[id_col])
            for values in rows
            if mark_col < len(values) and values[id_col] and tidy(values[mark_col] or "")
        }
    finally:
        workbook.close()


def tidy(value: object) -> str:
    """A cell as typed, for comparing: NFC (a result typed in decomposed Unicode reads the same), spaces
    collapsed."""
    return " ".join(nfc(str(value)).split())


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every proposal row of the sheet as {column title: text}, in sheet order (the web page's table).
    Read with lxml from the sheet's XML: a 9,000-row workbook in a fraction of openpyxl's time."""
    found = read_sheet_rows(path, SHEET)
    rows: Sequence[Mapping[str, object]] = openpyxl_rows(path) if found is None else found
    return [row_values(values) for values in rows if str(values.get(ID) or "").strip()]


def row_values(values: Mapping[str, object]) -> dict[str, str]:
    """The id and result tidied as `read_results` reads them (the page and the build agree on every
    result); other cells as written, stripped."""
    row = {title: str(value).strip() if value is not None else "" for title, value in values.items()}
    for title in (ID, RESULT):
        if row.get(title):
            row[title] = tidy(row[title])
    return row


def openpyxl_rows(path: Path) -> list[dict[str, object]]:
    """The sheet's rows through openpyxl (a sheet the byte reader does not know how to read)."""
    workbook = open_workbook(path, read_only=True)
    try:
        if SHEET not in workbook.sheetnames:
            raise DvkError(f'Sổ thẩm định {path} không có trang "{SHEET}".')
        rows = workbook[SHEET].iter_rows(values_only=True)
        header = [str(value).strip() if value is not None else "" for value in next(rows, ())]
        found = [dict(zip(header, values, strict=False)) for values in rows]
    finally:
        workbook.close()
    return [values for values in found if values.get(ID)]


def set_result(path: Path, proposal_id: str, result: str, note: str) -> None:
    """Write one proposal's appraisal result and note (see `set_results`)."""
    written = set_results(path, [(proposal_id, result, note)])
    if written.missing:
        raise DvkError(f"Sổ thẩm định {path.name} không có mã {proposal_id}.")


@dataclass(frozen=True)
class ResultsWritten:
    missing: frozenset[str]  # ids with no row in the sheet (nothing written for them)
    read: tuple[int, int, str] | None  # the stamp of the version the results were written into


def set_results(path: Path, changes: list[tuple[str, str, str]]) -> ResultsWritten:
    """Write appraisal results and notes (id, result, note; the last for an id wins), as a person would
    in Excel: only those cells change (in the sheet's bytes); a sheet the byte writer does not know is
    saved through openpyxl. A person's save landing meanwhile is kept and the results written on it."""
    latest = {proposal_id: (result, note) for proposal_id, result, note in changes}

    def write(before_replace: Callable[[], None]) -> frozenset[str]:
        missing: set[str] = set()
        outcome = patch_sheet(
            path, SHEET, lambda sheet: put_results(sheet, latest, missing), (ID, RESULT, NOTE), before_replace
        )
        if outcome is None:
            return set_results_openpyxl(path, latest, before_replace)
        return frozenset(missing)

    missing, read = redo_if_moved(
        path, write, "Sổ thẩm định", "Lưu xong và đóng tệp trong Excel/LibreOffice rồi lưu lại."
    )
    return ResultsWritten(missing, read)


def put_results(sheet: Sheet, latest: dict[str, tuple[str, str]], missing: set[str]) -> bool | None:
    if ID not in sheet.columns or RESULT not in sheet.columns or NOTE not in sheet.columns:
        return None
    rows = row_index(sheet, latest)
    missing.update(proposal_id for proposal_id in latest if proposal_id not in rows)
    for proposal_id, (result, note) in latest.items():
        row = rows.get(proposal_id)
        if row is None:
            continue
        sample = sheet.cell(row, ID) or sheet.cell(row, RESULT)
        style = sample.get("s") if sample is not None else None
        if not all(
            sheet.put_text(row, title, text, style) for title, text in ((RESULT, result), (NOTE, note))
        ):
            return None
    return len(missing) < len(latest)


def row_index(sheet: Sheet, wanted: Iterable[str]) -> dict[str, int]:
    """Proposal id -> row. Reading every id cell was most of a save's time; a save rarely moves rows, so
    the last index is used again when each wanted id is still on its row there (checked cell by cell:
    whatever moved the rows, nothing is written on a wrong one)."""
    known = _last_index[0]
    if all(key in known and cell_text(sheet, known[key], ID) == key for key in wanted):
        return known
    rows = {cell_text(sheet, row, ID): row for row in sheet.rows if row > 1}
    _last_index[0] = rows  # replaced whole, never changed in place: another thread may be reading it
    return rows


_last_index: list[dict[str, int]] = [{}]  # the index of the last sheet written into


def cell_text(sheet: Sheet, row: int, title: str) -> str:
    cell = sheet.cell(row, title)
    return tidy(sheet.value(cell)) if cell is not None else ""


def set_results_openpyxl(
    path: Path, latest: dict[str, tuple[str, str]], before_replace: Callable[[], None] | None = None
) -> frozenset[str]:
    workbook = open_workbook(path)
    if SHEET not in workbook.sheetnames:
        raise DvkError(f'Sổ thẩm định {path} không có trang "{SHEET}".')
    sheet = workbook[SHEET]
    columns = header_columns(sheet, path, REQUIRED_COLUMNS)
    if NOTE not in columns:
        raise DvkError(f'Sổ thẩm định {path.name} thiếu cột "{NOTE}".')
    rows = {str(sheet.cell(row, columns[ID]).value or "").strip(): row for row in range(2, sheet.max_row + 1)}
    missing = frozenset(proposal_id for proposal_id in latest if proposal_id not in rows)
    for proposal_id, (result, note) in latest.items():
        if proposal_id in rows:
            # .value, not cell(row, column, value): openpyxl ignores a None value there, and an emptied
            # result must empty the cell
            put(sheet.cell(rows[proposal_id], columns[RESULT]), result or None)
            put(sheet.cell(rows[proposal_id], columns[NOTE]), note or None)
    if len(missing) < len(latest):
        save_atomically(workbook, path, before_replace)
    return missing


# ---------------------------------------------------------------------------- appraisal → recognised models


@dataclass(frozen=True)
class Recognition:
    """The models to put in the decisions, and what the user should know about how they were chosen.
    `adopted`: the results taken from the proposals for rows no one had decided (id -> rating), when the
    caller asked for that; the caller writes them into the workbook, so it shows what was decided."""

    models: list[Model]
    notes: list[str]
    adopted: dict[str, str] = field(default_factory=dict)


class AppraisalPending(DvkError):
    """Proposals still without an appraisal result: no decision is built from an undecided proposal.
    Each face says how to decide them (the page its buttons, the CLI its option)."""

    def __init__(self, pending: list[str], others: list[str]) -> None:
        self.pending = pending
        self.others = others
        shown = ", ".join(pending[:5]) + (", …" if len(pending) > 5 else "")
        lines = [f"Còn {len(pending)} đề nghị chưa có kết quả thẩm định ({shown}).", *others]
        super().__init__("Chưa lập được quyết định:\n- " + "\n- ".join(lines))


def recognised_models(
    proposals: list[Proposal],
    rejected: dict[str, list[str]],
    path: Path,
    config: Config,
    person: dict[str, tuple[str, str]],
    results: dict[str, str] | None = None,
    as_proposed: bool = False,
) -> Recognition:
    """Apply the appraisal results to the accepted proposals.

    `rejected` maps the id of each proposal that currently has errors to its error messages;
    `person` maps an id to (name, position) for individual models. A proposal whose result is empty is
    pending: AppraisalPending, unless `as_proposed` (the committee takes the proposals as results), when
    it takes its proposed rating. Raises DvkError listing every reason to refuse (HD: a decision is
    never built from an unresolved proposal).
    """
    ratings = [term.label for term in config.ratings]
    by_fold = {label.casefold(): label for label in [*ratings, NOT_RECOGNISED]}
    listed = path.exists()
    if listed:
        found = read_results(path) if results is None else results
        chosen = {key: by_fold.get(result.casefold(), result) for key, result in found.items()}
        pending = [p for p in proposals if chosen.get(p.id) == ""]
    else:
        chosen, pending = {}, list(proposals)
    adopted = {p.id: by_fold.get(p.rating.casefold(), p.rating) for p in pending} if as_proposed else {}
    chosen.update(adopted)
    refusals = refusal_lines(proposals, rejected, chosen, ratings, listed)
    if pending and not as_proposed:
        missing = [] if listed else [f"Chưa có sổ thẩm định {path.name}: chạy dvk check để lập sổ."]
        raise AppraisalPending([p.id for p in pending], missing + refusals)
    if refusals:
        raise DvkError("Chưa lập được quyết định:\n- " + "\n- ".join(refusals))
    models = [
        to_model(p, chosen[p.id], person.get(p.id, ("", "")))
        for p in proposals
        if chosen[p.id] != NOT_RECOGNISED
    ]
    if not listed and adopted:
        return Recognition(models, [f"Chưa có sổ thẩm định {path.name}: lập theo mức đề nghị của đơn vị."])
    notes = (
        [f"{len(adopted)} đề nghị chưa có kết quả thẩm định lấy mức đề nghị làm kết quả."] if adopted else []
    )
    return Recognition(models, notes, adopted)


def refusal_lines(
    proposals: list[Proposal],
    rejected: dict[str, list[str]],
    chosen: dict[str, str],
    ratings: list[str],
    listed: bool,
) -> list[str]:
    """Every reason, other than a pending result, not to build from these results. An empty result
    decides nothing: for a file now rejected or gone it is no reason to refuse."""
    known = {proposal.id for proposal in proposals}
    refusals = []
    for proposal_id, result in chosen.items():
        if result in ("", NOT_RECOGNISED):
            continue
        if proposal_id in rejected:
            refusals.append(
                f"{proposal_id} được đề nghị công nhận nhưng tệp còn lỗi: {'; '.join(rejected[proposal_id])}"
            )
        elif proposal_id not in known:
            refusals.append(
                f"Sổ thẩm định có mã {proposal_id} nhưng không còn tệp đề nghị nào ứng với mã này "
                f'(xóa dòng hoặc ghi "{NOT_RECOGNISED}").'
            )
        elif result not in ratings:
            refusals.append(
                f'{proposal_id}: kết quả thẩm định "{result}" không thuộc '
                f"{', '.join(ratings + [NOT_RECOGNISED])}."
            )
    if listed:
        refusals += [
            f"{p.id} ({p.source}) chưa có trong sổ thẩm định: chạy lại dvk check."
            for p in proposals
            if p.id not in chosen
        ]
    return refusals


def to_model(proposal: Proposal, rating: str, person: tuple[str, str]) -> Model:
    return Model(
        id=proposal.id,
        name=proposal.name,
        unit=proposal.who,
        level=proposal.level,
        model_type=proposal.model_type,
        field=proposal.field,
        rating=rating,
        person_name=person[0],
        person_position=person[1],
    )

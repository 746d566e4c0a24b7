"""The openpyxl toolkit shared by the workbooks dvk writes (appraisal, corrections, problem report).

openpyxl is imported when a workbook is first opened or written: a rerun with nothing to write (the common
case) starts a tenth of a second sooner without it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import lazy
from pipeline.model import DvkError
from pipeline.platform import files

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

openpyxl = lazy.module("openpyxl")
styles = lazy.module("openpyxl.styles")
xlsx_utils = lazy.module("openpyxl.utils")


@functools.cache
def top_wrap() -> Any:
    return styles.Alignment(wrap_text=True, vertical="top")


def titled_sheet(name: str, columns: tuple[tuple[str, int], ...], freeze: str) -> tuple[Workbook, Worksheet]:
    """A new workbook whose one sheet has a bold header row of `columns` (title, width) and frozen panes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = name
    for index, (title, width) in enumerate(columns, start=1):
        cell = sheet.cell(1, index, title)
        cell.font = styles.Font(bold=True)
        cell.alignment = styles.Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[xlsx_utils.get_column_letter(index)].width = width
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
    try:
        return openpyxl.load_workbook(path, read_only=read_only)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DvkError(
            f"Không mở được sổ thẩm định {path}: {exc}. Không ghi đè; sửa hoặc chuyển tệp đi."
        ) from exc


def style_like(cell: Cell, sample: Cell) -> Cell:
    """Give `cell` the styles of `sample`. Assigning a font or alignment makes openpyxl hash the style
    object for every cell, which took most of the time of writing a province-scale sheet; copying the
    sample's style indices (as openpyxl's own copy_worksheet does) costs nothing."""
    cell._style = copy.copy(sample._style)
    return cell


def save_atomically(workbook: Workbook, path: Path, before_replace: Callable[[], None] | None = None) -> None:
    files.write_atomically(path, workbook.save, ".xlsx", before_replace)

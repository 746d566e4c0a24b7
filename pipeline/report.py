"""What `dvk check` tells people: the console table and the problem report workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.model import DISPLAY_VI, ERROR, CheckResult, FileReport
from pipeline.vntext import neutralise
from pipeline.workbook import put, save_atomically, style_like, top_wrap

SEVERITY_VI = {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}
STATUS_MARK = {"accepted": "✔", "rejected": "✘", "skipped": "–"}


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def console_lines(result: CheckResult) -> list[str]:
    """One line per file (state, file, model, unit), its problems indented under it, then for a list each
    row's line and problems, then the totals."""
    lines = [f"{'TRẠNG THÁI':<12} {'TỆP':<44} {'MÔ HÌNH':<40} ĐƠN VỊ / CÁ NHÂN", "-" * 130]
    for report in result.files:
        lines.append(file_line(report))
        lines.extend(problem_lines(report, "    "))
        if report.reason:
            lines.append(f"    lý do: {report.reason}")
        for row in report.records:
            lines.append(file_line(row, "  "))
            lines.extend(problem_lines(row, "      "))
    lines.append("-" * 130)
    lines.extend(totals_lines(result))
    return [neutralise(line) for line in lines]  # a file's name may hold characters that mislead a terminal


def problem_lines(report: FileReport, indent: str) -> list[str]:
    return [
        f"{indent}{SEVERITY_VI[p.severity]} [{p.code}] {p.message}" + (f" ({p.where})" if p.where else "")
        for p in report.problems
    ]


def file_line(report: FileReport, indent: str = "") -> str:
    """A file's line; a row of a list is indented and named by its place ("bảng 2, hàng 4")."""
    state = f"{STATUS_MARK[report.status]} {DISPLAY_VI[report.status]}"
    who = report.field("person_name") or report.field("unit")
    name = clip(report.field("model_name"), 40)
    if report.records:
        name = f"danh sách {len(report.records)} mô hình"
    place = indent + (report.where if report.where else report.path)
    return (
        f"{indent}{state:<12} {clip(place, 44 - len(indent)):<{44 - len(indent)}} {name:<40} {clip(who, 32)}"
    )


def totals_lines(result: CheckResult) -> list[str]:
    t = result.totals
    balanced = t["found"] == t["accepted"] + t["rejected"] + t["skipped"]
    lines = [
        f"Tổng số tệp: {t['found']} = {t['accepted']} chấp nhận + {t['rejected']} bị loại "
        f"+ {t['skipped']} bỏ qua" + ("" if balanced else "  (KHÔNG KHỚP: báo lỗi cho nhóm phát triển)"),
        f"Mô hình trong các tệp: {t['records']} = {t['records_accepted']} chấp nhận + "
        f"{t['records_rejected']} bị loại (một danh sách nhiều hàng là nhiều mô hình).",
        f"Được chấp nhận: {t['proposals']} đề nghị công nhận, {t['registrations']} đăng ký; "
        f"{t['duplicates']} tệp trùng nội dung; {t['errors']} lỗi, {t['warnings']} cảnh báo.",
    ]
    if result.workbook:
        w = result.workbook
        lines.append(
            f"Sổ thẩm định: {w.path} (thêm {w.added} dòng mới; {w.changed} dòng có tệp nguồn đã thay đổi; "
            f"{w.missing} dòng không còn tệp nguồn)."
        )
    if result.report_path:
        lines.append(f"Báo cáo kiểm tra: {result.report_path}")
    return lines


REPORT_COLUMNS = (
    ("Tệp", 48),
    ("Trạng thái", 12),
    ("Loại văn bản", 18),
    ("Mã đề nghị", 16),
    ("Tên mô hình", 44),
    ("Mức độ", 10),
    ("Mã lỗi", 24),
    ("Nội dung", 70),
    ("Vị trí trong tệp", 24),
)


FONTS = {"plain": None, "bold": {"bold": True}, "error": {"color": "C00000", "bold": True}}


def style_samples(sheet: Any) -> dict[str, Any]:
    """A cell styled for each of FONTS, wrapped and top-aligned, for `style_like`."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    samples = {}
    for name, font in FONTS.items():
        cell = samples[name] = WriteOnlyCell(sheet)
        cell.alignment = top_wrap()
        if font is not None:
            cell.font = Font(**font)
    return samples


def write_problem_report(path: Path, result: CheckResult) -> Path:
    """An .xlsx for people who do not read consoles: one row per problem, and one per skipped file with
    its reason. Accepted files without any problem are counted on the totals sheet, not listed.

    Written in openpyxl's streaming mode: a province-scale run lists tens of thousands of problems."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kết quả kiểm tra")
    for index, (_, width) in enumerate(REPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    samples = style_samples(sheet)
    sheet.append([style_like(WriteOnlyCell(sheet, title), samples["bold"]) for title, _ in REPORT_COLUMNS])
    for report in (one for f in result.files for one in (f, *f.records)):
        head = [
            report.place,
            DISPLAY_VI[report.status],
            DISPLAY_VI[report.kind],
            report.id or "",
            report.field("model_name"),
        ]
        lines: list[list[str]] = [
            [SEVERITY_VI[p.severity], p.code, p.message, p.where] for p in report.problems
        ]
        if report.reason:
            lines.append(["", "", report.reason, ""])
        for line in lines:
            font = "error" if line[0] == SEVERITY_VI[ERROR] else "plain"
            sheet.append(
                [put(style_like(WriteOnlyCell(sheet), samples[font]), value) for value in head + line]
            )
    totals = workbook.create_sheet("Tổng hợp")
    for total in totals_lines(result)[:3]:
        totals.append([total])
    save_atomically(workbook, path)
    return path

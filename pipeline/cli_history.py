"""`dvk history …`: the campaign history shared by a secretariat's campaigns (pipeline.history)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import service
from pipeline.cli_common import fail, guard, json_option, print_json, workspace_option
from pipeline.config import Workspace
from pipeline.model import ExitCode


@click.group("history")
def history_group() -> None:
    """Lịch sử mô hình qua các năm: nhập danh sách cũ."""


@history_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@workspace_option
@json_option
@guard
def history_import_command(workspace: Workspace, files: tuple[Path, ...], as_json: bool) -> None:
    """Nhập các Danh sách mô hình đã được công nhận những năm trước (tệp Word có bảng danh sách)."""
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        fail(f"Không tìm thấy tệp: {', '.join(missing)}.", ExitCode.USAGE)
    report = service.import_history(workspace, list(files))
    if as_json:
        print_json(report.as_dict())
        return
    for row in report.taken:
        click.echo(
            f"Nhận: {row.origin}: năm {row.year}, {row.level.lower()}, “{row.name}” — "
            f"{row.person or row.unit} (Quyết định số {row.decision})."
        )
    for item in report.refused:
        click.echo(f"Không nhận: {item.place}: {item.reason}", err=True)
    already = len(report.taken) - report.added
    click.echo(
        f"Đã nhận {len(report.taken)} mô hình ({report.added} mới, {already} đã có trong lịch sử), "
        f"không nhận {len(report.refused)}. Sổ lịch sử: {service.history.history_path(workspace)}"
    )

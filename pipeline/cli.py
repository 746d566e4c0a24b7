"""The `dvk` command: a thin Click layer over the pipeline's library functions.

Results go to stdout, messages to stderr; exit codes are `cli_common.ExitCode`.
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import __version__
from pipeline.check import run_check
from pipeline.cli_common import ExitCode, guard, json_option, print_json, progress_for, workspace_option
from pipeline.config import Workspace, init_workspace
from pipeline.report import console_lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dvk")
def main() -> None:
    """dvk: lập quyết định công nhận mô hình "Dân vận khéo" từ các tệp Word đơn vị gửi lên."""


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@guard
def init_command(folder: Path) -> None:
    """Tạo thư mục làm việc mới: dvk.toml, inputs/, outputs/, templates_docx/."""
    root = init_workspace(folder)
    click.echo(f"Đã tạo thư mục làm việc {root}.")
    click.echo(f"Sửa {root / 'dvk.toml'} (cơ quan, năm, danh sách đơn vị), chép tệp Word vào {root / 'inputs'}, "
               f"rồi chạy: dvk check -w \"{root}\"")


@main.command("check")
@workspace_option
@json_option
@guard
def check_command(workspace: Workspace, as_json: bool) -> None:
    """Đọc, trích xuất và kiểm tra các tệp trong inputs/; lập sổ thẩm định."""
    result = run_check(workspace, progress=progress_for(as_json))
    if as_json:
        print_json(result.as_dict())
    else:
        click.echo("\n".join(console_lines(result)))


def run() -> None:
    main(prog_name="dvk")


if __name__ == "__main__":
    run()

__all__ = ["main", "ExitCode"]

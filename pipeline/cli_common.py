"""What every Click command shares: the workspace option, --json, exit codes, error printing."""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.config import load_workspace
from pipeline.model import ConfigError, DvkError, ExitCode, Need, needs_of
from pipeline.platform import files
from pipeline.vntext import neutralise

# How the CLI asks for what a refusal needs (model.Need): its options.
OPTIONS = {
    Need.NUMBER: "--number SỐ",
    Need.DATE: "--date NGÀY",
    Need.CODE: "--code MÃ",
    Need.REPLACE_REASON: '--replace "LÝ DO"',
    Need.UNTRUSTED_REASON: '--accept-untrusted "LÝ DO"',
    Need.UNSIGNED_REASON: '--accept-unsigned "LÝ DO"',
}


def options_for(needs: tuple[Need, ...]) -> str:
    """ " (tùy chọn: --number SỐ --date NGÀY)" for what a refusal needs, or ""."""
    return f" (tùy chọn: {' '.join(OPTIONS[need] for need in needs)})" if needs else ""


def workspace_option(func: Callable) -> Callable:
    """Add -w/--workspace and pass a loaded `Workspace` as `workspace`."""

    @click.option(
        "-w",
        "--workspace",
        "workspace_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="Thư mục làm việc (chứa dvk.toml, inputs/, outputs/).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, workspace_dir: Path, **kwargs: Any) -> Any:
        try:
            workspace = load_workspace(workspace_dir)
        except ConfigError as exc:
            fail(str(exc), ExitCode.USAGE)
        return func(*args, workspace=workspace, **kwargs)

    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho tự động hóa).")


def print_json(document: Any) -> None:
    click.echo(json_text(document))


def json_text(document: Any) -> str:
    """The document as JSON, each item of a top-level list on a line of its own: readable, diff- and
    grep-friendly, and written by json's C encoder (an `indent` makes json use its pure-Python encoder,
    which took half of a rerun's `dvk check --json` on ten thousand files)."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    if not isinstance(document, dict):
        return compact(document)
    members = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n    ".join(compact(item) for item in value)
            members.append(f"  {compact(key)}: [\n    {items}\n  ]")
        else:
            members.append(f"  {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(members) + "\n}"


def fail(message: str, code: ExitCode = ExitCode.FAILED) -> None:
    """Print `Lỗi: …` on stderr and exit with `code`."""
    click.echo(neutralise(f"Lỗi: {message}"), err=True)
    sys.exit(int(code))


def guard(func: Callable) -> Callable:
    """Turn library errors into a Vietnamese message and the right exit code (one handler at the edge)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DvkError as exc:  # in the CLI's words: the message, and the options giving what it needs
            fail(str(exc) + options_for(needs_of(exc)), exc.exit_code)
        except OSError as exc:  # a write no stage explained (a full disk mid-way): the cause, not a traceback
            if exc.errno not in files.WRITE_ERRNOS:
                raise
            fail(str(files.write_error(Path(exc.filename or "tệp kết quả"), exc)), ExitCode.FAILED)
        except sqlite3.OperationalError as exc:  # the register or the workspace lock on a full disk
            workspace = kwargs.get("workspace")
            folder = workspace.root if workspace is not None else Path.cwd()
            error = files.database_write_error(exc, "sổ đăng ký văn bản hoặc khóa thư mục làm việc", folder)
            if error is None:
                raise
            fail(str(error), ExitCode.FAILED)

    return wrapper


class ProgressPrinter:
    """Files done of total, rate and time left, redrawn on one stderr line (terminals only)."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.last_draw = 0.0
        self.ready = time.monotonic()  # a stage's clock starts when the previous one ended (or now)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == 0:  # a stage that announces its start: its clock starts now
            self.started[stage] = now
        start = self.started.setdefault(stage, self.ready)
        if done >= total:
            self.ready = now
        elif now - self.last_draw < 0.1:
            return
        self.last_draw = now
        rate = done / (now - start) if now > start else 0.0
        left = f", còn khoảng {(total - done) / rate:.0f} giây" if rate and done < total else ""
        line = f"\r{stage}: {done}/{total} ({rate:.0f} tệp/giây{left})"
        click.echo(line.ljust(72), err=True, nl=done >= total)


def progress_for(as_json: bool) -> ProgressPrinter | None:
    """A progress printer when stderr is a terminal and the output is not JSON, else None."""
    if as_json or not sys.stderr.isatty():
        return None
    return ProgressPrinter()

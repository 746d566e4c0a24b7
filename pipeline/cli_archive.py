"""`dvk archive` and `dvk register`: file signed decisions, check the archive, print the outgoing register.

Thin Click commands over pipeline.archive (through pipeline.service); results on stdout, messages on
stderr (cli_common).
"""

from __future__ import annotations

from pathlib import Path

import click

from pipeline import service
from pipeline.archive import register_export
from pipeline.archive import signature_policy as policy
from pipeline.archive.entries import ArchiveEntry, ArchiveRefused, RefusedEntry
from pipeline.cli_common import fail, guard, json_option, options_for, print_json, workspace_option
from pipeline.config import Workspace
from pipeline.model import ExitCode

# pyHanko and pypdf load only when an archive command runs (they double `dvk check` start-up time).

VERIFY = "verify"
FILES = "files"


class ArchiveGroup(click.Group):
    """`dvk archive FILE.pdf…` files documents; `dvk archive verify` checks the archive.

    Anything that is not a subcommand goes to the default `files` command, so the clerk types
    `dvk archive QD-123.pdf` without a subcommand name.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if VERIFY in args and not Path(VERIFY).exists():
            args = [VERIFY, *(arg for arg in args if arg != VERIFY)]
        elif args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [FILES, *args]
        return super().parse_args(ctx, args)


@click.group("archive", cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
def archive_command() -> None:
    """Lưu trữ bản đã ký của quyết định (dvk archive TỆP.pdf…) hoặc kiểm tra kho (dvk archive verify)."""


@archive_command.command(FILES)
@click.argument("pdfs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--number", metavar="SỐ", help="Số văn bản (bắt buộc với bản quét).")
@click.option(
    "--date", "issued", metavar="NGÀY", help="Ngày văn bản, ví dụ 23/12/2020 (bắt buộc với bản quét)."
)
@click.option(
    "--replace", "replace_reason", metavar="LÝ_DO", help="Thay bản đã lưu của số này; bản cũ được giữ."
)
@click.option("--code", help="Mã dự thảo (DVK-…) khi tệp không mang mã và có nhiều dự thảo chưa cấp số.")
@click.option(
    "--accept-untrusted",
    metavar="LÝ_DO",
    help="Nhận lưu trữ chữ ký số có chứng thư ngoài trust-roots/; lý do được ghi vào nhật ký.",
)
@click.option(
    "--accept-unsigned",
    metavar="LÝ_DO",
    help="Nhận lưu trữ bản quét hoặc PDF không ký số; lý do được ghi vào nhật ký.",
)
@workspace_option
@json_option
@guard
def files_command(
    workspace: Workspace,
    pdfs: tuple[Path, ...],
    number: str | None,
    issued: str | None,
    replace_reason: str | None,
    code: str | None,
    accept_untrusted: str | None,
    accept_unsigned: str | None,
    as_json: bool,
) -> None:
    """Lưu trữ các tệp PDF đã ký: nhận diện dự thảo, kiểm tra chữ ký số, cấp số, đóng gói BagIt."""
    number_given, date_given = service.number_and_date(number or "", issued or "", both=False)
    reasons = (replace_reason, code, accept_untrusted, accept_unsigned)
    try:
        entries = service.archive_signed(workspace, list(pdfs), number_given, date_given, *reasons)
    except ArchiveRefused as exc:
        _print_entries(exc.done, as_json)
        raise
    _print_entries(entries, as_json)
    refused = [entry for entry in entries if entry.outcome == "refused"]
    if refused:
        fail(f"{len(refused)} tệp bị từ chối lưu trữ, không cấp số (xem lý do ở trên).", ExitCode.REFUSED)


def _print_entries(entries: list, as_json: bool) -> None:
    if as_json:
        print_json({"entries": [entry.as_dict() for entry in entries]})
        return
    for entry in entries:
        if isinstance(entry, RefusedEntry):
            click.echo(entry.reason + options_for(entry.needs), err=True)
            if entry.quarantine:
                click.echo(f"  Tệp được giữ tại: {entry.quarantine}", err=True)
            continue
        click.echo(_entry_line(entry))
        for note in entry.notes:
            click.echo(f"  Lưu ý: {note}", err=True)
        if entry.signature in ("tampered", "modified-after-signing"):
            click.echo(f"  CẢNH BÁO: {entry.printed}: {policy.SIGNATURE_LABELS[entry.signature]}.", err=True)


def _entry_line(entry: ArchiveEntry) -> str:
    what = {"archived": "Đã lưu trữ", "replaced": "Đã thay bản lưu", "unchanged": "Không thay đổi"}
    signer = f" ({entry.signer})" if entry.signer and entry.signature not in ("scan", "unsigned") else ""
    return (
        f"{what.get(entry.outcome, 'Đã lưu trữ')} {entry.label} ngày {entry.date:%d/%m/%Y}: "
        f"{policy.SIGNATURE_LABELS[entry.signature]}{signer} -> {entry.path}"
    )


@archive_command.command(VERIFY)
@workspace_option
@json_option
@guard
def verify_command(workspace: Workspace, as_json: bool) -> None:
    """Băm lại mọi gói lưu trữ, đối chiếu sổ đăng ký; báo từng tệp bị sửa, bị thiếu hoặc thừa."""
    problems = service.verify_archive(workspace)
    if as_json:
        print_json({"ok": not problems, "problems": [problem.as_dict() for problem in problems]})
    else:
        for problem in problems:
            click.echo(f"{problem.where}: {problem.message}" if problem.where else problem.message)
    if problems:
        fail(f"Kho lưu trữ có {len(problems)} vấn đề (xem danh sách ở trên).", ExitCode.FAILED)
    click.echo("Kho lưu trữ toàn vẹn: mọi tệp khớp mã băm và sổ đăng ký.", err=True)


@click.command("register")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Ghi sổ ra tệp Excel.")
@workspace_option
@json_option
@guard
def register_command(workspace: Workspace, xlsx: Path | None, as_json: bool) -> None:
    """In sổ đăng ký văn bản đi (NĐ 30 Phụ lục IV); --xlsx ghi ra Excel."""
    entries = service.outgoing_register(workspace)
    if xlsx is not None:
        service.register_workbook(workspace, xlsx)
        click.echo(f"Đã ghi sổ đăng ký văn bản đi: {xlsx}", err=True)
    if as_json:
        keep = ("code", "number", "symbol", "date", "subject", "signature", "signer", "sha256", "path")
        print_json({"entries": [{key: entry[key] for key in keep} for entry in entries]})
        return
    if not entries:
        click.echo("Sổ đăng ký văn bản đi chưa có văn bản nào.", err=True)
    for entry in entries:
        row = register_export.register_row(entry)
        click.echo(" | ".join(cell for cell in (row[0], row[1], row[2], row[3], row[9]) if cell))


__all__ = ["archive_command", "register_command"]

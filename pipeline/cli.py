"""The `dvk` command: a thin Click layer over the pipeline's library functions.

Results go to stdout, messages to stderr; exit codes are `cli_common.ExitCode`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from pipeline import __version__, explain, service
from pipeline.cli_archive import archive_command, register_command
from pipeline.cli_common import fail, guard, json_option, print_json, progress_for, workspace_option
from pipeline.cli_history import history_group
from pipeline.config import Workspace
from pipeline.model import DISPLAY_VI, ERROR, ExitCode
from pipeline.platform import console, launcher
from pipeline.report import console_lines

# docxtpl and Jinja (template_lint, format_check) are imported inside the commands that use them.


as_proposed_option = click.option(
    "--as-proposed",
    is_flag=True,
    help="Đề nghị nào chưa có kết quả thẩm định thì lấy mức đề nghị của đơn vị làm kết quả "
    "(ghi vào sổ thẩm định).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dvk")
def main() -> None:
    """dvk: lập quyết định công nhận mô hình "Dân vận khéo" từ các tệp Word đơn vị gửi lên."""


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@guard
def init_command(folder: Path) -> None:
    """Tạo thư mục làm việc mới: dvk.toml, inputs/, outputs/, templates_docx/."""
    root = service.create_workspace(folder).root
    click.echo(f"Đã tạo thư mục làm việc {root} (nháy đúp {launcher.LAUNCHER_NAME} để chạy trên Windows).")
    click.echo(
        f"Sửa {root / 'dvk.toml'} (cơ quan, năm, danh sách đơn vị), chép tệp Word vào {root / 'inputs'}, "
        f'rồi chạy: dvk check -w "{root}"'
    )


@main.command("check")
@workspace_option
@click.option(
    "--explain",
    "explain_name",
    metavar="TỆP",
    help="Chỉ giải thích cách đọc một tệp (đường dẫn tính từ inputs/): nhãn, giá trị, mục còn thiếu.",
)
@json_option
@guard
def check_command(workspace: Workspace, explain_name: str | None, as_json: bool) -> None:
    """Đọc, trích xuất và kiểm tra các tệp trong inputs/; lập sổ thẩm định và sổ bổ sung thông tin."""
    if explain_name is not None:
        emit_explanation(workspace, explain_name, as_json)
        return
    result = service.check(workspace, progress=progress_for(as_json))
    if as_json:
        print_json(result.as_dict())
    else:
        click.echo("\n".join(console_lines(result)))


def emit_explanation(workspace: Workspace, name: str, as_json: bool) -> None:
    try:
        explanation = service.explain(workspace, name)
    except FileNotFoundError:
        fail(explain.not_found_message(name), ExitCode.USAGE)
    if as_json:
        print_json(explanation.as_dict())
    else:
        click.echo("\n".join(explain.explain_lines(explanation)))


@main.command("build")
@workspace_option
@click.option("--number", metavar="SỐ", help="Số quyết định (khi đã có số); để trống: bản dự thảo.")
@click.option(
    "--date", "issued", metavar="NGÀY", help="Ngày ban hành, dạng 23/12/2020; để trống: bản dự thảo."
)
@click.option("--pdf", is_flag=True, help="Chuyển thêm sang PDF bằng LibreOffice.")
@as_proposed_option
@json_option
@guard
def build_command(
    workspace: Workspace,
    number: str | None,
    issued: str | None,
    pdf: bool,
    as_proposed: bool,
    as_json: bool,
) -> None:
    """Lập quyết định, danh sách, giấy chứng nhận và báo cáo từ kết quả thẩm định."""
    number_given, date_given = service.number_and_date(number or "", issued or "")
    warn_samples(workspace, as_json)
    with pending_worded():
        built = service.build_campaign(
            workspace, number_given, date_given, pdf, progress_for(as_json), as_proposed
        )
    emit_build(built, as_json)


@main.command("run")
@workspace_option
@click.option("--pdf", is_flag=True, help="Chuyển thêm sang PDF bằng LibreOffice.")
@as_proposed_option
@json_option
@guard
def run_command(workspace: Workspace, pdf: bool, as_proposed: bool, as_json: bool) -> None:
    """Chạy cả quy trình: kiểm tra (check) rồi lập văn bản (build)."""
    result = service.check(workspace, progress=progress_for(as_json))
    if not as_json:
        click.echo("\n".join(console_lines(result)))
        click.echo("")
    warn_samples(workspace, as_json)
    with pending_worded():
        built = service.build_campaign(
            workspace, pdf=pdf, progress=progress_for(as_json), as_proposed=as_proposed
        )
    emit_build(built, as_json)


@contextlib.contextmanager
def pending_worded() -> Iterator[None]:
    """A build refused for pending appraisal results, worded for the terminal: how to decide them."""
    from pipeline.appraise import RESULT, AppraisalPending
    from pipeline.check import WORKBOOK_NAME

    try:
        yield
    except AppraisalPending as exc:
        fail(
            f"{exc}\nGhi kết quả vào cột “{RESULT}” của sổ {WORKBOOK_NAME} (hoặc trên trang Thẩm định của "
            "dvk serve) rồi chạy lại; hoặc lấy mức đề nghị của đơn vị làm kết quả cho các đề nghị chưa có "
            "kết quả: --as-proposed."
        )


def warn_samples(workspace: Workspace, as_json: bool) -> None:
    """Before a build: the settings that still hold the shipped sample's values, which it would print
    (a person reads this; a script asking for --json gets its JSON alone)."""
    from pipeline.settings import sample_values

    found = sample_values(workspace.config)
    if found and not as_json:
        values = ", ".join(f"{item.label} “{item.value}”" for item in found)
        click.echo(
            f"Lưu ý: dvk.toml vẫn giữ giá trị mẫu: {values}. Văn bản lập lúc này in đúng các giá trị đó; "
            "sửa trong dvk.toml hoặc ở trang Cài đặt (dvk serve) nếu đó không phải giá trị thật.",
            err=True,
        )


def emit_build(result: service.BuildResult, as_json: bool) -> None:
    if as_json:
        print_json(result.as_dict())
        return
    for note in result.notes:
        click.echo(f"Lưu ý: {note}", err=True)
    for document in result.documents:
        level = f" — {document.level}" if document.level else ""
        click.echo(f"{DISPLAY_VI[document.kind]}{level}: {document.count} mô hình → {document.path}")
    for path in result.news:
        click.echo(f"Tin bài: {path}")
    if result.follow_up:
        click.echo(f"Báo cáo duy trì, nhân rộng: {result.follow_up}")
    for pdf in result.pdfs:
        click.echo(f"PDF: {pdf}")


@main.command("stats")
@click.option("--years", is_flag=True, help="Số liệu các năm (sổ lịch sử mô hình) và biểu đồ.")
@workspace_option
@json_option
@guard
def stats_command(workspace: Workspace, years: bool, as_json: bool) -> None:
    """Số liệu: đăng ký, được công nhận, theo cấp, loại và xếp loại."""
    if years:
        emit_years(service.year_stats(workspace), as_json)
        return
    stats = service.campaign_stats(workspace)
    if as_json:
        print_json(stats)
        return
    click.echo(
        f"Năm {stats['year']}: {stats['registered']} mô hình đăng ký, {stats['recognized']} được công nhận."
    )
    for level in stats["levels"]:
        ratings = ", ".join(f"{label} {count}" for label, count in level["ratings"].items())
        click.echo(
            f"- {level['level']}: {level['recognized']} ({level.get('collective', 0)} tập thể, "
            f"{level.get('individual', 0)} cá nhân; {ratings})"
        )


def emit_years(stats: dict, as_json: bool) -> None:
    if as_json:
        print_json(stats)
        return
    if not stats["years"]:
        click.echo("Sổ lịch sử mô hình chưa có năm nào (chạy dvk build hoặc dvk history import).")
        return
    for entry in stats["years"]:
        registered = "chưa rõ" if entry["registered"] is None else entry["registered"]
        click.echo(f"Năm {entry['year']}: {registered} đăng ký, {entry['recognized']} được công nhận.")
        for key, title in (
            ("levels", "cấp"),
            ("types", "loại"),
            ("fields", "lĩnh vực"),
            ("ratings", "xếp loại"),
        ):
            click.echo(f"  - Theo {title}: " + ", ".join(f"{k} {v}" for k, v in entry[key].items()))
    click.echo(f"Biểu đồ: {stats['chart']}")


@main.group("templates")
def templates_group() -> None:
    """Mẫu văn bản (.docx) trong templates_docx/."""


@templates_group.command("check")
@workspace_option
@json_option
@guard
def templates_check_command(workspace: Workspace, as_json: bool) -> None:
    """Kiểm tra các mẫu sau khi sửa bằng Word: thẻ bị tách, biến lạ, khối chưa đóng."""
    from pipeline import template_lint

    found = template_lint.lint_templates(workspace.templates)
    if as_json:
        print_json({name: [problem.as_dict() for problem in problems] for name, problems in found.items()})
    else:
        for name, problems in found.items():
            click.echo(f"{name}: {'đạt' if not problems else f'{len(problems)} vấn đề'}")
            for problem in problems:
                click.echo(f"    {problem.severity} [{problem.code}] {problem.message}")
    if any(problem.severity == ERROR for problems in found.values() for problem in problems):
        sys.exit(int(ExitCode.FAILED))


@main.group("format")
def format_group() -> None:
    """Thể thức văn bản: Đảng (HD 36) hoặc Nhà nước (NĐ 30)."""


@format_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
@json_option
@guard
def format_check_command(workspace: Workspace, files: tuple[Path, ...], as_json: bool) -> None:
    """Đối chiếu quyết định với danh mục thể thức; không nêu tệp: điền thử mẫu của thư mục làm việc."""
    from pipeline import format_check

    if files:
        found = {str(path): format_check.check_file(path, workspace.config) for path in files}
    else:
        found = format_check.check_templates(workspace)
    if as_json:
        print_json({name: [check.as_dict() for check in checks] for name, checks in found.items()})
    else:
        for name, checks in found.items():
            passed = sum(check.passed for check in checks)
            click.echo(f"{name}: đạt {passed}/{len(checks)} yếu tố thể thức")
            for check in checks:
                if not check.passed:
                    click.echo(f"    sai: {check.element} — {check.detail}")
    if any(not check.passed for checks in found.values() for check in checks):
        sys.exit(int(ExitCode.FAILED))


@main.command("serve")
@workspace_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe; máy khác cần mật khẩu."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Cổng.")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
@click.option(
    "--hash-password", is_flag=True, help="Nhập mật khẩu, in dòng password_hash cho dvk.toml rồi thoát."
)
@guard
def serve_command(workspace: Workspace, host: str, port: int, no_browser: bool, hash_password: bool) -> None:
    """Mở trang làm việc trên trình duyệt (máy chủ cục bộ 127.0.0.1)."""
    from pipeline.web import security, server

    if hash_password:
        password = click.prompt(
            "Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu", err=True
        )
        click.echo(f'[serve]\npassword_hash = "{security.hash_password(password)}"')
        return
    announce = lambda url: click.echo(f"Trang dvk: {url}  (Ctrl+C để dừng)", err=True)  # noqa: E731
    warn = lambda note: click.echo(f"Lưu ý: {note}", err=True)  # noqa: E731
    server.serve(workspace, host, port, not no_browser, announce, progress_for(False), warn)


main.add_command(archive_command)
main.add_command(register_command)
main.add_command(history_group)


def run() -> None:
    console.use_utf8()
    main(prog_name="dvk")


if __name__ == "__main__":
    run()

__all__ = ["main", "ExitCode"]

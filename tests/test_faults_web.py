"""Faults of the second hostile probe (issue 19) on the page, the workbooks and what dvk shows: formula
injection, control and bidirectional characters in names, lost updates, a full disk, login guessing
in parallel, a restart over a closed keep-alive connection. Each test failed before its fix.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.model import DvkError
from pipeline.web.server import require_free_port
from tests.docxbuild import proposal_paragraphs, write_docx

# ---------------------------------------------------------------------------- fault 10: restart


def time_wait_port() -> int:
    """A port whose server side closed first while a client was connected: left in TIME_WAIT, as a
    stopped `dvk serve` leaves the port a browser's keep-alive connection was using."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server closes first: its side goes to TIME_WAIT
    client.close()
    return port


@pytest.mark.skipif(sys.platform == "win32", reason="Windows does not block a listening bind on TIME_WAIT")
def test_serve_starts_again_right_after_a_stop_that_left_a_keep_alive_connection() -> None:
    port = time_wait_port()
    require_free_port("127.0.0.1", port)  # raised "Address already in use" before the fix


def test_a_port_really_in_use_is_still_refused_with_a_clear_message() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(DvkError, match=f"Không mở được cổng {port} trên 127.0.0.1"):
            require_free_port("127.0.0.1", port)


# ---------------------------------------------------------------------------- fault 9: login guessing


def parallel_logins(app, count: int, password: str, address: str) -> list[int]:
    """`count` login POSTs sent at once from `address`, each with the form's CSRF token."""
    import asyncio

    import httpx

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as web:
            form = await web.get("/dang-nhap")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            answers = await asyncio.gather(
                *(web.post("/dang-nhap", data={"csrf": csrf, "mat-khau": password}) for _ in range(count))
            )
        return [answer.status_code for answer in answers]

    return asyncio.run(run())


@pytest.fixture()
def guarded(tmp_path: Path, monkeypatch):
    """A LAN server's app (password set) whose clock stands still and whose login waits are skipped, so
    only the booking decides how many guesses are checked; the number of checks is counted."""
    from pipeline.web import app as web_app
    from pipeline.web import security

    checked: list[str] = []
    real_check = security.check_password

    def counting_check(password: str, stored: str) -> bool:
        checked.append(password)
        return real_check(password, stored)

    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(security, "check_password", counting_check)
    monkeypatch.setattr(security, "clock", lambda: 1000.0)
    monkeypatch.setattr(web_app, "pause", no_wait)
    workspace = load_workspace(init_workspace(tmp_path / "ws"))
    stored = security.hash_password("mật khẩu đúng")
    return web_app.create_app(workspace, password_hash=stored, hosts=None), checked


def test_forty_parallel_guesses_from_one_address_are_paced_as_designed(guarded) -> None:
    app, checked = guarded
    answers = parallel_logins(app, 40, "đoán sai", "192.0.2.66")
    # Waits booked before any check: 0, 0.5, 1.5, 3, 5, 7.5, 10.5, 14 s; the next would pass 15 s.
    assert len(checked) == 8, "every parallel guess was checked at once before the fix"
    assert sorted(answers) == [403] * 8 + [429] * 32


def test_the_clerk_is_not_held_up_by_guesses_from_another_address(guarded) -> None:
    app, checked = guarded
    parallel_logins(app, 40, "đoán sai", "192.0.2.66")
    guard = app.state.guard
    assert guard.admit("192.0.2.10") == 0.0, "an address without failures logs in at once"
    assert parallel_logins(app, 1, "mật khẩu đúng", "192.0.2.11") == [303]


# ---------------------------------------------------------------------------- fault 7: a full disk


class FullDiskConnection:
    """A SQLite connection on a disk with 0 bytes free: taking a write lock needs a journal page."""

    def __init__(self, real) -> None:
        self.real = real

    def execute(self, sql: str, *args):
        if sql.startswith("BEGIN"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.real.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.real, name)


def test_a_full_disk_under_the_workspace_lock_is_not_called_busy(tmp_path: Path, monkeypatch) -> None:
    from pipeline import service

    root = init_workspace(tmp_path / "ws")
    real_connect = sqlite3.connect
    monkeypatch.setattr(service.sqlite3, "connect", lambda *a, **k: FullDiskConnection(real_connect(*a, **k)))
    result = CliRunner().invoke(main, ["check", "-w", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lock = root / ".dvk-cache" / service.LOCK_NAME
    assert f"Lỗi: Không ghi được {lock}: ổ đĩa đã đầy. Giải phóng dung lượng rồi chạy lại." in result.output
    assert "đang được một thao tác khác ghi" not in result.output


@pytest.mark.parametrize(
    ("free", "cause"),
    [(4096, "ổ đĩa đã đầy. Giải phóng dung lượng rồi chạy lại"), (10**12, "Input/output error")],
)
def test_a_disk_io_error_with_a_few_kb_free_is_a_full_disk(tmp_path: Path, monkeypatch, free, cause) -> None:
    import shutil
    from collections import namedtuple

    from pipeline.archive import register
    from pipeline.platform import files

    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / "Sổ vàng.docx", *proposal_paragraphs())

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(register, "record_drafts", failing)
    monkeypatch.setattr(files.shutil, "disk_usage", lambda path: usage(10**12, 10**12 - free, free))
    result = CliRunner().invoke(main, ["build", "-w", str(root)])
    monkeypatch.setattr(files.shutil, "disk_usage", shutil.disk_usage)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"Lỗi: Không ghi được sổ đăng ký văn bản hoặc khóa thư mục làm việc: {cause}." in result.output

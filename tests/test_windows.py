"""What the secretariat's Windows computers need, shown on any system (and under --windows-constraints):
files held open by Excel or Word, write failures, redirected output, the read time limit, leftovers,
LibreOffice's place, dvk.toml as Notepad saves it, folders that cannot be listed, the launcher."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

import pipeline.check
from pipeline.check import analyse_many, run_check
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.discover import discover
from pipeline.model import ConfigError
from pipeline.platform import constraints, files, launcher
from pipeline.soffice import SofficeMissing, soffice_path
from tests import childwork
from tests.docxbuild import proposal_paragraphs, write_docx

ROOT = Path(__file__).parent.parent
YEAR = "2020"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob(".tmp-*"))


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    for index in range(2):
        write_docx(
            root / "inputs" / f"đề nghị {index}.docx", *proposal_paragraphs(model_name=f"Mô hình {index}")
        )
    return root


# ---------------------------------------------------------------------------- held open by Excel or Word


def test_workbook_open_in_excel_gives_the_message_and_loses_nothing(workspace, hold_open):
    assert invoke("check", "-w", str(workspace)).exit_code == 0
    workbook = workspace / "outputs" / YEAR / "tham-dinh.xlsx"
    before = digest(workbook)
    write_docx(workspace / "inputs" / "đề nghị mới.docx", *proposal_paragraphs(model_name="Mô hình mới"))
    hold_open(workbook)
    result = invoke("check", "-w", str(workspace))
    assert result.exit_code == 1
    assert f"Không ghi được {workbook}: tệp đang mở trong Excel, Word hoặc chương trình khác" in result.output
    assert "Đóng tệp đó rồi chạy lại" in result.output and "Traceback" not in result.output
    assert digest(workbook) == before and leftovers(workspace / "outputs") == []
    constraints.release(workbook)
    result = invoke("check", "-w", str(workspace))
    assert result.exit_code == 0 and "thêm 1 dòng mới" in result.output, result.output


def test_draft_open_in_word_gives_the_message_and_loses_nothing(workspace, hold_open):
    assert invoke("run", "-w", str(workspace), "--as-proposed").exit_code == 0
    drafts = sorted((workspace / "outputs" / YEAR).rglob("quyet-dinh-*.docx"))
    assert drafts
    before = {path: digest(path) for path in drafts}
    hold_open(drafts[0])
    result = invoke("build", "-w", str(workspace), "--as-proposed")
    assert result.exit_code == 1
    assert f"Không ghi được {drafts[0]}: tệp đang mở trong Excel, Word" in result.output
    assert {path: digest(path) for path in drafts} == before
    assert leftovers(workspace / "outputs") == []
    constraints.release(drafts[0])
    assert invoke("build", "-w", str(workspace), "--as-proposed").exit_code == 0


# ---------------------------------------------------------------------------- write failures


def failing_replace(monkeypatch, code: int, where: str) -> None:
    real = os.replace

    def replace(src, dst, **kwargs):
        if where in os.fspath(dst):
            raise OSError(code, os.strerror(code), os.fspath(dst))
        return real(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (errno.ENOSPC, "ổ đĩa đã đầy"),
        (errno.EROFS, "ổ đĩa hoặc thư mục chỉ cho phép đọc"),
        (errno.EACCES, "không có quyền ghi vào đây"),
    ],
)
def test_a_failed_workbook_write_names_the_file_and_the_real_cause(workspace, monkeypatch, code, cause):
    failing_replace(monkeypatch, code, "tham-dinh.xlsx")
    result = invoke("check", "-w", str(workspace))
    assert result.exit_code == 1
    workbook = workspace / "outputs" / YEAR / "tham-dinh.xlsx"
    assert f"Lỗi: Không ghi được {workbook}: {cause}" in result.output
    assert "Excel" not in result.output and "Traceback" not in result.output
    assert not workbook.exists() and leftovers(workspace / "outputs") == []


def test_a_full_disk_while_writing_the_certificates_is_explained(workspace, monkeypatch):
    assert invoke("check", "-w", str(workspace)).exit_code == 0
    failing_replace(monkeypatch, errno.ENOSPC, "giay-chung-nhan")
    result = invoke("build", "-w", str(workspace), "--as-proposed")
    assert result.exit_code == 1
    assert "giay-chung-nhan-2020.docx: ổ đĩa đã đầy. Giải phóng dung lượng rồi chạy lại." in result.output
    assert leftovers(workspace / "outputs") == []


def test_a_full_disk_under_the_register_is_explained(workspace, monkeypatch):
    import pipeline.archive.register

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(pipeline.archive.register, "record_drafts", full)
    result = invoke("build", "-w", str(workspace), "--as-proposed")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Lỗi: Không ghi được sổ đăng ký văn bản hoặc khóa thư mục làm việc: ổ đĩa đã đầy." in result.output


def test_a_cache_that_cannot_be_written_does_not_fail_the_check(workspace, monkeypatch):
    failing_replace(monkeypatch, errno.ENOSPC, "check.pickle")
    result = invoke("check", "-w", str(workspace))
    assert result.exit_code == 0, result.output
    assert (workspace / "outputs" / YEAR / "tham-dinh.xlsx").is_file()
    assert leftovers(workspace / ".dvk-cache") == []


def test_an_unwritable_output_folder_is_explained(workspace, monkeypatch):
    real = files.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):  # noqa: A002 - mkstemp's own name
        if "outputs" in str(dir):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    result = invoke("check", "-w", str(workspace))
    assert result.exit_code == 1
    assert "tham-dinh.xlsx: không có quyền ghi vào đây" in result.output


# ---------------------------------------------------------------------------- redirected output


def test_output_redirected_in_the_ansi_code_page_stays_utf8(workspace, tmp_path):
    out = tmp_path / "ket-qua.txt"
    env = dict(os.environ, PYTHONIOENCODING="cp1258", PYTHONUTF8="0")
    with open(out, "wb") as sink:
        code = subprocess.call(
            [sys.executable, "-m", "pipeline", "check", "-w", str(workspace)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    text = out.read_bytes().decode("utf-8")
    assert code == 0, text
    assert "Tổng số tệp: 2 = 2 chấp nhận" in text and "Sổ thẩm định" in text


# ---------------------------------------------------------------------------- the read time limit


def test_a_reader_that_hangs_is_killed_at_the_time_limit(workspace, monkeypatch):
    write_docx(workspace / "inputs" / "treo-máy.docx", *proposal_paragraphs(model_name="Mô hình treo"))
    monkeypatch.setattr(pipeline.check, "PER_FILE_SECONDS", 2)
    entries = [entry for entry in discover(workspace / "inputs")]
    before = {child.pid for child in workers_and_helpers()}
    config = load_workspace(workspace).config
    # The marked file hangs for an hour: waited for instead of killed, the test fails on pytest's timeout.
    results = analyse_many(entries, config, workspace / ".dvk-cache", jobs=2, reader=childwork.hang_on_marked)
    by_name = {entry.rel: results[entry.sha256] for entry in entries}
    assert [p.code for p in by_name["treo-máy.docx"].problems] == ["READ_TIMEOUT"]
    assert "quá 2 giây" in by_name["treo-máy.docx"].problems[0].message
    assert all(by_name[f"đề nghị {i}.docx"].record is not None for i in range(2))
    started_here = {child.pid for child in workers_and_helpers()} - before
    assert len(started_here) <= 2  # the two workers kept for the next run; the hung one is gone


def workers_and_helpers() -> list[psutil.Process]:
    """This process's descendants but multiprocessing's resource tracker (started with the first spawn of
    the whole test run, so a test run alone would count it)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if not any("resource_tracker" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from pipeline.platform import process\n"
        "from tests import childwork\n"
        "for _ in process.run_tasks(childwork.sleep_then, [(60, 1), (60, 2)], 2, 120, 1 << 30): pass\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 30
    workers: list[psutil.Process] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        workers = [c for c in psutil.Process(parent.pid).children() if "spawn_main" in " ".join(c.cmdline())]
    assert len(workers) == 2
    parent.kill()
    parent.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []


def test_what_a_worker_started_goes_with_it_when_the_parent_is_killed(tmp_path):
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from pipeline.platform import process\n"
        "from tests import childwork\n"
        f"tasks = [({str(tmp_path)!r},)]\n"
        "for _ in process.run_tasks(childwork.grandchild_pid_file, tasks, 1, 120, 1 << 30): pass\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not (tmp_path / "grandchild.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    grandchild = psutil.Process(int((tmp_path / "grandchild.pid").read_text()))
    parent.kill()
    parent.wait()
    gone, alive = psutil.wait_procs([grandchild], timeout=10)
    assert alive == []


def test_the_next_run_removes_temporary_files_no_running_dvk_owns(workspace):
    year = workspace / "outputs" / YEAR
    (year / "quyet-dinh").mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = [year / f".tmp-{dead.pid}-abc.xlsx", year / "quyet-dinh" / f".tmp-{dead.pid}-pages-x"]
    stale[0].write_bytes(b"half")
    stale[1].mkdir()
    old = year / ".tmp-k2j3h4.xlsx"  # written by an older dvk, without its owner's id
    old.write_bytes(b"old")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    live = year / f".tmp-{os.getppid()}-live.xlsx"  # a running process's (this one's parent)
    live.write_bytes(b"in use")
    run_check(load_workspace(workspace))
    assert not any(path.exists() for path in [*stale, old])
    assert live.exists()


# ---------------------------------------------------------------------------- results the machine caused


def test_a_missing_libreoffice_is_not_remembered(tmp_path, monkeypatch):
    root = init_workspace(tmp_path / "ws")
    shutil.copy(ROOT / "tests" / "fixtures" / "lo-phieu-dang-ky-word97.doc", root / "inputs")
    monkeypatch.setenv("DVK_SOFFICE", str(tmp_path / "khong-co-soffice"))
    first = run_check(load_workspace(root))
    assert [p.code for f in first.files for p in f.problems] == ["NEEDS_LIBREOFFICE"]
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: the rerun cannot convert")
    monkeypatch.delenv("DVK_SOFFICE")
    second = run_check(load_workspace(root))
    assert [f.status for f in second.files] == ["accepted"]


# ---------------------------------------------------------------------------- LibreOffice's place


def fake_install(folder: Path) -> Path:
    exe = folder / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    exe.chmod(0o755)
    return exe


def test_libreoffice_is_found_under_program_files(tmp_path, monkeypatch):
    exe = fake_install(tmp_path / "Program Files")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("DVK_SOFFICE", raising=False)
    monkeypatch.delenv("DVK_SOFFICE_FROM_CONFIG", raising=False)
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    assert soffice_path() == str(exe)


def test_libreoffice_named_in_dvk_toml(tmp_path, monkeypatch):
    monkeypatch.delenv("DVK_SOFFICE", raising=False)
    root = init_workspace(tmp_path / "ws")
    exe = fake_install(tmp_path / "LO")
    config = root / "dvk.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\n[tools]\nsoffice = '{exe}'\n", encoding="utf-8"
    )
    load_workspace(root)
    try:
        assert soffice_path() == str(exe)
        nowhere = str(tmp_path / "khong-co" / "soffice.exe")
        config.write_text(config.read_text(encoding="utf-8").replace(str(exe), nowhere), encoding="utf-8")
        load_workspace(root)
        with pytest.raises(SofficeMissing) as missing:
            pipeline.soffice.convert(
                ROOT / "inputs" / next(iter(os.listdir(ROOT / "inputs"))), "pdf", tmp_path
            )
        where = f"[tools] soffice trong dvk.toml chỉ tới {tmp_path / 'khong-co' / 'soffice.exe'}"
        assert where in missing.value.message
    finally:
        load_workspace(init_workspace(tmp_path / "plain"))  # forget the setting


def test_missing_libreoffice_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Program Files"))
    monkeypatch.delenv("DVK_SOFFICE", raising=False)
    monkeypatch.delenv("DVK_SOFFICE_FROM_CONFIG", raising=False)
    message = SofficeMissing().message
    assert "đã tìm lệnh soffice/libreoffice trong PATH" in message
    assert str(tmp_path / "Program Files" / "LibreOffice" / "program" / "soffice.exe") in message
    assert "[tools] soffice" in message


# ---------------------------------------------------------------------------- dvk.toml from Notepad


def test_dvk_toml_with_a_byte_order_mark_is_read(tmp_path):
    root = init_workspace(tmp_path / "ws")
    config = root / "dvk.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    assert load_workspace(root).config.year == 2020


def test_dvk_toml_saved_as_ansi_names_the_line(tmp_path):
    root = init_workspace(tmp_path / "ws")
    config = root / "dvk.toml"
    text = config.read_text(encoding="utf-8")
    config.write_bytes(text.encode("cp1258", errors="replace"))
    first_bad = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
    with pytest.raises(ConfigError) as err:
        load_workspace(root)
    assert f"không phải UTF-8 (dòng {first_bad} có ký tự không đọc được)" in str(err.value)
    assert "chọn UTF-8" in str(err.value)


# ---------------------------------------------------------------------------- folders Windows will not list


def test_a_folder_that_cannot_be_listed_is_one_problem_and_the_rest_go_on(workspace, monkeypatch):
    blocked = workspace / "inputs" / ("thư mục rất dài " * 6).strip()
    blocked.mkdir()
    write_docx(blocked / "đề nghị 9.docx", *proposal_paragraphs(model_name="Mô hình 9"))
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(blocked):
            raise FileNotFoundError(
                errno.ENOENT, "The system cannot find the path specified", os.fspath(path)
            )
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run_check(load_workspace(workspace))
    by_status = {f.path: f.status for f in result.files}
    folder = blocked.name + "/"
    assert by_status == {"đề nghị 0.docx": "accepted", "đề nghị 1.docx": "accepted", folder: "rejected"}
    [problem] = next(f for f in result.files if f.path == folder).problems
    assert problem.code == "FILE_UNREADABLE" and "rút ngắn tên thư mục" in problem.message


# ---------------------------------------------------------------------------- the launcher


def test_init_puts_a_launcher_for_dvk_run(tmp_path):
    result = invoke("init", str(tmp_path / "ws"))
    assert result.exit_code == 0 and launcher.LAUNCHER_NAME in result.output
    data = (tmp_path / "ws" / launcher.LAUNCHER_NAME).read_bytes()
    assert data.startswith(b"@echo off\r\nchcp 65001") and b"\r\n%DVK% run\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert ("serve" in main.commands) == (b"%DVK% serve" in data)


def test_process_module_is_the_only_one_importing_resource():
    users = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "pipeline").rglob("*.py")
        if "import resource" in path.read_text(encoding="utf-8")
    ]
    assert users == ["pipeline/platform/process.py"]

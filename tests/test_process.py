"""Child processes held to their limits by the parent, the same way on every system (spawn only)."""

import os
import sys
import time
from pathlib import Path

import psutil

from pipeline.platform import process
from tests import childwork


def run(function, tasks, seconds=10.0, memory=1 << 30, workers=2, common=()):
    return sorted(process.run_tasks(function, tasks, workers, seconds, memory, common))


def test_results_come_back_with_the_common_arguments():
    assert run(childwork.echo, [(1,), (2,), (3,)], common=("!",)) == [
        (0, "ok", "1!"),
        (1, "ok", "2!"),
        (2, "ok", "3!"),
    ]


def test_a_task_past_its_time_is_killed_and_the_others_finish():
    # The hung task sleeps 600 s: pytest's timeout (120 s) fails the test if the kill never comes. The
    # others sleep 0 s against a limit of 5 s, counted from when each began in its worker.
    outcomes = run(childwork.sleep_then, [(0, "a"), (600, "treo"), (0, "b"), (0, "c")], seconds=5)
    assert outcomes == [(0, "ok", "a"), (1, "timeout", None), (2, "ok", "b"), (3, "ok", "c")]


def test_a_workers_start_up_does_not_count_against_its_first_task(monkeypatch):
    # Each new worker takes 3 s to start (as on a slow PC); the tasks' limit is 1 s and they take none.
    monkeypatch.setenv(childwork.SLOW_START_ENV, "3")
    outcomes = run(childwork.started_slowly, [("a",), ("b",)], seconds=1)
    assert outcomes == [(0, "ok", "a"), (1, "ok", "b")]


def test_a_worker_that_dies_fails_only_its_task():
    outcomes = run(childwork.die, [(3,)], workers=1) + run(childwork.echo, [(5,)], workers=1)
    assert outcomes[0][:2] == (0, "crash") and outcomes[0][2] in (3, None)
    assert outcomes[1] == (0, "ok", "5")


def test_an_exception_is_reported_for_its_task():
    [(index, status, value)] = run(childwork.raise_value_error, [()])
    assert (index, status) == (0, "error") and value == "ValueError: sai"
    [(_, status, value)] = run(childwork.raise_read_error, [()])
    assert (status, value) == ("error", "ReadError: Tệp bị hỏng.")


def test_a_worker_over_its_memory_is_stopped():
    [(_, status, _)] = run(childwork.allocate, [(600,)], memory=300 * 1024 * 1024, workers=1)
    assert status == "memory"


def test_killing_takes_the_grandchildren_too(tmp_path):
    outcomes = run(childwork.grandchild_pid_file, [(str(tmp_path),)], seconds=2, workers=1)
    assert outcomes[0][1] == "timeout"
    grandchild = int((tmp_path / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while process.process_alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process.process_alive(grandchild)


def test_process_alive_sends_no_signal(monkeypatch):
    monkeypatch.setattr(os, "kill", None)  # on Windows, os.kill(pid, 0) would stop the process
    assert process.process_alive(os.getpid())
    child = psutil.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process.process_alive(child.pid)


def test_program_killed_with_its_children_on_time_out(tmp_path):
    script = (
        "import subprocess, sys, time, pathlib;"
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"pathlib.Path({str(tmp_path)!r}, 'helper.pid').write_text(str(c.pid)); time.sleep(60)"
    )
    proc = process.start_program([sys.executable, "-c", script], stdout=-1, stderr=-2)
    while not (tmp_path / "helper.pid").exists():
        time.sleep(0.05)
    output, in_time = process.stop_program(proc, timeout=0.5)
    assert not in_time
    helper = int(Path(tmp_path, "helper.pid").read_text())
    assert not process.process_alive(helper)

"""The progress line on a terminal: shown when stderr is one (and the output is not JSON), never otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli_common
from pipeline.config import init_workspace
from tests.docxbuild import proposal_paragraphs, write_docx


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_printer_when_stderr_is_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert isinstance(cli_common.progress_for(as_json=False), cli_common.ProgressPrinter)
    assert cli_common.progress_for(as_json=True) is None  # JSON output stays clean even on a terminal


def test_no_progress_printer_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert cli_common.progress_for(as_json=False) is None


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    for index in range(3):
        write_docx(
            root / "inputs" / f"đề nghị {index}.docx", *proposal_paragraphs(model_name=f"Mô hình {index}")
        )
    return root


def run_check_with_stderr(root: Path, stderr_is_a_terminal: bool) -> str:
    """`dvk check` in a child process whose stderr is a pseudo-terminal (or a pipe); what it wrote there."""
    command = [sys.executable, "-m", "pipeline", "check", "-w", str(root)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if not stderr_is_a_terminal:
        done = subprocess.run(command, capture_output=True, env=env, timeout=120)
        return done.stderr.decode("utf-8")
    import pty

    leader, follower = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    received = bytearray()
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end (EIO on Linux)
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    assert child.wait(timeout=120) == 0
    return received.decode("utf-8")


@pytest.mark.skipif(os.name == "nt", reason="pseudo-terminals are POSIX only (pty)")
def test_dvk_check_draws_progress_on_a_terminal(workspace):
    shown = run_check_with_stderr(workspace, stderr_is_a_terminal=True)
    assert "\rđọc tệp: 3/3 (" in shown
    assert "tệp/giây" in shown


def test_dvk_check_draws_no_progress_into_a_pipe(workspace):
    assert "đọc tệp" not in run_check_with_stderr(workspace, stderr_is_a_terminal=False)

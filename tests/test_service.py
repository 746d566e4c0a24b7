"""The check behind `dvk build` of a large campaign runs in a spawned child: results and errors come back
unchanged."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline import service
from pipeline.config import init_workspace, load_workspace
from pipeline.model import ConfigError, DvkError, ReadError
from pipeline.platform import process
from pipeline.platform.process import run_in_child as in_child

ROOT = Path(__file__).parent.parent


def child_pid_and(value):
    return os.getpid(), value


def raising(exc: BaseException):
    raise exc


def raise_read_error():
    raise ReadError("ZIP_CORRUPT", "Tệp bị hỏng")


def divide_by_zero():
    return 1 / 0


def test_the_result_comes_back_from_another_process():
    pid, value = in_child(child_pid_and, {"mô hình": ["Sổ vàng", 62]})
    assert pid != os.getpid()
    assert value == {"mô hình": ["Sổ vàng", 62]}


@pytest.mark.parametrize("error", [DvkError("Không có thư mục inputs/"), ConfigError("service.year sai")])
def test_errors_for_the_user_keep_their_type_and_message(error):
    with pytest.raises(type(error)) as raised:
        in_child(raising, error)
    assert type(raised.value) is type(error) and str(raised.value) == str(error)


def test_an_error_that_cannot_be_pickled_still_reaches_the_user_as_its_message():
    with pytest.raises(DvkError, match="Tệp bị hỏng"):
        in_child(raise_read_error)


def test_a_bug_in_the_child_is_reported_with_its_traceback():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        in_child(divide_by_zero)


def test_a_child_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="dừng đột ngột"):
        in_child(os._exit, 3)


def test_a_large_campaign_is_checked_in_a_child_and_built(tmp_path, monkeypatch):
    root = init_workspace(tmp_path / "ws")
    shutil.rmtree(root / "inputs")
    shutil.copytree(ROOT / "inputs", root / "inputs")
    calls = []
    real = process.run_in_child
    monkeypatch.setattr(service, "CHILD_MIN_FILES", 1)
    monkeypatch.setattr(process, "run_in_child", lambda *args: calls.append(args[0]) or real(*args))
    result = service.build_campaign(load_workspace(root), as_proposed=True)
    assert calls == [service.recognised_here]
    assert {document.kind for document in result.documents} == {"decision", "list", "certificates", "report"}

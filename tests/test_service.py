"""The check behind `dvk build` runs in a forked child: results and errors come back unchanged."""

from __future__ import annotations

import os

import pytest

from pipeline.model import ConfigError, DvkError, ReadError
from pipeline.service import in_child


def child_pid_and(value):
    return os.getpid(), value


def raising(exc: BaseException):
    raise exc


def test_the_result_comes_back_from_another_process():
    pid, value = in_child(child_pid_and, {"mô hình": ["Sổ vàng", 62]})
    assert pid != os.getpid()
    assert value == {"mô hình": ["Sổ vàng", 62]}


@pytest.mark.parametrize("error", [DvkError("Không có thư mục inputs/"), ConfigError("campaign.year sai")])
def test_errors_for_the_user_keep_their_type_and_message(error):
    with pytest.raises(type(error)) as raised:
        in_child(raising, error)
    assert type(raised.value) is type(error) and str(raised.value) == str(error)


def test_an_error_that_cannot_be_pickled_still_reaches_the_user_as_its_message():
    with pytest.raises(DvkError, match="Tệp bị hỏng"):
        in_child(raising, ReadError("ZIP_CORRUPT", "Tệp bị hỏng"))


def test_a_bug_in_the_child_is_reported_with_its_traceback():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        in_child(lambda: 1 / 0)


def test_a_child_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="dừng đột ngột"):
        in_child(os._exit, 3)

"""The Windows-constraints mode (`--windows-constraints` or DVK_WINDOWS_CONSTRAINTS=1): the suite runs
without what Windows lacks (see pipeline/platform/constraints.py). Applied here, before any test module
imports the pipeline, and inherited by every process the tests start."""

from __future__ import annotations

import os

import pytest

WINDOWS_CONSTRAINTS = "DVK_WINDOWS_CONSTRAINTS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--windows-constraints",
        action="store_true",
        help="simulate Windows' limits: spawn only; no SIGALRM, killpg, O_NONBLOCK, resource, fcntl",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--windows-constraints"):
        os.environ[WINDOWS_CONSTRAINTS] = "1"
    if os.environ.get(WINDOWS_CONSTRAINTS) == "1":
        from pipeline.platform import constraints

        constraints.apply()
        if hasattr(config.option, "timeout_method"):
            config.option.timeout_method = "thread"  # pytest-timeout: no SIGALRM on Windows


def pytest_report_header(config: pytest.Config) -> str | None:
    if os.environ.get(WINDOWS_CONSTRAINTS) == "1":
        return "Windows constraints: on (spawn only; no fork, SIGALRM, killpg, O_NONBLOCK, resource, fcntl)"
    return None


@pytest.fixture
def hold_open(monkeypatch, tmp_path_factory):
    """`hold_open(path)`: stand for Excel or Word holding `path` open, in either mode."""
    from pipeline.platform import constraints

    simulated = constraints.active()
    if not simulated:
        monkeypatch.setenv(constraints.HELD_VAR, str(tmp_path_factory.mktemp("held") / "held.txt"))
        constraints.install_file_refusals()
    held = []

    def hold(path):
        constraints.hold(path)
        held.append(path)

    yield hold
    for path in held:
        constraints.release(path)
    if not simulated:
        constraints.remove_file_refusals()

"""Work for child processes in the tests: module-level functions, since spawned children import what
they run by name (no lambdas, no closures)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pipeline.check import analyse_file
from pipeline.model import Analysis, ReadError

# A worker's start-up made slow on purpose (a busy PC, antivirus scanning each module it loads): spawned
# workers import this module before their first task. Set only by the test that needs it.
SLOW_START_ENV = "DVK_TEST_SLOW_START"
time.sleep(float(os.environ.get(SLOW_START_ENV, "0")))


def echo(value: object, suffix: str = "") -> str:
    return f"{value}{suffix}"


def sleep_then(seconds: float, value: object) -> object:
    time.sleep(seconds)
    return value


def die(code: int) -> None:
    os._exit(code)


def raise_read_error() -> None:
    raise ReadError("ZIP_CORRUPT", "Tệp bị hỏng.", "phần word/document.xml")


def raise_value_error() -> None:
    raise ValueError("sai")


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    for offset in range(0, len(block), 4096):  # touched, so it counts as resident
        block[offset] = 1
    time.sleep(5)
    return len(block)


def grandchild_pid_file(folder: str) -> None:
    """Start a grandchild that sleeps, write its id, then hang: killing must take both."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    Path(folder, "grandchild.pid").write_text(str(child.pid))
    time.sleep(60)


def hang_on_marked(path: Path, rel: str, sha256: str, config, cache_dir) -> Analysis:  # noqa: ANN001
    """The check's reader, except that a file named treo-*.docx hangs it for good."""
    if Path(rel).name.startswith("treo-"):
        time.sleep(3600)
    return analyse_file(path, rel, sha256, config, cache_dir)


def my_parent_pid() -> int:
    return os.getppid()


def started_slowly(value: object) -> object:
    """A task of its own function, so that its workers are new ones started under SLOW_START_ENV."""
    return value

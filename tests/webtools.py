"""Shared by the web tests: a checked copy of the sample campaign, a client bound like the server, tokens;
for the browser tests, Debian's chromium and its arguments, and a free port."""

from __future__ import annotations

import html
import re
import shutil
import socket
import time
from pathlib import Path

from starlette.testclient import TestClient

from pipeline import service
from pipeline.appraise import read_rows
from pipeline.config import Workspace, load_workspace
from pipeline.web.app import create_app

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


LOCAL = "http://127.0.0.1:8765"


def sample_workspace(folder: Path, decided: bool = True) -> Workspace:
    """The bundled samples (inputs/) in a new workspace, checked once (workbook and report written);
    `decided`: the committee then agreed with every proposal (else every result is still pending)."""
    root = folder / "ws"
    shutil.copytree(REPO / "inputs", root / "inputs")
    workspace = load_workspace(root)
    service.check(workspace)
    if decided:
        ids = [row["Mã đề nghị"] for row in read_rows(service.workbook_path(workspace))]
        assert service.agree_as_proposed(workspace, ids).skipped == []
    return workspace


def copy_workspace(template: Workspace, folder: Path) -> Workspace:
    root = Path(shutil.copytree(template.root, folder / "ws"))
    return load_workspace(root)


def client(workspace: Workspace, **options) -> TestClient:
    return TestClient(create_app(workspace, **options), base_url=LOCAL, follow_redirects=False)


def token(web: TestClient, url: str = "/ho-so") -> str:
    """The CSRF token a page's forms carry (the page also sets the cookie it is tied to)."""
    page = web.get(url)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, f"{url} has no form token"
    return found.group(1)


def notice(web: TestClient, response) -> str:
    """The text of the notice shown on the page a POST redirected to."""
    assert response.status_code == 303, response.text[:500]
    page = web.get(response.headers["location"])
    found = re.search(r'<div class="notice[^"]*"[^>]*>(.*?)</div>', page.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def wait_for_build(web: TestClient, location: str, seconds: float = 120) -> dict:
    job = location.split("lan=")[1]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = web.get(f"/van-ban/tien-do?lan={job}").json()
        if state["finished"]:
            return state
        time.sleep(0.1)
    raise AssertionError("the build did not finish")

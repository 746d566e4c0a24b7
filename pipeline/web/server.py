"""Start the local server (uvicorn) for one workspace and open the browser on it."""

from __future__ import annotations

import threading
import webbrowser

from pipeline.config import Workspace, is_workspace
from pipeline.model import ConfigError, DvkError
from pipeline.platform.network import probe_listen
from pipeline.web.security import configured_password_hash

LOCAL = ("127.0.0.1", "localhost", "::1")


def serve(
    workspace: Workspace, host: str, port: int, open_browser: bool, announce, progress=None, warn=None
) -> None:
    """Serve until interrupted. A host other than this computer needs a password (dvk.toml or env)."""
    import uvicorn

    from pipeline.web.app import create_app

    password_hash = configured_password_hash(workspace.config.raw)
    if host not in LOCAL and password_hash is None:
        raise ConfigError(
            f"Mở trang cho máy khác ({host}) cần mật khẩu: chạy `dvk serve --hash-password`, chép dòng "
            "password_hash vào bảng [serve] của dvk.toml (hoặc biến môi trường DVK_PASSWORD_HASH)."
        )
    hosts = () if host in LOCAL else None  # on a LAN the login protects; clients name the host their way
    require_free_port(host, port)
    app = create_app(workspace, password_hash, hosts)
    first_run = not is_workspace(workspace.root)  # the page offers to create one (as `dvk init` does)
    note = "" if first_run else prepare(workspace, progress)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    start = "tao-thu-muc" if first_run else "ho-so"
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/{start}"
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    announce(url)
    if note and warn:
        warn(note)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    server.run()


def prepare(workspace: Workspace, progress=None) -> str:
    """Check as `dvk check` does, so the pages start from an up-to-date workbook, and read what the first
    screens show before the address is given. A workbook that cannot be written (open in Excel) does not
    keep the page from opening: the files are still checked, and the returned note says so."""
    from pipeline.web import pages

    note = ""
    try:
        pages.check(workspace, progress)
    except ConfigError:
        raise
    except DvkError as exc:
        note = f"Chưa cập nhật được sổ khi mở trang: {exc}"
    pages.prepare_pages(workspace)
    return note


def require_free_port(host: str, port: int) -> None:
    """A clear message instead of uvicorn's log line when the port is taken (often: dvk serve is running)."""
    try:
        probe_listen(host, port)
    except OSError as exc:
        raise DvkError(
            f"Không mở được cổng {port} trên {host} ({exc.strerror or exc}). Có thể dvk serve đang chạy: "
            f"mở http://127.0.0.1:{port}/ trên trình duyệt, hoặc chọn cổng khác với --port."
        ) from exc

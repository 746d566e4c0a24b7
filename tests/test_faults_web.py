"""Faults of the second hostile probe (issue 19) on the page, the workbooks and what dvk shows: formula
injection, control and bidirectional characters in names, lost updates, a full disk, login guessing
in parallel, a restart over a closed keep-alive connection. Each test failed before its fix.
"""

from __future__ import annotations

import socket
import sys

import pytest

from pipeline.model import DvkError
from pipeline.web.server import require_free_port

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

"""Whether a TCP port can be listened on, the way the server itself will listen.

POSIX keeps a closed connection's address in TIME_WAIT for about a minute; a server that just stopped
while a browser held a keep-alive connection leaves one. uvicorn listens with SO_REUSEADDR, which lets
it bind over TIME_WAIT, so the probe must too, or `dvk serve` refuses a port it could use. On Windows
SO_REUSEADDR means something else (another program may take a port in use), so it is never set there:
Windows does not block a listening bind on TIME_WAIT in the first place.
"""

from __future__ import annotations

import os
import socket


def probe_listen(host: str, port: int) -> None:
    """Bind `host`:`port` as a listening server would, then let it go; raises OSError when taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name != "nt":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        probe.listen(1)

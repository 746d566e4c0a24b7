"""dvk's output is UTF-8 wherever it goes.

Redirected to a file or a pipe on Windows (`dvk check > ket-qua.txt`, a scheduled .bat), Python writes
in the ANSI code page (cp1258 for Vietnamese), which cannot hold every Vietnamese letter: the run would
end in UnicodeEncodeError after its work was done. A real console is left to Click, which writes to it
through the wide-character API.
"""

from __future__ import annotations

import io
import sys


def use_utf8() -> None:
    """Make stdout and stderr UTF-8 (a character that still cannot be written becomes "?")."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.replace("-", "").lower() != "utf8":
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):  # a stream already closed or not reconfigurable: leave it
                pass

"""File and folder names given by a user (an uploaded file, a unit's folder): made safe to create.

A name from a browser is untrusted: it may carry a path ("../../x", "C:\\x", "a/b"), control
characters, characters Windows refuses (<>:"|?*), a trailing dot or space (Windows drops them, so
two names would meet), a device name (CON, NUL, COM1 … with any extension: Windows opens the device,
not a file), or a leading "." or "~$" (the check skips hidden and Word lock files, so the upload
would silently never be read). Every name is reduced to one safe path segment, never refused for
its spelling alone.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 120  # leaves room under Windows' 260-character paths for a workspace and a unit folder
FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|(?:COM|LPT)[0-9¹²³])", re.IGNORECASE)


def safe_name(raw: str, fallback: str = "tep-tai-len") -> str:
    """One path segment from `raw`: its last component, NFC, without forbidden characters, not hidden,
    not a Windows device name, at most MAX_NAME_CHARS characters (the extension kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]  # a browser may send the whole client path
    name = FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    name = re.sub(r"^(?:[.~$ ]+)", "", name).rstrip(". ")
    if not name or name.strip("._ ") == "":
        name = fallback
    stem, dot, suffix = name.partition(".")
    if RESERVED.fullmatch(stem.rstrip(" ")):
        name = f"_{name}"
    return shorten(name)


def shorten(name: str) -> str:
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        return name[:MAX_NAME_CHARS].rstrip(". ")
    return stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip(". ") + "." + suffix


def numbered(name: str, taken: int) -> str:
    """The `taken`-th free alternative of `name`: "Báo cáo (2).docx"."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return f"{name} ({taken})"
    return f"{stem} ({taken}).{suffix}"


__all__ = ["safe_name", "numbered", "MAX_NAME_CHARS"]

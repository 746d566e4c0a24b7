"""Where LibreOffice is: the DVK_SOFFICE environment variable, `[tools] soffice` in dvk.toml, the PATH,
then the places its installer puts it (Program Files on Windows, /Applications on macOS, /opt on Linux)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV_VAR = "DVK_SOFFICE"
CONFIG_VAR = "DVK_SOFFICE_FROM_CONFIG"  # `[tools] soffice` of the workspace, handed to worker processes
NAMES = ("soffice", "libreoffice")


def install_locations() -> list[Path]:
    """The usual install places of LibreOffice's executable on this system."""
    places = []
    for variable in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        root = os.environ.get(variable)
        if root:
            places.append(Path(root) / "LibreOffice" / "program" / "soffice.exe")
            if variable == "LOCALAPPDATA":
                places.append(Path(root) / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    places.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    places.extend(sorted(Path("/opt").glob("libreoffice*/program/soffice")))
    return list(dict.fromkeys(places))


def use_configured(path: str | None) -> None:
    """Remember the workspace's `[tools] soffice` for this process and the workers it starts."""
    if path:
        os.environ[CONFIG_VAR] = path
    else:
        os.environ.pop(CONFIG_VAR, None)


def find() -> str | None:
    """The LibreOffice executable, or None. An explicit setting that points nowhere is not overridden."""
    for variable in (ENV_VAR, CONFIG_VAR):
        explicit = os.environ.get(variable, "").strip().strip('"')
        if explicit:
            return explicit if runnable(explicit) else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((str(place) for place in install_locations() if runnable(str(place))), None)


def runnable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def where_looked() -> str:
    """Where `find` looked, for the message that says LibreOffice was not found."""
    for variable, label in (
        (ENV_VAR, "biến môi trường DVK_SOFFICE"),
        (CONFIG_VAR, "[tools] soffice trong dvk.toml"),
    ):
        explicit = os.environ.get(variable, "").strip().strip('"')
        if explicit:
            return f"{label} chỉ tới {explicit}, nhưng không có tệp chạy được ở đó"
    places = ", ".join(str(place) for place in install_locations())
    return f"đã tìm lệnh soffice/libreoffice trong PATH và ở {places}"


def install_hint() -> str:
    """How to install LibreOffice, in the terms of this system."""
    if os.name == "nt":
        how = (
            "Tải và cài LibreOffice từ https://www.libreoffice.org/download/ (bản Windows x86-64), "
            "rồi chạy lại"
        )
    elif Path("/Applications").is_dir():
        how = "Cài LibreOffice từ https://www.libreoffice.org/download/ (bản macOS), rồi chạy lại"
    else:
        how = "Cài LibreOffice: sudo apt-get install libreoffice-writer (Debian/Ubuntu)"
    return (
        f'{how}; nếu đã cài ở chỗ khác, ghi đường dẫn tệp soffice vào mục [tools] soffice = "…" '
        "của dvk.toml (hoặc biến môi trường DVK_SOFFICE)."
    )

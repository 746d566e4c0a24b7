"""The double-clickable launcher `dvk init` puts in a workspace (Windows: a .bat a clerk opens).

Written on every system (a workspace may sit on a shared drive and be opened from Windows). It runs
`dvk run` in its own folder, and, when this dvk has the web page, offers it too; the window stays open
so the result can be read. `chcp 65001` makes the console show Vietnamese text.
"""

from __future__ import annotations

from pathlib import Path

LAUNCHER_NAME = "chay-dvk.bat"


def launcher_text(has_web: bool) -> str:
    lines = [
        "@echo off",
        "chcp 65001 >nul",
        'cd /d "%~dp0"',
        'set "DVK=dvk"',
        'where dvk >nul 2>nul || set "DVK=py -m pipeline"',
    ]
    if has_web:
        lines += [
            "echo 1. Kiểm tra hồ sơ và lập văn bản (dvk run)",
            "echo 2. Mở trang làm việc trên trình duyệt (dvk serve)",
            'choice /c 12 /n /m "Chọn 1 hoặc 2: "',
            "if errorlevel 2 goto web",
        ]
    lines += ["%DVK% run", "echo.", "echo Xong. Kết quả nằm trong thư mục outputs.", "pause", "exit /b"]
    if has_web:
        lines += [":web", "%DVK% serve", "pause"]
    return "\r\n".join(lines) + "\r\n"


def write_launcher(root: Path, has_web: bool) -> Path:
    """Create the launcher; like everything `dvk init` makes, an existing one is left as it is."""
    path = Path(root) / LAUNCHER_NAME
    if not path.exists():
        path.write_bytes(launcher_text(has_web).encode("utf-8"))
    return path

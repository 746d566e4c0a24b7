"""A document's event log (`dvk-events.jsonl` in its bag), chained so that a change to it shows.

Each line is one JSON event that carries `prev`, the SHA-256 of the previous line's bytes (the first
carries `prev = ""`). The register keeps the hash of the last line (the head) for every bag, so a
deleted line, an edited line, a log rewritten from scratch or a deleted log all fail `dvk archive
verify`: the chain breaks, or its head is not the one the register holds.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pipeline import __version__
from pipeline.archive.register import now_iso

EVENTS_NAME = "dvk-events.jsonl"  # an unlisted tag file (RFC 8493 §2.2.4): appendable after bagging


def event(name: str, outcome: str, **detail: object) -> dict:
    """One event: what happened, when, with which tool, and the outcome (the chain link is added on write)."""
    record = {"time": now_iso(), "event": name, "outcome": outcome, "tool": f"dvk {__version__}"}
    return {**record, "detail": detail} if detail else record


def line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append_events(folder: Path, events: list[dict]) -> str:
    """Append `events` to the folder's log, each linked to the line before it; return the new head."""
    path = folder / EVENTS_NAME
    head = log_head(path)
    with open(path, "a", encoding="utf-8", newline="\n") as log:
        for record in events:
            line = json.dumps({**record, "prev": head}, ensure_ascii=False)
            log.write(line + "\n")
            head = line_hash(line)
        log.flush()
        os.fsync(log.fileno())
    return head


def log_head(path: Path) -> str:
    """The hash of the log's last line ("" for a log that does not exist yet)."""
    if not path.exists():
        return ""
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line]
    return line_hash(lines[-1]) if lines else ""


def read_events(folder: Path) -> list[dict]:
    path = folder / EVENTS_NAME
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def chain_breaks(folder: Path, head: str | None) -> list[str]:
    """What is wrong with the folder's log, in Vietnamese (empty: intact and ending at `head`).

    `head` is the register's record; None for a bag filed before logs were chained (it is only read).
    """
    path = folder / EVENTS_NAME
    if not path.is_file():
        return [f"thiếu nhật ký sự kiện {EVENTS_NAME}"]
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"không đọc được nhật ký sự kiện {EVENTS_NAME} ({exc})"]
    if lines[-1] != "":
        return [f"nhật ký sự kiện {EVENTS_NAME} bị cắt hoặc sửa ở dòng cuối"]
    lines.pop()
    if head is None:
        return []
    link, chained = "", False
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except ValueError:
            return [f"dòng {number} của nhật ký sự kiện không phải JSON hợp lệ"]
        # Lines written before logs were chained carry no link; every line after the first link must.
        chained = chained or not isinstance(record, dict) or "prev" in record
        if chained and (not isinstance(record, dict) or record.get("prev") != link):
            return [f"dòng {number} của nhật ký sự kiện không nối tiếp dòng trước (đã bị sửa, xóa hoặc chèn)"]
        link = line_hash(line)
    if link != head:
        return [f"nhật ký sự kiện {EVENTS_NAME} không khớp sổ đăng ký (đã bị xóa bớt hoặc viết lại)"]
    return []

"""`dvk archive verify`: every bag against the register, every file against its bag."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import bagit

from pipeline.archive.bags import BAG_TAG_FILES, QUARANTINE, STAGING, SUPERSEDED, archive_root
from pipeline.archive.eventlog import EVENTS_NAME, chain_breaks
from pipeline.archive.register import (
    file_sha256,
    format_number,
    list_issued,
    list_superseded,
    open_register,
    relative_path,
)
from pipeline.config import Workspace
from pipeline.model import ERROR, Problem


@dataclass(frozen=True)
class Expected:
    """What the register says one bag must hold."""

    label: str  # "01-QĐ/TU", or "… (bản đã bị thay)"
    sha256: str  # the archived original
    head: str | None  # the head of its event log; None for a bag filed before logs were chained
    info: dict[str, str]  # bag-info.txt values that must match the register


def verify_archive(workspace: Workspace) -> list[Problem]:
    """Re-hash every bag against its manifests and the register; check each bag's own records (tag
    files, bag-info, chained event log); report each change, missing or extra file."""
    conn = open_register(workspace)
    try:
        problems = _register_integrity(conn)
        expected: dict[str, Expected] = {}
        for issued in list_issued(conn):
            label = format_number(workspace.config, issued.number, issued.symbol)
            info = _expected_info(issued.number, issued.symbol, issued.sha256)
            expected[issued.archive_path] = Expected(label, issued.sha256, issued.events_head, info)
        for old in list_superseded(conn):
            label = format_number(workspace.config, old["number"], old["symbol"])
            info = _expected_info(old["number"], old["symbol"], old["sha256"])
            expected[old["archive_path"]] = Expected(
                f"{label} (bản đã bị thay)", old["sha256"], old["events_head"], info
            )
    finally:
        conn.close()
    for rel, record in sorted(expected.items()):
        problems += check_bag(workspace.root / rel, rel, record)
    return problems + find_extra(workspace, set(expected))


def _expected_info(number: int, symbol: str, sha256: str) -> dict[str, str]:
    return {"DVK-Number": str(number), "DVK-Symbol": symbol, "DVK-Original-SHA256": sha256}


def _register_integrity(conn) -> list[Problem]:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result == "ok":
        return []
    return [Problem("register-corrupt", ERROR, f"Sổ đăng ký bị hỏng: {result}", "dvk-register.sqlite3")]


def check_bag(bag_dir: Path, rel: str, expected: Expected) -> list[Problem]:
    """Every file listed in the bag's manifests, re-hashed; files not listed; the bag's own records
    (every tag file present and in the tag manifest, bag-info as in the register, the event log's
    chain ending at the register's head); the register's hash of the original."""
    label = expected.label
    if not bag_dir.is_dir():
        return [Problem("archive-missing", ERROR, f"Thiếu gói lưu trữ của văn bản {label}.", rel)]
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        return [Problem("archive-bag-invalid", ERROR, f"Gói lưu trữ của văn bản {label} hỏng: {exc}", rel)]
    problems = []
    for name, hashes in sorted(bag.entries.items()):
        path = bag_dir / name
        if not path.is_file():
            problems.append(
                Problem("archive-file-missing", ERROR, f"Thiếu tệp {name} trong gói của {label}.", rel)
            )
        elif file_sha256(path) != hashes.get("sha256", "").lower():
            message = f"Tệp {name} trong gói của {label} đã bị thay đổi (mã băm SHA-256 khác lúc lưu trữ)."
            problems.append(Problem("archive-file-changed", ERROR, message, rel))
    problems += _unlisted_files(bag, bag_dir, rel, label)
    problems += _bag_records(bag, bag_dir, rel, expected)
    payloads = [bag_dir / name for name in bag.payload_files()]
    if not any(path.is_file() and file_sha256(path) == expected.sha256 for path in payloads):
        message = f"Bản lưu trong gói của {label} không khớp mã băm ghi trong sổ đăng ký."
        problems.append(Problem("archive-register-mismatch", ERROR, message, rel))
    return problems


def _bag_records(bag: bagit.Bag, bag_dir: Path, rel: str, expected: Expected) -> list[Problem]:
    """The bag's own records: tag files present and covered by the tag manifest, bag-info, event log."""
    label, found = expected.label, []
    for name in sorted(BAG_TAG_FILES - {EVENTS_NAME}):
        if not (bag_dir / name).is_file():
            found.append(f"thiếu tệp {name}")
        elif name != "tagmanifest-sha256.txt" and "sha256" not in bag.entries.get(name, {}):
            found.append(f"tệp {name} không có trong tagmanifest-sha256.txt")
    for key, value in expected.info.items():
        if bag.info.get(key) != value:
            found.append(f"bag-info.txt ghi {key} là “{bag.info.get(key, '')}”, sổ đăng ký ghi “{value}”")
    found += chain_breaks(bag_dir, expected.head)
    return [
        Problem("archive-record-damaged", ERROR, f"Hồ sơ của gói {label} bị hỏng: {what}.", rel)
        for what in found
    ]


def _unlisted_files(bag: bagit.Bag, bag_dir: Path, rel: str, label: str) -> list[Problem]:
    listed = set(bag.entries)
    extra = [name for name in bag.payload_files() if name not in listed]
    for child in sorted(bag_dir.iterdir()):
        if child.name == "data" and child.is_dir() or child.name in BAG_TAG_FILES and child.is_file():
            continue
        extra.append(child.name)
    return [
        Problem(
            "archive-extra", ERROR, f"Tệp lạ {name} trong gói của {label} (không có trong danh mục).", rel
        )
        for name in sorted(extra)
    ]


def find_extra(workspace: Workspace, expected: set[str]) -> list[Problem]:
    """Folders and files under outputs/archive that the register does not know."""
    root = archive_root(workspace)
    if not root.is_dir():
        return []
    extra = []
    for child in sorted(root.iterdir()):
        if child.name in (STAGING, QUARANTINE) and child.is_dir():
            continue  # work area of running (or killed) runs; refused files (never in the register)
        groups = sorted(child.iterdir()) if child.name == SUPERSEDED and child.is_dir() else [child]
        for group in groups:
            if re.fullmatch(r"\d{4}", group.name) and group.is_dir():
                extra += [
                    item for item in sorted(group.iterdir()) if relative_path(workspace, item) not in expected
                ]
            else:
                extra.append(group)
    return [
        Problem(
            "archive-extra",
            ERROR,
            f"{relative_path(workspace, item)} nằm trong kho lưu trữ nhưng không có trong sổ đăng ký.",
            relative_path(workspace, item),
        )
        for item in extra
    ]

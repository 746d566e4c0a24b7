"""`dvk archive verify`: every bag against the register, every file against its bag; the register's
date, subject and signer against what each bag holds; the numbered copies; the quarantined files."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import bagit

from pipeline.archive.bags import BAG_TAG_FILES, QUARANTINE, STAGING, SUPERSEDED, archive_root
from pipeline.archive.entries import title_and_subject
from pipeline.archive.eventlog import EVENTS_NAME, chain_breaks, log_head, read_events
from pipeline.archive.final import check_final_copies, expected_copies
from pipeline.archive.register import (
    ATTACHED_NAMES,
    file_sha256,
    format_day,
    format_number,
    list_attached,
    list_issued,
    list_superseded,
    open_register,
    relative_path,
)
from pipeline.config import Config, Workspace
from pipeline.model import ERROR, Problem


@dataclass(frozen=True)
class Expected:
    """What the register says one bag must hold."""

    label: str  # "01-QĐ/TU", "danh sách kèm theo 01-QĐ/TU", or "… (bản đã bị thay)"
    sha256: str  # the archived original
    head: str | None  # the head of its event log; None for a bag filed before logs were chained
    info: dict[str, str]  # bag-info.txt values that must match the register
    recorded: dict[str, str] = field(default_factory=dict)  # register values bag-info and the log also hold


# The register's values that a bag also holds: (register field, its Vietnamese name, the bag-info key,
# the event and detail key of the bag's log that hold it too). An edit of the register shows here.
RECORDED_FIELDS = (
    ("date", "ngày", "DVK-Date", ("registered", "date")),
    ("subject", "trích yếu", "External-Description", None),
    ("signer", "người ký", "DVK-Signer", ("signature checked", "signer")),
)


def verify_archive(workspace: Workspace) -> list[Problem]:
    """Re-hash every bag against its manifests and the register; check each bag's own records (tag
    files, bag-info, chained event log) and the register's values they hold; the numbered copies the
    register records; the quarantined files; report each change, missing or extra file."""
    conn = open_register(workspace)
    try:
        problems = _register_integrity(conn)
        expected = _expected_bags(workspace.config, conn)
        copies = expected_copies(workspace, conn)
    finally:
        conn.close()
    for rel, record in sorted(expected.items()):
        problems += check_bag(workspace.root / rel, rel, record)
    problems += check_final_copies(workspace, copies)
    problems += check_quarantine(workspace)
    return problems + find_extra(workspace, set(expected))


def _expected_bags(config: Config, conn: sqlite3.Connection) -> dict[str, Expected]:
    expected: dict[str, Expected] = {}
    numbered = {issued.id: issued for issued in list_issued(conn)}
    for issued in numbered.values():
        label = format_number(config, issued.number, issued.symbol)
        info = _expected_info(issued.number, issued.symbol, issued.sha256)
        recorded = _recorded(issued.date, title_and_subject(issued.kind, issued.subject), issued.signer)
        expected[issued.archive_path] = Expected(label, issued.sha256, issued.events_head, info, recorded)
    for attached in list_attached(conn):
        decision = numbered[attached.issued_id]
        printed = format_number(config, decision.number, decision.symbol)
        label = f"{ATTACHED_NAMES[attached.kind]} kèm theo {printed}"
        info = _expected_info(decision.number, decision.symbol, attached.sha256)
        recorded = _recorded(decision.date, attached.subject, attached.signer)
        expected[attached.archive_path] = Expected(
            label, attached.sha256, attached.events_head, info, recorded
        )
    for old in list_superseded(conn):
        label = format_number(config, old["number"], old["symbol"])
        if old["attached_code"]:
            label = f"{ATTACHED_NAMES[old['kind']]} kèm theo {label}"
        info = _expected_info(old["number"], old["symbol"], old["sha256"])
        # The old file's signer is not kept; its date and subject are the document's.
        recorded = _recorded(date.fromisoformat(old["date"]), title_and_subject(old["kind"], old["subject"]))
        expected[old["archive_path"]] = Expected(
            f"{label} (bản đã bị thay)", old["sha256"], old["events_head"], info, recorded
        )
    return expected


def _expected_info(number: int, symbol: str, sha256: str) -> dict[str, str]:
    return {"DVK-Number": str(number), "DVK-Symbol": symbol, "DVK-Original-SHA256": sha256}


def _recorded(day: date, subject: str, signer: str | None = None) -> dict[str, str]:
    values = {"date": day.isoformat(), "subject": subject}
    if signer is not None:
        values["signer"] = signer
    return {key: " ".join(value.split()) for key, value in values.items()}


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
    problems += _register_edits(bag, bag_dir, rel, expected)
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


def _register_edits(bag: bagit.Bag, bag_dir: Path, rel: str, expected: Expected) -> list[Problem]:
    """The register's date, subject and signer against what the bag's bag-info and event log hold."""
    events = _logged_events(bag_dir)
    problems = []
    for column, name, key, witness in RECORDED_FIELDS:
        value = expected.recorded.get(column)
        if value is None:
            continue
        found = []
        if key in bag.info and " ".join(str(bag.info[key]).split()) != value:
            found.append(("bag-info.txt", " ".join(str(bag.info[key]).split())))
        logged = (
            [
                str(record["detail"][witness[1]])
                for record in events
                if record.get("event") == witness[0] and record["detail"].get(witness[1])
            ]
            if witness
            else []
        )
        if logged and " ".join(logged[-1].split()) != value:
            found.append(("nhật ký sự kiện của gói", " ".join(logged[-1].split())))
        if found:
            message = _edited_message(name, expected.label, _shown(column, value), column, found)
            problems.append(Problem("register-edited", ERROR, message, rel))
    return problems


def _edited_message(name: str, label: str, value: str, column: str, found: list[tuple[str, str]]) -> str:
    if len({other for _, other in found}) == 1:
        witnesses = f"{' và '.join(where for where, _ in found)} ghi “{_shown(column, found[0][1])}”"
    else:
        witnesses = " và ".join(f"{where} ghi “{_shown(column, other)}”" for where, other in found)
    return (
        f"Sổ đăng ký ghi {name} của văn bản {label} là “{value}”, nhưng {witnesses}: "
        "sổ đăng ký hoặc gói lưu trữ đã bị sửa."
    )


def _shown(column: str, value: str) -> str:
    """A date as printed (23/12/2020); anything else as it is."""
    if column == "date":
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def _logged_events(folder: Path) -> list[dict]:
    """The log's events that carry details; none when it cannot be read (chain_breaks says why)."""
    try:
        records = read_events(folder)
    except (OSError, ValueError):
        return []
    return [r for r in records if isinstance(r, dict) and isinstance(r.get("detail"), dict)]


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


def check_quarantine(workspace: Workspace) -> list[Problem]:
    """Each refused file kept apart: its bytes as refused (its folder is named after their hash, its
    log holds the hash) and its event log present, chained and not empty."""
    folder = archive_root(workspace) / QUARANTINE
    problems = []
    for kept in sorted(folder.iterdir()) if folder.is_dir() else []:
        rel = relative_path(workspace, kept)
        if not kept.is_dir():
            message = f"{rel} nằm trong thư mục giữ riêng nhưng không phải tệp dvk giữ lại."
            problems.append(Problem("archive-extra", ERROR, message, rel))
            continue
        problems += _quarantine_log(kept, rel)
        problems += _quarantined_file(kept, rel)
    return problems


def _quarantine_log(kept: Path, rel: str) -> list[Problem]:
    """No register head is kept for a refused file: its log must be there, readable, chained from its
    first line, and not empty (it holds at least the file's hash and the refusal)."""
    try:
        head = log_head(kept / EVENTS_NAME)
    except (OSError, UnicodeDecodeError):
        head = None  # chain_breaks says it cannot be read
    broken = chain_breaks(kept, head)
    if not broken and head == "":
        broken = [f"nhật ký sự kiện {EVENTS_NAME} trống"]
    return [
        Problem(
            "quarantine-record-damaged",
            ERROR,
            f"Nhật ký sự kiện của tệp giữ riêng trong {rel} bị hỏng: {what}.",
            rel,
        )
        for what in broken
    ]


def _quarantined_file(kept: Path, rel: str) -> list[Problem]:
    pdfs = [path for path in sorted(kept.iterdir()) if path.name != EVENTS_NAME]
    if not pdfs:
        return [Problem("quarantine-file-missing", ERROR, f"Thiếu tệp bị từ chối trong {rel}.", rel)]
    logged = {
        str(record["detail"].get("sha256"))
        for record in _logged_events(kept)
        if record.get("event") == "hashed"
    }
    problems = []
    for index, path in enumerate(pdfs):
        digest = file_sha256(path) if path.is_file() else ""
        if index > 0:
            message = f"Tệp lạ {path.name} trong {rel} (dvk chỉ giữ một tệp mỗi thư mục)."
            problems.append(Problem("archive-extra", ERROR, message, rel))
        elif digest[:16] != kept.name or (logged and digest not in logged):
            message = (
                f"Tệp {path.name} giữ riêng trong {rel} đã bị thay đổi (mã băm SHA-256 khác lúc bị từ chối)."
            )
            problems.append(Problem("quarantine-file-changed", ERROR, message, rel))
    return problems


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

"""BagIt bags: staged, filled, moved into place, superseded; the archive's folders."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path

import bagit

from pipeline import __version__
from pipeline.archive.entries import title_and_subject
from pipeline.archive.eventlog import EVENTS_NAME, append_events, event
from pipeline.archive.pdf import PdfFacts
from pipeline.archive.register import Attached, Issued, file_sha256, format_number, relative_path
from pipeline.config import Config, Workspace
from pipeline.model import DvkError
from pipeline.platform import files
from pipeline.platform.process import process_alive

ARCHIVE_DIR = "archive"
STAGING = ".staging"
SUPERSEDED = "superseded"
QUARANTINE = "quarantine"  # refused tampered files, kept with their events; never numbered
# Every tag file a bag dvk makes holds, and nothing else (a missing or an extra one fails verify).
BAG_TAG_FILES = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", EVENTS_NAME}
# Test hook (documented in tests/test_archive.py): seconds to pause halfway through copying the
# original into the staging bag, so a test can kill a run mid-copy.
SLOW_COPY_ENV = "DVK_TEST_SLOW_COPY"


def archive_root(workspace: Workspace) -> Path:
    return workspace.outputs / ARCHIVE_DIR


def stage_bag(
    workspace: Workspace, data: bytes, facts: PdfFacts, issued: Issued, events: list[dict], staging: Path
) -> tuple[Path, str]:
    """Build and check the bag in the staging folder: the original bytes, SHA-256 manifests, metadata.
    Returns the bag and the head of its event log."""
    bag_dir = staging / "bag"
    bag_dir.mkdir()
    payload = bag_dir / f"{Path(issued.archive_path).name}.pdf"
    copy_bytes(data, payload)
    bag = bagit.make_bag(str(bag_dir), bag_info=bag_info(workspace.config, issued), checksums=["sha256"])
    events.append(event("bagged", "ok", payload=f"data/{payload.name}"))
    try:
        bag.validate()
    except bagit.BagError as exc:
        raise DvkError(f"Gói lưu trữ vừa tạo không khớp mã băm ({exc}); chưa ghi gì vào sổ.") from exc
    if file_sha256(bag_dir / "data" / payload.name) != facts.sha256:
        raise DvkError(f"Bản chép của {facts.name} khác bản gốc; chưa ghi gì vào sổ.")
    events.append(event("fixity checked", "ok", sha256=facts.sha256))
    printed = format_number(workspace.config, issued.number, issued.symbol)
    events.append(event("registered", "ok", number=printed, date=issued.date.isoformat()))
    return bag_dir, append_events(bag_dir, events)


def copy_bytes(data: bytes, target: Path) -> None:
    """Write the original bytes, unchanged, and fsync. See SLOW_COPY_ENV for the crash-test pause."""
    half = len(data) // 2
    with open(target, "xb") as out:
        out.write(data[:half])
        out.flush()
        delay = os.environ.get(SLOW_COPY_ENV)
        if delay:
            time.sleep(float(delay))
        out.write(data[half:])
        out.flush()
        os.fsync(out.fileno())


def bag_info(config: Config, issued: Issued) -> dict[str, str]:
    """bag-info.txt: the decision's metadata, one line each (BagIt tag values cannot span lines)."""
    values = {
        "Source-Organization": config.issuer["name"],
        "External-Identifier": format_number(config, issued.number, issued.symbol),
        "External-Description": title_and_subject(issued.kind, issued.subject),
        "DVK-Document-Code": issued.code or "",
        "DVK-Number": str(issued.number),
        "DVK-Symbol": issued.symbol,
        "DVK-Numbering-Scope": issued.scope,
        "DVK-Date": issued.date.isoformat(),
        "DVK-Signer": issued.signer,
        "DVK-Signature": issued.signature,
        "DVK-Original-Filename": issued.file_name,
        "DVK-Original-SHA256": issued.sha256,
        "Bag-Software-Agent": f"dvk {__version__} (bagit-python {bagit.VERSION})",
    }
    return {key: " ".join(str(value).split()) for key, value in values.items()}


class Moves:
    """Renames made while filing one document, undone in reverse when the register does not commit."""

    def __init__(self) -> None:
        self.done: list[tuple[Path, Path]] = []

    def move(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        files.move(source, target)  # same file system (all under outputs/archive): atomic
        self.done.append((source, target))

    def undo(self) -> None:
        for source, target in reversed(self.done):
            if target.exists() and not source.exists():
                os.rename(target, source)
        self.done.clear()


def new_staging_dir(workspace: Workspace) -> Path:
    # Named after the process, so a later run can tell a live run's folder from a killed one's.
    staging = archive_root(workspace) / STAGING / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    return staging


def clean_stale_staging(workspace: Workspace) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    folder = archive_root(workspace) / STAGING
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        pid = child.name.split("-", 1)[0]
        if not pid.isdigit() or not process_alive(int(pid)):
            shutil.rmtree(child, ignore_errors=True)


def supersede(
    workspace: Workspace, existing: Issued | Attached, moves: Moves, year: int | None = None
) -> str:
    """Move the old bag to superseded/<year>/<slug>--<time>; it is kept, never deleted. `year` is the
    document's (an attached document's is its decision's)."""
    old = workspace.root / existing.archive_path
    if not old.is_dir():
        raise DvkError(
            f"Không tìm thấy gói lưu trữ cũ {existing.archive_path}; kiểm tra toàn vẹn kho lưu trữ."
        )
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    if year is None:  # an attached document's bag gives its decision's year
        assert isinstance(existing, Issued)
        year = existing.date.year
    target = archive_root(workspace) / SUPERSEDED / str(year) / f"{old.name}--{stamp}"
    moves.move(old, target)
    return relative_path(workspace, target)


def clear_orphan(final: Path, staging: Path, moves: Moves) -> list[str]:
    """A bag at the target with no register entry: left by a run killed between rename and commit."""
    if not final.exists():
        return []
    moves.move(final, staging / "orphan")
    return [f"Đã dọn gói lưu trữ dở dang của một lần chạy bị ngắt tại {final.name} (chưa từng vào sổ)."]

"""Stage 1: find the submitted files under inputs/, hash them, and skip what is not a document.

Every file found ends in exactly one state; this stage decides "skipped" (with a reason) for lock
files, hidden files, obvious non-documents and byte-identical duplicates. Input files are only read.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from pipeline.vntext import hidden_characters

# Extensions the reader may be able to open; everything else is an obvious non-document.
DOCUMENT_EXTENSIONS = {".docx", ".docm", ".dotx", ".doc", ".odt", ".rtf"}
SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}
HASH_CHUNK = 1 << 20
SPECIAL_FILE = "không phải tệp thông thường (FIFO, thiết bị hay socket): bỏ qua, không mở"
# Whether st_ino/st_dev name a file for good. Windows' DirEntry.stat leaves them 0, and on FAT, exFAT and
# network shares the file index Windows reports can change between runs: there they are left out.
STABLE_IDENTITY = os.name != "nt"

# What the check cache compares to trust a file unchanged without reading it (git's index compares the
# same): size, modification time, change time, inode and device. `cp -p`, unzip, `rsync -t` or a restore
# from backup can bring a same-size file with an older, preserved modification time; its change time (and
# its inode, when it replaced the old file rather than overwrote it) still tell. On Windows st_ctime is
# the creation time, which a replacing copy also renews.
Stamp = tuple[int, int, int, int, int]  # (size, mtime_ns, ctime_ns, inode, device)


def stamp_of(stat: os.stat_result) -> Stamp:
    inode, device = (stat.st_ino, stat.st_dev) if STABLE_IDENTITY else (0, 0)
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, inode, device)


@dataclass(frozen=True)
class Found:
    """A file under inputs/: where it is, its hash, and why it is skipped (None: to be read)."""

    path: Path
    rel: str  # relative to inputs/, forward slashes, NFC
    stamp: Stamp | tuple[()]  # empty when the file is skipped or could not be looked at
    sha256: str
    skip_reason: str | None = None
    duplicate_of: str | None = None
    error: str | None = None  # the file vanished or could not be read: it will be rejected
    error_code: str = "FILE_UNREADABLE"


KnownHash = Callable[[str, Stamp], "str | None"]


def discover(inputs: Path, known_hash: KnownHash | None = None) -> list[Found]:
    """All files under `inputs` in a stable order, each hashed, with skip reasons decided.

    `known_hash(rel, stamp)` may return a cached hash for an unchanged file, which is then
    not read at all.
    """
    found: list[Found] = []
    first_by_hash: dict[str, str] = {}
    unlisted: list[Found] = []
    files = walk_files(inputs, unlisted)
    twins = name_twins(files)
    for rel, item in files:
        path = Path(item.path)
        if rel in twins and skip_reason(path, rel, item.is_symlink()) is None:
            entry = Found(path, rel, (), "", error=twin_message(rel), error_code="NAME_TWIN")
        else:
            entry = examine(item, rel, known_hash)
        if entry.skip_reason is None and entry.error is None:
            first = first_by_hash.setdefault(entry.sha256, entry.rel)
            if first != entry.rel:
                entry = Found(
                    **{
                        **entry.__dict__,
                        "skip_reason": f"trùng nội dung với tệp {first}",
                        "duplicate_of": first,
                    }
                )
        found.append(entry)
    return sorted(found + unlisted, key=lambda entry: entry.rel) if unlisted else found


def walk_files(inputs: Path, unlisted: list[Found] | None = None) -> list[tuple[str, os.DirEntry]]:
    """(relative path, entry) of every file below `inputs`, sorted by relative path (so "the first" of two
    copies is well defined); symbolic links are listed (and skipped later), never followed. os.scandir
    keeps this to one system call per folder and one stat per file. A subfolder that cannot be listed
    (access denied; on Windows a path past 260 characters) goes to `unlisted` as one problem."""
    files: list[tuple[str, os.DirEntry]] = []
    folders = [(str(inputs), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for item in entries:
                    rel = prefix + item.name
                    if item.is_dir(follow_symlinks=False):
                        folders.append((item.path, rel + "/"))
                    else:
                        files.append((unicodedata.normalize("NFC", rel), item))
        except OSError as exc:
            if not prefix or unlisted is None:
                raise
            unlisted.append(unlisted_folder(Path(folder), unicodedata.normalize("NFC", prefix), exc))
    return sorted(files, key=lambda pair: pair[0])


def name_twins(files: list[tuple[str, os.DirEntry]]) -> set[str]:
    """Normalized names shared by files whose names on disk differ (one NFC, one NFD, as macOS and some
    unzip tools write them): which of the two is meant cannot be told, so neither is read."""
    seen: dict[str, int] = {}
    for rel, _ in files:
        seen[rel] = seen.get(rel, 0) + 1
    return {rel for rel, count in seen.items() if count > 1}


def twin_message(rel: str) -> str:
    return (
        f"Có hai tệp cùng tên “{rel}”, chỉ khác cách mã hóa chữ có dấu (một tên dạng dựng sẵn NFC, một tên "
        "dạng tổ hợp NFD, như máy Mac hay một số phần mềm giải nén ghi). Không đọc tệp nào trong hai tệp "
        "để khỏi nhầm: giữ lại một tệp (xóa hoặc đổi tên tệp kia) rồi chạy lại."
    )


def unlisted_folder(folder: Path, rel: str, exc: OSError) -> Found:
    why = exc.strerror or str(exc)
    return Found(
        folder,
        rel,
        (),
        "",
        error=(
            f"Không mở được thư mục {rel} ({why}); các tệp trong đó chưa được kiểm tra. Kiểm tra quyền đọc "
            "thư mục, hoặc rút ngắn tên thư mục/tệp nếu đường dẫn quá dài (Windows giới hạn 260 ký tự), "
            "rồi chạy lại."
        ),
    )


def examine(item: os.DirEntry, rel: str, known_hash: KnownHash | None = None) -> Found:
    path = Path(item.path)
    reason = skip_reason(path, rel, item.is_symlink())
    if reason:
        return Found(path, rel, (), "", reason)
    try:
        stat = item.stat(follow_symlinks=False)
        if not S_ISREG(stat.st_mode):  # opening a FIFO would wait for a writer forever
            return Found(path, rel, (), "", SPECIAL_FILE)
        stamp = stamp_of(stat)
        digest = (known_hash and known_hash(rel, stamp)) or sha256_file(path)
    except OSError as exc:
        return Found(path, rel, (), "", error=f"Không đọc được tệp ({exc.strerror or exc}).")
    return Found(path, rel, stamp, digest)


def skip_reason(path: Path, rel: str, is_symlink: bool) -> str | None:
    """Why a file is not a submission, in Vietnamese; None when it should be read."""
    name = path.name
    if is_symlink:
        return "liên kết tượng trưng (symlink): không đọc để tránh đọc tệp ngoài thư mục inputs/"
    if name.startswith("~$"):
        return "tệp khóa tạm của Word (~$…), không phải văn bản"
    hidden = hidden_characters(rel)
    if hidden:  # invisible on screen, forbidden in a workbook, or showing the name reversed: a bad name
        return (
            f"tên tệp hoặc thư mục có ký tự điều khiển hoặc ký tự đảo chiều văn bản ({', '.join(hidden)}): "
            "tên hiển thị sai hoặc giả làm tên khác. Đổi tên (bỏ ký tự đó) rồi chạy lại"
        )
    if any(part.startswith(".") for part in rel.split("/")):
        return "tệp hoặc thư mục ẩn"
    if name.lower() in SYSTEM_FILES:
        return "tệp hệ thống của Windows/macOS"
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "tệp PDF: cần bản Word (.docx) để trích xuất thông tin"
    if suffix not in DOCUMENT_EXTENSIONS:
        return f"không phải văn bản Word (phần mở rộng '{suffix or 'không có'}')"
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()

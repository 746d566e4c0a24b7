"""Writing outputs safely on every system: a private temporary file, then one atomic replace.

On Windows a file open in Excel or Word cannot be replaced, renamed or deleted; on every system the
disk may be full, the folder read-only or not ours. Each failure becomes a `WriteError` whose
Vietnamese message names the file and the real cause, and nothing is half-replaced: the temporary
file goes, the old file stays as it was. Temporary files carry the writing process's id, so a later
run can remove those left behind by a killed one without touching a live run's.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.model import DvkError
from pipeline.platform.process import process_alive

TEMP_PREFIX = ".tmp-"
REPLACE_TRIES = 5  # a virus scanner or the search indexer may hold a new file for a moment (Windows)
ORPHAN_AGE_SECONDS = 3600  # temporary files without an owner's id (older versions) count as stale after this


WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, getattr(errno, "EDQUOT", errno.ENOSPC)}
)


class WriteError(DvkError):
    """An output could not be written; the message says which file and why."""

    def __init__(self, path: Path | str, cause: str) -> None:
        super().__init__(f"Không ghi được {path}: {cause}.")
        self.path, self.cause = Path(path), cause

    def about(self, path: Path) -> WriteError:
        """The same failure, told about the file the user knows (not a temporary piece of it)."""
        return WriteError(path, self.cause)


DATABASE_CAUSES = {  # SQLite's own words for a failed write, and the errno that means the same
    "database or disk is full": errno.ENOSPC,
    "attempt to write a readonly database": errno.EROFS,
    "unable to open database file": errno.EACCES,
    "disk i/o error": errno.EIO,
}


def database_write_error(exc: Exception, what: str, folder: Path | None = None) -> WriteError | None:
    """The message for SQLite failing to write `what` (the register, the workspace lock), or None when
    the failure is not about writing. SQLite says "disk I/O error" when a write finds only a few KB
    left: on a disk (the one holding `folder`) that is nearly full, that is named as a full disk."""
    code = next((code for words, code in DATABASE_CAUSES.items() if words in str(exc).lower()), None)
    if code is None:
        return None
    if code == errno.EIO and folder is not None and nearly_full(folder):
        code = errno.ENOSPC
    return write_error(what, OSError(code, os.strerror(code)))


LOW_SPACE_BYTES = 16 * 1024 * 1024  # less free than this, and a failed write is the space's fault


def nearly_full(folder: Path) -> bool:
    """Whether the disk holding `folder` has almost no space left (False when that cannot be told)."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def held_by_person(lock: Path) -> str:
    return (
        f"tệp đang mở trong Excel, LibreOffice hoặc chương trình khác (có tệp khóa {lock.name}). Lưu, đóng "
        "tệp đó rồi chạy lại; tệp cũ vẫn giữ nguyên. Nếu không ai mở mà tệp khóa vẫn còn, xóa tệp khóa đó"
    )


def write_error(path: Path | str, exc: OSError, held_open: bool = False) -> WriteError:
    """The Vietnamese message for a failed write of `path`, by its real cause."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or getattr(exc, "winerror", None) in (39, 112):
        cause = "ổ đĩa đã đầy. Giải phóng dung lượng rồi chạy lại"
    elif code == errno.EROFS:
        cause = "ổ đĩa hoặc thư mục chỉ cho phép đọc. Chép thư mục làm việc sang ổ khác rồi chạy lại"
    elif held_open:
        cause = (
            "tệp đang mở trong Excel, Word hoặc chương trình khác. Đóng tệp đó rồi chạy lại; "
            "tệp cũ vẫn giữ nguyên"
        )
    elif code in (errno.EACCES, errno.EPERM):
        cause = (
            "không có quyền ghi vào đây. Kiểm tra quyền của thư mục (hoặc tệp có đặt chỉ đọc) rồi chạy lại"
        )
    else:
        cause = f"{exc.strerror or exc}"
    return WriteError(path, cause)


@contextmanager
def temporary_beside(target: Path, suffix: str = "") -> Iterator[Path]:
    """A new empty file next to `target` (same disk, so the final rename is atomic), removed on failure."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=target.parent
        )
        os.close(handle)
        if os.name != "nt":  # Windows has no permission bits to keep (only a read-only flag)
            os.chmod(name, output_mode(target))
    except OSError as exc:
        raise write_error(target, exc) from exc
    temporary = Path(name)
    try:
        yield temporary
    except BaseException:
        _remove_quietly(temporary)
        raise


def output_mode(target: Path) -> int:
    """The permissions a written file gets: an existing file keeps its own (a rewrite neither narrows
    nor widens who may read it); a new one gets what the umask allows, as any program's new file would.
    mkstemp's private 0600 is right for the temporary file only."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask (reading it means setting it: set to a strict value for that instant)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def replace(temporary: Path, target: Path) -> None:
    """Move a finished temporary file over `target` in one step, or explain why it cannot be done.

    A refusal is retried briefly (Windows scanners let go within a second); if `target` is still refused,
    it is open in another program or not ours to write, and the message says which."""
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(temporary, target)
            return
        except PermissionError as exc:
            if attempt + 1 < REPLACE_TRIES:
                time.sleep(0.1 * (attempt + 1))
                continue
            _remove_quietly(temporary)
            raise write_error(target, exc, held_open=sharing_violation(exc) or is_held_open(target)) from exc
        except OSError as exc:
            _remove_quietly(temporary)
            raise write_error(target, exc) from exc


def write_atomically(
    target: Path,
    write: Callable[[Path], object],
    suffix: str = "",
    before_replace: Callable[[], None] | None = None,
) -> Path:
    """`write(temporary)` then replace `target` with it: readers see the old file or the new one.
    `before_replace` runs last, just before the replace, and may raise to stop it."""
    target = Path(target)
    lock = person_lock(target) if target.exists() else None
    if lock is not None:  # replaced now, the person's next save would silently undo dvk's write
        raise WriteError(target, held_by_person(lock))
    with temporary_beside(target, suffix or target.suffix) as temporary:
        try:
            write(temporary)
        except OSError as exc:
            raise write_error(target, exc) from exc
        if before_replace is not None:
            before_replace()
        replace(temporary, target)
    return target


def copy_atomically(source: Path, target: Path) -> Path:
    return write_atomically(target, lambda temporary: shutil.copyfile(source, temporary))


def move(source: Path, target: Path) -> None:
    """Rename a file or folder (same disk); a folder with a file open inside cannot move on Windows."""
    try:
        os.rename(source, target)
    except OSError as exc:
        # Windows refuses to move a folder while a file inside it is open, with a plain "access denied".
        folder_in_use = os.name == "nt" and Path(source).is_dir()
        held = isinstance(exc, PermissionError) and (
            sharing_violation(exc) or folder_in_use or is_held_open(source)
        )
        raise write_error(Path(source), exc, held_open=held) from exc


def remove(path: Path) -> None:
    """Delete a file we made (a rejected output); explained if it is held open."""
    try:
        Path(path).unlink(missing_ok=True)
    except PermissionError as exc:
        raise write_error(
            Path(path), exc, held_open=sharing_violation(exc) or is_held_open(Path(path))
        ) from exc
    except OSError as exc:
        raise write_error(Path(path), exc) from exc


def sharing_violation(exc: OSError) -> bool:
    """Windows' own word that another program has the file open (ERROR_SHARING_VIOLATION, _LOCK_VIOLATION)."""
    return getattr(exc, "winerror", None) in (32, 33) or "used by another process" in str(exc.strerror)


def is_held_open(path: Path) -> bool:
    """Whether another program holds `path` open so that it cannot be replaced.

    Windows refuses to open such a file for writing (a sharing violation); Office and LibreOffice also
    leave an owner file beside a document they have open (`person_lock`)."""
    path = Path(path)
    if person_lock(path) is not None:
        return True
    try:
        with open(path, "r+b"):
            return False
    except PermissionError:
        return True
    except OSError:
        return False


def person_lock(path: Path) -> Path | None:
    """The owner file a program leaves beside a document a person has open: Office's `~$name` (the
    name's first two letters replaced, for long names), LibreOffice's `.~lock.name#`. None without one.
    LibreOffice takes no lock Windows or POSIX would enforce, so this file is the only sign that a
    person may save over what dvk writes."""
    path = Path(path)
    for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
        if (path.parent / name).exists():
            return path.parent / name
    return None


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files in `folder` whose writing process is gone; return what was removed."""
    removed: list[Path] = []
    try:
        names = [entry for entry in os.scandir(folder) if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    for entry in names:
        owner = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if owner.isdigit() and "-" in entry.name[len(TEMP_PREFIX) :]:
            stale = int(owner) != os.getpid() and not process_alive(int(owner))
        else:
            stale = _age(entry) > ORPHAN_AGE_SECONDS
        if stale and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif stale:
            _remove_quietly(Path(entry.path))
        if stale:
            removed.append(Path(entry.path))
    return removed


def _age(entry: os.DirEntry) -> float:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def _remove_quietly(path: Path) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        pass

"""Taking files in from a browser: single files, whole folders (names carry their folders, "Xã A/Báo
cáo.docx") and .zip files of folders, into inputs/.

A name is untrusted: a path that climbs out ("../x") or starts at a root ("/x", "C:\\x") is refused; each
folder and file name is made safe to create (`names.safe_name`: Windows device names, forbidden
characters). What the check would skip (a Word lock file "~$x.docx", hidden and system files, a PDF, a
non-document) is skipped here with the check's own reason (`discover.skip_reason`), never renamed into
something that would be read. A .zip is read member by member with the same limits as a Word file
(`safezip`): a bomb stops it, an encrypted or damaged member is refused.

The folder a file lands in: its own folders as sent; else the unit the clerk chose; else the unit read
from the file (read like the check reads, in a worker with its limits); else "Chưa rõ đơn vị".
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Workspace
from pipeline.discover import Found, skip_reason
from pipeline.model import ReadError
from pipeline.names import safe_name
from pipeline.safezip import SafeZip
from pipeline.vntext import neutralise

MiB = 1024 * 1024
MAX_FILE_BYTES = 50 * MiB  # one document; the check reads files up to 100 MB, a form this big is odd
INPUT_EXTENSIONS = (".docx", ".docm", ".dotx", ".doc", ".odt", ".rtf")
UNKNOWN_UNIT_FOLDER = "Chưa rõ đơn vị"
MAX_PATH_CHARS = 200  # inputs/<this> stays under Windows' 260 characters for a workspace of ~50
UTF8_FLAG = 0x800  # zip general purpose bit 11: the member name is UTF-8 (APPNOTE 4.4.4)


@dataclass
class Upload:
    """A file a user hands over: the name it had on their computer (with its folders) and its bytes."""

    name: str
    data: bytes


@dataclass
class Saved:
    """What became of one file handed over: saved (`path`), skipped (`skipped`) or refused (`refused`)."""

    original: str
    path: str = ""  # inputs/… where it was saved
    refused: str = ""  # why it was not saved (Vietnamese)
    skipped: str = ""  # why it was not taken: the check's reason for not reading such a file
    unit_read: bool = False  # its folder is the unit read from the file


class UnsafePath(ValueError):
    """A name that would leave inputs/: the reason, in Vietnamese."""


def relative_parts(name: str) -> list[str]:
    """The folders and the file name of a name as sent, NFC; UnsafePath for "..", a root or a drive."""
    text = unicodedata.normalize("NFC", name).replace("\\", "/")
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        raise UnsafePath("đường dẫn tuyệt đối")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafePath("đường dẫn có “..” (ra ngoài thư mục)")
    if not parts:
        raise UnsafePath("không có tên tệp")
    return parts


def take_in(
    workspace: Workspace,
    unit_folder: str,
    uploads: Iterable[Upload],
    read_units: Callable[[list[Found]], dict[str, str]],
) -> list[Saved]:
    """Save every upload (zips expanded) under inputs/; `read_units(found)` gives the unit read from each
    file that has no folder (by rel), for those whose unit is not known from their folder or the form."""
    staging = workspace.cache_dir / "uploads" / uuid.uuid4().hex
    outcomes: list[Saved] = []
    waiting: list[tuple[Saved, Path]] = []
    try:
        for upload in expanded(uploads, staging):
            if isinstance(upload, Saved):
                outcomes.append(upload)
                continue
            outcome, parts = screened(upload)
            outcomes.append(outcome)
            if outcome.skipped or outcome.refused:
                continue
            if len(parts) > 1 or unit_folder:
                folder = [*parts[:-1]] if len(parts) > 1 else [unit_folder]
                place(workspace.inputs, folder, parts[-1], upload.data, outcome)
            else:
                staged = stage(staging / "doc" / str(len(waiting)) / parts[-1], upload.data, outcome)
                if staged is not None:
                    waiting.append((outcome, staged))
        place_by_unit(workspace, waiting, read_units)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcomes


def stage(path: Path, data: bytes, outcome: Saved) -> Path | None:
    """Keep a file under .dvk-cache while its unit is read; None (and the refusal said) when the disk
    will not take it."""
    try:
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
    except OSError as exc:
        outcome.refused = f"Không ghi được {path.name} vào {path.parents[2]}: {exc.strerror or exc}."
        return None
    return path


def screened(upload: Upload) -> tuple[Saved, list[str]]:
    """The outcome so far of one file (skipped, refused, or to be saved) and its safe path parts."""
    outcome = Saved(upload.name)
    try:
        raw = relative_parts(upload.name)
    except UnsafePath as exc:
        outcome.refused = f"Không lưu {neutralise(upload.name)}: {exc}."
        return outcome, []
    reason = skip_reason(Path(raw[-1]), "/".join(raw), False)
    if reason:
        outcome.skipped = f"Bỏ qua {neutralise('/'.join(raw))}: {reason}."
        return outcome, []
    parts = [safe_name(part, fallback="thu-muc") for part in raw[:-1]] + [safe_name(raw[-1])]
    name = "/".join(parts)
    if len(upload.data) > MAX_FILE_BYTES:
        outcome.refused = f"Tệp {name} lớn hơn {MAX_FILE_BYTES // MiB} MB; không lưu."
    elif not upload.data:
        outcome.refused = f"Tệp {name} rỗng; không lưu."
    elif len(name) > MAX_PATH_CHARS:
        outcome.refused = (
            f"Đường dẫn {name} dài quá {MAX_PATH_CHARS} ký tự; rút ngắn tên thư mục rồi gửi lại."
        )
    return outcome, parts


def place(inputs: Path, folders: list[str], name: str, data: bytes, outcome: Saved) -> None:
    """Write `data` as inputs/<folders>/<name>, never over an existing file ("name (2).docx")."""
    from pipeline.names import numbered

    folder = inputs.joinpath(*folders)
    shown = "/".join(folders)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file of that name is in the way, or the folder cannot be made
        outcome.refused = f"Không tạo được thư mục inputs/{shown} cho {name}: {exc.strerror or exc}."
        return
    for taken in range(1, 1000):
        candidate = folder / (name if taken == 1 else numbered(name, taken))
        try:
            with open(candidate, "xb") as out:  # "x": never over a file that is already there
                out.write(data)
        except FileExistsError:
            continue
        except OSError as exc:
            candidate.unlink(missing_ok=True)
            outcome.refused = f"Không ghi được {candidate.name}: {exc}."
            return
        outcome.path = f"inputs/{shown}/{candidate.name}"
        return
    outcome.refused = f"Đã có quá nhiều tệp tên {name} trong {shown}."


UnitReader = Callable[[list[Found]], dict[str, str]]


def place_by_unit(workspace: Workspace, waiting: list[tuple[Saved, Path]], read_units: UnitReader) -> None:
    """Files without a folder: each into the folder of the unit read from it, else "Chưa rõ đơn vị"."""
    if not waiting:
        return
    found = [
        Found(staged, f"{index}/{staged.name}", (), hashlib.sha256(staged.read_bytes()).hexdigest())
        for index, (_, staged) in enumerate(waiting)
    ]
    units = read_units(found)
    for (outcome, staged), entry in zip(waiting, found, strict=True):
        unit = safe_name(units.get(entry.rel, ""), fallback="")
        outcome.unit_read = bool(unit)
        place(workspace.inputs, [unit or UNKNOWN_UNIT_FOLDER], staged.name, staged.read_bytes(), outcome)


# ---------------------------------------------------------------------------- zips


def expanded(uploads: Iterable[Upload], staging: Path) -> Iterator[Upload | Saved]:
    """The uploads with every .zip replaced by its members (or by the refusal of the zip or a member)."""
    for upload in uploads:
        if upload.name.lower().endswith(".zip"):
            yield from zip_members(upload, staging)
        else:
            yield upload


def zip_members(upload: Upload, staging: Path) -> Iterator[Upload | Saved]:
    """Each file in the zip as an upload named by its path in the zip, read with the Word file limits."""
    shown = safe_name(upload.name)
    path = stage(staging / "zip" / uuid.uuid4().hex / "x.zip", upload.data, refusal := Saved(upload.name))
    if path is None:
        yield refusal
        return
    folder = unicodedata.normalize("NFC", upload.name).replace("\\", "/").rpartition("/")[0]  # the zip's own
    try:
        archive = SafeZip(path)
    except ReadError as exc:
        yield Saved(upload.name, refused=f"Không mở được tệp nén {shown}: {exc.message}")
        return
    with archive:
        for info in archive.members:
            if info.is_dir():
                continue
            name = f"{folder}/{member_name(info)}" if folder else member_name(info)
            try:
                data = archive.read(info.filename)
            except ReadError as exc:
                why = f"Không lấy được {name} từ tệp nén {shown}: {exc.message}"
                yield Saved(f"{shown}/{name}", refused=why)
                if exc.code == "ZIP_BOMB":  # the total cap is spent or the file is hostile: stop here
                    rest = f"Dừng đọc tệp nén {shown}: các tệp còn lại trong đó không được lưu."
                    yield Saved(shown, refused=rest)
                    return
                continue
            yield Upload(name, data)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its writer meant it: UTF-8 when flagged, or when the bytes are UTF-8 without
    the flag (7-Zip, macOS and Windows 11 write Vietnamese names so), else zipfile's cp437 reading."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


__all__ = ["take_in", "Upload", "Saved", "relative_parts", "UNKNOWN_UNIT_FOLDER", "INPUT_EXTENSIONS"]

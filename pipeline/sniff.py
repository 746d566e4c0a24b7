"""Judge a submitted file by its bytes, never by its extension.

`sniff` reads the first few KB, plus for a zip its central directory and two small XML parts, plus
for an OLE compound file (legacy .doc, password-protected .docx) its directory. `require_readable`
turns a kind the pipeline cannot use into a `ReadError` telling the secretariat what to ask for.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from pipeline.model import ReadError
from pipeline.safezip import (
    DEFAULT_LIMITS,
    Limits,
    SafeZip,
    check_file_size,
    checked_size,
    main_part_name,
    open_regular,
)

HEAD_BYTES = 8192
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Kinds read directly, and kinds LibreOffice converts to .docx first (pipeline.soffice.convert).
WORD_KINDS = frozenset({"docx", "dotx"})
CONVERTIBLE_KINDS = frozenset({"ole-doc", "odt", "rtf", "html", "word-xml"})

KIND_NAMES = {
    "docx": "tệp Word (.docx)",
    "docm": "tệp Word có macro (.docm)",
    "dotx": "tệp mẫu Word (.dotx)",
    "odt": "tệp OpenDocument (.odt)",
    "zip-other": "tệp nén (ZIP) khác",
    "ole-doc": "tệp Word cũ (.doc)",
    "ole-encrypted": "tệp Office được đặt mật khẩu",
    "ole-other": "tệp Office cũ khác (ví dụ bảng tính .xls)",
    "rtf": "tệp RTF",
    "html": "trang web (HTML)",
    "word-xml": "tệp Word dạng XML",
    "pdf": "tệp PDF",
    "image": "tệp ảnh",
    "empty": "tệp rỗng",
    "text": "tệp văn bản thuần (không định dạng)",
    "unknown": "tệp không rõ định dạng",
}

TEMPLATE_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    }
)
MACRO_TYPES = frozenset(
    {
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)


def describe_kind(kind: str) -> str:
    """The Vietnamese name of a kind, for messages ("tệp PDF", "tệp ảnh", …)."""
    return KIND_NAMES.get(kind, KIND_NAMES["unknown"])


def sniff(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The kind of a file, judged by its bytes: one of the keys of KIND_NAMES.

    Raises ReadError only when the file cannot be opened (FILE_UNREADABLE) or is a zip too large,
    broken or hostile to list (FILE_TOO_LARGE, ZIP_CORRUPT, ZIP_BOMB, ZIP_ENCRYPTED, XML_* from
    [Content_Types].xml or _rels/.rels).
    """
    with open_regular(path) as fh:
        head = fh.read(HEAD_BYTES)
        if not head:
            return "empty"
        if head.startswith(OLE_MAGIC):
            return _sniff_ole(fh)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(path, limits)
    return _sniff_head(head)


# ---------------------------------------------------------------------------- zip


def _sniff_zip(path: Path, limits: Limits) -> str:
    with SafeZip(path, limits) as z:
        return sniff_zip(z)


def is_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Whether the file starts like a zip (and so may be opened once with SafeZip for both the kind
    and the text). Raises FILE_TOO_LARGE first, whatever the file is."""
    with open_regular(path) as fh:
        checked_size(fh, limits)
        return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def sniff_zip(z: SafeZip) -> str:
    """The kind of an already opened zip: odt, zip-other, docm, dotx or docx."""
    if _odf_mimetype(z).startswith("application/vnd.oasis.opendocument.text"):
        return "odt"
    main = main_part_name(z)
    if not main:
        return "zip-other"
    ctype = z.content_type(main)
    # A VBA project anywhere makes it macro-enabled whatever the content type claims.
    if ctype in MACRO_TYPES or any(name.lower().endswith("vbaproject.bin") for name in z.names):
        return "docm"
    return "dotx" if ctype in TEMPLATE_TYPES else "docx"


def _odf_mimetype(z: SafeZip) -> str:
    # ODF 1.2 Part 3 §3.3: the first member "mimetype" holds the media type, uncompressed.
    if not z.has("mimetype"):
        return ""
    return z.read("mimetype")[:200].decode("ascii", "replace").strip()


# ---------------------------------------------------------------------------- OLE (MS-CFB)

MAX_REGULAR_SECTOR = 0xFFFFFFFA  # MS-CFB §2.1: larger ids mark chain ends and special sectors
MAX_DIR_SECTORS = 1024  # 4096+ directory entries: far more than any Office file has
MAX_DIFAT_SECTORS = 64
ENCRYPTED_STREAMS = frozenset({"encryptioninfo", "encryptedpackage"})


class _Ole:
    """Just enough of an MS-CFB reader to list directory entries and peek at one stream."""

    def __init__(self, fh: BinaryIO) -> None:
        fh.seek(0)
        header = fh.read(512)
        if len(header) < 512:
            raise ValueError("short header")
        self.fh = fh
        self.sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
        if self.sector_size not in (512, 4096):
            raise ValueError("bad sector size")
        self.first_dir = struct.unpack_from("<L", header, 0x30)[0]
        self.first_difat, self.difat_count = struct.unpack_from("<LL", header, 0x44)
        self.difat = list(struct.unpack_from("<109L", header, 0x4C))

    def sector(self, sid: int) -> bytes:
        self.fh.seek((sid + 1) * self.sector_size)
        data = self.fh.read(self.sector_size)
        if len(data) < self.sector_size:
            raise ValueError("sector past end of file")
        return data

    def fat_sector(self, index: int) -> int:
        per = self.sector_size // 4
        sid, hops = self.first_difat, 0
        while index >= len(self.difat) and hops < min(self.difat_count, MAX_DIFAT_SECTORS):
            # MS-CFB §2.5: each DIFAT sector lists FAT sectors and ends with the next DIFAT sector.
            *fat_sectors, sid = struct.unpack(f"<{per}L", self.sector(sid))
            self.difat += fat_sectors
            hops += 1
        return self.difat[index]

    def next_sector(self, sid: int) -> int:
        per = self.sector_size // 4
        return struct.unpack_from("<L", self.sector(self.fat_sector(sid // per)), (sid % per) * 4)[0]

    def entries(self) -> list[tuple[str, int, int, int]]:
        """(name, type, start sector, size) of each directory entry, following the chain with a cap."""
        found: list[tuple[str, int, int, int]] = []
        sid, seen = self.first_dir, set[int]()
        while sid < MAX_REGULAR_SECTOR and sid not in seen and len(seen) < MAX_DIR_SECTORS:
            seen.add(sid)
            data = self.sector(sid)
            for off in range(0, self.sector_size, 128):
                found.append(_dir_entry(data[off : off + 128]))
            sid = self.next_sector(sid)
        return [entry for entry in found if entry[1] in (1, 2, 5)]


def _dir_entry(raw: bytes) -> tuple[str, int, int, int]:
    name_len = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
    name = raw[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
    start, size = struct.unpack_from("<LQ", raw, 0x74)
    return name, raw[0x42], start, size


def _sniff_ole(fh: BinaryIO) -> str:
    try:
        ole = _Ole(fh)
        entries = ole.entries()
        streams = {name.lower(): (start, size) for name, kind, start, size in entries if kind == 2}
        if streams.keys() & ENCRYPTED_STREAMS:
            return "ole-encrypted"  # MS-OFFCRYPTO §2.3.4: password-protected .docx
        if "worddocument" in streams:
            return "ole-encrypted" if _doc_is_encrypted(ole, *streams["worddocument"]) else "ole-doc"
    except (ValueError, IndexError, struct.error, OSError):
        pass
    return "ole-other"


def _doc_is_encrypted(ole: _Ole, start: int, size: int) -> bool:
    # MS-DOC §2.5.2 FibBase: wIdent 0xA5EC, then at 0x0A the flags with fEncrypted = 0x0100.
    # Streams under 4096 bytes live in the mini stream; a real WordDocument stream never is.
    if size < 4096:
        return False
    fib = ole.sector(start)
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 0x0A)[0]
    return ident == 0xA5EC and bool(flags & 0x0100)


# ---------------------------------------------------------------------------- the rest


IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
)


def _sniff_head(head: bytes) -> str:
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header (ISO 32000 annex H)
        return "pdf"
    if head.startswith(IMAGE_MAGIC) or _is_bmp(head) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    text = _as_text(head)
    if text is None:
        return "unknown"
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("{\\rtf"):
        return "rtf"
    lowered = start[:4096].lower()
    if "<w:worddocument" in lowered or "<pkg:package" in lowered:
        return "word-xml"  # Word 2003 XML or Flat OPC, "Save as XML"
    if start.startswith("<") and ("<html" in lowered or "<!doctype html" in lowered):
        return "html"  # "Save as Web Page", often renamed .doc
    return "text"


def _is_bmp(head: bytes) -> bool:
    # "BM" alone is too weak (a text file may start so); the 4 reserved bytes after the size are zero.
    return head[:2] == b"BM" and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00"


def _as_text(head: bytes) -> str | None:
    """The head decoded as text, or None when it looks binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
        if b"\x00" in head:
            return None
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # only a character cut at the end of the head is forgiven
            return None
        text = head[: exc.start].decode(encoding)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if controls > len(text) // 100 else text


# ---------------------------------------------------------------------------- verdict


def kind_error(kind: str) -> ReadError | None:
    """The ReadError for a kind the pipeline cannot use, or None for Word (.docx/.dotx/.docm) and
    convertible kinds."""
    if kind in WORD_KINDS or kind in CONVERTIBLE_KINDS or kind == "docm":
        return None  # a .docm is read (macros never run) with a warning from the reader
    ask = "Đề nghị đơn vị gửi bản Word (.docx) của báo cáo."
    if kind == "empty":
        return ReadError("FILE_EMPTY", f"Tệp rỗng (0 byte). {ask}")
    if kind == "ole-encrypted":
        return ReadError(
            "FILE_ENCRYPTED",
            "Tệp được bảo vệ bằng mật khẩu. Đề nghị đơn vị gửi lại bản không đặt mật khẩu.",
        )
    codes = {"pdf": "FILE_PDF", "image": "FILE_IMAGE", "text": "FILE_TEXT"}
    extra = " Hệ thống không đọc nội dung từ bản chụp hay bản PDF." if kind in ("pdf", "image") else ""
    return ReadError(
        codes.get(kind, "FILE_NOT_WORD"),
        f"Tệp này là {describe_kind(kind)}, không phải văn bản Word.{extra} {ask}",
    )


def require_readable(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check size and kind; return the kind (in WORD_KINDS or CONVERTIBLE_KINDS) or raise ReadError."""
    check_file_size(path, limits)
    kind = sniff(path, limits)
    error = kind_error(kind)
    if error is not None:
        raise error
    return kind

"""Safe reading of untrusted .docx containers: zip checks, capped reads, locked-down XML, a time limit.

Every submitted file is untrusted (zip bombs, entity tricks, truncated or renamed files). All byte-level
decisions live here; the reader only walks the XML this module hands it. Every failure is a `ReadError`
with a stable code and a Vietnamese message telling the secretariat what to do. Input files are only
ever opened for reading.
"""

from __future__ import annotations

import os
import posixpath
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from pipeline.model import ReadError

MiB = 1024 * 1024
CHUNK = 64 * 1024

# OOXML part relationships and content types (ECMA-376 Part 2 / Part 1 §11).
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORD_MAIN_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)
DEFAULT_MAIN = "word/document.xml"

# Libxml2 without huge_tree refuses documents nested deeper than this, whatever max_xml_depth says.
LIBXML_MAX_DEPTH = 256

REPAIR_ADVICE = "Đề nghị đơn vị mở tệp bằng Word, lưu lại thành .docx rồi gửi lại."
HOSTILE_ADVICE = "Hệ thống không đọc tệp này; đề nghị đơn vị gửi lại bản Word được lưu bình thường."


@dataclass(frozen=True)
class Limits:
    """Caps for one submitted file. The defaults are far above any real proposal (a few hundred KB)."""

    max_entries: int = 2000  # zip members; Word writes a few dozen
    max_entry_bytes: int = 64 * MiB  # uncompressed size of one member
    max_total_bytes: int = 256 * MiB  # uncompressed bytes read from one file in total
    max_ratio: int = 200  # uncompressed : compressed, per member ...
    ratio_floor: int = 1 * MiB  # ... enforced only once a member has produced this much
    max_file_bytes: int = 100 * MiB  # size on disk
    max_xml_depth: int = LIBXML_MAX_DEPTH  # element nesting; libxml2 caps it at 256 anyway

    @property
    def max_directory_bytes(self) -> int:
        """Central directory cap: zipfile loads it whole, so it must be bounded before opening."""
        return self.max_entries * 1024


DEFAULT_LIMITS = Limits()


# ---------------------------------------------------------------------------- files


def _mib(n: int) -> str:
    return f"{n / MiB:.1f}".rstrip("0").rstrip(".")


NOT_REGULAR = (
    "Đây không phải một tệp thông thường (có thể là thư mục hoặc tệp đặc biệt). "
    "Đề nghị kiểm tra lại thư mục hồ sơ."
)
# Bytes as they are (Windows would otherwise translate line ends); never wait on a FIFO where it exists.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a FIFO or device named like a .docx must not block or stream.

    Looked at before opening (opening a FIFO without O_NONBLOCK waits for a writer forever), and again
    after (the name may have been swapped in between)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise ReadError("FILE_UNREADABLE", NOT_REGULAR)
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise ReadError("FILE_UNREADABLE", f"Không mở được tệp để đọc ({exc.strerror}).") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ReadError("FILE_UNREADABLE", NOT_REGULAR)
    return os.fdopen(fd, "rb")


def check_file_size(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """Return the size on disk, or raise FILE_TOO_LARGE past `limits.max_file_bytes`."""
    with open_regular(path) as fh:
        return checked_size(fh, limits)


def checked_size(fh: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> int:
    """The size of an open file, or FILE_TOO_LARGE past `limits.max_file_bytes`."""
    size = os.fstat(fh.fileno()).st_size
    if size > limits.max_file_bytes:
        raise ReadError(
            "FILE_TOO_LARGE",
            f"Tệp quá lớn ({_mib(size)} MB, giới hạn {_mib(limits.max_file_bytes)} MB). "
            "Đề nghị đơn vị giảm dung lượng (nén hoặc bỏ bớt ảnh trong văn bản) rồi gửi lại.",
        )
    return size


# ---------------------------------------------------------------------------- zip container


def _corrupt(detail: str = "", where: str = "") -> ReadError:
    what = f"Phần {detail} của tệp bị hỏng" if detail else "Tệp bị hỏng hoặc không đầy đủ"
    return ReadError(
        "ZIP_CORRUPT",
        f"{what} (có thể do tải về hoặc sao chép bị gián đoạn). {REPAIR_ADVICE}",
        where,
    )


def _too_many_entries(count: int, limits: Limits) -> ReadError:
    return ReadError(
        "ZIP_BOMB",
        f"Tệp chứa quá nhiều thành phần ({count}, giới hạn {limits.max_entries}); đây không phải văn bản "
        f"Word bình thường và có thể là tệp độc hại. {HOSTILE_ADVICE}",
    )


def _bomb(name: str, why: str) -> ReadError:
    return ReadError(
        "ZIP_BOMB",
        f"Phần {name} của tệp khi giải nén {why}; có thể là tệp độc hại (bom nén). {HOSTILE_ADVICE}",
        f"phần {name}",
    )


def _directory_size(fh: BinaryIO, size: int) -> tuple[int, int]:
    """Entry count and central-directory size from the end record (APPNOTE 4.3.16, zip64 4.3.14).

    Read before zipfile parses the directory, which it loads whole into memory.
    """
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise _corrupt()
    _, disk, _, _, count, cd_size, _, _ = struct.unpack("<4s4H2LH", tail[pos : pos + 22])
    if disk != 0:
        raise _corrupt()
    if count == 0xFFFF or cd_size == 0xFFFFFFFF:
        return _zip64_directory_size(fh, size - tail_len + pos)
    return count, cd_size


def _zip64_directory_size(fh: BinaryIO, eocd_at: int) -> tuple[int, int]:
    if eocd_at < 20:
        raise _corrupt()
    fh.seek(eocd_at - 20)
    locator = fh.read(20)
    if locator[:4] != b"PK\x06\x07":
        raise _corrupt()
    (record_at,) = struct.unpack("<Q", locator[8:16])
    fh.seek(record_at)
    record = fh.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        raise _corrupt()
    count, cd_size = struct.unpack("<QQ", record[32:48])
    return count, cd_size


def _part_key(name: str) -> str:
    # OPC part names compare case-insensitively (ECMA-376 Part 2 §9.1.1.1.2).
    return name.replace("\\", "/").lstrip("/").lower()


class SafeZip:
    """A zip container opened after the size, directory and entry-count checks.

    `read` streams one member with byte caps; the total over all reads is capped too.
    Use as a context manager, or call `close()`.
    """

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = Path(path)
        self.limits = limits
        self._total = 0
        self._content_types: dict[str, dict[str, str]] | None = None
        self.relationships: dict[str, list[tuple[str, str, str]]] = {}  # source part -> `_relationships`
        self._file = open_regular(self.path)
        try:
            self._zip = self._open_zip(checked_size(self._file, limits))
            self._index = self._index_members(self._zip.infolist())
        except BaseException:
            self._file.close()
            raise

    def _open_zip(self, size: int) -> zipfile.ZipFile:
        count, cd_size = _directory_size(self._file, size)
        if count > self.limits.max_entries or cd_size > self.limits.max_directory_bytes:
            raise _too_many_entries(count, self.limits)
        try:
            return zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, NotImplementedError) as exc:
            raise _corrupt() from exc

    def _index_members(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        if len(infos) > self.limits.max_entries:
            raise _too_many_entries(len(infos), self.limits)
        index: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            key = _part_key(info.filename)
            if key in index:
                # Two members with one name: readers would disagree on which one is the document.
                raise ReadError(
                    "ZIP_CORRUPT",
                    f"Tệp có hai phần cùng tên {info.filename}; đây không phải văn bản Word bình thường. "
                    f"{HOSTILE_ADVICE}",
                    f"phần {info.filename}",
                )
            index[key] = info
        return index

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._file.close()

    @property
    def members(self) -> list[zipfile.ZipInfo]:
        """The members' entries as stored (names, flags, sizes), in the zip's order."""
        return list(self._index.values())

    @property
    def names(self) -> list[str]:
        """Member names as stored."""
        return [info.filename for info in self._index.values()]

    def has(self, name: str) -> bool:
        """Whether a member exists (OPC names are case-insensitive)."""
        return _part_key(name) in self._index

    def stored_name(self, name: str) -> str:
        """The member name as stored in the zip ("" if absent)."""
        info = self._index.get(_part_key(name))
        return info.filename if info else ""

    def read(self, name: str) -> bytes:
        """The bytes of one member, read in chunks and stopped as soon as a cap is passed."""
        info = self._index.get(_part_key(name))
        if info is None:
            raise ReadError(
                "ZIP_PART_MISSING", f"Tệp Word thiếu phần {name}. {REPAIR_ADVICE}", f"phần {name}"
            )
        if info.flag_bits & 0x1:
            raise ReadError(
                "ZIP_ENCRYPTED",
                "Tệp được bảo vệ bằng mật khẩu (nội dung bị mã hóa). "
                "Đề nghị đơn vị gửi lại bản không đặt mật khẩu.",
                f"phần {name}",
            )
        if info.file_size > self.limits.max_entry_bytes:
            raise _bomb(name, f"lớn hơn {_mib(self.limits.max_entry_bytes)} MB")
        try:
            return self._stream(info)
        except NotImplementedError as exc:
            raise ReadError(
                "ZIP_UNSUPPORTED", f"Tệp được nén theo cách hệ thống không hỗ trợ. {REPAIR_ADVICE}"
            ) from exc
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, struct.error) as exc:
            raise _corrupt(name, f"phần {name}") from exc

    def _stream(self, info: zipfile.ZipInfo) -> bytes:
        # Declared sizes are not trusted: count what actually comes out of the decompressor.
        limits = self.limits
        chunks: list[bytes] = []
        got = 0
        with self._zip.open(info) as member:
            while chunk := member.read(CHUNK):
                got += len(chunk)
                if got > limits.max_entry_bytes:
                    raise _bomb(info.filename, f"lớn hơn {_mib(limits.max_entry_bytes)} MB")
                if got > limits.ratio_floor and got > limits.max_ratio * max(info.compress_size, 1):
                    raise _bomb(info.filename, f"phình to hơn {limits.max_ratio} lần")
                if self._total + got > limits.max_total_bytes:
                    raise _bomb(info.filename, f"vượt tổng {_mib(limits.max_total_bytes)} MB của cả tệp")
                chunks.append(chunk)
        self._total += got
        return b"".join(chunks)

    def _type_tables(self) -> dict[str, dict[str, str]]:
        if self._content_types is None:
            self._content_types = _parse_content_types(self)
        return self._content_types

    def content_type(self, name: str) -> str:
        """The content type [Content_Types].xml gives a part ("" when it declares none)."""
        overrides, defaults = self._type_tables()["override"], self._type_tables()["default"]
        key = _part_key(name)
        if key in overrides:
            return overrides[key]
        return defaults.get(posixpath.splitext(key)[1].lstrip("."), "")

    def parts_of_type(self, types: Iterable[str]) -> list[str]:
        """Parts that [Content_Types].xml overrides with one of `types` and that exist."""
        wanted = set(types)
        overrides = self._type_tables()["override"]
        return [
            self.stored_name(key) for key, ctype in overrides.items() if ctype in wanted and self.has(key)
        ]


def _parse_content_types(z: SafeZip) -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {"override": {}, "default": {}}
    if not z.has("[Content_Types].xml"):
        return tables
    root = parse_xml(z.read("[Content_Types].xml"), "[Content_Types].xml", z.limits)
    for el in root.iter(f"{{{CT_NS}}}Override"):
        tables["override"][_part_key(el.get("PartName", ""))] = el.get("ContentType", "")
    for el in root.iter(f"{{{CT_NS}}}Default"):
        tables["default"][el.get("Extension", "").lower()] = el.get("ContentType", "")
    return tables


def read_parts(
    path: Path, names: Iterable[str] | Callable[[str], bool], limits: Limits = DEFAULT_LIMITS
) -> dict[str, bytes]:
    """Read the wanted members of a zip, keyed by the name asked for (or the stored name for a predicate).

    Names that are absent are left out, except "word/document.xml", whose absence raises NO_DOCUMENT_XML.
    """
    with SafeZip(path, limits) as z:
        if callable(names):
            return {name: z.read(name) for name in z.names if not name.endswith("/") and names(name)}
        wanted = list(names)
        if DEFAULT_MAIN in wanted and not z.has(DEFAULT_MAIN):
            raise _no_document()
        return {name: z.read(name) for name in wanted if z.has(name)}


def _no_document() -> ReadError:
    return ReadError(
        "NO_DOCUMENT_XML",
        "Tệp là tệp nén nhưng không chứa nội dung văn bản Word (thiếu phần word/document.xml). "
        "Đề nghị đơn vị gửi đúng tệp báo cáo định dạng Word (.docx).",
    )


# ---------------------------------------------------------------------------- XML


def _has_doctype(data: bytes) -> bool:
    # OOXML never declares a DTD; any DOCTYPE means entity tricks (billion laughs, XXE).
    return any(
        marker in data
        for marker in (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
    )


def _dtd_error(part_name: str) -> ReadError:
    return ReadError(
        "XML_DTD",
        f"Phần {part_name} của tệp chứa cấu trúc XML không được phép trong tệp Word (khai báo DOCTYPE, "
        f"thực thể), có thể là tệp độc hại. {HOSTILE_ADVICE}",
        f"phần {part_name}",
    )


def _depth_error(part_name: str, limits: Limits) -> ReadError:
    return ReadError(
        "XML_DEPTH",
        f"Phần {part_name} của tệp lồng nhau quá {min(limits.max_xml_depth, LIBXML_MAX_DEPTH)} cấp, "
        f"không phải văn bản Word bình thường. {HOSTILE_ADVICE}",
        f"phần {part_name}",
    )


def parse_xml(data: bytes, part_name: str, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """Parse one part with entities, DTDs and network off; reject DOCTYPE, deep nesting and bad XML."""
    if _has_doctype(data):
        raise _dtd_error(part_name)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, collect_ids=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "excessive depth" in str(exc).lower():
            raise _depth_error(part_name, limits) from exc
        raise ReadError(
            "XML_INVALID",
            f"Phần {part_name} của tệp không phải XML hợp lệ (tệp bị hỏng). {REPAIR_ADVICE}",
            f"phần {part_name}",
        ) from exc
    if root.getroottree().docinfo.doctype:  # a DOCTYPE in an encoding the byte check missed
        raise _dtd_error(part_name)
    if limits.max_xml_depth < LIBXML_MAX_DEPTH and _deeper_than(root, limits.max_xml_depth):
        raise _depth_error(part_name, limits)
    return root


def _deeper_than(root: etree._Element, depth: int) -> bool:
    # One XPath step per level, evaluated in C: "/*/*…" selects the elements at depth + 1.
    return bool(root.getroottree().xpath("boolean(/*" + "/*" * depth + ")"))


# ---------------------------------------------------------------------------- Word parts


@dataclass(frozen=True)
class DocumentParts:
    """Where the text of a Word package lives. Empty strings/tuples for parts the file does not have.

    `rels` maps each relationship id of the main part to an internal part name, so the reader can
    resolve w:headerReference/@r:id of each section.
    """

    main: str
    headers: tuple[str, ...] = ()
    footers: tuple[str, ...] = ()
    footnotes: str = ""
    endnotes: str = ""
    comments: str = ""
    numbering: str = ""
    styles: str = ""
    rels: Mapping[str, str] = field(default_factory=dict)

    def all(self) -> tuple[str, ...]:
        """Every part name, main part first."""
        singles = (self.footnotes, self.endnotes, self.comments, self.numbering, self.styles)
        return (self.main, *self.headers, *self.footers, *(name for name in singles if name))


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _relationships(z: SafeZip, source: str) -> list[tuple[str, str, str]]:
    """(id, type suffix, target part name) of a part's internal relationships (OPC §9.3); parsed once
    per package (the kind sniffing and the reader both need the main part)."""
    if source in z.relationships:
        return z.relationships[source]
    rels_name = _rels_name(source)
    if not z.has(rels_name):
        return []
    root = parse_xml(z.read(rels_name), rels_name, z.limits)
    found = []
    for el in root.iter(f"{{{RELS_NS}}}Relationship"):
        if el.get("TargetMode", "Internal") != "Internal":
            continue
        target = _resolve_target(posixpath.dirname(source), el.get("Target", ""))
        if target:
            found.append((el.get("Id", ""), el.get("Type", "").rsplit("/", 1)[-1], target))
    z.relationships[source] = found
    return found


def _resolve_target(folder: str, target: str) -> str:
    """A relationship target as a part name; "" when it leaves the package."""
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    name = posixpath.normpath(joined)
    return "" if name.startswith("..") or name in (".", "") else name


def main_part_name(z: SafeZip) -> str:
    """The main document part, or "" when the package has no Word document.

    Word allows any name: take the officeDocument relationship (_rels/.rels), then a Word main
    content type override, then the conventional word/document.xml.
    """
    candidates = [target for _, kind, target in _relationships(z, "") if kind == "officeDocument"]
    candidates += z.parts_of_type(WORD_MAIN_TYPES)
    candidates.append(DEFAULT_MAIN)
    for name in candidates:
        # A main part typed as something else (xl/workbook.xml of an .xlsx) is not a Word document.
        if z.has(name) and z.content_type(name) in WORD_MAIN_TYPES | {""}:
            return z.stored_name(name)
    return ""


def document_parts(z: SafeZip) -> DocumentParts:
    """Find the main part and the parts holding more text or numbering; NO_DOCUMENT_XML if none."""
    main = main_part_name(z)
    if not main:
        raise _no_document()
    found = [(rel_id, kind, z.stored_name(target)) for rel_id, kind, target in _relationships(z, main)]
    found = [(rel_id, kind, name) for rel_id, kind, name in found if name]
    rels = {rel_id: name for rel_id, _, name in found}
    by_kind: dict[str, list[str]] = {}
    for _, kind, name in found:
        if name not in by_kind.get(kind, []):
            by_kind.setdefault(kind, []).append(name)

    def first(kind: str) -> str:
        return by_kind.get(kind, [""])[0]

    return DocumentParts(
        main=main,
        headers=tuple(by_kind.get("header", [])),
        footers=tuple(by_kind.get("footer", [])),
        footnotes=first("footnotes"),
        endnotes=first("endnotes"),
        comments=first("comments"),
        numbering=first("numbering"),
        styles=first("styles"),
        rels=rels,
    )


@dataclass(frozen=True)
class DocxXml:
    """The parsed parts of one Word package: `xml` maps each name in `parts.all()` to its root element."""

    parts: DocumentParts
    xml: Mapping[str, etree._Element]

    @property
    def main(self) -> etree._Element:
        return self.xml[self.parts.main]


def load_docx(path: Path, limits: Limits = DEFAULT_LIMITS) -> DocxXml:
    """Open a .docx/.dotx safely and parse every text-bearing part (all caps and XML checks applied)."""
    with SafeZip(path, limits) as z:
        parts = document_parts(z)
        xml = {name: parse_xml(z.read(name), name, limits) for name in parts.all()}
    return DocxXml(parts=parts, xml=xml)

"""Builders for hostile and broken submissions, made in code in a tmp folder (no binaries in the repo).

Each builder takes a folder and returns the path it wrote. `CASES` maps a case name to its builder
and the ReadError code the safe reading layer must give (sniff → kind_error → load_docx). The fuzz
test reuses these builders as seeds.
"""

from __future__ import annotations

import io
import os
import struct
import unittest
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MiB = 1024 * 1024

# ---------------------------------------------------------------------------- well-formed pieces


def document_xml(body: str = "<w:p><w:r><w:t>Tên mô hình: Dân vận khéo</w:t></w:r></w:p>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode()


def content_types(overrides: dict[str, str]) -> bytes:
    items = "".join(
        f'<Override PartName="/{name}" ContentType="{ctype}"/>' for name, ctype in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
    ).encode()


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    """rels: (id, type (full URI or a suffix of REL_BASE), target)."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind if ":" in kind else REL_BASE + kind}" Target="{target}"/>'
        for rid, kind, target in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}</Relationships>'
    ).encode()


def docx_parts(
    document: bytes | None = None, main_type: str = DOCX_MAIN, main: str = "word/document.xml"
) -> dict:
    """The parts of a minimal valid Word package."""
    return {
        "[Content_Types].xml": content_types({main: main_type}),
        "_rels/.rels": relationships([("rId1", OFFICE_DOC_REL, main)]),
        main: document if document is not None else document_xml(),
    }


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def docx(folder: Path, name: str = "hop-le.docx", **kwargs) -> Path:
    return write_zip(folder / name, docx_parts(**kwargs))


# ---------------------------------------------------------------------------- raw zip writer


@dataclass
class RawEntry:
    """One member written byte for byte, so sizes, CRC and flags can lie."""

    name: str
    data: bytes  # as stored (already compressed for method 8)
    method: int = 8
    crc: int = 0
    file_size: int = 0  # declared uncompressed size
    flags: int = 0


def raw_zip(entries: list[RawEntry], declared_count: int | None = None, zip64: bool = False) -> bytes:
    """A zip written byte for byte; `declared_count` lies in the end record, `zip64` adds a zip64 end."""
    out, central = io.BytesIO(), io.BytesIO()
    for e in entries:
        name = e.name.encode()
        offset = out.tell()
        fixed = (20, e.flags, e.method, 0, 0x21, e.crc, len(e.data), e.file_size, len(name))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fixed, 0) + name + e.data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fixed, 0, 0, 0, 0, 0, offset) + name)
    count = len(entries) if declared_count is None else declared_count
    cd = central.getvalue()
    if not zip64:
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(cd), out.tell(), 0)
        return out.getvalue() + cd + end
    # APPNOTE 4.3.14-4.3.15: zip64 end record and locator, then an end record pointing to them.
    record_at = out.tell() + len(cd)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(cd), out.tell())
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return out.getvalue() + cd + record + locator + end


def deflated_zeros(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zeros, built in milliseconds.

    After a full flush the compressor starts afresh, so one flushed 1 MiB block repeats byte for byte.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(MiB)) + comp.flush(zlib.Z_FULL_FLUSH)
    return block * mib + comp.flush(zlib.Z_FINISH)


def zip_with_raw_document(folder: Path, name: str, entry: RawEntry) -> Path:
    """A valid package whose word/document.xml member is `entry`."""
    parts = docx_parts()
    entries = [
        RawEntry(n, zlib.compress(d)[2:-4], crc=zlib.crc32(d), file_size=len(d))
        for n, d in parts.items()
        if n != "word/document.xml"
    ]
    path = folder / name
    path.write_bytes(raw_zip([*entries, entry]))
    return path


# ---------------------------------------------------------------------------- hostile zips


def zip_bomb(folder: Path) -> Path:
    """300 MiB of zeros in a ~300 KB file, sizes declared truthfully (the CRC is left wrong on purpose:
    a reader that got to the end would report ZIP_CORRUPT, not ZIP_BOMB)."""
    entry = RawEntry("word/document.xml", deflated_zeros(300), file_size=300 * MiB)
    return zip_with_raw_document(folder, "bom-nen.docx", entry)


def zip_bomb_ratio(folder: Path) -> Path:
    """60 MiB of zeros: under the per-member cap, caught by the ratio check while streaming."""
    entry = RawEntry("word/document.xml", deflated_zeros(60), file_size=60 * MiB)
    return zip_with_raw_document(folder, "bom-ty-le.docx", entry)


def zip_bomb_lying_size(folder: Path) -> Path:
    """Declares 2 KB but inflates to 300 MiB: zipfile stops at the declared size and the CRC fails."""
    entry = RawEntry("word/document.xml", deflated_zeros(300), crc=0, file_size=2048)
    return zip_with_raw_document(folder, "bom-khai-sai.docx", entry)


def too_many_entries(folder: Path, count: int = 2500) -> Path:
    parts = docx_parts()
    parts.update({f"word/media/x{i}.xml": b"<x/>" for i in range(count)})
    return write_zip(folder / "qua-nhieu-phan.docx", parts)


def entry_count_lie(folder: Path, count: int = 2500) -> Path:
    """The end record claims 3 members; the central directory holds thousands."""
    entries = [
        RawEntry(f"x{i}.xml", b"<x/>", method=0, crc=zlib.crc32(b"<x/>"), file_size=4) for i in range(count)
    ]
    path = folder / "dem-sai.docx"
    path.write_bytes(raw_zip(entries, declared_count=3))
    return path


def encrypted_entry(folder: Path) -> Path:
    data = document_xml()
    entry = RawEntry(
        "word/document.xml", zlib.compress(data)[2:-4], crc=zlib.crc32(data), file_size=len(data), flags=1
    )
    return zip_with_raw_document(folder, "ma-hoa-zip.docx", entry)


def unsupported_method(folder: Path) -> Path:
    data = document_xml()
    entry = RawEntry("word/document.xml", data, method=9, crc=zlib.crc32(data), file_size=len(data))
    return zip_with_raw_document(folder, "nen-la.docx", entry)


def duplicate_names(folder: Path) -> Path:
    parts = docx_parts()
    entries = [RawEntry(n, d, method=0, crc=zlib.crc32(d), file_size=len(d)) for n, d in parts.items()]
    evil = document_xml("<w:p><w:r><w:t>Bản khác</w:t></w:r></w:p>")
    entries.append(RawEntry("Word/Document.xml", evil, method=0, crc=zlib.crc32(evil), file_size=len(evil)))
    path = folder / "trung-ten.docx"
    path.write_bytes(raw_zip(entries))
    return path


def long_document(folder: Path, name: str = "dai.docx") -> Path:
    para = (
        "<w:p><w:r><w:t>Đoạn {i}: mô hình dân vận khéo ở phường Lái Hiếu, kết quả {i} hộ.</w:t></w:r></w:p>"
    )
    body = "".join(para.format(i=i) for i in range(400))
    return docx(folder, name, document=document_xml(body))


def truncated(folder: Path) -> Path:
    data = long_document(folder, "goc-cat.docx").read_bytes()
    path = folder / "bi-cat.docx"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupt_bytes(folder: Path) -> Path:
    """Bytes flipped inside the compressed word/document.xml."""
    source = long_document(folder, "goc-hong.docx")
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        data[i] ^= 0x5A
    path = folder / "hong-byte.docx"
    path.write_bytes(bytes(data))
    return path


def no_document_xml(folder: Path) -> Path:
    return write_zip(
        folder / "khong-co-noi-dung.docx", {"readme.txt": "Tài liệu".encode(), "a/b.xml": b"<a/>"}
    )


def xlsx_renamed(folder: Path) -> Path:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    parts = {
        "[Content_Types].xml": content_types({"xl/workbook.xml": sheet}),
        "_rels/.rels": relationships([("rId1", OFFICE_DOC_REL, "xl/workbook.xml")]),
        "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    }
    return write_zip(folder / "bang-tinh.docx", parts)


def docm(folder: Path) -> Path:
    parts = docx_parts(main_type=DOCM_MAIN)
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really vba"
    return write_zip(folder / "co-macro.docx", parts)


# ---------------------------------------------------------------------------- hostile XML


def billion_laughs(folder: Path, encoding: str = "utf-8") -> Path:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    suffix = "" if encoding == "utf-8" else "-" + encoding
    return docx(folder, f"ty-tieng-cuoi{suffix}.docx", document=xml.encode(encoding))


def external_entity(folder: Path) -> Path:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx(folder, "xxe.docx", document=xml.encode())


def deep_nesting(folder: Path, depth: int = 5000) -> Path:
    body = "<w:p>" * depth + "</w:p>" * depth
    return docx(folder, "long-sau.docx", document=document_xml(body))


def malformed_xml(folder: Path) -> Path:
    return docx(folder, "xml-loi.docx", document=b'<w:document xmlns:w="x"><w:body><w:p></w:body>')


# ---------------------------------------------------------------------------- OLE compound files

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal MS-CFB v3 file (512-byte sectors) holding `streams` at the root.

    Simplified: every stream lives in regular sectors (no mini stream) and siblings form a chain,
    enough for a directory reader, not for Word.
    """
    items = list(streams.items())
    dir_sectors = -(-(len(items) + 1) // 4)
    data_sectors = [-(-len(data) // 512) for _, data in items]
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [FATSECT] * fat_sectors
    fat += _chain(len(fat), dir_sectors)
    starts = []
    for count in data_sectors:
        starts.append(len(fat) if count else END)
        fat += _chain(len(fat), count)
    fat += [FREE] * (fat_sectors * 128 - len(fat))
    directory = _dir_entry("Root Entry", 5, END, 0, child=1 if items else NOSTREAM)
    for i, ((name, data), start) in enumerate(zip(items, starts, strict=True)):
        right = i + 2 if i + 1 < len(items) else NOSTREAM
        directory += _dir_entry(name, 2, start, len(data), right=right)
    directory += _dir_entry("", 0, 0, 0) * (dir_sectors * 4 - len(items) - 1)
    body = struct.pack(f"<{len(fat)}L", *fat) + directory
    body += b"".join(data + bytes(-len(data) % 512) for _, data in items)
    return _ole_header(fat_sectors, first_dir=fat_sectors) + body


def _chain(first: int, count: int) -> list[int]:
    return [first + i + 1 if i + 1 < count else END for i in range(count)]


def _dir_entry(
    name: str, kind: int, start: int, size: int, right: int = NOSTREAM, child: int = NOSTREAM
) -> bytes:
    raw = name.encode("utf-16-le")
    name_field = (raw + b"\x00\x00").ljust(64, b"\x00")
    name_len = len(raw) + 2 if name else 0
    return (
        name_field
        + struct.pack("<HBB3L", name_len, kind, 1, NOSTREAM, right, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<LQ", start, size)
    )


def _ole_header(fat_sectors: int, first_dir: int) -> bytes:
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack(
            "<5H6xLLLLLLLLL", 0x3E, 3, 0xFFFE, 9, 6, 0, fat_sectors, first_dir, 0, 4096, END, 0, END, 0
        )
        + struct.pack("<109L", *difat)
    )


def word_fib(encrypted: bool = False) -> bytes:
    """A WordDocument stream: FibBase with wIdent 0xA5EC and fEncrypted (MS-DOC §2.5.2), padded to 4 KB."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags).ljust(4096, b"\x00")


def ole_doc(folder: Path, encrypted: bool = False) -> Path:
    path = folder / ("doc-mat-khau.docx" if encrypted else "cu.doc")
    path.write_bytes(ole_bytes({"WordDocument": word_fib(encrypted), "1Table": bytes(600)}))
    return path


def ole_encrypted_docx(folder: Path) -> Path:
    """A password-protected .docx as Office writes it: an OLE file with EncryptionInfo/EncryptedPackage."""
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 5000) + os.urandom(5008)
    path = folder / "mat-khau.docx"
    path.write_bytes(ole_bytes({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


def ole_spreadsheet(folder: Path) -> Path:
    path = folder / "bang-tinh-cu.doc"
    path.write_bytes(ole_bytes({"Workbook": bytes(5000)}))
    return path


# ---------------------------------------------------------------------------- renamed and odd files


def pdf_renamed(folder: Path) -> Path:
    path = folder / "ban-pdf.docx"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def png_renamed(folder: Path) -> Path:
    ihdr = struct.pack(">LL5B", 1, 1, 8, 0, 0, 0, 0)
    chunk = struct.pack(">L", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">L", zlib.crc32(b"IHDR" + ihdr))
    path = folder / "anh-chup.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk)
    return path


def empty(folder: Path) -> Path:
    path = folder / "rong.docx"
    path.write_bytes(b"")
    return path


def random_bytes(folder: Path) -> Path:
    path = folder / "rac.docx"
    path.write_bytes(bytes(range(256)) * 8)
    return path


def too_large(folder: Path) -> Path:
    """A sparse 101 MiB file: instant to make, no disk used."""
    path = folder / "qua-lon.docx"
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(101 * MiB)
    return path


def fifo(folder: Path) -> Path:
    """A named pipe called .docx: opening it for reading must not wait for a writer."""
    if not hasattr(os, "mkfifo"):
        # unittest.SkipTest: pytest reports it as a skip; the corpus itself does not depend on pytest.
        raise unittest.SkipTest("Windows has no named pipes in its file system")
    path = folder / "ong-dan.docx"
    os.mkfifo(path)
    return path


# ---------------------------------------------------------------------------- the catalogue

CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "zip_bomb": (zip_bomb, "ZIP_BOMB"),
    "zip_bomb_ratio": (zip_bomb_ratio, "ZIP_BOMB"),
    "zip_bomb_lying_size": (zip_bomb_lying_size, "ZIP_CORRUPT"),
    "too_many_entries": (too_many_entries, "ZIP_BOMB"),
    "entry_count_lie": (entry_count_lie, "ZIP_BOMB"),
    "encrypted_entry": (encrypted_entry, "ZIP_ENCRYPTED"),
    "unsupported_method": (unsupported_method, "ZIP_UNSUPPORTED"),
    "duplicate_names": (duplicate_names, "ZIP_CORRUPT"),
    "truncated": (truncated, "ZIP_CORRUPT"),
    "corrupt_bytes": (corrupt_bytes, "ZIP_CORRUPT"),
    "no_document_xml": (no_document_xml, "FILE_NOT_WORD"),
    "xlsx_renamed": (xlsx_renamed, "FILE_NOT_WORD"),
    "billion_laughs": (billion_laughs, "XML_DTD"),
    "billion_laughs_utf16": (lambda folder: billion_laughs(folder, "utf-16"), "XML_DTD"),
    "external_entity": (external_entity, "XML_DTD"),
    "deep_nesting": (deep_nesting, "XML_DEPTH"),
    "malformed_xml": (malformed_xml, "XML_INVALID"),
    "ole_encrypted_docx": (ole_encrypted_docx, "FILE_ENCRYPTED"),
    "ole_doc_encrypted": (lambda folder: ole_doc(folder, encrypted=True), "FILE_ENCRYPTED"),
    "ole_spreadsheet": (ole_spreadsheet, "FILE_NOT_WORD"),
    "pdf_renamed": (pdf_renamed, "FILE_PDF"),
    "png_renamed": (png_renamed, "FILE_IMAGE"),
    "empty": (empty, "FILE_EMPTY"),
    "random_bytes": (random_bytes, "FILE_NOT_WORD"),
    "too_large": (too_large, "FILE_TOO_LARGE"),
    "fifo": (fifo, "FILE_UNREADABLE"),
}

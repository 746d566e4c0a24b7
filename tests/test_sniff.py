import struct
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from corpora import hostile
from pipeline.model import ReadError
from pipeline.sniff import (
    CONVERTIBLE_KINDS,
    KIND_NAMES,
    WORD_KINDS,
    describe_kind,
    kind_error,
    require_readable,
    sniff,
)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def odt(folder: Path) -> Path:
    path = folder / "ban-odt.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def python_docx_file(folder: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Tên mô hình: Dân vận khéo")
    path = folder / "BÁO CÁO MÔ HÌNH.DOCX"
    document.save(path)
    return path


def bmp(folder: Path) -> Path:
    header = b"BM" + struct.pack("<L", 58) + b"\x00\x00\x00\x00" + struct.pack("<L", 54)
    return write(folder, "anh.docx", header + bytes(44))


BUILDERS = {
    "docx": lambda f: hostile.docx(f),
    "python-docx": python_docx_file,
    "dotx": lambda f: hostile.docx(f, "mau.docx", main_type=hostile.DOTX_MAIN),
    "docm": hostile.docm,
    "odt": odt,
    "zip-other": hostile.no_document_xml,
    "xlsx": hostile.xlsx_renamed,
    "ole-doc": hostile.ole_doc,
    "ole-encrypted-docx": hostile.ole_encrypted_docx,
    "ole-encrypted-doc": lambda f: hostile.ole_doc(f, encrypted=True),
    "ole-other": hostile.ole_spreadsheet,
    "ole-garbage": lambda f: write(f, "hong.doc", hostile.ole_bytes({})[:8] + bytes(100)),
    "rtf": lambda f: write(f, "a.doc", b"{\\rtf1\\ansi\\deff0 {\\fonttbl}Ng\\'e3 B\\'e1y}"),
    "pdf": hostile.pdf_renamed,
    "png": hostile.png_renamed,
    "jpeg": lambda f: write(f, "a.docx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100)),
    "gif": lambda f: write(f, "a.docx", b"GIF89a" + bytes(100)),
    "tiff": lambda f: write(f, "a.docx", b"II*\x00" + bytes(100)),
    "bmp": bmp,
    "empty": hostile.empty,
    "text": lambda f: write(f, "a.docx", "Tên mô hình: Dân vận khéo\r\nĐơn vị: Phường Lái Hiếu\n".encode()),
    "text-utf16": lambda f: write(f, "a.docx", "Tên mô hình: Dân vận khéo".encode("utf-16")),
    "html": lambda f: write(f, "a.doc", b"<html xmlns:o='urn:schemas-microsoft-com:office:office'><body/>"),
    "word-xml": lambda f: write(
        f, "a.doc", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>'
    ),
    "unknown": hostile.random_bytes,
}
EXPECTED = {
    "python-docx": "docx",
    "xlsx": "zip-other",
    "ole-encrypted-docx": "ole-encrypted",
    "ole-encrypted-doc": "ole-encrypted",
    "ole-garbage": "ole-other",
    "png": "image",
    "jpeg": "image",
    "gif": "image",
    "tiff": "image",
    "bmp": "image",
    "text-utf16": "text",
}


@pytest.mark.parametrize("case", sorted(BUILDERS))
def test_sniff_judges_by_bytes_not_extension(tmp_path, case):
    path = BUILDERS[case](tmp_path)
    assert sniff(path) == EXPECTED.get(case, case)


def test_vba_project_makes_docm_even_with_docx_content_type(tmp_path):
    parts = hostile.docx_parts()
    parts["word/vbaProject.bin"] = b"x"
    path = hostile.write_zip(tmp_path / "a.docx", parts)
    assert sniff(path) == "docm"


def test_main_part_with_unusual_name_is_docx(tmp_path):
    path = hostile.docx(tmp_path, main="word/noi-dung.xml")
    assert sniff(path) == "docx"


def test_package_without_content_types_but_with_word_document_is_docx(tmp_path):
    path = hostile.write_zip(tmp_path / "a.docx", {"word/document.xml": hostile.document_xml()})
    assert sniff(path) == "docx"


def test_text_that_merely_starts_with_bm_is_not_an_image(tmp_path):
    assert sniff(write(tmp_path, "a.txt", b"BM ban dan van thanh uy")) == "text"


def test_pdf_with_junk_before_header_is_pdf(tmp_path):
    assert sniff(write(tmp_path, "a.docx", b"\r\n\r\n%PDF-1.7\n")) == "pdf"


def test_sniff_of_broken_zip_raises_its_code(tmp_path):
    with pytest.raises(ReadError) as err:
        sniff(hostile.truncated(tmp_path))
    assert err.value.code == "ZIP_CORRUPT"


def test_sniff_does_not_block_on_a_fifo(tmp_path):
    with pytest.raises(ReadError) as err:
        sniff(hostile.fifo(tmp_path))
    assert err.value.code == "FILE_UNREADABLE"


def test_every_kind_has_a_vietnamese_name():
    for kind, name in KIND_NAMES.items():
        assert describe_kind(kind) == name
        assert unicodedata.is_normalized("NFC", name)
    assert describe_kind("pdf") == "tệp PDF"
    assert describe_kind("image") == "tệp ảnh"
    assert describe_kind("no-such-kind") == "tệp không rõ định dạng"


def test_word_and_convertible_kinds_are_accepted():
    for kind in WORD_KINDS | CONVERTIBLE_KINDS | {"docm"}:
        assert kind_error(kind) is None


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("empty", "FILE_EMPTY"),
        ("ole-encrypted", "FILE_ENCRYPTED"),
        ("pdf", "FILE_PDF"),
        ("image", "FILE_IMAGE"),
        ("text", "FILE_TEXT"),
        ("zip-other", "FILE_NOT_WORD"),
        ("ole-other", "FILE_NOT_WORD"),
        ("unknown", "FILE_NOT_WORD"),
    ],
)
def test_unusable_kinds_get_a_code_and_advice(kind, code):
    error = kind_error(kind)
    assert error is not None and error.code == code
    assert "Đề nghị đơn vị" in error.message
    assert unicodedata.is_normalized("NFC", error.message)


def test_password_message_tells_what_to_do():
    assert kind_error("ole-encrypted").message == (
        "Tệp được bảo vệ bằng mật khẩu. Đề nghị đơn vị gửi lại bản không đặt mật khẩu."
    )


def test_pdf_message_names_the_kind():
    assert kind_error("pdf").message.startswith("Tệp này là tệp PDF, không phải văn bản Word.")


def test_require_readable_returns_the_kind_of_a_usable_file(tmp_path):
    assert require_readable(hostile.docx(tmp_path)) == "docx"
    assert require_readable(hostile.ole_doc(tmp_path)) == "ole-doc"


def test_require_readable_checks_size_first(tmp_path):
    with pytest.raises(ReadError) as err:
        require_readable(hostile.too_large(tmp_path))
    assert err.value.code == "FILE_TOO_LARGE"

import hashlib
import os
import tracemalloc
import unicodedata
import zlib

import pytest

from corpora import hostile
from pipeline.model import ReadError
from pipeline.safezip import (
    Limits,
    SafeZip,
    check_file_size,
    document_parts,
    load_docx,
    parse_xml,
    read_parts,
)
from pipeline.sniff import require_readable

W = f"{{{hostile.W_NS}}}"


def open_submission(path):
    """What the reader does with a submission: size and kind first, then the parts."""
    require_readable(path)
    return load_docx(path)


def read_error(func, *args, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as err:
        func(*args, **kwargs)
    return err.value


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


# ---------------------------------------------------------------------------- hostile catalogue


# No time is asserted (a loaded 2-core machine can be many times slower than an idle one): a hang fails
# through pytest's timeout, and the speed of refusal is measured by `python -m benchmarks.limits`.


@pytest.mark.parametrize("case", sorted(hostile.CASES))
def test_hostile_file_gives_its_code_without_hanging(tmp_path, case):
    builder, code = hostile.CASES[case]
    path = builder(tmp_path)
    before = sha256(path)
    error = read_error(open_submission, path)
    assert (error.code, case) == (code, case)
    assert error.message and unicodedata.is_normalized("NFC", error.message)
    assert sha256(path) == before  # inputs are never modified


@pytest.mark.parametrize("case", ["zip_bomb", "zip_bomb_ratio", "zip_bomb_lying_size", "entry_count_lie"])
def test_bombs_stay_within_bounded_memory(tmp_path, case):
    path = hostile.CASES[case][0](tmp_path)
    tracemalloc.start()
    try:
        read_error(open_submission, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024


def test_external_entity_never_reaches_the_text(tmp_path):
    error = read_error(open_submission, hostile.external_entity(tmp_path))
    assert error.code == "XML_DTD"
    assert "root:" not in error.message
    assert error.where == "phần word/document.xml"


def test_bomb_message_explains_the_danger(tmp_path):
    error = read_error(open_submission, hostile.zip_bomb(tmp_path))
    assert "bom nén" in error.message and "word/document.xml" in error.message


# ---------------------------------------------------------------------------- limits


def test_file_size_limit(tmp_path):
    path = hostile.docx(tmp_path)
    assert check_file_size(path) == path.stat().st_size
    assert read_error(check_file_size, path, Limits(max_file_bytes=10)).code == "FILE_TOO_LARGE"


def test_total_uncompressed_bytes_are_capped(tmp_path):
    parts = hostile.docx_parts()
    parts["word/a.xml"] = os.urandom(600_000)
    parts["word/b.xml"] = os.urandom(600_000)
    path = hostile.write_zip(tmp_path / "a.docx", parts)
    limits = Limits(max_total_bytes=1_000_000)
    assert read_error(read_parts, path, ["word/a.xml", "word/b.xml"], limits).code == "ZIP_BOMB"
    assert len(read_parts(path, ["word/a.xml"], limits)["word/a.xml"]) == 600_000


def test_declared_entry_size_over_cap_is_rejected_before_reading(tmp_path):
    parts = hostile.docx_parts()
    parts["word/a.xml"] = b"x" * 5000
    path = hostile.write_zip(tmp_path / "a.docx", parts)
    assert read_error(read_parts, path, ["word/a.xml"], Limits(max_entry_bytes=4000)).code == "ZIP_BOMB"


def test_entry_count_limit_is_configurable(tmp_path):
    path = hostile.docx(tmp_path)
    assert read_error(SafeZip, path, Limits(max_entries=2)).code == "ZIP_BOMB"
    with SafeZip(path, Limits(max_entries=3)) as z:
        assert len(z.names) == 3


def zip64_package(folder, declared_count=None):
    parts = hostile.docx_parts()
    entries = [
        hostile.RawEntry(n, d, method=0, crc=zlib.crc32(d), file_size=len(d)) for n, d in parts.items()
    ]
    path = folder / "zip64.docx"
    path.write_bytes(hostile.raw_zip(entries, declared_count=declared_count, zip64=True))
    return path


def test_zip64_end_record_is_read(tmp_path):
    assert load_docx(zip64_package(tmp_path)).main.tag == f"{W}document"


def test_zip64_entry_count_is_checked_before_opening(tmp_path):
    assert read_error(SafeZip, zip64_package(tmp_path, declared_count=10**9)).code == "ZIP_BOMB"


# ---------------------------------------------------------------------------- read_parts


def test_read_parts_by_name_skips_absent_parts(tmp_path):
    path = hostile.docx(tmp_path)
    got = read_parts(path, ["word/document.xml", "word/header1.xml"])
    assert list(got) == ["word/document.xml"]
    assert got["word/document.xml"] == hostile.document_xml()


def test_read_parts_by_predicate(tmp_path):
    got = read_parts(hostile.docx(tmp_path), lambda name: name.endswith(".rels"))
    assert list(got) == ["_rels/.rels"]


def test_missing_document_xml_when_asked(tmp_path):
    path = hostile.no_document_xml(tmp_path)
    assert read_error(read_parts, path, ["word/document.xml"]).code == "NO_DOCUMENT_XML"
    assert read_error(load_docx, path).code == "NO_DOCUMENT_XML"


def test_part_names_are_case_insensitive(tmp_path):
    path = hostile.write_zip(tmp_path / "a.docx", {"Word/Document.XML": hostile.document_xml()})
    with SafeZip(path) as z:
        assert z.has("word/document.xml")
        assert z.read("/WORD/document.xml") == hostile.document_xml()


def test_not_a_zip_is_corrupt(tmp_path):
    path = hostile.pdf_renamed(tmp_path)
    assert read_error(load_docx, path).code == "ZIP_CORRUPT"


# ---------------------------------------------------------------------------- parse_xml


def test_parse_xml_keeps_text_and_comments():
    root = parse_xml("<a><!-- ghi chú --><b>Ngã Bảy</b></a>".encode(), "x.xml")
    assert root.findtext("b") == "Ngã Bảy"
    assert len(root) == 2


def test_any_doctype_is_rejected_even_a_harmless_one():
    error = read_error(parse_xml, b'<?xml version="1.0"?><!DOCTYPE a><a/>', "word/document.xml")
    assert error.code == "XML_DTD"
    assert "không được phép trong tệp Word" in error.message


def test_depth_limit_is_exact():
    limits = Limits(max_xml_depth=10)
    assert parse_xml(b"<a>" * 10 + b"</a>" * 10, "x.xml", limits) is not None
    error = read_error(parse_xml, b"<a>" * 11 + b"</a>" * 11, "word/header1.xml", limits)
    assert (error.code, error.where) == ("XML_DEPTH", "phần word/header1.xml")


def test_libxml_caps_depth_at_256_whatever_the_limit():
    assert read_error(parse_xml, b"<a>" * 300 + b"</a>" * 300, "x.xml", Limits(max_xml_depth=1000)).code == (
        "XML_DEPTH"
    )


def test_malformed_xml_names_the_part():
    error = read_error(parse_xml, b"<a><b></a>", "word/footer2.xml")
    assert error.code == "XML_INVALID"
    assert "word/footer2.xml" in error.message


def test_undeclared_entity_is_invalid_not_expanded():
    assert read_error(parse_xml, b"<a>&xxe;</a>", "x.xml").code == "XML_INVALID"


# ---------------------------------------------------------------------------- Word parts


def package_with_headers(folder):
    main = "word/document.xml"
    parts = hostile.docx_parts()
    parts["word/_rels/document.xml.rels"] = hostile.relationships(
        [
            ("rId1", "header", "header1.xml"),
            ("rId2", "footer", "/word/footer1.xml"),
            ("rId3", "footnotes", "footnotes.xml"),
            ("rId4", "styles", "styles.xml"),
            ("rId5", "numbering", "numbering.xml"),
            ("rId6", "header", "../word/header2.xml"),
            ("rId7", "hyperlink", "https://example.org"),
            ("rId8", "header", "../../outside.xml"),
            ("rId9", "footer", "missing.xml"),
        ]
    )
    rels = parts["word/_rels/document.xml.rels"].replace(
        b'Target="https://example.org"', b'Target="https://example.org" TargetMode="External"'
    )
    parts["word/_rels/document.xml.rels"] = rels
    for name in ("header1", "header2", "footer1", "footnotes", "styles", "numbering"):
        parts[f"word/{name}.xml"] = f'<w:{name} xmlns:w="{hostile.W_NS}"/>'.encode()
    assert main in parts
    return hostile.write_zip(folder / "day-du.docx", parts)


def test_document_parts_follow_relationships(tmp_path):
    with SafeZip(package_with_headers(tmp_path)) as z:
        parts = document_parts(z)
    assert parts.main == "word/document.xml"
    assert parts.headers == ("word/header1.xml", "word/header2.xml")
    assert parts.footers == ("word/footer1.xml",)
    assert (parts.footnotes, parts.styles, parts.numbering, parts.endnotes) == (
        "word/footnotes.xml",
        "word/styles.xml",
        "word/numbering.xml",
        "",
    )
    assert parts.rels["rId1"] == "word/header1.xml"
    assert "rId7" not in parts.rels and "rId8" not in parts.rels and "rId9" not in parts.rels


def test_load_docx_parses_every_part(tmp_path):
    loaded = load_docx(package_with_headers(tmp_path))
    assert loaded.main.tag == f"{W}document"
    assert set(loaded.xml) == set(loaded.parts.all())
    assert loaded.xml["word/header2.xml"].tag == f"{W}header2"


def test_main_part_may_have_another_name(tmp_path):
    loaded = load_docx(hostile.docx(tmp_path, main="word/noi-dung.xml"))
    assert loaded.parts.main == "word/noi-dung.xml"
    assert loaded.main.findtext(f".//{W}t") == "Tên mô hình: Dân vận khéo"


def test_spreadsheet_main_part_is_not_a_document(tmp_path):
    assert read_error(load_docx, hostile.xlsx_renamed(tmp_path)).code == "NO_DOCUMENT_XML"


def test_hostile_content_types_are_caught(tmp_path):
    parts = hostile.docx_parts()
    parts["[Content_Types].xml"] = b'<!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]><Types>&e;</Types>'
    path = hostile.write_zip(tmp_path / "a.docx", parts)
    assert read_error(open_submission, path).code == "XML_DTD"

import hashlib
import os
import shutil
import time
import unicodedata
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from pipeline import soffice
from pipeline.model import DvkError
from pipeline.sniff import sniff
from pipeline.soffice import SofficeError, SofficeMissing, convert, soffice_path

TEXT = "Mô hình “Dân vận khéo” năm 2020 – phường Lái Hiếu, thành phố Ngã Bảy"

NO_SOFFICE = shutil.which("soffice") is None
requires_soffice = pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice (soffice) is not installed")


def make_docx(folder: Path, name: str = "Báo cáo mô hình.docx") -> Path:
    document = docx.Document()
    document.add_paragraph(TEXT)
    path = folder / name
    document.save(path)
    return path


def fake_soffice(folder: Path, body: str) -> str:
    """A stand-in executable; $out is the --outdir argument, $stem the input's name without extension."""
    if os.name == "nt":
        pytest.skip("the stand-in LibreOffice is a POSIX shell script")
    script = folder / "fake-soffice"
    script.write_text(
        "#!/bin/sh\n"
        'prev=""; last=""\n'
        'for a in "$@"; do if [ "$prev" = "--outdir" ]; then out="$a"; fi; prev="$a"; last="$a"; done\n'
        'name=$(basename "$last"); stem="${name%.*}"\n'
        f"{body}\n"
    )
    script.chmod(0o755)
    return str(script)


@pytest.fixture
def fake(monkeypatch, tmp_path):
    def install(body: str) -> str:
        exe = fake_soffice(tmp_path, body)
        monkeypatch.setattr(soffice, "soffice_path", lambda: exe)
        return exe

    return install


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------ failure paths (no LibreOffice needed)


def test_missing_libreoffice_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(soffice, "soffice_path", lambda: None)
    with pytest.raises(SofficeMissing) as err:
        convert(make_docx(tmp_path), "pdf", tmp_path / "out")
    assert err.value.code == "SOFFICE_MISSING"
    assert "sudo apt-get install libreoffice-writer" in err.value.message
    assert isinstance(err.value, DvkError)


def test_soffice_path_honours_dvk_soffice(monkeypatch, tmp_path):
    exe = fake_soffice(tmp_path, "exit 0")
    monkeypatch.setenv("DVK_SOFFICE", exe)
    assert soffice_path() == exe
    monkeypatch.setenv("DVK_SOFFICE", str(tmp_path / "khong-co"))
    assert soffice_path() is None


def test_exit_zero_without_output_is_a_failure(fake, tmp_path):
    fake("echo 'Error: source file could not be loaded'; exit 0")
    with pytest.raises(SofficeError) as err:
        convert(make_docx(tmp_path), "pdf", tmp_path / "out")
    assert err.value.code == "SOFFICE_FAILED"
    assert "could not be loaded" in err.value.detail
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_nonzero_exit_is_a_failure(fake, tmp_path):
    fake('printf "%s" "%PDF-1.4" > "$out/$stem.pdf"; exit 81')
    with pytest.raises(SofficeError) as err:
        convert(make_docx(tmp_path), "pdf", tmp_path / "out")
    assert err.value.code == "SOFFICE_FAILED"
    assert "mã thoát 81" in err.value.message


def test_output_with_wrong_magic_is_rejected(fake, tmp_path):
    fake('mkdir -p "$out"; printf "not a pdf" > "$out/$stem.pdf"')
    with pytest.raises(SofficeError) as err:
        convert(make_docx(tmp_path), "pdf", tmp_path / "out")
    assert err.value.code == "SOFFICE_BAD_OUTPUT"
    assert unicodedata.is_normalized("NFC", err.value.message)


def test_empty_output_is_rejected(fake, tmp_path):
    fake('mkdir -p "$out"; : > "$out/$stem.docx"')
    with pytest.raises(SofficeError) as err:
        convert(make_docx(tmp_path), "docx", tmp_path / "out")
    assert err.value.code == "SOFFICE_BAD_OUTPUT"
    assert "tệp rỗng" in err.value.message


def test_hanging_soffice_is_killed_with_its_children(fake, tmp_path):
    pid_file = tmp_path / "child.pid"
    # The fake runs 600 s: waited for instead of killed, the test fails on pytest's timeout (120 s).
    fake(f'sleep 600 & echo $! > "{pid_file}"; wait')
    with pytest.raises(SofficeError) as err:
        convert(make_docx(tmp_path), "pdf", tmp_path / "out", timeout=1)
    assert err.value.code == "SOFFICE_TIMEOUT"
    child = int(pid_file.read_text())
    time.sleep(0.1)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_soffice_gets_a_private_copy_and_fresh_profile(fake, tmp_path):
    log = tmp_path / "argv.log"
    fake(f'echo "$@" >> "{log}"; mkdir -p "$out"; printf "%s" "%PDF-1.4 x" > "$out/$stem.pdf"')
    src = make_docx(tmp_path)
    before = digest(src)
    first = convert(src, "pdf", tmp_path / "out")
    second = convert(src, "pdf", tmp_path / "out")
    assert first == second == tmp_path / "out" / "Báo cáo mô hình.pdf"
    assert first.read_bytes() == b"%PDF-1.4 x"
    assert digest(src) == before
    calls = log.read_text().splitlines()
    assert all("--headless" in call and "--norestore" in call and "--nolockcheck" in call for call in calls)
    assert str(src) not in calls[0] and calls[0].endswith("/in/input.docx")
    profiles = [call.split("-env:UserInstallation=")[1].split()[0] for call in calls]
    assert profiles[0] != profiles[1]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["Báo cáo mô hình.pdf"]


def test_refuses_to_overwrite_the_input(tmp_path):
    src = make_docx(tmp_path, "a.docx")
    with pytest.raises(ValueError):
        convert(src, "docx", tmp_path)


def test_unknown_target_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        convert(make_docx(tmp_path), "xlsx", tmp_path / "out")


# ---------------------------------------------------------------------------- real LibreOffice


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory):
    if NO_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("doc")
    return convert(make_docx(folder), "doc", folder / "out")


@pytest.mark.soffice
@requires_soffice
def test_docx_to_pdf_keeps_vietnamese_text(tmp_path):
    src = make_docx(tmp_path)
    pdf = convert(src, "pdf", tmp_path / "out")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = unicodedata.normalize("NFC", PdfReader(pdf).pages[0].extract_text())
    assert "Dân vận khéo" in text and "Lái Hiếu" in text and "Ngã Bảy" in text


@pytest.mark.soffice
@requires_soffice
def test_doc_made_by_soffice_converts_back_to_docx(legacy_doc, tmp_path):
    assert sniff(legacy_doc) == "ole-doc"
    renamed = tmp_path / "BAO CAO.docx"  # extensions lie: the bytes decide
    shutil.copyfile(legacy_doc, renamed)
    result = convert(renamed, "docx", tmp_path / "out")
    assert result == tmp_path / "out" / "BAO CAO.docx"
    assert sniff(result) == "docx"
    paragraphs = [p.text for p in docx.Document(result).paragraphs]
    assert TEXT in paragraphs


@pytest.mark.slow
@pytest.mark.soffice
@requires_soffice
def test_concurrent_conversions_do_not_clash(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    sources = [make_docx(tmp_path, f"mo-hinh-{i}.docx") for i in range(3)]
    with ThreadPoolExecutor(3) as pool:
        pdfs = list(pool.map(lambda src: convert(src, "pdf", tmp_path / "out"), sources))
    assert [p.name for p in pdfs] == ["mo-hinh-0.pdf", "mo-hinh-1.pdf", "mo-hinh-2.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)


def test_no_stray_files_left_in_tmp(fake, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    fake("exit 0")
    with pytest.raises(SofficeError):
        convert(make_docx(tmp_path), "pdf", tmp_path / "out")
    assert list(scratch.iterdir()) == []
    assert os.environ["TMPDIR"] == str(scratch)


CONVERTIBLE = {
    "html": '<html><head><meta charset="utf-8"></head><body><p>Tên mô hình</p></body></html>'.encode(),
    "rtf": rb"{\rtf1\ansi\deff0 {\fonttbl{\f0 Times New Roman;}}\f0 T\u234?n m\u244? h\u236?nh\par}",
    "word-xml": (
        '<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Word.Document"?>'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r>'
        "<w:t>Tên mô hình</w:t></w:r></w:p></w:body></w:wordDocument>"
    ).encode(),
}


@pytest.mark.slow
@pytest.mark.soffice
@requires_soffice
@pytest.mark.parametrize("kind", sorted(CONVERTIBLE))
def test_other_convertible_kinds_become_docx(tmp_path, kind):
    src = tmp_path / "bao-cao.doc"  # such files usually arrive named .doc
    src.write_bytes(CONVERTIBLE[kind])
    assert sniff(src) == kind
    result = convert(src, "docx", tmp_path / "out")
    assert [p.text for p in docx.Document(result).paragraphs][0].startswith("Tên mô hình")

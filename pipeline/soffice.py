"""LibreOffice headless: legacy .doc/.odt/.rtf → .docx for reading, and .docx → .pdf for archiving.

soffice exits 0 even when it could not load or write a file, so every result is checked by its
bytes before it is handed back. Each call works on a private copy of the input in a private temp
folder with a fresh user profile, so the input is never touched and concurrent runs do not clash.
Cost: about 1.5-2 s per call on a desktop, most of it LibreOffice start-up and profile creation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.model import DvkError, ExitCode, MissingTool, ReadError
from pipeline.platform import files, process
from pipeline.platform import soffice as where
from pipeline.sniff import describe_kind, sniff

# Export filters by target; "docx" names its filter so HTML input (Writer/Web) also exports. PDFs are
# PDF/A-2b (SelectPdfVersion 2), the archival form: the PDF the leader signs is the one kept for good.
# The JSON form of filter options needs LibreOffice 7.4 or later; `build.convert_to_pdf` checks the result.
FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "pdf": 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}',
    "doc": "doc:MS Word 97",
    "odt": "odt",
    "rtf": "rtf",
}
# The kind the output must sniff as (soffice's exit code proves nothing).
EXPECTED_KIND = {"docx": "docx", "pdf": "pdf", "doc": "ole-doc", "odt": "odt", "rtf": "rtf"}
# LibreOffice's import detection is helped by an extension that matches the content.
KIND_SUFFIX = {
    "docx": ".docx",
    "dotx": ".dotx",
    "docm": ".docm",
    "ole-doc": ".doc",
    "odt": ".odt",
    "rtf": ".rtf",
    "html": ".html",
    "word-xml": ".xml",
    "text": ".txt",
    "pdf": ".pdf",
}
ADVICE = "Đề nghị đơn vị mở tệp bằng Word, lưu lại thành .docx rồi gửi lại."


class SofficeError(DvkError):
    """LibreOffice failed on one file. `code` is stable; `detail` holds soffice's own output for logs."""

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class SofficeMissing(SofficeError, MissingTool):
    """LibreOffice is not installed (or DVK_SOFFICE / `[tools] soffice` points nowhere)."""

    exit_code = ExitCode.MISSING_TOOL

    def __init__(self) -> None:
        super().__init__(
            "SOFFICE_MISSING",
            "Không tìm thấy LibreOffice (soffice), cần để chuyển tệp .doc/.odt/.rtf sang .docx và xuất PDF "
            f"({where.where_looked()}). {where.install_hint()}",
        )

    def __reduce__(self) -> tuple:  # travels back from a worker process as itself
        return (type(self), ())


def soffice_path() -> str | None:
    """The LibreOffice executable (see pipeline.platform.soffice for where it is looked for)."""
    return where.find()


def convert(src: Path, target_ext: str, out_dir: Path, timeout: float = 120) -> Path:
    """Convert `src` to `target_ext` ("docx", "pdf", "doc", "odt", "rtf"); return out_dir/<stem>.<ext>.

    The result is checked (exists, non-empty, right magic) and moved into out_dir atomically.
    Raises SofficeMissing, or SofficeError with code SOFFICE_TIMEOUT, SOFFICE_FAILED or SOFFICE_BAD_OUTPUT.
    """
    src, out_dir = Path(src), Path(out_dir)
    target_ext = target_ext.lower().lstrip(".")
    if target_ext not in FILTERS:
        raise ValueError(f"unsupported target {target_ext!r}; expected one of {sorted(FILTERS)}")
    target = out_dir / f"{src.stem}.{target_ext}"
    if target.resolve() == src.resolve():
        raise ValueError(f"converting {src} would overwrite it; choose another out_dir")
    exe = soffice_path()
    if exe is None:
        raise SofficeMissing()
    with tempfile.TemporaryDirectory(prefix="dvk-soffice-", ignore_cleanup_errors=True) as work:
        work_dir = Path(work)
        private = _private_copy(src, work_dir)
        result = _run(exe, private, target_ext, work_dir, timeout, src.name)
        _check_output(result, target_ext, src.name)
        return _move_into(result, target)


def _private_copy(src: Path, work_dir: Path) -> Path:
    """Copy the input under a plain ASCII name whose extension matches its bytes."""
    suffix = KIND_SUFFIX.get(_kind(src)) or _safe_suffix(src)
    (work_dir / "in").mkdir()
    private = work_dir / "in" / f"input{suffix}"
    shutil.copyfile(src, private)
    return private


def _safe_suffix(src: Path) -> str:
    suffix = src.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def _command(exe: str, private: Path, target_ext: str, work_dir: Path) -> list[str]:
    profile = (work_dir / "profile").as_uri()  # fresh per call: concurrent soffice runs share nothing
    return [
        exe,
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"-env:UserInstallation={profile}",
        "--convert-to",
        FILTERS[target_ext],
        "--outdir",
        str(work_dir / "out"),
        str(private),
    ]


def _kind(path: Path) -> str:
    try:
        return sniff(path)
    except ReadError:  # a broken zip: LibreOffice may still repair it, or fail and be reported
        return "unknown"


def _run(exe: str, private: Path, target_ext: str, work_dir: Path, timeout: float, name: str) -> Path:
    """Run soffice, killed with every process it started on timeout; return the expected output."""
    # HOME stays: fonts the secretariat installed for their user must reach the PDF.
    env = dict(os.environ, TMPDIR=str(work_dir), TMP=str(work_dir), TEMP=str(work_dir))
    proc = process.start_program(
        _command(exe, private, target_ext, work_dir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    output, in_time = process.stop_program(proc, timeout)  # soffice starts soffice.bin: the tree goes
    if not in_time:
        raise SofficeError(
            "SOFFICE_TIMEOUT",
            f"LibreOffice không chuyển xong tệp {name} trong {timeout:g} giây nên đã bị dừng. "
            f"Tệp có thể bị hỏng hoặc quá phức tạp. {ADVICE}",
        )
    detail = output.decode("utf-8", "replace")[-2000:]
    result = work_dir / "out" / f"{private.stem}.{target_ext}"
    if proc.returncode != 0 or not result.is_file():
        raise SofficeError(
            "SOFFICE_FAILED",
            f"LibreOffice không chuyển được tệp {name} sang .{target_ext} (mã thoát {proc.returncode}). "
            f"Tệp có thể bị hỏng hoặc được đặt mật khẩu. {ADVICE}",
            detail,
        )
    return result


def _check_output(result: Path, target_ext: str, source_name: str) -> None:
    kind = _kind(result) if result.stat().st_size else "empty"
    if kind != EXPECTED_KIND[target_ext]:
        raise SofficeError(
            "SOFFICE_BAD_OUTPUT",
            f"LibreOffice báo đã chuyển tệp {source_name} sang .{target_ext} nhưng kết quả không dùng được "
            f"({describe_kind(kind)}). {ADVICE}",
        )


def _move_into(result: Path, target: Path) -> Path:
    """Copy next to the target, then rename: readers never see a half-written file."""
    return files.copy_atomically(result, target)

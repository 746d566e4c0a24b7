"""The small, frozen data model every stage passes along.

A stage returns its value together with a list of `Problem`s; only fatal or unexpected
conditions raise. Everything a user reads (`Problem.message`) is Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import ClassVar

ERROR = "error"
WARNING = "warning"
INFO = "info"  # worth knowing, nothing to fix (a unit not yet in the list): never counted as a warning


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: a stable code, a severity, a Vietnamese message and where it is."""

    code: str
    severity: str  # ERROR | WARNING | INFO
    message: str
    where: str = ""  # e.g. "bảng 1, hàng 3" or "đoạn 12"; empty when it concerns the whole file

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message, "where": self.where}


class ExitCode(IntEnum):
    """The documented exit-code contract (README, "Mã thoát")."""

    OK = 0  # the run completed (rejected input files are part of a completed run)
    FAILED = 1  # the job could not be done: build refused, verification found problems, archive refused
    USAGE = 2  # wrong options or invalid configuration
    MISSING_TOOL = 3  # an external program (LibreOffice) is needed but not installed
    REFUSED = 4  # `dvk archive`: a file refused by the signature policy (nothing numbered for it)


class DvkError(Exception):
    """A fatal error with a Vietnamese message meant for the user. The CLI prints it and exits with the
    class's `exit_code`; the page shows it. The message names no CLI option: a refusal that more input
    would lift is a `NeedsInput`, and each face names its own option or field."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILED


class ConfigError(DvkError):
    """The configuration is invalid; the message names the key."""

    exit_code = ExitCode.USAGE


class MissingTool(DvkError):
    """An external program the action needs is not installed."""

    exit_code = ExitCode.MISSING_TOOL


class Need(StrEnum):
    """What a clerk can give to have a refused action done (the CLI names its option, the page its field)."""

    NUMBER = "number"  # the document's number
    DATE = "date"  # the document's date
    CODE = "code"  # the draft's code (DVK-…)
    REPLACE_REASON = "replace_reason"  # why a filed copy is replaced
    UNTRUSTED_REASON = "untrusted_reason"  # why a signature from an untrusted certificate is accepted
    UNSIGNED_REASON = "unsigned_reason"  # why a PDF without a digital signature is accepted


class NeedsInput(DvkError):
    """Refused until the clerk gives more: `needs` says what, as data."""

    def __init__(self, message: str, needs: tuple[Need, ...]) -> None:
        super().__init__(message)
        self.needs = needs

    def __reduce__(self) -> tuple:  # travels back from a worker process as itself
        return (type(self), (str(self), self.needs))


def needs_of(error: BaseException) -> tuple[Need, ...]:
    """What a refusal needs (nothing, for any other error)."""
    return error.needs if isinstance(error, NeedsInput) else ()


class InvalidInput(NeedsInput):
    """What the clerk gave is malformed or incomplete (a number, a date, a reason): the CLI's usage error."""

    exit_code = ExitCode.USAGE


class ReadError(DvkError):
    """A file cannot be read at all. `code` is a stable problem code, `message` Vietnamese."""

    def __init__(self, code: str, message: str, where: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.where = where


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of text of a document, in reading order.

    kind: "para" (a body paragraph), "cell" (a table cell, its paragraphs joined by "\\n"),
    "sdt" (a content control with a tag).
    For cells, `table`/`row`/`col` locate it (1-based; nested tables get their own table number).
    For content controls, `tag` holds w:tag, `alias` w:alias (the title Word shows) and `prompt` the
    placeholder text the control showed before it was filled (all three are label evidence).
    """

    kind: str
    text: str
    where: str  # Vietnamese location, e.g. "đoạn 12", "bảng 2, hàng 3, cột 1", "ô nội dung 'model_name'"
    table: int = 0
    row: int = 0
    col: int = 0
    tag: str = ""
    alias: str = ""
    prompt: str = ""
    # Cells only: the grid column the cell starts at (1-based; merged cells before it counted by their
    # width), how many grid columns it spans, and whether it continues a vertically merged cell above.
    grid: int = 0
    span: int = 1
    merged: bool = False


@dataclass(frozen=True)
class DocText:
    """The text of one document as the reader saw it."""

    blocks: tuple[Block, ...]
    notes: tuple[Problem, ...] = ()  # reader findings, e.g. legacy encoding converted, tracked changes


# ---------------------------------------------------------------------------- records


class Kind(StrEnum):
    REGISTRATION = "registration"
    PROPOSAL = "proposal"


# How a value was found (FieldValue.source): the evidence a clerk sees in `dvk check --explain`.
SOURCE_LABEL = "label"  # a labelled line, cell or content control of a form
SOURCE_TABLE_ROW = "table_row"  # a row of a list table, under a header cell that names the field
SOURCE_TITLE = "title"  # the document's title line ("BÁO CÁO … mô hình … cấp thành phố năm 2020")
SOURCE_SENTENCE = "sentence"  # a sentence of the body or of the closing request
SOURCE_LETTERHEAD = "letterhead"  # the issuing-body block at the top left
SOURCE_SIGNATURE = "signature"  # the signature block at the end
SOURCE_INFERRED = "inferred"  # decided by evidence elsewhere in the file (the evidence is in `where`)
SOURCE_MANUAL = "manual"  # typed by the secretariat in the correction workbook


@dataclass(frozen=True, slots=True)
class FieldValue:
    """An extracted value, the place in the file it came from, and how it was found there."""

    value: str
    where: str
    source: str = SOURCE_LABEL


# Canonical field keys. They are also the w:tag values of the content controls in the
# forms shipped in templates_docx/.
FIELDS: tuple[str, ...] = (
    "model_name",  # Tên mô hình
    "unit",  # Đơn vị thực hiện (tập thể) / cơ quan, đơn vị công tác (cá nhân)
    "person_name",  # Họ và tên (mô hình cá nhân)
    "person_position",  # Chức vụ (mô hình cá nhân)
    "level",  # Cấp công nhận
    "model_type",  # Loại mô hình: Tập thể / Cá nhân
    "field",  # Lĩnh vực
    "year",  # Năm
    "period",  # Thời gian thực hiện (từ … đến …)
    "place",  # Địa bàn
    "target_group",  # Đối tượng
    "content",  # Nội dung, cách thức thực hiện
    "forces",  # Lực lượng tham gia
    "resources",  # Nguồn lực
    "results",  # Kết quả đạt được
    "replicability",  # Khả năng duy trì, nhân rộng
    "proposed_rating",  # Tự đánh giá / Đề nghị xếp loại
    "signer",  # Người ký báo cáo (thủ trưởng đơn vị / bí thư chi bộ)
)


# What a secretariat calls each field (messages, the correction workbook, --explain).
LABELS_VI = {
    "model_name": "Tên mô hình",
    "unit": "Đơn vị thực hiện",
    "person_name": "Họ và tên cá nhân",
    "person_position": "Chức vụ",
    "level": "Cấp công nhận",
    "model_type": "Loại mô hình (tập thể/cá nhân)",
    "field": "Lĩnh vực",
    "year": "Năm",
    "period": "Thời gian thực hiện",
    "place": "Địa bàn",
    "target_group": "Đối tượng",
    "content": "Nội dung, cách thức thực hiện",
    "forces": "Lực lượng",
    "resources": "Nguồn lực",
    "results": "Kết quả đạt được",
    "replicability": "Khả năng duy trì, nhân rộng",
    "proposed_rating": "Tự đánh giá, đề nghị xếp loại",
    "signer": "Người ký",
}


@dataclass(frozen=True, slots=True)
class Record:
    """A registration or proposal extracted from one file, values normalised to the vocabulary."""

    kind: Kind
    path: str  # relative to inputs/, with forward slashes
    sha256: str
    fields: dict[str, FieldValue] = field(default_factory=dict)
    # A row of a list table (a file holding several records): the row's stable key in its file (a hash of
    # what the row says, so it survives rows added around it and the file saved again) and its place.
    key: str = ""
    where: str = ""

    def get(self, key: str) -> str:
        value = self.fields.get(key)
        return value.value if value else ""


@dataclass(frozen=True)
class Model:
    """A recognised model as the renderer needs it (after appraisal)."""

    id: str  # stable proposal id
    name: str
    unit: str  # the unit, or for an individual model "Họ tên - Chức vụ, Đơn vị"
    level: str  # configured level label, e.g. "Cấp thành phố"
    model_type: str  # configured type label, "Tập thể" / "Cá nhân"
    field: str  # configured field label
    rating: str  # configured rating label after appraisal, e.g. "Tốt"
    person_name: str = ""
    person_position: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What reading one file gave: a record, or the problems that make it unusable."""

    record: Record | None
    problems: tuple[Problem, ...] = ()  # reading problems, or why there is no record
    record_problems: tuple[Problem, ...] = ()  # the per-record validation rules' findings
    proposal_id: str = ""  # for a proposal: its stable id, computed with the reading (it hashes names)
    # Fields the secretariat typed in the correction workbook: (field, the file's own value or ""). Never
    # cached: corrections are applied to the cached analysis on every run.
    manual: tuple[tuple[str, str], ...] = ()
    # A list table of several registrations or proposals: one analysis per row (each with its record,
    # problems, id and manual values); `record` is then None and `problems` holds the file's own findings.
    rows: tuple[Analysis, ...] = ()

    @property
    def analyses(self) -> tuple[Analysis, ...]:
        """The analysis of each record the file holds (itself when it holds one, none when unusable)."""
        if self.rows:
            return self.rows
        return (self,) if self.record is not None else ()


# ---------------------------------------------------------------------------- results of a check


class FileStatus(StrEnum):
    """The one state every file found ends in (`dvk check --json` writes the value)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SKIPPED = "skipped"


# The Vietnamese words for each file status, each kind of submitted file and each kind of built document,
# wherever a person reads them (console, page, workbooks). Keyed by the values: StrEnum members find them.
DISPLAY_VI: dict[str | None, str] = {
    FileStatus.ACCEPTED: "chấp nhận",
    FileStatus.REJECTED: "bị loại",
    FileStatus.SKIPPED: "bỏ qua",
    Kind.PROPOSAL: "Báo cáo đề nghị",
    Kind.REGISTRATION: "Phiếu đăng ký",
    "decision": "Quyết định",
    "list": "Danh sách",
    "certificates": "Giấy chứng nhận",
    "report": "Báo cáo kết quả",
    None: "",
}


@dataclass(frozen=True)
class WorkbookUpdate:
    path: Path
    added: int
    changed: int
    missing: int


@dataclass
class FileReport:
    path: str
    sha256: str
    status: FileStatus
    kind: str | None = None
    id: str | None = None
    record: Record | None = None  # shared with the cache's analysis: fields are not copied per report
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""  # why skipped
    manual: dict[str, str] = field(default_factory=dict)  # typed fields -> the file's own value ("" if none)
    # A list table of several models: one report per row (same path and hash, with the row's key and place).
    # The file is accepted when at least one of its records is.
    records: list[FileReport] = field(default_factory=list)
    key: str = ""  # a row's stable key in its file ("" for a file that is one record)
    where: str = ""  # a row's place: "bảng 2, hàng 4"

    @property
    def ref(self) -> str:
        """The record's key across the campaign: its file, or "file#row key" for a row of a list."""
        return f"{self.path}#{self.key}" if self.key else self.path

    @property
    def place(self) -> str:
        return f"{self.path} ({self.where})" if self.where else self.path

    def field(self, key: str) -> str:
        return self.record.get(key) if self.record else ""

    @property
    def fields(self) -> dict[str, str]:
        return {key: value.value for key, value in self.record.fields.items()} if self.record else {}

    @property
    def sources(self) -> dict[str, str]:
        return {key: value.where for key, value in self.record.fields.items()} if self.record else {}

    def as_dict(self) -> dict:
        found = {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "kind": self.kind,
            "id": self.id,
            "fields": self.fields,
            "sources": self.sources,
            "reason": self.reason,
            "problems": [problem.as_dict() for problem in self.problems],
            # Where each value comes from: "file" (read from the document) or "manual" (typed in the
            # correction workbook; "file_values" then holds what the document itself gave).
            "origins": {key: "manual" if key in self.manual else "file" for key in self.fields},
            # How each value was found: label, table_row, title, sentence, letterhead, inferred or manual.
            "evidence": {key: value.source for key, value in self.record.fields.items()}
            if self.record
            else {},
            "file_values": dict(self.manual),
        }
        if self.records:
            found["records"] = [record.record_dict() for record in self.records]
        return found

    def record_dict(self) -> dict:
        """A row of a list, as the file's `records` give it."""
        return {
            "id": self.id,
            "key": self.key,
            "where": self.where,
            "status": self.status,
            "kind": self.kind,
            "fields": self.fields,
            "sources": self.sources,
            "evidence": {key: value.source for key, value in self.record.fields.items()}
            if self.record
            else {},
            "problems": [problem.as_dict() for problem in self.problems],
            "origins": {key: "manual" if key in self.manual else "file" for key in self.fields},
            "file_values": dict(self.manual),
        }


@dataclass
class CheckResult:
    files: list[FileReport]
    records: list[Record]
    workbook: WorkbookUpdate | None = None
    report_path: Path | None = None

    def record_reports(self) -> Iterator[FileReport]:
        """One report per registration or proposal: a file's own, or each row of a list."""
        for report in self.files:
            if report.records:
                yield from report.records
            elif report.record is not None:
                yield report

    @property
    def totals(self) -> dict[str, int]:
        """Files (found = accepted + rejected + skipped) and, beside them, the records inside the files:
        a list of twelve registrations counts twelve registrations."""
        count = lambda status: sum(1 for f in self.files if f.status == status)  # noqa: E731
        records = list(self.record_reports())
        accepted = [r for r in records if r.status == FileStatus.ACCEPTED]
        problems = [p for f in self.files for p in (*f.problems, *(p for r in f.records for p in r.problems))]
        return {
            "found": len(self.files),
            "accepted": count(FileStatus.ACCEPTED),
            "rejected": count(FileStatus.REJECTED),
            "skipped": count(FileStatus.SKIPPED),
            "duplicates": sum(
                1 for f in self.files if f.status == FileStatus.SKIPPED and f.reason.startswith("trùng")
            ),
            "registrations": sum(1 for r in accepted if r.kind == Kind.REGISTRATION.value),
            "proposals": sum(1 for r in accepted if r.kind == Kind.PROPOSAL.value),
            "errors": sum(1 for p in problems if p.severity == ERROR),
            "warnings": sum(1 for p in problems if p.severity == WARNING),
            "notices": sum(1 for p in problems if p.severity == INFO),
            "records": len(records),
            "records_accepted": len(accepted),
            "records_rejected": len(records) - len(accepted),
        }

    def as_dict(self) -> dict:
        return {"files": [f.as_dict() for f in self.files], "totals": self.totals}

"""`dvk check`: discover → read → classify/extract → validate → appraisal workbook → report.

Every file found ends in exactly one state: accepted, rejected (with problems saying why) or
skipped (with a reason). A file with an error-severity problem is rejected; warnings alone do
not reject. The invariant found = accepted + rejected + skipped is computed, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.appraise import Proposal, Recognition, WorkbookUpdate, recognised_models, update_workbook
from pipeline.config import Config, Workspace
from pipeline.discover import Found, discover
from pipeline.extract import classify, extract_fields
from pipeline.model import ERROR, DvkError, Kind, Problem, ReadError, Record
from pipeline.reader import read_document
from pipeline.validate import is_individual, proposal_id, validate_all

ACCEPTED, REJECTED, SKIPPED = "accepted", "rejected", "skipped"
WORKBOOK_NAME = "tham-dinh.xlsx"
REPORT_NAME = "bao-cao-kiem-tra.xlsx"


@dataclass(frozen=True)
class Analysis:
    """What reading one file gave: a record, or the problems that make it unusable."""

    record: Record | None
    problems: tuple[Problem, ...] = ()


@dataclass
class FileReport:
    path: str
    sha256: str
    status: str
    kind: str | None = None
    id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""  # why skipped

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "kind": self.kind,
            "id": self.id,
            "fields": self.fields,
            "sources": self.sources,
            "reason": self.reason,
            "problems": [problem.as_dict() for problem in self.problems],
        }


@dataclass
class CheckResult:
    files: list[FileReport]
    records: list[Record]
    workbook: WorkbookUpdate | None = None
    report_path: Path | None = None

    @property
    def totals(self) -> dict[str, int]:
        count = lambda status: sum(1 for f in self.files if f.status == status)  # noqa: E731
        accepted = [f for f in self.files if f.status == ACCEPTED]
        return {
            "found": len(self.files),
            "accepted": count(ACCEPTED),
            "rejected": count(REJECTED),
            "skipped": count(SKIPPED),
            "duplicates": sum(1 for f in self.files if f.status == SKIPPED and f.reason.startswith("trùng")),
            "registrations": sum(1 for f in accepted if f.kind == Kind.REGISTRATION.value),
            "proposals": sum(1 for f in accepted if f.kind == Kind.PROPOSAL.value),
            "errors": sum(1 for f in self.files for p in f.problems if p.severity == ERROR),
            "warnings": sum(1 for f in self.files for p in f.problems if p.severity != ERROR),
        }

    def as_dict(self) -> dict:
        return {"files": [f.as_dict() for f in self.files], "totals": self.totals}


def analyse_file(
    path: Path, rel: str, sha256: str, config: Config, cache_dir: Path | None = None
) -> Analysis:
    """Read, classify and extract one file. Never raises for a bad file: problems say what is wrong."""
    try:
        doc = read_document(path, cache_dir)
    except ReadError as exc:
        return Analysis(None, (Problem(exc.code, ERROR, exc.message, exc.where),))
    kind = classify(doc)
    if kind is None:
        return Analysis(
            None,
            doc.notes
            + (
                Problem(
                    "UNKNOWN_KIND",
                    ERROR,
                    "Không nhận ra loại văn bản: không phải phiếu đăng ký hay báo cáo/tờ trình đề "
                    'nghị công nhận mô hình "Dân vận khéo" (tiêu đề cần có "PHIẾU ĐĂNG KÝ" hoặc "BÁO CÁO KẾT QUẢ"/'
                    '"TỜ TRÌNH").',
                    "tiêu đề",
                ),
            ),
        )
    fields = extract_fields(doc, config)
    return Analysis(Record(kind, rel, sha256, fields), doc.notes)


def run_check(workspace: Workspace, write_outputs: bool = True) -> CheckResult:
    config = workspace.config
    if not workspace.inputs.is_dir():
        raise DvkError(
            f"Không có thư mục inputs/ trong {workspace.root}. Tạo bằng: dvk init {workspace.root}"
        )
    found = discover(workspace.inputs)
    analyses = {
        entry.rel: analyse(entry, config, workspace.cache_dir) for entry in found if entry.skip_reason is None
    }
    records = [a.record for a in analyses.values() if a.record is not None]
    rule_problems = validate_all(records, config)
    reports = [file_report(entry, analyses.get(entry.rel), rule_problems, config) for entry in found]
    result = CheckResult(reports, records)
    if write_outputs:
        workspace.year_dir.mkdir(parents=True, exist_ok=True)
        result.workbook = update_workbook(
            workspace.year_dir / WORKBOOK_NAME, accepted_proposals(result, config), config
        )
        from pipeline.report import write_problem_report

        result.report_path = write_problem_report(workspace.year_dir / REPORT_NAME, result)
    return result


def analyse(entry: Found, config: Config, cache_dir: Path) -> Analysis:
    if entry.error:
        return Analysis(None, (Problem("FILE_UNREADABLE", ERROR, entry.error),))
    return analyse_file(entry.path, entry.rel, entry.sha256, config, cache_dir)


def file_report(
    entry: Found, analysis: Analysis | None, rule_problems: dict[str, list[Problem]], config: Config
) -> FileReport:
    if analysis is None:
        return FileReport(entry.rel, entry.sha256, SKIPPED, reason=entry.skip_reason or "")
    record = analysis.record
    problems = list(analysis.problems) + (rule_problems.get(entry.rel, []) if record else [])
    status = REJECTED if record is None or any(p.severity == ERROR for p in problems) else ACCEPTED
    if record is None:
        return FileReport(entry.rel, entry.sha256, status, problems=problems)
    return FileReport(
        entry.rel,
        entry.sha256,
        status,
        kind=record.kind.value,
        id=proposal_id(record) if record.kind is Kind.PROPOSAL else None,
        fields={key: value.value for key, value in record.fields.items()},
        sources={key: value.where for key, value in record.fields.items()},
        problems=problems,
    )


def accepted_proposals(result: CheckResult, config: Config) -> list[Proposal]:
    by_path = {record.path: record for record in result.records}
    proposals = []
    for report in result.files:
        if report.status != ACCEPTED or report.kind != Kind.PROPOSAL.value:
            continue
        record = by_path[report.path]
        proposals.append(
            Proposal(
                id=report.id or "",
                name=record.get("model_name"),
                who=who_label(record, config),
                level=record.get("level"),
                model_type=record.get("model_type"),
                field=record.get("field"),
                rating=record.get("proposed_rating"),
                source=report.path,
                sha256=report.sha256,
            )
        )
    return proposals


def who_label(record: Record, config: Config) -> str:
    """The "Đơn vị / cá nhân thực hiện" text: the unit, or for an individual "Name, position, unit"."""
    if not is_individual(record, config):
        return record.get("unit")
    parts = [record.get("person_name"), record.get("person_position"), record.get("unit")]
    return ", ".join(part for part in parts if part)


def recognise(workspace: Workspace, result: CheckResult) -> Recognition:
    """The models the appraisal recognises, from a fresh check and the appraisal workbook."""
    config = workspace.config
    rejected = {
        report.id: [p.message for p in report.problems if p.severity == ERROR]
        for report in result.files
        if report.status == REJECTED and report.id
    }
    person = {
        report.id: (report.fields.get("person_name", ""), report.fields.get("person_position", ""))
        for report in result.files
        if report.id
    }
    return recognised_models(
        accepted_proposals(result, config), rejected, workspace.year_dir / WORKBOOK_NAME, config, person
    )


def registered_count(config: Config, result: CheckResult) -> int:
    """The number of registered models: the configured official count, else the registration files."""
    return config.registered or result.totals["registrations"]

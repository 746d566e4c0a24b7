"""`dvk check --explain FILE`: how one file was read, for a clerk and for a developer.

The lines taken as labels, the field each was given with its confidence, the value taken and where; the
lines that looked like labels but were not taken, and why; for each missing required field, the closest
lines of the file and why they were not taken. Values typed in the correction workbook are shown with
their origin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Workspace
from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS_NAME
from pipeline.corrections import apply_corrections, read_corrections
from pipeline.extract import SOURCE_NAMES, Candidate, Step, classify, closest_lines, extract
from pipeline.listtable import read_list
from pipeline.model import LABELS_VI, Analysis, Problem, ReadError, Record
from pipeline.reader import read_document
from pipeline.validate import required_fields, validate_record

KIND_NAMES = {"registration": "phiếu đăng ký", "proposal": "báo cáo/tờ trình đề nghị công nhận"}


@dataclass
class Explanation:
    path: str
    kind: str | None = None
    steps: list[Step] = field(default_factory=list)
    values: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # field -> (value, where, source)
    manual: dict[str, str] = field(default_factory=dict)  # typed field -> the file's own value
    missing: list[tuple[str, list[Candidate]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # A list table of several rows: each row's record as `dvk check --json` gives it (id, key, where,
    # fields, sources, evidence, problems, …); the label walk is then not what was used.
    rows: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        found = self.file_dict()
        if self.rows:
            found["records"] = self.rows
        return found

    def file_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "labels": [
                {
                    "where": step.where,
                    "text": step.text,
                    "fields": [{"field": key, "confidence": round(score, 2)} for key, score in step.fields],
                    "outcome": step.outcome,
                }
                for step in self.steps
            ],
            "fields": {
                key: {
                    "value": value,
                    "where": where,
                    "source": source,
                    "origin": "manual" if key in self.manual else "file",
                }
                for key, (value, where, source) in self.values.items()
            },
            "missing": [
                {
                    "field": key,
                    "candidates": [{"where": c.where, "text": c.text, "why": c.why} for c in candidates],
                }
                for key, candidates in self.missing
            ],
            "problems": [problem.as_dict() for problem in self.problems],
        }


def resolve_input(workspace: Workspace, name: str) -> tuple[Path, str]:
    """The file to explain (a path relative to inputs/, or any path to it) and its path in inputs/."""
    for candidate in (workspace.inputs / name, Path(name)):
        if candidate.is_file():
            try:
                rel = candidate.resolve().relative_to(workspace.inputs.resolve()).as_posix()
            except ValueError:
                rel = candidate.name
            return candidate, rel
    raise FileNotFoundError(name)


def explain_file(workspace: Workspace, name: str) -> Explanation:
    path, rel = resolve_input(workspace, name)
    config = workspace.config
    explanation = Explanation(rel)
    try:
        doc = read_document(path, workspace.cache_dir)
    except ReadError as exc:
        explanation.problems.append(Problem(exc.code, "error", exc.message, exc.where))
        return explanation
    kind = classify(doc)
    explanation.problems.extend(doc.notes)
    if kind is None:
        explanation.problems.append(
            Problem("UNKNOWN_KIND", "error", "Không nhận ra loại văn bản.", "tiêu đề")
        )
        return explanation
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    listing = read_list(doc, config)
    if listing is not None and len(listing.rows) > 1:
        explanation.kind = kind.value
        explanation.rows = list_rows(listing, kind, rel, sha256, workspace)
        return explanation
    extraction = extract(doc, config, explain=True)
    analysis = Analysis(Record(kind, rel, sha256, extraction.fields), tuple(extraction.problems))
    corrections = read_corrections(workspace.year_dir / CORRECTIONS_NAME)
    analysis = apply_corrections({rel: analysis}, corrections, config)[rel]
    record = analysis.record
    assert record is not None
    explanation.kind = kind.value
    explanation.steps = extraction.steps
    explanation.values = {
        key: (value.value, value.where, value.source) for key, value in record.fields.items()
    }
    explanation.manual = dict(analysis.manual)
    explanation.problems.extend([*analysis.problems, *validate_record(record, config)])
    explanation.missing = [
        (key, closest_lines(key, extraction, config))
        for key in required_fields(record, config)
        if not record.get(key)
    ]
    return explanation


def list_rows(listing, kind, rel: str, sha256: str, workspace: Workspace) -> list[dict]:
    """Each row of a list as the check reports it (typed corrections applied, every rule of one record)."""
    from pipeline.check import list_analysis

    config = workspace.config
    analysis = list_analysis(listing, kind, rel, sha256, (), config)
    corrections = read_corrections(workspace.year_dir / CORRECTIONS_NAME)
    analysis = apply_corrections({rel: analysis}, corrections, config)[rel]
    rows = []
    for row in analysis.rows:
        record = row.record
        assert record is not None
        manual = dict(row.manual)
        rows.append(
            {
                "id": row.proposal_id,
                "key": record.key,
                "where": record.where,
                "fields": {
                    key: {"value": value.value, "where": value.where, "source": value.source}
                    | {"origin": "manual" if key in manual else "file"}
                    for key, value in record.fields.items()
                },
                "problems": [p.as_dict() for p in (*row.problems, *row.record_problems)],
            }
        )
    return rows


def list_lines(explanation: Explanation) -> list[str]:
    lines = [f"Danh sách {len(explanation.rows)} mô hình, đọc theo từng hàng của bảng:"]
    for row in explanation.rows:
        lines += ["", f"  {row['where']} (mã {row['id']}, mã hàng {row['key']}):"]
        for key, value in row["fields"].items():
            origin = " [nhập tay]" if value["origin"] == "manual" else ""
            how = SOURCE_NAMES.get(value["source"], value["source"])
            lines.append(f"    {LABELS_VI[key]}: «{value['value'][:80]}» ({value['where']}; {how}){origin}")
        lines += [f"    [{p['severity']}] {p['code']}: {p['message']}" for p in row["problems"]]
    return lines


def explain_lines(explanation: Explanation) -> list[str]:
    """The explanation as a clerk reads it in a terminal (Vietnamese)."""
    lines = [f"Tệp: {explanation.path}"]
    if explanation.kind is None:
        lines.append("Không trích xuất được: " + "; ".join(p.message for p in explanation.problems))
        return lines
    if explanation.rows:
        return [*lines, f"Loại văn bản: {KIND_NAMES[explanation.kind]}", "", *list_lines(explanation)]
    lines += [f"Loại văn bản: {KIND_NAMES[explanation.kind]}", "", "Nhãn đã đọc (dòng → mục, độ tin cậy):"]
    for step in explanation.steps:
        names = ", ".join(f"{LABELS_VI[key]} {score:.2f}" for key, score in step.fields) or "không"
        lines.append(f"  {step.where}: «{step.text[:70]}» → {names}: {step.outcome}")
    lines += ["", "Giá trị đã lấy (mục: giá trị (nơi; lấy từ)):"]
    for key, (value, where, source) in explanation.values.items():
        lines.append(f"  {LABELS_VI[key]}: «{value[:80]}» ({where}; {SOURCE_NAMES[source]})")
    if explanation.missing:
        lines += ["", "Mục bắt buộc còn thiếu, và những dòng gần giống nhất:"]
        for key, candidates in explanation.missing:
            lines.append(f"  {LABELS_VI[key]}:")
            lines += [f"    {c.where}: «{c.text}» — {c.why}" for c in candidates] or [
                "    (không có dòng nào gần giống)"
            ]
        lines.append(
            f"  → Nhập giá trị còn thiếu ở outputs/<năm>/{CORRECTIONS_NAME}, rồi chạy lại dvk check."
        )
    if explanation.problems:
        lines += ["", "Vấn đề:"]
        lines += [
            f"  [{p.severity}] {p.code}: {p.message} {f'({p.where})' if p.where else ''}"
            for p in explanation.problems
        ]
    return lines


def not_found_message(name: str) -> str:
    return (
        f'Không thấy tệp {name} (ghi đường dẫn tính từ thư mục inputs/, ví dụ: "Chi bộ Tòa án/Báo cáo.docx").'
    )

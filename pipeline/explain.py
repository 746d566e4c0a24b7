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

    def as_dict(self) -> dict:
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
    extraction = extract(doc, config, explain=True)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
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


def explain_lines(explanation: Explanation) -> list[str]:
    """The explanation as a clerk reads it in a terminal (Vietnamese)."""
    lines = [f"Tệp: {explanation.path}"]
    if explanation.kind is None:
        lines.append("Không trích xuất được: " + "; ".join(p.message for p in explanation.problems))
        return lines
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

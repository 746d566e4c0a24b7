"""The second half of the pipeline as one call each for the CLI: `dvk build` and `dvk stats`.

check (fresh, cached) → appraisal results → recognised models → render and verify → register the
drafts (their codes let a signed PDF be matched back) → optional PDF copies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline import build, register
from pipeline.check import CheckResult, Progress, recognise, registered_count, run_check
from pipeline.config import Workspace
from pipeline.model import Model


@dataclass
class BuildResult:
    documents: list[build.BuiltDocument]
    notes: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"documents": [document.as_dict() for document in self.documents]}


def recognised(workspace: Workspace, progress: Progress | None = None) -> tuple[list[Model], int, list[str]]:
    """The recognised models, the registered count, and notes on how they were chosen."""
    result: CheckResult = run_check(workspace, write_outputs=False, progress=progress)
    recognition = recognise(workspace, result)
    return recognition.models, registered_count(workspace.config, result), recognition.notes


def build_campaign(
    workspace: Workspace,
    number: int | None = None,
    issued: date | None = None,
    pdf: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Render every decision, list, certificate file and the report; register the drafts."""
    models, registered, notes = recognised(workspace, progress)
    if number is not None and issued is not None:
        decisions = sum(1 for issuer, _, _ in build.decision_groups(workspace.config, models) if issuer.main)
        register.require_free_numbers(workspace, number, decisions, issued)
    documents = build.build_documents(
        workspace, models, registered, number=number, issued=issued, progress=progress
    )
    register.record_drafts(workspace, documents)
    pdfs = build.convert_to_pdf([document.path for document in documents]) if pdf else []
    return BuildResult(documents, notes, pdfs)


def campaign_stats(workspace: Workspace) -> dict:
    models, registered, _ = recognised(workspace)
    return build.campaign_stats(workspace.config, models, registered)

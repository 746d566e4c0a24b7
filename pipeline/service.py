"""What a clerk can do, one call each, for the CLI and the web page (`dvk build`, `dvk stats`, …).

check (fresh, cached) → appraisal results → recognised models → render and verify → register the
drafts (their codes let a signed PDF be matched back) → optional PDF copies.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from pipeline import build, register
from pipeline.check import CheckResult, Progress, recognise, registered_count, run_check
from pipeline.config import Workspace
from pipeline.model import DvkError, Model

T = TypeVar("T")


@dataclass
class BuildResult:
    documents: list[build.BuiltDocument]
    notes: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"documents": [document.as_dict() for document in self.documents]}


def recognised(workspace: Workspace, progress: Progress | None = None) -> tuple[list[Model], int, list[str]]:
    """The recognised models, the registered count, and notes on how they were chosen.

    Where processes can be forked the check runs in a child: its working set (every record of a
    province-scale campaign, hundreds of thousands of objects) goes back to the system when the child
    ends, instead of staying in this process under the rendering, which needs the memory next."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return recognised_here(workspace, progress)
    return in_child(recognised_here, workspace, progress)


def recognised_here(workspace: Workspace, progress: Progress | None) -> tuple[list[Model], int, list[str]]:
    result: CheckResult = run_check(workspace, write_outputs=False, progress=progress)
    recognition = recognise(workspace, result)
    return recognition.models, registered_count(workspace.config, result), recognition.notes


def in_child(function: Callable[..., T], *args: object) -> T:
    """`function(*args)` in a forked child process; its result or its DvkError comes back through a pipe."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def run() -> None:
        try:
            outcome = ("result", function(*args))
        except DvkError as exc:  # raised again in this process, as itself when it survives pickling
            outcome = ("error", exc if survives_pickling(exc) else DvkError(str(exc)))
        except BaseException:  # noqa: BLE001 - a bug: its traceback, not a crash of the pipe
            outcome = ("crash", traceback.format_exc())
        sending.send(outcome)

    child = context.Process(target=run)
    child.start()
    sending.close()
    try:
        kind, value = receiving.recv()
    except EOFError:
        kind, value = "crash", f"tiến trình con dừng đột ngột (mã {child.exitcode})"
    finally:
        child.join()
        receiving.close()
    if kind == "error":
        raise value
    if kind == "crash":
        raise RuntimeError(value)
    return value


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


def survives_pickling(exc: BaseException) -> bool:
    try:
        return type(pickle.loads(pickle.dumps(exc))) is type(exc)
    except Exception:  # noqa: BLE001 - an exception whose constructor pickle cannot call
        return False

"""What a run of `dvk archive` gives: filed and refused entries (the JSON contract), its options, its
refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipeline.archive.register import ATTACHED_NAMES, TYPE_NAMES, Issued, format_number
from pipeline.archive.signature_policy import Acceptance
from pipeline.config import Config
from pipeline.model import Need, NeedsInput


@dataclass(frozen=True)
class ArchiveOptions:
    number: int | None = None
    issued: date | None = None
    replace_reason: str | None = None
    code: str | None = None
    acceptance: Acceptance = field(default_factory=Acceptance)


@dataclass(frozen=True)
class ArchiveEntry:
    """One filed document, in the shape of the JSON contract (plus outcome and notes)."""

    code: str | None
    number: int
    symbol: str
    date: date
    subject: str
    signature: str
    signer: str
    sha256: str
    path: str  # the bag, relative to the workspace root
    printed: str  # "123-QĐ/TU"
    outcome: str = "archived"  # archived | attached | unchanged | replaced | registered (from the register)
    notes: tuple[str, ...] = ()
    kind: str = "decision"  # the filed document's kind; a "list" is filed under its decision's number

    @property
    def label(self) -> str:
        """ "01-QĐ/TU", or "danh sách kèm theo 01-QĐ/TU" for a list filed under its decision's number."""
        return (
            f"{ATTACHED_NAMES[self.kind]} kèm theo {self.printed}"
            if self.kind in ATTACHED_NAMES
            else self.printed
        )

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "number": self.number,
            "symbol": self.symbol,
            "date": self.date.isoformat(),
            "subject": self.subject,
            "signature": self.signature,
            "signer": self.signer,
            "sha256": self.sha256,
            "path": self.path,
            "outcome": self.outcome,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class RefusedEntry:
    """A file not filed: no number used, nothing in the register. "refused" by the signature policy,
    for a text that does not match its draft, or a list whose decision is not filed yet; "skipped"
    for what the archive does not keep (certificates)."""

    file: str
    signature: str
    signer: str
    sha256: str
    reason: str  # Vietnamese: why, and what the clerk can do
    code: str | None = None  # the draft code printed on the page, if any
    quarantine: str | None = None  # where a tampered file is kept, relative to the workspace root
    notes: tuple[str, ...] = ()
    outcome: str = "refused"  # refused | skipped
    needs: tuple[Need, ...] = ()  # what the clerk can give to have it filed all the same

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "code": self.code,
            "number": None,
            "signature": self.signature,
            "signer": self.signer,
            "sha256": self.sha256,
            "path": self.quarantine,
            "outcome": self.outcome,
            "reason": self.reason,
            "needs": [str(need) for need in self.needs],
            "notes": list(self.notes),
        }


class ArchiveRefused(NeedsInput):
    """A file could not be filed; `done` holds the outcomes of the files before it in the same run, and
    `needs` what the clerk could give (empty when nothing would help)."""

    def __init__(
        self, message: str, done: list[ArchiveEntry | RefusedEntry], needs: tuple[Need, ...] = ()
    ) -> None:
        super().__init__(message, needs)
        self.done = done

    def __reduce__(self) -> tuple:
        return (type(self), (str(self), self.done, self.needs))


def entry_from_issued(config: Config, issued: Issued) -> ArchiveEntry:
    return ArchiveEntry(
        code=issued.code,
        number=issued.number,
        symbol=issued.symbol,
        date=issued.date,
        subject=issued.subject,
        signature=issued.signature,
        signer=issued.signer,
        sha256=issued.sha256,
        path=issued.archive_path,
        printed=format_number(config, issued.number, issued.symbol),
        outcome="registered",
        notes=issued.notes,
        kind=issued.kind,
    )


def title_and_subject(kind: str, subject: str) -> str:
    """ "Quyết định về việc …": the type name, then the subject (unless it already starts with it)."""
    name = TYPE_NAMES.get(kind, "")
    if not name or subject.lower().startswith(name.lower()):
        return subject
    return f"{name} {subject}"

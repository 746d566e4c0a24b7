"""The register: every generated draft and every issued document, in SQLite inside the workspace.

`<workspace>/dvk-register.sqlite3`, WAL mode, a busy timeout, named migrations applied once each.
Anything that allocates a number runs in a `BEGIN IMMEDIATE` transaction, so two `dvk` runs at the
same time queue for the write lock instead of both reading "the next number is 5". A UNIQUE
constraint on (number, symbol, scope) is the backstop.

Numbering (docs/domain.md §4): the Party profile numbers each document type from 1 through the committee
term (HD 36 §1.3.1), the State profile from 1 each calendar year (NĐ 30 Điều 15). The scope column
holds the term or the year; the symbol holds the type ("QĐ/TU", "QĐ-UBND").
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import Config, Workspace
from pipeline.model import DvkError, Need, NeedsInput
from pipeline.vntext import format_date_short

if TYPE_CHECKING:
    from pipeline.build import BuiltDocument

REGISTER_NAME = "dvk-register.sqlite3"
BUSY_TIMEOUT_MS = 30_000

# The code printed small in each draft's footer (pipeline.build).
CODE_PATTERN = re.compile(r"DVK-(\d{4})-(QD|DS|GCN|BC)-([0-9A-F]{8})")
CODE_KINDS = {"QD": "decision", "DS": "list", "GCN": "certificates", "BC": "report"}
# Kinds that get a number of their own; a list and certificates go with their decision.
TYPE_ABBREVIATIONS = {"decision": "QĐ", "report": "BC"}
TYPE_NAMES = {"decision": "Quyết định", "report": "Báo cáo"}
ATTACHED_NAMES = {"list": "danh sách", "certificates": "giấy chứng nhận"}

MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001-drafts-issued-superseded",
        (
            """CREATE TABLE drafts (
                code TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                level TEXT,
                year INTEGER NOT NULL,
                subject TEXT NOT NULL,
                path TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                template TEXT NOT NULL,
                context TEXT NOT NULL,
                batch TEXT NOT NULL,
                created TEXT NOT NULL
            )""",
            "CREATE INDEX drafts_batch ON drafts (batch, level)",
            """CREATE TABLE issued (
                id INTEGER PRIMARY KEY,
                number INTEGER NOT NULL CHECK (number > 0),
                symbol TEXT NOT NULL,
                scope TEXT NOT NULL,
                date TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                signer TEXT NOT NULL DEFAULT '',
                recipients TEXT NOT NULL DEFAULT '[]',
                code TEXT UNIQUE REFERENCES drafts (code),
                sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                archive_path TEXT NOT NULL UNIQUE,
                signature TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '[]',
                final_copies TEXT NOT NULL DEFAULT '[]',
                created TEXT NOT NULL,
                updated TEXT NOT NULL,
                UNIQUE (number, symbol, scope)
            )""",
            "CREATE INDEX issued_sha256 ON issued (sha256)",
            """CREATE TABLE superseded (
                id INTEGER PRIMARY KEY,
                issued_id INTEGER NOT NULL REFERENCES issued (id),
                sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                archive_path TEXT NOT NULL UNIQUE,
                signature TEXT NOT NULL,
                reason TEXT NOT NULL,
                replaced TEXT NOT NULL
            )""",
        ),
    ),
    (
        # The hash of the last line of each bag's chained event log (pipeline.archive.eventlog).
        "0002-event-log-heads",
        (
            "ALTER TABLE issued ADD COLUMN events_head TEXT",
            "ALTER TABLE superseded ADD COLUMN events_head TEXT",
        ),
    ),
    (
        # A list signed apart from its decision: filed in a bag of its own, under the decision's number.
        "0003-attached-documents",
        (
            """CREATE TABLE attached (
                id INTEGER PRIMARY KEY,
                issued_id INTEGER NOT NULL REFERENCES issued (id),
                code TEXT NOT NULL UNIQUE REFERENCES drafts (code),
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL,
                archive_path TEXT NOT NULL UNIQUE,
                signature TEXT NOT NULL,
                signer TEXT NOT NULL DEFAULT '',
                notes TEXT NOT NULL DEFAULT '[]',
                events_head TEXT,
                created TEXT NOT NULL
            )""",
            "CREATE INDEX attached_sha256 ON attached (sha256)",
            # A replaced file of an attached document: the code of that document (NULL: the numbered one's).
            "ALTER TABLE superseded ADD COLUMN attached_code TEXT",
        ),
    ),
)


# ---------------------------------------------------------------------------- connection


def register_path(workspace: Workspace) -> Path:
    return workspace.root / REGISTER_NAME


def open_register(workspace: Workspace) -> sqlite3.Connection:
    """Open (creating if needed) the workspace register, in WAL mode with every migration applied.

    Two runs may create a new workspace's register at once; switching to WAL and migrating need the
    whole database, and SQLite answers "database is locked" there without waiting on the busy
    timeout. So the setup runs as one exclusive transaction, retried until the other run is done.
    """
    path = register_path(workspace)
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        conn = None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            prepare_register(conn)
            return conn
        except sqlite3.OperationalError as exc:
            if conn is not None:
                conn.close()
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise DvkError(f"Không mở được sổ đăng ký {path}: {exc}") from exc
            time.sleep(random.uniform(0.01, 0.05))
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise DvkError(f"Không mở được sổ đăng ký {path}: {exc}") from exc


def prepare_register(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed number survives a power cut too, not only a crash of dvk.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if pending_migrations(conn):
        apply_migrations(conn)


@contextmanager
def write_transaction(conn: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT: take the write lock first, so reads inside see what we will write over."""
    conn.execute(f"BEGIN {mode}")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def pending_migrations(
    conn: sqlite3.Connection, migrations: tuple[tuple[str, tuple[str, ...]], ...] = MIGRATIONS
) -> list[str]:
    """Names of the migrations not applied yet (a read: no lock is taken when there are none)."""
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")} if table else set()
    return [name for name, _ in migrations if name not in done]


def apply_migrations(
    conn: sqlite3.Connection, migrations: tuple[tuple[str, tuple[str, ...]], ...] = MIGRATIONS
) -> list[str]:
    """Apply every named migration not applied yet, all in one exclusive transaction; return their names.
    (The campaign history, pipeline.history, passes its own.)"""
    applied = []
    with write_transaction(conn, "EXCLUSIVE"):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
        )
        for name, statements in migrations:
            if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (name, applied) VALUES (?, ?)", (name, now_iso()))
            applied.append(name)
    return applied


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class Draft:
    code: str
    kind: str  # "decision" | "list" | "certificates" | "report"
    level: str | None
    year: int
    subject: str
    path: str  # relative to the workspace root when inside it, forward slashes
    sha256: str
    template: str
    context: dict
    batch: str  # one build run: relates a decision to the list built with it
    created: str


def record_drafts(workspace: Workspace, documents: list[BuiltDocument]) -> int:
    """Record the drafts of one build run (one batch); a code seen before is updated. Returns the count."""
    batch = uuid.uuid4().hex
    conn = open_register(workspace)
    try:
        with write_transaction(conn):
            for document in documents:
                _upsert_draft(conn, workspace, document, batch)
    finally:
        conn.close()
    return len(documents)


def _upsert_draft(
    conn: sqlite3.Connection, workspace: Workspace, document: BuiltDocument, batch: str
) -> None:
    match = CODE_PATTERN.fullmatch(document.code)
    if not match:
        raise DvkError(f"Mã văn bản '{document.code}' không đúng dạng DVK-năm-loại-8 ký tự hex.")
    path = Path(document.path)
    conn.execute(
        """INSERT INTO drafts
               (code, kind, level, year, subject, path, sha256, template, context, batch, created)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (code) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256,
               context = excluded.context, batch = excluded.batch""",
        (
            document.code,
            document.kind,
            document.level,
            int(match.group(1)),
            document.subject,
            relative_path(workspace, path),
            file_sha256(path),
            document.template,
            json.dumps(document.context, ensure_ascii=False, default=_jsonable),
            batch,
            now_iso(),
        ),
    )


def _jsonable(value: Any) -> Any:
    """Context values docxtpl accepts but JSON does not: dataclasses, dates, paths, tuples of them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot store {type(value).__name__} in the register")


def relative_path(workspace: Workspace, path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(workspace.root).as_posix()
    except ValueError:
        return path.as_posix()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(**{**dict(row), "context": json.loads(row["context"])})


def find_draft(conn: sqlite3.Connection, code: str) -> Draft | None:
    row = conn.execute("SELECT * FROM drafts WHERE code = ?", (code,)).fetchone()
    return _draft(row) if row else None


def numbered_draft(conn: sqlite3.Connection, draft: Draft) -> Draft:
    """The draft that carries the number: itself, or for a list the decision built with it."""
    if draft.kind in TYPE_ABBREVIATIONS:
        return draft
    rows = conn.execute(
        "SELECT * FROM drafts WHERE batch = ? AND kind = 'decision' AND level IS ? ORDER BY code",
        (draft.batch, draft.level),
    ).fetchall()
    row = next((row for row in rows if same_issuer(_draft(row), draft)), None)
    if not row:
        what = ATTACHED_NAMES.get(draft.kind, draft.kind)
        raise NeedsInput(
            f"Mã {draft.code} là của {what} kèm theo nhưng sổ đăng ký không có quyết định cùng đợt lập. "
            "Hãy lưu trữ tệp quyết định, hoặc ghi rõ mã dự thảo của quyết định.",
            (Need.CODE,),
        )
    return _draft(row)


def attached_drafts(conn: sqlite3.Connection, decision: Draft) -> list[Draft]:
    """The lists built with `decision` (same batch and level): they carry its number in "Kèm theo …"."""
    rows = conn.execute(
        "SELECT * FROM drafts WHERE batch = ? AND kind = 'list' AND level IS ? ORDER BY code",
        (decision.batch, decision.level),
    ).fetchall()
    return [draft for draft in map(_draft, rows) if same_issuer(draft, decision)]


def batch_certificates(conn: sqlite3.Connection, decision: Draft) -> Draft | None:
    """The certificates built with `decision` (same batch): some of them cite it."""
    row = conn.execute(
        "SELECT * FROM drafts WHERE batch = ? AND kind = 'certificates' ORDER BY code LIMIT 1",
        (decision.batch,),
    ).fetchone()
    return _draft(row) if row else None


def numbered_copies(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    """Draft code -> the numbered copies made from it (path, PDF, and the decision's number), read from
    the register: a certificates draft has one per decision that cites it."""
    found: dict[str, list[dict]] = {}
    for row in conn.execute("SELECT number, symbol, final_copies FROM issued ORDER BY number").fetchall():
        for copy in json.loads(row["final_copies"] or "[]"):
            found.setdefault(copy.get("code", ""), []).append(
                {**copy, "number": row["number"], "symbol": row["symbol"]}
            )
    return found


def same_issuer(first: Draft, second: Draft) -> bool:
    """Same issuing body (the header's "THÀNH ỦY NGÃ BẢY"): in commune mode one level has many decisions."""
    return first.context.get("issuer_upper") == second.context.get("issuer_upper")


def unissued_drafts(conn: sqlite3.Connection) -> list[Draft]:
    """Numbered kinds (decisions, reports) that have no number yet, newest first."""
    rows = conn.execute(
        """SELECT * FROM drafts WHERE kind IN ('decision', 'report')
           AND code NOT IN (SELECT code FROM issued WHERE code IS NOT NULL) ORDER BY created DESC, code"""
    ).fetchall()
    return [_draft(row) for row in rows]


def latest_batch(conn: sqlite3.Connection) -> list[Draft]:
    """The drafts of the latest build run, in the order they were made."""
    row = conn.execute("SELECT batch FROM drafts ORDER BY created DESC, rowid DESC LIMIT 1").fetchone()
    if row is None:
        return []
    rows = conn.execute("SELECT * FROM drafts WHERE batch = ? ORDER BY rowid", (row["batch"],)).fetchall()
    return [_draft(found) for found in rows]


def issued_by_code(conn: sqlite3.Connection, config: Config) -> dict[str, str]:
    """Draft code -> the number it was issued under, as printed ("123-QĐ/TU")."""
    rows = conn.execute("SELECT code, number, symbol FROM issued WHERE code IS NOT NULL").fetchall()
    return {row["code"]: format_number(config, row["number"], row["symbol"]) for row in rows}


# ---------------------------------------------------------------------------- numbering


def document_symbol(config: Config, kind: str, issuer_symbol: str | None = None) -> str:
    """The type-and-issuer part of the number: Party "QĐ/TU" (HD 36), State "QĐ-UBND" (NĐ 30).

    `issuer_symbol` is for a draft another body issues (a commune's Đảng ủy, "ĐU"); default issuer.symbol.
    """
    abbreviation = TYPE_ABBREVIATIONS.get(kind)
    if abbreviation is None:
        raise DvkError(f"Loại văn bản '{kind}' không được cấp số riêng (đi kèm quyết định).")
    issuer = issuer_symbol or config.issuer["symbol"]
    return f"{abbreviation}/{issuer}" if config.profile == "party" else f"{abbreviation}-{issuer}"


def numbering_scope(config: Config, issued: date, body: str | None = None) -> str:
    """Where numbers restart: HD 36 §1.3.1 per committee term (party), NĐ 30 Điều 15 per year (state).

    `body` names another issuing body (each commune's Đảng ủy numbers its own "QĐ/ĐU" documents).
    """
    prefix = f"{body} | " if body else ""
    if config.profile == "party":
        if issued < config.term_start:
            raise NeedsInput(
                f"Ngày văn bản {format_day(issued)} trước ngày đầu nhiệm kỳ {format_day(config.term_start)} "
                "(issuer.term_start trong dvk.toml). Kiểm tra lại ngày văn bản hoặc cấu hình nhiệm kỳ.",
                (Need.DATE,),
            )
        return f"{prefix}term:{config.term_start.isoformat()}"
    return f"{prefix}year:{issued.year}"


def format_number(config: Config, number: int, symbol: str) -> str:
    """ "123-QĐ/TU" (party) or "05/QĐ-UBND" (state). Both start from 01 (HD 36, NĐ 30), so numbers
    below 10 are padded, as the build prints them ("Số 07-QĐ/TU")."""
    if config.profile == "party":
        return f"{number:02d}-{symbol}"
    return f"{number:02d}/{symbol}"


def printed_number(config: Config, number: int, symbol: str) -> str:
    """As printed under the issuing body: "Số 123-QĐ/TU" (no colon, HD 36) or "Số: 05/QĐ-UBND" (NĐ 30)."""
    separator = " " if config.profile == "party" else ": "
    return f"Số{separator}{format_number(config, number, symbol)}"


def format_day(value: date) -> str:
    """As every document writes a date in figures (NĐ 30 padding): "08/12/2020", "05/02/2021"."""
    return format_date_short(value)


def next_number(conn: sqlite3.Connection, symbol: str, scope: str) -> int:
    """The next free number: one more than the highest used in this scope (numbers run on, gaps stay)."""
    row = conn.execute(
        "SELECT MAX(number) FROM issued WHERE symbol = ? AND scope = ?", (symbol, scope)
    ).fetchone()
    return (row[0] or 0) + 1


# ---------------------------------------------------------------------------- issued documents


@dataclass(frozen=True)
class Issued:
    number: int
    symbol: str
    scope: str
    date: date
    kind: str
    subject: str
    signer: str
    recipients: tuple[str, ...]
    code: str | None
    sha256: str
    file_name: str
    archive_path: str  # relative to the workspace root
    signature: str
    notes: tuple[str, ...] = ()
    final_copies: tuple[dict, ...] = ()
    id: int | None = None
    events_head: str | None = None  # None: filed before event logs were chained


def _issued(row: sqlite3.Row) -> Issued:
    values = dict(row)
    values.pop("created")
    values.pop("updated")
    return Issued(
        **{
            **values,
            "date": date.fromisoformat(row["date"]),
            "recipients": tuple(json.loads(row["recipients"])),
            "notes": tuple(json.loads(row["notes"])),
            "final_copies": tuple(json.loads(row["final_copies"])),
        }
    )


def find_issued(
    conn: sqlite3.Connection,
    *,
    code: str | None = None,
    sha256: str | None = None,
    number: tuple[int, str, str] | None = None,
) -> Issued | None:
    """The issued document with this draft code, archived file hash, or (number, symbol, scope)."""
    if code is not None:
        row = conn.execute("SELECT * FROM issued WHERE code = ?", (code,)).fetchone()
    elif sha256 is not None:
        row = conn.execute("SELECT * FROM issued WHERE sha256 = ?", (sha256,)).fetchone()
    elif number is not None:
        row = conn.execute(
            "SELECT * FROM issued WHERE number = ? AND symbol = ? AND scope = ?", number
        ).fetchone()
    else:
        raise ValueError("find_issued needs code, sha256 or number")
    return _issued(row) if row else None


def list_issued(conn: sqlite3.Connection) -> list[Issued]:
    rows = conn.execute("SELECT * FROM issued ORDER BY date, symbol, number").fetchall()
    return [_issued(row) for row in rows]


def insert_issued(conn: sqlite3.Connection, config: Config, issued: Issued) -> Issued:
    """Add an issued document; a number+symbol already used in its scope is refused in Vietnamese."""
    taken = find_issued(conn, number=(issued.number, issued.symbol, issued.scope))
    if taken is not None:
        raise number_taken(conn, config, taken)
    now = now_iso()
    try:
        cursor = _insert_issued_row(conn, issued, now)
    except sqlite3.IntegrityError as exc:  # the UNIQUE backstop: another run won the race
        raise DvkError(
            f"Không ghi được vào sổ đăng ký: số, tệp hoặc dự thảo này đã được đăng ký ({exc})."
        ) from exc
    return dataclasses.replace(issued, id=cursor.lastrowid)


def _insert_issued_row(conn: sqlite3.Connection, issued: Issued, now: str) -> sqlite3.Cursor:
    return conn.execute(
        """INSERT INTO issued (number, symbol, scope, date, kind, subject, signer, recipients, code, sha256,
               file_name, archive_path, signature, notes, final_copies, created, updated, events_head)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            issued.number,
            issued.symbol,
            issued.scope,
            issued.date.isoformat(),
            issued.kind,
            issued.subject,
            issued.signer,
            _json(issued.recipients),
            issued.code,
            issued.sha256,
            issued.file_name,
            issued.archive_path,
            issued.signature,
            _json(issued.notes),
            _json(issued.final_copies),
            now,
            now,
            issued.events_head,
        ),
    )


def number_taken(conn: sqlite3.Connection, config: Config, taken: Issued) -> DvkError:
    free = next_number(conn, taken.symbol, taken.scope)
    return DvkError(
        f"Số {format_number(config, taken.number, taken.symbol)} đã được cấp cho văn bản ngày "
        f"{format_day(taken.date)} ({taken.subject}). Mỗi số và ký hiệu chỉ dùng một lần; "
        f"số tiếp theo còn trống là {free}."
    )


def replace_file(
    conn: sqlite3.Connection, old: Issued, new: Issued, reason: str, old_moved_to: str, old_head: str | None
) -> Issued:
    """Point an issued document at a new archived file; the old one is kept in `superseded`."""
    conn.execute(
        """INSERT INTO superseded (issued_id, sha256, file_name, archive_path, signature, reason, replaced,
               events_head)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (old.id, old.sha256, old.file_name, old_moved_to, old.signature, reason, now_iso(), old_head),
    )
    conn.execute(
        """UPDATE issued SET sha256 = ?, file_name = ?, archive_path = ?, signature = ?, signer = ?,
               notes = ?, updated = ?, events_head = ? WHERE id = ?""",
        (
            new.sha256,
            new.file_name,
            new.archive_path,
            new.signature,
            new.signer,
            _json(new.notes),
            now_iso(),
            new.events_head,
            old.id,
        ),
    )
    return dataclasses.replace(new, id=old.id)


def set_final_copies(conn: sqlite3.Connection, issued_id: int, copies: list[dict]) -> None:
    with write_transaction(conn):
        conn.execute(
            "UPDATE issued SET final_copies = ?, updated = ? WHERE id = ?",
            (_json(copies), now_iso(), issued_id),
        )


@dataclass(frozen=True)
class Attached:
    """A document filed under its decision's number (a list signed apart from its decision)."""

    issued_id: int
    code: str
    kind: str
    subject: str
    sha256: str
    file_name: str
    archive_path: str  # its own bag, relative to the workspace root
    signature: str
    signer: str
    notes: tuple[str, ...] = ()
    events_head: str | None = None
    id: int | None = None


def _attached(row: sqlite3.Row) -> Attached:
    values = {key: row[key] for key in row.keys() if key != "created"}
    return Attached(**{**values, "notes": tuple(json.loads(row["notes"]))})


def find_attached(
    conn: sqlite3.Connection, *, code: str | None = None, sha256: str | None = None
) -> Attached | None:
    """The attached document with this draft code or archived file hash."""
    column, value = ("code", code) if code is not None else ("sha256", sha256)
    row = conn.execute(f"SELECT * FROM attached WHERE {column} = ?", (value,)).fetchone()
    return _attached(row) if row else None


def list_attached(conn: sqlite3.Connection) -> list[Attached]:
    return [_attached(row) for row in conn.execute("SELECT * FROM attached ORDER BY id")]


def insert_attached(conn: sqlite3.Connection, attached: Attached) -> Attached:
    try:
        cursor = conn.execute(
            """INSERT INTO attached (issued_id, code, kind, subject, sha256, file_name, archive_path,
                   signature, signer, notes, events_head, created)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                attached.issued_id,
                attached.code,
                attached.kind,
                attached.subject,
                attached.sha256,
                attached.file_name,
                attached.archive_path,
                attached.signature,
                attached.signer,
                _json(attached.notes),
                attached.events_head,
                now_iso(),
            ),
        )
    except sqlite3.IntegrityError as exc:  # the UNIQUE backstop: another run filed it first
        raise DvkError(
            f"Không ghi được vào sổ đăng ký: văn bản kèm theo này đã được lưu trữ ({exc})."
        ) from exc
    return dataclasses.replace(attached, id=cursor.lastrowid)


def replace_attached(
    conn: sqlite3.Connection,
    old: Attached,
    new: Attached,
    reason: str,
    old_moved_to: str,
    old_head: str | None,
) -> Attached:
    """Point an attached document at a new archived file; the old one is kept in `superseded`."""
    conn.execute(
        """INSERT INTO superseded (issued_id, sha256, file_name, archive_path, signature, reason, replaced,
               events_head, attached_code)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            old.issued_id,
            old.sha256,
            old.file_name,
            old_moved_to,
            old.signature,
            reason,
            now_iso(),
            old_head,
            old.code,
        ),
    )
    conn.execute(
        """UPDATE attached SET sha256 = ?, file_name = ?, archive_path = ?, signature = ?, signer = ?,
               notes = ?, events_head = ? WHERE id = ?""",
        (
            new.sha256,
            new.file_name,
            new.archive_path,
            new.signature,
            new.signer,
            _json(new.notes),
            new.events_head,
            old.id,
        ),
    )
    return dataclasses.replace(new, id=old.id)


def find_issued_by_id(conn: sqlite3.Connection, issued_id: int) -> Issued | None:
    row = conn.execute("SELECT * FROM issued WHERE id = ?", (issued_id,)).fetchone()
    return _issued(row) if row else None


def list_superseded(conn: sqlite3.Connection) -> list[dict]:
    """Replaced files, each with the number of the document it belonged to."""
    rows = conn.execute(
        """SELECT s.*, i.number, i.symbol, i.scope, i.date,
               COALESCE(a.kind, i.kind) AS kind, COALESCE(a.subject, i.subject) AS subject
           FROM superseded s JOIN issued i ON i.id = s.issued_id
           LEFT JOIN attached a ON a.code = s.attached_code ORDER BY s.replaced"""
    ).fetchall()
    return [dict(row) for row in rows]


def _json(value: Any) -> str:
    return json.dumps(list(value), ensure_ascii=False)


def require_free_numbers(workspace: Workspace, first: int, count: int, issued: date) -> None:
    """Refuse `dvk build --number` when any of the numbers it would print is already in the register."""
    config = workspace.config
    symbol = document_symbol(config, "decision")
    scope = numbering_scope(config, issued)
    with contextlib.closing(open_register(workspace)) as conn:
        taken = [n for n in range(first, first + count) if find_issued(conn, number=(n, symbol, scope))]
        if taken:
            raise DvkError(
                f"Số {format_number(config, taken[0], symbol)} đã được cấp cho văn bản khác "
                "trong sổ đăng ký. "
                f"Số tiếp theo còn trống: {next_number(conn, symbol, scope)}."
            )

"""The campaign history: every recognised model of a secretariat across the years, in one SQLite file.

A campaign folder knows only its own year; the history is shared by the campaigns of one secretariat, so
it lives beside the campaign folders (`<campaigns>/dvk-history.sqlite3`), or where `[history] file = …` in
dvk.toml says. It is filled three ways, each idempotent:

- `dvk build` records the models of the drafts it wrote, marked not yet issued (issued = 0);
- `dvk archive` (and every later run: `sync_issued`) marks them issued with the decision's number and date,
  read from the register, so a run killed between the register's commit and the history's loses nothing;
- `dvk history import` adds the rows of the secretariat's old Danh sách files (the years before dvk).

Same care as the register (pipeline.archive.register): WAL, synchronous FULL, named migrations, every write
in one BEGIN IMMEDIATE transaction.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from pipeline.archive.register import (
    BUSY_TIMEOUT_MS,
    apply_migrations,
    now_iso,
    pending_migrations,
    write_transaction,
)
from pipeline.config import Workspace
from pipeline.model import WARNING, DvkError, Model, Problem
from pipeline.vntext import fold, format_date_short

HISTORY_NAME = "dvk-history.sqlite3"

MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001-models-imports",
        (
            """CREATE TABLE models (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL UNIQUE,
                year INTEGER NOT NULL,
                level TEXT NOT NULL,
                model_type TEXT NOT NULL DEFAULT '',
                unit TEXT NOT NULL DEFAULT '',
                person TEXT NOT NULL DEFAULT '',
                name TEXT NOT NULL,
                field TEXT NOT NULL DEFAULT '',
                rating TEXT NOT NULL DEFAULT '',
                decision_code TEXT,
                decision TEXT NOT NULL DEFAULT '',
                decision_date TEXT NOT NULL DEFAULT '',
                issued INTEGER NOT NULL DEFAULT 0,
                source TEXT NOT NULL,
                origin TEXT NOT NULL DEFAULT '',
                created TEXT NOT NULL,
                updated TEXT NOT NULL
            )""",
            "CREATE INDEX models_year ON models (year)",
            "CREATE INDEX models_decision_code ON models (decision_code)",
            """CREATE TABLE imports (
                sha256 TEXT PRIMARY KEY,
                file_name TEXT NOT NULL,
                taken INTEGER NOT NULL,
                imported TEXT NOT NULL
            )""",
        ),
    ),
    (
        # The registered count of each year's campaign (dvk stats --years): recorded by every build.
        "0002-campaign-years",
        (
            """CREATE TABLE campaigns (
                year INTEGER PRIMARY KEY,
                registered INTEGER NOT NULL,
                updated TEXT NOT NULL
            )""",
        ),
    ),
    (
        # A name's folded syllables (name_syllables), kept at insert: a check's index folds nothing.
        "0003-name-words",
        ("ALTER TABLE models ADD COLUMN words TEXT",),
    ),
)

# Problem codes of `dvk check`: a proposal matching a model of an earlier year (issued, or only drafted).
HISTORY_RECOGNISED = "HISTORY_RECOGNISED"
HISTORY_DRAFTED = "HISTORY_DRAFTED"
EARLIER_CODES = (HISTORY_RECOGNISED, HISTORY_DRAFTED)

SOURCE_CAMPAIGN = "campaign"
SOURCE_IMPORT = "import"


# ---------------------------------------------------------------------------- where it lives


def history_path(workspace: Workspace) -> Path:
    """`[history] file` (relative to the workspace), else `dvk-history.sqlite3` beside the campaign folder:
    the campaigns of one secretariat (…/2020, …/2021) sit side by side and so share it."""
    configured = workspace.config.raw.get("history", {}).get("file")
    if configured:
        path = Path(str(configured))
        return path if path.is_absolute() else workspace.root / path
    return workspace.root.parent / HISTORY_NAME


def open_history(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the history, WAL, every migration applied; retried while another run
    creates it (switching to WAL needs the whole file)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        conn = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            _prepare(conn)
            return conn
        except sqlite3.OperationalError as exc:
            if conn is not None:
                conn.close()
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise DvkError(f"Không mở được sổ lịch sử mô hình {path}: {exc}") from exc
            time.sleep(0.02)
        except (sqlite3.DatabaseError, OSError) as exc:
            if conn is not None:
                conn.close()
            raise DvkError(f"Không mở được sổ lịch sử mô hình {path}: {exc}") from exc


def _prepare(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")  # a recorded year survives a power cut, as the register
    if pending_migrations(conn, MIGRATIONS):
        apply_migrations(conn, MIGRATIONS)


# ---------------------------------------------------------------------------- what it holds


class Earlier(NamedTuple):
    """One model of the history (a tuple: the index holds tens of thousands, made straight from rows)."""

    id: int
    year: int
    level: str
    model_type: str
    unit: str
    person: str
    name: str
    field: str
    rating: str
    decision: str  # "123-QĐ/TU", "" while not issued
    decision_date: str  # ISO, "" while not issued
    issued: int  # 1 once the decision is issued (the register holds it), else 0
    source: str
    origin: str


COLUMNS = ", ".join(Earlier._fields)


def all_models(conn: sqlite3.Connection, before: int = 10_000) -> list[Earlier]:
    """The models of the years before `before` (all by default), oldest first."""
    return [model for model, _ in models_with_words(conn, before)]


def models_with_words(conn: sqlite3.Connection, before: int) -> list[tuple[Earlier, frozenset[str]]]:
    """Each model with its name's syllables (kept in `words`; worked out for rows written before that)."""
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: made into Earlier at C speed
    cursor.execute(f"SELECT {COLUMNS}, words FROM models WHERE year < ? ORDER BY year, id", (before,))
    make = Earlier._make
    return [
        (make(row[:-1]), frozenset(row[-1].split()) if row[-1] is not None else name_syllables(row[6]))
        for row in cursor
    ]


def words_of(name: str) -> str:
    """The `words` column: the name's syllables, space-separated."""
    return " ".join(sorted(name_syllables(name)))


def read_history(workspace: Workspace) -> list[Earlier]:
    """Every model of the history (none when there is no history file yet: nothing is created to read)."""
    path = history_path(workspace)
    if not path.is_file():
        return []
    conn = open_history(path)
    try:
        return all_models(conn)
    finally:
        conn.close()


# ---------------------------------------------------------------------------- filled by build and archive


def campaign_key(year: int, model_id: str) -> str:
    return f"{SOURCE_CAMPAIGN}:{year}:{model_id}"


def record_build(
    workspace: Workspace, models: list[Model], decision_codes: dict[str, str], registered: int = 0
) -> int:
    """The models of the drafts just built, not yet issued; models of this year's earlier builds that are
    no longer recognised leave (issued ones never do). `decision_codes`: model id -> its decision's code."""
    year, now = workspace.config.year, now_iso()
    conn = open_history(history_path(workspace))
    try:
        with write_transaction(conn):
            keys = [campaign_key(year, model.id) for model in models]
            # The unissued rows are this build's to write again (no key list in SQL: a province's
            # campaign has more models than SQLite takes parameters); issued ones stay as filed.
            conn.execute(
                "DELETE FROM models WHERE source = ? AND year = ? AND issued = 0", (SOURCE_CAMPAIGN, year)
            )
            for model, key in zip(models, keys, strict=True):
                _upsert_built(conn, workspace, model, key, decision_codes.get(model.id), now)
            conn.execute(
                """INSERT INTO campaigns (year, registered, updated) VALUES (?, ?, ?)
                   ON CONFLICT (year) DO UPDATE
                   SET registered = excluded.registered, updated = excluded.updated""",
                (year, registered, now),
            )
        _sync(conn, workspace)
    finally:
        conn.close()
    return len(models)


def _upsert_built(
    conn: sqlite3.Connection, workspace: Workspace, model: Model, key: str, code: str | None, now: str
) -> None:
    conn.execute(
        """INSERT INTO models (key, year, level, model_type, unit, person, name, field, rating,
               decision_code, source, origin, created, updated, words)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET level = excluded.level, model_type = excluded.model_type,
               unit = excluded.unit, person = excluded.person, name = excluded.name, words = excluded.words,
               field = excluded.field, rating = excluded.rating, decision_code = excluded.decision_code,
               origin = excluded.origin, updated = excluded.updated
           WHERE models.issued = 0""",
        (
            key,
            workspace.config.year,
            model.level,
            model.model_type,
            model_unit(model),
            model.person_name,
            model.name,
            model.field,
            model.rating,
            code,
            SOURCE_CAMPAIGN,
            workspace.root.name,
            now,
            now,
            words_of(model.name),
        ),
    )


def model_unit(model: Model) -> str:
    """The unit of a model: for an individual model the unit after "Name - Position, " when there is one."""
    if not model.person_name:
        return model.unit
    rest = model.unit.split(",", 1)
    return rest[1].strip() if len(rest) == 2 else ""


def sync_issued(workspace: Workspace) -> int:
    """Mark issued every model whose decision the register holds as issued; returns how many changed."""
    path = history_path(workspace)
    if not path.is_file():
        return 0
    conn = open_history(path)
    try:
        return _sync(conn, workspace)
    finally:
        conn.close()


def _sync(conn: sqlite3.Connection, workspace: Workspace) -> int:
    issued = issued_decisions(workspace)
    if not issued:
        return 0
    changed = 0
    with write_transaction(conn):
        for code, (printed, day) in issued.items():
            changed += conn.execute(
                """UPDATE models SET issued = 1, decision = ?, decision_date = ?, updated = ?
                   WHERE decision_code = ? AND (issued = 0 OR decision != ? OR decision_date != ?)""",
                (printed, day, now_iso(), code, printed, day),
            ).rowcount
    return changed


def issued_decisions(workspace: Workspace) -> dict[str, tuple[str, str]]:
    """Draft code -> (printed number, ISO date) of every decision the register holds as issued."""
    from pipeline.archive import register

    if not register.register_path(workspace).is_file():
        return {}
    conn = register.open_register(workspace)
    try:
        return {
            item.code: (
                register.format_number(workspace.config, item.number, item.symbol),
                item.date.isoformat(),
            )
            for item in register.list_issued(conn)
            if item.code and item.kind == "decision"
        }
    finally:
        conn.close()


# ---------------------------------------------------------------------------- imported rows


@dataclass(frozen=True)
class ImportedRow:
    """A row of an old Danh sách, as the history keeps it."""

    year: int
    level: str
    model_type: str
    unit: str
    person: str
    name: str
    field: str
    rating: str
    decision: str
    decision_date: str
    origin: str  # "file.docx (bảng 1, hàng 4)"

    def key(self) -> str:
        """What the row says (not where): the same model of the same decision imported twice is one row,
        whichever file or place it comes from."""
        parts = (str(self.year), fold(self.level), fold(self.unit), fold(self.person), fold(self.name))
        digest = hashlib.sha256("\x1f".join((*parts, fold(self.decision))).encode("utf-8")).hexdigest()
        return f"{SOURCE_IMPORT}:{digest[:32]}"


def add_imported(workspace: Workspace, sha256: str, file_name: str, rows: Iterable[ImportedRow]) -> int:
    """Add the rows of one imported file in one transaction; returns how many were new."""
    now, added = now_iso(), 0
    conn = open_history(history_path(workspace))
    try:
        with write_transaction(conn):
            for row in rows:
                added += conn.execute(
                    """INSERT INTO models (key, year, level, model_type, unit, person, name, field, rating,
                           decision, decision_date, issued, source, origin, created, updated, words)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                       ON CONFLICT (key) DO NOTHING""",
                    (
                        row.key(),
                        row.year,
                        row.level,
                        row.model_type,
                        row.unit,
                        row.person,
                        row.name,
                        row.field,
                        row.rating,
                        row.decision,
                        row.decision_date,
                        SOURCE_IMPORT,
                        row.origin,
                        now,
                        now,
                        words_of(row.name),
                    ),
                ).rowcount
            conn.execute(
                "INSERT OR IGNORE INTO imports (sha256, file_name, taken, imported) VALUES (?, ?, ?, ?)",
                (sha256, file_name, added, now),
            )
    finally:
        conn.close()
    return added


DECISION_REF = re.compile(
    r"quy[eế]t\s+đ[iị]nh\s+s[oố]\s*:?\s*(\d+\s*[-/]\s*[A-ZĐ]+(?:\s*[/-]\s*[A-ZĐ]+)*)"
    r"\s*,?\s*ng[aà]y\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})",
    re.IGNORECASE,
)


def decision_in(text: str) -> tuple[str, str] | None:
    """ "(Kèm theo Quyết định số 123-QĐ/TU, ngày 23/12/2019 …)" -> ("123-QĐ/TU", "2019-12-23")."""
    found = DECISION_REF.search(text)
    if not found:
        return None
    number, day, month, year = found.groups()
    return re.sub(r"\s+", "", number), f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


# ---------------------------------------------------------------------------- re-proposals

# Words every model name may carry or drop without naming another model.
_NAME_NOISE = re.compile(r"\b(?:mo hinh|dan van kheo|nam \d{4}|\d{4})\b")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
MATCH_THRESHOLD = 0.7  # Dice of the names' syllables: precision over recall (a false flag costs more)


def name_syllables(name: str) -> frozenset[str]:
    """The syllables of a model's name, without marks, quotes, "mô hình", "Dân vận khéo" and years:
    "Mô hình “Sổ vàng khởi nghiệp” năm 2021" -> {so, vang, khoi, nghiep}."""
    text = _NAME_NOISE.sub(" ", _PUNCTUATION.sub(" ", fold(name)))
    return frozenset(text.split())


def name_similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """How alike two names are, 0 to 1: the Dice coefficient of their syllables, or 0.9 when the shorter
    (of three syllables or more) lies wholly inside the longer, at most twice as long ("X" and "X của hội
    viên"). Names whose numbers differ ("Tuyến đường hoa số 1", "… số 2") are different models: 0."""
    if not first or not second:
        return 0.0
    if {word for word in first if word.isdigit()} != {word for word in second if word.isdigit()}:
        return 0.0
    shared = len(first & second)
    dice = 2 * shared / (len(first) + len(second))
    small, large = sorted((first, second), key=len)
    inside = len(small) >= 3 and shared == len(small) and 2 * len(small) >= len(large)
    return max(dice, 0.9 if inside else 0.0)


def names_match(first: frozenset[str], second: frozenset[str]) -> bool:
    """Two names of one model: reworded, retoned, respelled; never two models sharing a few words."""
    return name_similarity(first, second) >= MATCH_THRESHOLD


def unit_key(unit: str, place: str, renamed: dict[str, str]) -> str:
    """A unit's key: folded, punctuation gone, renamed to its current name ([history.renamed_units]), and
    without the trailing "thành phố (Ngã Bảy)" that one year writes and the next leaves out."""
    key = " ".join(_PUNCTUATION.sub(" ", fold(unit)).split())
    key = renamed.get(key, key)
    place_key = fold(place)
    for tail in (f"thanh pho {place_key}", f"tp {place_key}", place_key, "thanh pho", "tp"):
        if tail and key.endswith(" " + tail):
            key = key[: -len(tail) - 1]
            break
    return key


def renamed_units(workspace: Workspace) -> dict[str, str]:
    """`[history.renamed_units]` "old name" = "new name", folded both ways (followed to the last name)."""
    table = workspace.config.raw.get("history", {}).get("renamed_units", {})
    if not isinstance(table, dict):
        return {}
    plain = {
        " ".join(_PUNCTUATION.sub(" ", fold(k)).split()): " ".join(
            _PUNCTUATION.sub(" ", fold(str(v))).split()
        )
        for k, v in table.items()
    }
    for old in list(plain):
        seen, new = {old}, plain[old]
        while new in plain and new not in seen:
            seen.add(new)
            new = plain[new]
        plain[old] = new
    return plain


@dataclass
class HistoryIndex:
    """The models of earlier years by who carried them out (a unit's key or a person's folded name): a
    proposal is compared with that unit's few models only."""

    year: int
    place: str
    renamed: dict[str, str]
    by_who: dict[str, list[tuple[frozenset[str], Earlier]]]
    digest: str = ""  # changes whenever the earlier years' models do (a cached check is stale then)

    def who_key(self, unit: str, person: str) -> str:
        return f"person:{fold(person)}" if person.strip() else unit_key(unit, self.place, self.renamed)

    def earlier(self, name: str, unit: str, person: str = "") -> list[Earlier]:
        """The earlier-year models this (name, unit or person) matches, the closest first."""
        candidates = self.by_who.get(self.who_key(unit, person), ())
        if not candidates:
            return []
        syllables = name_syllables(name)
        scored = [(name_similarity(syllables, other), model) for other, model in candidates]
        found = [(score, model) for score, model in scored if score >= MATCH_THRESHOLD]
        found.sort(key=lambda pair: (-pair[0], -pair[1].year, not pair[1].issued, pair[1].id))
        return [model for _, model in found]


def build_index(
    models: Iterable[tuple[Earlier, frozenset[str]]], year: int, place: str, renamed: dict[str, str]
) -> HistoryIndex:
    index = HistoryIndex(year, place, renamed, {})
    keys: dict[tuple[str, str], str] = {}  # a unit has many models: its key is worked out once
    for model, syllables in models:
        if model.year >= year:
            continue
        who = (model.unit, model.person)
        key = keys.get(who)
        if key is None:
            key = keys[who] = index.who_key(model.unit, model.person)
        if key and key != "person:":
            index.by_who.setdefault(key, []).append((syllables, model))
    return index


DIGEST_QUERY = "SELECT count(*), coalesce(max(updated), ''), coalesce(sum(id), 0) FROM models WHERE year < ?"


def history_digest(workspace: Workspace) -> str:
    """What changes whenever the earlier years' models (or the renamed units) do: one aggregate query, so
    an unchanged check knows its last warnings still hold without loading the index."""
    path = history_path(workspace)
    if not path.is_file():
        return ""
    conn = open_history(path)
    try:
        state = conn.execute(DIGEST_QUERY, (workspace.config.year,)).fetchone()
    finally:
        conn.close()
    return f"{tuple(state)}{sorted(renamed_units(workspace).items())}"


def load_index(workspace: Workspace) -> HistoryIndex:
    """The history of the years before this campaign's, read once per run (none: no history file yet)."""
    config = workspace.config
    place, renamed = config.issuer.get("place", ""), renamed_units(workspace)
    path = history_path(workspace)
    if not path.is_file():
        return build_index([], config.year, place, renamed)
    conn = open_history(path)
    try:
        models = models_with_words(conn, config.year)
        state = conn.execute(DIGEST_QUERY, (config.year,)).fetchone()
    finally:
        conn.close()
    index = build_index(models, config.year, place, renamed)
    index.digest = f"{tuple(state)}{sorted(renamed.items())}"
    return index


def earlier_problem(model: Earlier) -> Problem:
    """The finding a re-proposal carries: when and by which decision the model was recognised (the
    committee decides; the proposal is never dropped for it)."""
    what = f"mô hình “{model.name}” của {model.person or model.unit} ({model.level.lower()}"
    what += f", xếp loại {model.rating.lower()})" if model.rating else ")"
    if model.issued and model.decision:
        day = format_date_short(date.fromisoformat(model.decision_date)) if model.decision_date else ""
        decision = f"Quyết định số {model.decision}" + (f", ngày {day}" if day else "")
        return Problem(
            HISTORY_RECOGNISED, WARNING, f"Đã được công nhận năm {model.year}, {decision}: {what}."
        )
    return Problem(
        HISTORY_DRAFTED,
        WARNING,
        f"Đã có trong dự thảo công nhận năm {model.year} (quyết định chưa ban hành): {what}.",
    )


# ---------------------------------------------------------------------------- importing old lists


@dataclass(frozen=True)
class Refused:
    """A file or a row the import did not take, where, and why (Vietnamese)."""

    place: str  # "cu/2019.docx" or "cu/2019.docx (bảng 1, hàng 4)"
    reason: str


@dataclass
class ImportReport:
    """What `dvk history import` did: each row taken (new, or already in the history) and each refused."""

    taken: list[ImportedRow]
    added: int
    refused: list[Refused]

    def as_dict(self) -> dict:
        return {
            "taken": [
                {
                    "place": row.origin,
                    "year": row.year,
                    "level": row.level,
                    "name": row.name,
                    "unit": row.person or row.unit,
                    "decision": row.decision,
                }
                for row in self.taken
            ],
            "added": self.added,
            "refused": [{"place": item.place, "reason": item.reason} for item in self.refused],
        }


def import_lists(workspace: Workspace, paths: list[Path]) -> ImportReport:
    """Add the rows of old Danh sách files (one file, one transaction): a row is taken only when it names
    the model, who carried it out, and its level and year (from the row or the heading), and the heading
    names the decision; nothing is guessed. The files are only read."""
    report = ImportReport([], 0, [])
    for path in paths:
        rows, refused = read_old_list(workspace, Path(path))
        report.refused.extend(refused)
        if rows:
            report.added += add_imported(workspace, file_digest(Path(path)), Path(path).name, rows)
            report.taken.extend(rows)
    return report


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_old_list(workspace: Workspace, path: Path) -> tuple[list[ImportedRow], list[Refused]]:
    """The rows of one old list, and the rows (or the whole file) refused."""
    from pipeline.listtable import list_fields, read_list
    from pipeline.model import ReadError
    from pipeline.reader import read_document

    name = path.name
    try:
        doc = read_document(path, workspace.cache_dir)
    except ReadError as exc:
        return [], [Refused(name, exc.message)]
    except OSError as exc:
        return [], [Refused(name, f"Không đọc được tệp: {exc}.")]
    listing = read_list(doc, workspace.config)
    if listing is None:
        return [], [Refused(name, NO_TABLE)]
    heading = " ".join(b.text for b in doc.blocks if b.kind == "para" or b.table != listing.table)
    decision = decision_in(heading)
    if decision is None:
        return [], [Refused(name, NO_DECISION)]
    rows, refused = [], []
    for row in listing.rows:
        fields = {key: value.value for key, value in list_fields(listing, row, workspace.config).items()}
        place = f"{name} ({row.where})"
        taken = imported_row(workspace, fields, decision, place)
        if isinstance(taken, str):
            refused.append(Refused(place, taken))
        else:
            rows.append(taken)
    return rows, refused


NO_TABLE = (
    "Không tìm thấy bảng danh sách mô hình (hàng tiêu đề cần có cột “Tên mô hình” và cột đơn vị/cá nhân "
    "thực hiện)."
)
NO_DECISION = (
    "Tiêu đề danh sách không nêu quyết định công nhận (cần dòng “Kèm theo Quyết định số …, ngày …”); "
    "không nhập để khỏi ghi sai số quyết định."
)


def imported_row(
    workspace: Workspace, fields: dict[str, str], decision: tuple[str, str], place: str
) -> ImportedRow | str:
    """The row as the history keeps it, or why it is refused (the same rule as extraction: a value that
    is missing or outside the configured vocabulary is never guessed)."""
    config = workspace.config
    name, unit, person = fields.get("model_name", ""), fields.get("unit", ""), fields.get("person_name", "")
    year = fields.get("year") or decision[1][:4]
    missing = [
        label
        for label, value in (
            ("tên mô hình", name),
            ("đơn vị hoặc cá nhân thực hiện", unit or person),
            ("cấp công nhận", fields.get("level", "")),
        )
        if not value
    ]
    if missing:
        return f"Thiếu {', '.join(missing)}."
    for key, terms, label in (
        ("level", config.levels, "Cấp"),
        ("proposed_rating", config.ratings, "Xếp loại"),
        ("model_type", config.types, "Loại mô hình"),
    ):
        value = fields.get(key, "")
        if value and value not in {term.label for term in terms}:
            return f"{label} “{value}” không thuộc danh mục trong dvk.toml."
    return ImportedRow(
        int(year),
        fields["level"],
        fields.get("model_type", ""),
        unit,
        person,
        name,
        fields.get("field", ""),
        fields.get("proposed_rating", ""),
        decision[0],
        decision[1],
        place,
    )


# ---------------------------------------------------------------------------- year over year


def year_stats(workspace: Workspace) -> list[dict]:
    """Per year of the history: registered (when a build recorded it, else None) and recognised, by
    level, type, field and rating. A year's drafts count until its decisions are issued (they are the
    campaign's result so far)."""
    path = history_path(workspace)
    if not path.is_file():
        return []
    conn = open_history(path)
    try:
        models = all_models(conn)
        registered = dict(conn.execute("SELECT year, registered FROM campaigns").fetchall())
    finally:
        conn.close()
    years = sorted({model.year for model in models} | set(registered))
    return [year_entry(year, [m for m in models if m.year == year], registered.get(year)) for year in years]


def year_entry(year: int, models: list[Earlier], registered: int | None) -> dict:
    def counted(values: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for value in values:
            found[value or "(không rõ)"] = found.get(value or "(không rõ)", 0) + 1
        return found

    return {
        "year": year,
        "registered": registered,
        "recognized": len(models),
        "issued": sum(model.issued for model in models),
        "levels": counted(model.level for model in models),
        "types": counted(model.model_type for model in models),
        "fields": counted(model.field for model in models),
        "ratings": counted(model.rating for model in models),
    }


# ---------------------------------------------------------------------------- maintained and replicated


@dataclass(frozen=True)
class Current:
    """A registration or proposal of this year's campaign, as the follow-up compares it."""

    name: str
    unit: str
    person: str
    place: str  # "x.docx" or "ds.docx (bảng 1, hàng 3)"


@dataclass
class FollowUp:
    """An earlier year's model and what this year shows of it: its own unit proposing or reporting it
    again (maintained), other units carrying a model of the same name (replicated)."""

    earlier: Earlier
    maintained: list[Current]
    replicated: list[Current]


def follow_up(index: HistoryIndex, records: list[Current]) -> list[FollowUp]:
    """Every earlier model that this year's records maintain or replicate, by unit then year."""
    by_syllable: dict[str, list[tuple[frozenset[str], str, Earlier]]] = {}
    for who, models in index.by_who.items():
        for syllables, model in models:
            for syllable in syllables:
                by_syllable.setdefault(syllable, []).append((syllables, who, model))
    found: dict[int, FollowUp] = {}
    for record in records:
        who = index.who_key(record.unit, record.person)
        syllables = name_syllables(record.name)
        for other, owner, model in candidates(by_syllable, syllables):
            if not names_match(syllables, other):
                continue
            entry = found.setdefault(model.id, FollowUp(model, [], []))
            (entry.maintained if owner == who else entry.replicated).append(record)
    return sorted(found.values(), key=lambda f: (fold(f.earlier.person or f.earlier.unit), f.earlier.year))


def candidates(
    by_syllable: dict[str, list[tuple[frozenset[str], str, Earlier]]], syllables: frozenset[str]
) -> list[tuple[frozenset[str], str, Earlier]]:
    """The earlier models sharing one of the name's rarest syllables, each once. A matching name shares at
    least half of this name's syllables (Dice ≥ 0.7, or containment at most twice as long), so by
    pigeonhole it shares one of the `present - ceil(half) + 1` rarest: no match is missed."""
    present = sorted((len(by_syllable[s]), s) for s in syllables if s in by_syllable)
    needed = (len(syllables) + 1) // 2
    seen: dict[int, tuple[frozenset[str], str, Earlier]] = {}
    for _, syllable in present[: max(len(present) - needed + 1, 0)]:
        for item in by_syllable[syllable]:
            seen.setdefault(item[2].id, item)
    return list(seen.values())

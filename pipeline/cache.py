"""The check cache: what reading each file gave last time, so a rerun re-reads only what changed.

Keyed like git's index: a file whose stat (size, modification and change times, inode and device;
see discover.stamp_of) matches the last run keeps its hash without being read; any other file is
re-hashed, and an analysis is reused only for the same content hash. Like git, a file whose
modification or change time is too close to when the files were looked at ("racily clean": it may
have changed again within the same timestamp) is re-hashed, and so is one stamped in the future
(clock skew). The
whole cache is dropped when the tool version or the configuration changes, since both change what
extraction and validation produce.

On disk the cache holds only tuples, strings and numbers: loading ten thousand records as plain
tuples and building the objects directly is several times faster than unpickling dataclasses, and
an unpickler that refuses every class cannot be made to run code by a tampered cache file.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.discover import Stamp
from pipeline.model import Analysis, FieldValue, Kind, Problem, Record
from pipeline.platform import files

CACHE_FORMAT = 8  # bump whenever the packed layout below or what extraction gives changes
RACY_WINDOW_NS = 2_000_000_000  # mtimes this close to when the files were looked at are not trusted
KINDS = {kind.value: kind for kind in Kind}


@dataclass
class CheckCache:
    key: str
    looked_ns: int = 0  # when the files were last looked at: the stamps were taken after it
    stamps: dict[str, tuple[Stamp | tuple[()], str]] = field(
        default_factory=dict
    )  # rel -> (stat stamp, sha256)
    analyses: dict[str, Analysis] = field(default_factory=dict)  # sha256 -> what reading it gave
    packed: dict[str, tuple] = field(default_factory=dict)  # sha256 -> its analysis as loaded: not re-packed
    last_identity: tuple = ()  # (rel, sha256, skip reason, error) of every file found last time
    rule_problems: dict[str, list[Problem]] = field(default_factory=dict)  # record ref -> rules' findings
    # Digests of what the appraisal workbook, the problem report and the correction workbook last showed.
    outputs: tuple[str, ...] = ("", "")
    outputs_identity: tuple = ()  # the identity the workbook and problem report were last written for
    # The appraisal workbook when dvk last wrote it: (path relative to the workspace, added, changed, missing,
    # size, mtime_ns); its counts are reused while the file on disk keeps that size and time.
    last_workbook: tuple = ()
    transient: set[str] = field(default_factory=set)  # analyses this run uses but does not save
    # The re-proposal warnings of the last run (record ref -> problem) and the history digest they were found
    # with: an unchanged rerun reuses them instead of loading the campaign history's index again.
    history_digest: str = ""
    history_flags: dict[str, Problem] = field(default_factory=dict)

    def known_hash(self, rel: str, stamp: Stamp) -> str | None:
        """The cached hash when the file's stat is unchanged and its times not racily close to (or after)
        when the files were last looked at."""
        known = self.stamps.get(rel)
        if known is None or tuple(known[0]) != stamp:
            return None
        _, mtime_ns, ctime_ns, _, _ = stamp
        if max(mtime_ns, ctime_ns) >= self.looked_ns - RACY_WINDOW_NS:
            return None
        return known[1]


def cache_key(config_raw: dict) -> str:
    """Changes with the tool version and with any configuration value."""
    text = json.dumps(config_raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{text}".encode()).hexdigest()


# ---------------------------------------------------------------------------- packing


def pack_problems(problems: tuple[Problem, ...] | list[Problem]) -> tuple:
    return tuple((p.code, p.severity, p.message, p.where) for p in problems)


def unpack_problems(packed: tuple) -> tuple[Problem, ...]:
    return tuple(Problem(*fields) for fields in packed)


def pack_analysis(analysis: Analysis) -> tuple:
    record = analysis.record
    packed_record = None
    if record is not None:
        fields = tuple((key, value.value, value.where, value.source) for key, value in record.fields.items())
        packed_record = (record.kind.value, record.path, record.sha256, fields, record.key, record.where)
    return (
        packed_record,
        pack_problems(analysis.problems),
        pack_problems(analysis.record_problems),
        analysis.proposal_id,
        tuple(pack_analysis(row) for row in analysis.rows),
    )


def unpack_analysis(packed: tuple) -> Analysis:
    packed_record, problems, record_problems, proposal_id, rows = packed
    record = None
    if packed_record is not None:
        kind, path, sha256, fields, row_key, where = packed_record
        values = {key: FieldValue(value, place, source) for key, value, place, source in fields}
        record = Record(KINDS[kind], path, sha256, values, row_key, where)
    return Analysis(
        record,
        unpack_problems(problems),
        unpack_problems(record_problems),
        proposal_id,
        rows=tuple(unpack_analysis(row) for row in rows),
    )


def pack(cache: CheckCache) -> dict[str, Any]:
    return {
        "key": cache.key,
        "looked_ns": cache.looked_ns,
        "stamps": cache.stamps,
        "analyses": {
            sha: cache.packed.get(sha) or pack_analysis(analysis)
            for sha, analysis in cache.analyses.items()
            if sha not in cache.transient
        },
        "last_identity": cache.last_identity,
        "rule_problems": {rel: pack_problems(found) for rel, found in cache.rule_problems.items()},
        "outputs": cache.outputs,
        "outputs_identity": cache.outputs_identity,
        "last_workbook": cache.last_workbook,
        "history_digest": cache.history_digest,
        "history_flags": {ref: pack_problems([found])[0] for ref, found in cache.history_flags.items()},
    }


def unpack(data: dict[str, Any]) -> CheckCache:
    return CheckCache(
        key=data["key"],
        looked_ns=data["looked_ns"],
        stamps=data["stamps"],
        analyses={sha: unpack_analysis(packed) for sha, packed in data["analyses"].items()},
        packed=data["analyses"],
        last_identity=data["last_identity"],
        rule_problems={rel: list(unpack_problems(found)) for rel, found in data["rule_problems"].items()},
        outputs=data["outputs"],
        outputs_identity=data["outputs_identity"],
        last_workbook=data["last_workbook"],
        history_digest=data.get("history_digest", ""),
        history_flags={ref: Problem(*found) for ref, found in data.get("history_flags", {}).items()},
    )


# ---------------------------------------------------------------------------- the file


class PlainUnpickler(pickle.Unpickler):
    """Loads tuples, lists, dicts, strings and numbers only: any class reference is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the check cache holds no classes ({module}.{name})")


def load_cache(path: Path, key: str) -> CheckCache:
    """The cache at `path` if it matches `key`; an empty one otherwise (missing, stale or damaged)."""
    try:
        with path.open("rb") as handle, collector_paused():
            data = PlainUnpickler(handle).load()
            if not isinstance(data, dict) or data.get("key") != key:
                return CheckCache(key)
            return unpack(data)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        KeyError,
        TypeError,
        ValueError,
        IndexError,
    ):
        return CheckCache(key)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Build the cache's few hundred thousand objects without the cyclic garbage collector running over
    them again and again (they hold no cycles), then leave them out of its later passes for good: a third
    of the loading time, and less in every later stage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def save_cache(path: Path, cache: CheckCache) -> bool:
    """Write atomically; the write time stamps racily-clean detection for the next run.

    A cache that cannot be written (full disk, read-only folder) only makes the next run slower: the
    check goes on, and False says it was not saved."""

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as out:
            pickle.dump(pack(cache), out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        files.write_atomically(path, write)
    except files.WriteError:
        return False
    return True

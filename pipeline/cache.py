"""The check cache: what reading each file gave last time, so a rerun re-reads only what changed.

Keyed like git's index: a file whose size and modification time match the last run keeps its
hash without being read; only a changed file is re-hashed, and an analysis is reused only for the
same content hash. Like git, a file modified in the same second the cache was written ("racily
clean") is re-hashed. The whole cache is dropped when the tool version or the configuration
changes, since both change what extraction and validation produce.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__

CACHE_FORMAT = 3  # bump whenever a cached structure changes
RACY_WINDOW_NS = 2_000_000_000  # mtimes this close to the cache's own write are not trusted


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int
    sha256: str


@dataclass
class CheckCache:
    key: str
    written_ns: int = 0
    stamps: dict[str, Stamp] = field(default_factory=dict)  # rel path -> last stat and hash
    analyses: dict[str, Any] = field(default_factory=dict)  # sha256 -> Analysis
    outputs: tuple[str, str] = ("", "")  # digests of what the workbook and the problem report last showed
    last_workbook: Any = None  # the WorkbookUpdate of that run, reported again when nothing changed
    last_identity: tuple = ()  # (rel, sha256, skip reason, error) of every file found last time
    outputs_identity: tuple = ()  # the identity the workbook and problem report were last written for
    last_result: Any = None  # that run's CheckResult (files and records), reused when nothing changed

    def known_hash(self, rel: str, size: int, mtime_ns: int) -> str | None:
        """The cached hash when the file's stat is unchanged and not racily close to the last write."""
        stamp = self.stamps.get(rel)
        if stamp is None or stamp.size != size or stamp.mtime_ns != mtime_ns:
            return None
        if mtime_ns >= self.written_ns - RACY_WINDOW_NS:
            return None
        return stamp.sha256


def cache_key(config_raw: dict) -> str:
    """Changes with the tool version and with any configuration value."""
    text = json.dumps(config_raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{CACHE_FORMAT}|{__version__}|{text}".encode()).hexdigest()


def load_cache(path: Path, key: str) -> CheckCache:
    """The cache at `path` if it matches `key`; an empty one otherwise (missing, stale or damaged)."""
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)  # our own file in the workspace cache folder, never an input
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return CheckCache(key)
    if not isinstance(cache, CheckCache) or cache.key != key:
        return CheckCache(key)
    return cache


def save_cache(path: Path, cache: CheckCache) -> None:
    """Write atomically; the write time stamps racily-clean detection for the next run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(cache, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise

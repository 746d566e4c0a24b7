"""dvk.toml written from the page (Cài đặt, "Thêm vào danh sách"): the values a clerk changes.

Each value is named by its key in dvk.toml ("issuer.name", "units.city", "ratings[2].synonyms"), so the
config's own messages ("Khóa signer.name phải là một chuỗi không rỗng.") name the field on the page.
A change is checked by the same rules as a loaded file (`config.parse_config`), then written back with
tomlkit, which keeps the file's comments, order and every key the page does not show; only the keys
whose value changed are touched, and the file is replaced atomically.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Array, Table

from pipeline.config import CONFIG_NAME, DEFAULT_CONFIG, Config, config_text, parse_config, tool_path
from pipeline.model import FIELDS, ConfigError, DvkError
from pipeline.platform import files

TEXT, LINES, NUMBER = "text", "lines", "number"
SCALARS: dict[str, str] = {
    "campaign.year": NUMBER,
    "campaign.registered": NUMBER,
    "issuer.name": TEXT,
    "issuer.parent": TEXT,
    "issuer.authority": TEXT,
    "issuer.authority_line": TEXT,
    "issuer.place": TEXT,
    "issuer.symbol": TEXT,
    "issuer.office": TEXT,
    "issuer.profile": TEXT,
    "issuer.term_start": TEXT,
    "signer.on_behalf": TEXT,
    "signer.title": TEXT,
    "signer.name": TEXT,
    "decision.recipients": LINES,
}
TERM_LISTS = ("levels", "ratings")  # vocabularies the page edits; a rating may be added or removed
KEY = re.compile(r"(?P<table>[a-z_]+)(?:\[(?P<index>[0-9]{1,3})\])?\.(?P<key>[a-z_]+)")
MULTILINE_FROM = 4  # a list of this many values is written one per line, as the shipped file does
# What the shipped dvk.toml holds and a real campaign must change before its decisions are signed.
SAMPLE_KEYS = (
    ("signer", "name", "người ký"),
    ("campaign", "year", "năm"),
    ("issuer", "name", "cơ quan ban hành"),
)


@dataclass(frozen=True)
class SampleValue:
    """A setting that still holds the value of the shipped sample (Thành ủy Ngã Bảy, 2020)."""

    key: str  # "signer.name"
    label: str  # "người ký"
    value: str


def kind_of(key: str, config: Config) -> str | None:
    """TEXT, LINES or NUMBER for a key the page may change, None for any other."""
    if key in SCALARS:
        return SCALARS[key]
    found = KEY.fullmatch(key)
    if found is None:
        return None
    table, index, name = found["table"], found["index"], found["key"]
    if index is None:
        if table == "units" and name in {level.key for level in config.levels}:
            return LINES
        return LINES if table == "labels" and name in FIELDS else None
    if table in TERM_LISTS and name in ("label", "synonyms"):
        return TEXT if name == "label" else LINES
    return None


def value_of(raw: Mapping, key: str) -> object:
    """The value a key holds in a loaded dvk.toml (None when absent)."""
    found = KEY.fullmatch(key)
    if found is None:
        return None
    container = raw.get(found["table"])
    if found["index"] is not None:
        index = int(found["index"]) - 1
        container = container[index] if isinstance(container, list) and 0 <= index < len(container) else None
    return container.get(found["key"]) if isinstance(container, Mapping) else None


def parse_value(kind: str, text: str) -> object:
    """A form's text as the TOML value: a number stays text when it is not one (the config's check
    then refuses it with its own message), lines become a list without blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    if kind == NUMBER:
        text = text.strip()
        return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else text
    if kind == LINES:
        return [line.strip() for line in text.split("\n") if line.strip()]
    return " ".join(text.split())


def read_document(root: Path) -> tomlkit.TOMLDocument:
    """The workspace's dvk.toml as an editable document (the shipped default when it has none)."""
    path = root / CONFIG_NAME
    source = path if path.exists() else DEFAULT_CONFIG
    try:
        return tomlkit.parse(config_text(source.read_bytes(), source))
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc}") from exc
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"Tệp cấu hình {CONFIG_NAME} sai cú pháp TOML: {exc}") from exc


class ChangedMeanwhile(DvkError):
    """dvk.toml was changed (another tab, Notepad) after the form was shown: saving it would undo that."""


def version(root: Path) -> str:
    """What the form was made from: a digest of dvk.toml's bytes ("" while the workspace has none)."""
    try:
        return hashlib.sha256((root / CONFIG_NAME).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def save_settings(root: Path, changes: Mapping[str, str], config: Config, seen: str | None = None) -> Config:
    """Apply the form's `changes` (key -> text) to dvk.toml under `root`, check, write; the new Config.
    Keys the page may not change are ignored; an invalid value raises the config's own ConfigError.
    `seen`: the `version` the form was made from; a file changed since is refused (ChangedMeanwhile)."""
    if seen is not None and seen != version(root):
        raise ChangedMeanwhile(
            f"{CONFIG_NAME} đã được sửa ở nơi khác (một thẻ khác hoặc Notepad) sau khi biểu mẫu được mở; "
            "chưa lưu để khỏi xóa mất thay đổi đó."
        )
    document = read_document(root)
    wanted = {key: parse_value(kind, text) for key, text in changes.items() if (kind := kind_of(key, config))}
    for key, value in sorted(wanted.items(), key=_removals_last):
        if value != value_of(document.unwrap(), key):
            _set(document, key, value)
    return write_document(root, document)


def add_units(root: Path, units: list[tuple[str, str]], config: Config) -> Config:
    """Make each (level key, name) a known unit (units.<level> in dvk.toml); one already known stays once."""
    document = read_document(root)
    levels = {term.key for term in config.levels}
    for level, raw in units:
        name = " ".join(unicodedata.normalize("NFC", raw).split())
        if level not in levels:
            raise ConfigError(f"Khóa units.{level} không ứng với cấp nào trong [[levels]].")
        known = value_of(document.unwrap(), f"units.{level}")
        current = list(known) if isinstance(known, list) else []
        if name and name not in current:
            _set(document, f"units.{level}", [*current, name])
    return write_document(root, document)


def write_document(root: Path, document: tomlkit.TOMLDocument) -> Config:
    """Check `document` as a loaded dvk.toml is checked, then replace the file with it atomically."""
    data = document.unwrap()
    config = parse_config(tomllib.loads(tomlkit.dumps(document)))  # exactly what a later load will read
    tool_path(data, "soffice", root)
    text = tomlkit.dumps(document)
    files.write_atomically(root / CONFIG_NAME, lambda temporary: temporary.write_bytes(text.encode("utf-8")))
    return config


def sample_values(config: Config) -> list[SampleValue]:
    """The settings that still hold the shipped sample's value: a decision built now would print them."""
    found = []
    for table, key, label in SAMPLE_KEYS:
        value = config.raw.get(table, {}).get(key)
        if value is not None and value == _sample().get(table, {}).get(key):
            found.append(SampleValue(f"{table}.{key}", label, str(value)))
    return found


@functools.cache
def _sample() -> dict:
    return tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))


def _removals_last(item: tuple[str, object]) -> tuple:
    """Ratings emptied on the page are removed after the others are set, from the last one down, so
    the indexes of the form still name the right entries."""
    found = KEY.fullmatch(item[0])
    index = int(found["index"]) if found and found["index"] else 0
    removal = item[1] == "" and found is not None and found["key"] == "label"
    return (removal, -index if removal else index, item[0])


def _set(document: tomlkit.TOMLDocument, key: str, value: object) -> None:
    found = KEY.fullmatch(key)
    assert found is not None
    table, index, name = found["table"], found["index"], found["key"]
    if index is None:
        if value == [] and table not in document:
            return
        if table not in document:
            document.add(table, tomlkit.table())
        _assign(document[table], name, value)
        return
    entries = document.get(table)
    if not isinstance(entries, AoT | list):
        raise ConfigError(f"Thiếu danh mục [[{table}]] trong dvk.toml.")
    position = int(index) - 1
    if position >= len(entries):  # a new entry (the empty row at the end of the page's list)
        if name == "label" and value:
            entries.append(tomlkit.table().add("label", value).add("synonyms", []))
        return
    if name == "label" and value == "" and table == "ratings":
        del entries[position]
        return
    _assign(entries[position], name, value)


def _assign(table: Table, name: str, value: object) -> None:
    if name == "synonyms" or not isinstance(value, list):
        table[name] = value
        return
    if not value and name in FIELDS:  # labels.<field> left empty: no key (the default spellings only)
        table.pop(name, None)
        return
    array: Array = tomlkit.array()
    array.extend(value)
    table[name] = array.multiline(len(value) >= MULTILINE_FROM)


__all__ = ["save_settings", "add_units", "sample_values", "kind_of", "value_of", "SampleValue", "SCALARS"]

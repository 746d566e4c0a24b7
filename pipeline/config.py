"""Workspace configuration (`dvk.toml`): load, check, and create workspaces.

Everything docs/domain.md §6 lists as unknown lives here, not in code. A workspace without its own
`dvk.toml` uses the embedded default (Thành ủy Ngã Bảy, 2020).
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.model import FIELDS, ConfigError
from pipeline.platform import soffice
from pipeline.vntext import COUNT_STYLES

DEFAULT_CONFIG = Path(__file__).parent / "defaults" / "dvk.toml"
CONFIG_NAME = "dvk.toml"
REPO_TEMPLATES = Path(__file__).parent.parent / "templates_docx"
PROFILES = ("party", "state")
COMMUNE_MODES = ("issuer", "commune")
NOT_RECOGNISED = "Không công nhận"


@dataclass(frozen=True)
class Term:
    """A vocabulary entry: the label printed in documents and the spellings that mean it."""

    label: str
    key: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    year: int
    registered: int
    min_period_months: int
    issuer: dict[str, str]
    signer: dict[str, str]
    decision: dict[str, Any]
    format: dict[str, Any]
    levels: tuple[Term, ...]
    types: tuple[Term, ...]
    fields: tuple[Term, ...]
    ratings: tuple[Term, ...]
    units: dict[str, tuple[str, ...]]  # level key -> unit names
    raw: dict[str, Any]
    # [labels]: extra label spellings per field, (field key, spellings) sorted, for the label recognizer.
    label_spellings: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def profile(self) -> str:
        return self.issuer["profile"]

    @property
    def term_start(self) -> date:
        return date.fromisoformat(self.issuer["term_start"])

    def level(self, key: str) -> Term:
        return next(term for term in self.levels if term.key == key)

    def all_units(self) -> tuple[str, ...]:
        return tuple(unit for names in self.units.values() for unit in names)


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def year_dir(self) -> Path:
        return self.outputs / str(self.config.year)

    @property
    def templates(self) -> Path:
        return self.root / "templates_docx"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".dvk-cache"


def is_workspace(root: Path) -> bool:
    """Whether `root` is a workspace: its own dvk.toml, or an inputs/ folder (a folder of samples runs
    on the default configuration)."""
    return (Path(root) / CONFIG_NAME).is_file() or (Path(root) / "inputs").is_dir()


def load_workspace(root: Path) -> Workspace:
    """Open the workspace at `root`, reading its dvk.toml (or the embedded default)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"Không tìm thấy thư mục làm việc: {root}")
    path = root / CONFIG_NAME
    return Workspace(root=root, config=load_config(path if path.exists() else DEFAULT_CONFIG))


def load_config(path: Path) -> Config:
    try:
        data = tomllib.loads(config_text(path.read_bytes(), path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path.name} sai cú pháp TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc}") from exc
    config = parse_config(data)
    soffice.use_configured(tool_path(data, "soffice", path.parent))
    return config


def config_text(data: bytes, path: Path) -> str:
    """The file as UTF-8, with or without the byte-order mark Notepad writes; another encoding (ANSI)
    is refused, naming the first line that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"Tệp cấu hình {path} không phải UTF-8 (dòng {line} có ký tự không đọc được). Mở tệp bằng "
            "Notepad, chọn Lưu thành (Save As), ở ô Mã hóa (Encoding) chọn UTF-8, lưu lại rồi chạy lại."
        ) from exc


def tool_path(data: dict, name: str, root: Path) -> str | None:
    """`[tools] name = "…"`: a program's path, relative to the workspace when not absolute."""
    value = _table(data, "tools", required=False).get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"Khóa tools.{name} phải là đường dẫn tới tệp chạy (chuỗi), ví dụ 'C:\\...'.")
    return str(root / Path(value.strip())) if not Path(value.strip()).is_absolute() else value.strip()


def parse_config(data: dict[str, Any]) -> Config:
    """Check every key the pipeline uses; an error names the key (e.g. `issuer.profile`)."""
    campaign = _table(data, "campaign")
    issuer_table = _table(data, "issuer")
    # NĐ 30: a UBND may have no chủ quản line above its name; HD 36 always prints the superior body.
    optional = ("parent",) if issuer_table.get("profile") == "state" else ()
    issuer = _strings(issuer_table, "issuer", ISSUER_KEYS, optional)
    if issuer["profile"] not in PROFILES:
        raise ConfigError(
            f"Khóa issuer.profile phải là một trong {', '.join(PROFILES)}, không phải '{issuer['profile']}'."
        )
    _iso_date(issuer["term_start"], "issuer.term_start")
    decision = _table(data, "decision")
    if decision.get("commune_decisions", "issuer") not in COMMUNE_MODES:
        raise ConfigError(f"Khóa decision.commune_decisions phải là một trong {', '.join(COMMUNE_MODES)}.")
    for key in ("grounds", "recipients"):
        _string_list(decision, key, f"decision.{key}")
    if "draft_month" in decision:
        _int(decision, "draft_month", "decision.draft_month", 0, 12)
    fmt = {**FORMAT_DEFAULTS, **_table(data, "format", required=False)}
    if fmt["counts"] not in COUNT_STYLES:
        raise ConfigError(f"Khóa format.counts phải là một trong {', '.join(COUNT_STYLES)}.")
    levels = _terms(data, "levels", need_key=True)
    units = {
        key: tuple(_string_list(_table(data, "units"), key, f"units.{key}"))
        for key in _unit_keys(data, levels)
    }
    return Config(
        year=_int(campaign, "year", "campaign.year", 2000, 2100),
        registered=_int(campaign, "registered", "campaign.registered", 0, 10**6, default=0),
        min_period_months=_int(
            campaign, "min_period_months", "campaign.min_period_months", 0, 120, default=0
        ),
        issuer=issuer,
        signer=_strings(_table(data, "signer"), "signer", ("on_behalf", "title", "name")),
        decision={"commune_decisions": "issuer", "executors": "", **decision},
        format=fmt,
        levels=levels,
        types=_terms(data, "types", need_key=True),
        fields=_terms(data, "fields"),
        ratings=_terms(data, "ratings"),
        units=units,
        raw=data,
        label_spellings=_label_spellings(data),
    )


ISSUER_KEYS = (
    "name",
    "parent",
    "authority",
    "place",
    "symbol",
    "office",
    "profile",
    "authority_line",
    "term_start",
)
FORMAT_DEFAULTS = {
    "margin_top": 20,
    "margin_bottom": 20,
    "margin_left": 30,
    "margin_right": 15,
    "font": "Times New Roman",
    "body_size": 14,
    "counts": "padded",  # vntext.COUNT_STYLES: "06 mô hình" (the seed article) or "6 mô hình"
}


def _label_spellings(data: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`[labels]`: a field key -> the extra ways a form may label it (`model_name = ["Tên sáng kiến"]`)."""
    table = _table(data, "labels", required=False)
    for key in table:
        if key not in FIELDS:
            raise ConfigError(f"Khóa labels.{key} không phải tên mục; dùng một trong: {', '.join(FIELDS)}.")
    return tuple(sorted((key, tuple(_string_list(table, key, f"labels.{key}"))) for key in table))


def _table(data: dict, key: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"Thiếu bảng [{key}] trong dvk.toml.")
    return value


def _strings(
    table: dict, prefix: str, keys: tuple[str, ...], may_be_empty: tuple[str, ...] = ()
) -> dict[str, str]:
    for key in keys:
        value = table.get(key, "" if key in may_be_empty else None)
        if not isinstance(value, str) or not (value.strip() or key in may_be_empty):
            raise ConfigError(f"Khóa {prefix}.{key} phải là một chuỗi không rỗng.")
    return {**{key: "" for key in may_be_empty}, **table}


def _int(table: dict, key: str, name: str, low: int, high: int, default: int | None = None) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"Khóa {name} phải là số nguyên từ {low} đến {high}.")
    return value


def _iso_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"Khóa {name} phải là ngày dạng YYYY-MM-DD, không phải '{value}'.") from exc


def _string_list(table: dict, key: str, name: str) -> list[str]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"Khóa {name} phải là một danh sách chuỗi.")
    return value


def _terms(data: dict, key: str, need_key: bool = False) -> tuple[Term, ...]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"Thiếu danh mục [[{key}]] trong dvk.toml.")
    terms = []
    for index, entry in enumerate(entries, start=1):
        name = f"{key}[{index}]"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("label"), str)
            or not entry["label"].strip()
        ):
            raise ConfigError(f"Khóa {name}.label phải là một chuỗi không rỗng.")
        if need_key and not isinstance(entry.get("key"), str):
            raise ConfigError(f"Khóa {name}.key phải là một chuỗi.")
        synonyms = _string_list({"s": entry.get("synonyms", [])}, "s", f"{name}.synonyms")
        terms.append(Term(entry["label"], str(entry.get("key", entry["label"])), tuple(synonyms)))
    return tuple(terms)


def _unit_keys(data: dict, levels: tuple[Term, ...]) -> list[str]:
    keys = list(_table(data, "units"))
    unknown = [key for key in keys if key not in {level.key for level in levels}]
    if unknown:
        raise ConfigError(f"Khóa units.{unknown[0]} không ứng với cấp nào trong [[levels]].")
    return keys


def init_workspace(root: Path) -> Path:
    """Create a workspace: dvk.toml (a copy of the default), inputs/, outputs/, templates_docx/.

    Never overwrites: existing files are left as they are (a secretariat may have edited them).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("inputs", "outputs", "trust-roots"):
        (root / folder).mkdir(exist_ok=True)
    if not (root / CONFIG_NAME).exists():
        shutil.copyfile(DEFAULT_CONFIG, root / CONFIG_NAME)
    templates = root / "templates_docx"
    templates.mkdir(exist_ok=True)
    for template in sorted(REPO_TEMPLATES.glob("*.docx")):
        if not (templates / template.name).exists():
            shutil.copyfile(template, templates / template.name)
    return root

"""Stage 4: named validation rules over the extracted records.

Every rule reports every finding (never just the first) as a Problem with a stable code, a
severity, a Vietnamese message and the place in the file. Per-record rules run first, then the
rules that compare records (not registered, proposed twice).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable

from pipeline.config import Config, Term
from pipeline.model import ERROR, INFO, LABELS_VI, WARNING, Kind, Problem, Record
from pipeline.vntext import fold, months_between, name_key, number_to_words, parse_month_span

REQUIRED = {
    Kind.REGISTRATION: ("model_name", "level", "model_type", "field", "year"),
    Kind.PROPOSAL: ("model_name", "level", "model_type", "field", "year", "results", "proposed_rating"),
}
VOCABULARY_RULES = (
    ("level", "UNKNOWN_LEVEL", "levels"),
    ("model_type", "UNKNOWN_TYPE", "types"),
    ("field", "UNKNOWN_FIELD", "fields"),
    ("proposed_rating", "UNKNOWN_RATING", "ratings"),
)


def proposal_id(record: Record) -> str:
    """A stable id from what identifies a model (name, unit or person, year), not from the file.

    It survives renaming or moving the file and corrections to other fields. Ten hex digits (40 bits):
    with six, a province-scale campaign of ~10,000 proposals would expect a collision.
    """
    who = record.get("person_name") or record.get("unit")
    basis = "|".join(name_key(part) for part in (record.get("model_name"), who, record.get("year")))
    return f"MH-{record.get('year') or '0000'}-{hashlib.sha256(basis.encode()).hexdigest()[:10].upper()}"


def record_id(record: Record) -> str:
    """A record's id: a proposal's stable id; for a registration the same hash under "DK-" (ids of
    registrations are shown only for the rows of a list, where each record needs one)."""
    identifier = proposal_id(record)
    return identifier if record.kind is Kind.PROPOSAL else "DK-" + identifier.removeprefix("MH-")


def record_ref(record: Record) -> str:
    """Where a record is, as one key: its file, and for a row of a list "file#row key"."""
    return f"{record.path}#{record.key}" if record.key else record.path


def record_place(record: Record) -> str:
    """Its file, and for a row of a list the row: "Chi bộ/danh sách.docx (bảng 2, hàng 4)"."""
    return f"{record.path} ({record.where})" if record.where else record.path


def is_individual(record: Record, config: Config) -> bool:
    label = term_label(config.types, "individual")  # "" when the configuration has no individual type
    return bool(label) and record.get("model_type") == label


def term_label(terms: tuple[Term, ...], key: str) -> str:
    return next((term.label for term in terms if term.key == key), "")


# ---------------------------------------------------------------------------- per-record rules


def required_fields(record: Record, config: Config) -> tuple[str, ...]:
    """The fields a record of its kind must have: the person's name for an individual model, else the unit."""
    return (*REQUIRED[record.kind], "person_name" if is_individual(record, config) else "unit")


def check_required(record: Record, config: Config) -> list[Problem]:
    return [
        Problem("MISSING_FIELD", ERROR, f'Thiếu mục bắt buộc "{LABELS_VI[key]}".')
        for key in required_fields(record, config)
        if not record.get(key).strip()
    ]


def check_vocabulary(record: Record, config: Config) -> list[Problem]:
    problems = []
    for key, code, attribute in VOCABULARY_RULES:
        value = record.get(key)
        allowed = [term.label for term in getattr(config, attribute)]
        if value and value not in allowed:
            problems.append(
                Problem(
                    code,
                    ERROR,
                    f'{LABELS_VI[key]} "{value}" không thuộc danh mục: {", ".join(allowed)}.',
                    record.fields[key].where,
                )
            )
    return problems


@functools.lru_cache(maxsize=8)
def unit_keys(units: tuple[str, ...]) -> dict[str, str]:
    """Comparison key -> configured unit name (computed once per unit list, not once per record)."""
    return {name_key(name): name for name in units}


def check_unit(record: Record, config: Config) -> list[Problem]:
    """A unit not in [units] is normal in a real campaign: information. Only a name that looks like a typing
    error of one known unit (same kind of body, a letter or two apart) is a warning, naming that unit."""
    unit = record.get("unit")
    if not unit:
        return []
    known = unit_keys(config.all_units())
    if name_key(unit) in known:
        return []
    where = record.fields["unit"].where
    meant = mistyped_unit(unit, config.all_units())
    if meant:
        return [
            Problem(
                "UNIT_MISTYPED",
                WARNING,
                f'Đơn vị "{unit}" không có trong danh sách đơn vị; có phải là "{meant}"? Nếu đúng là đơn vị '
                "khác, bổ sung vào danh sách đơn vị.",
                where,
            )
        ]
    return [Problem("UNKNOWN_UNIT", INFO, f'Đơn vị "{unit}" chưa có trong danh sách đơn vị.', where)]


TYPO_SIMILARITY = 0.88  # "Phường Hiệp Loi" ~ "Phường Hiệp Lợi"; "Phường Hiệp Thành" is another ward


def mistyped_unit(unit: str, units: tuple[str, ...]) -> str:
    """The one known unit `unit` looks like a typing error of: the same first word (the kind of body: a
    "Trạm Y tế xã …" is never the "Xã …"), and nearly the same letters."""
    first = fold(unit).split()[:1]
    key = name_key(unit)
    close = [
        known
        for known in units
        if fold(known).split()[:1] == first
        and difflib.SequenceMatcher(None, key, name_key(known)).ratio() >= TYPO_SIMILARITY
    ]
    return close[0] if len(close) == 1 else ""


def check_individual(record: Record, config: Config) -> list[Problem]:
    if not is_individual(record, config):
        return []
    missing = [LABELS_VI[key] for key in ("person_name", "person_position") if not record.get(key)]
    if not missing:
        return []
    return [
        Problem(
            "INDIVIDUAL_WITHOUT_PERSON",
            ERROR,
            f"Mô hình cá nhân phải ghi rõ {' và '.join(m.lower() for m in missing)} của người thực hiện.",
        )
    ]


def check_year(record: Record, config: Config) -> list[Problem]:
    year = record.get("year")
    if not year or year == str(config.year):
        return []
    return [
        Problem(
            "WRONG_YEAR",
            ERROR,
            f'Năm "{year}" không đúng năm của đợt công nhận ({config.year}).',
            record.fields["year"].where,
        )
    ]


def check_period(record: Record, config: Config) -> list[Problem]:
    minimum = config.min_period_months
    if not minimum:
        return []
    period = record.fields.get("period")
    span = parse_month_span(period.value) if period else None
    if span is None:
        return [
            Problem(
                "PERIOD_UNREADABLE",
                WARNING,
                'Không xác định được thời gian thực hiện (ghi dạng "từ tháng 01/2020 đến tháng 12/2020") '
                f"để kiểm tra thời gian tối thiểu {minimum} tháng.",
                period.where if period else "",
            )
        ]
    months = months_between(*span)
    if months >= minimum:
        return []
    return [
        Problem(
            "PERIOD_TOO_SHORT",
            ERROR,
            f"Thời gian thực hiện {months} tháng, ngắn hơn mức tối thiểu {minimum} tháng.",
            period.where if period else "",
        )
    ]


RECORD_RULES: tuple[Callable[[Record, Config], list[Problem]], ...] = (
    check_required,
    check_vocabulary,
    check_unit,
    check_individual,
    check_year,
    check_period,
)


def validate_record(record: Record, config: Config) -> list[Problem]:
    return [problem for rule in RECORD_RULES for problem in rule(record, config)]


# ---------------------------------------------------------------------------- rules across records


def check_registered(records: list[Record]) -> dict[str, list[Problem]]:
    """A proposal whose model was never registered (only when registrations are present)."""
    registered = {name_key(r.get("model_name")) for r in records if r.kind is Kind.REGISTRATION}
    if not registered:
        return {}
    return {
        record_ref(record): [
            Problem(
                "NOT_REGISTERED",
                WARNING,
                f'Mô hình "{record.get("model_name")}" không có phiếu đăng ký trong inputs/.',
            )
        ]
        for record in records
        if record.kind is Kind.PROPOSAL
        and record.get("model_name")
        and name_key(record.get("model_name")) not in registered
    }


def check_duplicates(records: list[Record]) -> dict[str, list[Problem]]:
    """The same model proposed in two files: an error on each, naming the other file(s)."""
    by_model: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.kind is Kind.PROPOSAL and record.get("model_name"):
            who = record.get("person_name") or record.get("unit")
            by_model[name_key(record.get("model_name")) + "|" + name_key(who)].append(record)
    found: dict[str, list[Problem]] = defaultdict(list)
    for group in by_model.values():
        for record in group if len(group) > 1 else ():
            others = ", ".join(record_place(other) for other in group if other is not record)
            found[record_ref(record)].append(
                Problem(
                    "DUPLICATE_PROPOSAL",
                    ERROR,
                    f"Mô hình này được đề nghị {number_to_words(len(group))} lần: trùng với tệp {others}.",
                )
            )
    return found


def validate_all(
    records: list[Record], config: Config, per_record: dict[str, tuple[Problem, ...]] | None = None
) -> dict[str, list[Problem]]:
    """Problems per record (`record_ref`: its file, or "file#row" for a row of a list), from every rule.
    `per_record` holds the per-record rules' findings already computed (the check computes them with the
    reading, in the pool, and caches them)."""
    known = per_record or {}
    problems: dict[str, list[Problem]] = {}
    for record in records:
        ref = record_ref(record)
        problems[ref] = list(known[ref]) if ref in known else validate_record(record, config)
    for cross_rule in (check_registered, check_duplicates):
        for path, found in cross_rule(records).items():
            problems[path].extend(found)
    known_from_registrations(records, problems)
    return problems


def known_from_registrations(records: list[Record], problems: dict[str, list[Problem]]) -> None:
    """A unit that registered a model without an error is known for its proposals, listed or not."""
    registered = {
        name_key(record.get("unit"))
        for record in records
        if record.kind is Kind.REGISTRATION
        and not any(p.severity == ERROR for p in problems[record_ref(record)])
    }
    for record in records:
        ref = record_ref(record)
        if record.kind is Kind.PROPOSAL and name_key(record.get("unit")) in registered:
            problems[ref] = [p for p in problems[ref] if p.code != "UNKNOWN_UNIT"]

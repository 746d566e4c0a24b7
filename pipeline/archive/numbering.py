"""The number and date a signed document is filed under: given, printed on it, or the next free."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from pipeline.archive.entries import ArchiveOptions
from pipeline.archive.pdf import PdfFacts
from pipeline.archive.register import (
    Draft,
    Issued,
    document_symbol,
    find_issued,
    format_day,
    format_number,
    numbering_scope,
)
from pipeline.config import Config, Workspace
from pipeline.model import DvkError, Need, NeedsInput
from pipeline.vntext import nfc


@dataclass(frozen=True)
class Plan:
    draft: Draft
    existing: Issued | None  # the draft already has a number (a replacement or a refusal)
    number: int | None  # None: give it the next free number
    symbol: str
    scope: str
    issued: date
    notes: tuple[str, ...] = field(default=())


def plan_issue(
    workspace: Workspace, conn: sqlite3.Connection, facts: PdfFacts, draft: Draft, options: ArchiveOptions
) -> Plan:
    """Number and date from the options and the page; they must agree with each other and the register."""
    config = workspace.config
    body = issuing_body(config, draft)
    symbol = document_symbol(config, draft.kind, body.symbol)
    number = _agreed(
        options.number, number_on_page(facts.text, config, symbol), "Số", Need.NUMBER, facts.name
    )
    issued = _agreed(options.issued, date_on_page(facts.text, body.place), "Ngày", Need.DATE, facts.name)
    existing = find_issued(conn, code=draft.code)
    if existing is not None:
        printed = format_number(config, existing.number, existing.symbol)
        if number not in (None, existing.number) or issued not in (None, existing.date):
            raise DvkError(
                f"Dự thảo {draft.code} đã được cấp số {printed} ngày {format_day(existing.date)}; "
                f"tệp {facts.name} hoặc tùy chọn ghi số/ngày khác."
            )
        return Plan(draft, existing, existing.number, symbol, existing.scope, existing.date)
    if issued is not None:
        return Plan(draft, None, number, symbol, numbering_scope(config, issued, body.name), issued)
    signed = sorted(check.signed_at for check in facts.signatures if check.signed_at)
    if not signed:
        raise NeedsInput(
            f"Không xác định được ngày của văn bản trong tệp {facts.name}. "
            "Hãy ghi rõ ngày văn bản (ví dụ 23/12/2020).",
            (Need.DATE,),
        )
    issued = signed_day(signed[0])
    note = f"Ngày văn bản lấy theo thời điểm ký số: {format_day(issued)}."
    return Plan(draft, None, number, symbol, numbering_scope(config, issued, body.name), issued, (note,))


@dataclass(frozen=True)
class Body:
    """The body issuing a draft: the configured issuer, or (commune mode) a commune's Đảng ủy/UBND."""

    symbol: str  # "TU", "ĐU", "UBND"
    name: str | None  # None for the configured issuer; else its heading, which scopes its numbers
    place: str  # as on the date line


def issuing_body(config: Config, draft: Draft) -> Body:
    numbering = draft.context.get("numbering") or {}
    heading = " ".join(str(draft.context.get("issuer_upper", "")).split())
    other = heading and heading != " ".join(config.issuer["name"].upper().split())
    return Body(
        numbering.get("symbol") or config.issuer["symbol"],
        heading if other else None,
        numbering.get("place") or config.issuer["place"],
    )


VIETNAM = timezone(timedelta(hours=7))  # the leader signs in Vietnam: the day is Vietnam's day


def signed_day(moment: datetime) -> date:
    """The day the leader signed, from the signer's claimed time: a time with a zone ("…Z", "+00'00'") is
    read in Vietnam's time, so a signature made at 01:00 on 23/12 in Hà Nội is dated 23/12, not 22/12."""
    return moment.astimezone(VIETNAM).date() if moment.tzinfo is not None else moment.date()


def _agreed(option, on_page, what: str, need: Need, name: str):
    if option is not None and on_page is not None and option != on_page:
        shown = [format_day(v) if isinstance(v, date) else v for v in (on_page, option)]
        raise NeedsInput(
            f"{what} trên văn bản {name} ({shown[0]}) khác {what.lower()} đã ghi ({shown[1]}).", (need,)
        )
    return option if option is not None else on_page


def number_on_page(text: str, config: Config, symbol: str) -> int | None:
    """The number printed on the page, if the clerk filled it in ("Số 123-QĐ/TU", "Số: 05/QĐ-UBND")."""
    parts = [re.escape(part) for part in re.split(r"[-/]", symbol)]
    if config.profile == "party":
        pattern = rf"Số\s*(\d{{1,5}})\s*-\s*{parts[0]}\s*/\s*{parts[1]}"
    else:
        pattern = rf"Số\s*:?\s*(\d{{1,5}})\s*/\s*{parts[0]}\s*-\s*{parts[1]}"
    match = re.search(pattern, text, re.IGNORECASE)
    return int(match.group(1)) if match else None


def date_on_page(text: str, place: str) -> date | None:
    """The filled-in date line ("Ngã Bảy, ngày 23 tháng 12 năm 2020"); a draft's blank day gives None."""
    place = r"\s+".join(re.escape(word) for word in nfc(place).split())
    pattern = rf"{place}\s*,\s*ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}})"
    match = re.search(pattern, text, re.IGNORECASE)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None

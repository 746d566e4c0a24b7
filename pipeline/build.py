"""Build the official outputs: Quyết định + Danh sách per issuing body and level, certificates, report.

The build composes every sentence in Python from the configuration and the recognised models, renders
the templates (pipeline.render), then re-reads each file and checks that what was written agrees with
the data: every model once in its list, and the counts in Điều 1 equal the real counts. A decision
whose counts do not add up is never left on disk (docs/domain.md §4; issue 3, "Done when").
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline import render
from pipeline.config import REPO_TEMPLATES, Config, Term, Workspace
from pipeline.model import ConfigError, DvkError, Model
from pipeline.vntext import (
    BLANK,
    count_figure,
    count_in_words,
    fold,
    format_date,
    format_date_short,
    nfc,
    number_to_words,
    padded,
    sort_key,
    strip_marks,
    typographic_quotes,
)

QUOTED_DVK = "“Dân vận khéo”"
NO_BREAK = "\u00a0"
NUMBER_BLANK = "      "  # "Số      -QĐ/TU": room for the clerk's number (docs/domain.md §4, drafts)
KIND_CODES = {"decision": "QĐ", "list": "DS", "certificates": "GCN", "report": "BC"}
CODE_KINDS = {"decision": "QD", "list": "DS", "certificates": "GCN", "report": "BC"}
CODE_PATTERN = re.compile(r"DVK-\d{4}-(QD|DS|GCN|BC)-[0-9A-F]{8}")
FOLDERS = {
    "decision": "quyet-dinh",
    "list": "danh-sach",
    "certificates": "giay-chung-nhan",
    "report": "bao-cao",
}
TEMPLATES = {
    ("decision", "party"): "quyet-dinh.docx",
    ("decision", "state"): "quyet-dinh-ubnd.docx",
    ("list", "party"): "danh-sach.docx",
    ("list", "state"): "danh-sach-ubnd.docx",
    ("certificates", "party"): "giay-chung-nhan.docx",
    ("certificates", "state"): "giay-chung-nhan.docx",
    ("report", "party"): "bao-cao-ket-qua.docx",
    ("report", "state"): "bao-cao-ket-qua-ubnd.docx",
}

_HEADER = {"parent_upper", "issuer_upper", "doc_code"}
_SIGNED = {
    "number_line",
    "date_line",
    "subject",
    "recipients",
    "signer_on_behalf",
    "signer_title",
    "signer_name",
}
DECISION_VARIABLES = _HEADER | _SIGNED | {"grounds", "authority_line", "article1", "article2", "article3"}
LIST_VARIABLES = _HEADER | {"subject", "decision_ref", "sections"}
REPORT_VARIABLES = (
    _HEADER | _SIGNED | {"summary", "level_lines", "outstanding_intro", "outstanding", "closing"}
)
# The news item (pipeline.news): built beside the documents, not registered (it is not an official document).
NEWS_VARIABLES = {"heading", "title", "paragraphs", "year", "issuer_name", "area", "registered", "chart"}
# What the build context offers each shipped template (`dvk templates check` compares with the template).
TEMPLATE_VARIABLES: dict[str, set[str]] = {
    "quyet-dinh.docx": DECISION_VARIABLES,
    "quyet-dinh-ubnd.docx": DECISION_VARIABLES,
    "danh-sach.docx": LIST_VARIABLES,
    "danh-sach-ubnd.docx": LIST_VARIABLES,
    "giay-chung-nhan.docx": {"certificates", "doc_code"},
    "bao-cao-ket-qua.docx": REPORT_VARIABLES,
    "bao-cao-ket-qua-ubnd.docx": REPORT_VARIABLES,
    "tin-bai.docx": NEWS_VARIABLES,
    "bao-cao-duy-tri.docx": {"issuer_upper", "title", "summary", "units"},
}
INTERNAL_KEYS = {"page", "numbering"}  # in the context for re-rendering, not meant for templates


@dataclass(frozen=True)
class BuiltDocument:
    kind: str  # "decision" | "list" | "certificates" | "report"
    path: Path
    level: str | None
    count: int
    code: str
    template: str
    context: dict  # JSON-serialisable: the register stores it to re-render a numbered copy
    subject: str

    def as_dict(self) -> dict:
        """The `dvk build --json` entry (issue 3, automation contract)."""
        return {"kind": self.kind, "path": str(self.path), "level": self.level, "count": self.count}


@dataclass(frozen=True)
class Issuer:
    """The body that issues and signs a decision (the Thành ủy, or a commune's Đảng ủy)."""

    name: str
    parent: str
    authority: str  # "Ban Thường vụ Thành ủy": who decides, cited in "(Kèm theo Quyết định … của …)"
    authority_line: str
    grantor: str  # the certificate's heading, "Ban Thường vụ Thành ủy Ngã Bảy"
    symbol: str
    place: str
    office: str
    on_behalf: str
    title: str
    signer: str
    grounds: tuple[str, ...]
    recipients: tuple[str, ...]
    executors: str
    profile: str
    main: bool  # the configured issuer: the build's --number/--date apply to its decisions


# ---------------------------------------------------------------------------- public API


def build_documents(
    workspace: Workspace,
    models: list[Model],
    registered: int,
    number: int | None = None,
    issued: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[BuiltDocument]:
    """Render and check every output for the recognised `models`; drafts unless number/issued are given.
    `progress(stage, done, total)` is told when rendering starts (done 0) and after each document.

    Decisions of the configured issuer are numbered number, number+1, … in level order; decisions a
    commune's Đảng ủy issues (decision.commune_decisions = "commune") stay drafts for its own clerk.
    """
    config = workspace.config
    check_counts(config, models, registered)
    if number is not None and number < 1:
        raise DvkError(f"Số quyết định phải từ 1 trở lên, không phải {number}.")
    documents: list[BuiltDocument] = []
    refs: dict[str, tuple[Issuer, dict]] = {}
    next_number = number
    groups = decision_groups(config, models)
    total = 2 * len(groups) + 2

    def done(document: BuiltDocument | list[BuiltDocument]) -> None:
        documents.extend(document if isinstance(document, list) else [document])
        if progress:
            progress("lập văn bản", len(documents), total)

    if progress:
        progress("lập văn bản", 0, total)

    for issuer, level, group in groups:
        # Only the configured issuer's clerk numbers these; a commune's Đảng ủy numbers its own.
        numbering = make_numbering(
            config, issuer, "QĐ", next_number if issuer.main else None, issued if issuer.main else None
        )
        if issuer.main and next_number is not None:
            next_number += 1
        done(build_decision_pair(workspace, issuer, level, group, numbering))
        refs.update({model.id: (issuer, numbering) for model in group})
    done(build_certificates(workspace, models, refs))
    done(build_report(workspace, models, registered, issued))
    return documents


def numbered_certificates(
    context: dict, level: str | None, numbering: dict, number: int, issued: date
) -> dict:
    """The certificates of one decision (its level, its issuer), citing its number and date; an empty
    list when the draft's certificates do not say which decision they cite (built by an older dvk)."""
    issuer = {key: value for key, value in numbering.items() if key not in ("number", "issued")}
    chosen = []
    for item in context.get("certificates", []):
        cited = item.get("numbering") or {}
        if item.get("level") != level or {k: v for k, v in cited.items() if k in issuer} != issuer:
            continue
        strings = numbering_strings({**cited, "number": number, "issued": issued.isoformat()})
        chosen.append({**item, "decision_ref": strings["certificate_ref"], "date_line": strings["date_line"]})
    return {**context, "certificates": chosen}


def with_number(context: dict, number: int, issued: date) -> dict:
    """The same context with the number- and date-dependent strings recomputed (a numbered copy)."""
    if "numbering" not in context:
        raise ValueError("with_number: this context has no numbering (certificates are numbered by build)")
    result = copy.deepcopy(context)
    result["numbering"] = {**context["numbering"], "number": number, "issued": issued.isoformat()}
    strings = numbering_strings(result["numbering"])
    result.update({key: value for key, value in strings.items() if key in context})
    return result


def campaign_stats(config: Config, models: list[Model], registered: int) -> dict:
    """The `dvk stats --json` contract: counts per configured level, type key and rating label."""
    levels = []
    for level in config.levels:
        group = [model for model in models if model.level == level.label]
        entry: dict = {"level": level.label, "recognized": len(group)}
        for kind in config.types:
            entry[kind.key] = sum(model.model_type == kind.label for model in group)
        entry["ratings"] = {
            rating.label: sum(m.rating == rating.label for m in group) for rating in config.ratings
        }
        levels.append(entry)
    return {"year": config.year, "registered": registered, "recognized": len(models), "levels": levels}


def convert_to_pdf(
    paths: list[Path], timeout: float = 120, progress: Callable[[str, int, int], None] | None = None
) -> list[Path]:
    """Convert rendered .docx files to PDF/A-2b beside them (LibreOffice; raises SofficeMissing or
    SofficeError); `progress(stage, done, total)` is told at the start and after each file."""
    from pipeline import soffice  # imported here: building .docx needs no LibreOffice

    pdfs: list[Path] = []
    for path in paths:
        if progress is not None:
            progress(PDF_STAGE, len(pdfs), len(paths))
        pdf = soffice.convert(Path(path), "pdf", Path(path).parent, timeout)
        data = pdf.read_bytes() if pdf.is_file() else b""
        if not data.startswith(b"%PDF-"):
            raise DvkError(f"LibreOffice không tạo được tệp PDF hợp lệ cho {Path(path).name}.")
        if not declares_pdfa_2b(data):
            raise DvkError(
                f"LibreOffice tạo {pdf.name} nhưng không phải dạng lưu trữ PDF/A-2b; cần LibreOffice 7.4 "
                "trở lên (cài bản mới rồi lập lại)."
            )
        pdfs.append(pdf)
    if progress is not None:
        progress(PDF_STAGE, len(pdfs), len(paths))
    return pdfs


PDF_STAGE = "chuyển sang PDF"
PDFA_PART = re.compile(rb"pdfaid:part(?:>\s*|\s*=\s*[\"'])2\b")
PDFA_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>\s*|\s*=\s*[\"'])B\b", re.IGNORECASE)


def declares_pdfa_2b(data: bytes) -> bool:
    """Whether a PDF's XMP metadata declares PDF/A-2b (pdfaid:part 2, conformance B), as element or
    attribute. LibreOffice writes the metadata stream uncompressed, as PDF/A asks."""
    return bool(PDFA_PART.search(data) and PDFA_CONFORMANCE.search(data))


def document_code(kind: str, year: int, level: str | None, ids: list[str]) -> str:
    """`DVK-<year>-<QD|DS|GCN|BC>-<8 hex>`: the same kind, level and models always give the same code,
    so a signed copy can be matched to its draft (the archive finds it with CODE_PATTERN)."""
    key = "\x1f".join([CODE_KINDS[kind], level or "", *sorted(ids)])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8].upper()
    return f"DVK-{year}-{CODE_KINDS[kind]}-{digest}"


def template_path(workspace: Workspace, name: str) -> Path:
    """The workspace's own copy of a template (a secretariat may have edited it), else the shipped one."""
    own = workspace.templates / name
    return own if own.is_file() else REPO_TEMPLATES / name


# ---------------------------------------------------------------------------- checks before rendering


def check_counts(config: Config, models: list[Model], registered: int) -> None:
    """Refuse a model set whose counts cannot add up: unknown level/type/rating, duplicates, no name."""
    if not models:
        raise DvkError("Không có mô hình nào được công nhận: không lập quyết định.")
    duplicates = [key for key, n in Counter(model.id for model in models).items() if n > 1]
    if duplicates:
        raise DvkError(
            f"Mô hình mã {duplicates[0]} xuất hiện {Counter(m.id for m in models)[duplicates[0]]} lần."
        )
    vocab = {
        "cấp": {t.label for t in config.levels},
        "loại mô hình": {t.label for t in config.types},
        "xếp loại": {t.label for t in config.ratings},
    }
    for model in models:
        if not model.name.strip():
            raise DvkError(f"Mô hình mã {model.id} không có tên: không lập được danh sách.")
        for what, value in (
            ("cấp", model.level),
            ("loại mô hình", model.model_type),
            ("xếp loại", model.rating),
        ):
            if value not in vocab[what]:
                raise DvkError(
                    f"Mô hình mã {model.id} có {what} “{value}” không có trong dvk.toml "
                    f"({', '.join(sorted(vocab[what]))}): số liệu sẽ không khớp, không lập quyết định."
                )
    if registered < len(models):
        raise DvkError(
            f"Số mô hình đăng ký ({registered}) ít hơn số mô hình được công nhận ({len(models)}): "
            "kiểm tra lại campaign.registered trong dvk.toml hoặc các phiếu đăng ký."
        )


# ---------------------------------------------------------------------------- issuing bodies


def main_issuer(config: Config) -> Issuer:
    issuer, signer, decision = config.issuer, config.signer, config.decision
    return Issuer(
        name=issuer["name"],
        parent=issuer["parent"],
        authority=issuer["authority"],
        authority_line=issuer["authority_line"],
        grantor=issuer.get("grantor") or f"{issuer['authority']} {issuer['place']}",
        symbol=issuer["symbol"],
        place=issuer["place"],
        office=issuer["office"],
        on_behalf=signer["on_behalf"],
        title=signer["title"],
        signer=signer["name"],
        grounds=tuple(decision["grounds"]),
        recipients=tuple(decision["recipients"]),
        executors=decision.get("executors") or "Các cơ quan, đơn vị và cá nhân có liên quan",
        profile=config.profile,
        main=True,
    )


# Which area a committee leads, from its name (HD 36 names: "Thành ủy X" leads "Đảng bộ thành phố X").
COMMITTEE_AREAS = {
    "thành ủy": "thành phố",
    "huyện ủy": "huyện",
    "thị ủy": "thị xã",
    "quận ủy": "quận",
    "tỉnh ủy": "tỉnh",
}
PEOPLES_COMMITTEE = "Ủy ban nhân dân"  # NĐ 30 issuer: the area follows ("… thành phố Ngã Bảy")


def area_of(issuer_name: str) -> str:
    """ "Thành ủy Ngã Bảy" -> "thành phố Ngã Bảy", "Ủy ban nhân dân thành phố Ngã Bảy" -> "thành phố Ngã
    Bảy"; unknown forms are returned as they are."""
    for prefix, area in COMMITTEE_AREAS.items():
        if fold(issuer_name).startswith(fold(prefix) + " "):
            return f"{area} {issuer_name[len(prefix) :].strip()}"
    if fold(issuer_name).startswith(fold(PEOPLES_COMMITTEE) + " "):
        return lower_first(issuer_name[len(PEOPLES_COMMITTEE) :].strip())
    return issuer_name


def commune_issuer(config: Config, commune: str) -> Issuer:
    """A commune's Đảng ủy (or UBND in the State profile); `[decision.commune]` in dvk.toml overrides."""
    main = main_issuer(config)
    place = lower_first(commune)  # "Phường Lái Hiếu" -> "phường Lái Hiếu"
    state = config.profile == "state"
    body = f"Ủy ban nhân dân {place}" if state else f"Đảng ủy {place}"
    authority = "Ủy ban nhân dân" if state else "Ban Thường vụ Đảng ủy"
    defaults = {
        "name": body,
        "parent": "" if state else f"Đảng bộ {area_of(main.name)}",
        "authority": f"{authority} {place}",
        "authority_line": f"{body.upper()}" if state else "BAN THƯỜNG VỤ ĐẢNG ỦY QUYẾT ĐỊNH",
        "symbol": "UBND" if state else "ĐU",
        "office": "VT" if state else "Văn phòng Đảng ủy",
        "on_behalf": "TM. ỦY BAN NHÂN DÂN" if state else "T/M BAN THƯỜNG VỤ",
        "title": "CHỦ TỊCH" if state else "BÍ THƯ",
        "signer": "",
        "grounds": [
            "Căn cứ Điều lệ Đảng;",
            f"Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ {place};",
            f"Căn cứ Kế hoạch của {main.authority} về thực hiện phong trào thi đua {QUOTED_DVK} "
            f"năm {config.year};",
            f"Xét đề nghị của Khối Dân vận {place},",
        ],
        "recipients": [f"{main.authority} (báo cáo)", "Các chi bộ trực thuộc", "Như Điều 3"],
        "executors": f"Khối Dân vận {place}, các chi bộ trực thuộc và các tập thể, cá nhân có tên tại Điều 1",
    }
    values = {**defaults, **config.decision.get("commune", {})}
    return replace(
        main,
        **{key: values[key] for key in ("name", "parent", "authority", "authority_line", "symbol", "office")},
        grantor=f"{values['authority']}",
        on_behalf=values["on_behalf"],
        title=values["title"],
        signer=commune_signer(values, commune),
        grounds=tuple(values["grounds"]),
        recipients=tuple(values["recipients"]),
        executors=values["executors"],
        main=False,
    )


def commune_signer(values: dict, commune: str) -> str:
    """Who signs a commune's decision: `signers."<commune>"` (each commune has its own secretary), else
    `signer`, in [decision.commune]; a decision with a blank signer is never drafted."""
    named = values.get("signers")
    signers = named if isinstance(named, dict) else {}
    name = str(signers.get(commune) or values.get("signer") or "").strip()
    if not name:
        raise ConfigError(
            f'Quyết định cấp xã, phường do từng xã, phường ban hành (decision.commune_decisions = "commune") '
            f"nhưng dvk.toml chưa ghi người ký của {commune}: thêm bảng [decision.commune] với khóa "
            f'signer = "Họ và tên" (một người ký chung) hoặc [decision.commune.signers] với dòng '
            f'"{commune}" = "Họ và tên".'
        )
    return name


def commune_of(unit: str, communes: tuple[str, ...]) -> str:
    """The configured commune a commune-level unit belongs to ("Hội Phụ nữ phường Lái Hiếu")."""
    key = f" {fold(unit)} "
    for commune in communes:
        if f" {fold(commune)} " in key:
            return commune
    match = re.search(r"\b(phường|xã|thị trấn)\s+(.+)$", unit, flags=re.IGNORECASE)
    return upper_first(f"{match.group(1).lower()} {match.group(2)}") if match else unit


def decision_groups(config: Config, models: list[Model]) -> list[tuple[Issuer, Term, list[Model]]]:
    """(issuer, level, models) per decision, in level order; commune decisions sorted by commune."""
    groups = []
    main = main_issuer(config)
    for level in config.levels:
        members = [model for model in models if model.level == level.label]
        if not members:
            continue
        if config.decision.get("commune_decisions") == "commune" and level.key == "commune":
            communes = config.units.get("commune", ())
            by_commune: dict[str, list[Model]] = {}
            for model in members:
                by_commune.setdefault(commune_of(model.unit, communes), []).append(model)
            for commune in sorted(by_commune, key=sort_key):
                groups.append((commune_issuer(config, commune), level, by_commune[commune]))
        else:
            groups.append((main, level, members))
    return groups


# ---------------------------------------------------------------------------- numbers and dates


def make_numbering(
    config: Config, issuer: Issuer, type_code: str, number: int | None, issued: date | None
) -> dict:
    """What the number/date strings are computed from; kept in the context so with_number can redo them."""
    return {
        "profile": issuer.profile,
        "type": type_code,
        "symbol": issuer.symbol,
        "place": issuer.place,
        "authority": issuer.authority,
        "number": number,
        "issued": issued.isoformat() if issued else None,
        "year": config.year,
        "draft_month": draft_month(config, issuer),
    }


def draft_month(config: Config, issuer: Issuer) -> str | None:
    """The month a draft's date line prints (ISO date of its first day), None to leave it blank.

    decision.draft_month wins (0: blank); otherwise a Party draft prints the current month (December
    outside the campaign year) and a State draft leaves day and month to the clerk (NĐ 30)."""
    configured = config.decision.get("draft_month")
    if configured == 0 or (configured is None and issuer.profile == "state"):
        return None
    today = date.today()
    draft = today if today.year == config.year else date(config.year, 12, 1)
    return date(config.year, configured or draft.month, 1).isoformat()


def numbering_strings(numbering: dict) -> dict[str, str]:
    """number_line, date_line and the decision citations, filled or left blank for the clerk."""
    number, symbol = numbering["number"], numbering["symbol"]
    issued = date.fromisoformat(numbering["issued"]) if numbering["issued"] else None
    month = date.fromisoformat(numbering["draft_month"]) if numbering.get("draft_month") else None
    year = numbering.get("year") or (month.year if month else "")
    # A draft's blank takes the place of the number and its space: "Số      -QĐ/TU" (docs/domain.md §4).
    shown = f" {padded(number)}" if number is not None else NUMBER_BLANK
    if issued:
        when = format_date(issued)
    else:
        when = format_date(month, blank_day=True) if month else f"ngày{BLANK}tháng{BLANK}năm {year}"
    if numbering["profile"] == "state":  # NĐ 30: "Số: 12/QĐ-UBND", citation "số 12/QĐ-UBND ngày …"
        number_line = f"Số:{shown}/{numbering['type']}-{symbol}"
        cited = f"số{shown}/QĐ-{symbol} {when}"
    else:  # HD 36: "Số 123-QĐ/TU" (no colon); citation "số 123-QĐ/TU, ngày 23/12/2020"
        number_line = f"Số{shown}-{numbering['type']}/{symbol}"
        day = format_date_short(month, blank_day=True) if month else f"{BLANK}/{BLANK}/{year}"
        cited = f"số{shown}-QĐ/{symbol}, ngày{f' {format_date_short(issued)}' if issued else day}"
    # The citing body's name is kept on one line: "Ủy ban nhân / dân thành phố" gives a draft away.
    authority = numbering["authority"].replace(" ", NO_BREAK)
    return {
        "number_line": number_line,
        "date_line": f"{numbering['place']}, {when}",
        "decision_ref": f"(Kèm theo Quyết định {cited} của {authority})",
        "certificate_ref": f"(Theo Quyết định {cited} của {authority})",
    }


# ---------------------------------------------------------------------------- decision and list


def build_decision_pair(
    workspace: Workspace, issuer: Issuer, level: Term, models: list[Model], numbering: dict
) -> list[BuiltDocument]:
    """Render the decision and its list, then check both against the models (removed if they disagree)."""
    config = workspace.config
    ordered = list_order(config, models)
    ids = [model.id for model in models]
    name = readable_name(level.label if issuer.main else issuer.name)
    strings = numbering_strings(numbering)
    decision_ctx = {
        **header_context(config, issuer, document_code("decision", config.year, level.label, ids), numbering),
        **signed_context(issuer, strings, decision_subject(config, level)),
        "grounds": punctuate(issuer.grounds, last="." if issuer.profile == "state" else ","),
        "authority_line": issuer.authority_line,
        **articles(config, issuer, level, ordered),
    }
    list_ctx = {
        **header_context(config, issuer, document_code("list", config.year, level.label, ids), numbering),
        "subject": list_subject(config, level),
        "decision_ref": strings["decision_ref"],
        "sections": list_sections(config, ordered),
    }
    decision = render_kind(workspace, "decision", decision_ctx, f"quyet-dinh-{name}.docx")
    listing = render_kind(workspace, "list", list_ctx, f"danh-sach-{name}.docx")
    try:
        verify_list(listing, config, ordered)
        verify_decision(decision, config, ordered)
    except DvkError:
        decision.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)
        raise
    subject = decision_ctx["subject"]
    return [
        built(
            "decision", decision, level.label, len(models), decision_ctx, f"Quyết định {lower_first(subject)}"
        ),
        built(
            "list",
            listing,
            level.label,
            len(models),
            list_ctx,
            f"Danh sách {lower_first(list_ctx['subject'])}",
        ),
    ]


def header_context(config: Config, issuer: Issuer, code: str, numbering: dict) -> dict:
    return {
        "parent_upper": issuer.parent.upper(),
        "issuer_upper": issuer_heading(issuer),
        "doc_code": code,
        "page": page_setup(config),
        "numbering": numbering,
    }


def issuer_heading(issuer: Issuer) -> str:
    """The issuing body in capitals; NĐ 30 prints "ỦY BAN NHÂN DÂN" on its own line above the area."""
    heading = issuer.name.upper()
    prefix = "ỦY BAN NHÂN DÂN "
    if issuer.profile == "state" and heading.startswith(prefix):
        return f"{prefix.strip()}\n{heading[len(prefix) :]}"
    return heading


def signed_context(issuer: Issuer, strings: dict, subject: str) -> dict:
    return {
        "number_line": strings["number_line"],
        "date_line": strings["date_line"],
        "subject": subject,
        "recipients": recipient_lines(issuer),
        "signer_on_behalf": issuer.on_behalf,
        "signer_title": issuer.title,
        "signer_name": issuer.signer,
    }


def page_setup(config: Config) -> dict:
    fmt = config.format
    return {
        "top": fmt["margin_top"],
        "bottom": fmt["margin_bottom"],
        "left": fmt["margin_left"],
        "right": fmt["margin_right"],
        "font": fmt["font"],
        "body_size": fmt["body_size"],
    }


def decision_subject(config: Config, level: Term) -> str:
    # HD 36: the subject of a Party decision starts lower-case ("về việc …"); NĐ 30 capitalises it.
    text = f"về việc công nhận mô hình {QUOTED_DVK} {lower_first(level.label)} năm {config.year}"
    return upper_first(text) if config.profile == "state" else text


def list_subject(config: Config, level: Term) -> str:
    text = f"mô hình {QUOTED_DVK} {lower_first(level.label)} năm {config.year} được công nhận"
    return upper_first(text) if config.profile == "state" else text


def articles(config: Config, issuer: Issuer, level: Term, models: list[Model]) -> dict:
    """Điều 1 states the total in figures and words with the breakdown (issue 3); Điều 2–3 from config."""
    return {
        "article1": article1(config, level, models),
        "article2": config.decision.get("article2", "Quyết định này có hiệu lực kể từ ngày ký."),
        # NĐ 30 Phụ lục III: the State body ends with "./." after the last article's full stop.
        "article3": f"{issuer.executors} chịu trách nhiệm thi hành Quyết định này."
        + ("/." if issuer.profile == "state" else ""),
    }


def article1(config: Config, level: Term, models: list[Model]) -> str:
    types = [
        f"{figure(config, n)} mô hình {kind.label.lower()}"
        for kind in config.types
        if (n := sum(m.model_type == kind.label for m in models))
    ]
    ratings = [
        f"xếp loại {rating.label} {figure(config, n)} mô hình"
        for rating in config.ratings
        if (n := sum(m.rating == rating.label for m in models))
    ]
    return (
        f"Công nhận {in_words(config, len(models))} mô hình {QUOTED_DVK} {lower_first(level.label)} năm "
        f"{config.year} (gồm {join_and(types)}; {', '.join(ratings)}), có danh sách kèm theo."
    )


def list_order(config: Config, models: list[Model]) -> list[Model]:
    """Type order, then rating order as configured, then the Vietnamese collation of the name (docs/domain.md
    §5)."""
    types = {term.label: i for i, term in enumerate(config.types)}
    ratings = {term.label: i for i, term in enumerate(config.ratings)}
    return sorted(
        models,
        key=lambda m: (types[m.model_type], ratings[m.rating], sort_key(m.name), sort_key(m.unit), m.id),
    )


def list_sections(config: Config, ordered: list[Model]) -> list[dict]:
    """I. MÔ HÌNH TẬP THỂ > 1. Xếp loại Tốt > rows; numbering (STT) runs through the whole list."""
    sections: list[dict] = []
    stt = 0
    for kind in config.types:
        of_kind = [m for m in ordered if m.model_type == kind.label]
        if not of_kind:
            continue
        groups: list[dict] = []
        for rating in config.ratings:
            rows = []
            for model in (m for m in of_kind if m.rating == rating.label):
                stt += 1
                rows.append(list_row(stt, model))
            if rows:
                heading = f"{len(groups) + 1}. Xếp loại {rating.label} ({figure(config, len(rows))} mô hình)"
                groups.append({"heading": heading, "rows": rows})
        counted = f"{figure(config, len(of_kind))} mô hình"
        heading = f"{roman(len(sections) + 1)}. MÔ HÌNH {kind.label.upper()} ({counted})"
        sections.append({"heading": heading, "groups": groups})
    return sections


def list_row(stt: int, model: Model) -> dict:
    return {
        "stt": stt,
        "name": model.name,
        "unit": model.unit,
        "field": model.field,
        "rating": model.rating,
        "note": model.note,
    }


# ---------------------------------------------------------------------------- certificates and report


def build_certificates(
    workspace: Workspace, models: list[Model], refs: dict[str, tuple[Issuer, dict]]
) -> BuiltDocument:
    """One page per model, in level then list order, each citing the decision of its level."""
    config = workspace.config
    levels = {term.label: i for i, term in enumerate(config.levels)}
    by_level = sorted(list_order(config, models), key=lambda m: levels[m.level])
    code = document_code("certificates", config.year, None, [m.id for m in models])
    context = {
        "certificates": [certificate(config, model, *refs[model.id]) for model in by_level],
        "doc_code": code,
        # Top/bottom and font from [format]; left/right stay the template's, symmetric inside the frame.
        "page": {key: value for key, value in page_setup(config).items() if key not in ("left", "right")},
    }
    template = template_path(workspace, TEMPLATES[("certificates", config.profile)])
    path = workspace.year_dir / FOLDERS["certificates"] / f"giay-chung-nhan-{config.year}.docx"
    render.render_pages(
        template,
        nfc_all(context),
        "certificates",
        path,
        check=lambda chunk_path, items: verify_certificates(chunk_path, by_level[items]),
    )
    subject = f"Giấy chứng nhận mô hình {QUOTED_DVK} năm {config.year}"
    return built("certificates", path, None, len(models), context, subject)


def certificate(config: Config, model: Model, issuer: Issuer, numbering: dict) -> dict:
    strings = numbering_strings(numbering)
    individual = any(t.key == "individual" and t.label == model.model_type for t in config.types)
    state = issuer.profile == "state"
    return {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" if state else "ĐẢNG CỘNG SẢN VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc" if state else "",
        "grantor": issuer.grantor.upper(),
        "title": f"Mô hình {QUOTED_DVK} {lower_first(model.level)} năm {config.year}",
        "name": model.name,
        "unit_label": "Cá nhân thực hiện" if individual else "Đơn vị thực hiện",
        "unit": model.unit,
        "rating": model.rating,
        "decision_ref": strings["certificate_ref"],
        "date_line": strings["date_line"],
        "signer_on_behalf": issuer.on_behalf,
        "signer_title": issuer.title,
        "title_bold": state,
        "signer_name": issuer.signer,
        # What the numbered copy needs to cite its decision once issued (the template ignores them).
        "level": model.level,
        "numbering": numbering,
    }


def build_report(
    workspace: Workspace, models: list[Model], registered: int, issued: date | None
) -> BuiltDocument:
    """Báo cáo kết quả: the figures worded as the seed article words them, and the outstanding models."""
    config = workspace.config
    issuer = main_issuer(config)
    numbering = make_numbering(config, issuer, "BC", None, issued)
    code = document_code("report", config.year, None, [m.id for m in models])
    subject = f"Kết quả công nhận mô hình {QUOTED_DVK} năm {config.year}"
    context = {
        **header_context(config, issuer, code, numbering),
        **signed_context(
            replace(issuer, recipients=report_recipients(config)), numbering_strings(numbering), subject
        ),
        **report_text(config, issuer, models, registered),
    }
    path = render_kind(workspace, "report", context, f"bao-cao-ket-qua-{config.year}.docx")
    verify_report(path, config, models)
    return built("report", path, None, len(models), context, f"Báo cáo {lower_first(subject)}")


def report_text(config: Config, issuer: Issuer, models: list[Model], registered: int) -> dict:
    total, registered_figure = in_words(config, len(models)), figure(config, registered)
    summary = (
        f"Năm {config.year}, trên địa bàn {area_of(issuer.name)} có {registered_figure} mô hình đăng ký "
        f"thi đua xây dựng mô hình {QUOTED_DVK}. Qua thẩm định, {issuer.name} đã công nhận {total} mô hình "
        f"{QUOTED_DVK} năm {config.year} đạt hiệu quả, có tính khả thi và có thể nhân rộng, cụ thể như sau:"
    )
    outstanding = outstanding_lines(config, models)
    return {
        "summary": [summary],
        "level_lines": [line for level in config.levels if (line := level_line(config, level, models))],
        "outstanding_intro": f"Các mô hình {QUOTED_DVK} tiêu biểu, nổi bật trong năm {config.year}:",
        "outstanding": outstanding,
        "closing": (
            f"Thời gian tới, {issuer.name} tiếp tục chỉ đạo các cơ quan, đơn vị có mô hình {QUOTED_DVK} "
            "được công nhận phát huy hiệu quả, nâng cao chất lượng và tổ chức duy trì, nhân rộng mô hình "
            "trong những năm tiếp theo."
        ),
    }


def level_line(config: Config, level: Term, models: list[Model]) -> str:
    """ "- Cấp thành phố: công nhận 46 mô hình (gồm 45 mô hình tập thể và 01 mô hình cá nhân), trong đó
    xếp loại tốt là 40 mô hình và xếp loại khá 06 mô hình." (the seed article's wording)"""
    group = [m for m in models if m.level == level.label]
    if not group:
        return ""
    types = [
        (kind.label.lower(), n)
        for kind in config.types
        if (n := sum(m.model_type == kind.label for m in group))
    ]
    total = figure(config, len(group))
    if len(types) == 1:
        counted = f"{total} mô hình {types[0][0]}"
    else:
        counted = f"{total} mô hình (gồm {join_and([f'{figure(config, n)} mô hình {t}' for t, n in types])})"
    ratings = [
        (rating.label.lower(), n)
        for rating in config.ratings
        if (n := sum(m.rating == rating.label for m in group))
    ]
    parts = [
        f"xếp loại {label} {'là ' if i == 0 else ''}{figure(config, n)} mô hình"
        for i, (label, n) in enumerate(ratings)
    ]
    return f"- {level.label}: công nhận {counted}, trong đó {join_and(parts)}."


def outstanding_lines(config: Config, models: list[Model]) -> list[str]:
    """The first N models of the top rating per level (decision.outstanding_per_level, default 3)."""
    per_level = int(config.decision.get("outstanding_per_level", 3))
    top = config.ratings[0].label
    chosen = []
    for level in config.levels:
        group = [m for m in list_order(config, models) if m.level == level.label and m.rating == top]
        chosen += [
            f"- Mô hình “{m.name}” của {in_sentence(m.unit)} ({lower_first(level.label)})"
            for m in group[:per_level]
        ]
    return punctuate(chosen, last=".")


def report_recipients(config: Config) -> tuple[str, ...]:
    configured = config.decision.get("report_recipients")
    if configured:
        return tuple(configured)
    return tuple(r for r in config.decision["recipients"] if not fold(r).startswith("nhu dieu"))


# ---------------------------------------------------------------------------- rendering and checking


def render_kind(workspace: Workspace, kind: str, context: dict, file_name: str) -> Path:
    template = template_path(workspace, TEMPLATES[(kind, workspace.config.profile)])
    out = workspace.year_dir / FOLDERS[kind] / file_name
    return render.render_document(template, nfc_all(context), out)


def built(kind: str, path: Path, level: str | None, count: int, context: dict, subject: str) -> BuiltDocument:
    template = TEMPLATES[(kind, context.get("numbering", {}).get("profile", "party"))]
    return BuiltDocument(
        kind, path, level, count, context["doc_code"], template, nfc_all(context), printed(subject)
    )


def verify_list(path: Path, config: Config, models: list[Model]) -> None:
    """Every model exactly once in the list table (as a multiset: two models may share a name)."""
    rows = list_rows(render.read_back(path), path)
    names = Counter(printed(row["name"]).strip() for row in rows)
    expected = Counter(printed(model.name).strip() for model in models)
    if names != expected:
        missing = sorted((expected - names).elements(), key=sort_key)
        extra = sorted((names - expected).elements(), key=sort_key)
        detail = f"thiếu “{missing[0]}”" if missing else f"thừa “{extra[0]}”"
        raise DvkError(
            f"Danh sách {path.name} có {len(rows)} dòng mô hình, cần {len(models)} ({detail}). Mẫu danh sách "
            "không in đủ mô hình: sửa mẫu (dvk templates check) rồi lập lại."
        )
    ratings = Counter(row["rating"] for row in rows if "rating" in row)
    if ratings and ratings != Counter(model.rating for model in models):
        raise DvkError(
            f"Cột Xếp loại trong {path.name} không khớp với kết quả thẩm định: sửa mẫu rồi lập lại."
        )


def list_rows(text: render.RenderedText, path: Path) -> list[dict]:
    """The model rows of the list: the table whose header has "Tên mô hình" (one-cell rows are headings)."""
    for table in text.tables:
        for index, header in enumerate(table):
            keys = [fold(cell) for cell in header]
            if "ten mo hinh" not in keys:
                continue
            columns = {"name": keys.index("ten mo hinh")}
            if "xep loai" in keys:
                columns["rating"] = keys.index("xep loai")
            body = [row for row in table[index + 1 :] if len(row) == len(header)]
            return [{key: row[col] for key, col in columns.items()} for row in body]
    raise DvkError(
        f"Không tìm thấy bảng danh sách (cột “Tên mô hình”) trong {path.name}: sửa mẫu rồi lập lại."
    )


def verify_decision(path: Path, config: Config, models: list[Model]) -> None:
    """The counts written in Điều 1 (figures, words, breakdown) must equal the real counts."""
    text = render.read_back(path)
    article = next((p for p in text.paragraphs if p.strip().startswith("Điều 1")), None)
    if article is None:
        raise DvkError(f"Không tìm thấy Điều 1 trong {path.name}: sửa mẫu quyết định rồi lập lại.")
    total = re.search(r"(\d+) \(([^)]*)\) mô hình", article)
    written: list[tuple[str, int | None, int]] = [
        ("tổng số", int(total.group(1)) if total else None, len(models)),
    ]
    if total and total.group(2) != number_to_words(len(models)):
        written.append(("số bằng chữ", None, len(models)))
    for kind in config.types:
        real = sum(m.model_type == kind.label for m in models)
        found = re.search(rf"(\d+) mô hình {re.escape(kind.label.lower())}", article)
        written.append((f"mô hình {kind.label.lower()}", int(found.group(1)) if found else 0, real))
    for rating in config.ratings:
        real = sum(m.rating == rating.label for m in models)
        found = re.search(rf"xếp loại {re.escape(rating.label)} (\d+) mô hình", article, flags=re.IGNORECASE)
        written.append((f"xếp loại {rating.label}", int(found.group(1)) if found else 0, real))
    for what, shown, real in written:
        if shown != real:
            raise DvkError(
                f"Điều 1 của {path.name} ghi sai {what} (ghi {'không rõ' if shown is None else shown}, "
                f"thực tế {real}): quyết định có số liệu không khớp nên không được lập."
            )


def verify_certificates(path: Path, models: list[Model]) -> None:
    """Each model has its certificate: a paragraph holding its name in quotes."""
    shown = Counter(unquoted(p) for p in render.read_back(path).paragraphs)
    for name, count in Counter(printed(m.name).strip() for m in models).items():
        if shown[name] < count:
            path.unlink(missing_ok=True)
            raise DvkError(
                f"Giấy chứng nhận cho mô hình “{name}” không có trong {path.name}: sửa mẫu rồi lập lại."
            )


def unquoted(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in '“"' and text[-1] in '”"':
        text = text[1:-1]
    return text.strip()


def verify_report(path: Path, config: Config, models: list[Model]) -> None:
    text = "\n".join(render.read_back(path).paragraphs)
    if in_words(config, len(models)) not in text:
        path.unlink(missing_ok=True)
        raise DvkError(
            f"Báo cáo {path.name} không ghi đúng tổng số {len(models)} mô hình: sửa mẫu rồi lập lại."
        )


# ---------------------------------------------------------------------------- small text helpers


def recipient_lines(issuer: Issuer) -> list[str]:
    """ "- …;" lines, the last "- Lưu Văn phòng Thành ủy." (HD 36) or "- Lưu: VT, …." (NĐ 30)."""
    if issuer.profile == "state":
        keep = "- Lưu: VT." if issuer.office in ("VT", "") else f"- Lưu: VT, {issuer.office}."
    else:
        keep = f"- Lưu {issuer.office}."
    return [f"- {strip_end(line)};" for line in issuer.recipients] + [keep]


def punctuate(lines: tuple[str, ...] | list[str], last: str) -> list[str]:
    """Each line ends with ";" and the last with `last` (HD 36: grounds end "," before the authority)."""
    items = [strip_end(line) for line in lines if line.strip()]
    return [item + (last if i == len(items) - 1 else ";") for i, item in enumerate(items)]


def strip_end(text: str) -> str:
    return text.strip().rstrip(";,.").rstrip()


def figure(config: Config, n: int) -> str:
    """A count in figures in the configured style (format.counts): one style in every output."""
    return count_figure(n, config.format["counts"])


def in_words(config: Config, n: int) -> str:
    """ "06 (sáu)" / "6 (sáu)": a count in figures (configured style) and in words."""
    return count_in_words(n, config.format["counts"])


def join_and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}"


def in_sentence(unit: str) -> str:
    """Inside a sentence a commune is written lower-case: "của phường Lái Hiếu" (the seed article)."""
    return lower_first(unit) if re.match(r"(Phường|Xã|Thị trấn) ", unit) else unit


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out, n = out + letters, n - value
    return out


def readable_name(text: str) -> str:
    """An ASCII file-name part: "Cấp xã, phường" -> "cap-xa-phuong"."""
    return re.sub(r"[^a-z0-9]+", "-", strip_marks(text).lower()).strip("-") or "van-ban"


def printed(text: str) -> str:
    """A string as the outputs print it: NFC (docs/domain.md §5: Windows input may be decomposed) with
    typographic quotes (configured texts and submitted names are typed with straight ones)."""
    return typographic_quotes(nfc(text))


def nfc_all(value):
    """`printed` every string of a context."""
    if isinstance(value, str):
        return printed(value)
    if isinstance(value, dict):
        return {key: nfc_all(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [nfc_all(item) for item in value]
    return value

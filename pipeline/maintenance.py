"""Báo cáo duy trì, nhân rộng: the earlier years' models this campaign shows kept up or taken up by other
units (pipeline.history.follow_up), listed by unit; rendered from `bao-cao-duy-tri.docx` beside the news item.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline import build, render
from pipeline.config import Workspace
from pipeline.history import FollowUp
from pipeline.vntext import format_date_short, sort_key

TEMPLATE = "bao-cao-duy-tri.docx"
FOLDER = "bao-cao"


def earlier_label(followed: FollowUp) -> str:
    """ "Mô hình “X” (công nhận năm 2020, Quyết định số 123-QĐ/TU, ngày 23/12/2020; cấp thành phố)"."""
    model = followed.earlier
    if not (model.issued and model.decision):
        return f"Mô hình “{model.name}” (dự thảo công nhận năm {model.year}, quyết định chưa ban hành; " + (
            f"{model.level.lower()})"
        )
    day = format_date_short(date.fromisoformat(model.decision_date)) if model.decision_date else ""
    decision = f", Quyết định số {model.decision}" + (f", ngày {day}" if day else "")
    return f"Mô hình “{model.name}” (công nhận năm {model.year}{decision}; {model.level.lower()})"


def follow_up_line(followed: FollowUp) -> str:
    parts = []
    if followed.maintained:
        parts.append("duy trì: " + "; ".join(f"“{c.name}” ({c.place})" for c in followed.maintained))
    if followed.replicated:
        parts.append(
            "nhân rộng tại: "
            + "; ".join(f"{c.person or c.unit} — “{c.name}” ({c.place})" for c in followed.replicated)
        )
    return f"- {earlier_label(followed)}: {'; '.join(parts)}."


def by_unit(follow_ups: list[FollowUp]) -> list[dict]:
    """[{"name": unit or person, "lines": [...]}] in Vietnamese order of the unit."""
    units: dict[str, list[str]] = {}
    for followed in follow_ups:
        units.setdefault(followed.earlier.person or followed.earlier.unit, []).append(
            follow_up_line(followed)
        )
    return [{"name": name, "lines": units[name]} for name in sorted(units, key=sort_key)]


def report_context(workspace: Workspace, follow_ups: list[FollowUp]) -> dict:
    config = workspace.config
    issuer = build.main_issuer(config)
    maintained = sum(bool(f.maintained) for f in follow_ups)
    replicated = sum(bool(f.replicated) for f in follow_ups)
    summary = (
        f"Năm {config.year}, trong các mô hình {build.QUOTED_DVK} đã được công nhận những năm trước, có "
        f"{build.figure(config, maintained)} mô hình được đơn vị tiếp tục duy trì (đề nghị hoặc báo cáo "
        f"lại) và {build.figure(config, replicated)} mô hình được đơn vị khác nhân rộng."
    )
    if not follow_ups:
        summary = (
            f"Năm {config.year}, chưa thấy hồ sơ nào duy trì hay nhân rộng mô hình đã được công nhận những "
            "năm trước."
        )
    return {
        "issuer_upper": issuer.name.upper(),
        "title": f"BÁO CÁO DUY TRÌ, NHÂN RỘNG MÔ HÌNH “DÂN VẬN KHÉO” NĂM {config.year}",
        "summary": summary,
        "units": by_unit(follow_ups),
    }


def write_report(workspace: Workspace, follow_ups: list[FollowUp]) -> Path:
    context = build.nfc_all(report_context(workspace, follow_ups))
    out = workspace.year_dir / FOLDER / f"bao-cao-duy-tri-nhan-rong-{workspace.config.year}.docx"
    return render.render_document(build.template_path(workspace, TEMPLATE), context, out)

"""The public summary of a campaign: the news item the Văn phòng publishes (the seed article is one).

`dvk build` writes it as .docx (from `tin-bai.docx`, which the secretariat may edit: its closing paragraphs
are plain text in the template) and as plain text read back from that .docx, so both say the same. The
figures are composed here from the recognised models, worded as the seed article words them ("46 mô hình …
(gồm: 45 mô hình tập thể và 01 mô hình cá nhân), trong đó xếp loại tốt là 40 mô hình và xếp loại khá 06 mô
hình"); the outstanding models are only those the secretariat marked, never chosen by dvk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import build, render
from pipeline.config import Config, Term, Workspace
from pipeline.model import Model
from pipeline.platform import files

TEMPLATE = "tin-bai.docx"
FOLDER = "tin-bai"
QUOTED_DVK = build.QUOTED_DVK


@dataclass(frozen=True)
class NewsItem:
    docx: Path
    text: Path
    title: str


def news_title(config: Config, models: list[Model]) -> str:
    """ "Thành phố Ngã Bảy công nhận 62 mô hình “Dân vận khéo” năm 2020" (the seed's title)."""
    area = build.area_of(build.main_issuer(config).name)
    total = build.figure(config, len(models))
    return f"{build.upper_first(area)} công nhận {total} mô hình {QUOTED_DVK} năm {config.year}"


def type_counts(config: Config, group: list[Model]) -> list[str]:
    """ "45 mô hình tập thể", "01 mô hình cá nhân": the types present, in the configured order."""
    return [
        f"{build.figure(config, n)} mô hình {kind.label.lower()}"
        for kind in config.types
        if (n := sum(m.model_type == kind.label for m in group))
    ]


def rating_counts(config: Config, group: list[Model]) -> str:
    """ "xếp loại tốt là 40 mô hình và xếp loại khá 06 mô hình" (the seed: "là" after the first only)."""
    found = [(r.label.lower(), n) for r in config.ratings if (n := sum(m.rating == r.label for m in group))]
    return build.join_and(
        [
            f"xếp loại {label} {'là ' if i == 0 else ''}{build.figure(config, n)} mô hình"
            for i, (label, n) in enumerate(found)
        ]
    )


def level_sentence(config: Config, level: Term, group: list[Model], first: bool) -> str:
    """The seed's two sentence forms: the first level "Trong đó, đối với cấp thành phố công nhận 46 mô hình
    “Dân vận khéo” năm 2020 (gồm: …), trong đó …", the next "Còn đối với cấp xã, phường: có 16 mô hình tập
    thể được công nhận mô hình “Dân vận khéo” năm 2020, trong đó …"."""
    year, level_name, types = config.year, level.label.lower(), type_counts(config, group)
    total = build.figure(config, len(group))
    ratings = rating_counts(config, group)
    if first:
        listed = f" (gồm: {build.join_and(types)})" if len(types) > 1 else ""
        counted = f"{total} mô hình" if len(types) > 1 else types[0]
        return (
            f"Trong đó, đối với {level_name} công nhận {counted} {QUOTED_DVK} năm {year}{listed}, "
            f"trong đó {ratings}."
        )
    counted = types[0] if len(types) == 1 else f"{total} mô hình (gồm: {build.join_and(types)})"
    return (
        f"Còn đối với {level_name}: có {counted} được công nhận mô hình {QUOTED_DVK} năm {year}, "
        f"trong đó {ratings}."
    )


def outstanding_sentence(config: Config, outstanding: list[Model]) -> str:
    """ "Các mô hình “Dân vận khéo” tiêu biểu nổi bật trong năm 2020 như: mô hình “…” của …, …"; empty when
    the secretariat marked none."""
    if not outstanding:
        return ""
    named = [f"mô hình “{build.printed(m.name)}” của {build.in_sentence(m.unit)}" for m in outstanding]
    return f"Các mô hình {QUOTED_DVK} tiêu biểu nổi bật trong năm {config.year} như: {', '.join(named)}."


def news_context(config: Config, models: list[Model], registered: int, outstanding: list[Model]) -> dict:
    issuer = build.main_issuer(config)
    area = build.area_of(issuer.name)
    total = build.figure(config, len(models))
    opening = (
        f"{issuer.name} vừa công nhận {total} mô hình {QUOTED_DVK} đạt hiệu quả, có tính khả thi và có thể "
        f"nhân rộng trên địa bàn {area} năm {config.year}."
    )
    levels = [
        (level, group) for level in config.levels if (group := [m for m in models if m.level == level.label])
    ]
    figures = " ".join(
        level_sentence(config, level, group, i == 0) for i, (level, group) in enumerate(levels)
    )
    figures = " ".join(part for part in (figures, outstanding_sentence(config, outstanding)) if part)
    return {
        "heading": f"TIN TỨC {issuer.name.upper()}",
        "title": news_title(config, models),
        "paragraphs": [opening, figures] if figures else [opening],
        "year": config.year,
        "issuer_name": issuer.name,
        "area": area,
        "registered": build.figure(config, registered),
    }


def write_news(
    workspace: Workspace,
    models: list[Model],
    registered: int,
    outstanding: list[Model] | None = None,
    chart: Path | None = None,
) -> NewsItem:
    """Render the news item (.docx, with the year-over-year chart when given) and its plain text (.txt,
    read back from the .docx), both atomically."""
    config = workspace.config
    context = build.nfc_all(news_context(config, models, registered, outstanding or []))
    context["images"] = {"chart": str(chart) if chart else ""}
    folder = workspace.year_dir / FOLDER
    docx = render.render_document(
        build.template_path(workspace, TEMPLATE), context, folder / f"tin-bai-{config.year}.docx"
    )
    text = "\n\n".join(line for line in render.read_back(docx).paragraphs if line.strip()) + "\n"
    target = folder / f"tin-bai-{config.year}.txt"
    files.write_atomically(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return NewsItem(docx, target, context["title"])

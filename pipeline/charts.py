"""Charts of the campaign history (matplotlib, Agg: no display, the same PNG on every system)."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import MissingTool
from pipeline.platform import files

FOLDER = "thong-ke"
YEARS_CHART = "so-lieu-cac-nam.png"


def write_years_chart(years: list[dict], out: Path) -> Path:
    """Bars per year: registered beside recognised, the recognised bar split by rating; written atomically.
    Raises MissingTool when matplotlib is not installed (an install from before it was a dependency)."""
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingTool(
            "Chưa cài thư viện vẽ biểu đồ matplotlib: cài lại dvk (make hoặc pip install -e .) rồi chạy lại."
        ) from exc

    matplotlib.use("Agg")
    from matplotlib import pyplot

    labels = [str(entry["year"]) for entry in years]
    ratings = sorted({rating for entry in years for rating in entry["ratings"]})
    figure, axes = pyplot.subplots(figsize=(7, 3.6), dpi=120)
    positions = range(len(years))
    axes.bar([x - 0.2 for x in positions], [e["registered"] or 0 for e in years], 0.4, label="Đăng ký")
    bottom = [0] * len(years)
    for rating in ratings:
        heights = [entry["ratings"].get(rating, 0) for entry in years]
        axes.bar([x + 0.2 for x in positions], heights, 0.4, bottom=bottom, label=f"Công nhận: {rating}")
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel("Số mô hình")
    axes.set_title("Mô hình “Dân vận khéo” qua các năm")
    axes.legend(fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        files.write_atomically(out, lambda temporary: figure.savefig(temporary, format="png"))
    finally:
        pyplot.close(figure)
    return out

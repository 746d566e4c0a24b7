"""The seed case end to end: Ngã Bảy 2020 at full scale, from Word files to the published figures.

187 registrations and 70 proposals; the appraisal turns down 8; the decisions then recognise 62:
city level 46 (45 collective + 01 individual; 40 Tốt + 06 Khá), commune level 16 (13 Tốt + 03 Khá).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.appraise import RESULT, SHEET
from pipeline.cli import main
from pipeline.config import NOT_RECOGNISED, init_workspace
from pipeline.render import read_back
from tools.seed_campaign import write_seed_campaign

SEED_STATS = {
    "year": 2020,
    "registered": 187,
    "recognized": 62,
    "levels": [
        {
            "level": "Cấp thành phố",
            "recognized": 46,
            "collective": 45,
            "individual": 1,
            "ratings": {"Tốt": 40, "Khá": 6},
        },
        {
            "level": "Cấp xã, phường",
            "recognized": 16,
            "collective": 16,
            "individual": 0,
            "ratings": {"Tốt": 13, "Khá": 3},
        },
    ],
}


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    root = init_workspace(tmp_path_factory.mktemp("seed") / "ngabay")
    config = (root / "dvk.toml").read_text(encoding="utf-8")
    (root / "dvk.toml").write_text(config.replace("registered = 187", "registered = 0"), encoding="utf-8")
    plan = write_seed_campaign(root / "inputs")
    check = CliRunner().invoke(main, ["check", "-w", str(root), "--json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["totals"]["rejected"] == 0
    turn_down(root / "outputs" / "2020" / "tham-dinh.xlsx", set(plan["not_recognised"]))
    return root


def turn_down(path: Path, names: set[str]) -> None:
    """What the Ban Dân vận does in Excel: "Không công nhận" for the models it turns down."""
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index("Tên mô hình") + 1).value in names:
            sheet.cell(row, header.index(RESULT) + 1, NOT_RECOGNISED)
    book.save(path)


def test_stats_reproduce_the_seed_article(campaign):
    result = CliRunner().invoke(main, ["stats", "-w", str(campaign), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == SEED_STATS


def test_build_writes_decisions_whose_text_and_lists_agree(campaign):
    result = CliRunner().invoke(main, ["build", "-w", str(campaign), "--json"])
    assert result.exit_code == 0, result.output
    documents = json.loads(result.output)["documents"]
    counts = {(d["kind"], d["level"]): d["count"] for d in documents}
    assert counts[("decision", "Cấp thành phố")] == counts[("list", "Cấp thành phố")] == 46
    assert counts[("decision", "Cấp xã, phường")] == counts[("list", "Cấp xã, phường")] == 16
    assert counts[("certificates", None)] == 62
    decision = next(d for d in documents if d["kind"] == "decision" and d["level"] == "Cấp thành phố")
    text = "\n".join(read_back(Path(decision["path"])).paragraphs)
    assert "46 (bốn mươi sáu) mô hình" in text
    report = next(d for d in documents if d["kind"] == "report")
    report_text = "\n".join(read_back(Path(report["path"])).paragraphs)
    assert "45 mô hình tập thể và 01 mô hình cá nhân" in report_text
    assert "187" in report_text and "62" in report_text


def test_the_news_item_carries_exactly_the_seed_figures(campaign):
    result = CliRunner().invoke(main, ["build", "-w", str(campaign), "--json"])
    assert result.exit_code == 0, result.output
    news = [Path(path) for path in json.loads(result.output)["news"]]
    assert [path.suffix for path in news] == [".docx", ".txt"]
    text = news[1].read_text(encoding="utf-8")
    assert "\n".join(read_back(news[0]).paragraphs).split() == text.split()
    paragraphs = text.split("\n\n")
    assert paragraphs[:3] == [
        "TIN TỨC THÀNH ỦY NGÃ BẢY",
        "Thành phố Ngã Bảy công nhận 62 mô hình “Dân vận khéo” năm 2020",
        "Thành ủy Ngã Bảy vừa công nhận 62 mô hình “Dân vận khéo” đạt hiệu quả, có tính khả thi và có thể "
        "nhân rộng trên địa bàn thành phố Ngã Bảy năm 2020.",
    ]
    # The seed's words, figure for figure; no outstanding model was marked, so none is named.
    assert paragraphs[3] == (
        "Trong đó, đối với cấp thành phố công nhận 46 mô hình “Dân vận khéo” năm 2020 (gồm: 45 mô hình tập "
        "thể và 01 mô hình cá nhân), trong đó xếp loại tốt là 40 mô hình và xếp loại khá 06 mô hình. Còn đối "
        "với cấp xã, phường: có 16 mô hình tập thể được công nhận mô hình “Dân vận khéo” năm 2020, trong đó "
        "xếp loại tốt là 13 mô hình và xếp loại khá 03 mô hình."
    )
    assert "thành phố Ngã Bảy có 187 mô hình đăng ký thi đua điển hình Dân vận khéo." in paragraphs[5]
    with zipfile.ZipFile(news[0]) as package:  # the year-over-year chart, a picture in the .docx
        assert not has_matplotlib() or any(
            name.startswith("word/media/") and name.endswith(".png") for name in package.namelist()
        )
    stats = json.loads(CliRunner().invoke(main, ["stats", "-w", str(campaign), "--json"]).output)
    assert f" {stats['recognized']} mô hình" in paragraphs[1] and f"có {stats['registered']} mô hình" in text


def has_matplotlib() -> bool:
    """matplotlib draws the chart; an install from before it was a dependency writes the news without it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True

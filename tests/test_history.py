"""The campaign history (issue 22): filled by build and archive, imported from old lists, and the
re-proposals of earlier years' models flagged in the next year's check."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import history, service
from pipeline.appraise import EARLIER, OUTSTANDING, SOURCE, read_rows
from pipeline.archive.register import insert_issued, open_register, write_transaction
from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.model import Model
from pipeline.render import read_back
from tests.docxbuild import p, proposal_paragraphs, tbl, write_docx
from tests.helpers import issued

CITY = "Cấp thành phố"


def new_campaign(root: Path, year: int, extra_toml: str = "") -> Path:
    init_workspace(root)
    config = root / "dvk.toml"
    text = re.sub(r"(?m)^year = \d{4}", f"year = {year}", config.read_text(encoding="utf-8"))
    config.write_text(text + extra_toml, encoding="utf-8")
    return root


def proposal(root: Path, name: str, year: int = 2020, **values: str) -> Path:
    body = proposal_paragraphs(**values)
    body[0] = p(f'BÁO CÁO KẾT QUẢ THỰC HIỆN MÔ HÌNH "DÂN VẬN KHÉO" NĂM {year}')
    return write_docx(root / "inputs" / name, *body)


def issue_city_decision(workspace, number: int, day: date) -> str:
    """The register files the city decision of the last build as issued (what `dvk archive` records)."""
    conn = open_register(workspace)
    try:
        code = conn.execute(
            "SELECT code FROM drafts WHERE kind = 'decision' AND level = ? ORDER BY created DESC", (CITY,)
        ).fetchone()[0]
        with write_transaction(conn):
            insert_issued(conn, workspace.config, issued(number, "QĐ/TU", "2020-2025", day, code))
    finally:
        conn.close()
    return code


@pytest.fixture
def campaigns(tmp_path: Path) -> Path:
    """2020: three recognised models, built and the city decision issued as 123-QĐ/TU of 23/12/2020."""
    root = new_campaign(tmp_path / "campaigns" / "2020", 2020)
    proposal(root, "a.docx", model_name="“Sổ vàng khởi nghiệp”", unit="Văn phòng Thành ủy")
    proposal(
        root,
        "b.docx",
        model_name="“Tiểu thương nói không với thực phẩm bẩn”",
        unit="Phòng Kinh tế thành phố",
    )
    proposal(root, "c.docx", model_name="“Thắp sáng đường quê”", unit="Chi bộ Tòa án", proposed_rating="Khá")
    workspace = load_workspace(root)
    service.build_campaign(workspace, as_proposed=True)
    issue_city_decision(workspace, 123, date(2020, 12, 23))
    history.sync_issued(workspace)
    return tmp_path / "campaigns"


def test_build_records_the_models_and_archive_marks_them_issued(campaigns):
    workspace = load_workspace(campaigns / "2020")
    assert history.history_path(workspace) == campaigns / "dvk-history.sqlite3"
    models = history.read_history(workspace)
    assert sorted((m.name, m.unit, m.rating, m.decision, m.decision_date, m.issued) for m in models) == [
        ("Sổ vàng khởi nghiệp", "Văn phòng Thành ủy", "Tốt", "123-QĐ/TU", "2020-12-23", True),
        ("Thắp sáng đường quê", "Chi bộ Tòa án", "Khá", "123-QĐ/TU", "2020-12-23", True),
        (
            "Tiểu thương nói không với thực phẩm bẩn",
            "Phòng Kinh tế thành phố",
            "Tốt",
            "123-QĐ/TU",
            "2020-12-23",
            True,
        ),
    ]


def test_building_again_adds_nothing_and_keeps_the_issued_decision(campaigns):
    workspace = load_workspace(campaigns / "2020")
    service.build_campaign(workspace, as_proposed=True)
    models = history.read_history(workspace)
    assert len(models) == 3
    assert {m.decision for m in models} == {"123-QĐ/TU"}


def test_a_reworded_retoned_reproposal_of_a_renamed_unit_is_flagged_with_the_decision(campaigns):
    renamed = '\n[history.renamed_units]\n"Phòng Kinh tế thành phố" = "Phòng Kinh tế, Hạ tầng và Đô thị"\n'
    root = new_campaign(campaigns / "2021", 2021, renamed)
    proposal(
        root,
        "x.docx",
        2021,
        model_name="“Tiểu thương phường Lái Hiếu nói không với thực phẩm bẩn”",
        unit="Phòng Kinh tế, Hạ tầng và Đô thị",
    )
    proposal(root, "y.docx", 2021, model_name="“Số vàng khỏi nghiệp”", unit="Văn Phòng Thành Uỷ")
    proposal(root, "z.docx", 2021, model_name="“Thắp sáng đường quê”", unit="Chi bộ Công an")
    proposal(root, "w.docx", 2021, model_name="“Sổ tay dân vận”", unit="Văn phòng Thành ủy")
    result = service.check(load_workspace(root))
    flagged = {
        report.path: [
            (p.code, p.severity, p.message) for p in report.problems if p.code.startswith("HISTORY")
        ]
        for report in result.files
    }
    assert flagged["x.docx"] == [
        (
            "HISTORY_RECOGNISED",
            "warning",
            "Đã được công nhận năm 2020, Quyết định số 123-QĐ/TU, ngày 23/12/2020: mô hình “Tiểu thương nói "
            "không với thực phẩm bẩn” của Phòng Kinh tế thành phố (cấp thành phố, xếp loại tốt).",
        )
    ]
    assert [code for code, _, _ in flagged["y.docx"]] == ["HISTORY_RECOGNISED"]
    assert flagged["z.docx"] == []  # same name, another unit: not "already recognised"
    assert flagged["w.docx"] == []  # same unit, a name sharing one word
    assert all(report.status == "accepted" for report in result.files)
    rows = {row[SOURCE]: row[EARLIER] for row in read_rows(root / "outputs" / "2021" / "tham-dinh.xlsx")}
    assert rows["x.docx"] == flagged["x.docx"][0][2]
    assert rows["z.docx"] == ""


def test_the_same_year_is_never_flagged_against_itself(campaigns):
    result = service.check(load_workspace(campaigns / "2020"))
    assert not [p for r in result.files for p in r.problems if p.code.startswith("HISTORY")]


def test_names_match_tolerates_rewording_but_not_a_shared_word():
    key = history.name_syllables
    assert history.names_match(key("Sổ vàng khởi nghiệp"), key("Mô hình “Sổ vàng khởi nghiệp” năm 2021"))
    assert history.names_match(key("Thắp sáng đường quê"), key("Thắp sáng đường quê, ấp Đông Bình"))
    assert not history.names_match(
        key("Tiểu thương nói không với thực phẩm bẩn"), key("Tiểu thương nói không với rác thải nhựa")
    )
    assert not history.names_match(key("Dân vận khéo"), key("Dân vận khéo"))  # nothing left to compare


def test_a_person_is_matched_by_name_not_by_the_unit():
    earlier = Model(
        "m1",
        "Gương mẫu vận động",
        "Nguyễn Văn Bé - Chuyên viên, Phòng Kinh tế",
        CITY,
        "Cá nhân",
        "Kinh tế",
        "Tốt",
        person_name="Nguyễn Văn Bé",
    )
    assert history.model_unit(earlier) == "Phòng Kinh tế"


OLD_LIST_HEADING = (
    p("ĐẢNG BỘ TỈNH HẬU GIANG"),
    p("THÀNH ỦY NGÃ BẢY"),
    p("DANH SÁCH"),
    p("mô hình “Dân vận khéo” cấp thành phố năm 2019"),
    p("(Kèm theo Quyết định số 98-QĐ/TU, ngày 20/12/2019 của Ban Thường vụ Thành ủy)"),
)


def old_list(path: Path, rows: int = 3, heading=OLD_LIST_HEADING) -> Path:
    table = [["STT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực", "Xếp loại"]]
    table += [
        [str(i + 1), f"Mô hình đường hoa số {i + 1}", "Chi bộ Tòa án", "Kinh tế", "Tốt"] for i in range(rows)
    ]
    table.append([str(rows + 1), "", "Chi bộ Công an", "Kinh tế", "Tốt"])
    return write_docx(path, *heading, tbl(table))


def test_an_old_list_imported_twice_adds_its_rows_once(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    source = old_list(tmp_path / "cu" / "DS 2019.docx")
    before = source.read_bytes()
    result = CliRunner().invoke(main, ["history", "import", str(source), "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Nhận: DS 2019.docx (bảng 1, hàng 2): năm 2019, cấp thành phố, “Mô hình đường hoa số 1” — "
        "Chi bộ Tòa án (Quyết định số 98-QĐ/TU)."
    )
    assert result.stderr == "Không nhận: DS 2019.docx (bảng 1, hàng 5): Thiếu tên mô hình.\n"
    again = CliRunner().invoke(main, ["history", "import", str(source), "-w", str(root), "--json"])
    assert json.loads(again.stdout)["added"] == 0
    models = history.read_history(load_workspace(root))
    assert [(m.year, m.name, m.decision, m.decision_date, m.rating) for m in models] == [
        (2019, f"Mô hình đường hoa số {i}", "98-QĐ/TU", "2019-12-20", "Tốt") for i in (1, 2, 3)
    ]
    assert source.read_bytes() == before


def test_a_list_whose_heading_names_no_decision_is_refused_whole(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    source = old_list(tmp_path / "ds.docx", heading=OLD_LIST_HEADING[:4])
    report = service.import_history(load_workspace(root), [source])
    assert report.taken == []
    assert [(r.place, r.reason) for r in report.refused] == [("ds.docx", history.NO_DECISION)]


def test_an_imported_model_proposed_again_is_flagged(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    service.import_history(load_workspace(root), [old_list(tmp_path / "ds.docx")])
    proposal(root, "a.docx", model_name="“Mô hình Đường hoa số 2”", unit="Chi bộ Tòa án thành phố")
    messages = [p.message for r in service.check(load_workspace(root)).files for p in r.problems]
    assert (
        "Đã được công nhận năm 2019, Quyết định số 98-QĐ/TU, ngày 20/12/2019: mô hình “Mô hình đường hoa "
        "số 2” của Chi bộ Tòa án (cấp thành phố, xếp loại tốt)."
    ) in messages
    assert len([m for m in messages if m.startswith("Đã được công nhận")]) == 1


def test_imports_killed_at_random_moments_leave_whole_files_or_nothing(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    sources = [old_list(tmp_path / f"ds{i}.docx", rows=40) for i in range(3)]
    command = [sys.executable, "-m", "pipeline", "history", "import", *map(str, sources), "-w", str(root)]
    rng = random.Random(22)
    for _ in range(4):
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.0))
        child.kill()
        child.wait()
        counts = Counter(m.origin.split(" ")[0] for m in history.read_history(load_workspace(root)))
        assert set(counts.values()) <= {40}  # a file's rows land together or not at all
    subprocess.run(command, check=True, capture_output=True)
    conn = history.open_history(history.history_path(load_workspace(root)))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # The same rows in three files are one model each: 40 in all, whoever was killed when.
    assert len(history.read_history(load_workspace(root))) == 40


def test_an_archive_killed_before_the_history_caught_up_is_caught_up_by_the_next_check(tmp_path):
    root = new_campaign(tmp_path / "campaigns" / "2020", 2020)
    proposal(root, "a.docx")
    workspace = load_workspace(root)
    service.build_campaign(workspace, as_proposed=True)
    issue_city_decision(workspace, 7, date(2020, 12, 23))  # the register committed; history not told
    assert [m.issued for m in history.read_history(workspace)] == [False]
    service.check(workspace)
    assert [(m.issued, m.decision) for m in history.read_history(workspace)] == [(True, "07-QĐ/TU")]


def test_an_import_after_the_workbook_was_written_fills_its_column_on_the_next_check(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    proposal(root, "a.docx", model_name="“Mô hình Đường hoa số 2”", unit="Chi bộ Tòa án")
    service.check(load_workspace(root))
    book = root / "outputs" / "2020" / "tham-dinh.xlsx"
    assert [row[EARLIER] for row in read_rows(book)] == [""]
    service.import_history(load_workspace(root), [old_list(tmp_path / "ds.docx")])
    service.check(load_workspace(root))
    assert [row[EARLIER] for row in read_rows(book)] == [
        "Đã được công nhận năm 2019, Quyết định số 98-QĐ/TU, ngày 20/12/2019: mô hình “Mô hình đường hoa "
        "số 2” của Chi bộ Tòa án (cấp thành phố, xếp loại tốt)."
    ]


def test_stats_years_count_each_year_and_draw_the_chart(campaigns, tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib (a dependency since issue 22) is not installed")
    root = campaigns / "2020"
    service.import_history(load_workspace(root), [old_list(tmp_path / "ds.docx")])
    result = CliRunner().invoke(main, ["stats", "--years", "-w", str(root), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["years"] == [
        {
            "year": 2019,
            "registered": None,
            "recognized": 3,
            "issued": 3,
            "levels": {"Cấp thành phố": 3},
            "types": {"Tập thể": 3},
            "fields": {"Kinh tế": 3},
            "ratings": {"Tốt": 3},
        },
        {
            "year": 2020,
            "registered": 187,  # the configured count (campaign.registered), as the build used it
            "recognized": 3,
            "issued": 3,
            "levels": {"Cấp thành phố": 3},
            "types": {"Tập thể": 3},
            "fields": {"Kinh tế": 3},
            "ratings": {"Tốt": 2, "Khá": 1},
        },
    ]
    assert Path(stats["chart"]).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_next_year_shows_models_maintained_and_replicated_by_unit(campaigns):
    root = new_campaign(campaigns / "2021", 2021)
    proposal(root, "lai.docx", 2021, model_name="“Sổ vàng khởi nghiệp”", unit="Văn phòng Thành ủy")
    proposal(root, "nhan.docx", 2021, model_name="“Sổ vàng khởi nghiệp”", unit="Phường Lái Hiếu")
    proposal(root, "khac.docx", 2021, model_name="“Sổ vàng tiết kiệm”", unit="Phường Hiệp Lợi")
    result = service.build_campaign(load_workspace(root), as_proposed=True)
    report = result.follow_up
    paragraphs = [line for line in read_back(report).paragraphs if line.strip()]
    assert paragraphs[2:] == [
        "Năm 2021, trong các mô hình “Dân vận khéo” đã được công nhận những năm trước, có 01 mô hình được "
        "đơn vị tiếp tục duy trì (đề nghị hoặc báo cáo lại) và 01 mô hình được đơn vị khác nhân rộng.",
        "Văn phòng Thành ủy",
        "- Mô hình “Sổ vàng khởi nghiệp” (công nhận năm 2020, Quyết định số 123-QĐ/TU, ngày 23/12/2020; cấp "
        "thành phố): duy trì: “Sổ vàng khởi nghiệp” (lai.docx); nhân rộng tại: Phường Lái Hiếu — “Sổ vàng "
        "khởi nghiệp” (nhan.docx).",
    ]


def test_the_years_page_shows_each_year_the_chart_and_the_follow_up(campaigns):
    pytest.importorskip("matplotlib", reason="matplotlib (a dependency since issue 22) is not installed")
    from tests.webtools import client

    root = new_campaign(campaigns / "2021", 2021)
    proposal(root, "nhan.docx", 2021, model_name="“Sổ vàng khởi nghiệp”", unit="Phường Lái Hiếu")
    web = client(load_workspace(root))
    html = web.get("/cac-nam").text
    assert '<a href="/cac-nam" aria-current="page">Các năm</a>' in html
    assert "<td>2020</td>" in html and '<img src="/cac-nam/bieu-do.png"' in html
    assert "nhân rộng tại: Phường Lái Hiếu — “Sổ vàng khởi nghiệp” (nhan.docx)." in html
    chart = web.get("/cac-nam/bieu-do.png")
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")


def test_the_news_item_names_only_the_models_marked_outstanding(tmp_path):
    root = new_campaign(tmp_path / "c" / "2020", 2020)
    proposal(root, "a.docx", model_name="“Sổ vàng khởi nghiệp”", unit="Văn phòng Thành ủy")
    proposal(root, "b.docx", model_name="“Thắp sáng đường quê”", unit="Chi bộ Tòa án")
    workspace = load_workspace(root)
    service.check(workspace)
    news = service.build_campaign(workspace, as_proposed=True).news[1]
    assert "tiêu biểu" not in news.read_text(encoding="utf-8")  # none by default, never invented
    book_path = root / "outputs" / "2020" / "tham-dinh.xlsx"
    book = load_workbook(book_path)
    sheet = book["Thẩm định"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index("Tên mô hình") + 1).value == "Thắp sáng đường quê":
            sheet.cell(row, header.index(OUTSTANDING) + 1, "x")
    book.save(book_path)
    text = service.build_campaign(load_workspace(root), as_proposed=True).news[1].read_text(encoding="utf-8")
    assert (
        "Các mô hình “Dân vận khéo” tiêu biểu nổi bật trong năm 2020 như: mô hình “Thắp sáng đường quê” của "
        "Chi bộ Tòa án." in text
    )
    assert "Sổ vàng khởi nghiệp" not in text


def test_an_unchanged_rerun_keeps_its_warnings_without_loading_the_history_again(campaigns, monkeypatch):
    root = new_campaign(campaigns / "2021", 2021)
    proposal(root, "y.docx", 2021, model_name="“Sổ vàng khởi nghiệp”", unit="Văn phòng Thành ủy")
    first = service.check(load_workspace(root))

    def not_again(workspace):
        raise AssertionError("the index was loaded again")

    monkeypatch.setattr(history, "load_index", not_again)
    again = service.check(load_workspace(root))
    assert [p.code for p in again.files[0].problems] == [p.code for p in first.files[0].problems]
    assert "HISTORY_RECOGNISED" in [p.code for p in again.files[0].problems]

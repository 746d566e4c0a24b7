"""The campaign history (issue 22): filled by build and archive, imported from old lists, and the
re-proposals of earlier years' models flagged in the next year's check."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pipeline import history, service
from pipeline.archive.register import insert_issued, open_register, write_transaction
from pipeline.config import init_workspace, load_workspace
from pipeline.model import Model
from tests.docxbuild import p, proposal_paragraphs, write_docx
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
    service.build_campaign(workspace)
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
    service.build_campaign(workspace)
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

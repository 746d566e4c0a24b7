"""List tables: "Danh sách đăng ký / đề nghị công nhận …", one registration or proposal per row."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.config import init_workspace, load_workspace
from pipeline.corrections import FILE, PLACE, ROW_KEY, SHEET, STATUS
from pipeline.corrections import WORKBOOK_NAME as CORRECTIONS
from pipeline.extract import classify
from pipeline.listtable import list_fields, read_list
from pipeline.model import Kind
from pipeline.reader import read_document
from tests.docxbuild import p, tbl, tc, write_docx

LIST = "Chi bộ Tòa án/Danh sách đăng ký.docx"
PROPOSALS = "Chi bộ Tòa án/Danh sách đề nghị.docx"
HEADER = ["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị thực hiện", "Ghi chú"]
ROWS = [
    ["1", "Tòa án với nhân dân", "Xây dựng hệ thống chính trị", "Chi bộ Tòa án", ""],
    ["2", "Hòa giải viên giỏi ở khu phố", "Quốc phòng - an ninh", "Chi bộ Tòa án", ""],
    ["3", "Phiên tòa mẫu cho học sinh", "Văn hóa - xã hội", "Chi bộ Tòa án", ""],
]


def letterhead() -> str:
    return tbl([[p("ĐẢNG BỘ THÀNH PHỐ NGÃ BẢY") + p("CHI BỘ TÒA ÁN") + p("*"), p("ĐẢNG CỘNG SẢN VIỆT NAM")]])


def registration_list(path: Path, rows: list[list[str]], header: list[list[str]] | None = None) -> Path:
    return write_docx(
        path,
        letterhead(),
        p("DANH SÁCH"),
        p("ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” CẤP THÀNH PHỐ NĂM 2020"),
        tbl((header or [HEADER]) + rows),
        p("Trên đây là danh sách đăng ký mô hình của Chi bộ Tòa án./."),
    )


def proposal_list(path: Path, rows: list[list[str]]) -> Path:
    header = ["TT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực", "Kết quả đạt được", "Tự đánh giá"]
    return write_docx(
        path,
        letterhead(),
        p("DANH SÁCH"),
        p("MÔ HÌNH “DÂN VẬN KHÉO” ĐỀ NGHỊ CÔNG NHẬN CẤP THÀNH PHỐ NĂM 2020"),
        tbl([header, *rows]),
    )


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return init_workspace(tmp_path / "ws")


def check(root: Path) -> dict:
    outcome = CliRunner().invoke(main, ["check", "-w", str(root), "--json"])
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.stdout)


def by_path(result: dict) -> dict:
    return {entry["path"]: entry for entry in result["files"]}


def workbook_rows(path: Path, sheet: str) -> list[dict]:
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook[sheet].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def config():
    return load_workspace(Path(__file__).parents[1]).config


# ---------------------------------------------------------------------------- several records


def test_a_list_of_several_rows_gives_one_record_per_row(root):
    registration_list(root / "inputs" / LIST, ROWS)
    result = check(root)
    entry = by_path(result)[LIST]
    assert (entry["status"], entry["kind"], entry["id"], entry["fields"]) == (
        "accepted",
        "registration",
        None,
        {},
    )
    records = entry["records"]
    assert [record["where"] for record in records] == ["bảng 2, hàng 2", "bảng 2, hàng 3", "bảng 2, hàng 4"]
    assert [record["fields"]["model_name"] for record in records] == [row[1] for row in ROWS]
    assert len({record["id"] for record in records}) == 3
    assert all(record["id"].startswith("DK-2020-") for record in records)
    first = records[0]
    assert first["fields"] == {
        "level": "Cấp thành phố",
        "year": "2020",
        "unit": "Chi bộ Tòa án",
        "model_name": "Tòa án với nhân dân",
        "field": "Xây dựng hệ thống chính trị",
        "model_type": "Tập thể",
    }
    assert first["sources"]["model_name"] == "bảng 2, hàng 2, cột 2"
    assert first["evidence"] == {
        "level": "title",
        "year": "title",
        "unit": "table_row",
        "model_name": "table_row",
        "field": "table_row",
        "model_type": "inferred",
    }
    assert (first["status"], first["problems"]) == ("accepted", [])
    totals = result["totals"]
    assert (totals["found"], totals["accepted"], totals["rejected"], totals["skipped"]) == (1, 1, 0, 0)
    assert (totals["records"], totals["records_accepted"], totals["registrations"]) == (3, 3, 3)


def test_each_proposal_of_a_list_has_its_own_appraisal_row(root):
    proposal_list(
        root / "inputs" / PROPOSALS,
        [
            ["1", "Tòa án với nhân dân", "Chi bộ Tòa án", "XDHTCT", "Tiếp 120 lượt công dân.", "Tốt"],
            ["2", "Hòa giải viên giỏi", "Chi bộ Tòa án", "QP-AN", "Hòa giải thành 35 vụ việc.", "Khá"],
        ],
    )
    records = by_path(check(root))[PROPOSALS]["records"]
    assert [record["kind"] for record in records] == ["proposal", "proposal"]
    rows = workbook_rows(root / "outputs" / "2020" / "tham-dinh.xlsx", "Thẩm định")
    assert [(row["Mã đề nghị"], row["Tên mô hình"], row["Tự đánh giá"]) for row in rows] == [
        (records[0]["id"], "Tòa án với nhân dân", "Tốt"),
        (records[1]["id"], "Hòa giải viên giỏi", "Khá"),
    ]
    assert [row["Tệp nguồn"] for row in rows] == [
        f"{PROPOSALS} (bảng 2, hàng 2)",
        f"{PROPOSALS} (bảng 2, hàng 3)",
    ]
    assert all(record["id"].startswith("MH-2020-") for record in records)


def test_a_list_counts_each_registration_towards_the_registered(root):
    rows = [[str(n), f"Mô hình số {n} của chi bộ", "Kinh tế", "Chi bộ Tòa án", ""] for n in range(1, 13)]
    registration_list(root / "inputs" / LIST, rows)
    totals = check(root)["totals"]
    assert (totals["found"], totals["accepted"], totals["records"], totals["registrations"]) == (1, 1, 12, 12)


# ---------------------------------------------------------------------------- status and corrections


def test_a_row_missing_a_field_is_rejected_alone_and_the_file_stays_accepted(root):
    rows = [ROWS[0], ["2", "Hòa giải viên giỏi ở khu phố", "", "Chi bộ Tòa án", ""]]
    registration_list(root / "inputs" / LIST, rows)
    entry = by_path(check(root))[LIST]
    assert [record["status"] for record in entry["records"]] == ["accepted", "rejected"]
    assert entry["records"][1]["problems"] == [
        {
            "code": "MISSING_FIELD",
            "severity": "error",
            "message": 'Thiếu mục bắt buộc "Lĩnh vực".',
            "where": "bảng 2, hàng 3",
        }
    ]
    assert entry["status"] == "accepted"
    assert entry["problems"] == [
        {
            "code": "LIST_ROWS_REJECTED",
            "severity": "warning",
            "message": "1/2 mô hình trong danh sách bị loại (bảng 2, hàng 3); xem lỗi của từng hàng.",
            "where": "",
        }
    ]


def test_a_list_whose_every_row_is_rejected_is_rejected(root):
    registration_list(root / "inputs" / LIST, [[n, name, "", unit, ""] for n, name, _, unit, _ in ROWS[:2]])
    entry = by_path(check(root))[LIST]
    assert entry["status"] == "rejected"
    assert [problem["severity"] for problem in entry["problems"]] == ["error"]


def type_in_row(book: Path, key: str, column: str, value: str) -> None:
    workbook = load_workbook(book)
    sheet = workbook[SHEET]
    header = [cell.value for cell in sheet[1]]
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index(ROW_KEY) + 1).value == key
    )
    sheet.cell(row, header.index(column) + 1).value = value
    workbook.save(book)


def test_a_correction_typed_for_one_row_of_a_list_applies_to_that_row_only(root):
    rows = [
        ROWS[0],
        ["2", "Hòa giải viên giỏi ở khu phố", "", "Chi bộ Tòa án", ""],
        ["3", "Phiên tòa mẫu cho học sinh", "", "Chi bộ Tòa án", ""],
    ]
    registration_list(root / "inputs" / LIST, rows)
    records = by_path(check(root))[LIST]["records"]
    book = root / "outputs" / "2020" / CORRECTIONS
    waiting = workbook_rows(book, SHEET)
    assert [(row[FILE], row[PLACE], row[ROW_KEY]) for row in waiting] == [
        (LIST, "bảng 2, hàng 3", records[1]["key"]),
        (LIST, "bảng 2, hàng 4", records[2]["key"]),
    ]
    type_in_row(book, records[1]["key"], "Lĩnh vực", "Quốc phòng - an ninh")
    after = by_path(check(root))[LIST]["records"]
    assert [record["status"] for record in after] == ["accepted", "accepted", "rejected"]
    assert after[1]["fields"]["field"] == "Quốc phòng - an ninh"
    assert after[1]["origins"]["field"] == "manual" and "field" not in after[2]["fields"]
    assert [row[STATUS] for row in workbook_rows(book, SHEET)] == [
        "Đã đủ: dùng giá trị nhập tay",
        "Chờ bổ sung",
    ]
    # A row added at the top renumbers the others: the typed value still belongs to its row.
    registration_list(
        root / "inputs" / LIST,
        [["1", "Mô hình mới thêm", "Kinh tế", "Chi bộ Tòa án", ""]]
        + [[str(int(n) + 1), *rest] for n, *rest in rows],
    )
    again = by_path(check(root))[LIST]["records"]
    assert [record["status"] for record in again] == ["accepted", "accepted", "accepted", "rejected"]
    assert [record["key"] for record in again[1:]] == [record["key"] for record in records]
    assert [record["id"] for record in again[1:]] == [record["id"] for record in after]
    assert again[2]["fields"]["field"] == "Quốc phòng - an ninh"
    assert again[2]["problems"] == []  # the row did not change: its typed value is not stale


# ---------------------------------------------------------------------------- layouts


def test_a_unit_written_once_for_a_group_is_carried_down(tmp_path):
    header = ["STT", "Đơn vị thực hiện", "Tên mô hình", "Lĩnh vực"]
    rows = [
        ["1", tc("Phường Lái Hiếu", merge="restart"), "Chợ văn minh", "Kinh tế"],
        ["2", tc(merge="continue"), "Khu phố không rác", "Văn hóa - xã hội"],
        ["3", tc("Xã Tân Thành", merge="restart"), "Tổ an ninh nhà trọ", "QP-AN"],
        ["4", tc(merge="continue"), "Đường hoa nông thôn", "VH-XH"],
        ["5", "", "Mô hình chưa ghi đơn vị", "Kinh tế"],
    ]
    path = write_docx(
        tmp_path / "ds.docx",
        p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH DÂN VẬN KHÉO NĂM 2020"),
        tbl([header, *rows]),
    )
    reading = read_list(read_document(path), config())
    units = [row.fields["unit"].value if "unit" in row.fields else None for row in reading.rows]
    assert units == ["Phường Lái Hiếu", "Phường Lái Hiếu", "Xã Tân Thành", "Xã Tân Thành", None]
    assert reading.rows[0].fields["unit"].where == "bảng 1, hàng 2, cột 2"
    assert reading.rows[1].fields["unit"].where == "bảng 1, hàng 3, cột 2"


def test_a_header_over_two_rows_names_columns_and_options(tmp_path):
    header = [
        [
            tc("STT", merge="restart"),
            tc("Tên mô hình", merge="restart"),
            tc("Cá nhân thực hiện", span=2),
            tc("Cấp công nhận", span=2),
            tc("Lĩnh vực", merge="restart"),
        ],
        [
            tc(merge="continue"),
            tc(merge="continue"),
            "Họ và tên",
            "Chức vụ",
            "Thành phố",
            "Xã, phường",
            tc(merge="continue"),
        ],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ]
    rows = [
        ["1", "Dân vận khéo trong hòa giải", "Nguyễn Văn An", "Thẩm phán", "x", "", "XDHTCT"],
        ["2", "Vườn rau sạch cho bếp ăn", "Trần Thị Bình", "Thư ký tòa", "", "x", "Kinh tế"],
    ]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl(header + rows))
    reading = read_list(read_document(path), config())
    got = [{key: value.value for key, value in row.fields.items() if key != "year"} for row in reading.rows]
    assert got == [
        {
            "model_name": "Dân vận khéo trong hòa giải",
            "person_name": "Nguyễn Văn An",
            "person_position": "Thẩm phán",
            "level": "Cấp thành phố",
            "field": "Xây dựng hệ thống chính trị",
        },
        {
            "model_name": "Vườn rau sạch cho bếp ăn",
            "person_name": "Trần Thị Bình",
            "person_position": "Thư ký tòa",
            "level": "Cấp xã, phường",
            "field": "Kinh tế",
        },
    ]
    assert reading.rows[0].where == "bảng 1, hàng 4"


def test_rows_that_hold_no_model_are_passed_over(tmp_path):
    rows = [
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [tc("I. CẤP XÃ, PHƯỜNG", span=5)],
        ["1", "Chợ văn minh", "Kinh tế", "Phường Lái Hiếu", ""],
        ["", "", "", "", ""],
        HEADER,  # repeated at the top of a new page
        ["2", "Khu phố không rác", "VH-XH", "Phường Lái Hiếu", ""],
        [tc("II. CẤP THÀNH PHỐ", span=5)],
        ["3", "Tòa án với nhân dân", "XDHTCT", "Chi bộ Tòa án", ""],
        ["", "Tổng cộng: 03 mô hình", "", "", ""],
    ]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl([HEADER, *rows]))
    reading = read_list(read_document(path), config())
    assert [(row.fields["model_name"].value, row.fields["level"].value) for row in reading.rows] == [
        ("Chợ văn minh", "Cấp xã, phường"),
        ("Khu phố không rác", "Cấp xã, phường"),
        ("Tòa án với nhân dân", "Cấp thành phố"),
    ]
    assert reading.rows[0].fields["level"].where == "bảng 1, hàng 3, cột 1"


def test_a_row_saying_otherwise_wins_over_the_title(tmp_path):
    header = ["STT", "Tên mô hình", "Cấp", "Lĩnh vực"]
    rows = [["1", "Chợ văn minh", "Cấp xã", "Kinh tế"], ["2", "Khu phố không rác", "", "Kinh tế"]]
    path = write_docx(
        tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH CẤP THÀNH PHỐ NĂM 2020"), tbl([header, *rows])
    )
    reading = read_list(read_document(path), config())
    made = [list_fields(reading, row, config())["level"] for row in reading.rows]
    assert [(value.value, value.source) for value in made] == [
        ("Cấp xã, phường", "table_row"),
        ("Cấp thành phố", "title"),
    ]


def test_a_single_row_list_reads_as_one_record(root):
    registration_list(root / "inputs" / LIST, ROWS[:1])
    entry = by_path(check(root))[LIST]
    assert "records" not in entry
    assert (entry["status"], entry["id"]) == ("accepted", None)
    assert entry["fields"]["model_name"] == "Tòa án với nhân dân"
    assert entry["fields"]["unit"] == "Chi bộ Tòa án"
    assert set(entry) == {
        "path", "sha256", "status", "kind", "id", "fields", "sources", "reason", "problems", "origins",
        "evidence", "file_values",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("DANH SÁCH ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2020", Kind.REGISTRATION),
        ("DANH SÁCH MÔ HÌNH “DÂN VẬN KHÉO” ĐỀ NGHỊ CÔNG NHẬN NĂM 2020", Kind.PROPOSAL),
        ("DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN MÔ HÌNH “DÂN VẬN KHÉO” ĐÃ ĐĂNG KÝ NĂM 2020", Kind.PROPOSAL),
        ("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020 (kèm theo Báo cáo số 12-BC/ĐU)", Kind.REGISTRATION),
    ],
)
def test_a_lists_title_says_registrations_or_proposals(tmp_path, title, kind):
    path = write_docx(tmp_path / "ds.docx", p(title), tbl([HEADER, *ROWS]))
    assert classify(read_document(path)) is kind


# ---------------------------------------------------------------------------- made by LibreOffice


@pytest.mark.soffice
def test_a_list_saved_by_libreoffice_reads_the_same_rows_with_the_same_keys(root, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: no LibreOffice-made list can be made")
    from pipeline import soffice

    rows = [
        ["1", "Tòa án với nhân dân", "XDHTCT", tc("Chi bộ Tòa án", merge="restart"), ""],
        ["2", "Hòa giải viên giỏi ở khu phố", "QP-AN", tc(merge="continue"), ""],
    ]
    word = registration_list(tmp_path / "word" / "ds.docx", rows)
    odt = soffice.convert(word, "odt", tmp_path / "odt")
    made = soffice.convert(odt, "docx", tmp_path / "lo")
    assert b"LibreOffice" in (__import__("zipfile").ZipFile(made).read("docProps/app.xml"))
    readings = [read_list(read_document(path), config()) for path in (word, made)]
    assert [[row.key for row in reading.rows] for reading in readings] == [
        [row.key for row in readings[0].rows]
    ] * 2
    units = [row.fields["unit"].value for row in readings[1].rows]
    assert units == ["Chi bộ Tòa án", "Chi bộ Tòa án"]
    (root / "inputs" / "Chi bộ Tòa án").mkdir(parents=True)
    shutil.copy(made, root / "inputs" / LIST)
    entry = by_path(check(root))[LIST]
    assert [record["status"] for record in entry["records"]] == ["accepted", "accepted"]


# ---------------------------------------------------------------------------- the sample


def test_the_committed_list_sample_reads_one_registration_per_row():
    from tools.list_samples import LIST_SAMPLE, ROWS

    path = Path(__file__).parents[1] / "inputs" / LIST_SAMPLE
    document = read_document(path)
    reading = read_list(document, config())
    assert classify(document) is Kind.REGISTRATION
    got = [
        (row.fields["model_name"].value, row.fields["unit"].value, row.fields["level"].value)
        for row in reading.rows
    ]
    levels = {"tp": "Cấp thành phố", "xa": "Cấp xã, phường"}
    assert got == [(name, unit, levels[level]) for name, unit, _, level, _ in ROWS]
    assert reading.facts["year"].value == "2020"
    made = [list_fields(reading, row, config())["unit"].value for row in reading.rows]
    assert made == [
        "Chi bộ Khu vực 1, phường Ngã Bảy",  # a grassroots unit is named with the letterhead's ward
        "Chi bộ Khu vực 1, phường Ngã Bảy",
        "Hội Liên hiệp Phụ nữ phường Ngã Bảy",  # the letterhead names the ward the row calls "phường"
        "Ủy ban nhân dân phường Ngã Bảy",
        "Ủy ban nhân dân phường Ngã Bảy",
    ]


def test_explain_shows_each_row_and_where_its_values_came_from(root):
    registration_list(root / "inputs" / LIST, ROWS[:2])
    outcome = CliRunner().invoke(main, ["check", "-w", str(root), "--explain", LIST, "--json"])
    assert outcome.exit_code == 0, outcome.output
    rows = json.loads(outcome.stdout)["records"]
    assert [row["where"] for row in rows] == ["bảng 2, hàng 2", "bảng 2, hàng 3"]
    assert rows[0]["fields"]["model_name"] == {
        "value": "Tòa án với nhân dân",
        "where": "bảng 2, hàng 2, cột 2",
        "source": "table_row",
        "origin": "file",
    }
    assert rows[0]["fields"]["level"]["source"] == "title"
    text = CliRunner().invoke(main, ["check", "-w", str(root), "--explain", LIST]).output
    assert "Danh sách 2 mô hình, đọc theo từng hàng của bảng:" in text
    assert "    Tên mô hình: «Tòa án với nhân dân» (bảng 2, hàng 2, cột 2; hàng của bảng)" in text


# ---------------------------------------------------------------------------- the page


def test_the_page_shows_a_lists_rows_and_takes_a_correction_for_one_row(root):
    from tests.webtools import client, notice, token

    rows = [ROWS[0], ["2", "Hòa giải viên giỏi ở khu phố", "", "Chi bộ Tòa án", ""]]
    registration_list(root / "inputs" / LIST, rows)
    key = by_path(check(root))[LIST]["records"][1]["key"]
    web = client(load_workspace(root))
    page = web.get("/ho-so/tep", params={"p": LIST}).text
    assert "Mô hình trong danh sách" in page and "bảng 2, hàng 3" in page and f"hang={key}" in page
    assert "Danh sách 2 mô hình (1 chấp nhận)" in web.get("/ho-so").text
    url = f"/ho-so/tep?p={LIST}&hang={key}"
    row_page = web.get(url).text
    assert f"{LIST} — bảng 2, hàng 3" in row_page and 'name="gia-tri-field"' in row_page
    answer = web.post(
        "/ho-so/bo-sung",
        data={"csrf": token(web, url), "p": LIST, "hang": key, "gia-tri-field": "Quốc phòng - an ninh"},
    )
    assert f"{LIST}, bảng 2, hàng 3: chấp nhận" in notice(web, answer)
    records = by_path(check(root))[LIST]["records"]
    assert [(r["status"], r["fields"].get("field")) for r in records] == [
        ("accepted", "Xây dựng hệ thống chính trị"),
        ("accepted", "Quốc phòng - an ninh"),
    ]


# ---------------------------------------------------------------------------- what lists write


def test_a_person_in_the_unit_column_is_the_person_and_the_list_signer_is_read(tmp_path):
    header = ["STT", "Tên mô hình", "Đơn vị thực hiện", "Chức vụ, đơn vị công tác", "Lĩnh vực"]
    rows = [
        ["1", "Chợ văn minh", "Phường Lái Hiếu", "", "Kinh tế"],
        [
            "2",
            "Đối thoại với dân",
            "Bà Trần Thị Phượng",
            "Chuyên viên, Phòng Lao động - Thương binh và Xã hội",
            "KT",
        ],
        ["3", "Sơ cứu tại nhà", "Ông Võ Hoàng Thắng", "Y sĩ, Trạm Y tế phường Lái Hiếu", "VH-XH"],
    ]
    path = write_docx(
        tmp_path / "ds.docx",
        p("BẢNG TỔNG HỢP"),
        p("Đăng ký xây dựng mô hình “Dân vận khéo” năm 2020"),
        tbl([header, *rows]),
        tbl([["", p("T/M ĐẢNG ỦY") + p("BÍ THƯ") + p("Nguyễn Văn Hải")]]),
    )
    document = read_document(path)
    assert classify(document) is Kind.REGISTRATION
    reading = read_list(document, config())
    made = [list_fields(reading, row, config()) for row in reading.rows]
    got = [
        {
            key: made_row[key].value
            for key in ("person_name", "person_position", "unit", "model_type")
            if key in made_row
        }
        for made_row in made
    ]
    assert got == [
        {"unit": "Phường Lái Hiếu", "model_type": "Tập thể"},
        {
            "person_name": "Trần Thị Phượng",
            "person_position": "Chuyên viên",
            "unit": "Phòng Lao động - Thương binh và Xã hội",
            "model_type": "Cá nhân",
        },
        {
            "person_name": "Võ Hoàng Thắng",
            "person_position": "Y sĩ",
            "unit": "Trạm Y tế, phường Lái Hiếu",
            "model_type": "Cá nhân",
        },
    ]
    assert (made[0]["year"].value, made[0]["year"].source) == ("2020", "title")
    assert (made[0]["signer"].value, made[0]["signer"].source) == ("Nguyễn Văn Hải", "signature")


def test_a_single_row_list_takes_its_rows_values_over_the_walks(root):
    write_docx(
        root / "inputs" / LIST,
        tbl(
            [[p("UBND THÀNH PHỐ NGÃ BẢY") + p("UBND XÃ TÂN THÀNH"), p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]]
        ),
        p("DANH SÁCH"),
        p("ĐĂNG KÝ MÔ HÌNH “DÂN VẬN KHÉO” CẤP XÃ NĂM 2020"),
        tbl(
            [
                ["Số TT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực", "Thời gian thực hiện"],
                ["1", "2", "3", "4", "5"],
                [
                    "1",
                    "Bữa cơm nghĩa tình",
                    "Hội Liên hiệp Phụ nữ xã Tân Thành",
                    "VH-XH",
                    "Từ tháng 2 đến tháng 12/2020",
                ],
            ]
        ),
    )
    entry = by_path(check(root))[LIST]
    assert "records" not in entry and entry["status"] == "accepted"
    assert {key: entry["fields"][key] for key in ("model_name", "unit", "period", "level")} == {
        "model_name": "Bữa cơm nghĩa tình",
        "unit": "Hội Liên hiệp Phụ nữ xã Tân Thành",
        "period": "Từ tháng 2 đến tháng 12/2020",
        "level": "Cấp xã, phường",
    }
    assert entry["evidence"]["unit"] == "table_row"


def test_a_row_added_to_a_proposal_list_leaves_the_other_appraisal_rows_unchanged(root):
    rows = [
        ["1", "Tòa án với nhân dân", "Chi bộ Tòa án", "XDHTCT", "Tiếp 120 lượt công dân.", "Tốt"],
        ["2", "Hòa giải viên giỏi", "Chi bộ Tòa án", "QP-AN", "Hòa giải thành 35 vụ việc.", "Khá"],
    ]
    proposal_list(root / "inputs" / PROPOSALS, rows)
    check(root)
    extra = ["3", "Phiên tòa mẫu cho học sinh", "Chi bộ Tòa án", "VH-XH", "Mười phiên tòa mẫu.", "Tốt"]
    proposal_list(root / "inputs" / PROPOSALS, [*rows, extra])
    check(root)
    found = workbook_rows(root / "outputs" / "2020" / "tham-dinh.xlsx", "Thẩm định")
    assert [(row["Tên mô hình"], row["Tình trạng tệp nguồn"]) for row in found] == [
        ("Tòa án với nhân dân", "Không đổi"),
        ("Hòa giải viên giỏi", "Không đổi"),
        ("Phiên tòa mẫu cho học sinh", "Không đổi"),
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Bà Trần Thị Phượng", [("person_name", "Trần Thị Phượng")]),
        (
            "Nguyễn Văn An - Trưởng ấp, Ấp Mang Cá",
            [("person_name", "Nguyễn Văn An"), ("person_position", "Trưởng ấp"), ("unit", "Ấp Mang Cá")],
        ),
        (
            "Đ/c Lê Văn Tám (Bí thư Chi bộ)",
            [("person_name", "Lê Văn Tám"), ("person_position", "Bí thư Chi bộ")],
        ),
        ("Hội Cựu chiến binh phường Ngã Bảy", [("unit", "Hội Cựu chiến binh phường Ngã Bảy")]),
        ("Chi bộ khu vực 3, phường Hiệp Thành", [("unit", "Chi bộ khu vực 3, phường Hiệp Thành")]),
    ],
)
def test_a_unit_cell_naming_a_person_gives_the_person(written, read):
    from pipeline.listtable import person_or

    assert person_or("unit", written, config()) == read


def test_a_cell_written_over_two_lines_reads_as_one_value(tmp_path):
    header = ["STT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực"]
    rows = [
        ["1", "Chợ văn minh", p("Hội Nông dân") + p("phường Hiệp Lợi"), "KT"],
        ["2", "Sơ cứu tại nhà", p("Nguyễn Văn An") + p("Trưởng ấp"), "VH-XH"],
    ]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl([header, *rows]))
    reading = read_list(read_document(path), config())
    got = [{key: value.value for key, value in row.fields.items()} for row in reading.rows]
    assert got[0]["unit"] == "Hội Nông dân phường Hiệp Lợi"
    assert (got[1]["person_name"], got[1]["person_position"]) == ("Nguyễn Văn An", "Trưởng ấp")
    assert "unit" not in got[1] and "signer" not in reading.facts  # no signature under the list


def test_a_header_listing_its_values_in_parentheses_still_names_its_column(tmp_path):
    header = ["Số TT", "Tên mô hình", "Đơn vị thực hiện", "Lĩnh vực (KT, VH-XH, QP-AN, XDHTCT)"]
    rows = [["1", "Chợ văn minh", "Phường Lái Hiếu", "KT"], ["2", "Khu phố xanh", "Phường Lái Hiếu", "VH-XH"]]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl([header, *rows]))
    reading = read_list(read_document(path), config())
    assert [row.fields["field"].value for row in reading.rows] == ["Kinh tế", "Văn hóa - xã hội"]


def test_names_written_under_tap_the_and_ca_nhan_columns_give_the_unit_or_the_person(tmp_path):
    header = [
        [tc("STT", merge="restart"), tc("Tên mô hình", merge="restart"), tc("Tên tập thể, cá nhân", span=2)],
        [tc(merge="continue"), tc(merge="continue"), "Tập thể", "Cá nhân"],
    ]
    rows = [["1", "Chợ văn minh", "Phường Lái Hiếu", ""], ["2", "Sơ cứu", "", "Ông Nguyễn Văn An, Trưởng ấp"]]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl(header + rows))
    reading = read_list(read_document(path), config())
    got = [{key: value.value for key, value in row.fields.items()} for row in reading.rows]
    assert got == [
        {"model_name": "Chợ văn minh", "model_type": "Tập thể", "unit": "Phường Lái Hiếu"},
        {
            "model_name": "Sơ cứu",
            "model_type": "Cá nhân",
            "person_name": "Nguyễn Văn An",
            "person_position": "Trưởng ấp",
        },
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("NGUYỄN VĂN AN", [("person_name", "Nguyễn Văn An")]),
        ("Cá nhân: Nguyễn Văn An", [("person_name", "Nguyễn Văn An")]),
        (
            "Họ tên: Nguyễn Văn An\nChức vụ: Trưởng ấp",
            [("person_name", "Nguyễn Văn An"), ("person_position", "Trưởng ấp")],
        ),
        ("Tập thể: Chi bộ khu vực 3", [("unit", "Chi bộ khu vực 3")]),
        ("HỘI NÔNG DÂN PHƯỜNG LÁI HIẾU", [("unit", "HỘI NÔNG DÂN PHƯỜNG LÁI HIẾU")]),
    ],
)
def test_a_who_cell_with_its_own_labels_or_in_capitals_gives_the_person_or_the_unit(written, read):
    from pipeline.extract import Walk
    from pipeline.labels import recognizer_for
    from pipeline.listtable import cell_values

    walk = Walk(recognizer_for(()), config())
    column = walk.recognizer.recognise("Đơn vị/cá nhân thực hiện")
    assert cell_values(column, written, walk, config()) == read


def test_a_results_cell_starting_with_a_year_stays_the_results():
    from pipeline.extract import Walk
    from pipeline.labels import recognizer_for
    from pipeline.listtable import cell_values

    walk = Walk(recognizer_for(()), config())
    column = walk.recognizer.recognise("Kết quả đạt được")
    text = "Năm 2020: giúp 3 hộ thoát nghèo."
    assert cell_values(column, text, walk, config()) == [("results", text)]


def test_a_person_column_named_like_a_signer_names_the_person(tmp_path):
    header = ["STT", "Tên mô hình", "Người đăng ký", "Chức vụ", "Lĩnh vực"]
    rows = [
        ["1", "Sơ cứu tại nhà", "Nguyễn Văn An", "Y sĩ", "VH-XH"],
        ["2", "Tủ sách khu phố", "Lê Thị Hoa", "Giáo viên", "VH-XH"],
    ]
    path = write_docx(tmp_path / "ds.docx", p("DANH SÁCH ĐĂNG KÝ MÔ HÌNH NĂM 2020"), tbl([header, *rows]))
    reading = read_list(read_document(path), config())
    made = [list_fields(reading, row, config()) for row in reading.rows]
    assert [(row["person_name"].value, row["model_type"].value) for row in made] == [
        ("Nguyễn Văn An", "Cá nhân"),
        ("Lê Thị Hoa", "Cá nhân"),
    ]

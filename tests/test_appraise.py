"""Stage 5 on its own: from appraisal results to recognised models (every refusal, worded), the source
status of a row, and the workbook's rows and statuses across reruns."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import appraise, workbook
from pipeline.appraise import (
    CHANGED,
    MISSING,
    REJECTED,
    RESULT,
    SHEET,
    UNCHANGED,
    Proposal,
    read_results,
    recognised_models,
    source_status,
    update_workbook,
)
from pipeline.config import init_workspace, load_workspace
from pipeline.model import DvkError, Model


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return load_workspace(init_workspace(tmp_path_factory.mktemp("appraise") / "ws")).config


def proposal(id_: str, name: str = "Sổ vàng", rating: str = "Tốt", sha: str = "a" * 64) -> Proposal:
    return Proposal(
        id_, name, "Văn phòng Thành ủy", "Cấp thành phố", "Tập thể", "Kinh tế", rating, f"{id_}.docx", sha
    )


P1, P2, P3 = proposal("MH-1"), proposal("MH-2", "Đèn đường", "Khá"), proposal("MH-3", "Cá nhân")


def recognise(tmp_path: Path, config, results: dict | None, proposals=(P1, P2), rejected=None, person=None):
    path = tmp_path / "tham-dinh.xlsx"
    if results is not None:
        path.write_bytes(b"")  # present: the results given stand for what it holds
    return recognised_models(list(proposals), rejected or {}, path, config, person or {}, results)


def test_without_a_workbook_every_proposal_is_pending(tmp_path, config):
    with pytest.raises(appraise.AppraisalPending) as refused:
        recognise(tmp_path, config, None)
    assert refused.value.pending == ["MH-1", "MH-2"]
    assert str(refused.value) == (
        "Chưa lập được quyết định:\n"
        "- Còn 2 đề nghị chưa có kết quả thẩm định (MH-1, MH-2).\n"
        "- Chưa có sổ thẩm định tham-dinh.xlsx: chạy dvk check để lập sổ."
    )


def test_without_a_workbook_the_proposals_can_be_taken_as_results(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    recognition = recognised_models([P1, P2], {}, path, config, {}, as_proposed=True)
    assert [(m.id, m.rating) for m in recognition.models] == [("MH-1", "Tốt"), ("MH-2", "Khá")]
    assert recognition.notes == ["Chưa có sổ thẩm định tham-dinh.xlsx: lập theo mức đề nghị của đơn vị."]
    assert recognition.adopted == {}  # no workbook to write them into


def test_an_empty_result_is_pending_and_names_the_rows(tmp_path, config):
    proposals = [proposal(f"MH-{n}") for n in range(1, 8)]
    results = {"MH-1": "Tốt", **{f"MH-{n}": "" for n in range(2, 8)}}
    with pytest.raises(appraise.AppraisalPending) as refused:
        recognise(tmp_path, config, results, proposals)
    assert refused.value.pending == [f"MH-{n}" for n in range(2, 8)]
    assert str(refused.value) == (
        "Chưa lập được quyết định:\n"
        "- Còn 6 đề nghị chưa có kết quả thẩm định (MH-2, MH-3, MH-4, MH-5, MH-6, …)."
    )


def test_pending_rows_take_their_proposal_when_asked_and_say_so(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    path.write_bytes(b"")  # present: the results given stand for what it holds
    results = {"MH-1": "Khá", "MH-2": "", "MH-3": ""}
    recognition = recognised_models([P1, P2, P3], {}, path, config, {}, results, as_proposed=True)
    assert [(m.id, m.rating) for m in recognition.models] == [
        ("MH-1", "Khá"),
        ("MH-2", "Khá"),
        ("MH-3", "Tốt"),
    ]
    assert recognition.adopted == {"MH-2": "Khá", "MH-3": "Tốt"}
    assert recognition.notes == ["2 đề nghị chưa có kết quả thẩm định lấy mức đề nghị làm kết quả."]


def test_pending_rows_are_named_with_the_other_refusals(tmp_path, config):
    with pytest.raises(appraise.AppraisalPending) as refused:
        recognise(tmp_path, config, {"MH-1": "", "MH-2": "Giỏi"})
    assert str(refused.value) == (
        "Chưa lập được quyết định:\n"
        "- Còn 1 đề nghị chưa có kết quả thẩm định (MH-1).\n"
        '- MH-2: kết quả thẩm định "Giỏi" không thuộc Tốt, Khá, Không công nhận.'
    )


def test_an_empty_result_for_a_rejected_or_gone_file_decides_nothing(tmp_path, config):
    recognition = recognise(tmp_path, config, {"MH-1": "Tốt", "MH-2": "", "MH-9": ""}, (P1,), {"MH-2": ["x"]})
    assert [m.id for m in recognition.models] == ["MH-1"]


def test_results_are_applied_and_not_recognised_rows_left_out(tmp_path, config):
    recognition = recognise(
        tmp_path, config, {"MH-1": "khá", "MH-2": "Không công nhận", "MH-3": "TỐT"}, (P1, P2, P3),
        person={"MH-3": ("Lê Văn Tám", "Bí thư")},
    )  # fmt: skip
    assert recognition.models == [
        Model("MH-1", "Sổ vàng", "Văn phòng Thành ủy", "Cấp thành phố", "Tập thể", "Kinh tế", "Khá"),
        Model("MH-3", "Cá nhân", "Văn phòng Thành ủy", "Cấp thành phố", "Tập thể", "Kinh tế", "Tốt",
              person_name="Lê Văn Tám", person_position="Bí thư"),
    ]  # fmt: skip
    assert recognition.notes == []


@pytest.mark.parametrize(
    "results, rejected, reason",
    [
        (
            {"MH-1": "Tốt", "MH-2": "Khá"},
            {"MH-2": ["Thiếu mục bắt buộc.", "Năm sai."]},
            "MH-2 được đề nghị công nhận nhưng tệp còn lỗi: Thiếu mục bắt buộc.; Năm sai.",
        ),
        (
            {"MH-1": "Tốt", "MH-2": "Khá", "MH-9": "Tốt"},
            {},
            "Sổ thẩm định có mã MH-9 nhưng không còn tệp đề nghị nào ứng với mã này "
            '(xóa dòng hoặc ghi "Không công nhận").',
        ),
        (
            {"MH-1": "Tốt", "MH-2": "Xuất sắc"},
            {},
            'MH-2: kết quả thẩm định "Xuất sắc" không thuộc Tốt, Khá, Không công nhận.',
        ),
        ({"MH-1": "Tốt"}, {}, "MH-2 (MH-2.docx) chưa có trong sổ thẩm định: chạy lại dvk check."),
    ],
)
def test_every_reason_to_refuse_is_named(tmp_path, config, results, rejected, reason):
    with pytest.raises(DvkError) as refused:
        recognise(tmp_path, config, results, rejected=rejected)
    assert str(refused.value) == f"Chưa lập được quyết định:\n- {reason}"


def test_a_rejected_file_not_recognised_is_no_reason_to_refuse(tmp_path, config):
    recognition = recognise(
        tmp_path, config, {"MH-1": "Tốt", "MH-2": "Không công nhận"}, rejected={"MH-2": ["x"]}
    )
    assert [m.id for m in recognition.models] == ["MH-1"]


def test_all_refusals_are_listed_together(tmp_path, config):
    with pytest.raises(DvkError) as refused:
        recognise(tmp_path, config, {"MH-1": "Giỏi", "MH-9": "Tốt"})
    assert str(refused.value).count("\n- ") == 3


@pytest.mark.parametrize(
    "present, recorded, rejected, status",
    [
        (True, "a" * 16, False, UNCHANGED),
        (True, "b" * 16, False, CHANGED),
        (True, "a" * 64, False, CHANGED),  # the workbook keeps the first 16 digits only
        (False, "a" * 16, True, REJECTED),
        (False, "a" * 16, False, MISSING),
    ],
)
def test_source_status(present, recorded, rejected, status):
    assert source_status(P1 if present else None, recorded, rejected) == status


def test_statuses_words():
    assert (UNCHANGED, CHANGED, MISSING, REJECTED) == (
        "Không đổi",
        "Tệp đã thay đổi sau khi lập: kiểm tra lại",
        "Không còn trong inputs/",
        "Tệp nguồn bị loại khi kiểm tra lại: xem bao-cao-kiem-tra.xlsx",
    )


# ---------------------------------------------------------------------------- the workbook


def rows(path: Path) -> dict[str, dict]:
    sheet = load_workbook(path)[SHEET]
    values = list(sheet.iter_rows(values_only=True))
    return {row[0]: dict(zip(values[0], row, strict=False)) for row in values[1:]}


def test_workbook_rows_statuses_and_counts_across_reruns(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    assert update_workbook(path, [P1, P2], config) == appraise.WorkbookUpdate(path, 2, 0, 0)
    first = rows(path)
    assert first["MH-1"] == {
        "Mã đề nghị": "MH-1",
        "Tên mô hình": "Sổ vàng",
        "Đơn vị / cá nhân thực hiện": "Văn phòng Thành ủy",
        "Cấp": "Cấp thành phố",
        "Loại": "Tập thể",
        "Lĩnh vực": "Kinh tế",
        "Tự đánh giá": "Tốt",
        RESULT: None,  # the proposal is not the result: a person gives it
        "Ghi chú thẩm định": None,
        "Tệp nguồn": "MH-1.docx",
        "SHA-256 khi lập": "a" * 16,
        "Tình trạng tệp nguồn": UNCHANGED,
        "Đã công nhận những năm trước": None,  # no history: nothing recognised before
        "Tiêu biểu (ghi x)": None,  # the secretariat marks outstanding models; dvk never does
    }
    book = load_workbook(path)
    book[SHEET].cell(2, 8, "Khá")  # a person's appraisal
    book.save(path)
    edited = proposal("MH-1", sha="c" * 64)
    update = update_workbook(path, [edited, P3], config, rejected=frozenset({"MH-2"}))
    assert (update.added, update.changed, update.missing) == (1, 2, 0)
    again = rows(path)
    assert again["MH-1"][RESULT] == "Khá" and again["MH-1"]["Tình trạng tệp nguồn"] == CHANGED
    assert again["MH-2"]["Tình trạng tệp nguồn"] == REJECTED
    assert again["MH-3"]["Tình trạng tệp nguồn"] == UNCHANGED
    update = update_workbook(path, [edited, P3], config)  # MH-2 gone from inputs/, nothing to add
    assert (update.added, update.changed, update.missing) == (0, 1, 1)
    assert rows(path)["MH-2"]["Tình trạng tệp nguồn"] == MISSING
    assert rows(path)["MH-1"][RESULT] == "Khá"


def test_results_read_as_typed(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2, P3], config)
    book = load_workbook(path)
    sheet = book[SHEET]
    sheet.cell(2, 8, unicodedata.normalize("NFD", "  Khá  "))
    sheet.cell(4, 8, "tốt")
    sheet.cell(4, 1, " MH-3 ")
    book.save(path)
    assert read_results(path) == {"MH-1": "Khá", "MH-2": "", "MH-3": "tốt"}


def test_workbook_without_its_sheet_or_columns_is_refused(tmp_path, config):
    from openpyxl import Workbook

    path = tmp_path / "tham-dinh.xlsx"
    book = Workbook()
    book.active.title = "Trang khác"
    book.save(path)
    with pytest.raises(DvkError, match="không có trang"):
        read_results(path)
    book.active.title = SHEET
    book.active.append(["Tên mô hình"])
    book.save(path)
    with pytest.raises(DvkError, match='thiếu cột "Mã đề nghị" hoặc "Kết quả thẩm định"'):
        read_results(path)


def test_a_result_and_note_set_from_the_page_are_read_back(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2], config)
    appraise.set_result(path, "MH-2", "Không công nhận", "Trùng nội dung")
    assert read_results(path) == {"MH-1": "", "MH-2": "Không công nhận"}
    shown = {row["Mã đề nghị"]: row for row in appraise.read_rows(path)}
    assert (shown["MH-2"][RESULT], shown["MH-2"]["Ghi chú thẩm định"]) == (
        "Không công nhận",
        "Trùng nội dung",
    )
    assert shown["MH-1"]["Tên mô hình"] == "Sổ vàng" and list(shown) == ["MH-1", "MH-2"]
    with pytest.raises(DvkError, match="không có mã MH-9"):
        appraise.set_result(path, "MH-9", "Tốt", "")


def test_a_row_is_pending_until_it_has_a_result_and_its_file_is_there(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2, P3], config)
    update_workbook(path, [P1, P3], config)  # MH-2's file is gone: nothing to decide until it is back
    written = appraise.set_results(path, [("MH-1", "Khá", "Hạ loại"), ("MH-3", "Tốt", "")])
    assert written.missing == frozenset()
    shown = {row["Mã đề nghị"]: row for row in appraise.read_rows(path)}
    assert [appraise.is_pending(row) for row in shown.values()] == [False, False, False]
    appraise.set_results(path, [("MH-3", "", "")])
    shown = {row["Mã đề nghị"]: row for row in appraise.read_rows(path)}
    assert [appraise.is_pending(row) for row in shown.values()] == [False, False, True]
    assert appraise.is_gone(shown["MH-2"]) and not appraise.is_gone(shown["MH-1"])


def test_a_result_set_in_a_sheet_written_otherwise_goes_through_openpyxl(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1], config)
    assert not appraise.set_results_openpyxl(path, {"MH-1": ("Khá", "Hạ loại")})
    assert rows(path)["MH-1"][RESULT] == "Khá" and rows(path)["MH-1"]["Ghi chú thẩm định"] == "Hạ loại"
    assert not appraise.set_results_openpyxl(path, {"MH-1": ("", "")})
    assert rows(path)["MH-1"][RESULT] is None and rows(path)["MH-1"]["Ghi chú thẩm định"] is None
    assert appraise.set_results_openpyxl(path, {"MH-9": ("Tốt", "")}) == {"MH-9"}
    assert [row["Mã đề nghị"] for row in appraise.openpyxl_rows(path)] == ["MH-1"]


def test_row_values_tidy_the_id_and_result_only():
    assert appraise.row_values(
        {"Mã đề nghị": " MH-1 ", RESULT: " Khá  ", "Tên mô hình": "  A  B ", "Cấp": None}
    ) == {
        "Mã đề nghị": "MH-1",
        RESULT: "Khá",
        "Tên mô hình": "A  B",
        "Cấp": "",
    }


# ---------------------------------------------------------------------------- the byte paths


def entries(path: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def cell_style(path: Path, ref: str) -> str | None:
    from lxml import etree

    sheet = etree.fromstring(entries(path)["xl/worksheets/sheet1.xml"])
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    [cell] = sheet.xpath(f"//m:c[@r='{ref}']", namespaces=ns)
    return cell.get("s")


def test_a_result_set_from_the_page_changes_nothing_else(tmp_path, config, monkeypatch):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2], config)
    before = entries(path)
    monkeypatch.setattr(appraise, "set_results_openpyxl", lambda *args: pytest.fail("openpyxl path taken"))
    appraise.set_result(path, "MH-2", "Khá", "Ghi chú")
    after = entries(path)
    assert {name for name in before if before[name] != after[name]} == {"xl/worksheets/sheet1.xml"}
    assert cell_style(path, "H3") == cell_style(path, "I3") == cell_style(path, "A3")
    monkeypatch.undo()
    assert read_results(path)["MH-2"] == "Khá"


def test_the_page_reads_dvks_own_workbook_without_openpyxl(tmp_path, config, monkeypatch):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2], config)
    monkeypatch.setattr(appraise, "openpyxl_rows", lambda path: pytest.fail("openpyxl path taken"))
    assert [row["Mã đề nghị"] for row in appraise.read_rows(path)] == ["MH-1", "MH-2"]


def test_a_rerun_with_nothing_to_add_patches_the_status_cells_only(tmp_path, config, monkeypatch):
    path = tmp_path / "tham-dinh.xlsx"
    stay = proposal("MH-4", "Giữ nguyên")
    update_workbook(path, [P1, P2, stay], config)
    monkeypatch.setattr(appraise, "open_workbook", lambda *args, **kwargs: pytest.fail("openpyxl path taken"))
    moved = dataclasses.replace(proposal("MH-1", sha="c" * 64), source="khác/MH-1.docx")
    update = update_workbook(path, [moved, stay], config, rejected=frozenset({"MH-2"}))
    assert (update.added, update.changed, update.missing) == (0, 2, 0)
    monkeypatch.undo()
    sheet = load_workbook(path)[SHEET]
    statuses = {
        row[0].value: (row[11].value, row[11].fill.fgColor.rgb, row[9].value)
        for row in sheet.iter_rows(min_row=2)
    }
    assert statuses == {
        "MH-1": (CHANGED, "00FFF2CC", "khác/MH-1.docx"),
        "MH-2": (REJECTED, "00FFF2CC", "MH-2.docx"),
        "MH-4": (UNCHANGED, "00000000", "MH-4.docx"),
    }


def test_the_openpyxl_path_refreshes_sources_statuses_and_colours(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    stay = proposal("MH-4", "Giữ nguyên")
    update_workbook(path, [P1, stay], config)
    moved = dataclasses.replace(proposal("MH-1", sha="c" * 64), source="khác/MH-1.docx")
    update_workbook(path, [moved, stay, P3], config)  # a new row: openpyxl writes the sheet
    sheet = load_workbook(path)[SHEET]
    statuses = {
        row[0].value: (row[11].value, row[11].fill.fgColor.rgb, row[9].value)
        for row in sheet.iter_rows(min_row=2)
    }
    assert statuses["MH-1"] == (CHANGED, "00FFF2CC", "khác/MH-1.docx")
    assert statuses["MH-4"][:2] == (UNCHANGED, "00000000")
    update_workbook(path, [P1, stay, P3, proposal("MH-5")], config)  # MH-1 back as it was
    sheet = load_workbook(path)[SHEET]
    back = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "MH-1")
    assert (back[11].value, back[11].fill.fgColor.rgb) == (UNCHANGED, "00000000")


def test_results_are_read_from_the_workbook_when_not_given(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2], config)
    appraise.set_results(path, [("MH-1", "Tốt", ""), ("MH-2", "Không công nhận", "")])
    recognition = recognised_models([P1, P2], {}, path, config, {})
    assert [(m.id, m.rating) for m in recognition.models] == [("MH-1", "Tốt")]


def test_a_not_recognised_row_does_not_stop_the_checks_of_the_next(tmp_path, config):
    with pytest.raises(DvkError) as refused:
        recognise(tmp_path, config, {"MH-1": "Không công nhận", "MH-2": "Giỏi", "MH-9": "Tốt"})
    assert str(refused.value) == (
        "Chưa lập được quyết định:\n"
        '- MH-2: kết quả thẩm định "Giỏi" không thuộc Tốt, Khá, Không công nhận.\n'
        "- Sổ thẩm định có mã MH-9 nhưng không còn tệp đề nghị nào ứng với mã này "
        '(xóa dòng hoặc ghi "Không công nhận").'
    )


# ---------------------------------------------------------------------------- the new workbook and writing it


def test_a_new_workbook_offers_the_ratings_and_keeps_its_headers_in_view(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1], config)
    book = load_workbook(path)
    sheet, lists = book[SHEET], book["Danh mục"]
    header = sheet["A1"]
    assert (header.font.bold, header.alignment.wrap_text, header.alignment.vertical) == (True, True, "center")
    assert sheet.freeze_panes == "C2"
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row, 1).value for row in range(1, 4)] == ["Tốt", "Khá", "Không công nhận"]
    assert (lists["B1"].value, lists["B2"].value) == (CHANGED, UNCHANGED)
    [rule] = sheet.data_validations.dataValidation
    assert (rule.type, rule.formula1, rule.allow_blank, rule.showErrorMessage) == (
        "list",
        "'Danh mục'!$A$1:$A$3",
        False,
        True,
    )
    assert (rule.errorTitle, rule.error) == (
        "Giá trị không hợp lệ",
        "Chọn một trong: Tốt, Khá, Không công nhận.",
    )
    assert str(rule.sqref) == "H2:H1048576"


def test_a_workbook_saved_by_a_person_meanwhile_is_read_again(tmp_path, config, monkeypatch):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1], config)
    stamps = iter([("a",), ("b",), ("b",), ("b",)])  # the file changed once, between read and replace
    monkeypatch.setattr(workbook, "file_stamp", lambda path: next(stamps))
    assert update_workbook(path, [P1, P2], config).added == 1
    assert next(stamps, None) is None  # read, changed: read again, unchanged: written


def test_a_workbook_saved_again_and_again_is_left_alone(tmp_path, config, monkeypatch):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1], config)
    before = path.read_bytes()
    count = iter(range(100))
    monkeypatch.setattr(workbook, "file_stamp", lambda path: next(count))
    with pytest.raises(DvkError) as refused:
        update_workbook(path, [P1, P2], config)
    assert str(refused.value) == (
        f"Sổ thẩm định {path} được lưu lại nhiều lần trong lúc dvk ghi; dvk chưa ghi gì để không đè lên "
        "chỉnh sửa của người dùng. Lưu xong và đóng tệp trong Excel/LibreOffice rồi chạy lại dvk check."
    )
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tham-dinh.xlsx"]


def test_a_workbook_without_its_sheet_or_a_column_is_not_overwritten(tmp_path, config):
    from openpyxl import Workbook

    path = tmp_path / "tham-dinh.xlsx"
    book = Workbook()
    book.active.title = "Trang khác"
    book.save(path)
    with pytest.raises(DvkError) as refused:
        update_workbook(path, [P1], config)
    assert str(refused.value) == (
        f'Sổ thẩm định {path} không có trang "{SHEET}"; không ghi đè. Đổi tên hoặc chuyển tệp đi.'
    )
    update_workbook(tmp_path / "b.xlsx", [P1], config)
    book = load_workbook(tmp_path / "b.xlsx")
    book[SHEET]["D1"] = "Cấp công nhận"  # renamed by a person
    book[SHEET]["E1"] = None
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(DvkError) as refused:
        update_workbook(tmp_path / "b.xlsx", [P1, P2], config)
    assert (
        str(refused.value)
        == 'Sổ thẩm định b.xlsx thiếu cột "Cấp" ở hàng tiêu đề; khôi phục tên cột rồi chạy lại.'
    )


def test_rows_gone_from_inputs_are_counted_when_rows_are_added(tmp_path, config):
    path = tmp_path / "tham-dinh.xlsx"
    update_workbook(path, [P1, P2], config)
    update = update_workbook(path, [P3], config)
    assert (update.added, update.changed, update.missing) == (1, 0, 2)


def test_the_workbook_is_written_in_a_new_folder_leaving_nothing_else(tmp_path, config):
    path = tmp_path / "outputs" / "2020" / "tham-dinh.xlsx"
    update_workbook(path, [P1], config)
    assert [p.name for p in path.parent.iterdir()] == ["tham-dinh.xlsx"]


class FailingBook:
    def __init__(self, error: BaseException):
        self.error = error

    def save(self, name):
        Path(name).write_bytes(b"half")
        raise self.error


def test_a_failed_write_says_why_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "tham-dinh.xlsx"
    with pytest.raises(DvkError) as refused:
        workbook.save_atomically(FailingBook(PermissionError(13, "Permission denied")), path)
    assert str(refused.value).startswith(f"Không ghi được {path}")
    with pytest.raises(KeyboardInterrupt):
        workbook.save_atomically(FailingBook(KeyboardInterrupt()), path)
    assert list(tmp_path.iterdir()) == []

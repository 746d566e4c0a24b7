"""The rules both faces share, tested on the service directly: a number and a date go together, numbers have
limits, one date parser, a blank reason is refused; refusals carry what they need and their exit code."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest

from pipeline import service
from pipeline.archive.entries import ArchiveRefused
from pipeline.config import init_workspace, load_workspace
from pipeline.model import ConfigError, DvkError, ExitCode, InvalidInput, MissingTool, Need, NeedsInput
from pipeline.soffice import SofficeMissing


def test_a_number_and_a_date_are_read_as_a_clerk_types_them():
    assert service.number_and_date(" 123 ", "23/12/2020") == (123, date(2020, 12, 23))
    assert service.number_and_date("7", "2020-12-23") == (7, date(2020, 12, 23))
    assert service.number_and_date("", "ngày 23 tháng 12 năm 2020", both=False) == (None, date(2020, 12, 23))
    assert service.number_and_date("", "") == (None, None)


@pytest.mark.parametrize("text", ["0", "-3", "12a", "100000", "1.5"])
def test_a_number_outside_1_to_99999_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        service.document_number(text)
    assert str(refused.value) == f"Số văn bản phải là số nguyên dương đến 99999, không phải “{text}”."
    assert refused.value.needs == (Need.NUMBER,) and refused.value.exit_code == ExitCode.USAGE


def test_the_largest_number_is_accepted():
    assert service.document_number("99999") == 99_999


def test_an_impossible_date_is_refused():
    with pytest.raises(InvalidInput) as refused:
        service.document_date("31/02/2020")
    assert str(refused.value) == "Ngày “31/02/2020” không hợp lệ (dạng 23/12/2020)."
    assert refused.value.needs == (Need.DATE,)


@pytest.mark.parametrize(("number", "day"), [("5", ""), ("", "23/12/2020")])
def test_a_build_takes_a_number_and_a_date_together(number, day):
    with pytest.raises(InvalidInput) as refused:
        service.number_and_date(number, day)
    assert str(refused.value) == (
        "Ghi cả số và ngày (văn thư cấp số và ngày cùng lúc), hoặc để trống cả hai để lập dự thảo."
    )
    assert refused.value.needs == (Need.NUMBER, Need.DATE)


def test_build_campaign_refuses_a_number_without_a_date(tmp_path: Path):
    workspace = load_workspace(init_workspace(tmp_path / "ws"))
    with pytest.raises(InvalidInput, match="Ghi cả số và ngày"):
        service.build_campaign(workspace, number=5, issued=None)
    assert not (workspace.root / "dvk-register.sqlite3").exists()


def test_a_reason_not_given_is_none_and_a_blank_one_is_refused():
    assert service.given_reason(None, Need.REPLACE_REASON) is None
    assert service.given_reason("  Bản ký lại  ", Need.REPLACE_REASON) == "Bản ký lại"
    with pytest.raises(InvalidInput) as refused:
        service.given_reason(" \t", Need.UNSIGNED_REASON)
    assert str(refused.value) == "Lý do không được để trống: lý do được ghi vào nhật ký lưu trữ."
    assert refused.value.needs == (Need.UNSIGNED_REASON,)


def test_the_page_and_the_cli_refuse_a_blank_reason_alike(tmp_path: Path):
    workspace = load_workspace(init_workspace(tmp_path / "ws"))
    upload = service.Upload("qd.pdf", b"%PDF-1.7\n")
    with pytest.raises(InvalidInput, match="Lý do không được để trống"):
        service.archive_uploads(workspace, [upload], untrusted_reason="   ")
    with pytest.raises(InvalidInput, match="Lý do không được để trống"):
        service.archive_signed(workspace, [tmp_path / "qd.pdf"], replace_reason="")


def test_each_error_carries_its_exit_code():
    assert DvkError("x").exit_code == ExitCode.FAILED
    assert ConfigError("x").exit_code == ExitCode.USAGE
    assert InvalidInput("x", ()).exit_code == ExitCode.USAGE
    assert isinstance(SofficeMissing(), MissingTool) and SofficeMissing().exit_code == ExitCode.MISSING_TOOL


def test_a_refusal_keeps_what_it_needs_across_a_process_boundary():
    for error in (NeedsInput("Thiếu ngày.", (Need.DATE,)), ArchiveRefused("Từ chối.", [], (Need.CODE,))):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), again.needs) == (type(error), str(error), error.needs)
    assert pickle.loads(pickle.dumps(SofficeMissing())).exit_code == ExitCode.MISSING_TOOL

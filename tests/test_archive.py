"""Archiving signed decisions: signature reports, bags, numbering, replacement, verify, crash and concurrency.

The signed PDFs are real: a decision converted with LibreOffice (or built with pypdf when soffice is
missing) and signed with pyHanko by a throwaway EC CA made once per session (tests/pdfsign.py).

Crash hook: pipeline.archive.bags.SLOW_COPY_ENV (DVK_TEST_SLOW_COPY=<seconds>) makes `dvk archive` pause
halfway through copying the original into its staging bag, so a test can kill it mid-copy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import build, render
from pipeline.archive.bags import SLOW_COPY_ENV, archive_root
from pipeline.archive.eventlog import EVENTS_NAME, append_events, chain_breaks, log_head, read_events
from pipeline.archive.filing import archive_files
from pipeline.archive.numbering import date_on_page, number_on_page
from pipeline.archive.pdf import inspect_pdf
from pipeline.archive.register import open_register, record_drafts
from pipeline.archive.register_export import REGISTER_COLUMNS, outgoing_register, write_register_xlsx
from pipeline.archive.signature_policy import Acceptance
from pipeline.archive.signatures import parse_pdf_date
from pipeline.archive.verify import verify_archive
from pipeline.cli_archive import archive_command, register_command
from pipeline.config import Workspace, init_workspace, load_workspace
from pipeline.model import DvkError, Need, NeedsInput
from tests import signedcampaign
from tests.pdfsign import (
    append_incremental_update,
    byte_range,
    change_byte_in_signed_range,
    draft_pdf,
    fill_field_after_signing,
    scan_pdf,
    sign_pdf,
    text_pdf,
    with_number_field,
)
from tests.signedcampaign import (
    COMMUNE_LEVEL,
    EVERY_REASON,
    MODELS,
    SIGNER,
    issued_rows,
    model,
    put,
)

REPO = Path(__file__).resolve().parent.parent
CLI = (
    "import sys; from pipeline.cli_archive import archive_command; "
    "archive_command.main(sys.argv[1:], 'dvk archive')"
)
COMMUNE_SUBJECT = "Quyết định về việc công nhận mô hình “Dân vận khéo” cấp xã, phường năm 2020"

# The campaign, its signed PDFs, the CA and a fresh workspace (tests/signedcampaign.py).
pki, campaign, signed, workspace = (
    signedcampaign.pki,
    signedcampaign.campaign,
    signedcampaign.signed,
    signedcampaign.workspace,
)


# ---------------------------------------------------------------------------- signature reports


def test_valid_signature_is_trusted_with_the_right_signer(workspace, signed, campaign, tmp_path) -> None:
    pdf = put(tmp_path, "QĐ công nhận.pdf", signed["draft"])
    facts = inspect_pdf(workspace, signed["draft"], pdf.name)
    [entry] = archive_files(workspace, [pdf])
    assert (entry.signature, entry.signer, entry.code) == ("trusted", SIGNER, campaign.city)
    assert (entry.number, entry.symbol, entry.printed) == (1, "QĐ/TU", "01-QĐ/TU")
    # The draft leaves number and day blank: the number is the next free one, the date the signing day.
    assert entry.date == facts.signatures[0].signed_at.date()
    assert any("thu hồi" in note for note in entry.notes), "revocation must be reported as not checked"
    bag = workspace.root / entry.path
    assert entry.path == f"outputs/archive/{entry.date.year}/01-qd-tu"
    assert (bag / "data" / "01-qd-tu.pdf").read_bytes() == signed["draft"], "signed bytes must not change"
    assert bagit.Bag(str(bag)).validate()
    assert bagit.Bag(str(bag)).info["DVK-Signer"] == SIGNER
    events = [record["event"] for record in read_events(bag)]
    assert events == ["received", "hashed", "signature checked", "bagged", "fixity checked", "registered"]
    assert all(record["tool"].startswith("dvk ") and record["time"] for record in read_events(bag))


def test_a_tampered_pdf_is_refused_quarantined_and_takes_no_number(workspace, signed, tmp_path) -> None:
    data = change_byte_in_signed_range(signed["draft"])
    # Refused always: no reason option can let a broken signature through.
    [refused] = archive_files(workspace, [put(tmp_path, "sua.pdf", data)], acceptance=EVERY_REASON)
    assert (refused.outcome, refused.signature, refused.as_dict()["number"]) == ("refused", "tampered", None)
    assert "Từ chối lưu trữ sua.pdf: chữ ký số KHÔNG hợp lệ" in refused.reason
    assert issued_rows(workspace) == []
    kept = workspace.root / refused.quarantine
    assert refused.quarantine.startswith("outputs/archive/quarantine/")
    assert (kept / "sua.pdf").read_bytes() == data
    log = [(record["event"], record["outcome"]) for record in read_events(kept)]
    assert log[-1] == ("refused", "tampered") and log[0][0] == "received"
    assert chain_breaks(kept, log_head(kept / EVENTS_NAME)) == []
    assert verify_archive(workspace) == []
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert entry.number == 1, "the refused file used no number"


def test_a_signer_outside_the_trust_roots_is_refused_with_the_way_to_trust_it(
    workspace, campaign, pki, tmp_path
) -> None:
    pdf = put(tmp_path, "la.pdf", sign_pdf(campaign.pdfs["draft"], pki.stranger))
    [refused] = archive_files(workspace, [pdf])
    assert (refused.outcome, refused.signature, refused.signer) == ("refused", "untrusted", "Người Lạ")
    assert "do CA không tin cậy cấp" in refused.reason and "vào thư mục trust-roots/" in refused.reason
    assert refused.reason.endswith("hoặc nhận lưu trữ có ghi lý do.")
    assert refused.needs == (Need.UNTRUSTED_REASON,)
    assert refused.quarantine is None and issued_rows(workspace) == []
    # Trusting the stranger's root (the way the message gives) files it as trusted.
    (workspace.root / "trust-roots" / "ca-la.pem").write_bytes(pki.stranger.ca.pem())
    [entry] = archive_files(workspace, [pdf])
    assert (entry.outcome, entry.signature, entry.number) == ("archived", "trusted", 1)


def test_an_untrusted_signer_is_filed_only_with_a_reason_kept_in_the_log(
    workspace, campaign, pki, tmp_path
) -> None:
    pdf = put(tmp_path, "la.pdf", sign_pdf(campaign.pdfs["draft"], pki.stranger))
    reason = "Chứng thư của Ban Cơ yếu, đã đối chiếu"
    [entry] = archive_files(workspace, [pdf], acceptance=Acceptance(untrusted=reason))
    assert (entry.outcome, entry.signature, entry.number) == ("archived", "untrusted", 1)
    accepted = [r for r in read_events(workspace.root / entry.path) if r["event"] == "accepted with reason"]
    assert [(r["outcome"], r["detail"]["reason"]) for r in accepted] == [("untrusted", reason)]
    assert any(reason in note for note in outgoing_register(workspace)[0]["notes"])
    assert verify_archive(workspace) == []


def test_an_update_appended_after_signing_is_refused(workspace, signed, tmp_path) -> None:
    data = append_incremental_update(signed["draft"])
    assert data.startswith(signed["draft"]), "an incremental update keeps the signed bytes"
    [refused] = archive_files(workspace, [put(tmp_path, "them.pdf", data)], acceptance=EVERY_REASON)
    assert (refused.outcome, refused.signature) == ("refused", "modified-after-signing")
    assert "thay đổi được thêm vào sau khi ký mà chữ ký số không cho phép" in refused.reason
    assert issued_rows(workspace) == []


def test_form_filling_the_signature_permits_is_filed(workspace, campaign, pki, tmp_path) -> None:
    """pyHanko's modification analysis: the number typed into a form field after an approval signature
    is a change the signature permits; the same change after a no-changes certification is not."""
    form = with_number_field(campaign.pdfs["draft"])
    filled = fill_field_after_signing(sign_pdf(form, pki.signer), "123")
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", filled)])
    assert (entry.outcome, entry.signature) == ("archived", "trusted")
    assert any("thay đổi thuộc loại chữ ký cho phép" in note for note in entry.notes)
    locked = fill_field_after_signing(sign_pdf(form, pki.signer, no_changes=True), "124")
    [refused] = archive_files(workspace, [put(tmp_path, "qd-khoa.pdf", locked)], acceptance=EVERY_REASON)
    assert (refused.outcome, refused.signature) == ("refused", "modified-after-signing")


def test_without_trust_roots_a_valid_signature_is_untrusted(workspace, signed, tmp_path) -> None:
    shutil.rmtree(workspace.root / "trust-roots")
    [refused] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert (refused.outcome, refused.signature) == ("refused", "untrusted")
    assert any("chưa có chứng thư gốc" in note for note in refused.notes)


def test_a_der_trust_root_works_too(workspace, signed, pki, tmp_path) -> None:
    (workspace.root / "trust-roots" / "ca-thu-nghiem.pem").unlink()
    (workspace.root / "trust-roots" / "ca.cer").write_bytes(pki.trusted.der())
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert entry.signature == "trusted"


def test_a_scan_needs_a_reason_number_and_date_then_is_accepted(workspace, campaign, tmp_path) -> None:
    scan = put(tmp_path, "ban-quet.pdf", scan_pdf())
    [refused] = archive_files(workspace, [scan])
    assert (refused.outcome, refused.signature) == ("refused", "scan")
    assert "(bản quét cần ghi thêm số và ngày văn bản)" in refused.reason
    assert refused.needs == (Need.UNSIGNED_REASON, Need.NUMBER, Need.DATE)
    paper = Acceptance(unsigned="Bản giấy ký tay, đã đối chiếu")
    with pytest.raises(DvkError) as caught:
        archive_files(workspace, [scan], acceptance=paper)
    assert "bản quét" in str(caught.value) and "Hãy ghi rõ số và ngày văn bản" in str(caught.value)
    assert isinstance(caught.value, NeedsInput) and caught.value.needs == (Need.NUMBER, Need.DATE)
    # Two decision drafts have no number yet, so the scan must name its draft.
    with pytest.raises(DvkError, match="nhiều dự thảo chưa cấp số"):
        archive_files(workspace, [scan], number=12, issued=date(2020, 12, 23), acceptance=paper)
    [entry] = archive_files(
        workspace, [scan], number=12, issued=date(2020, 12, 23), code=campaign.commune, acceptance=paper
    )
    assert (entry.signature, entry.number, entry.date) == ("scan", 12, date(2020, 12, 23))
    assert entry.code == campaign.commune
    assert entry.path == "outputs/archive/2020/12-qd-tu"
    assert entry.signer == workspace.config.signer["name"]


def test_a_text_pdf_without_signature_is_unsigned(workspace, campaign, tmp_path) -> None:
    pdf = put(tmp_path, "xa.pdf", campaign.pdfs["commune"])
    [refused] = archive_files(workspace, [pdf], issued=date(2020, 12, 24))
    assert (refused.outcome, refused.signature) == ("refused", "unsigned")
    [entry] = archive_files(workspace, [pdf], issued=date(2020, 12, 24), acceptance=EVERY_REASON)
    assert (entry.signature, entry.code, entry.signer) == (
        "unsigned",
        campaign.commune,
        workspace.config.signer["name"],
    )


def test_an_unknown_code_is_refused(workspace, tmp_path) -> None:
    with pytest.raises(DvkError, match="không có dự thảo nào với mã"):
        archive_files(
            workspace, [put(tmp_path, "x.pdf", text_pdf(["DVK-2019-QD-ABCDEF01"]))], acceptance=EVERY_REASON
        )


def test_a_file_that_is_not_a_pdf_is_refused(workspace, tmp_path) -> None:
    with pytest.raises(DvkError, match="không phải tệp PDF"):
        archive_files(workspace, [put(tmp_path, "qd.pdf", b"PK\x03\x04 a docx")])


@pytest.mark.soffice
def test_the_numbered_libreoffice_copy_gives_number_and_date(workspace, signed, tmp_path) -> None:
    if "numbered" not in signed:
        pytest.skip("LibreOffice (soffice) is not installed: no Vietnamese text PDF to read")
    [entry] = archive_files(workspace, [put(tmp_path, "qd-123.pdf", signed["numbered"])])
    assert (entry.number, entry.date, entry.signature) == (123, date(2020, 12, 23), "trusted")
    with pytest.raises(DvkError, match=r"Số trên văn bản qd-123b.pdf \(123\) khác số đã ghi \(124\)"):
        archive_files(workspace, [put(tmp_path, "qd-123b.pdf", signed["numbered"] + b"\n")], number=124)


def test_number_and_date_are_read_from_the_page(workspace) -> None:
    config = workspace.config
    text = "THÀNH ỦY NGÃ BẢY\nSố 123-QĐ/TU\nNgã Bảy,  ngày 23 tháng 12\nnăm 2020"
    assert number_on_page(text, config, "QĐ/TU") == 123
    assert date_on_page(text, "Ngã Bảy") == date(2020, 12, 23)
    drafted = "Số      -QĐ/TU\nNgã Bảy, ngày    tháng 12 năm 2020"
    assert (number_on_page(drafted, config, "QĐ/TU"), date_on_page(drafted, "Ngã Bảy")) == (None, None)


def test_commune_decisions_are_numbered_by_their_own_body(tmp_path, pki) -> None:
    """decision.commune_decisions = "commune": each Đảng ủy numbers its own "QĐ/ĐU" decisions."""
    root = init_workspace(tmp_path / "ws")
    config = (root / "dvk.toml").read_text(encoding="utf-8")
    config = config.replace('= "issuer"', '= "commune"') + '\n[decision.commune]\nsigner = "Trần Văn Bảy"\n'
    (root / "dvk.toml").write_text(config, encoding="utf-8")
    workspace = load_workspace(root)
    models = [*MODELS, model(4, COMMUNE_LEVEL, "Phường Hiệp Thành")]
    documents = build.build_documents(workspace, models, 187)
    record_drafts(workspace, documents)
    communes = [d for d in documents if d.kind == "decision" and d.level == COMMUNE_LEVEL]
    entries = [
        archive_files(
            workspace,
            [put(tmp_path, f"{i}.pdf", sign_pdf(draft_pdf(d.path), pki.signer))],
            number=1,
            acceptance=Acceptance(untrusted="thử nghiệm"),
        )[0]
        for i, d in enumerate(communes)
    ]
    assert [(e.printed, e.signature) for e in entries] == [("01-QĐ/ĐU", "untrusted")] * 2
    assert len({e.path for e in entries}) == 2
    assert entries[0].path.startswith("outputs/archive/") and "dang-uy-phuong" in entries[0].path
    assert verify_archive(workspace) == []


# ---------------------------------------------------------------------------- same, different, replace


def test_the_same_file_twice_is_a_no_op_that_says_so(workspace, signed, tmp_path) -> None:
    pdf = put(tmp_path, "qd.pdf", signed["draft"])
    archive_files(workspace, [pdf])
    [again] = archive_files(workspace, [put(tmp_path, "ban-chep.pdf", signed["draft"])])
    assert again.outcome == "unchanged" and again.number == 1
    assert "không làm gì thêm" in again.notes[0]
    assert len(issued_rows(workspace)) == 1


def test_a_different_file_for_an_archived_number_needs_replace(workspace, signed, pki, tmp_path) -> None:
    [first] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    second = put(tmp_path, "qd-moi.pdf", sign_pdf(signed["draft"], pki.signer, field_name="ChuKy2"))
    with pytest.raises(
        NeedsInput, match="đã có bản lưu trữ khác.*lưu trữ lại có ghi lý do thay bản lưu"
    ) as caught:
        archive_files(workspace, [second])
    assert caught.value.needs == (Need.REPLACE_REASON,)
    [entry] = archive_files(workspace, [second], replace_reason="Bản ký lại do lỗi chính tả")
    assert (entry.outcome, entry.number, entry.path) == ("replaced", 1, first.path)
    [old_bag] = (archive_root(workspace) / "superseded" / str(first.date.year)).iterdir()
    assert (old_bag / "data" / "01-qd-tu.pdf").read_bytes() == signed["draft"], "the old file is kept"
    assert read_events(old_bag)[-1]["detail"]["reason"] == "Bản ký lại do lỗi chính tả"
    assert "replaced" in [record["event"] for record in read_events(workspace.root / entry.path)]
    assert verify_archive(workspace) == []
    [row] = outgoing_register(workspace)
    assert row["replaced"] == ["Bản ký lại do lỗi chính tả"]


def test_a_bag_with_a_file_open_is_not_superseded_and_nothing_is_lost(
    workspace, signed, pki, tmp_path, hold_open
) -> None:
    """Windows will not move a folder while a file in it is open (the signed PDF in a viewer)."""
    [first] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    bag = workspace.root / first.path
    [pdf] = (bag / "data").glob("*.pdf")
    hold_open(pdf)
    second = put(tmp_path, "qd-moi.pdf", sign_pdf(signed["draft"], pki.signer, field_name="ChuKy2"))
    with pytest.raises(DvkError, match=f"Không ghi được {bag}: tệp đang mở trong Excel, Word"):
        archive_files(workspace, [second], replace_reason="Bản ký lại")
    assert [row["replaced"] for row in outgoing_register(workspace)] == [[]]
    assert verify_archive(workspace) == [] and pdf.read_bytes() == signed["draft"]
    from pipeline.platform import constraints

    constraints.release(pdf)
    [entry] = archive_files(workspace, [second], replace_reason="Bản ký lại")
    assert entry.outcome == "replaced"


def test_a_used_number_is_refused(workspace, signed, tmp_path) -> None:
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])], number=5)
    commune = put(tmp_path, "xa.pdf", signed["commune"])
    with pytest.raises(DvkError, match="Số 05-QĐ/TU đã được cấp .* số tiếp theo còn trống là 6"):
        archive_files(workspace, [commune], number=5)
    [entry] = archive_files(workspace, [commune])
    assert entry.number == 6


def test_a_draft_gets_one_number_only(workspace, signed, pki, tmp_path) -> None:
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    other = sign_pdf(signed["draft"], pki.signer, field_name="ChuKy2")
    with pytest.raises(DvkError, match="đã được cấp số 01-QĐ/TU"):
        archive_files(workspace, [put(tmp_path, "qd2.pdf", other)], number=9, replace_reason="thử")


# ---------------------------------------------------------------------------- verify


def test_verify_names_changed_missing_and_extra_files(workspace, signed, tmp_path) -> None:
    [city] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    [commune] = archive_files(workspace, [put(tmp_path, "xa.pdf", signed["commune"])])
    assert verify_archive(workspace) == []
    payload = workspace.root / city.path / "data" / "01-qd-tu.pdf"
    payload.write_bytes(change_byte_in_signed_range(payload.read_bytes()))
    shutil.rmtree(workspace.root / commune.path)
    (workspace.root / city.path / "data" / "ghi-chu.txt").write_text("thêm", encoding="utf-8")
    (archive_root(workspace) / "2020").mkdir(exist_ok=True)
    (archive_root(workspace) / "2020" / "la.pdf").write_bytes(b"%PDF-")
    codes = sorted((problem.code, problem.where) for problem in verify_archive(workspace))
    assert codes == sorted(
        [
            ("archive-file-changed", city.path),
            ("archive-register-mismatch", city.path),
            ("archive-extra", city.path),
            ("archive-missing", commune.path),
            ("archive-extra", "outputs/archive/2020/la.pdf"),
        ]
    )


def test_verify_cli_exit_codes_and_messages(workspace, signed, tmp_path) -> None:
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    runner = CliRunner()
    ok = runner.invoke(archive_command, ["verify", "-w", str(workspace.root)])
    assert ok.exit_code == 0, ok.output
    (workspace.root / entry.path / "bag-info.txt").write_text("Source-Organization: khác\n", encoding="utf-8")
    bad = runner.invoke(archive_command, ["-w", str(workspace.root), "verify", "--json"])
    assert bad.exit_code == 1
    report = json.loads(bad.stdout)
    assert report["ok"] is False
    assert report["problems"][0]["message"].startswith(
        "Tệp bag-info.txt trong gói của 01-QĐ/TU đã bị thay đổi"
    )


def damage_records(bag: Path, how: str) -> None:
    """The damage to a bag's own records that `dvk archive verify` must catch (issue 12, fault 6)."""
    log = bag / EVENTS_NAME
    if how == "tagmanifest deleted":
        (bag / "tagmanifest-sha256.txt").unlink()
    elif how == "event log deleted":
        log.unlink()
    elif how == "event log line deleted":
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        log.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")
    elif how == "event log last line deleted":
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        log.write_text("".join(lines[:-1]), encoding="utf-8")
    elif how == "event log edited":
        log.write_text(log.read_text(encoding="utf-8").replace('"trusted"', '"untrusted"'), encoding="utf-8")
    elif how == "event log rewritten with a valid chain":
        records = [{k: v for k, v in r.items() if k != "prev"} for r in read_events(bag)]
        log.unlink()
        append_events(bag, [r for r in records if r["event"] != "signature checked"])
    elif how == "junk manifest":
        (bag / "manifest-md5.txt").write_text("", encoding="utf-8")
    elif how == "junk tagmanifest":
        (bag / "tagmanifest-sha512.txt").write_text("abc bag-info.txt\n", encoding="utf-8")
    elif how == "tagmanifest deleted and bag-info edited":
        (bag / "tagmanifest-sha256.txt").unlink()
        info = bag / "bag-info.txt"
        info.write_text(info.read_text(encoding="utf-8").replace("DVK-Number: 1", "DVK-Number: 7"), "utf-8")
    elif how == "bag-info edited and tagmanifest recomputed":
        info = bag / "bag-info.txt"
        info.write_text(info.read_text(encoding="utf-8").replace("DVK-Number: 1", "DVK-Number: 7"), "utf-8")
        remade = bagit.Bag(str(bag))
        remade.save(manifests=False)
    else:
        raise AssertionError(how)


RECORD_DAMAGE = [
    "tagmanifest deleted",
    "event log deleted",
    "event log line deleted",
    "event log last line deleted",
    "event log edited",
    "event log rewritten with a valid chain",
    "junk manifest",
    "junk tagmanifest",
    "tagmanifest deleted and bag-info edited",
    "bag-info edited and tagmanifest recomputed",
]


@pytest.mark.parametrize("how", RECORD_DAMAGE)
def test_verify_catches_damage_to_the_bags_own_records(workspace, signed, tmp_path, how) -> None:
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert verify_archive(workspace) == []
    damage_records(workspace.root / entry.path, how)
    problems = verify_archive(workspace)
    assert problems, f"verify missed: {how}"
    assert all(problem.where == entry.path for problem in problems)


def test_the_event_log_head_follows_a_replacement(workspace, signed, pki, tmp_path) -> None:
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    second = put(tmp_path, "qd-moi.pdf", sign_pdf(signed["draft"], pki.signer, field_name="ChuKy2"))
    archive_files(workspace, [second], replace_reason="Ký lại")
    assert verify_archive(workspace) == []
    [old_bag] = (archive_root(workspace) / "superseded").glob("*/*")
    damage_records(old_bag, "event log last line deleted")
    assert [p.code for p in verify_archive(workspace)] == ["archive-record-damaged"]


# ---------------------------------------------------------------------------- CLI and register


def test_archive_cli_prints_the_json_contract(workspace, signed, campaign, tmp_path) -> None:
    pdf = put(tmp_path, "qd.pdf", signed["draft"])
    result = CliRunner().invoke(archive_command, [str(pdf), "-w", str(workspace.root), "--json"])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["entries"]
    contract = {"code", "number", "symbol", "date", "subject", "signature", "signer", "sha256", "path"}
    assert contract <= set(entry)
    assert (entry["code"], entry["signature"], entry["signer"]) == (campaign.city, "trusted", SIGNER)


def test_archive_cli_refuses_with_a_vietnamese_message(workspace, tmp_path) -> None:
    scan = put(tmp_path, "quet.pdf", scan_pdf())
    result = CliRunner().invoke(
        archive_command, [str(scan), "-w", str(workspace.root), "--date", "31/02/2020"]
    )
    assert result.exit_code == 2
    assert "Lỗi: Ngày “31/02/2020” không hợp lệ (dạng 23/12/2020). (tùy chọn: --date NGÀY)" in result.output
    result = CliRunner().invoke(
        archive_command, [str(scan), "-w", str(workspace.root), "--accept-unsigned", "bản giấy ký tay"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: Tệp quet.pdf là bản quét")


def test_archive_cli_json_shows_refusals_and_exits_4(workspace, signed, tmp_path) -> None:
    good = put(tmp_path, "qd.pdf", signed["draft"])
    bad = put(tmp_path, "sua.pdf", change_byte_in_signed_range(signed["commune"]))
    result = CliRunner().invoke(archive_command, [str(bad), str(good), "-w", str(workspace.root), "--json"])
    assert result.exit_code == 4, result.output
    entries = json.loads(result.stdout)["entries"]
    assert [(e["outcome"], e["signature"], e["number"]) for e in entries] == [
        ("refused", "tampered", None),
        ("archived", "trusted", 1),
    ]
    assert entries[0]["reason"].startswith("Từ chối lưu trữ sua.pdf") and entries[0]["path"]
    assert "1 tệp bị từ chối lưu trữ" in result.stderr
    blank = CliRunner().invoke(
        archive_command, [str(good), "-w", str(workspace.root), "--accept-unsigned", " "]
    )
    assert blank.exit_code == 2
    assert "Lỗi: Lý do không được để trống: lý do được ghi vào nhật ký lưu trữ." in blank.stderr
    assert '(tùy chọn: --accept-unsigned "LÝ DO")' in blank.stderr


def test_register_json_and_xlsx_have_the_ten_columns(workspace, signed, campaign, tmp_path) -> None:
    archive_files(
        workspace,
        [put(tmp_path, "quet.pdf", scan_pdf())],
        number=3,
        issued=date(2020, 12, 2),
        code=campaign.commune,
        acceptance=EVERY_REASON,
    )
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    result = CliRunner().invoke(
        register_command, ["-w", str(workspace.root), "--json", "--xlsx", str(tmp_path / "so.xlsx")]
    )
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)["entries"]
    assert [(e["number"], e["signature"]) for e in entries] == [(3, "scan"), (4, "trusted")]
    sheet = load_workbook(tmp_path / "so.xlsx").active
    assert [cell.value for cell in sheet[2]] == list(REGISTER_COLUMNS)
    assert len(REGISTER_COLUMNS) == 10
    first = [cell.value for cell in sheet[4]]
    assert first[:4] == ["03-QĐ/TU", "02/12/2020", COMMUNE_SUBJECT, workspace.config.signer["name"]]
    assert first[4].startswith("Ban Dân vận Tỉnh ủy; ") and first[5] == "Văn phòng Thành ủy"
    assert first[9].startswith("Bản quét")
    assert sheet.max_row == 5


def test_register_xlsx_replaces_the_file_atomically(workspace, tmp_path) -> None:
    target = tmp_path / "so.xlsx"
    target.write_bytes(b"old")
    write_register_xlsx(workspace, target)
    assert load_workbook(target).active["A2"].value == REGISTER_COLUMNS[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------------------- final numbered copies


def test_issuing_makes_numbered_copies_and_leaves_the_drafts(workspace, signed, campaign, tmp_path) -> None:
    draft, listing = workspace.root / campaign.city_path, workspace.root / campaign.list_path
    before = (draft.read_bytes(), listing.read_bytes())
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert (draft.read_bytes(), listing.read_bytes()) == before, "the drafts stay as they were"
    final = render.read_back(draft.with_name(f"{draft.stem}-so-1.docx"))
    assert final.tables[0][1][0] == "Số 01-QĐ/TU"
    final_list = render.read_back(listing.with_name(f"{listing.stem}-so-1.docx"))
    month = f"{entry.date.month:02d}" if entry.date.month < 3 else str(entry.date.month)
    day = f"{entry.date.day:02d}/{month}/{entry.date.year}"  # NĐ 30: "08/12/2026", "05/02/2021"
    cited = [p.replace("\xa0", " ").strip() for p in final_list.paragraphs]  # the name kept on one line
    assert f"(Kèm theo Quyết định số 01-QĐ/TU, ngày {day} của Ban Thường vụ Thành ủy)" in cited
    assert sum(note.startswith("Đã tạo bản có số") for note in entry.notes) == 3  # with the certificates
    conn = open_register(workspace)
    copies = json.loads(conn.execute("SELECT final_copies FROM issued").fetchone()[0])
    conn.close()
    assert [copy["code"] for copy in copies][:2] == [campaign.city, campaign.city_list]
    assert [copy["kind"] for copy in copies] == ["decision", "list", "certificates"]


def test_a_broken_template_is_a_note_not_a_lost_archive(workspace, signed, tmp_path) -> None:
    (workspace.templates / "quyet-dinh.docx").write_bytes(b"not a docx")
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert any(note.startswith("Chưa tạo được bản chính thức có số 01-QĐ/TU") for note in entry.notes)
    # The archive holds; verify names the copies still to make (a rerun makes them once the template is
    # fixed).
    assert [problem.code for problem in verify_archive(workspace)] == ["final-copy-missing"] * 2


# ---------------------------------------------------------------------------- crash and concurrency


def run_cli(workspace: Workspace, *args: str, slow: float = 0) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != SLOW_COPY_ENV}
    if slow:
        env[SLOW_COPY_ENV] = str(slow)
    command = [sys.executable, "-c", CLI, *args, "-w", str(workspace.root)]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_run_killed_mid_copy_leaves_no_half_written_entry(workspace, signed, tmp_path) -> None:
    pdf = put(tmp_path, "qd.pdf", signed["draft"])
    process = run_cli(workspace, str(pdf), slow=60)
    staging = archive_root(workspace) / ".staging"
    deadline = time.monotonic() + 30
    while not list(staging.glob("*/bag/*.pdf")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the archive run never reached the copy"
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert verify_archive(workspace) == []
    assert issued_rows(workspace) == []
    assert not [p for p in archive_root(workspace).iterdir() if p.name != ".staging"]
    [entry] = archive_files(workspace, [pdf])
    assert entry.number == 1
    assert list(staging.iterdir()) == [], "the killed run's staging folder is cleared by the next run"
    assert verify_archive(workspace) == []


def test_two_concurrent_runs_queue_and_never_share_a_number(workspace, signed, tmp_path) -> None:
    city = put(tmp_path, "qd.pdf", signed["draft"])
    commune = put(tmp_path, "xa.pdf", signed["commune"])
    # Each run holds the write lock for at least 0.2 s (the copy pause), so the other must wait for it.
    processes = [run_cli(workspace, str(pdf), "--json", slow=0.2) for pdf in (city, commune)]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    numbers = sorted(json.loads(out)["entries"][0]["number"] for out, _ in outputs)
    assert numbers == [1, 2]
    conn = open_register(workspace)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert verify_archive(workspace) == []


def test_two_concurrent_runs_asking_for_one_number_get_one_refusal(workspace, signed, tmp_path) -> None:
    pdfs = [put(tmp_path, "qd.pdf", signed["draft"]), put(tmp_path, "xa.pdf", signed["commune"])]
    processes = [run_cli(workspace, str(pdf), "--number", "7", slow=0.2) for pdf in pdfs]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert sorted(process.returncode for process in processes) == [0, 1], outputs
    refusal = next(err for (_, err), process in zip(outputs, processes, strict=True) if process.returncode)
    assert "Số 07-QĐ/TU đã được cấp" in refusal
    assert [row[0] for row in issued_rows(workspace)] == [7]
    assert verify_archive(workspace) == []


def test_the_register_database_stays_consistent_under_the_lock(workspace) -> None:
    """A second connection cannot write while a BEGIN IMMEDIATE transaction is open (it would wait)."""
    first = open_register(workspace)
    second = sqlite3.connect(workspace.root / "dvk-register.sqlite3", timeout=0.1, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("BEGIN IMMEDIATE")
    first.execute("ROLLBACK")
    second.execute("BEGIN IMMEDIATE")
    second.execute("ROLLBACK")
    first.close()
    second.close()


def test_signed_range_helper_really_changes_a_signed_byte(signed) -> None:
    data = signed["draft"]
    changed = change_byte_in_signed_range(data)
    differing = [index for index, (a, b) in enumerate(zip(data, changed, strict=True)) if a != b]
    assert len(differing) == 1 and differing[0] < byte_range(data)[1]


def test_pdf_signing_times_are_parsed_with_their_zone() -> None:
    assert parse_pdf_date("D:20201223091500+07'00'") == datetime(
        2020, 12, 23, 9, 15, tzinfo=timezone(timedelta(hours=7))
    )
    assert parse_pdf_date("D:20201223") == datetime(2020, 12, 23)
    assert parse_pdf_date("23/12/2020") is None


def test_the_event_log_is_a_tag_file_outside_the_manifests(workspace, signed, tmp_path) -> None:
    """RFC 8493 §2.2.4: tag files need not be in the tag manifest, so the log can grow after bagging."""
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    bag = bagit.Bag(str(workspace.root / entry.path))
    assert EVENTS_NAME not in bag.entries and "bag-info.txt" in bag.entries


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="this system has no FIFOs (named pipes)")
def test_a_fifo_given_to_archive_is_refused_without_being_opened(workspace, tmp_path) -> None:
    os.mkfifo(tmp_path / "ong.pdf")
    with pytest.raises(DvkError, match="không phải tệp thông thường"):
        archive_files(workspace, [tmp_path / "ong.pdf"])
    with pytest.raises(DvkError, match="không tồn tại"):
        archive_files(workspace, [tmp_path / "khong-co.pdf"])


def test_a_bag_filed_before_logs_were_chained_verifies_and_can_be_replaced(
    workspace, signed, pki, tmp_path
) -> None:
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    bag = workspace.root / entry.path
    records = [{k: v for k, v in r.items() if k != "prev"} for r in read_events(bag)]
    (bag / EVENTS_NAME).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8"
    )
    conn = open_register(workspace)
    conn.execute("UPDATE issued SET events_head = NULL")  # as migration 0002 leaves an older bag
    conn.close()
    assert verify_archive(workspace) == []
    second = put(tmp_path, "qd-moi.pdf", sign_pdf(signed["draft"], pki.signer, field_name="ChuKy2"))
    archive_files(workspace, [second], replace_reason="Ký lại")
    assert verify_archive(workspace) == [], "the old log's unchained lines, then chained ones"
    [old_bag] = (archive_root(workspace) / "superseded").glob("*/*")
    damage_records(old_bag, "event log last line deleted")
    assert [p.code for p in verify_archive(workspace)] == ["archive-record-damaged"]

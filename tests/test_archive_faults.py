"""The archive's faults of issue 19 (3, 4, 5 and 8), each pinned by the test that found it.

A signed list filed and numbered as its decision; a forged footer code taking another draft's
number; numbered copies lost to a kill right after the register commit; and what `dvk archive
verify` did not see. The campaign, the signed PDFs and the throwaway CA are those of test_archive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.archive.bags import archive_root
from pipeline.archive.eventlog import EVENTS_NAME
from pipeline.archive.filing import PAUSE_AFTER_COMMIT_ENV, archive_files
from pipeline.archive.register import file_sha256, open_register
from pipeline.archive.register_export import outgoing_register
from pipeline.archive.verify import verify_archive
from pipeline.cli_archive import archive_command
from pipeline.config import Workspace
from pipeline.model import DvkError, Need
from tests import signedcampaign
from tests.pdfsign import draft_pdf, scan_pdf, sign_pdf
from tests.signedcampaign import CITY_LEVEL, COMMUNE_LEVEL, EVERY_REASON, issued_rows, put

REPO = Path(__file__).resolve().parent.parent

# The campaign, its signed PDFs, the CA and a fresh workspace (tests/signedcampaign.py).
pki, campaign, signed, workspace = (
    signedcampaign.pki,
    signedcampaign.campaign,
    signedcampaign.signed,
    signedcampaign.workspace,
)


def drafted(workspace: Workspace, campaign, kind: str, level: str | None = CITY_LEVEL) -> Path:
    """The workspace's own copy of a draft .docx."""
    document = next(d for d in campaign.documents if d.kind == kind and d.level == level)
    return workspace.root / document.path.relative_to(campaign.root)


def code_of(campaign, kind: str, level: str | None = CITY_LEVEL) -> str:
    return next(d.code for d in campaign.documents if d.kind == kind and d.level == level)


def signed_draft(workspace, campaign, pki, kind, level=CITY_LEVEL, replace=None) -> bytes:
    return sign_pdf(draft_pdf(drafted(workspace, campaign, kind, level), replace), pki.signer)


def final_copies(workspace: Workspace) -> dict[str, list[dict]]:
    conn = open_register(workspace)
    rows = conn.execute("SELECT code, final_copies FROM issued").fetchall()
    conn.close()
    return {row[0]: json.loads(row[1]) for row in rows}


# ---------------------------------------------------------------------------- fault 3: lists


def test_a_signed_list_alone_is_not_numbered_as_its_decision(workspace, campaign, pki, tmp_path) -> None:
    listing = put(tmp_path, "ds.pdf", signed_draft(workspace, campaign, pki, "list"))
    [waiting] = archive_files(workspace, [listing])
    assert (waiting.outcome, waiting.as_dict()["number"]) == ("refused", None)
    assert waiting.reason == (
        f"Chưa lưu trữ ds.pdf: đây là danh sách kèm theo quyết định mã {campaign.city}, quyết định này chưa "
        "được lưu trữ. Danh sách không có số riêng: hãy lưu trữ tệp quyết định trước (có thể trong cùng một "
        "lần), danh sách sẽ được lưu kèm theo quyết định."
    )
    assert issued_rows(workspace) == [], "no number was used"
    decision = put(tmp_path, "qd.pdf", signed_draft(workspace, campaign, pki, "decision"))
    [filed] = archive_files(workspace, [decision])
    assert (filed.outcome, filed.code, filed.printed) == ("archived", campaign.city, "01-QĐ/TU")
    [attached] = archive_files(workspace, [listing])
    assert (attached.outcome, attached.code, attached.printed) == ("attached", campaign.city_list, "01-QĐ/TU")
    assert attached.path == "outputs/archive/" + filed.path.split("/", 2)[2] + "-danh-sach"
    assert issued_rows(workspace) == [(1, "QĐ/TU", campaign.city, "trusted")]
    [again] = archive_files(workspace, [listing])
    assert again.outcome == "unchanged" and again.printed == "01-QĐ/TU"
    assert verify_archive(workspace) == []


def test_decisions_are_filed_before_their_lists_whatever_the_order(
    workspace, campaign, pki, tmp_path
) -> None:
    files = [
        put(tmp_path, "a-ds-thanh-pho.pdf", signed_draft(workspace, campaign, pki, "list")),
        put(tmp_path, "a-ds-xa.pdf", signed_draft(workspace, campaign, pki, "list", COMMUNE_LEVEL)),
        put(tmp_path, "b-qd-thanh-pho.pdf", signed_draft(workspace, campaign, pki, "decision")),
        put(tmp_path, "b-qd-xa.pdf", signed_draft(workspace, campaign, pki, "decision", COMMUNE_LEVEL)),
    ]
    entries = archive_files(workspace, files)
    assert [(e.outcome, e.code, e.printed) for e in entries] == [
        ("archived", campaign.city, "01-QĐ/TU"),
        ("archived", campaign.commune, "02-QĐ/TU"),
        ("attached", campaign.city_list, "01-QĐ/TU"),
        ("attached", code_of(campaign, "list", COMMUNE_LEVEL), "02-QĐ/TU"),
    ]
    assert issued_rows(workspace) == [
        (1, "QĐ/TU", campaign.city, "trusted"),
        (2, "QĐ/TU", campaign.commune, "trusted"),
    ]
    assert verify_archive(workspace) == []


def test_a_list_filed_again_differently_needs_replace_and_keeps_the_old_file(
    workspace, campaign, pki, tmp_path
) -> None:
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed_draft(workspace, campaign, pki, "decision"))])
    first = signed_draft(workspace, campaign, pki, "list")
    [attached] = archive_files(workspace, [put(tmp_path, "ds.pdf", first)])
    second = put(tmp_path, "ds-ky-lai.pdf", sign_pdf(first, pki.signer, field_name="ChuKy2"))
    with pytest.raises(DvkError) as refused:
        archive_files(workspace, [second])
    assert str(refused.value) == (
        "Danh sách kèm theo 01-QĐ/TU đã có bản lưu trữ khác (ds.pdf). Nếu ds-ky-lai.pdf là bản đúng, "
        "lưu trữ lại có ghi lý do thay bản lưu; bản cũ được giữ trong archive/superseded/."
    )
    assert refused.value.needs == (Need.REPLACE_REASON,)
    [replaced] = archive_files(workspace, [second], replace_reason="Ký lại")
    assert (replaced.outcome, replaced.kind, replaced.path) == ("replaced", "list", attached.path)
    [old] = (archive_root(workspace) / "superseded").glob("*/*")
    assert (old / "data" / "01-qd-tu-danh-sach.pdf").read_bytes() == first, "the old file is kept"
    assert verify_archive(workspace) == []
    assert outgoing_register(workspace)[0]["replaced"] == ["danh sách: Ký lại"]


def test_a_scanned_list_named_by_its_code_is_not_numbered_as_its_decision(
    workspace, campaign, tmp_path
) -> None:
    scan = put(tmp_path, "ds-quet.pdf", scan_pdf())
    options = {"issued": date(2020, 12, 23), "code": campaign.city_list, "acceptance": EVERY_REASON}
    [waiting] = archive_files(workspace, [scan], number=1, **options)
    assert waiting.outcome == "refused" and waiting.reason.startswith(
        "Chưa lưu trữ ds-quet.pdf: đây là danh sách"
    )
    assert issued_rows(workspace) == []
    archive_files(
        workspace,
        [put(tmp_path, "qd.pdf", scan_pdf() + b"\n")],
        number=1,
        **{**options, "code": campaign.city},
    )
    with pytest.raises(DvkError, match="số hoặc ngày ghi kèm khác số, ngày của quyết định"):
        archive_files(workspace, [scan], number=2, **options)
    [attached] = archive_files(workspace, [scan], number=1, **options)
    assert (attached.outcome, attached.code, attached.printed) == ("attached", campaign.city_list, "01-QĐ/TU")


def test_the_certificate_file_gets_a_true_status(workspace, campaign, pki, tmp_path) -> None:
    folder = tmp_path / "signed"
    folder.mkdir()
    for kind, level in [("list", CITY_LEVEL), ("decision", CITY_LEVEL), ("certificates", None)]:
        put(folder, f"{kind}.pdf", signed_draft(workspace, campaign, pki, kind, level))
    paths = [str(path) for path in sorted(folder.iterdir())]
    result = CliRunner().invoke(archive_command, [*paths, "-w", str(workspace.root), "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)["entries"]
    assert [(e["outcome"], e["code"], e["number"]) for e in entries] == [
        ("archived", campaign.city, 1),
        ("attached", campaign.city_list, 1),
        ("skipped", code_of(campaign, "certificates", None), None),
    ]
    assert entries[2]["reason"] == (
        f"Bỏ qua certificates.pdf: đây là giấy chứng nhận (mã {code_of(campaign, 'certificates', None)}); "
        "giấy chứng nhận không vào sổ văn bản đi và không được lưu trữ trong kho, không dùng số nào."
    )
    assert "không có quyết định cùng đợt lập" not in result.output


# ---------------------------------------------------------------------------- fault 4: the text


def test_a_forged_footer_code_is_refused_like_a_tampered_file(workspace, campaign, pki, tmp_path) -> None:
    """The commune decision's text under the city decision's code: the code alone would give it a number."""
    forged = signed_draft(
        workspace, campaign, pki, "decision", COMMUNE_LEVEL, replace={campaign.commune: campaign.city}
    )
    [refused] = archive_files(workspace, [put(tmp_path, "gia.pdf", forged)], acceptance=EVERY_REASON)
    assert (refused.outcome, refused.code, refused.as_dict()["number"]) == ("refused", campaign.city, None)
    assert refused.reason == (
        f"Từ chối lưu trữ gia.pdf: nội dung tệp không khớp dự thảo mang mã {campaign.city} "
        "(Quyết định về việc công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020): không thấy trích yếu "
        "“về việc công nhận mô hình “Dân vận khéo” cấp thành phố năm 2020”; số lượng “Công nhận 02 (hai) mô "
        "hình “Dân vận khéo” cấp thành phố năm 2020 (gồm 02 mô hình tập thể; xếp loại Tốt 02 mô hình), có "
        "danh sách kèm theo.”. Mã bị ghi sai hoặc bị giả, hoặc văn bản đã bị sửa sau khi lập dự thảo: văn "
        "bản không được cấp số; tệp được giữ riêng trong outputs/archive/quarantine/ để đối chiếu."
    )
    assert refused.quarantine and (workspace.root / refused.quarantine).is_dir()
    assert issued_rows(workspace) == []
    assert verify_archive(workspace) == []


def test_a_list_under_a_decision_code_is_refused(workspace, campaign, pki, tmp_path) -> None:
    code = campaign.city_list
    forged = signed_draft(workspace, campaign, pki, "list", replace={code: campaign.city})
    [refused] = archive_files(workspace, [put(tmp_path, "ds.pdf", forged)])
    assert refused.outcome == "refused" and "không thấy tên loại “QUYẾT ĐỊNH”" in refused.reason
    assert issued_rows(workspace) == []


def test_changed_counts_are_refused(workspace, campaign, pki, tmp_path) -> None:
    changed = signed_draft(
        workspace, campaign, pki, "decision", replace={"Công nhận 02 (hai)": "Công nhận 12"}
    )
    [refused] = archive_files(workspace, [put(tmp_path, "qd.pdf", changed)])
    assert refused.outcome == "refused" and "không thấy số lượng “Công nhận 02 (hai)" in refused.reason


def test_a_text_pdf_without_a_code_is_compared_with_the_draft_named(
    workspace, campaign, pki, tmp_path
) -> None:
    """No code on the page: the draft the clerk names with --code is the one its text must match."""
    commune = drafted(workspace, campaign, "decision", COMMUNE_LEVEL)
    paper = put(tmp_path, "giay.pdf", draft_pdf(commune, replace={campaign.commune: ""}))
    options = {"number": 4, "issued": date(2020, 12, 23), "acceptance": EVERY_REASON}
    [refused] = archive_files(workspace, [paper], code=campaign.city, **options)
    assert refused.outcome == "refused" and f"không khớp dự thảo mang mã {campaign.city}" in refused.reason
    [entry] = archive_files(workspace, [paper], code=campaign.commune, **options)
    assert (entry.outcome, entry.code, entry.printed) == ("archived", campaign.commune, "04-QĐ/TU")


# ---------------------------------------------------------------------------- fault 5: numbered copies


def run_cli(workspace: Workspace, *args: str, pause: float = 0) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != PAUSE_AFTER_COMMIT_ENV}
    if pause:
        env[PAUSE_AFTER_COMMIT_ENV] = str(pause)
    command = [sys.executable, "-m", "pipeline", "archive", *args, "-w", str(workspace.root)]
    return subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def kill_after_commit(workspace: Workspace, pdf: Path) -> None:
    """Start `dvk archive PDF` paused right after its register commit, and kill it there."""
    process = run_cli(workspace, str(pdf), pause=60)
    deadline = time.monotonic() + 60
    while not issued_rows(workspace):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the archive run never committed"
        time.sleep(0.05)
    process.kill()
    process.communicate()


def test_a_kill_after_the_commit_does_not_lose_the_numbered_copies(
    workspace, signed, campaign, tmp_path
) -> None:
    pdf = put(tmp_path, "qd.pdf", signed["draft"])
    kill_after_commit(workspace, pdf)
    decision, listing = (workspace.root / campaign.city_path, workspace.root / campaign.list_path)
    copies = [
        decision.with_name(f"{decision.stem}-so-1.docx"),
        listing.with_name(f"{listing.stem}-so-1.docx"),
    ]
    assert not any(copy.exists() for copy in copies)
    assert sorted((p.code, p.message) for p in verify_archive(workspace)) == sorted(
        (
            "final-copy-missing",
            f"Thiếu bản có số {copy.relative_to(workspace.root).as_posix()} của văn bản 01-QĐ/TU; "
            "lưu trữ lại tệp đã ký của văn bản này để tạo lại.",
        )
        for copy in copies
    )
    rerun = run_cli(workspace, str(pdf))
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.startswith("Không thay đổi 01-QĐ/TU")
    assert all(copy.is_file() for copy in copies)
    made = [c["code"] for c in final_copies(workspace)[campaign.city]]
    assert made[:2] == [campaign.city, campaign.city_list] and made[2].startswith("DVK-2020-GCN-")
    assert verify_archive(workspace) == []
    assert not list(decision.parent.glob(".tmp-*")) and not list(listing.parent.glob(".tmp-*"))


def test_a_numbered_copy_deleted_is_made_again_by_an_unchanged_rerun(
    workspace, signed, campaign, tmp_path
) -> None:
    pdf = put(tmp_path, "qd.pdf", signed["draft"])
    archive_files(workspace, [pdf])
    listing = workspace.root / campaign.list_path
    copy = listing.with_name(f"{listing.stem}-so-1.docx")
    copy.unlink()
    [again] = archive_files(workspace, [pdf])
    assert again.outcome == "unchanged" and copy.is_file()
    assert f"Đã tạo bản có số: {copy.relative_to(workspace.root).as_posix()}" in again.notes
    assert verify_archive(workspace) == []


def test_a_temporary_docx_left_by_a_killed_run_is_cleared_by_the_next_archive(
    workspace, signed, campaign, tmp_path
) -> None:
    folder = (workspace.root / campaign.city_path).parent
    leftover = folder / ".tmp-999999999-abcd.docx"  # no process has that id
    leftover.write_bytes(b"half a docx")
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    assert not leftover.exists()


# ---------------------------------------------------------------------------- fault 8: verify


def quarantined(workspace, signed, tmp_path) -> Path:
    from tests.pdfsign import change_byte_in_signed_range

    data = change_byte_in_signed_range(signed["draft"])
    [refused] = archive_files(workspace, [put(tmp_path, "sua.pdf", data)])
    assert verify_archive(workspace) == []
    return workspace.root / refused.quarantine


def test_verify_names_bytes_appended_to_a_quarantined_pdf(workspace, signed, tmp_path) -> None:
    folder = quarantined(workspace, signed, tmp_path)
    with open(folder / "sua.pdf", "ab") as pdf:
        pdf.write(b"\n% appended\n")
    rel = folder.relative_to(workspace.root).as_posix()
    assert [(p.code, p.message, p.where) for p in verify_archive(workspace)] == [
        (
            "quarantine-file-changed",
            f"Tệp sua.pdf giữ riêng trong {rel} đã bị thay đổi (mã băm SHA-256 khác lúc bị từ chối).",
            rel,
        )
    ]


def test_verify_names_an_emptied_quarantine_log(workspace, signed, tmp_path) -> None:
    folder = quarantined(workspace, signed, tmp_path)
    (folder / EVENTS_NAME).write_bytes(b"")
    rel = folder.relative_to(workspace.root).as_posix()
    assert [(p.code, p.message) for p in verify_archive(workspace)] == [
        (
            "quarantine-record-damaged",
            f"Nhật ký sự kiện của tệp giữ riêng trong {rel} bị hỏng: nhật ký sự kiện {EVENTS_NAME} trống.",
        )
    ]


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda log: log.unlink(), f"thiếu nhật ký sự kiện {EVENTS_NAME}"),
        (lambda log: log.write_bytes(b"\xff\xfe binary"), f"không đọc được nhật ký sự kiện {EVENTS_NAME}"),
        (
            lambda log: log.write_text(log.read_text("utf-8").split("\n", 1)[1], "utf-8"),
            "dòng 1 của nhật ký sự kiện không nối tiếp dòng trước (đã bị sửa, xóa hoặc chèn)",
        ),
    ],
    ids=["deleted", "binary", "first line deleted"],
)
def test_verify_names_a_quarantine_log_deleted_unreadable_or_cut(
    workspace, signed, tmp_path, damage, what
) -> None:
    folder = quarantined(workspace, signed, tmp_path)
    damage(folder / EVENTS_NAME)
    rel = folder.relative_to(workspace.root).as_posix()
    [problem] = verify_archive(workspace)
    assert (problem.code, problem.where) == ("quarantine-record-damaged", rel)
    assert problem.message.startswith(f"Nhật ký sự kiện của tệp giữ riêng trong {rel} bị hỏng: {what}")


REGISTER_EDITS = {
    "date": ("2020-12-24", "ngày", "24/12/2020"),
    "subject": ("về việc khác", "trích yếu", "Quyết định về việc khác"),
    "signer": ("Người Khác", "người ký", "Người Khác"),
}


@pytest.mark.parametrize("column", sorted(REGISTER_EDITS))
def test_verify_names_an_edit_of_the_register(workspace, signed, tmp_path, column) -> None:
    [entry] = archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    value, field, shown = REGISTER_EDITS[column]
    before = {
        "date": entry.date.strftime("%d/%m/%Y"),
        "subject": entry.subject,
        "signer": entry.signer,
    }[column]
    conn = open_register(workspace)
    conn.execute(f"UPDATE issued SET {column} = ?", (value,))
    conn.close()
    witnesses = "bag-info.txt" if column == "subject" else "bag-info.txt và nhật ký sự kiện của gói"
    assert [(p.code, p.message, p.where) for p in verify_archive(workspace)] == [
        (
            "register-edited",
            f"Sổ đăng ký ghi {field} của văn bản 01-QĐ/TU là “{shown}”, nhưng {witnesses} ghi “{before}”: "
            "sổ đăng ký hoặc gói lưu trữ đã bị sửa.",
            entry.path,
        )
    ]


def test_verify_names_a_numbered_copy_deleted_or_edited(workspace, signed, campaign, tmp_path) -> None:
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    decision, listing = (workspace.root / campaign.city_path, workspace.root / campaign.list_path)
    edited = decision.with_name(f"{decision.stem}-so-1.docx")
    deleted = listing.with_name(f"{listing.stem}-so-1.docx")
    with open(edited, "ab") as docx:
        docx.write(b"\0")
    deleted.unlink()
    assert sorted((p.code, p.message) for p in verify_archive(workspace)) == [
        (
            "final-copy-changed",
            f"Bản có số {edited.relative_to(workspace.root).as_posix()} của văn bản 01-QĐ/TU đã bị sửa "
            "sau khi tạo (mã băm SHA-256 khác sổ đăng ký).",
        ),
        (
            "final-copy-missing",
            f"Thiếu bản có số {deleted.relative_to(workspace.root).as_posix()} của văn bản 01-QĐ/TU; "
            "lưu trữ lại tệp đã ký của văn bản này để tạo lại.",
        ),
    ]
    assert archive_root(workspace).is_dir()


def test_verify_names_a_numbered_pdf_deleted_or_edited(workspace, signed, campaign, tmp_path) -> None:
    """A numbered copy's PDF, once made and recorded with its hash, is checked like the .docx."""
    archive_files(workspace, [put(tmp_path, "qd.pdf", signed["draft"])])
    conn = open_register(workspace)
    [row] = conn.execute("SELECT id, final_copies FROM issued").fetchall()
    copies = json.loads(row[1])
    pdfs = []
    for copy in copies:
        pdf = (workspace.root / copy["path"]).with_suffix(".pdf")
        pdf.write_bytes(b"%PDF-1.7 numbered copy")
        copy.update(pdf=pdf.relative_to(workspace.root).as_posix(), pdf_sha256=file_sha256(pdf))
        pdfs.append(pdf)
    conn.execute("UPDATE issued SET final_copies = ? WHERE id = ?", (json.dumps(copies), row[0]))
    conn.close()
    assert verify_archive(workspace) == []
    pdfs[0].write_bytes(b"%PDF-1.7 edited")
    pdfs[1].unlink()
    assert sorted((p.code, p.where) for p in verify_archive(workspace)) == [
        ("final-copy-changed", pdfs[0].relative_to(workspace.root).as_posix()),
        ("final-copy-missing", pdfs[1].relative_to(workspace.root).as_posix()),
    ]

"""`dvk serve` at the request level: every route's status and content, escaping, CSRF and Host refusal,
traversal refusal, upload limits and names, the workbook as the page's data, login on a LAN."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline import corrections, intake, service
from pipeline.appraise import read_results
from pipeline.cli import main
from pipeline.config import DEFAULT_CONFIG, load_workspace
from pipeline.model import ConfigError
from pipeline.names import safe_name
from pipeline.platform import constraints
from pipeline.vntext import sort_key
from pipeline.web import pages, protect
from pipeline.web.security import check_password, configured_password_hash, hash_password, served_file
from tests.docxbuild import proposal_paragraphs, write_docx
from tests.pdfsign import change_byte_in_signed_range, draft_pdf, issue_signer, make_ca, scan_pdf, sign_pdf
from tests.webtools import LOCAL, client, copy_workspace, notice, sample_workspace, token, wait_for_build

COURT = "Chi bộ Tòa án/BÁO CÁO mô hình DVK 2020.docx"
PAGES = ("/", "/ho-so", "/ho-so/tep?p=" + COURT, "/tham-dinh", "/van-ban", "/luu-tru")
POSTS = (
    "/ho-so/tai-len",
    "/ho-so/kiem-tra",
    "/ho-so/bo-sung",
    "/tham-dinh/luu",
    "/tham-dinh/dong-y",
    "/van-ban/lap",
    "/luu-tru/tai-len",
    "/luu-tru/chung-thu-goc",
    "/luu-tru/kiem-tra",
    "/dang-xuat",
)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    return sample_workspace(tmp_path_factory.mktemp("web"))


@pytest.fixture
def workspace(checked, tmp_path):
    return copy_workspace(checked, tmp_path)


@pytest.fixture
def web(workspace):
    return client(workspace)


def workbook_ids(workspace) -> list[str]:
    return list(read_results(service.workbook_path(workspace)))


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_in_vietnamese_with_safe_headers(web, url) -> None:
    page = web.get(url)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text and "Tổng quan" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    cookie = page.headers["set-cookie"]
    assert "dvk_csrf=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_overview_gives_the_totals_stats_and_next_step(web) -> None:
    page = web.get("/").text
    assert "34</strong> tệp" in page and "28 chấp nhận" in page and "4 bị loại" in page and "2 bỏ qua" in page
    assert "Mô hình trong các tệp</dt><dd>34 = 32 chấp nhận + 2 bị loại" in page
    assert "187</strong> mô hình đăng ký" in page and "Cấp thành phố" in page
    assert "Việc cần làm tiếp" in page and 'class="button" href="/van-ban"' in page


def test_static_script_and_styles_ship_inside_the_package(web) -> None:
    script = web.get("/static/dvk.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert web.get("/static/dvk.css").status_code == 200
    page = web.get("/ho-so").text
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "nothing may be fetched from the internet"


def test_file_list_filters_by_state_code_level_and_unit(web) -> None:
    assert "4 tệp phù hợp" in web.get("/ho-so?trang-thai=rejected").text
    unknown = web.get("/ho-so?ma-loi=UNKNOWN_KIND").text
    assert "Giấy mời họp sơ kết DVK.docx" in unknown and "Tờ trình" not in unknown
    commune = web.get("/ho-so", params={"cap": "Cấp xã, phường"}).text
    assert "Phường Lái Hiếu" in commune and "Chi bộ Tòa án/" not in commune
    assert "Chi bộ Tòa án/" in web.get("/ho-so", params={"don-vi": "toa an"}).text


@pytest.mark.parametrize("query", ["tòa án", "toa an", "TOA AN", "Tòa Án"])
def test_search_finds_with_or_without_diacritics(web, query) -> None:
    page = web.get("/ho-so", params={"q": query}).text
    assert "Vận dụng công tác dân vận khéo vào công tác giải quyết án" in page
    assert "Sổ vàng khởi nghiệp" not in page


def test_a_long_list_is_paged_not_rendered_whole(tmp_path) -> None:
    root = tmp_path / "ws"
    (root / "inputs" / "Đơn vị").mkdir(parents=True)
    for index in range(120):  # not documents: skipped at once, but listed like any file
        (root / "inputs" / "Đơn vị" / f"ghi chú {index:03d}.txt").write_text("x")
    web = client(load_workspace(root))
    first = web.get("/ho-so").text
    assert first.count("<tr class=") == 50 and "Trang 1 / 3" in first
    last = web.get("/ho-so?trang=3").text
    assert last.count("<tr class=") == 20 and "ghi chú 119.txt" in last
    assert web.get("/ho-so?trang=999999999999").status_code == 200


def test_one_file_shows_fields_beside_its_text_with_their_places(web) -> None:
    page = web.get("/ho-so/tep", params={"p": COURT}).text
    assert "Vận dụng công tác dân vận khéo vào công tác giải quyết án" in page
    assert "đoạn 6" in page and "→ Tên mô hình" in page
    assert "Tải tệp gốc" in page


def test_an_unknown_file_is_not_found(web) -> None:
    assert web.get("/ho-so/tep", params={"p": "../dvk.toml"}).status_code == 404
    assert web.get("/ho-so/tep", params={"p": "khong-co.docx"}).status_code == 404
    assert web.get("/khong-co-trang-nay").status_code == 404


def test_unit_and_model_names_are_shown_as_text(workspace, web) -> None:
    hostile = "<script>alert(1)</script>"
    folder = workspace.inputs / "Đơn vị <b>lạ</b>"
    write_docx(folder / "bao cao.docx", *proposal_paragraphs(model_name=f"Mô hình {hostile}", unit=hostile))
    listing = web.get("/ho-so").text
    detail = web.get("/ho-so/tep", params={"p": "Đơn vị <b>lạ</b>/bao cao.docx"}).text
    for page in (listing, detail):
        assert "<script>alert(1)</script>" not in page and "<b>lạ</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------------------- CSRF, methods, hosts


@pytest.mark.parametrize("url", POSTS)
def test_a_post_without_the_token_is_refused(web, workspace, url) -> None:
    before = service.workbook_path(workspace).read_bytes()
    for data in ({}, {"csrf": "x" * 64}):
        answer = web.post(url, data={**data, "ma": "MH", "ket-qua": "Khá"})
        assert answer.status_code == 403, url
        assert "hết hạn" in answer.text
    assert service.workbook_path(workspace).read_bytes() == before


def test_a_token_from_another_browser_is_refused(workspace) -> None:
    first, second = client(workspace), client(workspace)
    stolen = token(first)
    second.get("/ho-so")  # its own cookie
    assert second.post("/ho-so/kiem-tra", data={"csrf": stolen}).status_code == 403


@pytest.mark.parametrize("url", POSTS[:-1])
def test_no_state_change_on_get(web, url) -> None:
    assert web.get(url).status_code == 405


def test_a_foreign_host_name_is_refused(web) -> None:
    """DNS rebinding: another site's name pointed at 127.0.0.1 must not read the pages."""
    assert web.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert web.get("/", headers={"host": "localhost:8765"}).status_code == 200


# ---------------------------------------------------------------------------- served files


def test_outputs_and_inputs_are_served_inputs_only_as_downloads(web) -> None:
    workbook = web.get("/tai-ve/outputs/2020/tham-dinh.xlsx")
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    source = web.get("/tai-ve/inputs/" + COURT)
    assert source.status_code == 200 and source.headers["content-type"] == "application/octet-stream"
    assert source.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "raw",
    [
        "/tai-ve/outputs/%2e%2e/dvk.toml",
        "/tai-ve/outputs/..%2f..%2fetc%2fpasswd",
        "/tai-ve/outputs%2f..%2f.dvk-cache%2fcheck.pickle",
        "/tai-ve/%2fetc%2fpasswd",
        "/tai-ve//etc/passwd",
        "/tai-ve/outputs/..%5c.dvk-cache%5ccheck.pickle",
        "/tai-ve/.dvk-cache/check.pickle",
        "/tai-ve/outputs/2020",
        "/tai-ve/inputs/C:%5cWindows%5cwin.ini",
        "/tai-ve/outputs/2020/tham-dinh.xlsx%00.txt",
    ],
)
def test_traversal_is_refused(web, raw) -> None:
    answer = web.get(raw)
    assert answer.status_code == 404, raw


def test_a_symbolic_link_out_of_outputs_is_refused(workspace, web, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("bí mật")
    links = (workspace.outputs / "lien-ket.txt", workspace.outputs / "thu-muc")
    try:
        links[0].symlink_to(secret)
        links[1].symlink_to(tmp_path, target_is_directory=True)
    except OSError as exc:  # Windows without the privilege to make links
        pytest.skip(f"cannot make symbolic links here: {exc}")
    try:
        assert web.get("/tai-ve/outputs/lien-ket.txt").status_code == 404
        assert web.get("/tai-ve/outputs/thu-muc/secret.txt").status_code == 404
        assert served_file(workspace.root, "outputs/lien-ket.txt") is None
    finally:
        for link in links:  # a link left behind trips a later clean-up of the test folders
            link.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- uploads


def upload(web, files, unit="Phường Hiệp Thành", url="/ho-so/tai-len", **fields):
    return web.post(
        url, data={"csrf": token(web), "don-vi": unit, **fields}, files=[("tep", f) for f in files]
    )


def test_an_uploaded_file_is_saved_under_its_unit_and_checked(workspace, web, tmp_path) -> None:
    data = write_docx(tmp_path / "x.docx", *proposal_paragraphs(unit="Phường Hiệp Thành")).read_bytes()
    answer = upload(web, [("Báo cáo DVK.docx", data, "application/octet-stream")])
    text = notice(web, answer)
    assert "Đã lưu inputs/Phường Hiệp Thành/Báo cáo DVK.docx: chấp nhận" in text
    assert (workspace.inputs / "Phường Hiệp Thành" / "Báo cáo DVK.docx").read_bytes() == data
    assert "Phường Hiệp Thành/Báo cáo DVK.docx" in web.get("/ho-so?q=hiep thanh").text


def test_an_upload_never_overwrites_a_file(workspace, web) -> None:
    original = (workspace.inputs / COURT).read_bytes()
    answer = upload(
        web,
        [("BÁO CÁO mô hình DVK 2020.docx", b"PK new bytes", "application/octet-stream")],
        unit="Chi bộ Tòa án",
    )
    assert "BÁO CÁO mô hình DVK 2020 (2).docx" in notice(web, answer)
    assert (workspace.inputs / COURT).read_bytes() == original


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../evil.docx", "evil.docx"),
        ("..\\..\\Windows\\evil.docx", "evil.docx"),
        ("C:\\Users\\a\\Desktop\\Báo cáo.docx", "Báo cáo.docx"),
        ("CON.docx", "_CON.docx"),
        ("nul", "_nul"),
        ("com1.tar.docx", "_com1.tar.docx"),
        ("LPT9 .docx", "_LPT9 .docx"),
        ("~$Báo cáo.docx", "Báo cáo.docx"),
        (".an.docx", "an.docx"),
        ('a<b>:c"d|e?f*.docx', "a_b__c_d_e_f_.docx"),
        ("tên cuối. . ", "tên cuối"),
        ("..", "tep-tai-len"),
        ("x" * 300 + ".docx", "x" * 115 + ".docx"),
        ("Bao cao\x00.docx", "Bao cao_.docx"),
    ],
)
def test_names_are_made_safe(raw, expected) -> None:
    assert safe_name(raw) == expected


def test_uploaded_names_and_unit_folders_stay_inside_inputs(workspace, web, tmp_path) -> None:
    data = write_docx(tmp_path / "src" / "x.docx", *proposal_paragraphs()).read_bytes()
    names = ["../../../escape.docx", "CON.docx", "~$lock.docx"]
    answer = upload(web, [(name, data, "application/octet-stream") for name in names], unit="../../ngoài")
    text = notice(web, answer)
    saved = sorted(path.relative_to(workspace.root).as_posix() for path in workspace.inputs.rglob("*.docx"))
    assert "inputs/ngoài/_CON.docx" in saved
    assert "Không lưu ../../../escape.docx: đường dẫn có “..” (ra ngoài thư mục)." in text
    assert "Bỏ qua ~$lock.docx: tệp khóa tạm của Word (~$…), không phải văn bản." in text
    assert not [name for name in saved if "escape" in name or "lock" in name]
    assert not list(workspace.root.parent.glob("*.docx")) and not (workspace.root / "escape.docx").exists()


def test_uploads_of_the_wrong_type_are_skipped_and_too_big_refused(workspace, web, monkeypatch) -> None:
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1024 * 1024)
    big = b"PK" + b"0" * 1024 * 1024
    answer = upload(web, [("virus.exe", b"MZ", "application/octet-stream"), ("lon.docx", big, "x/y")])
    text = notice(web, answer)
    assert "Bỏ qua virus.exe: không phải văn bản Word (phần mở rộng '.exe')." in text
    assert "Tệp lon.docx lớn hơn 1 MB; không lưu." in text
    assert not (workspace.inputs / "Phường Hiệp Thành").exists()


def test_an_upload_is_kept_when_the_workbook_cannot_be_written(workspace, web, tmp_path, monkeypatch) -> None:
    from pipeline import check

    def held(*args, **kwargs):
        raise service.DvkError("Không ghi được tham-dinh.xlsx: tệp đang mở trong Excel.")

    monkeypatch.setattr(check, "write_check_outputs", held)
    data = write_docx(
        tmp_path / "src" / "x.docx", *proposal_paragraphs(unit="Phường Hiệp Thành")
    ).read_bytes()
    text = notice(web, upload(web, [("Báo cáo mới.docx", data, "application/octet-stream")]))
    assert "Đã lưu inputs/Phường Hiệp Thành/Báo cáo mới.docx: chấp nhận" in text
    assert "chưa cập nhật được sổ" in text and "đang mở trong Excel" in text
    assert (workspace.inputs / "Phường Hiệp Thành" / "Báo cáo mới.docx").read_bytes() == data


def test_a_unit_folder_blocked_by_a_file_is_reported(workspace, web) -> None:
    (workspace.inputs / "Tổ dân phố 3").write_text("một tệp, không phải thư mục")
    answer = upload(web, [("a.docx", b"PK data", "application/octet-stream")], unit="Tổ dân phố 3")
    assert "Không tạo được thư mục inputs/Tổ dân phố 3" in notice(web, answer)


def test_a_request_body_over_the_cap_is_refused(web, monkeypatch) -> None:
    monkeypatch.setattr(protect, "UPLOAD_BODY_BYTES", 1024 * 1024)
    answer = upload(web, [("a.docx", b"PK" + b"0" * 1024 * 1024, "application/octet-stream")])
    assert answer.status_code == 413
    assert "Tổng dung lượng các tệp tải lên vượt quá 1 MB cho một lần gửi" in answer.text


# ---------------------------------------------------------------------------- appraisal


def test_an_appraisal_edit_on_the_page_is_in_the_workbook(workspace, web) -> None:
    first, second = workbook_ids(workspace)[:2]
    csrf = token(web, "/tham-dinh")
    answer = web.post(
        "/tham-dinh/luu", data={"csrf": csrf, "ma": first, "ket-qua": "Khá", "ghi-chu": "Đạt <yêu cầu>"}
    )
    assert "Đã lưu" in notice(web, answer)
    scripted = web.post(
        "/tham-dinh/luu",
        data={"csrf": csrf, "ma": second, "ket-qua": "Không công nhận", "ghi-chu": ""},
        headers={"accept": "application/json"},
    )
    assert scripted.json() == {"ok": True, "messages": [f"Đã lưu {second}: Không công nhận."]}
    results = read_results(service.workbook_path(workspace))
    assert (results[first], results[second]) == ("Khá", "Không công nhận")
    sheet = openpyxl.load_workbook(service.workbook_path(workspace))["Thẩm định"]
    assert any(row[8].value == "Đạt <yêu cầu>" for row in sheet.iter_rows(min_row=2))
    assert sheet.data_validations.dataValidation, "the drop-down must survive"


def test_an_edit_saved_in_excel_shows_on_the_page_after_a_reload(workspace, web) -> None:
    path = service.workbook_path(workspace)
    web.get("/tham-dinh")
    book = openpyxl.load_workbook(path)
    sheet = book["Thẩm định"]
    sheet.cell(2, 9, "ghi trong Excel")
    sheet.cell(2, 8, "Không công nhận")
    book.save(path)
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    page = web.get("/tham-dinh").text
    assert 'value="ghi trong Excel"' in page and "<option selected>Không công nhận</option>" in page


def test_a_workbook_open_in_excel_is_reported_and_nothing_is_lost(workspace, web, hold_open) -> None:
    """Excel holds tham-dinh.xlsx (Windows refuses to replace it): the page says so plainly, repeats what
    the clerk chose, changes nothing; once Excel lets go the same edit is saved."""
    path = service.workbook_path(workspace)
    before = path.read_bytes()
    proposal = workbook_ids(workspace)[0]
    edit = {"ma": proposal, "ket-qua": "Khá", "ghi-chu": "quan trọng"}
    hold_open(path)
    answer = web.post(
        "/tham-dinh/luu",
        data={"csrf": token(web, "/tham-dinh"), **edit},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 409
    message = " ".join(answer.json()["messages"])
    assert "tham-dinh.xlsx: tệp đang mở trong Excel" in message and "quan trọng" in message
    assert path.read_bytes() == before
    assert not [item for item in path.parent.iterdir() if item.name.startswith(".tmp-")]
    constraints.release(path)
    saved = web.post("/tham-dinh/luu", data={"csrf": token(web, "/tham-dinh"), **edit})
    assert "Đã lưu" in notice(web, saved) and read_results(path)[proposal] == "Khá"


def test_a_result_outside_the_drop_down_is_refused(workspace, web) -> None:
    answer = web.post(
        "/tham-dinh/luu",
        data={"csrf": token(web, "/tham-dinh"), "ma": workbook_ids(workspace)[0], "ket-qua": "Xuất sắc"},
    )
    assert "không thuộc Tốt, Khá, Không công nhận" in notice(web, answer)


def test_appraisal_filter_and_search(workspace, web) -> None:
    page = web.get("/tham-dinh", params={"q": "so vang"}).text
    assert "1 dòng phù hợp" in page and "Sổ vàng khởi nghiệp" in page


# ---------------------------------------------------------------------------- appraisal that someone decides


@pytest.fixture(scope="module")
def undecided(tmp_path_factory):
    """The samples checked, the committee not yet at work: every proposal waits for a result."""
    return sample_workspace(tmp_path_factory.mktemp("undecided"), decided=False)


@pytest.fixture
def pending_web(undecided, tmp_path):
    workspace = copy_workspace(undecided, tmp_path)
    return workspace, client(workspace)


def results_of(workspace) -> dict[str, str]:
    return read_results(service.workbook_path(workspace))


def test_a_proposal_is_shown_as_proposed_not_as_its_result(pending_web) -> None:
    workspace, web = pending_web
    assert set(results_of(workspace).values()) == {""}
    overview = web.get("/").text
    assert '<dt>Chờ thẩm định</dt><dd><a href="/tham-dinh?hien=chua">17</a></dd>' in overview
    assert 'class="button" href="/tham-dinh">Thẩm định 17 đề nghị chưa có kết quả.</a>' in overview
    assert "Còn 17 đề nghị chưa có kết quả thẩm định; số liệu có khi thẩm định xong." in overview
    page = web.get("/tham-dinh").text
    assert "còn 17 chưa có kết quả" in page
    assert page.count('<option value="" selected>') == 0 and page.count("<option selected>") == 0
    assert page.count('<tr class="pending') == 17
    assert "Đồng ý theo đề nghị cho 17 dòng chưa có kết quả" in page


def test_the_build_is_refused_on_the_page_while_results_are_pending(pending_web) -> None:
    workspace, web = pending_web
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban"), "pdf": "1"})
    assert notice(web, answer).strip() == (
        "Còn 17 đề nghị chưa có kết quả thẩm định: chọn kết quả trên trang Thẩm định (nút “Đồng ý theo đề "
        "nghị” cho những đề nghị hội đồng đồng ý) rồi lập văn bản."
    )
    assert service.latest_documents(workspace) == []


def test_a_build_that_finds_results_pending_is_worded_for_the_page(pending_web, monkeypatch) -> None:
    """Results emptied between the page's look and the build (Excel, another tab): the job refuses with
    the page's words, never the terminal's option."""
    workspace, web = pending_web
    real = pages.overview
    monkeypatch.setattr(pages, "overview", lambda ws: dataclasses.replace(real(ws), awaiting=0))
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    error = wait_for_build(web, answer.headers["location"])["error"]
    assert error.startswith("Chưa lập được quyết định:\n- Còn 17 đề nghị chưa có kết quả thẩm định (MH-2020-")
    assert error.endswith("rồi lập văn bản.") and "--as-proposed" not in error


def test_agreeing_with_a_filter_decides_its_pending_rows_only(pending_web) -> None:
    workspace, web = pending_web
    rows = {row["Mã đề nghị"]: row for row in pages.appraisal_rows(workspace)}
    city = [key for key, row in rows.items() if row["Cấp"] == "Cấp thành phố"]
    changed = city[0]
    web.post(
        "/tham-dinh/luu", data={"csrf": token(web, "/tham-dinh"), "ma": changed, "ket-qua": "Không công nhận"}
    )
    filtered = {"cap": "Cấp thành phố", "hien": "chua"}
    page = web.get("/tham-dinh", params=filtered).text
    assert f"Đồng ý theo đề nghị cho {len(city) - 1} dòng chưa có kết quả (theo bộ lọc)" in page
    answer = web.post(
        "/tham-dinh/dong-y",
        data={"csrf": token(web, "/tham-dinh"), "cach": "loc", "quay-lai": "/tham-dinh", **filtered},
    )
    assert notice(web, answer).strip() == f"Đã ghi kết quả theo đề nghị cho {len(city) - 1} đề nghị."
    results = results_of(workspace)
    assert results[changed] == "Không công nhận", "a result a person chose is never overwritten by a filter"
    assert all(results[key] == rows[key]["Tự đánh giá"] for key in city if key != changed)
    assert all(results[key] == "" for key in rows if key not in city)


def test_agreeing_with_ticked_rows_and_the_rest_lets_the_build_run(pending_web) -> None:
    workspace, web = pending_web
    ids = list(results_of(workspace))
    answer = web.post(
        "/tham-dinh/dong-y",
        data={"csrf": token(web, "/tham-dinh"), "cach": "chon", "ma": ids[:2] + ["MH-0000-x"]},
    )
    assert notice(web, answer).split() == (
        "Đã ghi kết quả theo đề nghị cho 2 đề nghị. Chưa ghi MH-0000-x: không có trong sổ thẩm định.".split()
    )
    results = results_of(workspace)
    assert [results[key] != "" for key in ids] == [True, True] + [False] * (len(ids) - 2)
    nothing = web.post("/tham-dinh/dong-y", data={"csrf": token(web, "/tham-dinh"), "cach": "chon"})
    assert "Chưa chọn dòng nào" in notice(web, nothing)
    rest = web.post("/tham-dinh/dong-y", data={"csrf": token(web, "/tham-dinh"), "cach": "loc"})
    assert "cho 15 đề nghị" in notice(web, rest)
    assert 'class="button" href="/van-ban"' in web.get("/").text
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    assert wait_for_build(web, build.headers["location"])["error"] == ""


def test_a_ticked_unknown_row_is_named_and_nothing_else_is_written(pending_web) -> None:
    workspace, web = pending_web
    answer = web.post(
        "/tham-dinh/dong-y", data={"csrf": token(web, "/tham-dinh"), "cach": "chon", "ma": "MH-9"}
    )
    assert notice(web, answer).strip() == "Chưa ghi MH-9: không có trong sổ thẩm định."
    assert set(results_of(workspace).values()) == {""}


def test_the_table_groups_by_level_unit_or_proposed_rating(pending_web) -> None:
    workspace, web = pending_web
    by_level = web.get("/tham-dinh").text
    headings = re.findall(r'<tr class="group"><th colspan="8" scope="rowgroup">([^<]+)</th>', by_level)
    assert [heading.split(" — ")[0] for heading in headings] == ["Cấp thành phố", "Cấp xã, phường"]
    assert headings[0] == "Cấp thành phố — 12 đề nghị, 12 chưa có kết quả"
    by_rating = web.get("/tham-dinh", params={"nhom": "de-nghi"}).text
    ratings = re.findall(r'scope="rowgroup">([^<]+?) — ', by_rating)
    assert ratings == sorted(ratings, key=["Tốt", "Khá"].index)
    by_unit = web.get("/tham-dinh", params={"nhom": "don-vi"}).text
    units = re.findall(r'scope="rowgroup">([^<]+?) — ', by_unit)
    assert len(units) == len(set(units)) == 15 and units == sorted(units, key=sort_key)
    assert units[:2] == ["Chi bộ Phòng Quản lý đô thị", "Chi bộ Tòa án"]  # Vietnamese order: P before T
    only = web.get("/tham-dinh", params={"don-vi": units[0]}).text
    assert only.count('<tr class="pending') == 1


# ---------------------------------------------------------------------------- documents and archive


def test_build_from_the_page_lists_and_serves_the_decision(workspace, web) -> None:
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    assert answer.status_code == 303
    state = wait_for_build(web, answer.headers["location"])
    assert state["error"] == ""
    page = web.get(answer.headers["location"]).text
    assert re.search(r"Công nhận 12 \(mười hai\) mô hình", page) and "chưa cấp" in page
    link = re.search(r'href="(/tai-ve/outputs/2020/quyet-dinh/[^"]+\.docx)"', page).group(1)
    decision = web.get(link)
    assert decision.status_code == 200
    text = "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(decision.content)).paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Dân vận khéo" in text


def test_a_large_campaign_builds_from_the_page_with_its_check_in_a_child(workspace, web, monkeypatch) -> None:
    """Past CHILD_MIN_FILES the build's check runs in a started child process, which cannot take the
    page's progress callback along: the build still completes."""
    monkeypatch.setattr(service, "CHILD_MIN_FILES", 0)
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    assert wait_for_build(web, answer.headers["location"])["error"] == ""
    assert any(item["kind"] == "decision" for item in service.latest_documents(workspace))


def test_a_number_without_a_date_is_refused(web) -> None:
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban"), "so": "12"})
    assert "Ghi cả số và ngày" in notice(web, answer)
    bad = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban"), "so": "12", "ngay": "31/02/2020"})
    assert "không hợp lệ" in notice(web, bad)


def test_a_signed_pdf_uploaded_is_filed_and_in_the_register(workspace, web) -> None:
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    wait_for_build(web, build.headers["location"])
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    ca = make_ca("CA thử nghiệm web")
    (workspace.root / "trust-roots").mkdir(exist_ok=True)
    (workspace.root / "trust-roots" / "ca.pem").write_bytes(ca.pem())
    signed = sign_pdf(draft_pdf(workspace.root / decision["path"]), issue_signer(ca, "Nguyễn Văn A"))
    answer = upload(web, [("QĐ đã ký.pdf", signed, "application/pdf")], url="/luu-tru/tai-len")
    assert "Đã lưu trữ 01-QĐ/TU" in notice(web, answer)
    page = web.get("/luu-tru").text
    assert "01-QĐ/TU" in page and "người ký được tin cậy" in page
    kept = re.search(r'href="(/tai-ve/outputs/archive/[^"]+\.pdf)"', page).group(1)
    assert web.get(kept).content == signed, "the filed original is served as it was signed"
    export = web.get("/luu-tru/so-dang-ky.xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert any("01-QĐ/TU" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    verify = web.post("/luu-tru/kiem-tra", data={"csrf": token(web, "/luu-tru")})
    assert "toàn vẹn" in notice(web, verify)
    assert not list((workspace.cache_dir / "uploads").iterdir()), "uploads are not kept after filing"
    tampered = upload(
        web, [("sửa.pdf", change_byte_in_signed_range(signed), "application/pdf")], url="/luu-tru/tai-len"
    )
    assert "KHÔNG hợp lệ" in notice(web, tampered)
    kept = web.get("/luu-tru").text
    assert "Bị từ chối, giữ riêng" in kept and "nội dung được ký đã bị sửa" in kept
    assert kept.count("01-QĐ/TU") >= 1 and "02-QĐ/TU" not in kept, "a tampered file gets no number"


def test_an_untrusted_signature_is_filed_only_with_a_reason(workspace, web) -> None:
    """The archive's policy through the page: a signer outside trust-roots/ is refused and no number is
    used; given a reason (kept in the event log), the same file is filed."""
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    wait_for_build(web, build.headers["location"])
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    stranger = issue_signer(make_ca("CA lạ"), "Người Lạ")
    signed = sign_pdf(draft_pdf(workspace.root / decision["path"]), stranger)
    refused = upload(web, [("qd.pdf", signed, "application/pdf")], url="/luu-tru/tai-len")
    said = notice(web, refused)
    assert said.strip().startswith(
        "Từ chối lưu trữ qd.pdf: chữ ký số của Người Lạ nguyên vẹn nhưng chứng thư do CA lạ cấp không thuộc "
        "các chứng thư gốc tin cậy."
    )
    assert said.count("Từ chối") == 1 and "--" not in said and not service.outgoing_register(workspace)
    page = web.get("/luu-tru").text
    assert "Từ chối" not in page, "a refusal is said once, in the notice of its own attempt"
    assert "Chứng thư gốc tin cậy" in page  # where the page takes the root the refusal asks for
    reason = "Đã gọi điện xác nhận với người ký"
    filed = upload(
        web, [("qd.pdf", signed, "application/pdf")], url="/luu-tru/tai-len", **{"nhan-khong-tin-cay": reason}
    )
    assert "Đã lưu trữ 01-QĐ/TU" in notice(web, filed)
    [entry] = service.outgoing_register(workspace)
    assert entry["signature"] == "untrusted" and any(reason in note for note in entry["notes"])


def test_a_file_that_is_not_a_pdf_is_refused_by_the_archive(web) -> None:
    answer = upload(web, [("qd.pdf", b"PK not a pdf", "application/pdf")], url="/luu-tru/tai-len")
    assert notice(web, answer).strip() == "Chưa lưu trữ: Tệp qd.pdf không phải PDF."
    assert "không phải PDF" not in web.get("/luu-tru").text, "shown once, for that attempt only"


def test_a_scan_refused_names_the_pages_fields_not_the_flags(workspace, web) -> None:
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    wait_for_build(web, build.headers["location"])
    answer = upload(web, [("quét.pdf", scan_pdf(), "application/pdf")], url="/luu-tru/tai-len")
    said = notice(web, answer).strip()
    assert said.startswith("Từ chối lưu trữ quét.pdf: tệp là bản quét, không có chữ ký số.")
    assert said.endswith(
        "Ghi vào: lý do vẫn lưu bản quét hoặc bản không ký số, “Số văn bản”, “Ngày văn bản”."
    )
    reason = {"nhan-khong-ky": "Bản giấy ký tay, đã đối chiếu"}
    again = upload(web, [("quét.pdf", scan_pdf(), "application/pdf")], url="/luu-tru/tai-len", **reason)
    said = notice(web, again).strip()
    assert said.startswith("Chưa lưu trữ: Tệp quét.pdf là bản quét (không có lớp chữ)")
    assert said.endswith("Ghi vào: “Số văn bản”, “Ngày văn bản”.") and "--" not in said
    assert "--" not in said and "dvk " not in said


def trust_root_upload(web, name: str, data: bytes):
    return web.post(
        "/luu-tru/chung-thu-goc",
        data={"csrf": token(web, "/luu-tru")},
        files=[("tep-goc", (name, data, "application/x-x509-ca-cert"))],
    )


def test_a_trust_root_uploaded_is_checked_kept_and_then_trusts_its_signers(workspace, web) -> None:
    ca = make_ca("CA Chính phủ thử")
    added = trust_root_upload(web, "ca-chinh-phu.cer", ca.der())
    assert notice(web, added).strip() == (
        "Đã thêm chứng thư gốc tin cậy: CA Chính phủ thử (tệp ca-chinh-phu.cer). Tải lại bản đã ký để kiểm "
        "tra lại."
    )
    assert (workspace.root / "trust-roots" / "ca-chinh-phu.cer").read_bytes() == ca.der()
    page = web.get("/luu-tru").text
    assert "CA Chính phủ thử" in page and "tệp ca-chinh-phu.cer" in page
    again = trust_root_upload(web, "ban-sao.pem", ca.pem())
    assert "đã có trong danh sách tin cậy" in notice(web, again)
    assert sorted(path.name for path in (workspace.root / "trust-roots").iterdir()) == ["ca-chinh-phu.cer"]
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    wait_for_build(web, build.headers["location"])
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    signed = sign_pdf(draft_pdf(workspace.root / decision["path"]), issue_signer(ca, "Nguyễn Văn A"))
    filed = upload(web, [("qd.pdf", signed, "application/pdf")], url="/luu-tru/tai-len")
    assert "Đã lưu trữ 01-QĐ/TU: chữ ký số hợp lệ, người ký được tin cậy." in notice(web, filed)
    [entry] = service.outgoing_register(workspace)
    assert entry["signature"] == "trusted"


UNREADABLE_ROOT = "không đọc được như chứng thư X.509 (dạng PEM hoặc DER); không lưu."


def no_trust_roots(workspace) -> bool:
    folder = workspace.root / "trust-roots"
    return not folder.is_dir() or not list(folder.iterdir())


@pytest.mark.parametrize(
    "name, data, why",
    [
        ("ca.txt", b"-----BEGIN CERTIFICATE-----",
         "Tệp ca.txt không phải chứng thư gốc (cần tệp .pem, .crt, .cer hoặc .der)."),
        ("hong.pem", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
         f"Tệp hong.pem {UNREADABLE_ROOT}"),
        ("rac.cer", b"\x00" * 300, f"Tệp rac.cer {UNREADABLE_ROOT}"),
        ("lon.pem", b"A" * (1024 * 1024 + 1),
         "Tệp lon.pem lớn quá mức của một chứng thư (hơn 1 MB); không lưu."),
    ],
)  # fmt: skip
def test_a_bad_trust_root_is_refused_and_nothing_is_kept(workspace, web, name, data, why) -> None:
    answer = trust_root_upload(web, name, data)
    assert notice(web, answer).strip() == why
    assert not (workspace.root / "trust-roots").is_dir() or not list(
        (workspace.root / "trust-roots").iterdir()
    )


def test_a_signers_certificate_or_a_private_key_is_not_a_trust_root(workspace, web) -> None:
    from cryptography.hazmat.primitives import serialization

    signer = issue_signer(make_ca("CA thử"), "Nguyễn Văn A")
    leaf = signer.cert.public_bytes(serialization.Encoding.PEM)
    answer = trust_root_upload(web, "nguoi-ky.pem", leaf)
    assert notice(web, answer).strip() == (
        "Chứng thư trong nguoi-ky.pem (Nguyễn Văn A) là chứng thư của người ký, không phải chứng thư gốc "
        "của tổ chức chứng thực: tải lên chứng thư gốc (CA) của tổ chức đã cấp nó."
    )
    key = signer.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    secret = trust_root_upload(web, "ca-va-khoa.pem", signer.ca.pem() + key)
    assert notice(web, secret).strip().startswith("Tệp ca-va-khoa.pem chứa khóa bí mật: không lưu.")
    assert not (workspace.root / "trust-roots").is_dir() or not list(
        (workspace.root / "trust-roots").iterdir()
    )


def test_numbered_copies_are_linked_from_the_register_after_a_restart(workspace, web) -> None:
    build = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban")})
    wait_for_build(web, build.headers["location"])
    ca = make_ca("CA thử nghiệm web")
    (workspace.root / "trust-roots").mkdir(exist_ok=True)
    (workspace.root / "trust-roots" / "ca.pem").write_bytes(ca.pem())
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    signed = sign_pdf(draft_pdf(workspace.root / decision["path"]), issue_signer(ca, "Nguyễn Văn A"))
    upload(web, [("QĐ đã ký.pdf", signed, "application/pdf")], url="/luu-tru/tai-len")
    restarted = client(workspace)  # a new server: nothing kept in memory
    documents = restarted.get("/van-ban").text
    links = re.findall(r'Bản số 01-QĐ/TU: <a href="(/tai-ve/[^"]+-so-1\.docx)"', documents)
    assert len(links) == 3, "the decision, its list and its certificates, numbered"
    assert any("giay-chung-nhan" in link for link in links)
    listing = next(link for link in links if "danh-sach" in link)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(restarted.get(listing).content)).paragraphs)
    assert re.search(r"\(Kèm theo Quyết định số 01-QĐ/TU, ngày \d{2}/\d{1,2}/\d{4} của Ban", text)
    certificates = next(link for link in links if "giay-chung-nhan" in link)
    shown = docx.Document(io.BytesIO(restarted.get(certificates).content))
    cited = [p.text for p in shown.paragraphs if "Theo Quyết định" in p.text]
    assert cited and all("số 01-QĐ/TU, ngày" in line for line in cited)
    assert len(cited) == 12, "the certificates of the decision's 12 city-level models, not the commune's"
    register = restarted.get("/luu-tru").text
    assert register.count("-so-1.docx") == 3


def test_the_register_export_is_not_found_while_empty(web) -> None:
    assert web.get("/luu-tru/so-dang-ky.xlsx").status_code == 404


# ---------------------------------------------------------------------------- the correction form


def test_a_file_with_a_missing_field_offers_the_correction_form(workspace, web, tmp_path) -> None:
    write_docx(
        workspace.inputs / "Xã Đại Thành" / "thiếu.docx", *proposal_paragraphs(level="", unit="Xã Đại Thành")
    )
    page = web.get("/ho-so/tep", params={"p": "Xã Đại Thành/thiếu.docx"}).text
    assert "Bổ sung thông tin" in page and "Cấp công nhận" in page and "không tìm thấy trong tệp" in page


def test_a_value_typed_in_the_form_completes_the_file(workspace, web) -> None:
    """The correction loop from the page: the value goes into the correction workbook (where Excel would
    put it), the check runs again, the file is accepted and its proposal reaches the appraisal table."""
    rel = "Xã Đại Thành/thiếu.docx"
    write_docx(workspace.inputs / rel, *proposal_paragraphs(level="", unit="Xã Đại Thành"))
    url = "/ho-so/tep?p=" + rel
    answer = web.post(
        "/ho-so/bo-sung", data={"csrf": token(web, url), "p": rel, "gia-tri-level": "Cấp xã, phường"}
    )
    assert f"Tệp {rel}: chấp nhận" in notice(web, answer)
    assert corrections.read_corrections(service.corrections_path(workspace))[rel].values == {
        "level": "Cấp xã, phường"
    }
    page = web.get("/ho-so/tep", params={"p": rel}).text
    assert "đã nhập tay, đang được dùng" in page and "<option selected>Cấp xã, phường</option>" in page
    assert "Sổ vàng khởi nghiệp" in web.get("/tham-dinh", params={"q": "xa dai thanh"}).text
    cleared = web.post("/ho-so/bo-sung", data={"csrf": token(web, url), "p": rel, "gia-tri-level": ""})
    assert "vẫn bị loại" in notice(web, cleared), "an emptied field clears the typed value"


def test_a_value_outside_the_vocabulary_is_refused_like_a_read_one(workspace, web) -> None:
    rel = "Xã Đại Thành/thiếu.docx"
    write_docx(workspace.inputs / rel, *proposal_paragraphs(level="", unit="Xã Đại Thành"))
    answer = web.post("/ho-so/bo-sung", data={"csrf": token(web), "p": rel, "gia-tri-level": "Cấp vũ trụ"})
    text = notice(web, answer)
    assert "vẫn bị loại" in text and "Cấp vũ trụ" in text


def test_corrections_for_a_file_outside_inputs_are_refused(web) -> None:
    answer = web.post("/ho-so/bo-sung", data={"csrf": token(web), "p": "../dvk.toml", "gia-tri-level": "x"})
    assert "Không có tệp" in notice(web, answer)


# ---------------------------------------------------------------------------- login on a LAN


def test_a_lan_server_needs_the_password(workspace) -> None:
    stored = hash_password("mật khẩu đúng")
    web = client(workspace, password_hash=stored, hosts=None)
    assert web.get("/", headers={"host": "192.0.2.10:8765"}).headers["location"] == "/dang-nhap"
    assert web.post("/ho-so/kiem-tra").status_code == 403
    login = web.get("/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    assert web.post("/dang-nhap", data={"csrf": csrf, "mat-khau": "sai"}).status_code == 403
    assert web.post("/dang-nhap", data={"mat-khau": "mật khẩu đúng"}).status_code == 403, "login needs CSRF"
    answer = web.post("/dang-nhap", data={"csrf": csrf, "mat-khau": "mật khẩu đúng"})
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "dvk_session=" in cookie and "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert web.get("/").status_code == 200
    web.post("/dang-xuat", data={"csrf": csrf})
    assert web.get("/").status_code == 303


def test_password_hashes_are_salted_and_checked() -> None:
    stored = hash_password("abc")
    assert stored.startswith("scrypt$") and "abc" not in stored and stored != hash_password("abc")
    assert check_password("abc", stored) and not check_password("abd", stored)
    assert configured_password_hash({"serve": {"password_hash": stored}}) == stored
    with pytest.raises(ConfigError, match="không phải mật khẩu để trần"):
        configured_password_hash({"serve": {"password_hash": "abc"}})


def test_serve_refuses_a_lan_address_without_a_password(workspace, monkeypatch) -> None:
    monkeypatch.delenv("DVK_PASSWORD_HASH", raising=False)
    result = CliRunner().invoke(
        main, ["serve", "-w", str(workspace.root), "--host", "0.0.0.0", "--no-browser"]
    )
    assert result.exit_code == 2
    assert "cần mật khẩu" in result.output


def test_hash_password_prints_a_line_for_dvk_toml() -> None:
    result = CliRunner().invoke(main, ["serve", "--hash-password"], input="bí mật\nbí mật\n")
    assert result.exit_code == 0
    stored = re.search(r'password_hash = "([^"]+)"', result.output).group(1)
    assert check_password("bí mật", stored)


# ---------------------------------------------------------------------------- two writers at once


def test_two_tabs_and_a_terminal_check_never_corrupt_the_workbook(workspace) -> None:
    """Page edits from two threads while `dvk check` runs in another process: every edit is kept and the
    workbook stays readable (the workspace lock makes them take turns)."""
    ids = workbook_ids(workspace)
    terminal = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "check", "-w", str(workspace.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors: list[BaseException] = []

    def tab(chosen: list[str], result: str) -> None:
        try:
            for proposal in chosen:
                service.set_appraisal(workspace, proposal, result, f"tab {result}")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    tabs = [
        threading.Thread(target=tab, args=(ids[0::2], "Khá")),
        threading.Thread(target=tab, args=(ids[1::2], "Tốt")),
    ]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()
    assert terminal.wait(60) == 0, terminal.stderr.read()
    assert not errors
    results = read_results(service.workbook_path(workspace))
    assert all(
        results[proposal] == ("Khá" if index % 2 == 0 else "Tốt") for index, proposal in enumerate(ids)
    )


def test_a_writer_waits_for_the_lock_held_by_another_process(workspace) -> None:
    """Another process (a `dvk` command) holds the lock: a page's write waits, then says it is busy; a
    holder that dies without letting go (killed) leaves no lock behind."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pipeline import service; from pipeline.config import load_workspace; "
            "w = load_workspace(sys.argv[1]);\n"
            "with service.workspace_lock(w):\n    print('held', flush=True); sys.stdin.readline()",
            str(workspace.root),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(service.Busy, match="thử lại"):
            with service.workspace_lock(workspace, wait=0.3):
                pass
    finally:
        holder.kill()
        holder.wait(10)
    with service.workspace_lock(workspace, wait=5):
        pass


def test_serve_opens_even_when_the_workbook_is_open_in_excel(workspace, hold_open, tmp_path) -> None:
    """`dvk serve` checks before it gives its address; Excel holding the workbook does not stop the page
    from opening: the new file is checked and shown, and the note says the workbook was not updated."""
    from pipeline.web import server

    write_docx(workspace.inputs / "Thành đoàn" / "mới.docx", *proposal_paragraphs(model_name="Mô hình mới"))
    hold_open(service.workbook_path(workspace))
    note = server.prepare(workspace)
    assert "Chưa cập nhật được sổ" in note and "đang mở trong Excel" in note
    assert "Thành đoàn/mới.docx" in client(workspace).get("/ho-so").text


def test_local_address_is_the_default(workspace) -> None:
    command = main.commands["serve"]
    assert next(option for option in command.params if option.name == "host").default == "127.0.0.1"
    assert LOCAL.startswith("http://127.0.0.1")


def test_dvk_serve_starts_a_local_server_and_says_where(workspace, tmp_path) -> None:
    """The command itself: it checks, binds 127.0.0.1, prints the address, serves the pages."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "serve",
            "-w",
            str(workspace.root),
            "--port",
            str(port),
            "--no-browser",
        ],
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert server.stderr.readline().startswith(f"Trang dvk: http://127.0.0.1:{port}/ho-so")
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ho-so", timeout=5) as answer:
                    assert answer.status == 200 and "chấp nhận +" in answer.read().decode("utf-8")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        taken = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "serve",
                "-w",
                str(workspace.root),
                "--port",
                str(port),
                "--no-browser",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert taken.returncode == 1 and f"Không mở được cổng {port}" in taken.stderr
    finally:
        server.terminate()
        server.wait(10)


def test_a_workspace_without_inputs_gets_a_page_that_says_so(tmp_path) -> None:
    (tmp_path / "trong").mkdir()
    shutil.copyfile(DEFAULT_CONFIG, tmp_path / "trong" / "dvk.toml")
    web = client(load_workspace(tmp_path / "trong"))
    for url in ("/", "/ho-so"):
        answer = web.get(url)
        assert answer.status_code == 409
        assert "Không có thư mục inputs/" in answer.text and "dvk init" in answer.text


def test_a_numbered_build_prints_the_number_and_date(workspace, web) -> None:
    answer = web.post("/van-ban/lap", data={"csrf": token(web, "/van-ban"), "so": "12", "ngay": "23/12/2020"})
    assert wait_for_build(web, answer.headers["location"])["error"] == ""
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    document = docx.Document(workspace.root / decision["path"])
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "12-QĐ/TU" in text and "ngày 23 tháng 12 năm 2020" in text


def test_an_unreadable_file_is_not_read_again_by_its_page(workspace, web, monkeypatch) -> None:
    """A file the check could not read (too slow, too big, damaged) is never reopened by a page thread,
    which has no time limit: its page says why instead."""
    (workspace.inputs / "Xã Tân Thành" / "hỏng.docx").write_bytes(b"PK\x03\x04 not really a zip")
    web.get("/ho-so")

    def must_not_read(*args, **kwargs):
        raise AssertionError("the page read an unreadable file")

    monkeypatch.setattr("pipeline.reader.read_document", must_not_read)
    page = web.get("/ho-so/tep", params={"p": "Xã Tân Thành/hỏng.docx"})
    assert page.status_code == 200 and "tệp không đọc được" in page.text


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(workspace) -> None:
    outcome: list[str] = []

    def other() -> None:
        try:
            with service.workspace_lock(workspace, wait=0.2):
                outcome.append("got it")
        except service.Busy:
            outcome.append("busy")

    with service.workspace_lock(workspace):
        with service.workspace_lock(workspace, wait=0.1):  # the same thread again: no deadlock
            thread = threading.Thread(target=other)
            thread.start()
            thread.join()
    assert outcome == ["busy"]
    other()
    assert outcome == ["busy", "got it"]

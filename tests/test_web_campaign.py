"""Setting a campaign up on the page: creating the workspace, Cài đặt (dvk.toml written back with its
comments), Đơn vị ("Thêm vào danh sách"), and uploads of whole folders, many files and zips, with every
refusal in Vietnamese."""

from __future__ import annotations

import html
import io
import shutil
import socket
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_CONFIG, load_config, load_workspace
from pipeline.model import ConfigError
from pipeline.web import protect
from tests.docxbuild import proposal_paragraphs, write_docx
from tests.webtools import client, copy_workspace, notice, sample_workspace, token

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    workspace = sample_workspace(tmp_path_factory.mktemp("campaign"))
    shutil.copyfile(DEFAULT_CONFIG, workspace.root / "dvk.toml")
    return load_workspace(workspace.root)


@pytest.fixture
def workspace(checked, tmp_path):
    return copy_workspace(checked, tmp_path)


@pytest.fixture
def web(workspace):
    return client(workspace)


def proposal(tmp_path: Path, name: str = "x.docx", **values: str) -> bytes:
    return write_docx(tmp_path / "src" / name, *proposal_paragraphs(**values)).read_bytes()


def upload(web, files, unit: str = ""):
    data = {"csrf": token(web), "don-vi": unit}
    return web.post("/ho-so/tai-len", data=data, files=[("tep", item) for item in files])


def saved_paths(workspace) -> set[str]:
    return {
        path.relative_to(workspace.inputs).as_posix()
        for path in workspace.inputs.rglob("*")
        if path.is_file()
    }


# ---------------------------------------------------------------------------- Cài đặt


def save(web, **changes):
    fields = {key.replace("__", "."): value for key, value in changes.items()}
    return web.post("/cai-dat", data={"csrf": token(web, "/cai-dat"), **fields})


def test_the_settings_page_shows_what_dvk_toml_holds(web) -> None:
    page = web.get("/cai-dat").text
    assert 'name="issuer.name" value="Thành ủy Ngã Bảy"' in page
    assert 'name="signer.name" value="Nguyễn Văn A"' in page
    assert "Phường Lái Hiếu" in page and 'name="ratings[3].label"' in page
    assert "dvk.toml vẫn giữ giá trị mẫu" in page


def test_saved_settings_keep_the_comments_and_the_keys_the_page_does_not_show(workspace, web) -> None:
    path = workspace.root / "dvk.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + '\n# ghi chú của văn phòng\n[khac]\nkhoa_rieng = "giữ nguyên"\n',
        encoding="utf-8",
    )
    before = path.read_text(encoding="utf-8")
    answer = save(
        web,
        issuer__name="Thành ủy Vị Thanh",
        signer__name="Trần Thị Bích",
        campaign__year="2026",
        decision__recipients="Ban Dân vận Tỉnh ủy\n\nNhư Điều 3\n",
        units__commune="Phường I\nPhường III\nXã Vị Tân\nXã Hỏa Lựu",
    )
    assert "Đã lưu cài đặt vào dvk.toml." in notice(web, answer)
    after = path.read_text(encoding="utf-8")
    kept = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert all(line in after.splitlines() for line in kept)
    assert 'khoa_rieng = "giữ nguyên"' in after and "[serve]" not in after
    assert 'name = "Thành ủy Vị Thanh"                 # cơ quan ban hành' in after
    config = load_config(path)
    assert (config.issuer["name"], config.signer["name"], config.year) == (
        "Thành ủy Vị Thanh",
        "Trần Thị Bích",
        2026,
    )
    assert config.units["commune"] == ("Phường I", "Phường III", "Xã Vị Tân", "Xã Hỏa Lựu")
    assert config.raw["decision"]["recipients"] == ["Ban Dân vận Tỉnh ủy", "Như Điều 3"]
    assert config.units["city"] == load_config(DEFAULT_CONFIG).units["city"]  # untouched keys as they were
    page = web.get("/cai-dat").text
    assert "Thành ủy Vị Thanh · năm 2026" in page and "dvk.toml vẫn giữ giá trị mẫu" not in page


def test_an_unchanged_form_leaves_dvk_toml_byte_for_byte(workspace, web) -> None:
    path = workspace.root / "dvk.toml"
    before = path.read_bytes()
    page = web.get("/cai-dat").text
    import re

    fields = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" value="([^"]*)"', page))
    fields.update(
        {
            name: value
            for name, value in re.findall(
                r'<textarea id="[^"]+" name="([^"]+)" rows="\d+">(.*?)</textarea>', page, re.S
            )
        }
    )
    import html

    fields = {name: html.unescape(value) for name, value in fields.items()}
    answer = web.post("/cai-dat", data={"csrf": token(web, "/cai-dat"), "issuer.profile": "party", **fields})
    assert answer.status_code == 303
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("campaign.year", "năm nay", "Khóa campaign.year phải là số nguyên từ 2000 đến 2100."),
        ("campaign.year", "1999", "Khóa campaign.year phải là số nguyên từ 2000 đến 2100."),
        ("signer.name", "   ", "Khóa signer.name phải là một chuỗi không rỗng."),
        ("issuer.profile", "ubnd", "Khóa issuer.profile phải là một trong party, state, không phải 'ubnd'."),
        (
            "issuer.term_start",
            "01/10/2020",
            "Khóa issuer.term_start phải là ngày dạng YYYY-MM-DD, không phải '01/10/2020'.",
        ),
        ("levels[1].label", "", "Khóa levels[1].label phải là một chuỗi không rỗng."),
    ],
)
def test_a_bad_value_is_refused_with_the_configs_own_message(workspace, web, key, value, message) -> None:
    path = workspace.root / "dvk.toml"
    before = path.read_bytes()
    answer = web.post("/cai-dat", data={"csrf": token(web, "/cai-dat"), key: value, "signer.title": "BÍ THƯ"})
    assert answer.status_code == 400
    assert f"Chưa lưu: {message}" in html.unescape(answer.text)
    assert 'value="BÍ THƯ"' in answer.text, "what was typed stays in the form"
    assert path.read_bytes() == before, "nothing written"


def test_a_form_older_than_the_file_is_refused_not_saved_over_it(workspace, web) -> None:
    """Two tabs, or the page and Notepad: a form made before the file changed would undo that change."""
    import re

    seen = re.search(r'name="phien-ban" value="([0-9a-f]+)"', web.get("/cai-dat").text).group(1)
    path = workspace.root / "dvk.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("PHÓ BÍ THƯ", "BÍ THƯ"), encoding="utf-8")
    form = {"phien-ban": seen, "signer.title": "PHÓ BÍ THƯ", "signer.name": "Lê A"}
    answer = web.post("/cai-dat", data={"csrf": token(web, "/cai-dat"), **form})
    assert answer.status_code == 409
    assert (
        "dvk.toml đã được sửa ở nơi khác (một thẻ khác hoặc Notepad) sau khi biểu mẫu được mở" in answer.text
    )
    assert 'name="signer.title" value="BÍ THƯ"' in answer.text, "the form shows the file as it is now"
    assert (load_config(path).signer["title"], load_config(path).signer["name"]) == ("BÍ THƯ", "Nguyễn Văn A")
    fresh = re.search(r'name="phien-ban" value="([0-9a-f]+)"', answer.text).group(1)
    again = web.post(
        "/cai-dat", data={"csrf": token(web, "/cai-dat"), "phien-ban": fresh, "signer.name": "Lê A"}
    )
    assert again.status_code == 303 and load_config(path).signer["name"] == "Lê A"


def test_the_page_refuses_what_loading_the_file_refuses(tmp_path) -> None:
    """One way: a bad year typed in the file is refused by load_config with the message the page shows."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("year = 2020", 'year = "năm nay"', 1)
    (tmp_path / "dvk.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path / "dvk.toml")
    assert str(refused.value) == "Khóa campaign.year phải là số nguyên từ 2000 đến 2100."


def test_ratings_are_added_removed_and_labels_kept_per_field(workspace, web) -> None:
    answer = save(
        web,
        **{
            "ratings[1].label": "",
            "ratings[3].label": "Đạt",
            "ratings[3].synonyms": "loại đạt\nđạt yêu cầu",
            "labels.model_name": "Tên sáng kiến\nTên điển hình",
        },
    )
    assert answer.status_code == 303
    config = load_config(workspace.root / "dvk.toml")
    assert [(term.label, term.synonyms) for term in config.ratings] == [
        ("Khá", ("loại khá", "xếp loại khá")),
        ("Đạt", ("loại đạt", "đạt yêu cầu")),
    ]
    assert config.label_spellings == (("model_name", ("Tên sáng kiến", "Tên điển hình")),)


def test_the_build_and_the_cli_say_when_the_sample_values_are_still_there(workspace, web) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    assert (
        "người ký “Nguyễn Văn A”, năm “2020”, cơ quan ban hành “Thành ủy Ngã Bảy”" in web.get("/van-ban").text
    )
    result = CliRunner().invoke(main, ["build", "-w", str(workspace.root)])
    assert result.stderr.startswith(
        "Lưu ý: dvk.toml vẫn giữ giá trị mẫu: người ký “Nguyễn Văn A”, năm “2020”, cơ quan ban hành "
        "“Thành ủy Ngã Bảy”. Văn bản lập lúc này in đúng các giá trị đó;"
    )
    save(web, signer__name="Lê Văn Tư", campaign__year="2021", issuer__name="Thành ủy Long Mỹ")
    assert "giá trị mẫu" not in web.get("/van-ban").text
    result = CliRunner().invoke(main, ["build", "-w", str(workspace.root)])
    assert "giá trị mẫu" not in result.stderr


# ---------------------------------------------------------------------------- Đơn vị


def test_units_seen_are_listed_with_their_files_and_one_is_added(workspace, web, tmp_path) -> None:
    data = proposal(tmp_path, unit="Hội Khuyến học thành phố", model_name="“Khuyến học”")
    upload(web, [("Khuyến học.docx", data, "application/octet-stream")], unit="Hội Khuyến học")
    page = web.get("/don-vi?loc=moi").text
    assert "Hội Khuyến học thành phố" in page and "Hội Khuyến học/Khuyến học.docx" in page
    assert "Chi bộ Tòa án" not in page, "known units are left out of the new ones"
    import re

    row = re.search(r'name="ten-(\d+)" value="Hội Khuyến học thành phố"', page).group(1)
    answer = web.post(
        "/don-vi/them",
        data={
            "csrf": token(web, "/don-vi"),
            "mot": row,
            f"ten-{row}": "Hội Khuyến học thành phố",
            f"cap-{row}": "city",
        },
    )
    assert "Đã thêm vào danh sách đơn vị trong dvk.toml: Hội Khuyến học thành phố." in notice(web, answer)
    config = load_config(workspace.root / "dvk.toml")
    assert config.units["city"][-1] == "Hội Khuyến học thành phố"
    assert "# Đơn vị thuộc Đảng bộ thành phố Ngã Bảy năm 2020" in (workspace.root / "dvk.toml").read_text(
        "utf-8"
    )
    assert "Hội Khuyến học thành phố" not in web.get("/don-vi?loc=moi").text
    assert "UNKNOWN_UNIT" not in web.get("/ho-so/tep?p=Hội Khuyến học/Khuyến học.docx").text


def test_every_new_unit_is_added_in_one_click_and_information_stays_apart(workspace, web, tmp_path) -> None:
    files = [
        (f"{unit}/bc.docx", proposal(tmp_path, f"{index}.docx", unit=unit, model_name=f"“MH {index}”"), "x/y")
        for index, unit in enumerate(("Trạm Y tế phường Lái Hiếu", "Hội Chữ thập đỏ thành phố"))
    ]
    upload(web, files)
    listing = web.get("/ho-so?q=tram y te").text
    assert '<span class="info" title=' in listing and "Thông tin: Đơn vị" in listing
    page = web.get("/tep".join(["/ho-so", "?p=Trạm Y tế phường Lái Hiếu/bc.docx"])).text
    assert '<h2 id="thong-tin">Thông tin</h2>' in page and 'href="/don-vi?loc=moi"' in page
    form = web.get("/don-vi?loc=moi").text
    import re

    fields = dict(re.findall(r'name="(ten-\d+)" value="([^"]+)"', form))
    levels = {f"cap-{key[4:]}": "commune" for key in fields}
    answer = web.post("/don-vi/them", data={"csrf": token(web, "/don-vi"), "tat-ca": "1", **fields, **levels})
    assert "dvk.toml: Hội Chữ thập đỏ thành phố, Trạm Y tế phường Lái Hiếu." in notice(web, answer)
    units = load_config(workspace.root / "dvk.toml").units["commune"]
    assert units[-2:] == ("Hội Chữ thập đỏ thành phố", "Trạm Y tế phường Lái Hiếu")
    assert 'id="thong-tin"' not in web.get("/ho-so/tep?p=Trạm Y tế phường Lái Hiếu/bc.docx").text


def test_adding_a_unit_to_an_unknown_level_is_refused(workspace, web) -> None:
    answer = web.post(
        "/don-vi/them",
        data={"csrf": token(web, "/don-vi"), "chon": "1", "ten-1": "Ấp 3", "cap-1": "province"},
    )
    assert "Khóa units.province không ứng với cấp nào trong [[levels]]." in notice(web, answer)


# ---------------------------------------------------------------------------- uploads


def test_a_folder_tree_keeps_its_folders(workspace, web, tmp_path) -> None:
    data = proposal(tmp_path, unit="Phường Lái Hiếu")
    files = [
        ("Đợt 2020/Phường Lái Hiếu/Báo cáo (bản cuối).docx", data, "application/octet-stream"),
        ("Đợt 2020/Phường Lái Hiếu/~$Báo cáo (bản cuối).docx", b"lock", "application/octet-stream"),
        ("Đợt 2020/CON/Thumbs.db", b"x", "application/octet-stream"),
        (unicodedata.normalize("NFD", "Đợt 2020/CON/Tờ trình.docx"), data + b"", "application/octet-stream"),
    ]
    text = notice(web, upload(web, files))
    paths = saved_paths(workspace)
    assert "Đợt 2020/Phường Lái Hiếu/Báo cáo (bản cuối).docx" in paths
    assert "Đợt 2020/_CON/Tờ trình.docx" in paths, "a Windows device name is not made a folder"
    assert "Bỏ qua Đợt 2020/Phường Lái Hiếu/~$Báo cáo (bản cuối).docx: tệp khóa tạm của Word" in text
    assert "Bỏ qua Đợt 2020/CON/Thumbs.db: tệp hệ thống của Windows/macOS." in text
    assert not any("~$" in path and path.startswith("Đợt") for path in paths)


def test_a_loose_file_goes_to_the_unit_it_names_else_to_an_unknown_unit_folder(
    workspace, web, tmp_path
) -> None:
    named = proposal(tmp_path, "a.docx", unit="Phường Hiệp Lợi", model_name="“Hẻm sáng”")
    nameless = write_docx(tmp_path / "src" / "b.docx", "Một văn bản không có gì").read_bytes()
    text = notice(
        web,
        upload(
            web,
            [("Hẻm sáng.docx", named, "application/octet-stream"), ("Ghi chú.docx", nameless, "x/y")],
        ),
    )
    paths = saved_paths(workspace)
    assert "Phường Hiệp Lợi/Hẻm sáng.docx" in paths
    assert "Chưa rõ đơn vị/Ghi chú.docx" in paths
    assert "1 tệp gửi lẻ được xếp vào thư mục của đơn vị ghi trong tệp." in text
    assert "1 tệp không ghi rõ đơn vị: để trong thư mục “Chưa rõ đơn vị”." in text
    assert "Đã lưu inputs/Phường Hiệp Lợi/Hẻm sáng.docx: chấp nhận" in text


def test_more_files_than_the_multipart_default_are_taken_in_one_request(workspace, web) -> None:
    files = [(f"Thư mục/{index}.txt", b"x", "text/plain") for index in range(1100)]
    answer = upload(web, files)
    text = notice(web, answer)
    assert "Too many" not in text and "Bỏ qua Thư mục/0.txt: không phải văn bản Word" in text
    assert "… và 1070 tệp khác bỏ qua." in text


def test_the_total_size_cap_is_refused_in_vietnamese(web, monkeypatch) -> None:
    monkeypatch.setattr(protect, "UPLOAD_BODY_BYTES", 2 * 1024 * 1024)
    files = [(f"A/{index}.docx", b"PK" + b"0" * 600_000, "x/y") for index in range(4)]
    answer = upload(web, files)
    assert answer.status_code == 413
    assert "Tổng dung lượng các tệp tải lên vượt quá 2 MB cho một lần gửi" in answer.text
    assert '<html lang="vi">' in answer.text


def test_the_form_parsers_refusals_are_worded_in_vietnamese(web) -> None:
    """Starlette and python-multipart refuse in English ("Too many files…"); the page words it."""
    pdfs = [("tep", (f"{index}.pdf", b"%PDF-1.4", "application/pdf")) for index in range(25)]
    answer = web.post("/luu-tru/tai-len", data={"csrf": token(web, "/luu-tru")}, files=pdfs)
    assert answer.status_code == 400
    assert "Gửi quá 20 tệp trong một lần; chia thành nhiều lần rồi gửi lại." in answer.text
    assert "Too many" not in answer.text
    answer = web.post(
        "/cai-dat", data={"csrf": token(web, "/cai-dat"), "issuer.name": "x" * (1024 * 1024 + 10)}
    )
    assert answer.status_code == 400 and "Không đọc được dữ liệu biểu mẫu gửi lên" in answer.text


def test_the_cap_is_on_size_not_on_count_for_the_upload_only(web) -> None:
    from pipeline.web.security import MAX_BODY_BYTES, UPLOAD_BODY_BYTES

    assert protect.body_cap("/ho-so/tai-len") == UPLOAD_BODY_BYTES > MAX_BODY_BYTES
    assert protect.body_cap("/cai-dat") == MAX_BODY_BYTES


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_folders_is_taken_in_with_its_folders(workspace, web, tmp_path) -> None:
    data = proposal(tmp_path, unit="Phường Ngã Bảy", model_name="“Chợ văn minh”")
    members = {
        "DVK 2020/Phường Ngã Bảy/Chợ văn minh.docx": data,
        "DVK 2020/Phường Ngã Bảy/~$Chợ văn minh.docx": b"lock",
        "__MACOSX/DVK 2020/._Chợ văn minh.docx": b"mac",
        "DVK 2020/": b"",
    }
    text = notice(web, upload(web, [("Hồ sơ.zip", zip_of(members), "application/zip")]))
    assert "DVK 2020/Phường Ngã Bảy/Chợ văn minh.docx" in saved_paths(workspace)
    assert "Đã lưu inputs/DVK 2020/Phường Ngã Bảy/Chợ văn minh.docx: chấp nhận" in text
    assert "Bỏ qua DVK 2020/Phường Ngã Bảy/~$Chợ văn minh.docx: tệp khóa tạm của Word" in text
    assert "Bỏ qua __MACOSX/DVK 2020/._Chợ văn minh.docx: tệp hoặc thư mục ẩn." in text


def test_a_zip_whose_names_climb_out_or_start_at_a_root_is_refused_per_file(workspace, web, tmp_path) -> None:
    data = proposal(tmp_path)
    members = {
        "../../thoát.docx": data,
        "/etc/tuyệt đối.docx": data,
        "C:/Windows/ổ đĩa.docx": data,
        "ok/a.docx": data,
    }
    text = notice(web, upload(web, [("x.zip", zip_of(members), "application/zip")]))
    assert "Không lưu ../../thoát.docx: đường dẫn có “..” (ra ngoài thư mục)." in text
    assert "Không lưu /etc/tuyệt đối.docx: đường dẫn tuyệt đối." in text
    assert "Không lưu C:/Windows/ổ đĩa.docx: đường dẫn tuyệt đối." in text
    assert "ok/a.docx" in saved_paths(workspace)
    root = workspace.root
    assert not list(root.parent.rglob("thoát.docx")) and not list(root.rglob("tuyệt đối.docx"))


def test_a_zip_bomb_is_stopped_with_the_word_file_limits(workspace, web) -> None:
    members = {"a/bom.docx": b"\0" * (8 * 1024 * 1024), "a/sau.docx": b"PK after"}
    text = notice(web, upload(web, [("bom.zip", zip_of(members), "application/zip")]))
    assert (
        "Không lấy được a/bom.docx từ tệp nén bom.zip: Phần a/bom.docx của tệp khi giải nén phình to "
        "hơn 200 lần" in text
    )
    assert "Dừng đọc tệp nén bom.zip: các tệp còn lại trong đó không được lưu." in text
    assert not (workspace.inputs / "a").exists()


def test_a_zip_with_too_many_members_is_refused_whole(workspace, web) -> None:
    members = {f"d/{index}.txt": b"" for index in range(2001)}
    text = notice(web, upload(web, [("nhiều.zip", zip_of(members, zipfile.ZIP_STORED), "application/zip")]))
    assert "Không mở được tệp nén nhiều.zip: Tệp chứa quá nhiều thành phần (2001, giới hạn 2000)" in text
    assert not (workspace.inputs / "d").exists()


def test_a_damaged_or_encrypted_zip_is_refused_in_vietnamese(workspace, web) -> None:
    text = notice(web, upload(web, [("hỏng.zip", b"PK\x03\x04 not a zip", "application/zip")]))
    assert "Không mở được tệp nén hỏng.zip: Tệp bị hỏng hoặc không đầy đủ" in text


def test_a_zip_made_on_windows_without_the_utf8_flag_keeps_its_vietnamese_names(
    workspace, web, tmp_path
) -> None:
    data = proposal(tmp_path)
    name = "Xã Tân Thành/Báo cáo.docx".encode()
    placeholder = b"n" * len(name)  # an ASCII name of the same length: zipfile leaves bit 11 (UTF-8) clear
    raw = zip_of({placeholder.decode(): data}).replace(placeholder, name)  # UTF-8 bytes, no flag: as 7-Zip
    upload(web, [("a.zip", raw, "application/zip")])
    assert "Xã Tân Thành/Báo cáo.docx" in saved_paths(workspace)


# ---------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize("url", ["/cai-dat", "/don-vi/them", "/ho-so/tai-len"])
def test_every_new_form_needs_the_token(workspace, web, url) -> None:
    before = (workspace.root / "dvk.toml").read_bytes()
    answer = web.post(url, data={"issuer.name": "Kẻ lạ", "chon": "1", "ten-1": "X", "cap-1": "city"})
    assert answer.status_code == 403
    assert (workspace.root / "dvk.toml").read_bytes() == before


# ---------------------------------------------------------------------------- outside a workspace


def test_outside_a_workspace_every_page_leads_to_creating_one(tmp_path) -> None:
    folder = tmp_path / "Tài liệu"
    folder.mkdir()
    web = client(load_workspace(folder))
    assert web.get("/ho-so").headers["location"] == "/tao-thu-muc"
    page = web.get("/tao-thu-muc")
    assert page.status_code == 200 and "chưa phải thư mục làm việc của dvk" in page.text
    assert web.post("/tao-thu-muc", data={"thu-muc": str(folder)}).status_code == 403
    answer = web.post("/tao-thu-muc", data={"csrf": token(web, "/tao-thu-muc"), "thu-muc": "DVK-2026"})
    assert "Đã tạo thư mục làm việc" in notice(web, answer)
    root = folder / "DVK-2026"
    assert (root / "dvk.toml").read_bytes() == DEFAULT_CONFIG.read_bytes()
    assert (
        (root / "inputs").is_dir() and (root / "templates_docx").is_dir() and (root / "chay-dvk.bat").exists()
    )
    assert web.get("/ho-so").status_code == 200
    assert web.get("/tao-thu-muc").headers["location"] == "/cai-dat"


def test_dvk_serve_outside_a_workspace_offers_to_create_one(tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "-w", str(tmp_path), "--port", str(port), "--no-browser"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert server.stderr.readline().startswith(f"Trang dvk: http://127.0.0.1:{port}/tao-thu-muc")
    finally:
        server.terminate()
        server.wait(10)
    assert not (tmp_path / "dvk.toml").exists(), "nothing is created before the clerk asks"

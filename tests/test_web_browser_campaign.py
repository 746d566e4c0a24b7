"""A campaign set up in a real browser (Debian's chromium through Playwright): `dvk serve` started in an
empty folder creates the workspace, Cài đặt sets issuer, year and signer, a whole folder tree goes in
through the folder picker in one action, and Đơn vị makes a unit known. Clicks and typed fields are
counted. Screenshots go to the workspace's outputs/screenshots/ (and to $DVK_SCREENSHOTS when set: the
pictures in docs/ come from there)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from pipeline.config import load_config, load_workspace
from tests.docxbuild import proposal_paragraphs, write_docx
from tests.webtools import CHROMIUM, free_port
from tests.webtools import CHROMIUM_ARGS as ARGS

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"
    ),
]
UNITS = (
    ("Phường Lái Hiếu", "Cấp xã, phường"),
    ("Phường Hiệp Thành", "Cấp xã, phường"),
    ("Hội Khuyến học thành phố", "Cấp thành phố"),  # not in the sample list of units
)


@pytest.fixture
def server(tmp_path):
    """`dvk serve` on an empty folder (no dvk.toml, no inputs/), in a thread; yields (url, folder, app)."""
    import uvicorn

    from pipeline.web.app import create_app

    folder = tmp_path / "Đợt mới"
    folder.mkdir()
    app = create_app(load_workspace(folder))
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder, app
    uv.should_exit = True
    thread.join(10)


class Clerk:
    """The page, with every click and typed field counted (choosing a folder in the system dialog
    counts as one click, as the button that opens it does)."""

    def __init__(self, page, shots: Path) -> None:
        self.page, self.shots, self.clicks, self.typed = page, shots, 0, 0

    def click(self, selector: str, **options) -> None:
        self.clicks += 1
        self.page.locator(selector, **options).first.click()

    def type(self, selector: str, text: str) -> None:
        self.typed += 1
        self.page.fill(selector, text)

    def choose_folder(self, selector: str, folder: Path) -> None:
        self.clicks += 2  # the button, then "Upload" in the system dialog
        self.page.set_input_files(selector, str(folder))

    def shoot(self, name: str) -> None:
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        if os.environ.get("DVK_SCREENSHOTS"):
            shutil.copyfile(self.shots / f"{name}.png", Path(os.environ["DVK_SCREENSHOTS"]) / f"{name}.png")


def campaign_folder(root: Path) -> Path:
    """A folder as units send it: one subfolder per unit, Word files, a lock file and a Thumbs.db."""
    tree = root / "Hồ sơ DVK"
    for index, (unit, level) in enumerate(UNITS):
        model = f"“Mô hình số {index + 1}”"
        write_docx(
            tree / unit / "Báo cáo đề nghị.docx",
            *proposal_paragraphs(unit=unit, level=level, model_name=model),
        )
    (tree / UNITS[0][0] / "~$Báo cáo đề nghị.docx").write_bytes(b"lock")
    (tree / UNITS[1][0] / "Thumbs.db").write_bytes(b"x")
    return tree


def test_a_campaign_is_set_up_from_an_empty_folder_on_the_page(server, tmp_path) -> None:
    url, folder, app = server
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN").new_page()
        clerk = Clerk(page, tmp_path / "screenshots")
        try:
            walk(clerk, url, folder, tmp_path)
        finally:
            chromium.close()
    # Creating, setting up and taking in a three-unit campaign, and making one unit known.
    assert (clerk.clicks, clerk.typed) == (7, 3)


def walk(clerk: Clerk, url: str, folder: Path, tmp_path: Path) -> None:
    page = clerk.page
    page.goto(url)
    assert page.url.endswith("/tao-thu-muc")
    clerk.shoot("tao-thu-muc")
    clerk.click("form[action='/tao-thu-muc'] button[type=submit]")
    page.wait_for_url("**/cai-dat?tb=*")
    assert (folder / "dvk.toml").exists() and (folder / "inputs").is_dir()
    assert "dvk.toml vẫn giữ giá trị mẫu" in page.locator("[data-sample-values]").inner_text()

    clerk.type("[name='issuer.name']", "Thành ủy Vị Thanh")
    clerk.type("[name='campaign.year']", "2026")
    clerk.type("[name='signer.name']", "Trần Thị Bích")
    clerk.click("form.settings button[type=submit]")
    assert "Đã lưu cài đặt vào dvk.toml." in page.locator(".notice").inner_text()
    assert page.locator("[data-sample-values]").count() == 0
    config = load_config(folder / "dvk.toml")
    assert (config.issuer["name"], config.year, config.signer["name"]) == (
        "Thành ủy Vị Thanh",
        2026,
        "Trần Thị Bích",
    )
    assert "# Cấu hình dvk cho một đợt công nhận" in (folder / "dvk.toml").read_text(encoding="utf-8")
    clerk.shoot("cai-dat")

    clerk.click("nav a", has_text="Hồ sơ")
    assert page.locator("details.upload").get_attribute("open") is not None, "open while inputs/ is empty"
    clerk.shoot("ho-so-them")
    clerk.choose_folder("#thu-muc", campaign_folder(tmp_path))
    page.wait_for_url("**/ho-so?tb=*")
    notice = page.locator(".notice").inner_text()
    for unit, _ in UNITS:
        assert f"Đã lưu inputs/Hồ sơ DVK/{unit}/Báo cáo đề nghị.docx" in notice
        assert (folder / "inputs" / "Hồ sơ DVK" / unit / "Báo cáo đề nghị.docx").exists()
    assert "Bỏ qua Hồ sơ DVK/Phường Lái Hiếu/~$Báo cáo đề nghị.docx: tệp khóa tạm của Word" in notice
    assert "Bỏ qua Hồ sơ DVK/Phường Hiệp Thành/Thumbs.db: tệp hệ thống" in notice
    clerk.shoot("tai-len")

    clerk.click("nav a", has_text="Đơn vị")
    clerk.shoot("don-vi")
    row = page.locator("table.units tr", has_text="Hội Khuyến học thành phố")
    assert row.locator("select").input_value() == "city", "the level the files ask for is preselected"
    clerk.clicks += 1
    row.locator("button", has_text="Thêm vào danh sách").click()
    assert "Đã thêm vào danh sách đơn vị" in page.locator(".notice").inner_text()
    assert "Hội Khuyến học thành phố" in load_config(folder / "dvk.toml").units["city"]


def test_a_zip_goes_in_and_a_choice_past_the_cap_is_refused_before_sending(server, tmp_path) -> None:
    from pipeline import service

    url, folder, app = server
    app.state.workspace, app.state.needs_init = service.create_workspace(folder), False
    tree = campaign_folder(tmp_path)
    archive = Path(shutil.make_archive(str(tmp_path / "Hồ sơ DVK"), "zip", tree.parent, tree.name))
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page()
        try:
            page.goto(f"{url}/ho-so")
            page.evaluate("document.querySelector('form[data-upload]').dataset.maxBytes = '1000'")
            page.set_input_files("#thu-muc", str(tree))
            status = page.locator("[data-chosen]")
            assert "KB vượt quá 1 KB cho một lần gửi; chia thành nhiều lần" in status.inner_text()
            assert "Chưa gửi tệp nào." in status.inner_text()
            assert not list((folder / "inputs").iterdir()), "nothing was sent"
            page.reload()
            with page.expect_navigation(url="**/ho-so?tb=*"):
                page.set_input_files("#tep", str(archive))
            notice = page.locator(".notice").inner_text()
            assert "Đã lưu inputs/Hồ sơ DVK/Phường Lái Hiếu/Báo cáo đề nghị.docx" in notice
            assert "Bỏ qua Hồ sơ DVK/Phường Lái Hiếu/~$Báo cáo đề nghị.docx: tệp khóa tạm của Word" in notice
        finally:
            chromium.close()


DROP_FOLDER = """([encoded, batches]) => {
    // A folder dropped from the file manager, as Chromium hands it over: entries (webkitGetAsEntry) whose
    // folder reader gives its children in batches, then an empty batch.
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const file = (path) => ({
        isFile: true, isDirectory: false, fullPath: path,
        file: (ok) => ok(new File([bytes], path.split("/").pop())),
    });
    const folder = (path, children) => {
        const queue = [...children.map((batch) => batch.map((child) =>
            Array.isArray(child) ? folder(child[0], child[1]) : file(child))), []];
        return { isFile: false, isDirectory: true, fullPath: path,
                 createReader: () => ({ readEntries: (ok) => ok(queue.shift() || []) }) };
    };
    const root = folder("/Hồ sơ kéo thả", batches);
    const event = new Event("drop", { bubbles: true, cancelable: true });
    Object.defineProperty(event, "dataTransfer", {
        value: { items: [{ webkitGetAsEntry: () => root }], files: [] },
    });
    document.querySelector("form[data-upload]").dispatchEvent(event);
}"""


def test_a_dropped_folder_is_walked_batch_by_batch_and_keeps_its_paths(server, tmp_path) -> None:
    import base64

    from pipeline import service

    url, folder, app = server
    app.state.workspace, app.state.needs_init = service.create_workspace(folder), False
    data = write_docx(tmp_path / "x.docx", *proposal_paragraphs(unit="Phường Lái Hiếu")).read_bytes()
    batches = [
        [
            "/Hồ sơ kéo thả/a.docx",
            ["/Hồ sơ kéo thả/Phường Lái Hiếu", [["/Hồ sơ kéo thả/Phường Lái Hiếu/b.docx"]]],
        ],
        ["/Hồ sơ kéo thả/~$a.docx"],
    ]
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = chromium.new_context(locale="vi-VN").new_page()
        try:
            page.goto(f"{url}/ho-so")
            with page.expect_navigation(url="**/ho-so?tb=*"):
                page.evaluate(DROP_FOLDER, [base64.b64encode(data).decode(), batches])
            notice = page.locator(".notice").inner_text()
        finally:
            chromium.close()
    assert (folder / "inputs" / "Hồ sơ kéo thả" / "a.docx").exists()
    assert (folder / "inputs" / "Hồ sơ kéo thả" / "Phường Lái Hiếu" / "b.docx").exists()
    assert "Bỏ qua Hồ sơ kéo thả/~$a.docx: tệp khóa tạm của Word" in notice

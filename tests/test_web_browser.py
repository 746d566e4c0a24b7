"""A clerk's day in a real browser: Debian's chromium driven by Playwright against `dvk serve` on the
bundled samples. Screenshots of every page go to the test workspace's outputs/screenshots/."""

from __future__ import annotations

import base64
import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest

from pipeline import corrections, service
from pipeline.appraise import read_results
from tests.docxbuild import proposal_paragraphs, write_docx
from tests.pdfsign import draft_pdf, issue_signer, make_ca, sign_pdf
from tests.webtools import CHROMIUM, CHROMIUM_ARGS, free_port, sample_workspace

ARGS = CHROMIUM_ARGS
playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`dvk serve` on a checked copy of the samples, in a thread; yields (base url, workspace)."""
    import uvicorn

    from pipeline.web.app import create_app

    workspace = sample_workspace(tmp_path_factory.mktemp("browser"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(workspace), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", workspace
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="vi-VN"
    )
    yield context.new_page()
    context.close()


def shoot(page, workspace, name: str) -> None:
    folder = workspace.outputs / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def drop_file(page, selector: str, name: str, data: bytes) -> None:
    """Drag and drop a file onto the element, as from a file manager (a DataTransfer holding a File)."""
    page.evaluate(
        """([selector, name, encoded]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name));
            const target = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
                const options = { dataTransfer: transfer, bubbles: true, cancelable: true };
                target.dispatchEvent(new DragEvent(type, options));
            }
        }""",
        [selector, name, base64.b64encode(data).decode()],
    )


def test_a_clerks_day(site, page, tmp_path) -> None:
    url, workspace = site
    # Open the page; the keyboard reaches the skip link first, then the pages.
    page.goto(f"{url}/ho-so")
    assert page.locator("h1").inner_text() == "Hồ sơ"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua thanh điều hướng"
    shoot(page, workspace, "01-ho-so")

    # Upload a report whose level is missing, by drag and drop; the check runs and says why it is rejected.
    report = write_docx(tmp_path / "src.docx", *proposal_paragraphs(level="", unit="Phường Hiệp Thành"))
    page.locator("details.upload summary").click()
    page.fill("#don-vi", "Phường Hiệp Thành")
    with page.expect_navigation():
        drop_file(page, "form[data-upload]", "Báo cáo DVK Hiệp Thành.docx", report.read_bytes())
    notice = page.locator(".notice").inner_text()
    assert "Đã lưu inputs/Phường Hiệp Thành/Báo cáo DVK Hiệp Thành.docx: bị loại" in notice
    assert "Cấp công nhận" in notice
    shoot(page, workspace, "02-ho-so-sau-tai-len")

    # Its own page: the fields beside the text, and the form to complete the missing level.
    page.locator("table.files a", has_text="Báo cáo DVK Hiệp Thành.docx").click()
    page.locator("#bo-sung").wait_for()
    shoot(page, workspace, "03-tep")
    correct_missing_level(page, workspace)

    # Appraisal: two results chosen in the drop-down are saved (no page reload) into tham-dinh.xlsx.
    page.goto(f"{url}/tham-dinh")
    ids = list(read_results(service.workbook_path(workspace)))
    rows = page.locator("form[data-autosave]")
    rows.nth(0).locator("select").select_option("Khá")
    rows.nth(0).locator(".saved").filter(has_text="Đã lưu").wait_for()
    rows.nth(1).locator("input[name=ghi-chu]").fill("Hồ sơ chưa đủ minh chứng")
    rows.nth(1).locator("select").select_option("Không công nhận")
    rows.nth(1).locator(".saved").filter(has_text="Đã lưu").wait_for()
    # The keyboard alone: focus a row's drop-down, Home then Down picks "Tốt", and it is saved.
    rows.nth(2).locator("select").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    deadline = time.monotonic() + 20  # two saves in a row ("" then "Tốt"): the last one stays
    while read_results(service.workbook_path(workspace))[ids[2]] != "Tốt" and time.monotonic() < deadline:
        time.sleep(0.1)
    page.wait_for_timeout(300)  # nothing saved after it
    results = read_results(service.workbook_path(workspace))
    assert (results[ids[0]], results[ids[1]], results[ids[2]]) == ("Khá", "Không công nhận", "Tốt")
    shoot(page, workspace, "04-tham-dinh")

    # Build: the progress shows, then the documents; the decision downloads and says what it should.
    page.goto(f"{url}/van-ban")
    page.click("form[action='/van-ban/lap'] button[type=submit]")
    page.locator("table.documents").wait_for(timeout=120_000)
    shoot(page, workspace, "05-van-ban")
    with page.expect_download() as download:
        page.locator("table.documents tr", has_text="Quyết định").first.locator("a", has_text=".docx").click()
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(Path(download.value.path()).read_bytes())).paragraphs
    )
    assert "QUYẾT ĐỊNH" in text and "Công nhận" in text and "Dân vận khéo" in text

    # Archive: the signed decision is uploaded, its signature judged, and it is in the register.
    decision = next(item for item in service.latest_documents(workspace) if item["kind"] == "decision")
    ca = make_ca("CA thử nghiệm trình duyệt")
    (workspace.root / "trust-roots").mkdir(exist_ok=True)
    (workspace.root / "trust-roots" / "ca.pem").write_bytes(ca.pem())
    signed = tmp_path / "QĐ đã ký.pdf"
    with ThreadPoolExecutor(1) as other:  # pyHanko runs its own event loop; Playwright's runs in this thread
        signer = issue_signer(ca, "Nguyễn Văn A")
        data = other.submit(sign_pdf, draft_pdf(workspace.root / decision["path"]), signer).result()
    signed.write_bytes(data)
    page.goto(f"{url}/luu-tru")
    page.set_input_files("#tep-ky", str(signed))
    page.click("form[action='/luu-tru/tai-len'] button[type=submit]")
    assert "Đã lưu trữ 01-QĐ/TU" in page.locator(".notice").inner_text()
    assert "người ký được tin cậy" in page.locator("table.register").inner_text()
    shoot(page, workspace, "06-luu-tru")
    page.goto(f"{url}/")
    shoot(page, workspace, "00-tong-quan")
    assert len(list((workspace.outputs / "screenshots").glob("*.png"))) == 7


def correct_missing_level(page, workspace) -> None:
    """Complete the missing level through the correction form: the value goes into the correction
    workbook, the check runs again, and the file is accepted."""
    form = page.locator("section.correction form")
    form.locator("select[name=gia-tri-level]").select_option("Cấp xã, phường")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Phường Hiệp Thành/Báo cáo DVK Hiệp Thành.docx: chấp nhận" in page.locator(".notice").inner_text()
    assert page.locator(".badge").first.inner_text() == "chấp nhận"
    typed = corrections.read_corrections(service.corrections_path(workspace))
    assert typed["Phường Hiệp Thành/Báo cáo DVK Hiệp Thành.docx"].values["level"] == "Cấp xã, phường"

"""`dvk serve`: the pages. Each handler parses the request, calls one `pipeline.service` function (in a
worker thread: they read files and may wait for the workspace lock) and renders a template.

State changes are POST only, each checked for the CSRF token (`posted`); after a POST the browser is
redirected (303) to a page that shows what happened (`Notices`), so a reload never repeats an action.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import jinja2
import markupsafe
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline import service, settings
from pipeline.appraise import ID, AppraisalPending, is_pending
from pipeline.archive.entries import RefusedEntry
from pipeline.config import Workspace
from pipeline.model import DISPLAY_VI, DvkError
from pipeline.platform import files
from pipeline.vntext import neutralise, sort_key
from pipeline.web import campaign, history_pages
from pipeline.web import pages as views
from pipeline.web.pages import STATUS_VI
from pipeline.web.protect import Protect
from pipeline.web.respond import page, posted
from pipeline.web.security import SESSION_COOKIE, Guard, served_file

HERE = Path(__file__).parent
PAGE_SIZE = 50  # rows per page: a 10,000-file campaign is 200 pages, never a 10,000-row table
MAX_FILES_PER_POST = 20
KIND_VI = DISPLAY_VI
NAV = (
    ("/", "Tổng quan"),
    ("/ho-so", "Hồ sơ"),
    ("/tham-dinh", "Thẩm định"),
    ("/van-ban", "Văn bản"),
    ("/luu-tru", "Lưu trữ"),
    ("/don-vi", "Đơn vị"),
    ("/cac-nam", "Các năm"),
    ("/cai-dat", "Cài đặt"),
)


def create_app(
    workspace: Workspace, password_hash: str | None = None, hosts: tuple[str, ...] | None = ()
) -> Protect:
    """The application for one workspace. `hosts`: the host names requests may name (the bound address);
    `password_hash`: when set, every page but the login page needs a session."""
    routes = [
        Route("/", overview_page),
        Route("/ho-so", files_page),
        Route("/ho-so/tep", file_page),
        Route("/ho-so/kiem-tra", run_check, methods=["POST"]),
        Route("/ho-so/bo-sung", save_correction, methods=["POST"]),
        Route("/tham-dinh", appraisal_page),
        Route("/tham-dinh/luu", save_appraisal, methods=["POST"]),
        Route("/tham-dinh/dong-y", agree_as_proposed, methods=["POST"]),
        Route("/van-ban", documents_page),
        Route("/van-ban/lap", start_build, methods=["POST"]),
        Route("/van-ban/tien-do", build_progress),
        Route("/luu-tru", archive_page),
        Route("/luu-tru/tai-len", upload_signed, methods=["POST"]),
        Route("/luu-tru/chung-thu-goc", upload_trust_root, methods=["POST"]),
        Route("/luu-tru/kiem-tra", verify_archive, methods=["POST"]),
        Route("/luu-tru/so-dang-ky.xlsx", register_export),
        Route("/tai-ve/{path:path}", download),
        Route("/dang-nhap", login_page, methods=["GET", "POST"]),
        Route("/dang-xuat", logout, methods=["POST"]),
        *campaign.routes(),
        *history_pages.routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers: dict[Any, Any] = {HTTPException: http_error, DvkError: dvk_error, Exception: unexpected_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=fewer_threads)
    app.state.workspace = workspace
    app.state.needs_init = campaign.needs_init(workspace.root)
    app.state.guard = Guard(password_hash)
    app.state.notices = Notices()
    app.state.builds = BuildJobs()
    app.state.templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=shown,  # every value a page prints, as dvk shows text everywhere
    )
    app.state.templates.globals.update(
        nav=NAV, status_vi=STATUS_VI, kind_vi=KIND_VI, download_url=download_url
    )
    app.state.templates.globals.update(signature_label=service.signature_label)
    app.state.templates.globals.update(
        sample_values=settings.sample_values, upload_limits=campaign.upload_limits
    )
    return Protect(campaign.FirstRun(app), app.state.guard, hosts)


WORKER_THREADS = 6  # a 2-core machine: more threads only take turns at the GIL, each with its own memory


@contextlib.asynccontextmanager
async def fewer_threads(app: Starlette):
    """Pages run their work in worker threads (40 by default). Twenty tabs at once then made forty
    threads share two cores: each page waited for the others' turns, and each thread's memory arena
    kept what it had used (the server grew past 500 MB). A few threads serve as many requests sooner."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


# ---------------------------------------------------------------------------- helpers


def shown(value: object) -> object:
    """A value printed on a page: text neutralised (`vntext.neutralise`), so a name holding U+202E does
    not show reversed; markup the templates build (Markup) is theirs and left as it is."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return neutralise(value)
    return value


def back(request: Request, url: str, kind: str, *lines: str) -> Response:
    """After a POST: JSON for a script, else a redirect to `url` that shows the notice once."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {"ok": kind != "error", "messages": list(lines)}, status_code=200 if kind != "error" else 409
        )
    token = request.app.state.notices.put(kind, list(lines))
    joiner = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{joiner}tb={token}", status_code=303)


async def uploads_of(form, field: str) -> list[service.Upload]:
    files = [item for item in form.getlist(field) if isinstance(item, UploadFile) and item.filename]
    return [service.Upload(item.filename or "", await item.read()) for item in files]


def download_url(path: str) -> str:
    return "/tai-ve/" + quote(path, safe="/")


def page_of(items: list, number: int) -> tuple[list, int, int]:
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    number = min(max(1, number), pages)
    return items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], number, pages


def page_number(request: Request) -> int:
    text = request.query_params.get("trang", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1


class Notices:
    """Messages shown once on the page a POST redirects to."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[str, list[str]]] = {}
        self.lock = threading.Lock()

    def put(self, kind: str, lines: list[str]) -> str:
        token = uuid.uuid4().hex[:16]
        with self.lock:
            if len(self.items) > 200:
                self.items.pop(next(iter(self.items)))
            self.items[token] = (kind, lines)
        return token

    def take(self, token: str) -> tuple[str, list[str]] | None:
        with self.lock:
            return self.items.pop(token, None)


async def http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/static") or not hasattr(request.state, "csrf_token"):
        return Response(str(exc.detail), status_code=exc.status_code, media_type="text/plain; charset=utf-8")
    return page(request, "loi.html", status_code=exc.status_code, message=exc.detail)


async def dvk_error(request: Request, exc: DvkError) -> Response:
    """A page that cannot be shown for a reason the clerk can act on (no inputs/, a damaged workbook…)."""
    return page(request, "loi.html", status_code=409, message=str(exc))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """A bug: a plain Vietnamese page (no traceback shown); uvicorn logs the traceback in the terminal.
    SQLite failing to write (a full disk under the register) is not a bug: it is said as the CLI says it."""
    if isinstance(exc, sqlite3.OperationalError):
        root = request.app.state.workspace.root
        full = files.database_write_error(exc, "sổ đăng ký văn bản hoặc khóa thư mục làm việc", root)
        if full is not None:
            return await dvk_error(request, full)
    message = (
        f"Lỗi không lường trước ({type(exc).__name__}). Thao tác có thể chưa hoàn tất; xin xem cửa sổ "
        "dòng lệnh đang chạy dvk serve và báo lại cho nhóm phát triển."
    )
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>Lỗi</title><p>{message}</p>", status_code=500
    )


# ---------------------------------------------------------------------------- Tổng quan


async def overview_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    summary = await run_in_threadpool(views.overview, workspace)
    return page(request, "tong-quan.html", summary=summary, config=workspace.config)


# ---------------------------------------------------------------------------- Hồ sơ


async def files_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    params = request.query_params
    query = views.FileQuery(
        status=params.get("trang-thai", ""),
        level=params.get("cap", ""),
        unit=params.get("don-vi", ""),
        code=params.get("ma-loi", ""),
        text=params.get("q", ""),
    )
    result = await run_in_threadpool(views.current_check, workspace)
    found = await run_in_threadpool(views.find_files, result, query)  # builds the index once per check
    shown, number, pages = page_of(found, page_number(request))
    kept = {key: value for key, value in params.items() if key not in ("trang", "tb") and value}
    return page(
        request,
        "ho-so.html",
        totals=result.totals,
        files=shown,
        found=len(found),
        query=query,
        choices=views.file_choices(result),
        folders=service.input_folders(workspace),
        page_number=number,
        pages=pages,
        page_link=lambda n: "/ho-so?" + urlencode({**kept, "trang": n}),
        file_link=lambda rel: "/ho-so/tep?" + urlencode({"p": rel}),
    )


async def run_check(request: Request) -> Response:
    await posted(request)
    try:
        result = await run_in_threadpool(views.check, request.app.state.workspace)
    except DvkError as exc:
        return back(request, "/ho-so", "error", str(exc))
    totals = result.totals
    line = (
        f"Đã kiểm tra {totals['found']} tệp: {totals['accepted']} chấp nhận, {totals['rejected']} bị loại, "
        f"{totals['skipped']} bỏ qua."
    )
    workbook = result.workbook
    extra = f"Sổ thẩm định: thêm {workbook.added} dòng mới." if workbook else ""
    return back(request, "/ho-so", "ok", line, *([extra] if extra else []))


async def file_page(request: Request) -> Response:
    rel = request.query_params.get("p", "")
    workspace = request.app.state.workspace
    try:
        detail = await run_in_threadpool(
            views.file_detail, workspace, rel, request.query_params.get("hang", "")
        )
    except DvkError as exc:
        raise HTTPException(404, str(exc)) from exc
    # The form reads the correction workbook and the file's closest lines: off the event loop too.
    correction = await run_in_threadpool(views.correction_form, workspace, detail)
    return page(
        request,
        "tep.html",
        detail=detail,
        report=detail.report,
        correction=correction,
        file_link=lambda rel: "/ho-so/tep?" + urlencode({"p": rel}),
        row_link=lambda rel, key: "/ho-so/tep?" + urlencode({"p": rel, "hang": key}),
    )


async def save_correction(request: Request) -> Response:
    form = await posted(request)
    rel, row = str(form.get("p", "")), str(form.get("hang", ""))
    url = "/ho-so/tep?" + urlencode({"p": rel, **({"hang": row} if row else {})})
    values = {key[len("gia-tri-") :]: str(value) for key, value in form.items() if key.startswith("gia-tri-")}
    workspace = request.app.state.workspace
    try:
        outcome = await run_in_threadpool(views.save_corrections, workspace, rel, values, row)
    except DvkError as exc:
        return back(request, url, "error", str(exc))
    return back(request, url, "ok", *outcome)


# ---------------------------------------------------------------------------- Thẩm định


APPRAISAL_PARAMS = {"q": "text", "hien": "state", "cap": "level", "don-vi": "unit", "de-nghi": "proposed"}
APPRAISAL_STATES = {"chua": "pending", "xong": "decided"}
APPRAISAL_GROUPS = {"cap": "level", "don-vi": "unit", "de-nghi": "proposed"}


def appraisal_query(params) -> views.AppraisalQuery:
    """The page's filter, from a query string or a posted form (the same names)."""
    values = {name: str(params.get(key, "")).strip() for key, name in APPRAISAL_PARAMS.items()}
    values["state"] = APPRAISAL_STATES.get(values["state"], "")
    group = APPRAISAL_GROUPS.get(str(params.get("nhom", "")), "level")
    return views.AppraisalQuery(**values, group=group)


async def appraisal_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    try:
        rows = await run_in_threadpool(views.appraisal_rows, workspace)
        problem = ""
    except DvkError as exc:
        rows, problem = [], str(exc)
    query = appraisal_query(request.query_params)
    chosen = await run_in_threadpool(views.find_appraisal_rows, rows, query, workspace)
    shown, number, pages = page_of(chosen, page_number(request))
    kept = {key: value for key, value in request.query_params.items() if key not in ("trang", "tb") and value}
    units = sorted({row.get(views.GROUPS["unit"], "") for row in rows} - {""}, key=sort_key)
    return page(
        request,
        "tham-dinh.html",
        rows=shown,
        total=len(rows),
        pending=sum(1 for row in rows if is_pending(row)),
        found=len(chosen),
        found_pending=[row[ID] for row in chosen if is_pending(row)],
        groups=views.appraisal_groups(chosen, query.group),
        group_title=views.GROUPS[query.group],
        problem=problem,
        choices=service.appraisal_choices(workspace),
        levels=[term.label for term in workspace.config.levels],
        units=units,
        params=kept,
        page_number=number,
        pages=pages,
        page_link=lambda n: "/tham-dinh?" + urlencode({**kept, "trang": n}),
        here=str(request.url.path) + ("?" + str(request.url.query) if request.url.query else ""),
        is_pending=is_pending,
    )


async def agree_as_proposed(request: Request) -> Response:
    """ "Đồng ý theo đề nghị": the rows ticked, or every pending row the filter shows, take their proposal."""
    form = await posted(request, max_fields=5_000)
    back_to = str(form.get("quay-lai", "/tham-dinh"))
    back_to = back_to if back_to.startswith("/tham-dinh") else "/tham-dinh"
    workspace = request.app.state.workspace
    if form.get("cach") == "loc":
        rows = await run_in_threadpool(views.appraisal_rows, workspace)
        chosen = await run_in_threadpool(views.find_appraisal_rows, rows, appraisal_query(form), workspace)
        ids = [row[ID] for row in chosen if is_pending(row)]
    else:
        ids = [str(value) for value in form.getlist("ma")]
    if not ids:
        return back(request, back_to, "error", "Chưa chọn dòng nào (đánh dấu các dòng, hoặc dùng bộ lọc).")
    try:
        agreed = await run_in_threadpool(service.agree_as_proposed, workspace, ids)
    except DvkError as exc:
        return back(request, back_to, "error", f"Chưa ghi được kết quả: {exc}")
    lines = [f"Đã ghi kết quả theo đề nghị cho {len(agreed.agreed)} đề nghị."] if agreed.agreed else []
    lines += [f"Chưa ghi {line}" for line in agreed.skipped]
    return back(request, back_to, "ok" if agreed.agreed else "error", *lines)


async def save_appraisal(request: Request) -> Response:
    form = await posted(request)
    back_to = str(form.get("quay-lai", "/tham-dinh"))
    back_to = back_to if back_to.startswith("/tham-dinh") else "/tham-dinh"
    proposal_id = str(form.get("ma", ""))
    result, note = str(form.get("ket-qua", "")), str(form.get("ghi-chu", ""))
    try:
        await run_in_threadpool(service.set_appraisal, request.app.state.workspace, proposal_id, result, note)
    except DvkError as exc:
        return back(
            request,
            back_to,
            "error",
            f"Chưa lưu {proposal_id}: {exc}",
            f"Giá trị bạn chọn: {result or '(để trống)'}; ghi chú: {note or '(trống)'}.",
        )
    return back(request, back_to, "ok", f"Đã lưu {proposal_id}: {result or '(để trống)'}.")


# ---------------------------------------------------------------------------- Văn bản


async def documents_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    documents = await run_in_threadpool(service.latest_documents, workspace)
    job = request.app.state.builds.get(request.query_params.get("lan", ""))
    return page(
        request,
        "van-ban.html",
        documents=documents,
        job=job,
        job_key=request.query_params.get("lan", ""),
        pdf_available=service.pdf_available(),
    )


async def start_build(request: Request) -> Response:
    form = await posted(request)
    try:
        number, issued = service.number_and_date(str(form.get("so", "")), str(form.get("ngay", "")))
    except DvkError as exc:
        return back(request, "/van-ban", "error", str(exc))
    workspace = request.app.state.workspace
    summary = await run_in_threadpool(views.overview, workspace)
    if summary.awaiting:  # the build would refuse: say so now, with the way to decide them
        return back(request, "/van-ban", "error", pending_words(summary.awaiting))
    pdf = form.get("pdf") == "1"
    job = request.app.state.builds.start(
        lambda progress: service.build_campaign(workspace, number, issued, pdf, progress)
    )
    return RedirectResponse(f"/van-ban?lan={job}", status_code=303)


def pending_words(count: int) -> str:
    """A build refused for proposals without a result, worded for the page: where to decide them."""
    return (
        f"Còn {count} đề nghị chưa có kết quả thẩm định: chọn kết quả trên trang Thẩm định (nút “Đồng ý theo "
        "đề nghị” cho những đề nghị hội đồng đồng ý) rồi lập văn bản."
    )


async def build_progress(request: Request) -> Response:
    job = request.app.state.builds.get(request.query_params.get("lan", ""))
    if job is None:
        raise HTTPException(404, "Không có lần lập văn bản này.")
    return JSONResponse({key: job[key] for key in ("stage", "done", "total", "finished", "error")})


class BuildJobs:
    """Builds run in a thread so the page can show their progress; one at a time per server."""

    def __init__(self) -> None:
        self.jobs: dict[str, dict] = {}
        self.lock = threading.Lock()

    def start(self, work) -> str:
        with self.lock:
            running = next((key for key, job in self.jobs.items() if not job["finished"]), None)
            if running:
                return running
            key = uuid.uuid4().hex[:12]
            job = self.jobs[key] = {
                "stage": "kiểm tra hồ sơ",
                "done": 0,
                "total": 0,
                "finished": False,
                "error": "",
                "result": None,
            }

        def progress(stage: str, done: int, total: int) -> None:
            job.update(stage=stage, done=done, total=total)

        def run() -> None:
            try:
                job["result"] = work(progress)
            except AppraisalPending as exc:
                job["error"] = f"{exc}\n{pending_words(len(exc.pending))}"
            except DvkError as exc:
                job["error"] = str(exc)
            except Exception as exc:  # noqa: BLE001 - shown on the page instead of lost in a thread
                job["error"] = f"Lỗi không lường trước khi lập văn bản ({type(exc).__name__}: {exc})."
            job["finished"] = True

        threading.Thread(target=run, name=f"dvk-build-{key}", daemon=True).start()
        return key

    def get(self, key: str) -> dict | None:
        with self.lock:
            return self.jobs.get(key)


# ---------------------------------------------------------------------------- Lưu trữ


# What an archive refusal asks the clerk to give, in this page's words: its own fields (the labels of
# luu-tru.html), never the CLI's flags (see pipeline.archive.entries.Refused).
PAGE_WORDS = {
    "number": "ô “Số văn bản”",
    "date": "ô “Ngày văn bản”",
    "code": "ô “Mã dự thảo”",
    "replace": "ô “Lý do thay bản đã lưu”",
    "accept_untrusted": "ô “Lý do vẫn lưu chữ ký chưa tin cậy”, rồi tải tệp lên lại",
    "accept_unsigned": "ô “Lý do vẫn lưu bản quét, bản không ký số”, rồi tải tệp lên lại",
    "trust_root": (
        "tải chứng thư gốc của tổ chức đó (tệp .pem, .crt hoặc .cer) lên ở mục “Chứng thư gốc tin cậy” rồi "
        "tải tệp lên lại"
    ),
    "build": "nút “Lập văn bản” trên trang Văn bản",
}


def page_words(exc: DvkError) -> str:
    """A refusal in the page's words: a typed archive refusal names this page's fields."""
    worded = getattr(exc, "worded", None)
    return worded(PAGE_WORDS) if callable(worded) else str(exc)


async def archive_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    entries = await run_in_threadpool(service.outgoing_register, workspace)
    kept = await run_in_threadpool(service.quarantined, workspace)
    roots = await run_in_threadpool(service.trust_roots, workspace)
    return page(request, "luu-tru.html", entries=entries, kept=kept, roots=roots)


async def upload_signed(request: Request) -> Response:
    """File the signed PDFs; what happened to each is said once, in the notice of this attempt only."""
    form = await posted(request, max_files=MAX_FILES_PER_POST)
    uploads = await uploads_of(form, "tep")
    if not uploads:
        return back(request, "/luu-tru", "error", "Chưa chọn tệp PDF nào.")
    try:
        number, issued = service.number_and_date(
            str(form.get("so", "")), str(form.get("ngay", "")), both=False
        )
        entries, refusal = await run_in_threadpool(
            lambda: service.archive_uploads(
                request.app.state.workspace,
                uploads,
                number=number,
                issued=issued,
                replace_reason=str(form.get("ly-do", "")) or None,
                code=str(form.get("ma", "")).strip() or None,
                untrusted_reason=str(form.get("nhan-khong-tin-cay", "")) or None,
                unsigned_reason=str(form.get("nhan-khong-ky", "")) or None,
            )
        )
    except DvkError as exc:
        entries, refusal = [], exc
    # Each outcome said once, in this attempt's notice only (no log of older attempts on the page).
    lines = [
        entry.reason + views.fields_for(entry.needs)
        if isinstance(entry, RefusedEntry)
        else f"Đã lưu trữ {entry.label}: {service.signature_label(entry.signature)}."
        for entry in entries
    ]
    if refusal is not None:
        lines.append(f"Chưa lưu trữ: {views.error_text(refusal)}")
    failed = refusal is not None or any(isinstance(entry, RefusedEntry) for entry in entries)
    return back(request, "/luu-tru", "error" if failed else "ok", *lines)


async def upload_trust_root(request: Request) -> Response:
    form = await posted(request, max_files=1)
    uploads = await uploads_of(form, "tep-goc")
    if not uploads:
        return back(request, "/luu-tru", "error", "Chưa chọn tệp chứng thư gốc nào.")
    try:
        roots, new = await run_in_threadpool(service.add_trust_root, request.app.state.workspace, uploads[0])
    except DvkError as exc:
        return back(request, "/luu-tru", "error", views.error_text(exc))
    names = "; ".join(root.subject for root in roots)
    if not new:
        return back(request, "/luu-tru", "ok", f"Chứng thư gốc {names} đã có trong danh sách tin cậy.")
    return back(
        request,
        "/luu-tru",
        "ok",
        f"Đã thêm chứng thư gốc tin cậy: {names} (tệp {roots[0].file}). Tải lại bản đã ký để kiểm tra lại.",
    )


async def verify_archive(request: Request) -> Response:
    await posted(request)
    try:
        problems = await run_in_threadpool(service.verify_archive, request.app.state.workspace)
    except DvkError as exc:
        return back(request, "/luu-tru", "error", str(exc))
    if not problems:
        return back(request, "/luu-tru", "ok", "Kho lưu trữ toàn vẹn: mọi tệp khớp mã băm và sổ đăng ký.")
    lines = [
        f"{problem.where}: {problem.message}" if problem.where else problem.message for problem in problems
    ]
    return back(request, "/luu-tru", "error", f"Kho lưu trữ có {len(problems)} vấn đề:", *lines)


async def register_export(request: Request) -> Response:
    workspace = request.app.state.workspace
    if not await run_in_threadpool(service.outgoing_register, workspace):
        raise HTTPException(404, "Sổ đăng ký văn bản đi chưa có văn bản nào.")
    with tempfile.TemporaryDirectory() as folder:
        path = await run_in_threadpool(service.register_workbook, workspace, Path(folder) / "so-dang-ky.xlsx")
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="so-dang-ky-van-ban-di.xlsx"'},
    )


# ---------------------------------------------------------------------------- files


async def download(request: Request) -> Response:
    requested = request.path_params["path"]
    path = served_file(request.app.state.workspace.root, requested)
    if path is None:
        raise HTTPException(404, "Không có tệp này trong outputs/ hoặc inputs/.")
    inline = requested.startswith("outputs/") and path.suffix.lower() == ".pdf"
    media = {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    # Input files are untrusted: always a download, never rendered by the browser (an .html saved from Word).
    return FileResponse(
        path,
        media_type=media.get(path.suffix.lower(), "application/octet-stream")
        if requested.startswith("outputs/")
        else "application/octet-stream",
        filename=path.name,
        content_disposition_type="inline" if inline else "attachment",
    )


# ---------------------------------------------------------------------------- login


async def login_page(request: Request) -> Response:
    guard: Guard = request.app.state.guard
    if request.method == "GET":
        return page(request, "dang-nhap.html", failed=False, busy=False)
    form = await posted(request)
    client = request.client.host if request.client else ""
    wait = guard.admit(client)
    if wait is None:
        return page(request, "dang-nhap.html", status_code=429, failed=True, busy=True)
    await pause(wait)  # on the event loop: waiting logins hold no worker thread
    session = await run_in_threadpool(guard.login, str(form.get("mat-khau", "")), client)
    if session is None:
        return page(request, "dang-nhap.html", status_code=403, failed=True, busy=False)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


async def pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def logout(request: Request) -> Response:
    await posted(request)
    request.app.state.guard.logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

"""The campaign's set-up on the page: creating the workspace (`dvk serve` outside one), its settings
(Cài đặt, written to dvk.toml), its units (Đơn vị, "Thêm vào danh sách") and taking in its files (a
whole folder, many files, a .zip of folders). Handlers parse, call one `pipeline.service` function
and render, like those in app.py.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from pipeline import service, settings
from pipeline.config import is_workspace, load_workspace
from pipeline.model import FIELDS, LABELS_VI, DvkError
from pipeline.web import pages as views
from pipeline.web.pages import STATUS_VI
from pipeline.web.respond import page, posted
from pipeline.web.security import CSRF_FIELD, UPLOAD_BODY_BYTES

FIRST_RUN_PATHS = ("/tao-thu-muc", "/static", "/dang-nhap")
MAX_FILES_PER_UPLOAD = 100_000  # the total size is what limits an upload, never the count of files
SAVED_LINES = 10  # more files saved than this are summed up in one line, not listed
LISTED_LINES = 30  # skipped or refused files listed one by one, at most
SCALAR_LABELS = {
    "campaign.year": ("Năm của đợt công nhận", ""),
    "campaign.registered": ("Số mô hình đăng ký", "Dùng cho báo cáo khi chưa nhập đủ phiếu đăng ký."),
    "issuer.name": ("Tên cơ quan ban hành", "Ví dụ: Thành ủy Ngã Bảy, Ủy ban nhân dân xã Tân Hòa."),
    "issuer.parent": ("Cơ quan cấp trên trực tiếp", "Văn bản Nhà nước có thể để trống."),
    "issuer.profile": ("Thể thức văn bản", ""),
    "issuer.authority": ("Chủ thể quyết định", "Ví dụ: Ban Thường vụ Thành ủy."),
    "issuer.authority_line": ("Dòng trước các điều", "Ví dụ: BAN THƯỜNG VỤ THÀNH ỦY QUYẾT ĐỊNH"),
    "issuer.place": ("Địa danh ở dòng ngày tháng", ""),
    "issuer.symbol": ("Ký hiệu cơ quan", "Số …-QĐ/TU: ghi TU."),
    "issuer.office": ("Nơi lưu", "Ví dụ: Văn phòng Thành ủy."),
    "issuer.term_start": ("Ngày đầu nhiệm kỳ", "Văn bản Đảng đánh số liên tục trong nhiệm kỳ."),
    "signer.on_behalf": ("Thẩm quyền ký", "Ví dụ: T/M BAN THƯỜNG VỤ, TM. ỦY BAN NHÂN DÂN."),
    "signer.title": ("Chức vụ người ký", "Ví dụ: PHÓ BÍ THƯ."),
    "signer.name": ("Họ và tên người ký", ""),
    "decision.recipients": ("Nơi nhận", "Mỗi dòng một nơi nhận."),
}
SECTIONS = (
    ("Đợt công nhận", ("campaign.year", "campaign.registered")),
    (
        "Cơ quan ban hành",
        (
            "issuer.name",
            "issuer.parent",
            "issuer.profile",
            "issuer.authority",
            "issuer.authority_line",
            "issuer.place",
            "issuer.symbol",
            "issuer.office",
            "issuer.term_start",
        ),
    ),
    ("Người ký", ("signer.on_behalf", "signer.title", "signer.name")),
    ("Nơi nhận", ("decision.recipients",)),
)
PROFILES_VI = (
    ("party", "Văn bản của Đảng (HD 36-HD/VPTW)"),
    ("state", "Văn bản Nhà nước (NĐ 30/2020/NĐ-CP)"),
)


def routes() -> list[Route]:
    return [
        Route("/cai-dat", settings_page, methods=["GET", "POST"]),
        Route("/don-vi", units_page),
        Route("/don-vi/them", add_units, methods=["POST"]),
        Route("/ho-so/tai-len", upload_inputs, methods=["POST"]),
        Route("/tao-thu-muc", create_page, methods=["GET", "POST"]),
    ]


class FirstRun:
    """Until the folder `dvk serve` was started in is a workspace, every page leads to the one that
    creates it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state = getattr(app, "state")  # noqa: B009 - the wrapped Starlette app's; ASGIApp has none

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and self.state.needs_init and not path.startswith(FIRST_RUN_PATHS):
            await RedirectResponse("/tao-thu-muc", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def answer(request: Request, url: str, kind: str, lines: list[str]) -> Response:
    """After a POST: the notice kept for `url`; a script gets the address to go to (with the notice)."""
    token = request.app.state.notices.put(kind, lines)
    target = f"{url}{'&' if '?' in url else '?'}tb={token}"
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": kind != "error", "messages": lines, "next": target})
    return RedirectResponse(target, status_code=303)


# ---------------------------------------------------------------------------- Tạo thư mục làm việc


async def create_page(request: Request) -> Response:
    state = request.app.state
    if not state.needs_init:
        return RedirectResponse("/cai-dat", status_code=303)
    if request.method == "GET":
        return page(request, "tao-thu-muc.html", folder=str(state.workspace.root), error="")
    form = await posted(request)
    folder = str(form.get("thu-muc", "")).strip() or str(state.workspace.root)
    root = Path(folder).expanduser()
    root = root if root.is_absolute() else state.workspace.root / root
    try:
        workspace = await run_in_threadpool(service.create_workspace, root)
    except (DvkError, OSError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return page(
            request, "tao-thu-muc.html", 400, folder=folder, error=f"Không tạo được thư mục {root}: {why}."
        )
    state.workspace, state.needs_init = workspace, False
    return answer(
        request,
        "/cai-dat",
        "ok",
        [
            f"Đã tạo thư mục làm việc {workspace.root}.",
            "Sửa cơ quan, năm, người ký và danh sách đơn vị dưới đây, rồi tải hồ sơ lên ở trang Hồ sơ.",
        ],
    )


# ---------------------------------------------------------------------------- Cài đặt


async def settings_page(request: Request) -> Response:
    state = request.app.state
    root = state.workspace.root
    if request.method == "GET":
        sections = settings_form(state.workspace.config)
        seen = settings.version(root)
        return page(request, "cai-dat.html", sections=sections, error="", seen=seen, stale=False)
    form = await posted(request, max_fields=1000)
    changes = {key: str(value) for key, value in form.items() if key not in (CSRF_FIELD, "phien-ban")}
    try:
        state.workspace = await run_in_threadpool(
            service.save_settings,
            state.workspace,
            changes,
            form.get("phien-ban"),  # absent: a script
        )
        views.forget_check(state.workspace)
    except DvkError as exc:  # the config's own message (it names the key), changed meanwhile, or not written
        stale = isinstance(exc, settings.ChangedMeanwhile)
        if stale:  # the file as it is now: the clerk's values are not kept over it
            state.workspace = await run_in_threadpool(load_workspace, root)
        sections = settings_form(state.workspace.config, None if stale else changes)
        seen = settings.version(root)
        status = 409 if stale else 400
        return page(
            request, "cai-dat.html", status, sections=sections, error=str(exc), seen=seen, stale=stale
        )
    return answer(request, "/cai-dat", "ok", ["Đã lưu cài đặt vào dvk.toml."])


def settings_form(config, typed: dict[str, str] | None = None) -> list[dict]:
    """The Cài đặt form: sections of fields, each named by its dvk.toml key, with the value in the file
    (or the one just typed, when the save was refused)."""

    def field(key: str, label: str, hint: str = "") -> dict:
        kind = settings.kind_of(key, config)
        if typed is not None and key in typed:
            value = typed[key]
        else:
            stored = settings.value_of(config.raw, key)
            value = "\n".join(stored) if isinstance(stored, list) else ("" if stored is None else str(stored))
        choices = PROFILES_VI if key == "issuer.profile" else ()
        return {"key": key, "label": label, "kind": kind, "value": value, "hint": hint, "choices": choices}

    sections = [
        {
            "title": title,
            "note": "",
            "fields": [field(key, *SCALAR_LABELS[key]) for key in keys],
            "folded": False,
        }
        for title, keys in SECTIONS
    ]
    sections.append(
        {
            "title": "Đơn vị theo cấp",
            "note": "Mỗi dòng một đơn vị. Trang Đơn vị thêm các đơn vị đã gửi hồ sơ mà không phải gõ lại.",
            "fields": [field(f"units.{level.key}", level.label) for level in config.levels],
            "folded": False,
        }
    )
    sections.append(vocabulary("Cấp công nhận", "levels", config.levels, field, spare=False))
    sections.append(vocabulary("Xếp loại", "ratings", config.ratings, field, spare=True))
    sections.append(
        {
            "title": "Nhãn bổ sung",
            "folded": True,
            "note": "Những cách khác mà mẫu của đơn vị ghi nhãn một mục (mỗi dòng một cách), ví dụ "
            "“Tên sáng kiến” cho Tên mô hình.",
            "fields": [field(f"labels.{key}", LABELS_VI.get(key, key)) for key in FIELDS],
        }
    )
    return sections


def vocabulary(title: str, name: str, terms, field, spare: bool) -> dict:
    fields = []
    for index in range(1, len(terms) + 1):
        fields.append(field(f"{name}[{index}].label", f"Tên {title.lower()} {index}"))
        fields.append(field(f"{name}[{index}].synonyms", "Cách viết khác (mỗi dòng một cách)"))
    note = "Tên in trên văn bản, và những cách đơn vị viết cùng nghĩa đó."
    if spare:
        extra = len(terms) + 1
        fields.append(field(f"{name}[{extra}].label", "Thêm một loại mới (để trống nếu không thêm)"))
        fields.append(field(f"{name}[{extra}].synonyms", "Cách viết khác của loại mới"))
        note += " Xóa tên một loại để bỏ loại đó."
    return {"title": title, "note": note, "fields": fields, "folded": not spare}


# ---------------------------------------------------------------------------- Đơn vị


async def units_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    result = await run_in_threadpool(views.current_check, workspace)
    seen, missing = service.units_seen(workspace, result)
    only_new = request.query_params.get("loc", "") == "moi"
    shown = [unit for unit in seen if not (only_new and unit.known)]
    return page(
        request,
        "don-vi.html",
        units=shown,
        total=len(seen),
        new=sum(1 for unit in seen if not unit.known and unit.name),
        missing=missing,
        levels=workspace.config.levels,
        only_new=only_new,
    )


async def add_units(request: Request) -> Response:
    form = await posted(request, max_fields=5000)
    if form.get("mot"):  # the row's own button
        chosen = [str(form.get("mot"))]
    elif form.get("tat-ca"):  # every unit not yet in the list
        chosen = [key[len("ten-") :] for key in form if key.startswith("ten-")]
    else:
        chosen = [str(value) for value in form.getlist("chon")]
    units = [(str(form.get(f"cap-{i}", "")), str(form.get(f"ten-{i}", ""))) for i in chosen]
    units = [(level, name) for level, name in units if name.strip()]
    back_to = "/don-vi?loc=moi" if form.get("loc") == "moi" else "/don-vi"
    if not units:
        return answer(request, back_to, "error", ["Chưa chọn đơn vị nào để thêm vào danh sách."])
    try:
        request.app.state.workspace = await run_in_threadpool(
            service.add_units, request.app.state.workspace, units
        )
        views.forget_check(request.app.state.workspace)
    except DvkError as exc:
        return answer(request, back_to, "error", [str(exc)])
    names = ", ".join(name for _, name in units)
    return answer(request, back_to, "ok", [f"Đã thêm vào danh sách đơn vị trong dvk.toml: {names}."])


# ---------------------------------------------------------------------------- taking files in


async def upload_inputs(request: Request) -> Response:
    form = await posted(request, max_files=MAX_FILES_PER_UPLOAD)
    try:
        items = [item for item in form.getlist("tep") if isinstance(item, UploadFile) and item.filename]
        if not items:
            return answer(request, "/ho-so", "error", ["Chưa chọn tệp nào để tải lên."])
        # Read one file at a time, in the worker thread, as its turn comes (never the whole upload at once).
        uploads = (service.Upload(item.filename or "", item.file.read()) for item in items)
        added = await run_in_threadpool(
            views.add_inputs, request.app.state.workspace, str(form.get("don-vi", "")), uploads
        )
    except DvkError as exc:
        return answer(request, "/ho-so", "error", [str(exc)])
    finally:
        await form.close()
    lines = upload_lines(added, STATUS_VI)
    refused = any(item.refused for item in added.saved)
    return answer(request, "/ho-so", "error" if added.problem or refused else "ok", lines)


def upload_lines(added: service.InputsAdded, status_vi: dict[str, str]) -> list[str]:
    """What the notice says: each file saved (or their sum, for a whole campaign), then the skipped
    and refused ones by name, since they need the clerk."""
    from pipeline.intake import UNKNOWN_UNIT_FOLDER

    by_path = {f"inputs/{report.path}": report for report in added.result.files}
    saved = [item for item in added.saved if item.path]
    lines = []
    if len(saved) <= SAVED_LINES:
        for item in saved:
            report = by_path.get(item.path)
            if report is None:
                continue
            why = "; ".join(p.message for p in report.problems if p.severity == "error") or report.reason
            lines.append(f"Đã lưu {item.path}: {status_vi[report.status]}" + (f" — {why}" if why else "."))
    else:
        states = [str(by_path[item.path].status) for item in saved if item.path in by_path]
        folders = {item.path.rsplit("/", 1)[0] for item in saved}
        counts = ", ".join(f"{states.count(key)} {label}" for key, label in status_vi.items())
        lines.append(f"Đã lưu {len(saved)} tệp vào {len(folders)} thư mục trong inputs/: {counts}.")
    placed = [item for item in saved if item.unit_read]
    unknown = [item for item in saved if item.path.startswith(f"inputs/{UNKNOWN_UNIT_FOLDER}/")]
    if placed:
        lines.append(f"{len(placed)} tệp gửi lẻ được xếp vào thư mục của đơn vị ghi trong tệp.")
    if unknown:
        lines.append(f"{len(unknown)} tệp không ghi rõ đơn vị: để trong thư mục “{UNKNOWN_UNIT_FOLDER}”.")
    for kind in ("skipped", "refused"):
        told = [getattr(item, kind) for item in added.saved if getattr(item, kind)]
        lines += told[:LISTED_LINES]
        if len(told) > LISTED_LINES:
            word = "bỏ qua" if kind == "skipped" else "không lưu"
            lines.append(f"… và {len(told) - LISTED_LINES} tệp khác {word}.")
    return [*lines, *([added.problem] if added.problem else [])]


def upload_limits() -> dict:
    """What the upload form tells and its script checks before sending."""
    from pipeline.intake import INPUT_EXTENSIONS, MAX_FILE_BYTES

    return {
        "max_bytes": UPLOAD_BODY_BYTES,
        "max_total_mb": UPLOAD_BODY_BYTES // (1024 * 1024),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "extensions": ",".join((*INPUT_EXTENSIONS, ".zip")),
        "shown": ", ".join((*INPUT_EXTENSIONS, ".zip")),
    }


def needs_init(root: Path) -> bool:
    return not is_workspace(root)


__all__ = ["routes", "FirstRun", "needs_init", "upload_limits", "settings_form"]

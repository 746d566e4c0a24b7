"""What every route shares: a page rendered with the context every template needs, and a posted form read
after its CSRF token is checked. Both app.py and campaign.py route through these (neither imports the
other)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pipeline.web.protect import TooLarge
from pipeline.web.security import CSRF_FIELD


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    state = request.app.state
    notice = state.notices.take(request.query_params.get("tb", ""))
    html = state.templates.get_template(template).render(
        path=request.url.path,
        csrf_field=CSRF_FIELD,
        csrf=request.state.csrf_token,
        workspace=state.workspace,
        login=state.guard.needs_login,
        notice=notice,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


async def posted(request: Request, max_files: int = 0, max_fields: int = 40):
    """The form of a POST, after checking its CSRF token (403 without a valid one)."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except TooLarge as exc:
        raise HTTPException(413, "Yêu cầu lớn quá mức cho phép; gửi ít tệp hơn mỗi lần.") from exc
    except HTTPException as exc:  # the multipart parser's refusals are in English: say them here
        raise HTTPException(exc.status_code, form_refusal(str(exc.detail), max_files, max_fields)) from exc
    if not request.app.state.guard.csrf_ok(request.state.csrf_cookie, str(form.get(CSRF_FIELD) or "")):
        await form.close()
        raise HTTPException(
            403, "Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang dvk; tải lại trang."
        )
    return form


def form_refusal(detail: str, max_files: int, max_fields: int) -> str:
    if detail.startswith("Too many files"):
        return f"Gửi quá {max_files} tệp trong một lần; chia thành nhiều lần rồi gửi lại."
    if detail.startswith("Too many fields"):
        return f"Biểu mẫu có quá {max_fields} ô; tải lại trang rồi thử lại."
    return "Không đọc được dữ liệu biểu mẫu gửi lên (có thể bị gián đoạn); tải lại trang rồi gửi lại."

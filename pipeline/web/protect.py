"""The ASGI layer in front of every page: Host check, login, CSRF cookie, body cap, response headers."""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.web.security import (
    CSRF_COOKIE,
    MAX_BODY_BYTES,
    SESSION_COOKIE,
    UPLOAD_BODY_BYTES,
    UPLOAD_PATHS,
    Guard,
)

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
PUBLIC_PATHS = ("/dang-nhap",)
HEADERS = (
    # Only this server's own script and styles, no frames, forms posting only here.
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


class TooLarge(Exception):
    pass


class Protect:
    def __init__(self, app: ASGIApp, guard: Guard, hosts: tuple[str, ...] | None = ()) -> None:
        """`hosts`: names besides this computer's that requests may give as Host; None: any (a LAN server,
        where the login is required)."""
        self.app = app
        self.guard = guard
        self.hosts = None if hosts is None else {host.lower() for host in (*LOCAL_HOSTS, *hosts)}
        self.state = getattr(app, "state", None)  # the application's state, for tests and the server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self.refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        cookie = request.cookies.get(CSRF_COOKIE, "")
        fresh = not (16 <= len(cookie) <= 100 and cookie.isascii())
        if fresh:
            cookie = secrets.token_urlsafe(24)
        state = scope.setdefault("state", {})
        state["csrf_cookie"], state["csrf_token"] = cookie, self.guard.csrf_token(cookie)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + list(HEADERS)
                if fresh:
                    value = f"{CSRF_COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/"
                    headers.append((b"set-cookie", value.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, limited(receive, body_cap(request.url.path)), tracked)
        except TooLarge:
            if not started:
                await too_large(request.url.path)(scope, receive, send_with_headers)

    def refusal(self, request: Request):
        host = request.headers.get("host", "").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if self.hosts is not None and name not in self.hosts:
            return PlainTextResponse("Địa chỉ (Host) không hợp lệ cho máy chủ dvk này.", status_code=400)
        length = request.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > body_cap(request.url.path)):
            return too_large(request.url.path)
        path = request.url.path
        if self.guard.needs_login and not path.startswith(PUBLIC_PATHS):
            if not self.guard.session_ok(request.cookies.get(SESSION_COOKIE)):
                if request.method == "GET" and not path.startswith("/static"):
                    return RedirectResponse("/dang-nhap", status_code=303)
                return PlainTextResponse("Cần đăng nhập.", status_code=403)
        return None


def body_cap(path: str) -> int:
    return UPLOAD_BODY_BYTES if path in UPLOAD_PATHS else MAX_BODY_BYTES


def too_large(path: str) -> HTMLResponse:
    """A page (the form posted here) that says what was refused and where to go back."""
    mb = body_cap(path) // (1024 * 1024)
    what = "Tổng dung lượng các tệp tải lên" if path in UPLOAD_PATHS else "Yêu cầu"
    back = "/ho-so" if path.startswith("/ho-so") else "/"
    message = f"{what} vượt quá {mb} MB cho một lần gửi; chia thành nhiều lần (ví dụ từng thư mục) "
    message += "rồi gửi lại."
    html = (
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Tải lên quá lớn</title>'
        f'<p role="alert">{message}</p><p><a href="{back}">Quay lại</a></p></html>'
    )
    return HTMLResponse(html, status_code=413)


def limited(receive: Receive, cap: int) -> Receive:
    """`receive` that stops a body (sent without a length, or longer than it said) past the cap."""
    received = 0

    async def wrapper() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > cap:
                raise TooLarge
        return message

    return wrapper

"""What keeps the local page safe: passwords (hashed), sessions, CSRF tokens, the Host check, served
paths confined to outputs/ and inputs/, a cap on request bodies, and the response headers.

The threat on 127.0.0.1 is another web site open in the same browser: it can make the browser send
requests to the local port (CSRF), or point its own name at 127.0.0.1 (DNS rebinding) to read the
answers. Forms therefore carry a token tied to an HttpOnly SameSite cookie, and requests whose Host is
not the address the server was started on are refused. On a LAN (`--host`), a password is required.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.model import ConfigError

SESSION_COOKIE = "dvk_session"
CSRF_COOKIE = "dvk_csrf"
CSRF_FIELD = "csrf"
SESSION_SECONDS = 12 * 3600  # one working day
PASSWORD_ENV = "DVK_PASSWORD_HASH"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_BODY_BYTES = 110 * 1024 * 1024  # a few documents per request; a single file is capped by the service
# Hồ sơ takes a whole campaign in one request (a folder tree, a .zip): its cap is the total size, not a
# count of files; the files are spooled to disk as they come and saved one at a time.
UPLOAD_BODY_BYTES = 500 * 1024 * 1024
UPLOAD_PATHS = ("/ho-so/tai-len",)


# ---------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """scrypt$n$r$p$salt$hash (base64): what `dvk serve --hash-password` prints for dvk.toml."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    encoded = (base64.b64encode(part).decode("ascii") for part in (salt, digest))
    return "scrypt${n}${r}${p}$".format(**SCRYPT) + "$".join(encoded)


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(found, expected)


def configured_password_hash(raw_config: dict) -> str | None:
    """The password hash from dvk.toml ([serve] password_hash) or the DVK_PASSWORD_HASH variable."""
    serve = raw_config.get("serve") or {}
    stored = os.environ.get(PASSWORD_ENV) or (serve.get("password_hash") if isinstance(serve, dict) else None)
    if not stored:
        return None
    if not isinstance(stored, str) or stored.count("$") != 5 or not stored.startswith("scrypt$"):
        raise ConfigError(
            "Khóa serve.password_hash (hoặc biến DVK_PASSWORD_HASH) phải là chuỗi do "
            "`dvk serve --hash-password` in ra, không phải mật khẩu để trần."
        )
    return stored


# ---------------------------------------------------------------------------- sessions and CSRF

FAILURE_DELAY = 0.5  # seconds an address waits per failure (at most ten), before its next attempt
GLOBAL_INTERVAL = 0.5  # seconds between any two attempts from addresses that have failed
MAX_LOGIN_WAIT = 15.0  # an attempt that would wait longer is refused at once (no request piles up)
clock = time.monotonic


@dataclass
class Attempts:
    """The login failures of one client address, and when it may next try."""

    failures: int = 0
    next_at: float = 0.0


class Guard:
    """Server-side sessions (when a password is set) and CSRF tokens, for one running server."""

    def __init__(self, password_hash: str | None) -> None:
        self.password_hash = password_hash
        self.secret = secrets.token_bytes(32)  # tokens die with the server: nothing to leak on disk
        self.sessions: dict[str, float] = {}
        self.attempts: dict[str, Attempts] = {}  # client address -> its login attempts
        self.global_next_at = 0.0  # when an address that has failed may next try (any such address)
        self.lock = threading.Lock()

    @property
    def needs_login(self) -> bool:
        return self.password_hash is not None

    def csrf_token(self, cookie: str) -> str:
        return hmac.new(self.secret, cookie.encode("ascii", "replace"), hashlib.sha256).hexdigest()

    def csrf_ok(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.csrf_token(cookie), token)

    def admit(self, client: str) -> float | None:
        """Book a login attempt from address `client`: the seconds it must wait before its password is
        checked, or None when that wait would be too long (refused without checking).

        The attempt is counted as a failure here, under the lock, before anything waits: parallel
        requests each see the ones booked before them (counting after the check let 40 parallel guesses
        all start at once). Each address waits longer after each of its failures; addresses that have
        failed also share one global pace, so many addresses guess no faster together, while an address
        without failures (the clerk at their own computer) is never held up by someone else's."""
        with self.lock:
            now = clock()
            attempt = self.attempts.setdefault(client, Attempts())
            start = max(now, attempt.next_at)
            if attempt.failures:
                start = max(start, self.global_next_at)
            if start - now > MAX_LOGIN_WAIT:
                return None
            attempt.failures += 1
            attempt.next_at = start + min(attempt.failures, 10) * FAILURE_DELAY
            self.global_next_at = max(self.global_next_at, start + GLOBAL_INTERVAL)
            self.forget_old(now)
            return start - now

    def login(self, password: str, client: str) -> str | None:
        """A new session id when the password is right (the attempt booked by `admit` is then forgiven
        for `client`), or None."""
        if not self.password_hash or not check_password(password, self.password_hash):
            return None
        session = secrets.token_urlsafe(32)
        with self.lock:
            self.attempts.pop(client, None)
            self.sessions[session] = time.time() + SESSION_SECONDS
        return session

    def forget_old(self, now: float) -> None:
        """Addresses quiet for an hour start afresh (and the table stays small)."""
        if len(self.attempts) > 1000:
            for client, attempt in list(self.attempts.items()):
                if attempt.next_at < now - 3600:
                    del self.attempts[client]

    def session_ok(self, session: str | None) -> bool:
        if not self.needs_login:
            return True
        with self.lock:
            expires = self.sessions.get(session or "")
            if expires is not None and expires < time.time():
                del self.sessions[session or ""]
                expires = None
        return expires is not None

    def logout(self, session: str | None) -> None:
        with self.lock:
            self.sessions.pop(session or "", None)


# ---------------------------------------------------------------------------- served files

SERVED_AREAS = ("outputs", "inputs")


def served_file(root: Path, requested: str) -> Path | None:
    """The file `requested` ("outputs/2020/x.docx") names, when it is a regular file inside the workspace's
    outputs/ or inputs/; None for anything else: "..", absolute or drive paths, backslashes, NUL,
    a symbolic link (or a link in its path) leading out of the area, a folder, a missing file."""
    if not requested or "\x00" in requested or "\\" in requested or requested.startswith("/"):
        return None
    parts = requested.split("/")
    if parts[0] not in SERVED_AREAS or any(part in ("", ".", "..") or ":" in part for part in parts):
        return None
    area = (root / parts[0]).resolve()
    try:
        path = (root / requested).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(area) or not path.is_file():
        return None
    return path


__all__ = [
    "Guard",
    "hash_password",
    "check_password",
    "configured_password_hash",
    "served_file",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "MAX_BODY_BYTES",
]

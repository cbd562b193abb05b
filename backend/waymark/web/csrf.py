"""CSRF protection for every unsafe request (POST, PUT, PATCH, DELETE).

A random ``waymark_csrf`` cookie (HttpOnly, SameSite=Lax) identifies the browser; the
token is an HMAC of it with the secret key. Forms carry the token in a hidden
``csrf_token`` field and htmx/fetch send it in an ``X-CSRF-Token`` header. Each render
masks the token with a fresh pad, so compressed pages do not leak it (BREACH).

This is ASGI middleware rather than a route dependency so that no unsafe route can
forget it: the request body is buffered (up to the size limit), checked and replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "waymark_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
FORM_BODY = "waymark.form_body"  # scope key: the urlencoded body, once checked
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
_TOKEN_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw_token(secret: bytes, cookie_value: str) -> bytes:
    return hmac.new(secret, b"csrf:" + cookie_value.encode(), hashlib.sha256).digest()


def masked_token(secret: bytes, cookie_value: str) -> str:
    raw = _raw_token(secret, cookie_value)
    pad = secrets.token_bytes(len(raw))
    return _b64(pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True)))


def token_valid(secret: bytes, cookie_value: str | None, submitted: str | None) -> bool:
    if not cookie_value or not submitted or len(submitted) > 200:
        return False
    try:
        data = _unb64(submitted)
    except (ValueError, TypeError):
        return False
    if len(data) != 2 * _TOKEN_BYTES:
        return False
    pad, masked = data[:_TOKEN_BYTES], data[_TOKEN_BYTES:]
    unmasked = bytes(a ^ b for a, b in zip(pad, masked, strict=True))
    return hmac.compare_digest(unmasked, _raw_token(secret, cookie_value))


def request_csrf_token(request: Request) -> str:
    """A fresh masked token for the page being rendered."""
    cookie_value = request.scope["waymark.csrf_cookie"]
    return masked_token(request.app.state.secret_bytes, cookie_value)


class CSRFMiddleware:
    """Checks the token on unsafe requests; issues the cookie when it is missing.

    ``on_failure(scope, receive, send, reason)`` renders the friendly 403 page; a body
    over ``max_body_bytes`` (``upload_max_bytes`` on ``upload_paths``) gets 413 before
    anything else runs.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: bytes,
        secure: bool,
        max_body_bytes: int,
        upload_max_bytes: int = 0,
        upload_paths: frozenset[str] = frozenset(),
        on_failure: Callable[[Scope, Receive, Send, int, str], Awaitable[None]],
    ):
        self.app = app
        self.secret = secret
        self.secure = secure
        self.max_body_bytes = max_body_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_paths = upload_paths
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie_value = _cookie(headers, COOKIE)
        new_cookie = None
        if not cookie_value or len(cookie_value) > 100:
            cookie_value = new_cookie = secrets.token_urlsafe(_TOKEN_BYTES)
        scope["waymark.csrf_cookie"] = cookie_value

        send_with_cookie = send
        if new_cookie:

            async def send_with_cookie(message: Message) -> None:
                if message["type"] == "http.response.start":
                    raw = list(message.get("headers", []))
                    attrs = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
                    raw.append((b"set-cookie", f"{COOKIE}={new_cookie}; {attrs}".encode()))
                    message["headers"] = raw
                await send(message)

        if scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send_with_cookie)
            return

        upload = scope["path"] in self.upload_paths
        limit, too_large = (self.upload_max_bytes, "file_too_large") if upload else (self.max_body_bytes, "too_large")
        length = headers.get("content-length")
        if length and (not length.isdigit() or int(length) > limit):
            await self.on_failure(scope, receive, send_with_cookie, 413, too_large)
            return
        # Cross-site requests are refused outright (browsers send these headers).
        if headers.get("sec-fetch-site") == "cross-site":
            await self.on_failure(scope, receive, send_with_cookie, 403, "cross_site")
            return

        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await self.on_failure(scope, receive, send_with_cookie, 413, too_large)
                return

        submitted = headers.get(HEADER)
        if submitted is None:
            submitted = await _form_token(scope, headers, body)
        if new_cookie or not token_valid(self.secret, cookie_value, submitted):
            await self.on_failure(scope, _replay(body), send_with_cookie, 403, "csrf")
            return
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            scope[FORM_BODY] = body  # kept for the page that hands words back if they cannot be saved
        await self.app(scope, _replay(body), send_with_cookie)


def submitted_form(scope: Scope) -> list[tuple[str, str]]:
    """The fields of the form this request sent (urlencoded forms only), as sent."""
    body = scope.get(FORM_BODY)
    if not body:
        return []
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=1000)
    except (UnicodeDecodeError, ValueError):
        return []


def _cookie(headers: Headers, name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, headers: Headers, body: bytes) -> str | None:
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            values = parse_qs(body.decode("utf-8"), max_num_fields=1000)
        except (UnicodeDecodeError, ValueError):
            return None
        found = values.get(FIELD)
        return found[0] if found else None
    if content_type.startswith("multipart/form-data"):
        request = Request(scope, _replay(body))
        try:
            form: Any = await request.form()
        except Exception:  # malformed multipart: treat as no token
            return None
        value = form.get(FIELD)
        await form.close()
        return value if isinstance(value, str) else None
    return None

"""Friendly error pages (and JSON for /api/), never a stack trace."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from waymark.errors import Forbidden, NotFound, NotSignedIn, described
from waymark.web.csrf import submitted_form
from waymark.web.i18n import N_
from waymark.web.templating import render

log = logging.getLogger("waymark")

TITLES = {
    400: N_("There is a problem with this request"),
    403: N_("You cannot see this page"),
    404: N_("Page not found"),
    405: N_("This page does not do that"),
    413: N_("That was too big to send"),
    422: N_("There is a problem with this request"),
    429: N_("Too many tries"),
    500: N_("Sorry, something went wrong"),
    503: N_("We could not save this just now"),
}
HIDDEN_FIELDS = {"csrf_token", "idempotency_key"}
RETRY_AFTER = "30"
REASONS = {
    "csrf": N_("This form has expired. Go back, reload the page and try again. Nothing was saved."),
    "cross_site": N_("This request came from another website, so we did not act on it."),
    "too_large": N_("What you sent is too big. Nothing was saved."),
    "file_too_large": N_(
        "That file is bigger than 10 MB, so we did not read it. Nothing was imported. "
        "Export only the columns Waymark needs, or split the file."
    ),
}


def _load_actor(request: Request) -> None:
    """Who is signed in, for the page's menu (install() is given how to find out)."""
    if not hasattr(request.state, "actor"):
        try:
            request.app.state.load_actor(request)
        except Exception:  # the database may be what failed; show the page anyway
            request.state.actor = None


def error_response(request: Request, status: int, reason: str | None = None) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": reason or TITLES.get(status, "error")}, status_code=status)
    _load_actor(request)
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": TITLES.get(status, TITLES[500]), "reason": REASONS.get(reason or "")},
        status_code=status,
    )


def not_saved(request: Request) -> Response:
    """503 with the words the person sent and a form that sends them again."""
    headers = {"Retry-After": RETRY_AFTER}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "not_saved"}, status_code=503, headers=headers)
    fields = [(k, v) for k, v in submitted_form(request.scope) if k != "csrf_token"] if request.method == "POST" else []
    _load_actor(request)
    response = render(
        request,
        "errors/not_saved.html",
        {
            "title": TITLES[503],
            "fields": fields,
            "words": [v for k, v in fields if k not in HIDDEN_FIELDS and _written(v)],
            "action": request.url.path,
        },
        status_code=503,
    )
    response.headers.update(headers)
    return response


SQLITE_UNAVAILABLE = ("locked", "busy", "disk is full", "readonly", "disk i/o", "unable to open")


def _unavailable(exc: Exception) -> bool:
    """A database that cannot take the request now (not a fault in the statement).
    SQLite says "no such table" with the same exception class, so read its message;
    PostgreSQL's operational errors are all about the server (connection, lock
    timeout, full disk)."""
    if isinstance(exc, PoolTimeout):
        return True
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error):
        return any(marker in str(orig).lower() for marker in SQLITE_UNAVAILABLE)
    return True


def _written(value: str) -> bool:
    """Words someone wrote, not a choice or an id: letters and a space, or long."""
    text = value.strip()
    return any(c.isalpha() for c in text) and (" " in text or len(text) > 24)


async def csrf_failure(scope: Scope, receive: Receive, send: Send, status: int, reason: str) -> None:
    request = Request(scope, receive)
    request.state.actor = None
    await error_response(request, status, reason)(scope, receive, send)


def install(app: FastAPI, *, load_actor: Callable[[Request], Any]) -> None:
    """Error pages for ``app``; ``load_actor(request)`` sets ``request.state.actor``."""
    app.state.load_actor = load_actor

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "sign_in_required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return error_response(request, 403)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_response(request, exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 400)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def not_stored(request: Request, exc: Exception) -> Response:
        """The database could not take the request (a lock held too long, a full disk,
        no connection): say so, hand back what was written, and offer to send it again.
        The offline outbox keeps its copy and retries (it does on any 5xx)."""
        if not _unavailable(exc):
            return await crash(request, exc)
        log.error("database unavailable on %s %s: %s", request.method, request.url.path, described(exc))
        return not_saved(request)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s: %s", request.method, request.url.path, described(exc))
        return error_response(request, 500)

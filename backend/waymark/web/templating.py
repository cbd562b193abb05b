"""Jinja2 with babel's gettext, one environment per language, and ``render`` for routes.

Templates live beside their feature (``<feature>/templates/<feature>/...``) and the
shared layout in ``web/templates``. When htmx asks (``HX-Request`` without
``HX-Boosted``) and a ``block`` is named, only that block is rendered
(jinja2-fragments), so one template serves the page and its fragment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block
from starlette.requests import Request
from starlette.responses import HTMLResponse

from waymark.web import i18n
from waymark.web.assets import static_url, template_dirs
from waymark.web.csrf import request_csrf_token

# What features give every template (role labels, the glossary's filters): app.py
# registers them, so this module knows no feature.
_GLOBALS: dict[str, Any] = {}
_FILTERS: dict[str, Callable[..., Any]] = {}


def register(
    *, globals: Mapping[str, Any] | None = None, filters: Mapping[str, Callable[..., Any]] | None = None
) -> None:
    """Add template globals and filters (before the first page; app.py does)."""
    _GLOBALS.update(globals or {})
    _FILTERS.update(filters or {})
    environment.cache_clear()


@lru_cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs()]),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        _GLOBALS,
        static_url=static_url,
        languages=i18n.LANGUAGES,
        locale=locale,
        text_dir=i18n.text_direction(locale),
    )
    env.filters.update(_FILTERS)
    env.filters["number"] = lambda value: format_decimal(value, locale=locale)
    env.filters["date"] = lambda value, fmt="d MMMM yyyy": format_date(value, fmt, locale=locale)
    env.filters["datetime"] = lambda value, fmt="d MMMM yyyy, HH:mm": format_datetime(
        value, fmt, tzinfo="Europe/London", locale=locale
    )
    return env


def is_htmx_fragment(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    locale = i18n.request_locale(request)
    env = environment(locale)
    actor = getattr(request.state, "actor", None)
    token: list[str] = []

    def csrf_token() -> str:
        """One masked token per response: fresh each time (BREACH), shared by the
        page's forms so a long page does not carry dozens of random strings."""
        if not token:
            token.append(request_csrf_token(request))
        return token[0]

    ctx = {
        "request": request,
        "actor": actor,
        "csrf_token": csrf_token,
        "current_path": request.url.path,
        "languages": i18n.offered(request),
        **(context or {}),
    }
    if block and is_htmx_fragment(request):
        html = render_block(env, template, block, **ctx)
    else:
        html = env.get_template(template).render(**ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if actor is not None:
        # Tells the service worker whose page this is (an opaque per-session value):
        # it keeps pages only for the person signed in and drops them at sign-out.
        response.headers["x-waymark-owner"] = actor.session_hash[:16]
    return response


def gettext(request: Request, message: str) -> str:
    return i18n.translations(i18n.request_locale(request)).gettext(message)

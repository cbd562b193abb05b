"""Home, language choice, health checks and the PWA files (manifest, service worker,
offline page)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from waymark import db
from waymark.db import SessionDep
from waymark.identity import service as identity_service
from waymark.identity.permissions import CASELOAD_VIEW, PUBLIC, current_actor, requires
from waymark.web import i18n
from waymark.web.assets import FRONTEND_DIR, PRECACHE, build_version, static_url
from waymark.web.requests import safe_next
from waymark.web.templating import render

router = APIRouter()


@router.get("/", dependencies=[requires(PUBLIC)])
def home(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    if actor is None:
        return render(request, "web/home_public.html")
    tenant = identity_service.tenant_get(session, tenant_id=actor.tenant_id)
    context: dict[str, Any] = {"tenant": tenant, "welcome": request.query_params.get("welcome") == "1"}
    if actor.is_young_person:
        context["workers"] = identity_service.current_workers(session, young_person_id=actor.user_id)
        return render(request, "web/home_young_person.html", context)
    if actor.can(CASELOAD_VIEW):
        context["caseload"] = identity_service.caseload_for(session, actor=actor)
    return render(request, "web/home_staff.html", context)


@router.post("/language", dependencies=[requires(PUBLIC)])
async def language(request: Request) -> Response:
    form = await request.form()
    lang = str(form.get("lang", ""))
    response = RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
    if lang in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="lax",
            httponly=True,
            secure=request.app.state.settings.secure_cookies,
        )
    return response


@router.get("/healthz", dependencies=[requires(PUBLIC)])
async def healthz() -> Response:
    return PlainTextResponse("ok")


@router.get("/readyz", dependencies=[requires(PUBLIC)])
def readyz(request: Request) -> Response:
    """Ready when the database answers, its migrations are current and it takes writes
    (every write once failed while this said ready)."""
    engine = request.app.state.db.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = db.current_revision(engine)
    except Exception:
        return JSONResponse({"status": "database unreachable"}, status_code=503)
    head = db.head_revision()
    if current != head:
        return JSONResponse({"status": "migrations pending", "current": current, "head": head}, status_code=503)
    with request.app.state.db.session() as session:
        if not db.can_write(session):
            return JSONResponse({"status": "database cannot take writes"}, status_code=503)
    return JSONResponse({"status": "ready", "revision": current})


@router.get("/offline", dependencies=[requires(PUBLIC)])
def offline(request: Request) -> Response:
    request.state.actor = None  # the same page for everyone, so the worker can keep one copy
    return render(request, "web/offline.html", headers={"cache-control": "no-cache"})


@router.get("/saved-offline", dependencies=[requires(PUBLIC)])
def saved_offline(request: Request) -> Response:
    """What the service worker shows when it keeps a form to send later (the same
    page for everyone; app.js fills in how many are waiting)."""
    request.state.actor = None
    return render(request, "web/saved_offline.html", headers={"cache-control": "no-cache"})


@router.get("/manifest.webmanifest", dependencies=[requires(PUBLIC)])
async def manifest(request: Request) -> Response:
    locale = i18n.request_locale(request)
    _ = i18n.translations(locale).gettext
    body = {
        "name": "Waymark",
        "short_name": "Waymark",
        "description": _("Your plan, what you can get, and your worker, in one place."),
        "lang": locale,
        "dir": "ltr",
        "id": "/",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3d5c",
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return Response(json.dumps(body), media_type="application/manifest+json", headers={"cache-control": "no-cache"})


@router.get("/sw.js", dependencies=[requires(PUBLIC)])
async def service_worker() -> Response:
    """The service worker, with this build's version and precache list filled in."""
    source = (FRONTEND_DIR / "sw.js").read_text()
    source = source.replace("__VERSION__", build_version()).replace(
        "__PRECACHE__", json.dumps(["/offline", "/saved-offline", *[static_url(p) for p in PRECACHE]])
    )
    return Response(
        source, media_type="text/javascript", headers={"cache-control": "no-cache", "service-worker-allowed": "/"}
    )

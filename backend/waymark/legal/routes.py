"""Pages a public service must publish: /privacy, /accessibility, /cookies. Public,
linked from every page's footer; thin handlers over legal/service.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.db import SessionDep
from waymark.identity.permissions import PUBLIC, current_actor, requires
from waymark.legal import service
from waymark.web.requests import council_slug
from waymark.web.templating import render

router = APIRouter()


@router.get("/privacy", dependencies=[requires(PUBLIC)])
def privacy(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    return render(
        request,
        "legal/privacy.html",
        {
            "councils": service.privacy(session, actor, council_slug(request)),
            "young_person": actor is not None and actor.is_young_person,
            "updated": service.PRIVACY_UPDATED,
            "sources": service.PRIVACY_SOURCES,
        },
    )


@router.get("/accessibility", dependencies=[requires(PUBLIC)])
def accessibility(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    councils = service.privacy(session, actor, council_slug(request))
    return render(
        request,
        "legal/accessibility.html",
        {
            "statement": service.statement(),
            "councils": councils,
            "contact": next((c.contact for c in councils if c.contact), None),
            "prepared": service.STATEMENT_PREPARED,
            "standard": service.STANDARD,
        },
    )


@router.get("/cookies", dependencies=[requires(PUBLIC)])
def cookies(request: Request) -> Response:
    return render(request, "legal/cookies.html", {"cookies": service.COOKIES})

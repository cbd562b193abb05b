"""What I can get: /entitlements (personal when a young person is signed in, the
national list otherwise) and /entitlements/{slug}."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from waymark.db import SessionDep
from waymark.entitlements import messages as m
from waymark.entitlements import service
from waymark.entitlements.rules import CATEGORIES, Outcome
from waymark.identity.permissions import PUBLIC, current_actor, requires
from waymark.web.templating import render

router = APIRouter()
CONTEXT = {
    "fact_labels": m.FACT_LABELS,
    "category_labels": m.CATEGORY_LABELS,
    "status_labels": m.STATUS_LABELS,
    "Outcome": Outcome,
}


@router.get("/entitlements", dependencies=[requires(PUBLIC)])
def entitlements(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    if actor is not None and actor.is_young_person:
        return render(
            request, "entitlements/checklist.html", {"checklist": service.checklist(session, actor=actor), **CONTEXT}
        )
    by_category = {c: [e for e in service.catalogue().values() if e.category == c] for c in CATEGORIES}
    return render(request, "entitlements/national.html", {"by_category": by_category, **CONTEXT})


@router.get("/entitlements/{slug}", dependencies=[requires(PUBLIC)])
def entitlement(request: Request, slug: str, session: SessionDep) -> Response:
    item = service.catalogue().get(slug)
    if item is None:
        raise HTTPException(404)
    actor = current_actor(request)
    decision = service.decision_for(session, actor=actor, entitlement=item) if actor else None
    return render(request, "entitlements/item.html", {"item": item, "decision": decision, **CONTEXT})

"""An adviser records the facts entitlement rules use (on the young person's record page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from waymark.db import SessionDep
from waymark.entitlements import service
from waymark.identity.permissions import FACTS_EDIT, requires, signed_in_actor
from waymark.web.forms import RawFormDep
from waymark.web.params import RecordId

router = APIRouter(prefix="/staff")
CHOICES = {"yes": True, "no": False, "": None}


@router.post("/young-people/{young_person_id}/facts", dependencies=[requires(FACTS_EDIT)])
def facts_save(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    """Each fact is a choice of yes / no / not known; anything else is a tampered request."""
    values: dict[str, bool | None] = {}
    for name in service.FACT_NAMES:
        choice = raw.get(name, "")
        if choice not in CHOICES:
            raise HTTPException(400)
        values[name] = CHOICES[choice]
    try:
        service.facts_update(session, actor=signed_in_actor(request), young_person_id=young_person_id, values=values)
    except service.NotFound:
        raise HTTPException(404) from None
    return RedirectResponse(f"/staff/young-people/{young_person_id}?saved=facts#facts", status_code=303)


@router.post("/young-people/{young_person_id}/questions/{slug}/done", dependencies=[requires(FACTS_EDIT)])
def question_done(request: Request, young_person_id: RecordId, slug: str, session: SessionDep) -> Response:
    """The adviser has helped with a young person's question about an entitlement."""
    try:
        service.question_done(session, actor=signed_in_actor(request), young_person_id=young_person_id, slug=slug)
    except service.NotFound:
        raise HTTPException(404) from None
    return RedirectResponse(f"/staff/young-people/{young_person_id}#questions", status_code=303)

"""A personal adviser's caseload, a young person's record, and invites."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from waymark.db import SessionDep
from waymark.identity import service
from waymark.identity.permissions import (
    CASELOAD_VIEW,
    INVITE_CREATE,
    YOUNG_PERSON_RECORD_VIEW,
    requires,
    signed_in_actor,
)
from waymark.identity.routes import public_base_url
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.get("/caseload", dependencies=[requires(CASELOAD_VIEW)])
def caseload(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    entries = service.caseload_for(session, actor=actor)
    return render(request, "identity/caseload.html", {"entries": entries})


def _record(
    request: Request, session: SessionDep, young_person_id: int, invite_code: str | None = None, status_code: int = 200
) -> Response:
    actor = signed_in_actor(request)
    try:
        young_person = service.young_person_for_worker(session, actor=actor, young_person_id=young_person_id)
    except service.NotFound:
        raise HTTPException(404) from None
    tenant = service.tenant_get(session, tenant_id=actor.tenant_id)
    context = {
        "young_person": young_person,
        "invite_code": service.format_code(invite_code) if invite_code else None,
        "invite_url": (public_base_url(request) + f"/join/{invite_code}") if invite_code else None,
        "invite_days": tenant.invite_days,
    }
    return render(request, "identity/young_person.html", context, status_code=status_code, block="invite")


@router.get("/young-people/{young_person_id}", dependencies=[requires(YOUNG_PERSON_RECORD_VIEW)])
def young_person_record(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    return _record(request, session, young_person_id)


@router.post("/young-people/{young_person_id}/invites", dependencies=[requires(INVITE_CREATE)])
def invite_create(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    try:
        _invite, code = service.invite_create(session, actor=actor, young_person_id=young_person_id)
    except service.NotFound:
        raise HTTPException(404) from None
    # The code is shown once, on this response; only its hash is stored.
    return _record(request, session, young_person_id, invite_code=code)

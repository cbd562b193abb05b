"""A personal adviser's caseload and invites. (The young person's record page, which is
mostly their plan, is in pathway/staff_routes.py.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.contacts import service as contacts
from waymark.db import SessionDep
from waymark.entitlements import service as entitlements
from waymark.identity import service
from waymark.identity.permissions import CASELOAD_VIEW, INVITE_CREATE, requires, signed_in_actor
from waymark.web.params import RecordId
from waymark.web.requests import public_base_url
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.get("/caseload", dependencies=[requires(CASELOAD_VIEW)])
def caseload(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    entries = service.caseload_for(session, actor=actor)
    questions = entitlements.open_questions(
        session, young_person_ids=[e.young_person.id for e in entries if e.young_person.id is not None]
    )
    handovers = contacts.open_handovers(session, worker_id=actor.user_id)
    summary = contacts.caseload_summary(
        session,
        tenant=service.tenant_get(session, tenant_id=actor.tenant_id),
        people=[(e.young_person, e.assignment.starts_on) for e in entries],
    )
    return render(
        request,
        "identity/caseload.html",
        {
            "entries": entries,
            "questions": questions,
            "contact_summary": summary,
            "handovers": handovers,
            "handover_names": {e.young_person.id: e.young_person.full_name for e in entries},
            "saved": request.query_params.get("saved"),
        },
    )


@router.post("/young-people/{young_person_id}/invites", dependencies=[requires(INVITE_CREATE)])
def invite_create(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    """Make an invite and show its code, once (only its hash is stored). htmx swaps
    the panel on the young person's page; without JavaScript this is a page."""
    actor = signed_in_actor(request)
    _invite, code = service.invite_create(session, actor=actor, young_person_id=young_person_id)
    young_person = service.young_person_for_worker(session, actor=actor, young_person_id=young_person_id, audit=False)
    context = {
        "young_person": young_person,
        "invite_code": service.format_code(code),
        "invite_url": public_base_url(request) + f"/join/{code}",
        "invite_days": service.tenant_get(session, tenant_id=actor.tenant_id).invite_days,
    }
    return render(request, "identity/invite.html", context, block="invite")

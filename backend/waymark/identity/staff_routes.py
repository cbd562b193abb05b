"""Invites a personal adviser makes for a young person on their caseload. (The
caseload and the record page are in casework/.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.db import SessionDep
from waymark.identity import service
from waymark.identity.permissions import INVITE_CREATE, requires, signed_in_actor
from waymark.web.params import RecordId
from waymark.web.requests import address_for
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.post("/young-people/{young_person_id}/invites", dependencies=[requires(INVITE_CREATE)])
def invite_create(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    """Make an invite and show its code, once (only its hash is stored). htmx swaps
    the panel on the young person's page; without JavaScript this is a page."""
    actor = signed_in_actor(request)
    _invite, code = service.invite_create(session, actor=actor, young_person_id=young_person_id)
    young_person = service.young_person_for_worker(session, actor=actor, young_person_id=young_person_id, audit=False)
    tenant = service.tenant_get(session, tenant_id=actor.tenant_id)
    context = {
        "young_person": young_person,
        "invite_code": service.format_code(code),
        "invite_url": address_for(request, tenant.slug) + f"/join/{code}",
        "invite_days": tenant.invite_days,
    }
    return render(request, "identity/invite.html", context, block="invite")

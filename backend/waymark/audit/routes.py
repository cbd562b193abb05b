"""The audit log for managers: who saw or changed whose record, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.audit import service
from waymark.db import SessionDep
from waymark.identity import service as identity_service
from waymark.identity.permissions import AUDIT_VIEW, requires, signed_in_actor
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.get("/audit", dependencies=[requires(AUDIT_VIEW)])
def audit_log(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    events = service.audit_events_for_tenant(session, actor=actor, limit=200)
    ids = {e.actor_id for e in events if e.actor_id} | {e.subject_id for e in events if e.subject_id}
    people = identity_service.display_names(session, user_ids=ids)
    return render(request, "audit/log.html", {"events": events, "people": people})

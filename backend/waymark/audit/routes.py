"""The audit log for managers: who saw or changed whose record, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import col, select
from starlette.responses import Response

from waymark.audit import service
from waymark.db import SessionDep
from waymark.identity.models import User
from waymark.identity.permissions import AUDIT_VIEW, requires, signed_in_actor
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.get("/audit", dependencies=[requires(AUDIT_VIEW)])
def audit_log(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    events = service.audit_events_for_tenant(session, actor=actor, limit=200)
    ids = {e.actor_id for e in events} | {e.subject_id for e in events}
    people = {
        u.id: u.display_name
        for u in session.exec(select(User).where(col(User.id).in_([i for i in ids if i is not None]))).all()
    }
    return render(request, "audit/log.html", {"events": events, "people": people})

"""The inbox: every notification, read or not."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.db import SessionDep
from waymark.identity.permissions import SIGNED_IN, requires, signed_in_actor
from waymark.notifications import service
from waymark.web.templating import render

router = APIRouter()


@router.get("/inbox", dependencies=[requires(SIGNED_IN)])
def inbox(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    items = service.inbox_for(session, actor=actor)
    unread = {n.id for n in items if n.read_at is None}
    response = render(request, "notifications/inbox.html", {"items": items, "unread": unread, "kinds": service.KINDS})
    service.inbox_mark_read(session, actor=actor)  # shown once as new, then kept as read
    return response

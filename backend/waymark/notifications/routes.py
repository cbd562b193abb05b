"""The inbox (every notification, read or not) and turning push messages on or off."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from waymark.db import SessionDep
from waymark.identity.permissions import SIGNED_IN, requires, signed_in_actor
from waymark.notifications import messages as m
from waymark.notifications import push, service
from waymark.notifications.models import PUSH_KINDS
from waymark.web.i18n import request_locale, translations
from waymark.web.jsonbody import BadJson, read_json
from waymark.web.templating import render

router = APIRouter()


@router.get("/inbox", dependencies=[requires(SIGNED_IN)])
def inbox(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    items = service.inbox_for(session, actor=actor)
    unread = {n.id for n in items if n.read_at is None}
    subscriptions = push.subscriptions_of(session, user_id=actor.user_id)
    gettext = translations(request_locale(request)).gettext
    chosen = sorted({k for s in subscriptions for k in s.kinds}) if subscriptions else list(PUSH_KINDS)
    response = render(
        request,
        "notifications/inbox.html",
        {
            "items": items,
            "unread": unread,
            "kinds": service.KINDS,
            "push_enabled": push.enabled(request.app.state.settings),
            "public_key": request.app.state.settings.vapid_public_key,
            "push_on": bool(subscriptions),
            "push_kind_options": [(k, gettext(m.PUSH_KIND_LABELS[k])) for k in PUSH_KINDS],
            "push_chosen": chosen,
            "saved": request.query_params.get("saved"),
        },
    )
    service.inbox_mark_read(session, actor=actor)  # shown once as new, then kept as read
    return response


@router.post("/api/push/subscriptions", dependencies=[requires(SIGNED_IN)])
async def push_subscribe(request: Request, session: SessionDep) -> Response:
    """The app sends the browser's subscription when the person turns push on:
    {"subscription": PushSubscription.toJSON(), "kinds": [...]}."""
    actor = signed_in_actor(request)
    if not push.enabled(request.app.state.settings):
        return JSONResponse({"error": "push_not_set_up"}, status_code=409)
    try:
        body: Any = await read_json(request)
    except BadJson:
        return JSONResponse({"error": "bad_request"}, status_code=400)
    if not isinstance(body, dict) or not isinstance(body.get("subscription"), dict):
        return JSONResponse({"error": "bad_subscription"}, status_code=422)
    kinds = [k for k in body.get("kinds", []) if isinstance(k, str)] if isinstance(body.get("kinds"), list) else []
    try:
        push.subscribe(
            session,
            tenant_id=actor.tenant_id,
            user_id=actor.user_id,
            data=body["subscription"],
            kinds=kinds or list(PUSH_KINDS),
            lang=request_locale(request),
            settings=request.app.state.settings,
        )
    except push.BadSubscription as exc:
        return JSONResponse({"error": f"bad_{exc.args[0]}"}, status_code=422)
    return JSONResponse({"ok": True}, status_code=201)


@router.post("/inbox/push", dependencies=[requires(SIGNED_IN)])
async def push_settings(request: Request, session: SessionDep) -> Response:
    """Choose which kinds of push message to get, or turn them off (``off`` = "yes")."""
    actor = signed_in_actor(request)
    form = await request.form(max_files=0, max_fields=20)
    if form.get("off") == "yes":
        push.unsubscribe(session, user_id=actor.user_id)
        return RedirectResponse("/inbox?saved=off", status_code=303)
    kinds = [k for k in form.getlist("kinds") if isinstance(k, str) and k in PUSH_KINDS]
    for row in push.subscriptions_of(session, user_id=actor.user_id):
        row.kinds = kinds
        session.add(row)
    session.commit()
    return RedirectResponse("/inbox?saved=kinds", status_code=303)

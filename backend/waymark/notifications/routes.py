"""The inbox (every notification, read or not) and turning push messages on or off."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity import service as identity
from waymark.identity.permissions import INVITE_CREATE, MY_DATA, SIGNED_IN, requires, signed_in_actor
from waymark.notifications import contact_points, push, service
from waymark.notifications import messages as m
from waymark.notifications.models import PUSH_KINDS
from waymark.web.forms import ParsedForm, RawFormDep, input_error_messages
from waymark.web.i18n import request_locale, translations
from waymark.web.jsonbody import BadJson, read_json
from waymark.web.params import RecordId
from waymark.web.requests import address_for
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


# --------------------------------------------------- email and mobile (young people)
@router.get("/me/contact", dependencies=[requires(MY_DATA)])
def contact_points_page(request: Request, session: SessionDep) -> Response:
    return _contact_page(request, session, ParsedForm(values={}))


def _contact_page(
    request: Request, session: Any, form: ParsedForm[Any], *, kind: str = "", status_code: int = 200
) -> Response:
    actor = signed_in_actor(request)
    return render(
        request,
        "notifications/contact_points.html",
        {
            "points": contact_points.of(session, actor=actor),
            "available": contact_points.notify_configured(request.app.state.settings),
            "form": form,
            "form_kind": kind,
            "saved": request.query_params.get("saved", "")[:20],
        },
        status_code=status_code,
    )


def _kind_form(request: Request, kind: str, values: dict[str, str], exc: InputError) -> ParsedForm[Any]:
    """The form for one kind's section: its fields are named ``{kind}_address`` and
    ``{kind}_code``, so the email and mobile sections never share an id."""
    errors = input_error_messages(request, exc)
    return ParsedForm(
        values={f"{kind}_{k}": v for k, v in values.items()}, errors={f"{kind}_{k}": v for k, v in errors.items()}
    )


@router.post("/me/contact/{kind}", dependencies=[requires(MY_DATA)])
def contact_point_add(request: Request, kind: str, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    address = str(raw.get(f"{kind}_address", ""))[:300]
    if not contact_points.notify_configured(request.app.state.settings):
        return RedirectResponse("/me/contact", status_code=303)  # the page says why there is no form
    try:
        contact_points.add(
            session,
            actor=signed_in_actor(request),
            kind=kind,
            address=address,
            settings=request.app.state.settings,
            lang=request_locale(request),
        )
    except InputError as exc:
        form = _kind_form(request, kind, {"address": address}, exc)
        return _contact_page(request, session, form, kind=kind, status_code=422)
    return RedirectResponse(f"/me/contact?saved=sent-{kind}#{kind}", status_code=303)


@router.post("/me/contact/{kind}/verify", dependencies=[requires(MY_DATA)])
def contact_point_verify(
    request: Request, kind: str, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    code = str(raw.get(f"{kind}_code", ""))[:20]
    try:
        contact_points.verify(
            session, actor=signed_in_actor(request), kind=kind, code=code, settings=request.app.state.settings
        )
    except InputError as exc:
        return _contact_page(
            request, session, _kind_form(request, kind, {"code": code}, exc), kind=kind, status_code=422
        )
    return RedirectResponse(f"/me/contact?saved=verified-{kind}#{kind}", status_code=303)


@router.post("/me/contact/{kind}/news", dependencies=[requires(MY_DATA)])
def contact_point_news(request: Request, kind: str, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    contact_points.set_news(session, actor=signed_in_actor(request), kind=kind, wants=raw.get(f"{kind}_news") == "yes")
    return RedirectResponse(f"/me/contact?saved=news-{kind}#{kind}", status_code=303)


@router.post("/me/contact/{kind}/remove", dependencies=[requires(MY_DATA)])
def contact_point_remove(request: Request, kind: str, session: SessionDep) -> Response:
    contact_points.remove(session, actor=signed_in_actor(request), kind=kind)
    return RedirectResponse(f"/me/contact?saved=removed-{kind}", status_code=303)


# ------------------------------------------------------------ invites by text or email
@router.post("/staff/young-people/{young_person_id}/invites/send", dependencies=[requires(INVITE_CREATE)])
def invite_send(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    """Make an invite and send its link by text or email (the panel on the record
    page, swapped by htmx; without JavaScript, the invite page)."""
    actor = signed_in_actor(request)
    values = {
        "invite_kind": str(raw.get("invite_kind", ""))[:10],
        "invite_address": str(raw.get("invite_address", ""))[:300],
    }
    young_person = identity.young_person_for_worker(session, actor=actor, young_person_id=young_person_id, audit=False)
    tenant = identity.tenant_get(session, tenant_id=actor.tenant_id)
    context: dict[str, Any] = {"young_person": young_person, "invite_days": tenant.invite_days, "invite_code": None}
    try:
        sent_to = contact_points.send_invite(
            session,
            actor=actor,
            young_person_id=young_person_id,
            kind=values["invite_kind"],
            address=values["invite_address"],
            settings=request.app.state.settings,
            base_url=address_for(request, tenant.slug),
            lang=request_locale(request),
        )
    except InputError as exc:
        context["send_form"] = ParsedForm(values=values, errors=input_error_messages(request, exc))
        return render(request, "identity/invite.html", context, block="invite", status_code=422)
    context["invite_sent"] = {"kind": values["invite_kind"], "to": sent_to}
    return render(request, "identity/invite.html", context, block="invite")

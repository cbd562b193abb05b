"""You Said We Did pages: the officer's /staff/updates (publish, revise), the young
person's feed /updates with reactions, and hearing back with a resume code."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlmodel import select
from starlette.responses import JSONResponse, RedirectResponse, Response

from waymark import clock, ratelimit
from waymark.consultations.models import DRAFT, Consultation
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    PUBLIC,
    UPDATES_PUBLISH,
    UPDATES_READ,
    UPDATES_STAFF_VIEW,
    requires,
    signed_in_actor,
)
from waymark.identity.service import tenant_get
from waymark.insights import disclosure
from waymark.moderation import themes as theme_list
from waymark.updates import messages as m
from waymark.updates import service
from waymark.web.forms import ParsedForm
from waymark.web.i18n import request_locale, translations
from waymark.web.params import RecordId
from waymark.web.requests import client_ip
from waymark.web.templating import render

router = APIRouter()
FIELDS = ("title", "said", "did", "status", "reason", "happened_on", "version")


def _context(request: Request, session: Any) -> dict[str, Any]:
    actor = signed_in_actor(request)
    consultations = session.exec(
        select(Consultation).where(Consultation.tenant_id == actor.tenant_id, Consultation.state != DRAFT)
    ).all()
    gettext = translations(request_locale(request)).gettext
    return {
        "status_options": [(k, gettext(v)) for k, v in m.STATUS_LABELS.items()],
        "consultation_options": [(str(c.id), c.title) for c in consultations],
        "theme_titles": theme_list.titles(request_locale(request)),
        "status_labels": m.STATUS_LABELS,
        "reaction_labels": m.REACTION_LABELS,
        "field_labels": m.FIELD_LABELS,
        "consultations": {c.id: c.title for c in consultations},
    }


async def _read_form(request: Request) -> tuple[dict[str, str], service.UpdateInput]:
    form = await request.form(max_files=0, max_fields=200)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k in FIELDS}
    themes = [v for v in form.getlist("themes") if isinstance(v, str)][:20]
    consultations = [v for v in form.getlist("consultation_ids") if isinstance(v, str)][:50]
    data = service.UpdateInput(
        **{k: values.get(k, "") for k in FIELDS if k != "version"}, themes=themes, consultation_ids=consultations
    )
    return values, data


# ------------------------------------------------------------------- staff
@router.get("/staff/updates", dependencies=[requires(UPDATES_STAFF_VIEW)])
def staff_updates(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    threshold = tenant_get(session, tenant_id=actor.tenant_id).disclosure_threshold
    views = service.feed(session, actor=actor)
    counts = {
        v.update.id: {r: disclosure.single(v.reactions.get(r, 0), threshold) for r in m.REACTION_LABELS} for v in views
    }
    comment_counts = {v.update.id: disclosure.single(v.approved_comments, threshold) for v in views}
    return render(
        request,
        "updates/staff_list.html",
        {
            **_context(request, session),
            "views": views,
            "counts": counts,
            "comment_counts": comment_counts,
            "saved": request.query_params.get("saved"),
        },
    )


def _form_page(
    request: Request, session: Any, form: ParsedForm[Any], chosen: dict[str, list[str]], update: Any, status: int = 200
) -> Response:
    return render(
        request,
        "updates/form.html",
        {**_context(request, session), "form": form, "chosen": chosen, "update": update},
        status_code=status,
    )


@router.get("/staff/updates/new", dependencies=[requires(UPDATES_PUBLISH)])
def update_new(request: Request, session: SessionDep) -> Response:
    form: ParsedForm[Any] = ParsedForm(values={"happened_on": clock.today().isoformat()})
    return _form_page(request, session, form, {"themes": [], "consultation_ids": []}, None)


@router.post("/staff/updates/new", dependencies=[requires(UPDATES_PUBLISH)])
async def update_publish(request: Request, session: SessionDep) -> Response:
    values, data = await _read_form(request)
    try:
        service.publish(session, actor=signed_in_actor(request), data=data)
    except InputError as exc:
        chosen = {"themes": data.themes, "consultation_ids": data.consultation_ids}
        return _form_page(request, session, ParsedForm(values=values, errors=exc.errors), chosen, None, 422)
    return RedirectResponse("/staff/updates?saved=1", status_code=303)


@router.get("/staff/updates/{update_id}", dependencies=[requires(UPDATES_PUBLISH)])
def update_edit(request: Request, update_id: RecordId, session: SessionDep) -> Response:
    view = service.view(session, actor=signed_in_actor(request), update_id=update_id)
    u = view.update
    values = {
        "title": u.title,
        "said": u.said,
        "did": u.did,
        "status": u.status,
        "reason": u.reason,
        "happened_on": u.happened_on.isoformat(),
        "version": str(u.version),
    }
    chosen = {"themes": u.themes, "consultation_ids": [str(i) for i in u.consultation_ids]}
    return _form_page(request, session, ParsedForm(values=values), chosen, view)


@router.post("/staff/updates/{update_id}", dependencies=[requires(UPDATES_PUBLISH)])
async def update_revise(request: Request, update_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    values, data = await _read_form(request)
    try:
        view = service.view(session, actor=actor, update_id=update_id)
        version = int(values.get("version", "0")) if values.get("version", "").isdigit() else 0
        service.revise(session, actor=actor, update_id=update_id, data=data, version=version)
    except InputError as exc:
        chosen = {"themes": data.themes, "consultation_ids": data.consultation_ids}
        return _form_page(request, session, ParsedForm(values=values, errors=exc.errors), chosen, view, 422)
    return RedirectResponse("/staff/updates?saved=1", status_code=303)


# ----------------------------------------------------------- young people
@router.get("/updates", dependencies=[requires(UPDATES_READ)])
def feed(request: Request, session: SessionDep) -> Response:
    views = service.feed(session, actor=signed_in_actor(request))
    return render(request, "updates/feed.html", {**_context(request, session), "views": views})


@router.get("/updates/hear-back", dependencies=[requires(UPDATES_READ)])
def hear_back(request: Request, session: SessionDep, code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """For someone who answered anonymously: type the code from the thanks page."""
    if code and not _code_try_allowed(request, session):
        raise HTTPException(429)
    found = service.updates_for_code(session, code=code) if code else []
    return render(
        request,
        "updates/hear_back.html",
        {**_context(request, session), "code": code, "found": found, "looked": bool(code)},
    )


def _update_page(
    request: Request, session: Any, update_id: int, form: ParsedForm[Any] | None = None, status: int = 200
) -> Response:
    view = service.view(session, actor=signed_in_actor(request), update_id=update_id)
    return render(
        request,
        "updates/update.html",
        {
            **_context(request, session),
            "view": view,
            "form": form,
            "reacted": request.query_params.get("reacted"),
            "commented": request.query_params.get("commented"),
            "moderation_labels": m.MODERATION_LABELS,
        },
        status_code=status,
    )


@router.get("/updates/{update_id}", dependencies=[requires(UPDATES_READ)])
def update_page(request: Request, update_id: RecordId, session: SessionDep) -> Response:
    return _update_page(request, session, update_id)


@router.post("/updates/{update_id}/comment", dependencies=[requires(UPDATES_READ)])
async def comment(request: Request, update_id: RecordId, session: SessionDep) -> Response:
    """ "Say more": the words go to the moderation queue."""
    form = await request.form(max_files=0, max_fields=10)
    text = form.get("comment")
    text = text if isinstance(text, str) else ""
    quotes_allowed = form.get("quotes_allowed") == "yes"
    try:
        service.comment(
            session, actor=signed_in_actor(request), update_id=update_id, text=text, quotes_allowed=quotes_allowed
        )
    except InputError as exc:
        kept = ParsedForm(
            values={"comment": text, "quotes_allowed": "yes" if quotes_allowed else ""}, errors=exc.errors
        )
        return _update_page(request, session, update_id, kept, 422)
    return RedirectResponse(f"/updates/{update_id}?commented=1#said-more", status_code=303)


@router.post("/updates/{update_id}/react", dependencies=[requires(UPDATES_READ)])
async def react(request: Request, update_id: RecordId, session: SessionDep) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    reaction = form.get("reaction")
    try:
        service.react(
            session,
            actor=signed_in_actor(request),
            update_id=update_id,
            reaction=reaction if isinstance(reaction, str) else "",
        )
    except InputError:
        raise HTTPException(422) from None
    return RedirectResponse(f"/updates/{update_id}?reacted=1", status_code=303)


# ------------------------------------------------------------- hearing back
HEAR_BACK_TRIES = 30  # codes one address may try per 15 minutes (500 random codes went through at 465/s)


def _code_try_allowed(request: Request, session: Any) -> bool:
    window = timedelta(seconds=request.app.state.settings.login_window_seconds)
    return ratelimit.hit(session, f"hear-back:{client_ip(request)}", limit=HEAR_BACK_TRIES, window=window).allowed


@router.get("/api/hear-back", dependencies=[requires(PUBLIC)])
def api_hear_back(request: Request, session: SessionDep, code: Annotated[str, Query(max_length=40)] = "") -> Response:
    """Updates for a resume code, for the app to show someone who answered anonymously.
    The phone asks without its session cookie, so the code is never tied to an account;
    the code is neither stored nor logged (only a hashed count of tries per address)."""
    if not _code_try_allowed(request, session):
        return JSONResponse({"error": "too_many_tries"}, status_code=429, headers={"retry-after": "900"})
    found = service.updates_for_code(session, code=code)
    return JSONResponse(
        {"updates": [{"id": u.id, "title": u.title, "url": f"/updates/{u.id}"} for u in found]},
        headers={"cache-control": "no-store"},
    )

"""Offers: the directory (/offers), one offer, and the public form organisations use
to send one in (/offers/new)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from waymark.covenant import forms, service
from waymark.covenant import messages as m
from waymark.covenant.models import CATEGORIES
from waymark.db import SessionDep
from waymark.identity import service as identity_service
from waymark.identity.permissions import PUBLIC, current_actor, requires
from waymark.web.forms import ParsedForm, RawFormDep, parse_form
from waymark.web.params import RecordId
from waymark.web.requests import client_ip
from waymark.web.templating import render

router = APIRouter()
log = logging.getLogger(__name__)
CONTEXT = {"category_labels": m.CATEGORY_LABELS, "categories": CATEGORIES}


@router.get("/offers", dependencies=[requires(PUBLIC)])
def offers(
    request: Request,
    session: SessionDep,
    category: str = "",
    q: str = "",
    for_me: str = "",
    council: str = "",
) -> Response:
    """Young people and staff see their council's offers; signed out, every council's
    (narrowed with ``council``). ``for_me`` keeps offers for the young person's age."""
    actor = current_actor(request)
    q_error = m.QUERY_TOO_LONG if len(q) > service.MAX_QUERY else None
    query = "" if q_error else q.strip()
    councils = service.councils(session)
    if actor is not None:
        tenant_id: int | None = actor.tenant_id
    else:
        tenant_id = next((c.id for c in councils if str(c.id) == council), None)
    age = service.age_of(session, actor=actor) if for_me else None
    found = service.directory(
        session, tenant_id=tenant_id, category=category or None, query=query, age=age if for_me else None
    )
    names = {c.id: c.name for c in councils}
    return render(
        request,
        "covenant/offers.html",
        {
            "offers": found,
            "category": category if category in CATEGORIES else "",
            "q": q,
            "q_error": q_error,
            "for_me": bool(for_me) and age is not None,
            "can_filter_for_me": actor is not None and actor.is_young_person,
            "age": age,
            "councils": councils,
            "council": tenant_id,
            "council_names": names,
            **CONTEXT,
        },
    )


# The form's routes come before /offers/{offer_id}.
@router.get("/offers/new", dependencies=[requires(PUBLIC)])
def offer_form(request: Request, session: SessionDep) -> Response:
    return _form_page(request, session, None)


def _form_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = current_actor(request)
    secret = request.app.state.settings.secret_key.get_secret_value()
    return render(
        request,
        "covenant/new.html",
        {
            "form": form,
            "councils": service.councils(session),
            "own_council": actor.tenant_id if actor else None,
            "token": forms.form_token(secret),
            "honeypot": forms.HONEYPOT,
            **CONTEXT,
        },
        status_code=status_code,
    )


@router.post("/offers/new", dependencies=[requires(PUBLIC)])
def offer_submit(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    settings = request.app.state.settings
    if str(raw.get(forms.HONEYPOT, "")).strip():
        log.info("offer form: hidden field filled in; nothing stored")
        return RedirectResponse("/offers/sent", status_code=303)
    form = parse_form(forms.SubmissionForm, raw, messages=forms.OFFER_MESSAGES)
    forms.fix_form_error(form.errors)
    status = 422
    problem = forms.token_problem(settings.secret_key.get_secret_value(), str(raw.get("started", "")))
    if problem:
        form.add_error("send", problem)
    ip_key = f"offer:{client_ip(request)}"[:120]
    if form.ok and form.data is not None:
        try:
            identity_service.throttle(session, key=ip_key, limit=settings.offer_submit_limit, settings=settings)
            data = form.data
            service.submit(session, tenant_id=data.council, data=data.to_input(contact_email=data.contact_email))
            return RedirectResponse("/offers/sent", status_code=303)
        except identity_service.Throttled:
            form.add_error("send", m.TOO_MANY_OFFERS)
            status = 429
        except service.NotFound:
            form.add_error("council", m.COUNCIL_REQUIRED)
    return _form_page(request, session, form, status_code=status)


@router.get("/offers/sent", dependencies=[requires(PUBLIC)])
def offer_sent(request: Request) -> Response:
    return render(request, "covenant/sent.html", {})


@router.get("/offers/{offer_id}", dependencies=[requires(PUBLIC)])
def offer(request: Request, offer_id: RecordId, session: SessionDep) -> Response:
    found = service.visible_offer(session, actor=current_actor(request), offer_id=offer_id)
    council = session.get(service.Tenant, found.tenant_id)
    return render(request, "covenant/offer.html", {"offer": found, "council": council, **CONTEXT})

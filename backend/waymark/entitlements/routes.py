"""What I can get: /entitlements (personal when a young person is signed in, the
national list otherwise) and /entitlements/{slug}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from waymark import clock
from waymark.db import SessionDep
from waymark.entitlements import messages as m
from waymark.entitlements import service
from waymark.entitlements.rules import CATEGORIES, Outcome
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import ENTITLEMENTS_OWN, PUBLIC, current_actor, requires, signed_in_actor
from waymark.web.forms import ParsedForm, RawFormDep, parse_form
from waymark.web.templating import render

router = APIRouter()
CONTEXT = {
    "mark_labels": m.MARK_LABELS,
    "fact_labels": m.FACT_LABELS,
    "category_labels": m.CATEGORY_LABELS,
    "status_labels": m.STATUS_LABELS,
    "Outcome": Outcome,
}


@router.get("/entitlements", dependencies=[requires(PUBLIC)])
def entitlements(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    if actor is not None and actor.is_young_person:
        marks = service.marks_for(session, young_person_id=actor.user_id)
        checklist = service.checklist(session, actor=actor)
        return render(
            request,
            "entitlements/checklist.html",
            {"checklist": checklist, "marks": marks, **_council(session, actor), **CONTEXT},
        )
    by_category = {c: [e for e in service.catalogue().values() if e.category == c] for c in CATEGORIES}
    return render(request, "entitlements/national.html", {"by_category": by_category, **CONTEXT})


@router.get("/care-leaver-status", dependencies=[requires(PUBLIC)])
def care_leaver_status(request: Request, session: SessionDep) -> Response:
    """ "Am I a care leaver, and which kind?" and, when signed in, what we hold for them."""
    actor = current_actor(request)
    status = None
    if actor is not None and actor.is_young_person:
        person = session.get(User, actor.user_id)
        status = person.care_status if person else None
    return render(
        request,
        "entitlements/status.html",
        {"page": service.content_page("care-leaver-status"), "status": status, **CONTEXT},
    )


@router.get("/entitlements/{slug}", dependencies=[requires(PUBLIC)])
def entitlement(request: Request, slug: str, session: SessionDep) -> Response:
    item = service.catalogue().get(slug)
    if item is None:
        raise HTTPException(404)
    actor = current_actor(request)
    decision = service.decision_for(session, actor=actor, entitlement=item) if actor else None
    mark = None
    if actor is not None and actor.is_young_person:
        mark = service.marks_for(session, young_person_id=actor.user_id).get(slug)
    return render(
        request,
        "entitlements/item.html",
        {
            "item": item,
            "decision": decision,
            "coming": item.coming(clock.today()),
            "mark": mark,
            "done": request.query_params.get("done"),
            **_council(session, actor),
            **CONTEXT,
        },
    )


def _council(session: Any, actor: Actor | None) -> dict[str, Any]:
    """The signed-in person's council and its own amounts, shown beside national minimums."""
    if actor is None:
        return {}
    tenant = session.get(Tenant, actor.tenant_id)
    return {
        "council_amounts": service.council_amounts(session, tenant_id=actor.tenant_id),
        "council_name": tenant.name if tenant else None,
    }


@router.get("/my-facts", dependencies=[requires(ENTITLEMENTS_OWN)])
def my_facts(request: Request, session: SessionDep) -> Response:
    """What we hold about me for the rules, and "this is wrong"."""
    return _my_facts_page(request, session, None)


def _my_facts_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    person = session.get(User, actor.user_id)
    return render(
        request,
        "entitlements/my_facts.html",
        {
            "person": person,
            "facts": service.facts_record(session, young_person_id=actor.user_id),
            "fact_names": service.FACT_NAMES,
            "open_reports": service.open_facts_reports(session, young_person_id=actor.user_id),
            "row_labels": m.MY_FACT_LABELS,
            "form": form,
            "sent": request.query_params.get("sent"),
            **CONTEXT,
        },
        status_code=status_code,
    )


class WrongForm(BaseModel):
    note: str = Field(default="", max_length=service.NOTE_MAX)


@router.post("/my-facts", dependencies=[requires(ENTITLEMENTS_OWN)])
def my_facts_wrong(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(WrongForm, raw, messages={"note": {"default": m.NOTE_TOO_LONG}})
    if not form.ok or form.data is None:
        return _my_facts_page(request, session, form, status_code=422)
    service.facts_report(session, actor=signed_in_actor(request), note=form.data.note)
    return RedirectResponse("/my-facts?sent=1", status_code=303)


@router.post("/entitlements/{slug}/mark", dependencies=[requires(ENTITLEMENTS_OWN)])
def mark(request: Request, slug: str, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    """ "I've asked", "I've got it" or "not sure" (a radio choice; anything else is a tampered request)."""
    state = raw.get("state", "")
    if state not in ("", *service.MARK_STATES):
        raise HTTPException(400)
    service.mark_set(session, actor=signed_in_actor(request), slug=slug, state=state or None)
    return RedirectResponse(f"/entitlements/{slug}?done=mark", status_code=303)


@router.post("/entitlements/{slug}/ask-adviser", dependencies=[requires(ENTITLEMENTS_OWN)])
def ask_adviser(request: Request, slug: str, session: SessionDep) -> Response:
    service.ask_adviser(session, actor=signed_in_actor(request), slug=slug)
    return RedirectResponse(f"/entitlements/{slug}?done=asked", status_code=303)

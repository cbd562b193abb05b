"""Staff side of entitlements: an adviser records the facts the rules use (on the
young person's record page) and deals with "this is wrong"; an admin sets the
council's own amounts; staff see which content is due a check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from waymark.db import SessionDep
from waymark.entitlements import messages as m
from waymark.entitlements import service
from waymark.identity.permissions import (
    CONTENT_STATUS_VIEW,
    COUNCIL_AMOUNTS_EDIT,
    FACTS_EDIT,
    requires,
    signed_in_actor,
)
from waymark.web.forms import ParsedForm, RawFormDep
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter(prefix="/staff")
CHOICES = {"yes": True, "no": False, "": None}


@router.post("/young-people/{young_person_id}/facts", dependencies=[requires(FACTS_EDIT)])
def facts_save(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    """Each fact is a choice of yes / no / not known; anything else is a tampered request."""
    values: dict[str, bool | None] = {}
    for name in service.FACT_NAMES:
        choice = raw.get(name, "")
        if choice not in CHOICES:
            raise HTTPException(400)
        values[name] = CHOICES[choice]
    service.facts_update(session, actor=signed_in_actor(request), young_person_id=young_person_id, values=values)
    return RedirectResponse(f"/staff/young-people/{young_person_id}?saved=facts#facts", status_code=303)


@router.post("/young-people/{young_person_id}/questions/{slug}/done", dependencies=[requires(FACTS_EDIT)])
def question_done(request: Request, young_person_id: RecordId, slug: str, session: SessionDep) -> Response:
    """The adviser has helped with a young person's question about an entitlement."""
    service.question_done(session, actor=signed_in_actor(request), young_person_id=young_person_id, slug=slug)
    return RedirectResponse(f"/staff/young-people/{young_person_id}#questions", status_code=303)


@router.post("/young-people/{young_person_id}/facts-reports/{report_id}/done", dependencies=[requires(FACTS_EDIT)])
def facts_report_done(
    request: Request, young_person_id: RecordId, report_id: RecordId, session: SessionDep
) -> Response:
    """The adviser has dealt with the young person's "this is wrong"."""
    service.facts_report_done(
        session, actor=signed_in_actor(request), young_person_id=young_person_id, report_id=report_id
    )
    return RedirectResponse(f"/staff/young-people/{young_person_id}#facts", status_code=303)


# ------------------------------------------------------------- council amounts
@router.get("/council-amounts", dependencies=[requires(COUNCIL_AMOUNTS_EDIT)])
def council_amounts(request: Request, session: SessionDep) -> Response:
    return _amounts_page(request, session, None)


def _amounts_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    held = service.council_amounts(session, tenant_id=actor.tenant_id)
    values = {k: v.amount for k, v in held.items()}
    return render(
        request,
        "entitlements/council_amounts.html",
        {
            "settings": service.council_settings(),
            "form": form or ParsedForm(values=values),
            "saved": request.query_params.get("saved"),
        },
        status_code=status_code,
    )


@router.post("/council-amounts", dependencies=[requires(COUNCIL_AMOUNTS_EDIT)])
def council_amounts_save(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    """Each amount is free text up to 120 characters; empty removes it."""
    names = service.council_settings()
    form: ParsedForm[Any] = ParsedForm(values={k: str(raw.get(k, "")) for k in names})
    for name, text in form.values.items():
        if len(text.strip()) > service.AMOUNT_MAX:
            form.errors[name] = m.AMOUNT_TOO_LONG
    if form.errors:
        return _amounts_page(request, session, form, status_code=422)
    service.council_amounts_update(session, actor=signed_in_actor(request), values=form.values)
    return RedirectResponse("/staff/council-amounts?saved=1", status_code=303)


# ------------------------------------------------------------- content status
@router.get("/content", dependencies=[requires(CONTENT_STATUS_VIEW)])
def content_status(request: Request) -> Response:
    """Entitlements due a check against their sources (last checked over 12 months ago)."""
    return render(
        request,
        "entitlements/content_status.html",
        {"stale": service.stale_content(), "total": len(service.catalogue()), "days": service.STALE_AFTER_DAYS},
    )

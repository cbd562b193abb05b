"""Reviewing offers (/staff/offers): moderators and admins of the council approve,
correct or turn down what organisations send in, with a reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from waymark.covenant import forms, service
from waymark.covenant import messages as m
from waymark.covenant.routes import CONTEXT
from waymark.db import SessionDep
from waymark.identity.permissions import OFFERS_REVIEW, requires, signed_in_actor
from waymark.web.forms import ParsedForm, RawFormDep, parse_form
from waymark.web.params import MAX_ID, RecordId
from waymark.web.templating import render

router = APIRouter(prefix="/staff")


@router.get("/offers", dependencies=[requires(OFFERS_REVIEW)])
def queue(request: Request, session: SessionDep) -> Response:
    found = service.review_queue(session, actor=signed_in_actor(request))
    return render(request, "covenant/queue.html", {"queue": found, "done": request.query_params.get("done"), **CONTEXT})


def _review_page(
    request: Request,
    session: Any,
    offer_id: int,
    *,
    form: ParsedForm[Any] | None = None,
    reject_form: ParsedForm[Any] | None = None,
    stale: bool = False,
    status_code: int = 200,
) -> Response:
    offer = service.for_review(session, actor=signed_in_actor(request), offer_id=offer_id)
    values = {
        "organisation": offer.organisation,
        "title": offer.title,
        "description": offer.description,
        "category": offer.category,
        "age_from": str(offer.age_from),
        "age_to": str(offer.age_until - 1),
        "area": offer.area,
        "how_to_claim": offer.how_to_claim,
        "url": offer.url or "",
        "expires_on": offer.expires_on.isoformat() if offer.expires_on else "",
        "national": "yes" if offer.national else "",
    }
    form = form or ParsedForm(values=values)
    if stale:
        form.errors["organisation"] = m.STALE_OFFER
    return render(
        request,
        "covenant/review.html",
        {"offer": offer, "form": form, "reject_form": reject_form, **CONTEXT},
        status_code=status_code,
    )


@router.get("/offers/{offer_id}", dependencies=[requires(OFFERS_REVIEW)])
def review(request: Request, offer_id: RecordId, session: SessionDep) -> Response:
    return _review_page(request, session, offer_id)


class VersionForm(BaseModel):
    version: int = Field(default=0, ge=0, le=MAX_ID)


class EditForm(forms.OfferForm, VersionForm):
    action: str = "save"


@router.post("/offers/{offer_id}", dependencies=[requires(OFFERS_REVIEW)])
def edit(request: Request, offer_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    """Save corrections; with ``action=approve``, save and show the offer."""
    form = parse_form(EditForm, raw, messages={**forms.OFFER_MESSAGES, "version": {"default": m.STALE_OFFER}})
    forms.fix_form_error(form.errors)
    if form.ok and form.data is not None:
        try:
            service.update(
                session,
                actor=signed_in_actor(request),
                offer_id=offer_id,
                expected_version=form.data.version,
                data=form.data.to_input(),
                approve=form.data.action == "approve",
            )
            done = "approved" if form.data.action == "approve" else "saved"
            return RedirectResponse(f"/staff/offers?done={done}", status_code=303)
        except service.StaleOffer:
            form.add_error("organisation", m.STALE_OFFER)
    return _review_page(request, session, offer_id, form=form, status_code=422)


@router.post("/offers/{offer_id}/approve", dependencies=[requires(OFFERS_REVIEW)])
def approve(request: Request, offer_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(VersionForm, raw)
    if not form.ok or form.data is None:
        raise HTTPException(400)
    try:
        service.approve(session, actor=signed_in_actor(request), offer_id=offer_id, expected_version=form.data.version)
    except service.StaleOffer:
        return _review_page(request, session, offer_id, stale=True, status_code=409)
    return RedirectResponse("/staff/offers?done=approved", status_code=303)


class RejectForm(VersionForm):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/offers/{offer_id}/reject", dependencies=[requires(OFFERS_REVIEW)])
def reject(request: Request, offer_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(
        RejectForm,
        {**raw, "reason": str(raw.get("reason", "")).strip()},
        messages={
            "reason": {"string_too_long": m.REASON_TOO_LONG, "default": m.REASON_REQUIRED},
            "version": {"default": m.STALE_OFFER},
        },
    )
    if form.ok and form.data is not None:
        try:
            service.reject(
                session,
                actor=signed_in_actor(request),
                offer_id=offer_id,
                expected_version=form.data.version,
                reason=form.data.reason,
            )
            return RedirectResponse("/staff/offers?done=rejected", status_code=303)
        except service.StaleOffer:
            form.add_error("reason", m.STALE_OFFER)
    return _review_page(request, session, offer_id, reject_form=form, status_code=422)

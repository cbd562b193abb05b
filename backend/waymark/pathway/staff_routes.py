"""The adviser's side of the pathway plan: steps and reviews edited inline on the
young person's record page (casework/; htmx swaps parts of it, and every form also
works as a plain POST), and the plan's history."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import RedirectResponse, Response

from waymark.casework.pages import record_page
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.glossary import service as glossary
from waymark.identity import service as identity_service
from waymark.identity.permissions import (
    PLAIN_LANGUAGE_CHECK,
    PLAN_EDIT,
    YOUNG_PERSON_RECORD_VIEW,
    requires,
    signed_in_actor,
)
from waymark.pathway import messages as m
from waymark.pathway import service
from waymark.pathway.headings import PLAN_CONTEXT
from waymark.web.forms import ParsedForm, RawFormDep, date_field, parse_form
from waymark.web.params import MAX_ID, RecordId
from waymark.web.templating import render

router = APIRouter(prefix="/staff")
BASE = "/staff/young-people/{young_person_id}"


def _back(young_person_id: int, anchor: str = "plan") -> Response:
    return RedirectResponse(f"/staff/young-people/{young_person_id}#{anchor}", status_code=303)


@router.get("/young-people/{young_person_id}/plan/history", dependencies=[requires(YOUNG_PERSON_RECORD_VIEW)])
def plan_history(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    view = service.plan_view_for_staff(session, actor=signed_in_actor(request), young_person_id=young_person_id)
    changes = service.plan_history(session, view=view)
    people = identity_service.display_names(session, user_ids={c.actor_id for c in changes if c.actor_id})
    return render(request, "pathway/history.html", {"view": view, "changes": changes, "people": people, **PLAN_CONTEXT})


# ---------------------------------------------------------------------- steps
class StepForm(BaseModel):
    heading: str = Field(default="", max_length=30)
    text: str = Field(default="", max_length=500)
    owner: str = Field(default="adviser", max_length=10)
    owner_name: str = Field(default="", max_length=80)
    due_on: date | None = None
    status: str = Field(default="not_started", max_length=20)
    version: int = Field(default=0, ge=0, le=MAX_ID)

    @field_validator("due_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> date | None:
        return date_field(value, m.DUE_DATE_INVALID)


STEP_MESSAGES = {
    "text": {"string_too_long": m.STEP_TEXT_TOO_LONG},
    "owner_name": {"string_too_long": m.OWNER_NAME_TOO_LONG},
    "heading": {"default": m.HEADING_INVALID},
    "owner": {"default": m.OWNER_INVALID},
    "status": {"default": m.STATUS_INVALID},
    "version": {"default": m.STALE_EDIT},
}


def _step_failed(
    request: Request,
    session: Any,
    young_person_id: int,
    form: ParsedForm[Any],
    form_name: str,
    editing: int | None = None,
) -> Response:
    return record_page(
        request, session, young_person_id, editing=editing, form=form, form_name=form_name, status_code=422
    )


@router.post("/young-people/{young_person_id}/plan/steps", dependencies=[requires(PLAN_EDIT)])
def step_add(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(StepForm, raw, messages=STEP_MESSAGES)
    if form.ok and form.data is not None:
        d = form.data
        try:
            step = service.step_add(
                session,
                actor=signed_in_actor(request),
                young_person_id=young_person_id,
                heading=d.heading,
                text=d.text,
                owner=d.owner,
                owner_name=d.owner_name,
                due_on=d.due_on,
                status=d.status,
            )
            return _back(young_person_id, f"step-{step.id}")
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _step_failed(request, session, young_person_id, form, "add")


@router.get("/young-people/{young_person_id}/plan/steps/{step_id}", dependencies=[requires(PLAN_EDIT)])
def step_edit_page(request: Request, young_person_id: RecordId, step_id: RecordId, session: SessionDep) -> Response:
    # Who may see this young person first (403), then whether the step is theirs (404).
    identity_service.young_person_for_worker(
        session, actor=signed_in_actor(request), young_person_id=young_person_id, audit=False
    )
    if not service.step_is_in_plan_of(session, step_id=step_id, young_person_id=young_person_id):
        raise HTTPException(404)
    return record_page(request, session, young_person_id, editing=step_id)


@router.post("/young-people/{young_person_id}/plan/steps/{step_id}", dependencies=[requires(PLAN_EDIT)])
def step_edit(
    request: Request,
    young_person_id: RecordId,
    step_id: RecordId,
    session: SessionDep,
    raw: dict[str, Any] = RawFormDep,
) -> Response:
    form = parse_form(StepForm, raw, messages=STEP_MESSAGES)
    if form.ok and form.data is not None:
        d = form.data
        try:
            service.step_update(
                session,
                actor=signed_in_actor(request),
                young_person_id=young_person_id,
                step_id=step_id,
                expected_version=d.version,
                text=d.text,
                owner=d.owner,
                owner_name=d.owner_name,
                due_on=d.due_on,
                status=d.status,
            )
            return _back(young_person_id, f"step-{step_id}")
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _step_failed(request, session, young_person_id, form, f"step-{step_id}", editing=step_id)


class StatusForm(BaseModel):
    status: str = Field(max_length=20)
    version: int = Field(ge=0, le=MAX_ID)


@router.post("/young-people/{young_person_id}/plan/steps/{step_id}/status", dependencies=[requires(PLAN_EDIT)])
def step_status(
    request: Request,
    young_person_id: RecordId,
    step_id: RecordId,
    session: SessionDep,
    raw: dict[str, Any] = RawFormDep,
) -> Response:
    """Mark done / reopen. The form is two hidden fields, so bad values mean a tampered
    request: 400. A stale version is explained on the page."""
    form = parse_form(StatusForm, raw)
    if not form.ok or form.data is None:
        raise HTTPException(400)
    try:
        service.step_set_status(
            session,
            actor=signed_in_actor(request),
            young_person_id=young_person_id,
            step_id=step_id,
            expected_version=form.data.version,
            status=form.data.status,
        )
        return _back(young_person_id, f"step-{step_id}")
    except InputError as exc:
        if not isinstance(exc, service.StaleEdit):
            raise HTTPException(400) from None
        form.add_error(f"step-{step_id}", exc.message)  # the summary links to the step itself
    return _step_failed(request, session, young_person_id, form, "")


class MoveForm(BaseModel):
    direction: str = Field(max_length=10)


@router.post("/young-people/{young_person_id}/plan/steps/{step_id}/move", dependencies=[requires(PLAN_EDIT)])
def step_move(
    request: Request,
    young_person_id: RecordId,
    step_id: RecordId,
    session: SessionDep,
    raw: dict[str, Any] = RawFormDep,
) -> Response:
    """Move a step up or down (a hidden field; anything else is a tampered request)."""
    form = parse_form(MoveForm, raw)
    if not form.ok or form.data is None:
        raise HTTPException(400)
    try:
        service.step_move(
            session,
            actor=signed_in_actor(request),
            young_person_id=young_person_id,
            step_id=step_id,
            direction=form.data.direction,
        )
    except InputError:
        raise HTTPException(400) from None
    return _back(young_person_id, f"step-{step_id}")


# ------------------------------------------------------------------- reviews
class ReviewForm(BaseModel):
    reviewed_on: date | None = None
    summary: str = Field(default="", max_length=2000)

    @field_validator("reviewed_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> date | None:
        return date_field(value, m.DUE_DATE_INVALID, blank=m.REVIEW_DATE_INVALID)


@router.post("/young-people/{young_person_id}/plan/reviews", dependencies=[requires(PLAN_EDIT)])
def review_record(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(
        ReviewForm,
        raw,
        messages={
            "summary": {"string_too_long": m.REVIEW_SUMMARY_TOO_LONG},
            "reviewed_on": {"default": m.REVIEW_DATE_INVALID},
        },
    )
    if form.ok and form.data is not None and form.data.reviewed_on is not None:
        try:
            service.review_record(
                session,
                actor=signed_in_actor(request),
                young_person_id=young_person_id,
                reviewed_on=form.data.reviewed_on,
                summary=form.data.summary,
            )
            return _back(young_person_id, "review")
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    elif form.ok:
        form.add_error("reviewed_on", m.REVIEW_DATE_INVALID)
    return _step_failed(request, session, young_person_id, form, "review")


# ------------------------------------------------------------------- answers
class AnswerForm(BaseModel):
    response: str = Field(default="", max_length=1000)


ANSWER_MESSAGES = {"response": {"string_too_long": m.RESPONSE_TOO_LONG}}


def _answer_route(
    request: Request, session: Any, young_person_id: int, raw: dict[str, Any], answer: Any, form_name: str
) -> Response:
    """Shared by the two answer forms: parse, call ``answer(response)``, redirect or
    put the form back with its error."""
    form = parse_form(AnswerForm, raw, messages=ANSWER_MESSAGES)
    if form.ok and form.data is not None:
        try:
            answer(form.data.response)
            return _back(young_person_id, "to-answer")
        except InputError as exc:
            form.add_error("response", exc.message)
    return _step_failed(request, session, young_person_id, form, form_name)


@router.post("/young-people/{young_person_id}/plan/feedback/{feedback_id}", dependencies=[requires(PLAN_EDIT)])
def feedback_answer(
    request: Request,
    young_person_id: RecordId,
    feedback_id: RecordId,
    session: SessionDep,
    raw: dict[str, Any] = RawFormDep,
) -> Response:
    def answer(response: str) -> Any:
        return service.feedback_answer(
            session,
            actor=signed_in_actor(request),
            young_person_id=young_person_id,
            feedback_id=feedback_id,
            response=response,
        )

    return _answer_route(request, session, young_person_id, raw, answer, f"feedback-{feedback_id}")


@router.post("/young-people/{young_person_id}/plan/review-requests/{request_id}", dependencies=[requires(PLAN_EDIT)])
def review_request_answer(
    request: Request,
    young_person_id: RecordId,
    request_id: RecordId,
    session: SessionDep,
    raw: dict[str, Any] = RawFormDep,
) -> Response:
    def answer(response: str) -> Any:
        return service.review_request_answer(
            session,
            actor=signed_in_actor(request),
            young_person_id=young_person_id,
            request_id=request_id,
            response=response,
        )

    return _answer_route(request, session, young_person_id, raw, answer, f"request-{request_id}")


# ------------------------------------------------------- plain-language help
class PlainForm(BaseModel):
    text: str = Field(default="", max_length=2000)


@router.post("/plain-language", dependencies=[requires(PLAIN_LANGUAGE_CHECK)])
def plain_language(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    """The writing helper beside a step's text (an htmx fragment): reading age and the
    jargon in the text with plain words from the glossary."""
    form = parse_form(PlainForm, raw)
    text = form.data.text if form.data else ""
    tenant = identity_service.tenant_get(session, tenant_id=signed_in_actor(request).tenant_id)
    return render(
        request,
        "pathway/plain_help.html",
        {
            "text": text,
            "age": glossary.reading_age(text),
            "target": tenant.reading_age_target,
            "terms": glossary.jargon_in(text),
        },
        block="help",
    )

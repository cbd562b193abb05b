"""The young person's side of the pathway plan: /plan and what they can do on it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import PLAN_OWN, requires, signed_in_actor
from waymark.pathway import messages as m
from waymark.pathway import service
from waymark.pathway.headings import BY_KEY, PLAN_CONTEXT
from waymark.web.forms import RawFormDep, parse_form
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


def _view(request: Request, session: Any) -> service.PlanView | None:
    return service.plan_view_for_young_person(session, actor=signed_in_actor(request))


@router.get("/plan", dependencies=[requires(PLAN_OWN)])
def plan_page(request: Request, session: SessionDep) -> Response:
    view = _view(request, session)
    return render(
        request, "pathway/plan.html", {"view": view, "sent": request.query_params.get("sent"), **PLAN_CONTEXT}
    )


@router.get("/plan/print", dependencies=[requires(PLAN_OWN)])
def plan_print(request: Request, session: SessionDep) -> Response:
    view = service.plan_view_for_young_person(session, actor=signed_in_actor(request), mark_seen=False)
    return render(request, "pathway/print.html", {"view": view, **PLAN_CONTEXT})


# ----------------------------------------------------------------- my words
class WordsForm(BaseModel):
    words: str = Field(default="", max_length=1000)


WORDS_MESSAGES = {"words": {"string_too_long": m.WORDS_TOO_LONG}}


def _heading(key: str) -> Any:
    heading = BY_KEY.get(key)
    if heading is None:
        raise HTTPException(404)
    return heading


@router.get("/plan/words/{heading}", dependencies=[requires(PLAN_OWN)])
def words_page(request: Request, heading: str, session: SessionDep) -> Response:
    part = _heading(heading)
    view = service.plan_view_for_young_person(session, actor=signed_in_actor(request), mark_seen=False)
    if view is None:
        raise HTTPException(404)
    current = view.words.get(heading)
    return render(
        request,
        "pathway/words.html",
        {"heading": part, "form": None, "view": view, "current": current.text if current else ""},
    )


@router.post("/plan/words/{heading}", dependencies=[requires(PLAN_OWN)])
def words_save(request: Request, heading: str, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    part = _heading(heading)
    form = parse_form(WordsForm, raw, messages=WORDS_MESSAGES)
    if form.ok and form.data is not None:
        try:
            service.words_save(session, actor=signed_in_actor(request), heading=heading, text=form.data.words)
            return RedirectResponse(f"/plan?sent=words#{heading}", status_code=303)
        except InputError as exc:
            form.add_error("words", exc.message)
    view = service.plan_view_for_young_person(session, actor=signed_in_actor(request), mark_seen=False)
    return render(
        request,
        "pathway/words.html",
        {"heading": part, "form": form, "view": view, "current": form.values.get("words", "")},
        status_code=422,
    )


# ----------------------------------------------------------- step feedback
class FeedbackForm(BaseModel):
    kind: str = Field(default="", max_length=20)
    comment: str = Field(default="", max_length=1000)


FEEDBACK_MESSAGES = {"comment": {"string_too_long": m.COMMENT_TOO_LONG}, "kind": {"default": m.FEEDBACK_KIND_REQUIRED}}


def _step_context(request: Request, session: Any, step_id: int) -> dict[str, Any]:
    view = service.plan_view_for_young_person(session, actor=signed_in_actor(request), mark_seen=False)
    step = next((s for s in view.steps if s.id == step_id), None) if view else None
    if view is None or step is None:
        raise HTTPException(404)
    return {"view": view, "step": step, "heading": BY_KEY[step.heading], **PLAN_CONTEXT}


@router.get("/plan/steps/{step_id}", dependencies=[requires(PLAN_OWN)])
def step_page(request: Request, step_id: RecordId, session: SessionDep) -> Response:
    return render(request, "pathway/step.html", {"form": None, **_step_context(request, session, step_id)})


@router.post("/plan/steps/{step_id}/feedback", dependencies=[requires(PLAN_OWN)])
def step_feedback(
    request: Request, step_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(FeedbackForm, raw, messages=FEEDBACK_MESSAGES)
    if form.ok and form.data is not None:
        try:
            service.feedback_give(
                session, actor=signed_in_actor(request), step_id=step_id, kind=form.data.kind, comment=form.data.comment
            )
            return RedirectResponse(f"/plan/steps/{step_id}?sent=1", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return render(
        request, "pathway/step.html", {"form": form, **_step_context(request, session, step_id)}, status_code=422
    )


# ------------------------------------------------------------ review request
class ReviewRequestForm(BaseModel):
    note: str = Field(default="", max_length=1000)


@router.post("/plan/review-request", dependencies=[requires(PLAN_OWN)])
def review_request(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(ReviewRequestForm, raw, messages={"note": {"string_too_long": m.COMMENT_TOO_LONG}})
    if form.ok and form.data is not None:
        try:
            service.review_request_make(session, actor=signed_in_actor(request), note=form.data.note)
            return RedirectResponse("/plan?sent=review#review", status_code=303)
        except InputError as exc:
            form.add_error("note", exc.message)
    view = service.plan_view_for_young_person(session, actor=signed_in_actor(request), mark_seen=False)
    return render(
        request,
        "pathway/plan.html",
        {"view": view, "review_form": form, "sent": None, "form": form, **PLAN_CONTEXT},
        status_code=422,
    )

"""Running consultations (/staff/consultations): the participation officer drafts,
publishes and closes them."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import RedirectResponse, Response

from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.pages import CONTEXT, multi_form
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    CONSULTATIONS_RUN,
    requires,
    signed_in_actor,
)
from waymark.web.forms import ParsedForm, RawFormDep, date_field, parse_form
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


def _date(value: Any) -> Any:
    return date_field(value, m.DATE_INVALID, blank=m.DATE_INVALID)


class DetailsForm(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=1000)
    easy_summary: str = Field(default="", max_length=1000)
    opens_on: date
    closes_on: date

    check_opens = field_validator("opens_on", mode="before")(_date)
    check_closes = field_validator("closes_on", mode="before")(_date)


DETAILS_MESSAGES = {
    "title": {"string_too_long": m.TITLE_TOO_LONG, "default": m.TITLE_REQUIRED},
    "summary": {"string_too_long": m.SUMMARY_TOO_LONG, "default": m.SUMMARY_REQUIRED},
    "easy_summary": {"default": m.SUMMARY_TOO_LONG},
    "opens_on": {"default": m.DATE_INVALID},
    "closes_on": {"default": m.DATE_INVALID},
}


async def _details(request: Request) -> tuple[ParsedForm[Any], service.ConsultationInput | None]:
    fields = await multi_form(request)
    single = {k: v[0] for k, v in fields.items() if v}
    form = parse_form(DetailsForm, single, messages=DETAILS_MESSAGES)
    form.values.update(
        {"age_bands": ",".join(fields.get("age_bands", [])), "statuses": ",".join(fields.get("statuses", []))}
    )
    if not form.ok or form.data is None:
        return form, None
    d = form.data
    return form, service.ConsultationInput(
        title=d.title.strip(),
        summary=d.summary.strip(),
        easy_summary=d.easy_summary.strip(),
        age_bands=fields.get("age_bands", []),
        statuses=fields.get("statuses", []),
        opens_on=d.opens_on,
        closes_on=d.closes_on,
    )


@router.get("/staff/consultations", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_list(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    found = service.council_consultations(session, actor=actor)
    counts = service.response_counts(session, consultation_ids=[c.id for c in found if c.id])
    return render(request, "consultations/staff_list.html", {"consultations": found, "counts": counts, **CONTEXT})


@router.get("/staff/consultations/new", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_new(request: Request) -> Response:
    return render(request, "consultations/staff_new.html", {"form": None, **CONTEXT})


@router.post("/staff/consultations/new", dependencies=[requires(CONSULTATIONS_RUN)])
async def staff_create(request: Request, session: SessionDep) -> Response:
    form, data = await _details(request)
    if data is not None:
        try:
            created = service.create(session, actor=signed_in_actor(request), data=data)
            return RedirectResponse(f"/staff/consultations/{created.id}", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return render(request, "consultations/staff_new.html", {"form": form, **CONTEXT}, status_code=422)


def _edit_page(
    request: Request,
    session: Any,
    consultation_id: int,
    *,
    form: ParsedForm[Any] | None = None,
    form_name: str = "",
    status_code: int = 200,
) -> Response:
    found = service.for_officer(session, actor=signed_in_actor(request), consultation_id=consultation_id)
    counts = service.response_counts(session, consultation_ids=[consultation_id])
    return render(
        request,
        "consultations/staff_edit.html",
        {
            "consultation": found,
            "questions": service.questions_of(session, consultation_id),
            "form": form,
            "form_name": form_name,
            "responses": counts.get(consultation_id, 0),
            "done": request.query_params.get("done"),
            **CONTEXT,
        },
        status_code=status_code,
    )


@router.get("/staff/consultations/{consultation_id}", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_edit(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    return _edit_page(request, session, consultation_id)


@router.post("/staff/consultations/{consultation_id}", dependencies=[requires(CONSULTATIONS_RUN)])
async def staff_update(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    form, data = await _details(request)
    if data is not None:
        try:
            service.update(session, actor=signed_in_actor(request), consultation_id=consultation_id, data=data)
            return RedirectResponse(f"/staff/consultations/{consultation_id}?done=saved", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _edit_page(request, session, consultation_id, form=form, form_name="details", status_code=422)


class QuestionForm(BaseModel):
    kind: str = Field(default="", max_length=10)
    text: str = Field(min_length=1, max_length=500)
    easy_text: str = Field(default="", max_length=500)
    options: str = Field(default="", max_length=2000)
    required: str = ""


@router.post("/staff/consultations/{consultation_id}/questions", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_question_add(
    request: Request, consultation_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(
        QuestionForm,
        {**raw, "text": str(raw.get("text", "")).strip()},
        messages={
            "text": {"string_too_long": m.QUESTION_TOO_LONG, "default": m.QUESTION_REQUIRED},
            "easy_text": {"default": m.QUESTION_TOO_LONG},
            "options": {"default": m.OPTIONS_TOO_MANY},
            "kind": {"default": m.KIND_INVALID},
        },
    )
    if form.ok and form.data is not None:
        d = form.data
        try:
            service.question_add(
                session,
                actor=signed_in_actor(request),
                consultation_id=consultation_id,
                data=service.QuestionInput(
                    kind=d.kind,
                    text=d.text,
                    easy_text=d.easy_text,
                    options=d.options.splitlines(),
                    required=d.required == "yes",
                ),
            )
            return RedirectResponse(f"/staff/consultations/{consultation_id}#questions", status_code=303)
        except InputError as exc:
            form.add_error(exc.field if exc.field != "form" else "kind", exc.message)
    return _edit_page(request, session, consultation_id, form=form, form_name="question", status_code=422)


def _action(request: Request, session: Any, consultation_id: int, run: Any, done: str) -> Response:
    try:
        run(session, actor=signed_in_actor(request), consultation_id=consultation_id)
    except InputError as exc:
        form: ParsedForm[Any] = ParsedForm(values={}, errors={"actions": exc.message})
        return _edit_page(request, session, consultation_id, form=form, form_name="actions", status_code=422)
    return RedirectResponse(f"/staff/consultations/{consultation_id}?done={done}", status_code=303)


@router.post(
    "/staff/consultations/{consultation_id}/questions/{question_id}/remove", dependencies=[requires(CONSULTATIONS_RUN)]
)
def staff_question_remove(
    request: Request, consultation_id: RecordId, question_id: RecordId, session: SessionDep
) -> Response:
    def run(session: Any, *, actor: Any, consultation_id: int) -> None:
        service.question_remove(session, actor=actor, consultation_id=consultation_id, question_id=question_id)

    return _action(request, session, consultation_id, run, "removed")


@router.post("/staff/consultations/{consultation_id}/publish", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_publish(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    return _action(request, session, consultation_id, service.publish, "published")


@router.post("/staff/consultations/{consultation_id}/close", dependencies=[requires(CONSULTATIONS_RUN)])
def staff_close(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    return _action(request, session, consultation_id, service.close, "closed")

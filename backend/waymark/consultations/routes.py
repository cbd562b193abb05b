"""Answering consultations (/consultations), the offline outbox's replay
(/api/outbox), and running them (/staff/consultations)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import JSONResponse, RedirectResponse, Response

from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.models import AGE_BANDS, QUESTION_KINDS
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    CONSULTATIONS_ANSWER,
    CONSULTATIONS_ASSIST,
    CONSULTATIONS_RUN,
    SIGNED_IN,
    requires,
    signed_in_actor,
)
from waymark.outbox import service as outbox
from waymark.outbox.models import SubmissionReceipt
from waymark.web.forms import ParsedForm, RawFormDep, date_field, parse_form
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()
CONTEXT = {
    "kind_labels": m.KIND_LABELS,
    "feelings": m.FEELINGS,
    "band_labels": m.BAND_LABELS,
    "status_labels": m.STATUS_LABELS,
    "age_bands": AGE_BANDS,
    "care_statuses": service.STATUSES,
    "question_kinds": QUESTION_KINDS,
    "status_of": service.status,
}


# ------------------------------------------------------------ young people
@router.get("/consultations", dependencies=[requires(CONSULTATIONS_ANSWER)])
def consultations(request: Request, session: SessionDep) -> Response:
    found = service.open_for(session, actor=signed_in_actor(request))
    return render(request, "consultations/list.html", {"consultations": found, **CONTEXT})


def _answer_page(
    request: Request,
    session: Any,
    consultation_id: int,
    *,
    values: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
    key: str | None = None,
    status_code: int = 200,
) -> Response:
    actor = signed_in_actor(request)
    consultation = service.for_young_person(session, actor=actor, consultation_id=consultation_id)
    mode = (
        "easy" if request.query_params.get("mode") == "easy" or (values or {}).get("mode") == ["easy"] else "standard"
    )
    return render(
        request,
        "consultations/answer.html",
        {
            "consultation": consultation,
            "questions": service.questions_of(session, consultation_id),
            "answered": service.already_answered(
                session, consultation_id=consultation_id, young_person_id=actor.user_id
            ),
            "state": service.status(consultation),
            "mode": mode,
            "values": values or {},
            "form": ParsedForm(values={}, errors=errors or {}),
            "key": key or outbox.new_key(),
            **CONTEXT,
        },
        status_code=status_code,
    )


@router.get("/consultations/{consultation_id}", dependencies=[requires(CONSULTATIONS_ANSWER)])
def consultation(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    """All the questions in one form (so it works offline once opened); app.js shows
    them one at a time, with progress, and keeps a draft on the phone."""
    return _answer_page(request, session, consultation_id)


def receipt_action(consultation_id: int, young_person_id: int | None) -> str:
    """What a form receipt records. An anonymous answer's receipt names no one: the
    random form key, which only the sender's phone holds, is what opens its thanks page."""
    return f"consultation:{consultation_id}:" + ("anonymous" if young_person_id is None else str(young_person_id))


def submit_answers(
    request: Request, session: Any, consultation_id: int, fields: dict[str, list[str]]
) -> tuple[str, bool]:
    """The one path for a response, from the form or from the outbox. Raises
    InputError, outbox.BadKey or outbox.KeyReused."""
    key = (fields.get("idempotency_key") or [""])[0]
    actor = signed_in_actor(request)
    secret = request.app.state.secret_bytes
    anonymous = (fields.get("anonymous") or [""])[0] == "yes"

    def run() -> object:
        return service.response_submit(
            session,
            actor=actor,
            consultation_id=consultation_id,
            raw=fields,
            anonymous=anonymous,
            mode=(fields.get("mode") or ["standard"])[0],
            quotes_allowed=(fields.get("quotes") or [""])[0] == "yes",
            key=key,
            secret=secret,
        )

    return outbox.submit_once(
        session,
        key=key,
        action=receipt_action(consultation_id, None if anonymous else actor.user_id),
        fields=fields,
        result_url=f"/consultations/{consultation_id}/thanks?key={key}",
        run=run,
    )


async def _multi_form(request: Request) -> dict[str, list[str]]:
    form = await request.form(max_fields=400)
    found: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(name, []).append(value)
    return found


@router.post("/consultations/{consultation_id}", dependencies=[requires(CONSULTATIONS_ANSWER)])
async def consultation_submit(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    fields = await _multi_form(request)
    key = (fields.get("idempotency_key") or [""])[0]
    try:
        location, _replayed = submit_answers(request, session, consultation_id, fields)
    except InputError as exc:
        return _answer_page(
            request, session, consultation_id, values=fields, errors={exc.field: exc.message}, key=key, status_code=422
        )
    except outbox.KeyReused:
        return _answer_page(
            request, session, consultation_id, values=fields, errors={"form": m.KEY_REUSED}, status_code=422
        )
    except outbox.BadKey:
        raise HTTPException(400) from None
    return RedirectResponse(location, status_code=303)


@router.get("/consultations/{consultation_id}/thanks", dependencies=[requires(CONSULTATIONS_ANSWER)])
def thanks(request: Request, consultation_id: RecordId, session: SessionDep, key: str = "") -> Response:
    actor = signed_in_actor(request)
    receipt = session.get(SubmissionReceipt, key) if outbox.KEY_PATTERN.fullmatch(key) else None
    if receipt is None or receipt.action not in (
        receipt_action(consultation_id, actor.user_id),
        receipt_action(consultation_id, None),
    ):
        raise HTTPException(404)
    anonymous = service.anonymous_response_for_key(session, secret=request.app.state.secret_bytes, key=key)
    token = service.resume_token(request.app.state.secret_bytes, key) if anonymous is not None else None
    consultation = service.for_young_person(session, actor=actor, consultation_id=consultation_id)
    response = anonymous or service.named_response(
        session, consultation_id=consultation_id, young_person_id=actor.user_id
    )
    raised = service.raised_alert(session, response=response)
    return render(
        request,
        "consultations/thanks.html",
        {"consultation": consultation, "token": token, "raised": raised, "named": anonymous is None},
    )


# ---------------------------------------------------------------- outbox API
OUTBOX_ROUTES = [(re.compile(r"^/consultations/(\d+)$"), submit_answers)]


class OutboxItem(BaseModel):
    url: str = Field(max_length=200)
    fields: dict[str, list[str]] = Field(default_factory=dict)


@router.post("/api/outbox", dependencies=[requires(SIGNED_IN)])
async def outbox_replay(request: Request, session: SessionDep) -> Response:
    """The service worker replays a form it kept while offline, as JSON:
    ``{"url": "/consultations/3", "fields": {"q1": ["..."], ...}}`` with the form's
    key in ``Idempotency-Key``. 200 with where to go next (also for a replay already
    taken), 422 for a key reused with other answers or answers that break a rule."""
    try:
        item = OutboxItem.model_validate(await request.json())
    except ValueError:
        return JSONResponse({"error": "bad_request"}, status_code=400)
    key = request.headers.get("idempotency-key", "")
    fields = {**item.fields, "idempotency_key": [key]}
    for pattern, handler in OUTBOX_ROUTES:
        match = pattern.fullmatch(item.url)
        if match is None:
            continue
        try:
            location, replayed = handler(request, session, int(match.group(1)), fields)
        except service.NotFound:
            return JSONResponse({"error": "not_found"}, status_code=404)
        except InputError as exc:
            return JSONResponse({"error": "invalid", "field": exc.field, "message": exc.message}, status_code=422)
        except outbox.KeyReused:
            return JSONResponse({"error": "key_reused", "message": m.KEY_REUSED}, status_code=422)
        except outbox.BadKey:
            return JSONResponse({"error": "bad_key"}, status_code=400)
        return JSONResponse({"status": "replayed" if replayed else "sent", "location": location})
    return JSONResponse({"error": "unknown_form"}, status_code=404)


# ------------------------------------------------------------- the officer
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
    fields = await _multi_form(request)
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


# --------------------------------------------------------- assisted answers
ASSISTED = "/staff/young-people/{young_person_id}/consultations/{consultation_id}"


def _assisted_page(
    request: Request,
    session: Any,
    young_person_id: int,
    consultation_id: int,
    *,
    values: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
    key: str | None = None,
    status_code: int = 200,
) -> Response:
    person, consultation = service.for_assisting(
        session,
        actor=signed_in_actor(request),
        young_person_id=young_person_id,
        consultation_id=consultation_id,
        audit=True,
    )
    return render(
        request,
        "consultations/answer.html",
        {
            "consultation": consultation,
            "questions": service.questions_of(session, consultation_id),
            "answered": service.already_answered(
                session, consultation_id=consultation_id, young_person_id=young_person_id
            ),
            "state": service.status(consultation),
            "mode": "standard",
            "values": values or {},
            "form": ParsedForm(values={}, errors=errors or {}),
            "key": key or outbox.new_key(),
            "assisted_for": person,
            "form_action": ASSISTED.format(young_person_id=young_person_id, consultation_id=consultation_id),
            **CONTEXT,
        },
        status_code=status_code,
    )


@router.get(ASSISTED, dependencies=[requires(CONSULTATIONS_ASSIST)])
def assisted(request: Request, young_person_id: RecordId, consultation_id: RecordId, session: SessionDep) -> Response:
    """A worker, carer's advocate or adviser records a young person's answers with
    them (marked as assisted; always named to the council)."""
    return _assisted_page(request, session, young_person_id, consultation_id)


@router.post(ASSISTED, dependencies=[requires(CONSULTATIONS_ASSIST)])
async def assisted_submit(
    request: Request, young_person_id: RecordId, consultation_id: RecordId, session: SessionDep
) -> Response:
    fields = await _multi_form(request)
    key = (fields.get("idempotency_key") or [""])[0]
    actor = signed_in_actor(request)

    def run() -> object:
        return service.response_submit(
            session,
            actor=actor,
            consultation_id=consultation_id,
            raw=fields,
            anonymous=False,
            mode="assisted",
            quotes_allowed=(fields.get("quotes") or [""])[0] == "yes",
            key=key,
            secret=request.app.state.secret_bytes,
            young_person_id=young_person_id,
        )

    try:
        outbox.submit_once(
            session,
            key=key,
            action=f"consultation:{consultation_id}:assisted:{young_person_id}",
            fields=fields,
            result_url=f"/staff/young-people/{young_person_id}?saved=assisted",
            run=run,
        )
    except InputError as exc:
        return _assisted_page(
            request,
            session,
            young_person_id,
            consultation_id,
            values=fields,
            errors={exc.field: exc.message},
            key=key,
            status_code=422,
        )
    except outbox.KeyReused:
        return _assisted_page(
            request,
            session,
            young_person_id,
            consultation_id,
            values=fields,
            errors={"form": m.KEY_REUSED},
            status_code=422,
        )
    except outbox.BadKey:
        raise HTTPException(400) from None
    return RedirectResponse(f"/staff/young-people/{young_person_id}?saved=assisted#consultations", status_code=303)

"""Contact with my worker (/contacts) for the young person, and the worker's side:
recording a contact in two taps, confirming what the young person logged, answering
"I couldn't reach my worker"."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import RedirectResponse, Response

from waymark import clock, workdays
from waymark.audit.service import audit_list_view, audit_record
from waymark.casework.pages import record_page
from waymark.contacts import messages as m
from waymark.contacts import service
from waymark.contacts.models import KINDS, NOTE_MAX, REACH_METHODS
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.permissions import (
    ASSIGNMENTS_MANAGE,
    CONTACT_RECORD,
    CONTACTS_DASHBOARD,
    CONTACTS_OWN,
    HANDOVER_VIEW,
    REACH_ANSWER,
    requires,
    signed_in_actor,
)
from waymark.web.forms import ParsedForm, RawFormDep, date_field, parse_form
from waymark.web.params import MAX_ID, RecordId
from waymark.web.templating import render

router = APIRouter()
CONTEXT = {"kind_labels": m.KIND_LABELS, "method_labels": m.METHOD_LABELS, "state_labels": m.STATE_LABELS}


def _day(value: Any) -> Any:
    return date_field(value, m.WHEN_INVALID, empty=clock.today())


def moment(day: date) -> datetime:
    """Today means now; an earlier day means midday (UK time) on that day."""
    if day == workdays.to_uk_date(clock.now()):
        return clock.now()
    return datetime.combine(day, time(12, 0), tzinfo=workdays.UK)


class ContactForm(BaseModel):
    kind: str = Field(default="", max_length=20)
    happened_on: date = Field(default_factory=clock.today)
    note: str = Field(default="", max_length=NOTE_MAX)

    check_happened_on = field_validator("happened_on", mode="before")(_day)


class ReachForm(BaseModel):
    method: str = Field(default="", max_length=20)
    tried_on: date = Field(default_factory=clock.today)
    note: str = Field(default="", max_length=NOTE_MAX)

    check_tried_on = field_validator("tried_on", mode="before")(_day)


class AnswerForm(BaseModel):
    answer: str = Field(default="", max_length=NOTE_MAX)
    answer_note: str = Field(default="", max_length=NOTE_MAX)


FORM_MESSAGES = {
    "kind": {"default": m.KIND_INVALID},
    "method": {"default": m.METHOD_INVALID},
    "happened_on": {"default": m.WHEN_INVALID},
    "tried_on": {"default": m.WHEN_INVALID},
    "note": {"default": m.NOTE_TOO_LONG},
    "answer": {"default": m.NOTE_TOO_LONG},
    "answer_note": {"default": m.NOTE_TOO_LONG},
}


# ---------------------------------------------------------- the young person
def _my_page(
    request: Request, session: Any, *, form: ParsedForm[Any] | None = None, form_name: str = "", status_code: int = 200
) -> Response:
    view = service.my_contacts(session, actor=signed_in_actor(request))
    return render(
        request,
        "contacts/mine.html",
        {
            "view": view,
            "form": form,
            "form_name": form_name,
            "sent": request.query_params.get("sent"),
            "kinds": KINDS,
            "methods": REACH_METHODS,
            "today": clock.today(),
            **CONTEXT,
        },
        status_code=status_code,
    )


@router.get("/contacts", dependencies=[requires(CONTACTS_OWN)])
def my_contacts(request: Request, session: SessionDep) -> Response:
    return _my_page(request, session)


@router.post("/contacts/log", dependencies=[requires(CONTACTS_OWN)])
def log_contact(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(ContactForm, raw, messages=FORM_MESSAGES)
    if form.ok and form.data is not None:
        try:
            service.log_own_contact(
                session,
                actor=signed_in_actor(request),
                kind=form.data.kind,
                happened_at=moment(form.data.happened_on),
                note=form.data.note,
            )
            return RedirectResponse("/contacts?sent=logged#log", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _my_page(request, session, form=form, form_name="log", status_code=422)


@router.post("/contacts/reach", dependencies=[requires(CONTACTS_OWN)])
def couldnt_reach(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(ReachForm, raw, messages=FORM_MESSAGES)
    status = 422
    if form.ok and form.data is not None:
        try:
            service.reach_request(
                session,
                actor=signed_in_actor(request),
                method=form.data.method,
                tried_at=moment(form.data.tried_on),
                note=form.data.note,
            )
            return RedirectResponse("/contacts?sent=reach#reach", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
            status = 429 if exc.message == m.REACH_TOO_SOON else 422
    return _my_page(request, session, form=form, form_name="reach", status_code=status)


def _answer(request: Request, session: Any, contact_id: int, raw: dict[str, Any]) -> service.Contact | None:
    """Shared by both sides: ``answer`` is yes or no; anything else is a tampered form."""
    choice = raw.get("answer")
    if choice not in ("yes", "no"):
        raise HTTPException(400)
    note = str(raw.get("answer_note", ""))
    try:
        return service.answer_contact(
            session, actor=signed_in_actor(request), contact_id=contact_id, confirm=choice == "yes", note=note
        )
    except InputError:
        return None


@router.post("/contacts/{contact_id}/answer", dependencies=[requires(CONTACTS_OWN)])
def answer_contact(
    request: Request, contact_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    _answer(request, session, contact_id, raw)
    return RedirectResponse(f"/contacts#contact-{contact_id}", status_code=303)


# ------------------------------------------------------------------ the worker
BASE = "/staff/young-people/{young_person_id}"


def _record_form_page(
    request: Request, session: Any, young_person_id: int, form: ParsedForm[Any] | None, status_code: int = 200
) -> Response:
    person = identity_service.young_person_for_worker(
        session, actor=signed_in_actor(request), young_person_id=young_person_id, audit=True
    )
    return render(
        request,
        "contacts/record.html",
        {"young_person": person, "form": form, "kinds": KINDS, "today": clock.today(), **CONTEXT},
        status_code=status_code,
    )


@router.get(BASE + "/contacts/new", dependencies=[requires(CONTACT_RECORD)])
def record_form(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    """Two taps from the caseload: "Log contact", then how you were in touch."""
    return _record_form_page(request, session, young_person_id, None)


@router.post(BASE + "/contacts", dependencies=[requires(CONTACT_RECORD)])
def record(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(ContactForm, raw, messages=FORM_MESSAGES)
    if form.ok and form.data is not None:
        try:
            service.record_contact(
                session,
                actor=signed_in_actor(request),
                young_person_id=young_person_id,
                kind=form.data.kind,
                happened_at=moment(form.data.happened_on),
                note=form.data.note,
            )
            back = "/staff/caseload" if raw.get("back") == "caseload" else f"/staff/young-people/{young_person_id}"
            return RedirectResponse(f"{back}?saved=contact#yp-{young_person_id}", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _record_form_page(request, session, young_person_id, form, status_code=422)


@router.post("/staff/contacts/{contact_id}/answer", dependencies=[requires(CONTACT_RECORD)])
def staff_answer_contact(
    request: Request, contact_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    contact = _answer(request, session, contact_id, raw)
    target = f"/staff/young-people/{contact.young_person_id}#contacts" if contact else "/staff/caseload"
    return RedirectResponse(target, status_code=303)


@router.post("/staff/reach-requests/{request_id}/answer", dependencies=[requires(REACH_ANSWER)])
def answer_reach(
    request: Request, request_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    actor = signed_in_actor(request)
    form = parse_form(AnswerForm, raw, messages=FORM_MESSAGES)
    if form.ok and form.data is not None:
        try:
            found = service.answer_reach(session, actor=actor, request_id=request_id, answer=form.data.answer)
            return RedirectResponse(f"/staff/young-people/{found.young_person_id}#reach-{request_id}", status_code=303)
        except InputError as exc:
            form.add_error(f"answer-{request_id}", exc.message)
    else:
        form.errors = {f"answer-{request_id}": msg for msg in form.errors.values()}
    found = service.reach_request_for(session, actor=actor, request_id=request_id)
    return record_page(request, session, found.young_person_id, form=form, form_name="reach", status_code=422)


# -------------------------------------------------------------- about me
class AboutForm(BaseModel):
    matters: str = Field(default="", max_length=NOTE_MAX)
    helps: str = Field(default="", max_length=NOTE_MAX)
    does_not_help: str = Field(default="", max_length=NOTE_MAX)
    agree: str = ""


def _about_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    held = service.about_me(session, young_person_id=actor.user_id)
    if form is None:
        values = {name: getattr(held, name) for name in service.ABOUT_FIELDS} if held else {}
        values["agree"] = "yes" if held and held.agreed_at else ""
        form = ParsedForm(values=values)
    return render(
        request,
        "contacts/about_me.html",
        {"form": form, "held": held, "saved": request.query_params.get("saved")},
        status_code=status_code,
    )


@router.get("/contacts/about-me", dependencies=[requires(CONTACTS_OWN)])
def about_me(request: Request, session: SessionDep) -> Response:
    """A one-page "about me" for a new worker, in the young person's words."""
    return _about_page(request, session, None)


@router.post("/contacts/about-me", dependencies=[requires(CONTACTS_OWN)])
def about_me_save(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(AboutForm, raw, messages={name: {"default": m.NOTE_TOO_LONG} for name in service.ABOUT_FIELDS})
    if form.ok and form.data is not None:
        values = {name: getattr(form.data, name) for name in service.ABOUT_FIELDS}
        service.about_me_save(session, actor=signed_in_actor(request), values=values, agree=form.data.agree == "yes")
        return RedirectResponse("/contacts/about-me?saved=1", status_code=303)
    return _about_page(request, session, form, status_code=422)


# -------------------------------------------------------------- handovers
@router.get("/staff/assignments", dependencies=[requires(ASSIGNMENTS_MANAGE)])
def assignments(request: Request, session: SessionDep) -> Response:
    """The council's young people and their workers today, to change a worker."""
    actor = signed_in_actor(request)
    rows = service.council_workers(session, tenant_id=actor.tenant_id)
    audit_list_view(session, actor=actor, page="assignments", young_person_ids=[r.young_person.id for r in rows])
    return render(request, "contacts/assignments.html", {"rows": rows, "done": request.query_params.get("done")})


def _change_page(
    request: Request, session: Any, young_person_id: int, form: ParsedForm[Any] | None, status_code: int = 200
) -> Response:
    actor = signed_in_actor(request)
    person = service.change_worker_for(session, actor=actor, young_person_id=young_person_id, audit=True)
    workers = identity_service.current_workers(session, young_person_id=young_person_id)
    return render(
        request,
        "contacts/change_worker.html",
        {
            "person": person,
            "workers": workers,
            "choices": service.assignable_workers(session, tenant_id=actor.tenant_id),
            "form": form,
        },
        status_code=status_code,
    )


@router.get(BASE + "/worker", dependencies=[requires(ASSIGNMENTS_MANAGE)])
def change_worker_page(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    return _change_page(request, session, young_person_id, None)


class ChangeForm(BaseModel):
    worker: int = Field(default=0, ge=1, le=MAX_ID)


@router.post(BASE + "/worker", dependencies=[requires(ASSIGNMENTS_MANAGE)])
def change_worker(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    form = parse_form(ChangeForm, raw, messages={"worker": {"default": m.WORKER_INVALID}})
    if form.ok and form.data is not None:
        try:
            service.change_worker(
                session, actor=signed_in_actor(request), young_person_id=young_person_id, new_worker_id=form.data.worker
            )
            return RedirectResponse("/staff/assignments?done=1", status_code=303)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    return _change_page(request, session, young_person_id, form, status_code=422)


def _handover_page(request: Request, session: Any, handover_id: int, error: str | None = None) -> Response:
    handover = service.handover_for(session, actor=signed_in_actor(request), handover_id=handover_id)
    people = identity_service.display_names(
        session, user_ids={i for i in (handover.young_person_id, handover.from_worker_id, handover.to_worker_id) if i}
    )
    form = ParsedForm(values={}, errors={"acknowledge": error}) if error else None
    return render(
        request,
        "contacts/handover.html",
        {"handover": handover, "people": people, "form": form, **CONTEXT},
        status_code=403 if error else 200,
    )


@router.get("/staff/handovers/{handover_id}", dependencies=[requires(HANDOVER_VIEW)])
def handover(request: Request, handover_id: RecordId, session: SessionDep) -> Response:
    return _handover_page(request, session, handover_id)


@router.post("/staff/handovers/{handover_id}/acknowledge", dependencies=[requires(HANDOVER_VIEW)])
def acknowledge(request: Request, handover_id: RecordId, session: SessionDep) -> Response:
    try:
        service.acknowledge(session, actor=signed_in_actor(request), handover_id=handover_id)
    except service.HandoverError as exc:
        return _handover_page(request, session, handover_id, error=exc.message)
    return RedirectResponse(f"/staff/handovers/{handover_id}", status_code=303)


# ------------------------------------------------------ managers' dashboard
@router.get("/staff/contacts", dependencies=[requires(CONTACTS_DASHBOARD)])
def dashboard(request: Request, session: SessionDep, team: str = "") -> Response:
    """Contact timeliness and worker changes for the manager's council (audited: it
    lists young people by name)."""
    actor = signed_in_actor(request)
    view = service.dashboard(session, actor=actor, team=team[:80] or None)
    audit_record(session, actor=actor, action="contacts_dashboard.view", detail={"team": view.team})
    session.commit()
    return render(request, "contacts/dashboard.html", {"view": view, **CONTEXT})

"""Priority rounds: young people vote at /priorities (easy read with ?mode=easy), a
worker records votes with a young person, the participation officer runs rounds at
/staff/priorities, and staff who see insights read the results there."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from waymark import clock
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.permissions import (
    CONSULTATIONS_ANSWER,
    CONSULTATIONS_ASSIST,
    CONSULTATIONS_RUN,
    INSIGHTS_VIEW,
    requires,
    signed_in_actor,
)
from waymark.moderation import themes as theme_list
from waymark.priorities import messages as m
from waymark.priorities import service
from waymark.priorities.models import PriorityRound
from waymark.web.forms import ParsedForm, input_error_messages
from waymark.web.i18n import request_locale
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()
ROUND_FIELDS = ("title", "summary", "easy_summary", "votes", "opens_on", "closes_on")
ASSISTED = "/staff/young-people/{young_person_id}/priorities/{round_id}"


def _titles(request: Request) -> dict[str, str]:
    return theme_list.titles(request_locale(request))


async def _fields(request: Request) -> tuple[dict[str, str], list[str]]:
    form = await request.form(max_files=0, max_fields=100)
    values = {k: v for k, v in form.items() if isinstance(v, str) and len(k) <= 60}
    themes = [v for v in form.getlist("themes") if isinstance(v, str)][:20]
    return values, themes


# ------------------------------------------------------------ young people
@router.get("/priorities", dependencies=[requires(CONSULTATIONS_ANSWER)])
def rounds(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    found = service.rounds_for(session, actor=actor)
    voted = service.voted_in(session, young_person_id=actor.user_id, round_ids=[r.id or 0 for r in found])
    return render(
        request,
        "priorities/list.html",
        {"rounds": found, "voted": voted, "status_of": service.status},
    )


def _vote_page(
    request: Request,
    session: Any,
    round_: PriorityRound,
    *,
    form: ParsedForm[Any] | None = None,
    assisted_for: Any = None,
    status_code: int = 200,
) -> Response:
    actor = signed_in_actor(request)
    person_id = assisted_for.id if assisted_for is not None else actor.user_id
    state = service.status(round_)
    voted = service.has_voted(session, round_id=round_.id or 0, young_person_id=person_id)
    easy = request.query_params.get("mode") == "easy" or (form is not None and form.values.get("mode") == "easy")
    return render(
        request,
        "priorities/vote.html",
        {
            "round": round_,
            "state": state,
            "voted": voted,
            "mine": service.my_votes(session, actor=actor, round_id=round_.id or 0)
            if voted and not assisted_for
            else {},
            "results": service.tally_round(session, round_) if state == "closed" else None,
            "easy": easy and assisted_for is None,
            "form": form,
            "theme_titles": _titles(request),
            "assisted_for": assisted_for,
            "action": ASSISTED.format(young_person_id=person_id, round_id=round_.id)
            if assisted_for is not None
            else f"/priorities/{round_.id}",
            "thanks": request.query_params.get("voted"),
        },
        status_code=status_code,
    )


@router.get("/priorities/{round_id}", dependencies=[requires(CONSULTATIONS_ANSWER)])
def round_page(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    round_ = service.for_young_person(session, actor=signed_in_actor(request), round_id=round_id)
    return _vote_page(request, session, round_)


@router.post("/priorities/{round_id}", dependencies=[requires(CONSULTATIONS_ANSWER)])
async def vote(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    values, _themes = await _fields(request)
    try:
        round_ = service.for_young_person(session, actor=actor, round_id=round_id)
        service.vote(
            session,
            actor=actor,
            round_id=round_id,
            raw=values,
            anonymous=values.get("named") != "yes",
            mode=values.get("mode", "standard"),
        )
    except InputError as exc:
        return _vote_page(
            request,
            session,
            round_,
            form=ParsedForm(values=values, errors=input_error_messages(request, exc)),
            status_code=422,
        )
    return RedirectResponse(f"/priorities/{round_id}?voted=1", status_code=303)


# --------------------------------------------------------- assisted votes
def _assisted_person(request: Request, session: Any, young_person_id: int) -> Any:
    return identity_service.young_person_for_worker(
        session, actor=signed_in_actor(request), young_person_id=young_person_id
    )


def _assisted_round(request: Request, session: Any, round_id: int) -> PriorityRound:
    return service.for_assisting(session, actor=signed_in_actor(request), round_id=round_id)


@router.get(ASSISTED, dependencies=[requires(CONSULTATIONS_ASSIST)])
def assisted(request: Request, young_person_id: RecordId, round_id: RecordId, session: SessionDep) -> Response:
    """A worker records a young person's votes with them (always named, marked assisted)."""
    person = _assisted_person(request, session, young_person_id)
    return _vote_page(request, session, _assisted_round(request, session, round_id), assisted_for=person)


@router.post(ASSISTED, dependencies=[requires(CONSULTATIONS_ASSIST)])
async def assisted_vote(
    request: Request, young_person_id: RecordId, round_id: RecordId, session: SessionDep
) -> Response:
    person = _assisted_person(request, session, young_person_id)
    round_ = _assisted_round(request, session, round_id)
    values, _themes = await _fields(request)
    try:
        service.vote(
            session,
            actor=signed_in_actor(request),
            round_id=round_id,
            raw=values,
            anonymous=False,
            mode="assisted",
            young_person_id=young_person_id,
        )
    except InputError as exc:
        return _vote_page(
            request,
            session,
            round_,
            form=ParsedForm(values=values, errors=input_error_messages(request, exc)),
            assisted_for=person,
            status_code=422,
        )
    return RedirectResponse(
        f"/staff/young-people/{young_person_id}?saved=assisted-votes#consultations", status_code=303
    )


# ------------------------------------------------------------------- staff
@router.get("/staff/priorities", dependencies=[requires(INSIGHTS_VIEW)])
def staff_rounds(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    found = service.council_rounds(session, actor=actor)
    return render(
        request,
        "priorities/staff_list.html",
        {
            "rounds": found,
            "status_of": service.status,
            "can_run": actor.can(CONSULTATIONS_RUN),
            "state_labels": m.STATE_LABELS,
            "saved": request.query_params.get("saved"),
        },
    )


def _round_form(
    request: Request, round_: PriorityRound | None, form: ParsedForm[Any], chosen: list[str], status_code: int = 200
) -> Response:
    return render(
        request,
        "priorities/staff_form.html",
        {
            "round": round_,
            "form": form,
            "chosen": chosen,
            "theme_titles": _titles(request),
            "status_of": service.status,
            "state_labels": m.STATE_LABELS,
            "saved": request.query_params.get("saved"),
        },
        status_code=status_code,
    )


def _round_input(values: dict[str, str], themes: list[str]) -> service.RoundInput:
    return service.RoundInput(**{k: values.get(k, "") for k in ROUND_FIELDS}, themes=themes)


@router.get("/staff/priorities/new", dependencies=[requires(CONSULTATIONS_RUN)])
def round_new(request: Request) -> Response:
    today = clock.today()
    values = {"votes": "3", "opens_on": today.isoformat(), "closes_on": ""}
    return _round_form(request, None, ParsedForm(values=values), list(theme_list.keys()))


@router.post("/staff/priorities/new", dependencies=[requires(CONSULTATIONS_RUN)])
async def round_create(request: Request, session: SessionDep) -> Response:
    values, themes = await _fields(request)
    try:
        created = service.create(session, actor=signed_in_actor(request), data=_round_input(values, themes))
    except InputError as exc:
        return _round_form(request, None, ParsedForm(values=values, errors=exc.errors), themes, 422)
    return RedirectResponse(f"/staff/priorities/{created.id}/edit?saved=1", status_code=303)


def _officer_round(request: Request, session: Any, round_id: int) -> PriorityRound:
    return service.for_officer(session, actor=signed_in_actor(request), round_id=round_id)


@router.get("/staff/priorities/{round_id}/edit", dependencies=[requires(CONSULTATIONS_RUN)])
def round_edit(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    round_ = _officer_round(request, session, round_id)
    values = {k: str(getattr(round_, k)) for k in ROUND_FIELDS}
    return _round_form(request, round_, ParsedForm(values=values), round_.themes)


@router.post("/staff/priorities/{round_id}/edit", dependencies=[requires(CONSULTATIONS_RUN)])
async def round_update(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    round_ = _officer_round(request, session, round_id)
    values, themes = await _fields(request)
    try:
        service.update(session, actor=signed_in_actor(request), round_id=round_id, data=_round_input(values, themes))
    except InputError as exc:
        return _round_form(request, round_, ParsedForm(values=values, errors=exc.errors), themes, 422)
    return RedirectResponse(f"/staff/priorities/{round_id}/edit?saved=1", status_code=303)


async def _change_state(request: Request, session: Any, round_id: int, action: str) -> Response:
    round_ = _officer_round(request, session, round_id)
    change = service.open_round if action == "open" else service.close
    try:
        change(session, actor=signed_in_actor(request), round_id=round_id)
    except InputError as exc:
        values = {k: str(getattr(round_, k)) for k in ROUND_FIELDS}
        return _round_form(request, round_, ParsedForm(values=values, errors=exc.errors), round_.themes, 422)
    return RedirectResponse(f"/staff/priorities?saved={action}", status_code=303)


@router.post("/staff/priorities/{round_id}/open", dependencies=[requires(CONSULTATIONS_RUN)])
async def round_open(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    return await _change_state(request, session, round_id, "open")


@router.post("/staff/priorities/{round_id}/close", dependencies=[requires(CONSULTATIONS_RUN)])
async def round_close(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    """Close an open round early."""
    return await _change_state(request, session, round_id, "close")


@router.get("/staff/priorities/{round_id}", dependencies=[requires(INSIGHTS_VIEW)])
def round_results(request: Request, round_id: RecordId, session: SessionDep) -> Response:
    found = service.results(session, actor=signed_in_actor(request), round_id=round_id)
    if found.round.state == "draft":
        raise HTTPException(404)
    return render(
        request,
        "priorities/results.html",
        {
            "results": found,
            "theme_titles": _titles(request),
            "status_of": service.status,
            "state_labels": m.STATE_LABELS,
        },
    )

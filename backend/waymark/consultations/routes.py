"""The young person's side: answering consultations (/consultations) and the offline
outbox's replay (/api/outbox). Running them is in staff_routes.py, answering with a
young person in assisted_routes.py."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, RedirectResponse, Response

from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.pages import CONTEXT, multi_form
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    CONSULTATIONS_ANSWER,
    SIGNED_IN,
    requires,
    signed_in_actor,
)
from waymark.outbox import service as outbox
from waymark.outbox.models import SubmissionReceipt
from waymark.web.forms import ParsedForm
from waymark.web.jsonbody import read_json
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


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
                session,
                consultation_id=consultation_id,
                young_person_id=actor.user_id,
                secret=request.app.state.secret_bytes,
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
        result_url=f"/consultations/{consultation_id}/thanks",  # the key goes in a cookie, not the URL
        run=run,
    )


@router.post("/consultations/{consultation_id}", dependencies=[requires(CONSULTATIONS_ANSWER)])
async def consultation_submit(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    fields = await multi_form(request)
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
    return _thanks_cookie(RedirectResponse(location, status_code=303), request, consultation_id, key)


THANKS_COOKIE = "waymark_thanks"


def _thanks_cookie(response: Response, request: Request, consultation_id: int, key: str) -> Response:
    """The thanks page (with an anonymous answer's resume code) opens only on the
    device that sent the answer, for an hour: the form's key rides in a cookie for that
    page alone, never in the URL."""
    response.set_cookie(
        THANKS_COOKIE,
        key,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        path=f"/consultations/{consultation_id}/thanks",
    )
    return response


@router.get("/consultations/{consultation_id}/thanks", dependencies=[requires(CONSULTATIONS_ANSWER)])
def thanks(request: Request, consultation_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    key = request.cookies.get(THANKS_COOKIE, "")
    receipt = session.get(SubmissionReceipt, key) if outbox.KEY_PATTERN.fullmatch(key) else None
    if receipt is None or receipt.action not in (
        receipt_action(consultation_id, actor.user_id),
        receipt_action(consultation_id, None),
    ):
        raise HTTPException(404)
    anonymous = service.anonymous_response_for_key(session, secret=request.app.state.secret_bytes, key=key)
    if anonymous is not None and anonymous.consultation_id != consultation_id:
        raise HTTPException(404)
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
OUTBOX_ROUTES = [(re.compile(r"^/consultations/([1-9]\d{0,8})$"), submit_answers)]  # ids fit an int


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
        item = OutboxItem.model_validate(await read_json(request))
    except ValueError:  # BadJson, or pydantic's ValidationError
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
        sent = JSONResponse({"status": "replayed" if replayed else "sent", "location": location})
        return _thanks_cookie(sent, request, int(match.group(1)), key)
    return JSONResponse({"error": "unknown_form"}, status_code=404)

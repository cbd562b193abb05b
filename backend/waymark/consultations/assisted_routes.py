"""Answering a consultation with a young person: their worker records the answers from
the record page, marked as assisted."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.pages import CONTEXT, multi_form
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    CONSULTATIONS_ASSIST,
    requires,
    signed_in_actor,
)
from waymark.outbox import service as outbox
from waymark.web.forms import ParsedForm
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()
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
                session,
                consultation_id=consultation_id,
                young_person_id=young_person_id,
                secret=request.app.state.secret_bytes,
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
    fields = await multi_form(request)
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

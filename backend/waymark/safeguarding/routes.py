"""The duty list (/staff/safeguarding) for the designated safeguarding lead and
managers, and "I feel unsafe" (/unsafe) for young people."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from waymark.casework.pages import record_page
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.permissions import (
    COUNCIL_RECORDS_VIEW,
    SAFEGUARDING_DUTY,
    SAFEGUARDING_RAISE,
    UNSAFE_REPORT,
    requires,
    signed_in_actor,
)
from waymark.safeguarding import messages as m
from waymark.safeguarding import service
from waymark.web.forms import ParsedForm, RawFormDep, input_error_messages
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


@router.get("/staff/safeguarding", dependencies=[requires(SAFEGUARDING_DUTY)])
def duty_list(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    open_alerts, done = service.duty_list(session, actor=actor)
    joined = service.grouped(session, heads=open_alerts)
    ids = {a.young_person_id for a in open_alerts + done if a.young_person_id}
    ids |= {a.acknowledged_by_id for a in done if a.acknowledged_by_id}
    ids |= {a.raised_by_id for a in open_alerts if a.raised_by_id}
    names = identity_service.display_names(session, user_ids=ids)
    return render(
        request,
        "safeguarding/duty.html",
        {
            "open": open_alerts,
            "done": done,
            "joined": joined,
            "held_back": service.holding_back(session, heads=open_alerts, joined=joined),
            "names": names,
            "sources": m.SOURCE_LABELS,
            "levels": m.LEVEL_LABELS,
            "show_links": actor.can(COUNCIL_RECORDS_VIEW),  # the record page audits the read
        },
    )


@router.post("/staff/safeguarding/{alert_id}/acknowledge", dependencies=[requires(SAFEGUARDING_DUTY)])
def acknowledge(
    request: Request, alert_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    service.acknowledge(
        session,
        actor=signed_in_actor(request),
        alert_id=alert_id,
        note=str(raw.get("note", "")),
        not_a_risk=raw.get("not_a_risk") == "1",
    )
    return RedirectResponse(f"/staff/safeguarding#alert-{alert_id}", status_code=303)


@router.post("/staff/young-people/{young_person_id}/safeguarding", dependencies=[requires(SAFEGUARDING_RAISE)])
def raise_from_record(
    request: Request, young_person_id: RecordId, session: SessionDep, raw: dict[str, Any] = RawFormDep
) -> Response:
    worry = str(raw.get("worry", ""))
    try:
        service.raise_from_record(session, actor=signed_in_actor(request), young_person_id=young_person_id, note=worry)
    except InputError as exc:
        form: ParsedForm[Any] = ParsedForm(values={"worry": worry}, errors=input_error_messages(request, exc))
        return record_page(request, session, young_person_id, form=form, form_name="worry", status_code=422)
    return RedirectResponse(f"/staff/young-people/{young_person_id}?raised=1#worry", status_code=303)


@router.get("/unsafe", dependencies=[requires(UNSAFE_REPORT)])
def unsafe(request: Request) -> Response:
    return render(request, "safeguarding/unsafe.html", {"sent": request.query_params.get("sent")})


@router.post("/unsafe", dependencies=[requires(UNSAFE_REPORT)])
def unsafe_send(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    service.unsafe_button(session, actor=signed_in_actor(request), note=str(raw.get("note", "")))
    return RedirectResponse("/unsafe?sent=1", status_code=303)

"""A young person's own data: /me/data to read it, /me/data.json to download it,
/me/delete to delete their account, and /me/deleted to say it is done."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import RedirectResponse, Response

from waymark.consultations.messages import FEELINGS
from waymark.contacts import messages as contact_messages
from waymark.db import SessionDep
from waymark.entitlements import messages as entitlement_messages
from waymark.entitlements.service import catalogue
from waymark.identity import service as identity_service
from waymark.identity.permissions import MY_DATA, PUBLIC, current_actor, requires, signed_in_actor
from waymark.identity.sessions import clear_session_cookie
from waymark.moderation.themes import titles as theme_titles
from waymark.mydata import messages as m
from waymark.mydata import service
from waymark.notifications.service import KINDS
from waymark.pathway.headings import BY_KEY, FEEDBACK_KINDS, STATUS_LABELS
from waymark.updates import messages as update_messages
from waymark.web.forms import ParsedForm, RawFormDep, parse_form
from waymark.web.i18n import request_locale
from waymark.web.templating import render

router = APIRouter()


class DeleteForm(BaseModel):
    confirm: Literal["yes"]


FORM_MESSAGES = {"confirm": {"default": m.CONFIRM_REQUIRED}}


@router.get("/me/data", dependencies=[requires(MY_DATA)])
def my_data(request: Request, session: SessionDep) -> Response:
    data = service.my_data(session, actor=signed_in_actor(request))
    context = {
        "data": data,
        "headings": BY_KEY,
        "step_statuses": STATUS_LABELS,
        "feedback_kinds": FEEDBACK_KINDS,
        "care_statuses": entitlement_messages.STATUS_LABELS,
        "fact_labels": entitlement_messages.MY_FACT_LABELS,
        "mark_labels": entitlement_messages.MARK_LABELS,
        "entitlement_titles": {slug: e.title for slug, e in catalogue().items()},
        "contact_kinds": contact_messages.KIND_LABELS,
        "reach_methods": contact_messages.METHOD_LABELS,
        "contact_states": contact_messages.STATE_LABELS,
        "notification_kinds": KINDS,
        "reaction_labels": update_messages.REACTION_LABELS,
        "moderation_labels": update_messages.MODERATION_LABELS,
        "feelings": FEELINGS,
        "plan_changes": m.PLAN_CHANGES,
        "step_owners": m.STEP_OWNERS,
        "logged_by": m.LOGGED_BY,
        "modes": m.MODE_LABELS,
        "answer_states": m.ANSWER_STATES,
        "view_labels": m.VIEW_LABELS,
        "theme_titles": theme_titles(request_locale(request)),
    }
    return render(request, "mydata/data.html", context)


@router.get("/me/data.json", dependencies=[requires(MY_DATA)])
def my_data_download(request: Request, session: SessionDep) -> Response:
    data = service.my_data(session, actor=signed_in_actor(request), download=True)
    return Response(
        json.dumps(data, default=service.json_value, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="waymark-my-data.json"'},
    )


def _delete_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    context = {
        "form": form,
        "tenant": identity_service.tenant_get(session, tenant_id=actor.tenant_id),
        "workers": identity_service.current_workers(session, young_person_id=actor.user_id),
    }
    return render(request, "mydata/delete.html", context, status_code=status_code)


@router.get("/me/delete", dependencies=[requires(MY_DATA)])
def delete_page(request: Request, session: SessionDep) -> Response:
    return _delete_page(request, session, None)


@router.post("/me/delete", dependencies=[requires(MY_DATA)])
def delete_account(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(DeleteForm, raw, messages=FORM_MESSAGES)
    if not form.ok:
        return _delete_page(request, session, form, status_code=422)
    service.delete_account(session, actor=signed_in_actor(request))
    response = RedirectResponse("/me/deleted", status_code=303)
    clear_session_cookie(response, settings=request.app.state.settings)
    return response


@router.get("/me/deleted", dependencies=[requires(PUBLIC)])
def deleted(request: Request) -> Response:
    # Signed out now: the page tells the service worker to drop this phone's saved pages.
    return render(request, "mydata/deleted.html", {"signed_out": current_actor(request) is None})

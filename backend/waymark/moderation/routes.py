"""The moderation queue (/staff/moderation), the moderation log for managers, and the
published moderation policy (/moderation-policy)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from waymark import clock
from waymark.db import SessionDep
from waymark.entitlements.service import content_page
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.permissions import MODERATION, MODERATION_LOG_VIEW, PUBLIC, requires, signed_in_actor
from waymark.identity.service import tenant_get
from waymark.moderation import messages as m
from waymark.moderation import personal, service, themes
from waymark.updates.messages import REACTION_LABELS
from waymark.web.forms import ParsedForm
from waymark.web.i18n import request_locale
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


def _queue_page(
    request: Request,
    session: Any,
    *,
    failed: str | None = None,
    form: ParsedForm[Any] | None = None,
    status_code: int = 200,
) -> Response:
    items, total = service.queue(session, actor=signed_in_actor(request))
    known = service.council_names(session, actor=signed_in_actor(request))
    return render(
        request,
        "moderation/queue.html",
        {
            "items": items,
            "total": total,
            "pieces": lambda text: personal.pieces(text, known),
            "redact": lambda text: personal.redact(text, known=known),
            "kind_labels": m.KIND_LABELS,
            "reaction_labels": REACTION_LABELS,
            "theme_titles": themes.titles(request_locale(request)),
            "failed": failed,
            "form": form,
            "done": request.query_params.get("done"),
            "now": clock.now(),
            "unread_hours": tenant_get(session, tenant_id=signed_in_actor(request).tenant_id).moderation_unread_hours,
        },
        status_code=status_code,
    )


@router.get("/staff/moderation", dependencies=[requires(MODERATION)])
def queue(request: Request, session: SessionDep) -> Response:
    return _queue_page(request, session)


async def _decide(request: Request, session: Any, kind: str, item_id: int) -> Response:
    form_data = await request.form(max_files=0, max_fields=50)
    decision = form_data.get("decision")
    if decision not in ("approve", "reject", "safeguard"):
        raise HTTPException(400)
    if decision == "safeguard":
        try:
            service.escalate(session, actor=signed_in_actor(request), kind=kind, item_id=item_id)
        except InputError:  # someone decided it first: it is no longer in the queue to mark
            return RedirectResponse("/staff/moderation?done=already", status_code=303)
        return RedirectResponse("/staff/moderation?done=safeguard", status_code=303)
    fields = {
        "published_text": str(form_data.get("published_text", "")),
        "reason": str(form_data.get("reason", "")),
    }
    chosen = [str(v) for v in form_data.getlist("themes")][:20]
    decide = service.decide if kind == service.ANSWER else service.decide_comment
    id_name = "answer_id" if kind == service.ANSWER else "comment_id"
    try:
        decide(
            session,
            actor=signed_in_actor(request),
            approve=decision == "approve",
            published_text=fields["published_text"],
            themes=chosen,
            reason=fields["reason"],
            **{id_name: item_id},
        )
    except InputError as exc:
        key = f"{kind[0]}{item_id}"
        form: ParsedForm[Any] = ParsedForm(
            values={**fields, "themes": ",".join(chosen)}, errors={f"{key}-{exc.field}": exc.message}
        )
        return _queue_page(request, session, failed=key, form=form, status_code=422)
    return RedirectResponse(f"/staff/moderation?done={decision}", status_code=303)


@router.post("/staff/moderation/{answer_id}", dependencies=[requires(MODERATION)])
async def decide(request: Request, answer_id: RecordId, session: SessionDep) -> Response:
    return await _decide(request, session, service.ANSWER, answer_id)


@router.post("/staff/moderation/comments/{comment_id}", dependencies=[requires(MODERATION)])
async def decide_comment(request: Request, comment_id: RecordId, session: SessionDep) -> Response:
    return await _decide(request, session, service.COMMENT, comment_id)


@router.get("/staff/moderation/log", dependencies=[requires(MODERATION_LOG_VIEW)])
def moderation_log(request: Request, session: SessionDep) -> Response:
    events = service.log(session, actor=signed_in_actor(request))
    names = identity_service.display_names(session, user_ids={e.actor_id for e in events if e.actor_id})
    return render(
        request,
        "moderation/log.html",
        {"events": events, "names": names, "theme_titles": themes.titles(request_locale(request))},
    )


@router.get("/moderation-policy", dependencies=[requires(PUBLIC)])
def policy(request: Request) -> Response:
    return render(request, "moderation/policy.html", {"page": content_page("moderation-policy")})

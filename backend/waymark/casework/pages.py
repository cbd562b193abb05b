"""Pages that bring several features together for the people who work with a young
person: their record page (plan, contacts, facts, consultations and priority rounds)
and an adviser's caseload. Built from each feature's service; features' routes call
``record_page`` to put a failed form back on the record page (so no feature's routes
import another's)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from waymark.audit.service import audit_list_view
from waymark.consultations import service as consultations
from waymark.contacts import messages as contact_messages
from waymark.contacts import service as contacts
from waymark.entitlements import messages as entitlement_messages
from waymark.entitlements import service as entitlements
from waymark.glossary import service as glossary
from waymark.identity import service as identity_service
from waymark.identity.permissions import signed_in_actor
from waymark.pathway import service as pathway
from waymark.pathway.headings import PLAN_CONTEXT
from waymark.priorities import service as priorities
from waymark.web.forms import ParsedForm
from waymark.web.templating import render


def record_page(
    request: Request,
    session: Any,
    young_person_id: int,
    *,
    editing: int | None = None,
    form: ParsedForm[Any] | None = None,
    form_name: str | None = None,
    status_code: int = 200,
) -> Response:
    """The young person's record page; ``editing`` opens one step's form, ``form`` and
    ``form_name`` put a failed form back with its errors and the input kept."""
    view = pathway.plan_view_for_staff(session, actor=signed_in_actor(request), young_person_id=young_person_id)
    tenant = view.tenant
    context = {
        "view": view,
        "young_person": view.young_person,
        "editing": editing,
        "form": form,
        "form_name": form_name,
        "invite_code": None,
        "invite_days": tenant.invite_days,
        "reading_age": glossary.reading_age,
        "target": tenant.reading_age_target,
        "today": view.today,
        "facts": entitlements.facts_record(session, young_person_id=young_person_id),
        "facts_reports": entitlements.open_facts_reports(session, young_person_id=young_person_id),
        **contacts.record_view(session, young_person_id=young_person_id),
        "consultations_open": (
            consultations.open_for_person(session, person=view.young_person) if view.can_edit else []
        ),
        "rounds_open": priorities.open_rounds(session, tenant_id=view.young_person.tenant_id) if view.can_edit else [],
        "kind_labels": contact_messages.KIND_LABELS,
        "method_labels": contact_messages.METHOD_LABELS,
        "state_labels": contact_messages.STATE_LABELS,
        "fact_names": entitlements.FACT_NAMES,
        "questions": entitlements.open_questions(session, young_person_ids=[young_person_id]).get(young_person_id, []),
        "entitlement_titles": {slug: e.title for slug, e in entitlements.catalogue().items()},
        "fact_labels": entitlement_messages.STAFF_FACT_LABELS,
        "saved": request.query_params.get("saved"),
        **PLAN_CONTEXT,
    }
    return render(request, "casework/record.html", context, status_code=status_code)


def caseload_page(request: Request, session: Any) -> Response:
    """An adviser's caseload: each young person with their contact status, open
    questions about entitlements, and handovers waiting to be read."""
    actor = signed_in_actor(request)
    entries = identity_service.caseload_for(session, actor=actor)
    questions = entitlements.open_questions(
        session, young_person_ids=[e.young_person.id for e in entries if e.young_person.id is not None]
    )
    handovers = contacts.open_handovers(session, worker_id=actor.user_id)
    audit_list_view(session, actor=actor, page="caseload", young_person_ids=[e.young_person.id for e in entries])
    summary = contacts.caseload_summary(
        session,
        tenant=identity_service.tenant_get(session, tenant_id=actor.tenant_id),
        people=[(e.young_person, e.assignment.starts_on) for e in entries],
    )
    return render(
        request,
        "casework/caseload.html",
        {
            "entries": entries,
            "questions": questions,
            "contact_summary": summary,
            "handovers": handovers,
            "handover_names": {e.young_person.id: e.young_person.full_name for e in entries},
            "saved": request.query_params.get("saved"),
        },
    )

"""Contact with my worker, as the rest of Waymark uses it: the young person's page,
the caseload's summary and the record page's part, and the public functions of
log.py (the contact log), reach.py ("I couldn't reach my worker"), handovers.py
(changing worker) and dashboard.py (the managers' view). Importing it registers the
feature's jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from waymark import clock, workdays
from waymark.contacts.dashboard import DISPUTED_DAYS, OVERDUE_SHOWN, Dashboard, OverdueRow, Timeliness, dashboard
from waymark.contacts.handovers import (
    ABOUT_FIELDS,
    FIRST_CONTACT_CHECK,
    CouncilRow,
    HandoverError,
    about_me,
    about_me_save,
    acknowledge,
    assignable_workers,
    change_worker,
    change_worker_for,
    council_workers,
    handover_for,
    open_handovers,
)
from waymark.contacts.log import (
    WorkerSpell,
    answer_contact,
    contact_interval_ends,
    contacts_for,
    last_contact,
    log_own_contact,
    managers_for,
    next_contact_due,
    record_contact,
    refresh_status,
    worker_history,
)
from waymark.contacts.models import (
    AWAITING,
    BY_YOUNG_PERSON,
    DISPUTED,
    Contact,
    ReachRequest,
)
from waymark.contacts.reach import (
    ESCALATE,
    REACH_AGAIN_AFTER,
    answer_reach,
    escalate,
    reach_request,
    reach_request_for,
    reach_requests_for,
)
from waymark.errors import NotFound
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import (
    Forbidden,
)


# ------------------------------------------------------ the young person's page
@dataclass
class MyContacts:
    workers: list[User]
    tenant: Tenant
    covering: list[User]
    history: list[WorkerSpell]
    contacts: list[Contact]
    last: Contact | None
    next_due: date | None
    requests: list[ReachRequest]
    names: dict[int, str]

    @property
    def changes(self) -> int:
        return max(len(self.history) - 1, 0)


def _young_person(session: Session, young_person_id: int) -> User:
    person = session.get(User, young_person_id)
    if person is None:
        raise NotFound()
    return person


def my_contacts(session: Session, *, actor: Actor) -> MyContacts:
    if not actor.is_young_person:
        raise Forbidden()
    person = _young_person(session, actor.user_id)
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    workers = identity_service.current_workers(session, young_person_id=actor.user_id)
    covering = managers_for(session, worker=workers[0]) if workers else []
    history = worker_history(session, young_person_id=actor.user_id)
    contacts = contacts_for(session, young_person_id=actor.user_id)
    last = last_contact(session, young_person_id=actor.user_id)
    since = workdays.to_uk_date(last.happened_at) if last else (history[-1].starts_on if history else None)
    next_due = contact_interval_ends(tenant, person, since) if since and workers else None
    names = {w.worker.id: w.worker.full_name for w in history if w.worker.id is not None}
    return MyContacts(
        workers=workers,
        tenant=tenant,
        covering=covering,
        history=history,
        contacts=contacts,
        last=last,
        next_due=next_due,
        requests=reach_requests_for(session, young_person_id=actor.user_id),
        names=names,
    )


# ------------------------------------------------------------ the caseload
@dataclass(frozen=True)
class ContactSummary:
    last: date | None
    due: date | None
    open_requests: int
    to_confirm: int
    disputed: int

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < clock.today()


def caseload_summary(session: Session, *, tenant: Tenant, people: list[tuple[User, date]]) -> dict[int, ContactSummary]:
    """For each (young person, on caseload since): last contact, next due, and what
    needs the worker (open "couldn't reach", contacts to confirm, disputed). Four
    queries, whatever the caseload size."""
    from sqlalchemy import func

    ids = [p.id for p, _ in people if p.id is not None]
    if not ids:
        return {}
    last = dict(
        session.exec(
            select(Contact.young_person_id, func.max(Contact.happened_at))
            .where(col(Contact.young_person_id).in_(ids), Contact.state != DISPUTED)
            .group_by(col(Contact.young_person_id))
        ).all()
    )
    open_requests = dict(
        session.exec(
            select(ReachRequest.young_person_id, func.count())
            .where(col(ReachRequest.young_person_id).in_(ids), col(ReachRequest.answered_at).is_(None))
            .group_by(col(ReachRequest.young_person_id))
        ).all()
    )
    to_confirm = dict(
        session.exec(
            select(Contact.young_person_id, func.count())
            .where(
                col(Contact.young_person_id).in_(ids), Contact.logged_by == BY_YOUNG_PERSON, Contact.state == AWAITING
            )
            .group_by(col(Contact.young_person_id))
        ).all()
    )
    disputed = dict(
        session.exec(
            select(Contact.young_person_id, func.count())
            .where(col(Contact.young_person_id).in_(ids), Contact.state == DISPUTED)
            .group_by(col(Contact.young_person_id))
        ).all()
    )
    found = {}
    for person, since in people:
        assert person.id is not None
        seen = last.get(person.id)
        seen_day = workdays.to_uk_date(seen) if seen else None
        found[person.id] = ContactSummary(
            last=seen_day,
            due=contact_interval_ends(tenant, person, seen_day or since),
            open_requests=open_requests.get(person.id, 0),
            to_confirm=to_confirm.get(person.id, 0),
            disputed=disputed.get(person.id, 0),
        )
    return found


def record_view(session: Session, *, young_person_id: int) -> dict[str, object]:
    """What the record page shows about contacts (the caller has checked access)."""
    contacts = contacts_for(session, young_person_id=young_person_id, limit=20)
    requests = reach_requests_for(session, young_person_id=young_person_id, limit=10)
    names = identity_service.display_names(
        session, user_ids={c.worker_id for c in contacts} | {r.worker_id for r in requests}
    )
    return {"contacts": contacts, "reach_requests": requests, "worker_names": names}


__all__ = [
    "ABOUT_FIELDS",
    "DISPUTED_DAYS",
    "ESCALATE",
    "FIRST_CONTACT_CHECK",
    "OVERDUE_SHOWN",
    "REACH_AGAIN_AFTER",
    "ContactSummary",
    "CouncilRow",
    "Dashboard",
    "HandoverError",
    "MyContacts",
    "NotFound",
    "OverdueRow",
    "Timeliness",
    "WorkerSpell",
    "about_me",
    "about_me_save",
    "acknowledge",
    "answer_contact",
    "answer_reach",
    "assignable_workers",
    "caseload_summary",
    "change_worker",
    "change_worker_for",
    "contact_interval_ends",
    "contacts_for",
    "council_workers",
    "dashboard",
    "escalate",
    "handover_for",
    "last_contact",
    "log_own_contact",
    "managers_for",
    "my_contacts",
    "next_contact_due",
    "open_handovers",
    "reach_request",
    "reach_request_for",
    "reach_requests_for",
    "record_contact",
    "record_view",
    "refresh_status",
    "worker_history",
]

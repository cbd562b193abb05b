"""The contact log: who a young person's worker is and was, when the next contact is
due, and the contacts both sides write down and confirm. Ownership is checked here: a
young person only ever touches their own records, a worker only their current
caseload's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from waymark import clock, workdays
from waymark.audit.service import audit_record
from waymark.contacts import messages as m
from waymark.contacts.models import (
    AWAITING,
    BY_WORKER,
    BY_YOUNG_PERSON,
    CONFIRMED,
    DISPUTED,
    KINDS,
    NOTE_MAX,
    Contact,
    ContactStatus,
    Handover,
)
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Assignment, Tenant, User
from waymark.identity.permissions import (
    REACH_ESCALATION,
    Forbidden,
    roles_with,
)
from waymark.identity.service import NotFound
from waymark.notifications import service as notifications
from waymark.safeguarding import intake


# ------------------------------------------------------------------ workers
@dataclass(frozen=True)
class WorkerSpell:
    worker: User
    starts_on: date
    ends_on: date | None


def worker_history(session: Session, *, young_person_id: int) -> list[WorkerSpell]:
    """Every worker the young person has had, newest first."""
    rows = session.exec(
        select(Assignment, User)
        .join(User, col(User.id) == col(Assignment.worker_id))
        .where(Assignment.young_person_id == young_person_id)
        .order_by(col(Assignment.starts_on).desc(), col(Assignment.id).desc())
    ).all()
    return [WorkerSpell(worker=user, starts_on=a.starts_on, ends_on=a.ends_on) for a, user in rows]


def contact_interval_ends(tenant: Tenant, young_person: User, since: date) -> date:
    """The day by which the next contact is due after a contact on ``since``: the
    council's interval (default 8 weeks), or at most 2 months where the council
    provides the accommodation (FACTS.md 2.4)."""
    return next_contact_due(tenant, since, council_accommodation=young_person.council_accommodation)


def next_contact_due(tenant: Tenant, since: date, *, council_accommodation: bool) -> date:
    """``contact_interval_ends`` from the one fact it needs (the dashboard reads rows)."""
    if council_accommodation:
        return since + relativedelta(months=tenant.accommodated_contact_interval_months)
    return since + timedelta(weeks=tenant.contact_interval_weeks)


def managers_for(session: Session, *, worker: User) -> list[User]:
    """Who a worker's unanswered requests go to: the managers in the worker's team, or
    every manager in the council when the team has none."""
    managers = identity_service.staff_with_roles(
        session, tenant_id=worker.tenant_id, roles=roles_with(REACH_ESCALATION)
    )
    same_team = [u for u in managers if worker.team and u.team == worker.team]
    return same_team or managers


# -------------------------------------------------------------- contact log
def _check_when(session: Session, happened_at: datetime, young_person_id: int, worker_id: int) -> None:
    if happened_at > clock.now() + timedelta(minutes=5):
        raise InputError("happened_on", m.WHEN_FUTURE)
    started = session.exec(
        select(Assignment.starts_on)
        .where(Assignment.young_person_id == young_person_id, Assignment.worker_id == worker_id)
        .order_by(col(Assignment.starts_on))
    ).first()
    if started is None or workdays.to_uk_date(happened_at) < started:
        raise InputError("happened_on", m.WHEN_BEFORE_CASELOAD)


def _check_kind_and_note(kind: str, note: str) -> None:
    if kind not in KINDS:
        raise InputError("kind", m.KIND_INVALID)
    if len(note) > NOTE_MAX:
        raise InputError("note", m.NOTE_TOO_LONG)


def record_contact(
    session: Session, *, actor: Actor, young_person_id: int, kind: str, happened_at: datetime, note: str = ""
) -> Contact:
    """A worker records a contact with a young person on their caseload; the young
    person is asked to confirm it."""
    identity_service.young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
    _check_kind_and_note(kind, note)
    _check_when(session, happened_at, young_person_id, actor.user_id)
    contact = Contact(
        tenant_id=actor.tenant_id,
        young_person_id=young_person_id,
        worker_id=actor.user_id,
        kind=kind,
        happened_at=happened_at,
        logged_by=BY_WORKER,
        note=note.strip(),
    )
    session.add(contact)
    session.flush()
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=young_person_id,
        kind="contact_logged",
        link=f"/contacts#contact-{contact.id}",
        params={"name": actor.display_name},
    )
    audit_record(
        session,
        actor=actor,
        action="contact.record",
        subject_id=young_person_id,
        object_type="contact",
        object_id=contact.id,
    )
    _first_contact_made(session, young_person_id=young_person_id, worker_id=actor.user_id, at=happened_at)
    refresh_status(session, young_person_id=young_person_id, tenant_id=actor.tenant_id)
    session.commit()
    return contact


def _first_contact_made(session: Session, *, young_person_id: int, worker_id: int, at: datetime) -> None:
    for handover in session.exec(
        select(Handover).where(
            Handover.young_person_id == young_person_id,
            Handover.to_worker_id == worker_id,
            col(Handover.first_contact_at).is_(None),
        )
    ).all():
        handover.first_contact_at = at
        session.add(handover)


def log_own_contact(session: Session, *, actor: Actor, kind: str, happened_at: datetime, note: str = "") -> Contact:
    """A young person logs a contact from their side, for their worker to confirm."""
    if not actor.is_young_person:
        raise Forbidden()
    _check_kind_and_note(kind, note)
    signal = intake.take(
        session, field="contact.note", text=note, tenant_id=actor.tenant_id, young_person_id=actor.user_id
    )
    workers = identity_service.current_workers(session, young_person_id=actor.user_id)
    if not workers:
        raise intake.refused(session, signal, InputError("kind", m.NO_WORKER))
    worker = workers[0]
    assert worker.id is not None
    try:
        _check_when(session, happened_at, actor.user_id, worker.id)
    except InputError as refusal:
        raise intake.refused(session, signal, refusal) from None
    contact = Contact(
        tenant_id=actor.tenant_id,
        young_person_id=actor.user_id,
        worker_id=worker.id,
        kind=kind,
        happened_at=happened_at,
        logged_by=BY_YOUNG_PERSON,
        note=note.strip(),
    )
    session.add(contact)
    session.flush()
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=worker.id,
        kind="contact_logged_by_young_person",
        link=f"/staff/young-people/{actor.user_id}#contacts",
        params={"name": actor.display_name},
    )
    refresh_status(session, young_person_id=actor.user_id, tenant_id=actor.tenant_id)
    session.commit()
    return contact


def answer_contact(session: Session, *, actor: Actor, contact_id: int, confirm: bool, note: str = "") -> Contact:
    """The other side says "yes, we spoke" or "this didn't happen". A young person
    answers what their worker logged; a current worker what the young person logged.
    Anyone else's contact is not found."""
    contact = session.get(Contact, contact_id)
    if contact is None or contact.tenant_id != actor.tenant_id:
        raise NotFound()
    if actor.is_young_person:
        if contact.young_person_id != actor.user_id or contact.logged_by != BY_WORKER:
            raise NotFound()
    else:
        if contact.logged_by != BY_YOUNG_PERSON:
            raise NotFound()
        identity_service.young_person_for_worker(
            session, actor=actor, young_person_id=contact.young_person_id, audit=False
        )
        if not identity_service.is_current_worker(session, actor=actor, young_person_id=contact.young_person_id):
            raise Forbidden()
    if len(note) > NOTE_MAX:
        raise InputError("answer_note", m.NOTE_TOO_LONG)
    signal = (
        intake.take(
            session, field="contact.answer_note", text=note, tenant_id=actor.tenant_id, young_person_id=actor.user_id
        )
        if actor.is_young_person
        else None
    )
    if contact.state != AWAITING:
        if signal is not None:
            raise intake.refused(session, signal, InputError("answer", m.ALREADY_ANSWERED))
        raise InputError("answer", m.ALREADY_ANSWERED)
    contact.state = CONFIRMED if confirm else DISPUTED
    contact.answer_note, contact.answered_at = note.strip(), clock.now()
    session.add(contact)
    session.flush()
    refresh_status(session, young_person_id=contact.young_person_id, tenant_id=contact.tenant_id)
    if not confirm:
        tell = contact.worker_id if actor.is_young_person else contact.young_person_id
        link = (
            f"/staff/young-people/{contact.young_person_id}#contacts"
            if actor.is_young_person
            else f"/contacts#contact-{contact.id}"
        )
        notifications.notify(
            session,
            tenant_id=actor.tenant_id,
            user_id=tell,
            kind="contact_disputed",
            link=link,
            params={"name": actor.display_name},
        )
    if not actor.is_young_person:
        audit_record(
            session,
            actor=actor,
            action="contact.confirm" if confirm else "contact.dispute",
            subject_id=contact.young_person_id,
            object_type="contact",
            object_id=contact.id,
        )
    session.commit()
    return contact


def refresh_status(session: Session, *, young_person_id: int, tenant_id: int) -> ContactStatus:
    """Recompute the young person's latest contact that counts (one indexed query)."""
    session.flush()
    latest = last_contact(session, young_person_id=young_person_id)
    status = session.get(ContactStatus, young_person_id) or ContactStatus(
        young_person_id=young_person_id, tenant_id=tenant_id
    )
    status.last_contact_on = workdays.to_uk_date(latest.happened_at) if latest else None
    session.add(status)
    return status


def contacts_for(session: Session, *, young_person_id: int, limit: int = 50) -> list[Contact]:
    return list(
        session.exec(
            select(Contact)
            .where(Contact.young_person_id == young_person_id)
            .order_by(col(Contact.happened_at).desc(), col(Contact.id).desc())
            .limit(limit)
        ).all()
    )


def last_contact(session: Session, *, young_person_id: int) -> Contact | None:
    """The latest contact that counts (not one the other side said didn't happen)."""
    return session.exec(
        select(Contact)
        .where(Contact.young_person_id == young_person_id, Contact.state != DISPUTED)
        .order_by(col(Contact.happened_at).desc())
        .limit(1)
    ).first()

"""Contact with my worker: who my worker is and was, the contact log both sides confirm,
and "I couldn't reach my worker", which goes to a manager when it is not answered in
time. Ownership is checked here: a young person only ever touches their own records,
a worker only their current caseload's."""

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
    REACH_METHODS,
    AboutMe,
    Contact,
    ContactStatus,
    Handover,
    ReachRequest,
)
from waymark.entitlements.service import catalogue, open_facts_reports, open_questions
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Assignment, Tenant, User, UserRole
from waymark.identity.permissions import (
    ASSIGNMENTS_MANAGE,
    CASELOAD_VIEW,
    CONTACTS_DASHBOARD,
    HANDOVER_VIEW_ANY,
    REACH_ESCALATION,
    Forbidden,
    roles_with,
)
from waymark.identity.service import NotFound
from waymark.jobs import service as jobs
from waymark.notifications import service as notifications
from waymark.pathway.models import PlanStep, ReviewRequest, StepFeedback
from waymark.pathway.service import plan_for

REACH_AGAIN_AFTER = timedelta(minutes=10)  # a second "couldn't reach" sooner is refused


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
    if young_person.council_accommodation:
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
def _young_person(session: Session, young_person_id: int) -> User:
    person = session.get(User, young_person_id)
    if person is None:
        raise NotFound()
    return person


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
    workers = identity_service.current_workers(session, young_person_id=actor.user_id)
    if not workers:
        raise InputError("kind", m.NO_WORKER)
    worker = workers[0]
    assert worker.id is not None
    _check_kind_and_note(kind, note)
    _check_when(session, happened_at, actor.user_id, worker.id)
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
    if contact.state != AWAITING:
        raise InputError("answer", m.ALREADY_ANSWERED)
    if len(note) > NOTE_MAX:
        raise InputError("answer_note", m.NOTE_TOO_LONG)
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


# ------------------------------------------------------- couldn't reach
def reach_request(session: Session, *, actor: Actor, method: str, tried_at: datetime, note: str = "") -> ReachRequest:
    """ "I couldn't reach my worker": the worker is told at once; unanswered by the end
    of the council's working days, it goes to a manager (a queued job)."""
    if not actor.is_young_person:
        raise Forbidden()
    if method not in REACH_METHODS:
        raise InputError("method", m.METHOD_INVALID)
    if len(note) > NOTE_MAX:
        raise InputError("note", m.NOTE_TOO_LONG)
    if tried_at > clock.now() + timedelta(minutes=5):
        raise InputError("tried_on", m.WHEN_FUTURE)
    recent = session.exec(
        select(ReachRequest).where(
            ReachRequest.young_person_id == actor.user_id, ReachRequest.created_at > clock.now() - REACH_AGAIN_AFTER
        )
    ).first()
    if recent is not None:
        raise InputError("method", m.REACH_TOO_SOON)
    workers = identity_service.current_workers(session, young_person_id=actor.user_id)
    if not workers:
        raise InputError("method", m.NO_WORKER)
    worker = workers[0]
    assert worker.id is not None
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    now = clock.now()
    request = ReachRequest(
        tenant_id=actor.tenant_id,
        young_person_id=actor.user_id,
        worker_id=worker.id,
        method=method,
        tried_at=tried_at,
        note=note.strip(),
        created_at=now,
        due_at=workdays.deadline(now, tenant.reach_answer_working_days),
    )
    session.add(request)
    session.flush()
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=worker.id,
        kind="reach_request",
        link=f"/staff/young-people/{actor.user_id}#reach-{request.id}",
        params={"name": actor.display_name},
    )
    jobs.enqueue(
        session, kind=ESCALATE, payload={"request_id": request.id}, run_at=request.due_at, key=f"reach:{request.id}"
    )
    session.commit()
    return request


ESCALATE = "contacts.escalate_reach_request"


def escalate(session: Session, *, request_id: int) -> bool:
    """Run when the answer time has passed: a request still unanswered goes to the
    worker's managers, and the young person is told. Returns whether it escalated."""
    request = session.get(ReachRequest, request_id)
    if request is None or request.answered_at is not None or request.escalated_at is not None:
        return False
    if clock.now() < request.due_at:  # run early (e.g. a clock moved back): try again at the time
        jobs.enqueue(session, kind=ESCALATE, payload={"request_id": request_id}, run_at=request.due_at)
        return False
    worker = session.get(User, request.worker_id)
    person = session.get(User, request.young_person_id)
    assert worker is not None and person is not None
    request.escalated_at = clock.now()
    session.add(request)
    for manager in managers_for(session, worker=worker):
        assert manager.id is not None
        notifications.notify(
            session,
            tenant_id=request.tenant_id,
            user_id=manager.id,
            kind="reach_request_escalated",
            link=f"/staff/young-people/{request.young_person_id}#reach-{request.id}",
            params={"name": person.full_name, "worker": worker.full_name},
        )
    notifications.notify(
        session,
        tenant_id=request.tenant_id,
        user_id=request.young_person_id,
        kind="reach_request_passed_on",
        link="/contacts#reach",
        params={},
    )
    audit_record(
        session,
        action="reach_request.escalate",
        tenant_id=request.tenant_id,
        subject_id=request.young_person_id,
        object_type="reach_request",
        object_id=request.id,
    )
    return True


@jobs.handler(ESCALATE)
def _escalate_job(session: Session, payload: dict[str, object]) -> None:
    escalate(session, request_id=int(str(payload["request_id"])))


def reach_request_for(session: Session, *, actor: Actor, request_id: int) -> ReachRequest:
    """A "couldn't reach" request the worker (or a manager) may answer."""
    request = session.get(ReachRequest, request_id)
    if request is None or request.tenant_id != actor.tenant_id:
        raise NotFound()
    identity_service.young_person_for_worker(session, actor=actor, young_person_id=request.young_person_id, audit=False)
    return request


def answer_reach(session: Session, *, actor: Actor, request_id: int, answer: str) -> ReachRequest:
    """The worker (or a manager) answers; the young person is told."""
    request = reach_request_for(session, actor=actor, request_id=request_id)
    answer = answer.strip()
    if not answer:
        raise InputError("answer", m.ANSWER_REQUIRED)
    if len(answer) > NOTE_MAX:
        raise InputError("answer", m.NOTE_TOO_LONG)
    if request.answered_at is not None:
        raise InputError("answer", m.ALREADY_ANSWERED)
    request.answered_at, request.answered_by_id, request.answer = clock.now(), actor.user_id, answer
    session.add(request)
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=request.young_person_id,
        kind="reach_request_answered",
        link="/contacts#reach",
        params={"name": actor.display_name},
    )
    audit_record(
        session,
        actor=actor,
        action="reach_request.answer",
        subject_id=request.young_person_id,
        object_type="reach_request",
        object_id=request.id,
    )
    session.commit()
    return request


def reach_requests_for(session: Session, *, young_person_id: int, limit: int = 20) -> list[ReachRequest]:
    return list(
        session.exec(
            select(ReachRequest)
            .where(ReachRequest.young_person_id == young_person_id)
            .order_by(col(ReachRequest.created_at).desc())
            .limit(limit)
        ).all()
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


# ------------------------------------------------------------------ about me
ABOUT_FIELDS = ("matters", "helps", "does_not_help")


def about_me(session: Session, *, young_person_id: int) -> AboutMe | None:
    return session.get(AboutMe, young_person_id)


def about_me_save(session: Session, *, actor: Actor, values: dict[str, str], agree: bool) -> AboutMe:
    """The young person writes their "about me" for a new worker; ``agree`` says they
    are happy for their workers to read it (only an agreed one goes into a handover)."""
    if not actor.is_young_person:
        raise Forbidden()
    for name in ABOUT_FIELDS:
        if len(values.get(name, "")) > NOTE_MAX:
            raise InputError(name, m.NOTE_TOO_LONG)
    held = session.get(AboutMe, actor.user_id) or AboutMe(young_person_id=actor.user_id, tenant_id=actor.tenant_id)
    for name in ABOUT_FIELDS:
        setattr(held, name, values.get(name, "").strip())
    held.updated_at = clock.now()
    held.agreed_at = clock.now() if agree else None
    session.add(held)
    session.commit()
    return held


# ------------------------------------------------------------------ handovers
class HandoverError(InputError):
    pass


def assignable_workers(session: Session, *, tenant_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(UserRole, col(UserRole.user_id) == col(User.id))
            .where(
                User.tenant_id == tenant_id,
                col(UserRole.role).in_(roles_with(CASELOAD_VIEW)),
                col(User.is_active).is_(True),
            )
            .order_by(col(User.full_name))
        ).all()
    )


def change_worker_for(session: Session, *, actor: Actor, young_person_id: int) -> User:
    """A young person in the council whose worker this manager or admin may change."""
    if not actor.can(ASSIGNMENTS_MANAGE):
        raise Forbidden()
    person = session.get(User, young_person_id)
    if person is None or person.tenant_id != actor.tenant_id or person.kind != YOUNG_PERSON:
        raise NotFound()
    return person


def _handover_snapshot(session: Session, *, young_person: User) -> dict[str, object]:
    """What the new worker reads: the agreed "about me", open plan steps and requests,
    and recent contacts, as they were at the change."""
    assert young_person.id is not None
    about = session.get(AboutMe, young_person.id)
    plan = plan_for(session, young_person=young_person)
    steps: list[dict[str, object]] = []
    requests: list[dict[str, str]] = []
    if plan is not None:
        for step in session.exec(
            select(PlanStep)
            .where(PlanStep.plan_id == plan.id, PlanStep.status != "done")
            .order_by(col(PlanStep.due_on))
        ).all():
            steps.append(
                {"text": step.text, "status": step.status, "due_on": step.due_on.isoformat() if step.due_on else None}
            )
        for fb in session.exec(
            select(StepFeedback).where(StepFeedback.plan_id == plan.id, col(StepFeedback.responded_at).is_(None))
        ).all():
            requests.append({"what": "plan_feedback", "text": fb.comment or ""})
        for rr in session.exec(
            select(ReviewRequest).where(ReviewRequest.plan_id == plan.id, col(ReviewRequest.responded_at).is_(None))
        ).all():
            requests.append({"what": "review_request", "text": rr.note or ""})
    titles = {slug: e.title for slug, e in catalogue().items()}
    for q in open_questions(session, young_person_ids=[young_person.id]).get(young_person.id, []):
        requests.append({"what": "entitlement_question", "text": titles.get(q.slug, q.slug)})
    for report in open_facts_reports(session, young_person_id=young_person.id):
        requests.append({"what": "facts_report", "text": report.note})
    for reach in reach_requests_for(session, young_person_id=young_person.id):
        if reach.answered_at is None:
            requests.append({"what": "reach_request", "text": reach.note})
    contacts = [
        {"kind": c.kind, "happened_at": c.happened_at.isoformat(), "state": c.state, "note": c.note}
        for c in contacts_for(session, young_person_id=young_person.id, limit=10)
    ]
    return {
        "about_me": (
            {name: getattr(about, name) for name in ABOUT_FIELDS} if about is not None and about.agreed_at else None
        ),
        "steps": steps,
        "requests": requests,
        "contacts": contacts,
    }


FIRST_CONTACT_CHECK = "contacts.first_contact_check"


def change_worker(
    session: Session,
    *,
    actor: Actor,
    young_person_id: int,
    new_worker_id: int,
    commit: bool = True,
    workers: set[int] | None = None,
) -> Handover:
    """Move a young person to a new worker: the old assignment ends yesterday, the new
    one starts today, and a handover records what the new worker must read. Open
    "couldn't reach" requests move to the new worker, so nothing is lost; the young
    person, the new worker and the old worker are told; a job checks the first contact
    is made in time (council setting, default 10 working days).

    The caseload import passes ``commit=False`` (its whole file is one transaction)
    and the ids of ``workers`` it has already checked are assignable."""
    person = change_worker_for(session, actor=actor, young_person_id=young_person_id)
    new_worker = session.get(User, new_worker_id)
    if workers is None:
        workers = {w.id for w in assignable_workers(session, tenant_id=actor.tenant_id) if w.id is not None}
    if new_worker is None or new_worker.id not in workers:
        raise HandoverError("worker", m.WORKER_INVALID)
    today = clock.today()
    current = list(
        session.exec(
            select(Assignment).where(
                Assignment.young_person_id == young_person_id,
                Assignment.starts_on <= today,
                (col(Assignment.ends_on).is_(None)) | (col(Assignment.ends_on) >= today),
            )
        ).all()
    )
    if any(a.worker_id == new_worker_id for a in current):
        raise HandoverError("worker", m.WORKER_SAME)
    snapshot = _handover_snapshot(session, young_person=person)
    old_worker_id = current[0].worker_id if current else None
    for assignment in current:
        assignment.ends_on = today - timedelta(days=1)
        session.add(assignment)
    session.add(
        Assignment(tenant_id=actor.tenant_id, worker_id=new_worker_id, young_person_id=young_person_id, starts_on=today)
    )
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    now = clock.now()
    handover = Handover(
        tenant_id=actor.tenant_id,
        young_person_id=young_person_id,
        from_worker_id=old_worker_id,
        to_worker_id=new_worker_id,
        created_by_id=actor.user_id,
        created_at=now,
        snapshot=snapshot,
        first_contact_due_at=workdays.deadline(now, tenant.first_contact_working_days),
    )
    session.add(handover)
    session.flush()
    for reach in session.exec(
        select(ReachRequest).where(
            ReachRequest.young_person_id == young_person_id, col(ReachRequest.answered_at).is_(None)
        )
    ).all():
        reach.worker_id = new_worker_id
        session.add(reach)
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=new_worker_id,
        kind="handover_to_read",
        link=f"/staff/handovers/{handover.id}",
        params={"name": person.full_name},
    )
    notifications.notify(
        session,
        tenant_id=actor.tenant_id,
        user_id=young_person_id,
        kind="new_worker",
        link="/contacts",
        params={"name": new_worker.full_name},
    )
    if old_worker_id is not None:
        notifications.notify(
            session,
            tenant_id=actor.tenant_id,
            user_id=old_worker_id,
            kind="young_person_moved",
            link="/staff/caseload",
            params={"name": person.full_name, "worker": new_worker.full_name},
        )
    jobs.enqueue(
        session,
        kind=FIRST_CONTACT_CHECK,
        payload={"handover_id": handover.id},
        run_at=handover.first_contact_due_at,
        key=f"first-contact:{handover.id}",
    )
    audit_record(
        session,
        actor=actor,
        action="assignment.change",
        subject_id=young_person_id,
        object_type="handover",
        object_id=handover.id,
        detail={"from": old_worker_id, "to": new_worker_id},
    )
    if commit:
        session.commit()
    return handover


def handover_for(session: Session, *, actor: Actor, handover_id: int) -> Handover:
    """The new worker, or a manager of the council, may read a handover (audited: it
    is a view of the young person's record)."""
    handover = session.get(Handover, handover_id)
    if handover is None or handover.tenant_id != actor.tenant_id:
        raise NotFound()
    if handover.to_worker_id != actor.user_id and not actor.can(HANDOVER_VIEW_ANY):
        raise Forbidden()
    audit_record(
        session,
        actor=actor,
        action="handover.view",
        subject_id=handover.young_person_id,
        object_type="handover",
        object_id=handover.id,
    )
    session.commit()
    return handover


def acknowledge(session: Session, *, actor: Actor, handover_id: int) -> Handover:
    """Only the new worker acknowledges they have read it."""
    handover = session.get(Handover, handover_id)
    if handover is None or handover.tenant_id != actor.tenant_id:
        raise NotFound()
    if handover.to_worker_id != actor.user_id:
        raise HandoverError("acknowledge", m.NOT_YOUR_HANDOVER)
    if handover.acknowledged_at is None:
        handover.acknowledged_at = clock.now()
        session.add(handover)
        audit_record(
            session,
            actor=actor,
            action="handover.acknowledge",
            subject_id=handover.young_person_id,
            object_type="handover",
            object_id=handover.id,
        )
        session.commit()
    return handover


def open_handovers(session: Session, *, worker_id: int) -> list[Handover]:
    return list(
        session.exec(
            select(Handover)
            .where(Handover.to_worker_id == worker_id, col(Handover.acknowledged_at).is_(None))
            .order_by(col(Handover.created_at))
        ).all()
    )


@jobs.handler(FIRST_CONTACT_CHECK)
def _first_contact_job(session: Session, payload: dict[str, object]) -> None:
    """At the first-contact deadline: no contact yet means the managers are told."""
    handover = session.get(Handover, int(str(payload["handover_id"])))
    if handover is None or handover.first_contact_at is not None:
        return
    worker = session.get(User, handover.to_worker_id)
    person = session.get(User, handover.young_person_id)
    assert worker is not None and person is not None
    for manager in managers_for(session, worker=worker):
        assert manager.id is not None
        notifications.notify(
            session,
            tenant_id=handover.tenant_id,
            user_id=manager.id,
            kind="first_contact_overdue",
            link=f"/staff/handovers/{handover.id}",
            params={"name": person.full_name, "worker": worker.full_name},
        )


@dataclass(frozen=True)
class CouncilRow:
    young_person: User
    workers: list[User]


def council_workers(session: Session, *, tenant_id: int) -> list[CouncilRow]:
    """Every young person in the council with their workers today (two queries)."""
    people = session.exec(
        select(User).where(User.tenant_id == tenant_id, User.kind == YOUNG_PERSON).order_by(col(User.full_name))
    ).all()
    today = clock.today()
    pairs = session.exec(
        select(Assignment.young_person_id, User)
        .join(User, col(User.id) == col(Assignment.worker_id))
        .where(
            Assignment.tenant_id == tenant_id,
            Assignment.starts_on <= today,
            (col(Assignment.ends_on).is_(None)) | (col(Assignment.ends_on) >= today),
        )
    ).all()
    by_person: dict[int, list[User]] = {}
    for person_id, worker in pairs:
        by_person.setdefault(person_id, []).append(worker)
    return [CouncilRow(young_person=p, workers=by_person.get(p.id or 0, [])) for p in people]


# ------------------------------------------------------ managers' dashboard
@dataclass(frozen=True)
class Timeliness:
    label: str
    total: int
    in_time: int

    @property
    def share(self) -> int:
        """Whole per cent contacted within the interval (0 when there is nobody)."""
        return round(100 * self.in_time / self.total) if self.total else 0


@dataclass(frozen=True)
class OverdueRow:
    young_person_id: int
    name: str
    worker: str
    last: date | None
    due: date


@dataclass
class Dashboard:
    today: date
    council: Timeliness
    teams: list[Timeliness]
    advisers: list[Timeliness]
    overdue: list[OverdueRow]
    overdue_total: int
    open_requests: list[tuple[ReachRequest, str, str]]  # request, young person, worker
    disputed: list[tuple[Contact, str, str]]
    disputed_total: int
    unacknowledged: list[tuple[Handover, str, str]]
    first_contact_overdue: list[tuple[Handover, str, str]]
    changes: dict[str, int]  # "0", "1", "2", "3+" -> young people
    most_changes: list[tuple[str, int]]
    teams_available: list[str]
    team: str | None


OVERDUE_SHOWN = 50
DISPUTED_DAYS = 90


def dashboard(session: Session, *, actor: Actor, team: str | None = None) -> Dashboard:
    """Contact timeliness for the manager's council (and one team with ``team``):
    the share contacted within the interval by council, team and adviser; who is
    overdue; open "couldn't reach" requests; disputed contacts; handovers not read;
    first contacts overdue; worker changes in the last 12 months. A fixed number of
    queries, each reading at most one row per young person or per open item."""
    if not actor.can(CONTACTS_DASHBOARD):
        raise Forbidden()
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    today, now = clock.today(), clock.now()
    current = (col(Assignment.starts_on) <= today) & (
        col(Assignment.ends_on).is_(None) | (col(Assignment.ends_on) >= today)
    )
    workers = {
        w.id: w
        for w in session.exec(select(User).where(User.tenant_id == actor.tenant_id, User.kind == "staff")).all()
        if w.id is not None
    }
    rows = session.exec(
        select(
            User.id,
            User.full_name,
            User.council_accommodation,
            Assignment.worker_id,
            Assignment.starts_on,
            ContactStatus.last_contact_on,
        )
        .join(Assignment, col(Assignment.young_person_id) == col(User.id))
        .join(ContactStatus, col(ContactStatus.young_person_id) == col(User.id), isouter=True)
        .where(User.tenant_id == actor.tenant_id, User.kind == YOUNG_PERSON, Assignment.tenant_id == actor.tenant_id)
        .where(current)
    ).all()
    teams_available = sorted({w.team for w in workers.values() if w.team})
    team = team if team in teams_available else None
    interval = timedelta(weeks=tenant.contact_interval_weeks)
    by_team: dict[str, list[int]] = {}
    by_adviser: dict[int, list[int]] = {}
    overdue: list[OverdueRow] = []
    seen: set[int] = set()
    council_total = council_in_time = 0
    for person_id, name, accommodated, worker_id, starts_on, last in rows:
        worker = workers.get(worker_id)
        if team and (worker is None or worker.team != team):
            continue
        since = last or starts_on
        due = (
            since + relativedelta(months=tenant.accommodated_contact_interval_months)
            if accommodated
            else since + interval
        )
        in_time = due >= today
        if person_id not in seen:  # a young person with two workers counts once for the council
            seen.add(person_id)
            council_total += 1
            council_in_time += in_time
            if not in_time:
                overdue.append(OverdueRow(person_id, name, worker.full_name if worker else "", last, due))
        team_name = (worker.team if worker else None) or "—"
        by_team.setdefault(team_name, [0, 0])
        by_team[team_name][0] += 1
        by_team[team_name][1] += in_time
        by_adviser.setdefault(worker_id, [0, 0])
        by_adviser[worker_id][0] += 1
        by_adviser[worker_id][1] += in_time
    overdue.sort(key=lambda r: r.due)
    names = {w_id: w.full_name for w_id, w in workers.items()}
    person_ids = seen
    young_names = {pid: n for pid, n, *_ in rows}

    def who(young_person_id: int) -> str:
        return young_names.get(young_person_id, "")

    requests = [
        (r, who(r.young_person_id), names.get(r.worker_id, ""))
        for r in session.exec(
            select(ReachRequest)
            .where(ReachRequest.tenant_id == actor.tenant_id, col(ReachRequest.answered_at).is_(None))
            .order_by(col(ReachRequest.created_at))
        ).all()
        if r.young_person_id in person_ids
    ]
    since_disputed = now - timedelta(days=DISPUTED_DAYS)
    disputed_rows = [
        c
        for c in session.exec(
            select(Contact)
            .where(
                Contact.tenant_id == actor.tenant_id, Contact.state == DISPUTED, Contact.happened_at >= since_disputed
            )
            .order_by(col(Contact.happened_at).desc())
        ).all()
        if c.young_person_id in person_ids
    ]
    handovers = [
        h
        for h in session.exec(
            select(Handover).where(
                Handover.tenant_id == actor.tenant_id,
                col(Handover.acknowledged_at).is_(None) | col(Handover.first_contact_at).is_(None),
            )
        ).all()
        if h.young_person_id in person_ids
    ]
    changes, most = _worker_changes(session, tenant_id=actor.tenant_id, person_ids=person_ids, today=today)
    return Dashboard(
        today=today,
        council=Timeliness(tenant.name if not team else team, council_total, council_in_time),
        teams=[Timeliness(k, v[0], v[1]) for k, v in sorted(by_team.items())],
        advisers=sorted(
            (Timeliness(names.get(k, ""), v[0], v[1]) for k, v in by_adviser.items()), key=lambda t: (t.share, t.label)
        ),
        overdue=overdue[:OVERDUE_SHOWN],
        overdue_total=len(overdue),
        open_requests=requests,
        disputed=[(c, who(c.young_person_id), names.get(c.worker_id, "")) for c in disputed_rows[:20]],
        disputed_total=len(disputed_rows),
        unacknowledged=[
            (h, who(h.young_person_id), names.get(h.to_worker_id, "")) for h in handovers if h.acknowledged_at is None
        ],
        first_contact_overdue=[
            (h, who(h.young_person_id), names.get(h.to_worker_id, ""))
            for h in handovers
            if h.first_contact_at is None and h.first_contact_due_at < now
        ],
        changes=changes,
        most_changes=[(who(pid), n) for pid, n in most],
        teams_available=teams_available,
        team=team,
    )


def _worker_changes(
    session: Session, *, tenant_id: int, person_ids: set[int], today: date
) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """How many times each young person's worker changed in the last 12 months: an
    assignment that started in that time after an earlier one (counted in SQL; only
    young people with a change come back)."""
    from sqlalchemy import exists, func
    from sqlalchemy.orm import aliased

    earlier = aliased(Assignment)
    changed = session.exec(
        select(Assignment.young_person_id, func.count())
        .where(
            Assignment.tenant_id == tenant_id,
            Assignment.starts_on > today - timedelta(days=365),
            exists().where(
                earlier.young_person_id == Assignment.young_person_id, earlier.starts_on < Assignment.starts_on
            ),
        )
        .group_by(col(Assignment.young_person_id))
    ).all()
    counts = {person_id: n for person_id, n in changed if person_id in person_ids}
    buckets = {"0": len(person_ids) - len(counts), "1": 0, "2": 0, "3+": 0}
    for n in counts.values():
        buckets[str(n) if n < 3 else "3+"] += 1
    most = sorted(((pid, n) for pid, n in counts.items() if n >= 3), key=lambda x: -x[1])[:20]
    return buckets, most

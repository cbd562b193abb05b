"""Changing a young person's worker: the "about me" they agree to hand over, the
handover the new worker reads, and the first contact it must lead to in time (a job)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from waymark import clock, workdays
from waymark.audit.service import audit_record
from waymark.contacts import messages as m
from waymark.contacts.log import contacts_for, managers_for
from waymark.contacts.models import (
    NOTE_MAX,
    AboutMe,
    Handover,
    ReachRequest,
)
from waymark.contacts.reach import reach_requests_for
from waymark.entitlements.service import catalogue, open_facts_reports, open_questions
from waymark.errors import InputError
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Assignment, Tenant, User, UserRole
from waymark.identity.permissions import (
    ASSIGNMENTS_MANAGE,
    CASELOAD_VIEW,
    HANDOVER_VIEW_ANY,
    Forbidden,
    roles_with,
)
from waymark.identity.service import NotFound, assignment_current_on
from waymark.jobs import service as jobs
from waymark.notifications import service as notifications
from waymark.pathway.models import PlanStep, ReviewRequest, StepFeedback
from waymark.pathway.service import plan_for
from waymark.safeguarding import intake

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
        text = values.get(name, "").strip()
        if text != getattr(held, name):
            intake.take(
                session,
                field=f"about_me.{name}",
                text=text,
                tenant_id=actor.tenant_id,
                young_person_id=actor.user_id,
            )
        setattr(held, name, text)
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


def change_worker_for(session: Session, *, actor: Actor, young_person_id: int, audit: bool = False) -> User:
    """A young person in the council whose worker this manager or admin may change
    (``audit``: the page showing them is a view of their record)."""
    if not actor.can(ASSIGNMENTS_MANAGE):
        raise Forbidden()
    person = session.get(User, young_person_id)
    if person is None or person.tenant_id != actor.tenant_id or person.kind != YOUNG_PERSON:
        raise NotFound()
    if audit:
        audit_record(
            session,
            actor=actor,
            action="young_person.view",
            subject_id=person.id,
            object_type="user",
            object_id=person.id,
            detail={"page": "change_worker"},
        )
        session.commit()
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
                assignment_current_on(today),
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
            assignment_current_on(today),
        )
    ).all()
    by_person: dict[int, list[User]] = {}
    for person_id, worker in pairs:
        by_person.setdefault(person_id, []).append(worker)
    return [CouncilRow(young_person=p, workers=by_person.get(p.id or 0, [])) for p in people]

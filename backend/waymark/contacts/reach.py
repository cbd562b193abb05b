""" "I couldn't reach my worker": the worker is told at once, and a manager when it is
not answered by the end of the council's working days (a job)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from waymark import clock, ratelimit, workdays
from waymark.audit.service import audit_record
from waymark.contacts import messages as m
from waymark.contacts.log import managers_for
from waymark.contacts.models import (
    NOTE_MAX,
    REACH_METHODS,
    ReachRequest,
)
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import (
    Forbidden,
)
from waymark.identity.service import NotFound
from waymark.jobs import service as jobs
from waymark.notifications import service as notifications
from waymark.safeguarding import intake

REACH_AGAIN_AFTER = timedelta(minutes=10)  # a second "couldn't reach" sooner is refused


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
    # On arrival, before anything can refuse them: words like "I want to kill myself"
    # reach the safeguarding lead even when the request itself is refused.
    signal = intake.take(
        session, field="reach_request.note", text=note, tenant_id=actor.tenant_id, young_person_id=actor.user_id
    )
    if tried_at > clock.now() + timedelta(minutes=5):
        raise intake.refused(session, signal, InputError("tried_on", m.WHEN_FUTURE))
    workers = identity_service.current_workers(session, young_person_id=actor.user_id)
    if not workers:
        raise intake.refused(session, signal, InputError("method", m.NO_WORKER))
    # Counted atomically before the request is made, so requests sent together cannot
    # all pass (``hit`` commits; the safeguarding signal above goes with it).
    if not ratelimit.hit(session, f"reach:{actor.user_id}", limit=1, window=REACH_AGAIN_AFTER).allowed:
        raise intake.refused(session, signal, InputError("method", m.REACH_TOO_SOON))
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

"""Pathway plan rules. Plain functions over a database session; no HTTP. This module
is the adviser's side and re-exports the rest: plans.py reads, history.py keeps every
change, my_plan.py is the young person's side.

Who may do what:
- the young person reads their own plan, writes "my words", gives feedback on a step
  and asks for a review;
- advisers on the young person's current caseload read and change the plan;
- managers of the same council read it.
Every change is kept in ``plan_change`` (before and after), written to the audit log,
and the other side is told in their inbox.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from waymark import clock
from waymark.errors import InputError, NotFound
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import User
from waymark.notifications import service as notifications
from waymark.pathway import messages as m
from waymark.pathway.headings import HEADING_KEYS, OWNERS, STATUSES
from waymark.pathway.history import STEP_FIELDS, plan_history, record_change, snapshot
from waymark.pathway.models import (
    PathwayPlan,
    PlanReview,
    PlanStep,
    ReviewRequest,
    StepFeedback,
)
from waymark.pathway.my_plan import feedback_give, review_request_make, words_save
from waymark.pathway.plans import (
    MAX_REVIEW_MONTHS,
    PlanView,
    ReviewStatus,
    add_months,
    next_steps,
    plan_ensure,
    plan_for,
    plan_view_for_staff,
    plan_view_for_young_person,
    review_status,
    step_in,
    step_overdue,
)


class StaleEdit(InputError):
    """The step changed since the form was loaded."""

    def __init__(self) -> None:
        super().__init__("text", m.STALE_EDIT)


# ------------------------------------------------------- the adviser's side
def _editable(session: Session, *, actor: Actor, young_person_id: int) -> tuple[PathwayPlan, User]:
    young_person = identity_service.young_person_for_current_worker(
        session, actor=actor, young_person_id=young_person_id
    )
    return plan_ensure(session, young_person=young_person), young_person


def _tell_young_person(session: Session, plan: PathwayPlan, kind: str) -> None:
    notifications.notify(session, tenant_id=plan.tenant_id, user_id=plan.young_person_id, kind=kind, link="/plan")


def _check_step_fields(heading: str, text: str, owner: str, owner_name: str | None, status: str) -> str:
    text = text.strip()
    if heading not in HEADING_KEYS:
        raise InputError("heading", m.HEADING_INVALID)
    if not text:
        raise InputError("text", m.STEP_TEXT_REQUIRED)
    if len(text) > 500:
        raise InputError("text", m.STEP_TEXT_TOO_LONG)
    if owner not in OWNERS:
        raise InputError("owner", m.OWNER_INVALID)
    if owner == "named" and not (owner_name or "").strip():
        raise InputError("owner_name", m.OWNER_NAME_REQUIRED)
    if len(owner_name or "") > 80:
        raise InputError("owner_name", m.OWNER_NAME_TOO_LONG)
    if status not in STATUSES:
        raise InputError("status", m.STATUS_INVALID)
    return text


def step_is_in_plan_of(session: Session, *, step_id: int, young_person_id: int) -> bool:
    """Is this step in this young person's plan? (Who may see the plan is checked apart.)"""
    found = session.exec(
        select(PlanStep.id)
        .join(PathwayPlan, col(PathwayPlan.id) == col(PlanStep.plan_id))
        .where(PlanStep.id == step_id, PathwayPlan.young_person_id == young_person_id)
    ).first()
    return found is not None


def step_add(
    session: Session,
    *,
    actor: Actor,
    young_person_id: int,
    heading: str,
    text: str,
    owner: str = "adviser",
    owner_name: str | None = None,
    due_on: date | None = None,
    status: str = "not_started",
) -> PlanStep:
    text = _check_step_fields(heading, text, owner, owner_name, status)
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    assert plan.id is not None
    last = session.exec(
        select(func.max(PlanStep.position)).where(PlanStep.plan_id == plan.id, PlanStep.heading == heading)
    ).one()
    step = PlanStep(
        plan_id=plan.id,
        heading=heading,
        text=text,
        owner=owner,
        owner_name=(owner_name or "").strip() or None if owner == "named" else None,
        due_on=due_on,
        status=status,
        position=(last or 0) + 1,
        updated_by_id=actor.user_id,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(step)
    session.flush()
    assert step.id is not None
    record_change(
        session,
        plan=plan,
        actor=actor,
        object_type="step",
        object_id=step.id,
        action="add",
        before=None,
        after=snapshot(step, STEP_FIELDS),
    )
    _tell_young_person(session, plan, "plan_changed")
    session.commit()
    return step


def step_update(
    session: Session,
    *,
    actor: Actor,
    young_person_id: int,
    step_id: int,
    expected_version: int,
    text: str,
    owner: str,
    owner_name: str | None,
    due_on: date | None,
    status: str,
) -> PlanStep:
    """Change a step. Refused with ``StaleEdit`` if it changed since the form was loaded."""
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    step = step_in(session, plan, step_id)
    text = _check_step_fields(step.heading, text, owner, owner_name, status)
    if step.version != expected_version:
        raise StaleEdit()
    before = snapshot(step, STEP_FIELDS)
    values = {
        "text": text,
        "owner": owner,
        "owner_name": ((owner_name or "").strip() or None) if owner == "named" else None,
        "due_on": due_on,
        "status": status,
    }
    if all(getattr(step, name) == value for name, value in values.items()):
        return step  # nothing changed: no version, no history, no notification
    # Conditional on the version the form was made from, so of two edits made at the
    # same time one wins and the other is told, on SQLite and PostgreSQL alike.
    claimed = session.execute(
        update(PlanStep)
        .where(col(PlanStep.id) == step_id, col(PlanStep.version) == expected_version)
        .values(**values, version=expected_version + 1, updated_at=clock.now(), updated_by_id=actor.user_id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise StaleEdit()
    session.refresh(step)
    record_change(
        session,
        plan=plan,
        actor=actor,
        object_type="step",
        object_id=step_id,
        action="edit",
        before=before,
        after=snapshot(step, STEP_FIELDS),
    )
    _tell_young_person(session, plan, "plan_changed")
    session.commit()
    return step


def step_set_status(
    session: Session, *, actor: Actor, young_person_id: int, step_id: int, expected_version: int, status: str
) -> PlanStep:
    """Complete, reopen, or mark a step stuck or in progress."""
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    step = step_in(session, plan, step_id)
    return step_update(
        session,
        actor=actor,
        young_person_id=young_person_id,
        step_id=step_id,
        expected_version=expected_version,
        text=step.text,
        owner=step.owner,
        owner_name=step.owner_name,
        due_on=step.due_on,
        status=status,
    )


def step_move(session: Session, *, actor: Actor, young_person_id: int, step_id: int, direction: str) -> PlanStep:
    """Swap a step with its neighbour under the same heading ("up" or "down")."""
    if direction not in ("up", "down"):
        raise InputError("direction", m.MOVE_INVALID)
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    step = step_in(session, plan, step_id)
    siblings = sorted(
        session.exec(select(PlanStep).where(PlanStep.plan_id == plan.id, PlanStep.heading == step.heading)).all(),
        key=lambda s: (s.position, s.id or 0),
    )
    index = next(n for n, s in enumerate(siblings) if s.id == step.id)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        return step  # already first or last
    for n, sibling in enumerate(siblings):  # renumber so positions are distinct
        sibling.position = n + 1
    other = siblings[other_index]
    step.position, other.position = other.position, step.position
    now = clock.now()
    for moved in (step, other):
        moved.version += 1
        moved.updated_at, moved.updated_by_id = now, actor.user_id
        session.add(moved)
    assert step.id is not None
    record_change(
        session,
        plan=plan,
        actor=actor,
        object_type="step",
        object_id=step.id,
        action=f"move_{direction}",
        before={"position": other.position},
        after={"position": step.position},
    )
    _tell_young_person(session, plan, "plan_changed")
    session.commit()
    return step


def review_record(
    session: Session, *, actor: Actor, young_person_id: int, reviewed_on: date, summary: str
) -> PlanReview:
    """Record a review: it restarts the countdown and answers any open request."""
    summary = summary.strip()
    if not summary:
        raise InputError("summary", m.REVIEW_SUMMARY_REQUIRED)
    if len(summary) > 2000:
        raise InputError("summary", m.REVIEW_SUMMARY_TOO_LONG)
    if reviewed_on > clock.today():
        raise InputError("reviewed_on", m.REVIEW_DATE_FUTURE)
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    assert plan.id is not None
    review = PlanReview(plan_id=plan.id, reviewed_on=reviewed_on, summary=summary, recorded_by_id=actor.user_id)
    session.add(review)
    before = {"last_reviewed_on": plan.last_reviewed_on.isoformat() if plan.last_reviewed_on else None}
    if plan.last_reviewed_on is None or reviewed_on > plan.last_reviewed_on:
        plan.last_reviewed_on = reviewed_on
        session.add(plan)
    for request in session.exec(
        select(ReviewRequest).where(ReviewRequest.plan_id == plan.id, col(ReviewRequest.responded_at).is_(None))
    ).all():
        request.response, request.responded_by_id, request.responded_at = summary, actor.user_id, clock.now()
        session.add(request)
    session.flush()
    assert review.id is not None
    record_change(
        session,
        plan=plan,
        actor=actor,
        object_type="review",
        object_id=review.id,
        action="record",
        before=before,
        after={"last_reviewed_on": plan.last_reviewed_on.isoformat(), "summary": summary},
    )
    _tell_young_person(session, plan, "plan_reviewed")
    session.commit()
    return review


def _answer(
    session: Session,
    *,
    actor: Actor,
    young_person_id: int,
    model: type[StepFeedback] | type[ReviewRequest],
    object_type: str,
    object_id: int,
    response: str,
    kind: str,
) -> Any:
    """An adviser's answer to a young person's feedback or review request."""
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    item = session.get(model, object_id)
    if item is None or item.plan_id != plan.id:
        raise NotFound()
    response = response.strip()
    if not response:
        raise InputError("response", m.RESPONSE_REQUIRED)
    if len(response) > 1000:
        raise InputError("response", m.RESPONSE_TOO_LONG)
    before = {"response": item.response}
    item.response, item.responded_by_id, item.responded_at = response, actor.user_id, clock.now()
    session.add(item)
    record_change(
        session,
        plan=plan,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        action="answer",
        before=before,
        after={"response": response},
    )
    _tell_young_person(session, plan, kind)
    session.commit()
    return item


def feedback_answer(
    session: Session, *, actor: Actor, young_person_id: int, feedback_id: int, response: str
) -> StepFeedback:
    return _answer(
        session,
        actor=actor,
        young_person_id=young_person_id,
        model=StepFeedback,
        object_type="feedback",
        object_id=feedback_id,
        response=response,
        kind="plan_feedback_answered",
    )


def review_request_answer(
    session: Session, *, actor: Actor, young_person_id: int, request_id: int, response: str
) -> ReviewRequest:
    return _answer(
        session,
        actor=actor,
        young_person_id=young_person_id,
        model=ReviewRequest,
        object_type="review_request",
        object_id=request_id,
        response=response,
        kind="plan_review_request_answered",
    )


__all__ = [
    "MAX_REVIEW_MONTHS",
    "STEP_FIELDS",
    "NotFound",
    "PlanView",
    "ReviewStatus",
    "StaleEdit",
    "add_months",
    "feedback_answer",
    "feedback_give",
    "next_steps",
    "plan_ensure",
    "plan_for",
    "plan_history",
    "plan_view_for_staff",
    "plan_view_for_young_person",
    "review_record",
    "review_request_answer",
    "review_request_make",
    "review_status",
    "step_add",
    "step_in",
    "step_is_in_plan_of",
    "step_move",
    "step_overdue",
    "step_set_status",
    "step_update",
    "words_save",
]

"""Pathway plan rules. Plain functions over a database session; no HTTP.

Who may do what:
- the young person reads their own plan, writes "my words", gives feedback on a step
  and asks for a review;
- advisers on the young person's current caseload read and change the plan;
- managers of the same council read it.
Every change is kept in ``plan_change`` (before and after), written to the audit log,
and the other side is told in their inbox.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import Forbidden
from waymark.notifications import service as notifications
from waymark.pathway import messages as m
from waymark.pathway.headings import FEEDBACK_KINDS, HEADING_KEYS, OWNERS, STATUSES
from waymark.pathway.models import (
    PathwayPlan,
    PlanChange,
    PlanReview,
    PlanStep,
    PlanWords,
    ReviewRequest,
    StepFeedback,
)

NotFound = identity_service.NotFound
MAX_REVIEW_MONTHS = 6  # Care Leavers (England) Regulations 2010: at least every 6 months


class StaleEdit(InputError):
    """The step changed since the form was loaded."""

    def __init__(self) -> None:
        super().__init__("text", m.STALE_EDIT)


# -------------------------------------------------------------------- reading
@dataclass(frozen=True)
class ReviewStatus:
    last_reviewed_on: date | None
    next_due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass
class PlanView:
    plan: PathwayPlan
    young_person: User
    tenant: Tenant
    steps: list[PlanStep]
    words: dict[str, PlanWords]
    feedback: dict[int, list[StepFeedback]]
    review_requests: list[ReviewRequest]
    reviews: list[PlanReview]
    advisers: list[User]
    today: date
    changed_since: datetime | None = None
    can_edit: bool = False
    next_steps: list[PlanStep] = field(default_factory=list)

    def steps_under(self, heading: str) -> list[PlanStep]:
        return [s for s in self.steps if s.heading == heading]

    def is_overdue(self, step: PlanStep) -> bool:
        return step_overdue(step, self.today)

    def is_new(self, step: PlanStep) -> bool:
        return self.changed_since is not None and step.updated_at > self.changed_since

    @property
    def review(self) -> ReviewStatus:
        return review_status(self.plan, self.tenant, self.today)

    @property
    def open_review_request(self) -> ReviewRequest | None:
        return next((r for r in self.review_requests if r.responded_at is None), None)

    @property
    def open_feedback(self) -> list[StepFeedback]:
        return [f for items in self.feedback.values() for f in items if f.responded_at is None]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_status(plan: PathwayPlan, tenant: Tenant, today: date) -> ReviewStatus:
    """The next review is due within the council's interval (never more than 6 months)
    of the last one, or of the plan's start if it has not been reviewed yet."""
    months = max(1, min(tenant.review_interval_months, MAX_REVIEW_MONTHS))
    base = plan.last_reviewed_on or plan.created_at.date()
    due = add_months(base, months)
    return ReviewStatus(last_reviewed_on=plan.last_reviewed_on, next_due_on=due, days_left=(due - today).days)


def step_overdue(step: PlanStep, today: date) -> bool:
    return step.status != "done" and step.due_on is not None and step.due_on < today


def next_steps(steps: list[PlanStep], limit: int = 3) -> list[PlanStep]:
    """The open steps that come next: dated ones first, soonest (and overdue) first,
    then undated ones in plan order."""
    order = {key: n for n, key in enumerate(HEADING_KEYS)}
    open_steps = [s for s in steps if s.status != "done"]
    open_steps.sort(key=lambda s: (s.due_on is None, s.due_on or date.max, order.get(s.heading, 99), s.position))
    return open_steps[:limit]


def _load_view(session: Session, plan: PathwayPlan, young_person: User, *, can_edit: bool) -> PlanView:
    """Everything the plan page shows, in a fixed number of queries."""
    order = {key: n for n, key in enumerate(HEADING_KEYS)}
    steps = list(session.exec(select(PlanStep).where(PlanStep.plan_id == plan.id)).all())
    steps.sort(key=lambda s: (order.get(s.heading, 99), s.position, s.id or 0))
    feedback: dict[int, list[StepFeedback]] = {}
    for item in session.exec(
        select(StepFeedback).where(StepFeedback.plan_id == plan.id).order_by(col(StepFeedback.created_at))
    ).all():
        feedback.setdefault(item.step_id, []).append(item)
    view = PlanView(
        plan=plan,
        young_person=young_person,
        tenant=identity_service.tenant_get(session, tenant_id=plan.tenant_id),
        steps=steps,
        words={w.heading: w for w in session.exec(select(PlanWords).where(PlanWords.plan_id == plan.id)).all()},
        feedback=feedback,
        review_requests=list(
            session.exec(
                select(ReviewRequest)
                .where(ReviewRequest.plan_id == plan.id)
                .order_by(col(ReviewRequest.requested_at).desc())
            ).all()
        ),
        reviews=list(
            session.exec(
                select(PlanReview).where(PlanReview.plan_id == plan.id).order_by(col(PlanReview.reviewed_on).desc())
            ).all()
        ),
        advisers=identity_service.current_workers(session, young_person_id=young_person.id or 0),
        today=clock.today(),
        can_edit=can_edit,
    )
    view.next_steps = next_steps(steps)
    return view


def plan_for(session: Session, *, young_person: User) -> PathwayPlan | None:
    return session.exec(select(PathwayPlan).where(PathwayPlan.young_person_id == young_person.id)).first()


def plan_ensure(session: Session, *, young_person: User) -> PathwayPlan:
    """The young person's plan, started (empty) if they have none yet. Caller commits."""
    plan = plan_for(session, young_person=young_person)
    if plan is None:
        assert young_person.id is not None
        plan = PathwayPlan(tenant_id=young_person.tenant_id, young_person_id=young_person.id)
        session.add(plan)
        session.flush()
    return plan


def plan_view_for_young_person(session: Session, *, actor: Actor, mark_seen: bool = True) -> PlanView | None:
    """The young person's own plan (None if their adviser has not started one).
    Opening it records the visit; changes after the previous visit are highlighted."""
    if not actor.is_young_person:
        raise Forbidden()
    young_person = session.get(User, actor.user_id)
    assert young_person is not None
    plan = plan_for(session, young_person=young_person)
    if plan is None:
        return None
    previous = plan.young_person_seen_at
    view = _load_view(session, plan, young_person, can_edit=False)
    view.changed_since = previous
    # Record the visit only when it showed something new: looking again is read-only.
    if mark_seen and (previous is None or any(view.is_new(s) for s in view.steps)):
        plan.young_person_seen_at = clock.now()
        session.add(plan)
        session.commit()
    return view


def plan_view_for_staff(session: Session, *, actor: Actor, young_person_id: int) -> PlanView:
    """The plan as an adviser on the caseload (who may change it) or a manager of the
    same council (who may read it) sees it. The view is audited."""
    young_person = identity_service.young_person_for_worker(session, actor=actor, young_person_id=young_person_id)
    can_edit = identity_service.is_current_worker(session, actor=actor, young_person_id=young_person_id)
    plan = plan_for(session, young_person=young_person)
    if plan is None:
        if not can_edit:
            plan = PathwayPlan(tenant_id=young_person.tenant_id, young_person_id=young_person_id)  # unsaved, empty
            return PlanView(
                plan=plan,
                young_person=young_person,
                tenant=identity_service.tenant_get(session, tenant_id=young_person.tenant_id),
                steps=[],
                words={},
                feedback={},
                review_requests=[],
                reviews=[],
                advisers=identity_service.current_workers(session, young_person_id=young_person_id),
                today=clock.today(),
            )
        plan = plan_ensure(session, young_person=young_person)
        session.commit()
    return _load_view(session, plan, young_person, can_edit=can_edit)


# ------------------------------------------------------------------- history
def _snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(record, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


STEP_FIELDS = ("heading", "text", "owner", "owner_name", "due_on", "status", "position", "version")


def _changed(
    session: Session,
    *,
    plan: PathwayPlan,
    actor: Actor,
    object_type: str,
    object_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Keep the change in the plan's history and the audit log (same transaction)."""
    assert plan.id is not None
    session.add(
        PlanChange(
            plan_id=plan.id,
            actor_id=actor.user_id,
            object_type=object_type,
            object_id=object_id,
            action=action,
            before=before,
            after=after,
        )
    )
    audit_record(
        session,
        actor=actor,
        action=f"plan.{object_type}.{action}",
        subject_id=plan.young_person_id,
        object_type=object_type,
        object_id=object_id,
    )


def plan_history(session: Session, *, view: PlanView) -> list[PlanChange]:
    return list(
        session.exec(
            select(PlanChange).where(PlanChange.plan_id == view.plan.id).order_by(col(PlanChange.id).desc())
        ).all()
    )


# ------------------------------------------------------- the adviser's side
def _editable(session: Session, *, actor: Actor, young_person_id: int) -> tuple[PathwayPlan, User]:
    young_person = identity_service.young_person_for_current_worker(
        session, actor=actor, young_person_id=young_person_id
    )
    return plan_ensure(session, young_person=young_person), young_person


def _step_in(session: Session, plan: PathwayPlan, step_id: int) -> PlanStep:
    step = session.get(PlanStep, step_id)
    if step is None or step.plan_id != plan.id:
        raise NotFound()  # a step of another plan (or council) is not found, whatever it is
    return step


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
    _changed(
        session,
        plan=plan,
        actor=actor,
        object_type="step",
        object_id=step.id,
        action="add",
        before=None,
        after=_snapshot(step, STEP_FIELDS),
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
    step = _step_in(session, plan, step_id)
    text = _check_step_fields(step.heading, text, owner, owner_name, status)
    if step.version != expected_version:
        raise StaleEdit()
    before = _snapshot(step, STEP_FIELDS)
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
    _changed(
        session,
        plan=plan,
        actor=actor,
        object_type="step",
        object_id=step_id,
        action="edit",
        before=before,
        after=_snapshot(step, STEP_FIELDS),
    )
    _tell_young_person(session, plan, "plan_changed")
    session.commit()
    return step


def step_set_status(
    session: Session, *, actor: Actor, young_person_id: int, step_id: int, expected_version: int, status: str
) -> PlanStep:
    """Complete, reopen, or mark a step stuck or in progress."""
    plan, _young_person = _editable(session, actor=actor, young_person_id=young_person_id)
    step = _step_in(session, plan, step_id)
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
    step = _step_in(session, plan, step_id)
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
    _changed(
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
    _changed(
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
    _changed(
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


# --------------------------------------------------- the young person's side
def _own_plan(session: Session, actor: Actor) -> PathwayPlan:
    if not actor.is_young_person:
        raise Forbidden()
    plan = session.exec(select(PathwayPlan).where(PathwayPlan.young_person_id == actor.user_id)).first()
    if plan is None:
        raise NotFound()
    return plan


def _tell_advisers(session: Session, plan: PathwayPlan, actor: Actor, kind: str) -> None:
    notifications.tell_workers(session, actor=actor, kind=kind)


def words_save(session: Session, *, actor: Actor, heading: str, text: str) -> PlanWords | None:
    """Save (or clear, with empty text) what the young person wants from one heading."""
    if heading not in HEADING_KEYS:
        raise InputError("words", m.HEADING_INVALID)
    text = text.strip()
    if len(text) > 1000:
        raise InputError("words", m.WORDS_TOO_LONG)
    plan = _own_plan(session, actor)
    assert plan.id is not None
    words = session.exec(select(PlanWords).where(PlanWords.plan_id == plan.id, PlanWords.heading == heading)).first()
    before = {"text": words.text} if words else None
    if words is None:
        if not text:
            return None
        words = PlanWords(plan_id=plan.id, heading=heading, text=text)
    elif words.text == text:
        return words
    words.text, words.updated_at = text, clock.now()
    session.add(words)
    session.flush()
    assert words.id is not None
    _changed(
        session,
        plan=plan,
        actor=actor,
        object_type="words",
        object_id=words.id,
        action="save",
        before=before,
        after={"heading": heading, "text": text},
    )
    session.commit()
    return words


def feedback_give(session: Session, *, actor: Actor, step_id: int, kind: str, comment: str | None) -> StepFeedback:
    """ "I'm not sure" / "I disagree" on one of the young person's own steps."""
    if kind not in FEEDBACK_KINDS:
        raise InputError("kind", m.FEEDBACK_KIND_REQUIRED)
    comment = (comment or "").strip() or None
    if comment and len(comment) > 1000:
        raise InputError("comment", m.COMMENT_TOO_LONG)
    plan = _own_plan(session, actor)
    step = _step_in(session, plan, step_id)
    assert plan.id is not None and step.id is not None
    item = StepFeedback(plan_id=plan.id, step_id=step.id, kind=kind, comment=comment)
    session.add(item)
    session.flush()
    assert item.id is not None
    _changed(
        session,
        plan=plan,
        actor=actor,
        object_type="feedback",
        object_id=item.id,
        action="give",
        before=None,
        after={"step_id": step.id, "kind": kind, "comment": comment},
    )
    _tell_advisers(session, plan, actor, "plan_feedback_given")
    session.commit()
    return item


def review_request_make(session: Session, *, actor: Actor, note: str | None) -> ReviewRequest:
    """Ask for a review. While one request is open, asking again returns that one."""
    note = (note or "").strip() or None
    if note and len(note) > 1000:
        raise InputError("note", m.COMMENT_TOO_LONG)
    plan = _own_plan(session, actor)
    open_request = session.exec(
        select(ReviewRequest).where(ReviewRequest.plan_id == plan.id, col(ReviewRequest.responded_at).is_(None))
    ).first()
    if open_request is not None:
        return open_request
    assert plan.id is not None
    request = ReviewRequest(plan_id=plan.id, note=note)
    session.add(request)
    session.flush()
    assert request.id is not None
    _changed(
        session,
        plan=plan,
        actor=actor,
        object_type="review_request",
        object_id=request.id,
        action="make",
        before=None,
        after={"note": note},
    )
    _tell_advisers(session, plan, actor, "plan_review_requested")
    session.commit()
    return request

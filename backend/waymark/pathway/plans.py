"""Reading a pathway plan: the views both sides see (the young person's own, and the
adviser's or manager's, audited), when the next review is due, what is late, and the
plan's steps in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from waymark import clock
from waymark.clock import add_months
from waymark.errors import NotFound
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import Forbidden
from waymark.pathway.headings import HEADING_KEYS
from waymark.pathway.models import (
    PathwayPlan,
    PlanReview,
    PlanStep,
    PlanWords,
    ReviewRequest,
    StepFeedback,
)

MAX_REVIEW_MONTHS = 6  # Care Leavers (England) Regulations 2010: at least every 6 months


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


def step_in(session: Session, plan: PathwayPlan, step_id: int) -> PlanStep:
    """A step of this plan (a step of another plan, or council, is not found)."""
    step = session.get(PlanStep, step_id)
    if step is None or step.plan_id != plan.id:
        raise NotFound()
    return step

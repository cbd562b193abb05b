"""The young person's side of their plan: "my words", feedback on a step, asking for a
review; their adviser is told of each."""

from __future__ import annotations

from sqlmodel import Session, col, select

from waymark import clock
from waymark.errors import InputError, NotFound
from waymark.identity.actor import Actor
from waymark.identity.permissions import Forbidden
from waymark.notifications import service as notifications
from waymark.pathway import messages as m
from waymark.pathway.headings import FEEDBACK_KINDS, HEADING_KEYS
from waymark.pathway.history import record_change
from waymark.pathway.models import (
    PathwayPlan,
    PlanWords,
    ReviewRequest,
    StepFeedback,
)
from waymark.pathway.plans import step_in
from waymark.safeguarding import intake


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
    intake.take(session, field="plan_words.text", text=text, tenant_id=actor.tenant_id, young_person_id=actor.user_id)
    session.flush()
    assert words.id is not None
    record_change(
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
    step = step_in(session, plan, step_id)
    assert plan.id is not None and step.id is not None
    item = StepFeedback(plan_id=plan.id, step_id=step.id, kind=kind, comment=comment)
    session.add(item)
    intake.take(
        session, field="step_feedback.comment", text=comment, tenant_id=actor.tenant_id, young_person_id=actor.user_id
    )
    session.flush()
    assert item.id is not None
    record_change(
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
    signal = intake.take(
        session, field="review_request.note", text=note, tenant_id=actor.tenant_id, young_person_id=actor.user_id
    )
    open_request = session.exec(
        select(ReviewRequest).where(ReviewRequest.plan_id == plan.id, col(ReviewRequest.responded_at).is_(None))
    ).first()
    if open_request is not None:  # the words of a second request still reach the lead
        if signal.risk:
            session.commit()
        return open_request
    assert plan.id is not None
    request = ReviewRequest(plan_id=plan.id, note=note)
    session.add(request)
    session.flush()
    assert request.id is not None
    record_change(
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

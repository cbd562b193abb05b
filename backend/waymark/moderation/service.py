"""The moderation queue: every free-text answer waits here until a moderator of the
council approves it (with personal details redacted and themes confirmed) or rejects
it with a reason, which a named young person is told in plain words. Each decision is
in the audit log, which managers read as the moderation log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.audit.service import audit_record
from waymark.consultations.models import APPROVED, PENDING, REJECTED, TEXT_MAX, Answer, Consultation, Question, Response
from waymark.identity.actor import Actor
from waymark.identity.permissions import Forbidden
from waymark.identity.service import NotFound
from waymark.moderation import messages as m
from waymark.moderation import themes as theme_list

REASON_MAX = 300


class ModerationError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class QueueItem:
    answer: Answer
    question: Question
    consultation: Consultation
    response: Response


def _require_moderator(actor: Actor) -> None:
    if "moderator" not in actor.roles:
        raise Forbidden()


def queue(session: Session, *, actor: Actor, limit: int = 50) -> tuple[list[QueueItem], int]:
    """The council's answers waiting for a moderator, oldest first, and how many."""
    _require_moderator(actor)
    rows = session.exec(
        select(Answer, Question, Consultation, Response)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .join(Response, col(Response.id) == col(Answer.response_id))
        .join(Consultation, col(Consultation.id) == col(Response.consultation_id))
        .where(Answer.moderation == PENDING, Response.tenant_id == actor.tenant_id)
        .order_by(col(Response.created_at), col(Answer.id))
    ).all()
    items = [QueueItem(a, q, c, r) for a, q, c, r in rows]
    return items[:limit], len(items)


def _in_council(session: Session, actor: Actor, answer_id: int) -> tuple[Answer, Response]:
    answer = session.get(Answer, answer_id)
    response = session.get(Response, answer.response_id) if answer else None
    if answer is None or response is None or response.tenant_id != actor.tenant_id or answer.moderation is None:
        raise NotFound()
    return answer, response


def decide(
    session: Session,
    *,
    actor: Actor,
    answer_id: int,
    approve: bool,
    published_text: str,
    themes: Sequence[str],
    reason: str,
) -> Answer:
    _require_moderator(actor)
    answer, response = _in_council(session, actor, answer_id)
    if answer.moderation != PENDING:
        raise ModerationError("decision", m.ALREADY_DECIDED)
    chosen = [t for t in theme_list.keys() if t in set(themes)]
    if set(themes) - set(chosen):
        raise ModerationError("themes", m.THEME_UNKNOWN)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ModerationError("reason", m.REASON_TOO_LONG)
    if approve:
        published_text = published_text.strip()
        if not published_text:
            raise ModerationError("published_text", m.PUBLISHED_REQUIRED)
        if len(published_text) > TEXT_MAX:
            raise ModerationError("published_text", m.PUBLISHED_TOO_LONG)
        if not chosen:
            raise ModerationError("themes", m.THEME_REQUIRED)
        answer.moderation, answer.published_text, answer.themes = APPROVED, published_text, chosen
    else:
        if not reason:
            raise ModerationError("reason", m.REASON_REQUIRED)
        answer.moderation, answer.published_text, answer.themes = REJECTED, None, []
    answer.moderation_reason = reason or None
    answer.moderated_by_id, answer.moderated_at = actor.user_id, clock.now()
    session.add(answer)
    from waymark.insights import tally

    tally.recount_themes(session, response_id=response.id or 0)
    audit_record(
        session,
        actor=actor,
        action="moderation.approve" if approve else "moderation.reject",
        object_type="answer",
        object_id=answer.id,
        detail={
            "themes": chosen,
            "suggested": answer.suggested_themes,
            "redacted": approve and answer.published_text != answer.text,
            "reason": reason,
        },
    )
    if not approve and response.young_person_id is not None:
        from waymark.notifications import service as notifications

        notifications.notify(
            session,
            tenant_id=response.tenant_id,
            user_id=response.young_person_id,
            kind="comment_not_used",
            link="/moderation-policy",
            params={"reason": reason},
        )
    session.commit()
    return answer


def log(session: Session, *, actor: Actor, limit: int = 200) -> list[AuditEvent]:
    """Who decided what, when and why (managers)."""
    if "manager" not in actor.roles:
        raise Forbidden()
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == actor.tenant_id, col(AuditEvent.action).startswith("moderation."))
            .order_by(col(AuditEvent.at).desc())
            .limit(limit)
        ).all()
    )

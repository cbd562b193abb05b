"""The moderation queue: every free-text answer (and every comment on an update) waits here until a moderator of the
council approves it (with personal details redacted and themes confirmed) or rejects
it with a reason, which a named young person is told in plain words. Each decision is
in the audit log, which managers read as the moderation log."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.audit.service import audit_record
from waymark.consultations.models import (
    APPROVED,
    PENDING,
    REJECTED,
    SAFEGUARDING,
    TEXT_MAX,
    Answer,
    Consultation,
    Question,
    Response,
)
from waymark.errors import InputError
from waymark.identity.actor import Actor
from waymark.identity.models import User
from waymark.identity.permissions import MODERATION, MODERATION_LOG_VIEW, Forbidden
from waymark.identity.service import NotFound
from waymark.insights import tally
from waymark.jobs import service as jobs
from waymark.moderation import messages as m
from waymark.moderation import personal
from waymark.moderation import themes as theme_list
from waymark.notifications import service as notifications
from waymark.pathway.models import PathwayPlan, PlanStep
from waymark.safeguarding import service as safeguarding
from waymark.safeguarding.detect import CHECK, URGENT, Signal
from waymark.safeguarding.models import FROM_BACKSTOP, FROM_MODERATOR
from waymark.updates.models import Update, UpdateComment

REASON_MAX = 300


ANSWER, COMMENT = "answer", "comment"


@dataclass(frozen=True)
class QueueItem:
    """A piece of young people's free text waiting for a moderator: a consultation
    answer, or a comment on a You Said We Did update."""

    kind: str  # ANSWER or COMMENT
    id: int
    text: str
    suggested_themes: list[str]
    title: str  # the consultation's or the update's
    prompt: str  # the question, or the young person's reaction to the update ("" if none)
    created_at: datetime
    anonymous: bool
    assisted: bool

    @property
    def key(self) -> str:
        """Unique on the page (ids of answers and comments overlap)."""
        return f"{self.kind[0]}{self.id}"

    @property
    def action(self) -> str:
        return f"/staff/moderation/{self.id}" if self.kind == ANSWER else f"/staff/moderation/comments/{self.id}"


def _require_moderator(actor: Actor) -> None:
    if not actor.can(MODERATION):
        raise Forbidden()


def queue(session: Session, *, actor: Actor, limit: int = 50) -> tuple[list[QueueItem], int]:
    """The council's answers and comments waiting for a moderator, oldest first, and
    how many."""
    _require_moderator(actor)
    answers = session.exec(
        select(Answer, Question, Consultation, Response)
        .join(Question, col(Question.id) == col(Answer.question_id))
        .join(Response, col(Response.id) == col(Answer.response_id))
        .join(Consultation, col(Consultation.id) == col(Response.consultation_id))
        .where(Answer.moderation == PENDING, Response.tenant_id == actor.tenant_id)
        .order_by(col(Response.created_at), col(Answer.id))
    ).all()
    comments = session.exec(
        select(UpdateComment, Update)
        .join(Update, col(Update.id) == col(UpdateComment.update_id))
        .where(UpdateComment.tenant_id == actor.tenant_id, UpdateComment.moderation == PENDING)
        .order_by(col(UpdateComment.created_at), col(UpdateComment.id))
    ).all()
    items = [
        QueueItem(
            kind=ANSWER,
            id=a.id or 0,
            text=a.text or "",
            suggested_themes=a.suggested_themes,
            title=c.title,
            prompt=q.text,
            created_at=r.created_at,
            anonymous=r.young_person_id is None,
            assisted=r.mode == "assisted",
        )
        for a, q, c, r in answers
    ] + [
        QueueItem(
            kind=COMMENT,
            id=c.id or 0,
            text=c.text,
            suggested_themes=c.suggested_themes,
            title=u.title,
            prompt=c.reaction or "",
            created_at=c.created_at,
            anonymous=False,
            assisted=False,
        )
        for c, u in comments
    ]
    items.sort(key=lambda item: item.created_at)
    return items[:limit], len(items)


def council_names(session: Session, *, actor: Actor) -> personal.Known:
    """Every name the council's records hold, for marking them in the queue: young
    people and staff (full and display names), and the people named in plan steps
    (carers, advocates: "Sue (your foster carer)" gives "Sue")."""
    _require_moderator(actor)
    rows = session.exec(select(User.full_name, User.display_name).where(User.tenant_id == actor.tenant_id)).all()
    named = session.exec(
        select(PlanStep.owner_name)
        .distinct()
        .join(PathwayPlan, col(PathwayPlan.id) == col(PlanStep.plan_id))
        .where(PathwayPlan.tenant_id == actor.tenant_id, col(PlanStep.owner_name).is_not(None))
    ).all()
    people = [_BRACKETS.sub(" ", name) for name in named if name]
    return personal.Known.of([*(name for pair in rows for name in pair if name), *people])


_BRACKETS = re.compile(r"\([^)]*\)")  # "(your foster carer)": what they are, not who


def _in_council(session: Session, actor: Actor, answer_id: int) -> tuple[Answer, Response]:
    answer = session.get(Answer, answer_id)
    response = session.get(Response, answer.response_id) if answer else None
    if answer is None or response is None or response.tenant_id != actor.tenant_id or answer.moderation is None:
        raise NotFound()
    return answer, response


def _apply(
    target: Answer | UpdateComment,
    *,
    actor: Actor,
    approve: bool,
    published_text: str,
    themes: Sequence[str],
    reason: str,
) -> tuple[list[str], str]:
    """Check a decision and write it on the answer or comment; returns the themes
    chosen and the reason. Raises ``InputError`` and changes nothing if the
    decision breaks a rule."""
    if target.moderation != PENDING:
        raise InputError("decision", m.ALREADY_DECIDED)
    chosen = [t for t in theme_list.keys() if t in set(themes)]
    if set(themes) - set(chosen):
        raise InputError("themes", m.THEME_UNKNOWN)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InputError("reason", m.REASON_TOO_LONG)
    if approve:
        published_text = published_text.strip()
        if not published_text:
            raise InputError("published_text", m.PUBLISHED_REQUIRED)
        if len(published_text) > TEXT_MAX:
            raise InputError("published_text", m.PUBLISHED_TOO_LONG)
        if not chosen:
            raise InputError("themes", m.THEME_REQUIRED)
        target.moderation, target.published_text, target.themes = APPROVED, published_text, chosen
    else:
        if not reason:
            raise InputError("reason", m.REASON_REQUIRED)
        target.moderation, target.published_text, target.themes = REJECTED, None, []
    target.moderation_reason = reason or None
    target.moderated_by_id, target.moderated_at = actor.user_id, clock.now()
    return chosen, reason


def _record(
    session: Session,
    *,
    actor: Actor,
    target: Answer | UpdateComment,
    object_type: str,
    approve: bool,
    chosen: list[str],
    reason: str,
    young_person_id: int | None,
    tenant_id: int,
) -> None:
    """Audit the decision; tell a named young person why their words were not used."""
    audit_record(
        session,
        actor=actor,
        action="moderation.approve" if approve else "moderation.reject",
        object_type=object_type,
        object_id=target.id,
        detail={
            "themes": chosen,
            "suggested": target.suggested_themes,
            "redacted": approve and target.published_text != target.text,
            "reason": reason,
        },
    )
    if not approve and young_person_id is not None:
        notifications.notify(
            session,
            tenant_id=tenant_id,
            user_id=young_person_id,
            kind="comment_not_used",
            link="/moderation-policy",
            params={"reason": reason},
        )


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
    """Approve (with the text to use and its themes) or reject (with a reason) an
    answer waiting in the queue; the theme tallies follow."""
    _require_moderator(actor)
    answer, response = _in_council(session, actor, answer_id)
    chosen, reason = _apply(
        answer, actor=actor, approve=approve, published_text=published_text, themes=themes, reason=reason
    )
    session.add(answer)

    tally.recount_themes(session, response_id=response.id or 0)
    _record(
        session,
        actor=actor,
        target=answer,
        object_type="answer",
        approve=approve,
        chosen=chosen,
        reason=reason,
        young_person_id=response.young_person_id,
        tenant_id=response.tenant_id,
    )
    session.commit()
    return answer


def decide_comment(
    session: Session,
    *,
    actor: Actor,
    comment_id: int,
    approve: bool,
    published_text: str,
    themes: Sequence[str],
    reason: str,
) -> UpdateComment:
    """The same decision for a young person's comment on an update."""
    _require_moderator(actor)
    comment = session.get(UpdateComment, comment_id)
    if comment is None or comment.tenant_id != actor.tenant_id or comment.moderation == SAFEGUARDING:
        raise NotFound()
    chosen, reason = _apply(
        comment, actor=actor, approve=approve, published_text=published_text, themes=themes, reason=reason
    )
    session.add(comment)
    _record(
        session,
        actor=actor,
        target=comment,
        object_type="update_comment",
        approve=approve,
        chosen=chosen,
        reason=reason,
        young_person_id=comment.young_person_id,
        tenant_id=comment.tenant_id,
    )
    session.commit()
    return comment


def escalate(session: Session, *, actor: Actor, kind: str, item_id: int) -> None:
    """ "This is a safeguarding worry": a moderator sends a queue item to the duty list
    in one action. It leaves the queue and is never published, like words the detector
    sends there itself."""
    _require_moderator(actor)
    if kind == ANSWER:
        answer, response = _in_council(session, actor, item_id)
        target: Answer | UpdateComment = answer
        young_person_id, text, answer_id = response.young_person_id, answer.text or "", answer.id
        consultation = session.get(Consultation, response.consultation_id)
        context = consultation.title if consultation else ""
    else:
        comment = session.get(UpdateComment, item_id)
        if comment is None or comment.tenant_id != actor.tenant_id:
            raise NotFound()
        target, young_person_id, text, answer_id = comment, comment.young_person_id, comment.text, None
        update = session.get(Update, comment.update_id)
        context = update.title if update else ""
    if target.moderation != PENDING:
        raise InputError("decision", m.ALREADY_DECIDED)
    target.moderation = SAFEGUARDING
    session.add(target)
    safeguarding.raise_alert(
        session,
        tenant_id=actor.tenant_id,
        source=FROM_MODERATOR,
        signal=Signal(True, [], [], URGENT),
        text=text,
        young_person_id=young_person_id,
        link=f"/staff/young-people/{young_person_id}" if young_person_id else None,
        answer_id=answer_id,
        raised_by_id=actor.user_id,
        group_key="",
        context=context,
    )
    if kind == ANSWER:
        tally.recount_themes(session, response_id=response.id or 0)
    audit_record(
        session,
        actor=actor,
        action="moderation.safeguard",
        subject_id=young_person_id,
        object_type=kind,
        object_id=item_id,
    )
    session.commit()


@jobs.handler(safeguarding.BACKSTOP)
def _backstop_job(session: Session, payload: dict[str, object]) -> None:
    """Words still unread in the queue after the council's hours: the people on duty
    get them as a "check" alert and every manager is told, as for an alert nobody has
    acknowledged. The words stay in the queue for a moderator."""
    item_id = int(str(payload["id"]))
    if payload["kind"] == ANSWER:
        answer = session.get(Answer, item_id)
        response = session.get(Response, answer.response_id) if answer else None
        if answer is None or response is None or answer.moderation != PENDING:
            return
        consultation = session.get(Consultation, response.consultation_id)
        tenant_id, young_person_id, text = response.tenant_id, response.young_person_id, answer.text or ""
        context, answer_id = (consultation.title if consultation else ""), answer.id
    else:
        comment = session.get(UpdateComment, item_id)
        if comment is None or comment.moderation != PENDING:
            return
        update = session.get(Update, comment.update_id)
        tenant_id, young_person_id, text = comment.tenant_id, comment.young_person_id, comment.text
        context, answer_id = (update.title if update else ""), None
    alert = safeguarding.raise_alert(
        session,
        tenant_id=tenant_id,
        source=FROM_BACKSTOP,
        signal=Signal(True, [], ["unread in the moderation queue past the council's time"], CHECK),
        text=text,
        young_person_id=young_person_id,
        link=f"/staff/young-people/{young_person_id}" if young_person_id else None,
        answer_id=answer_id,
        group_key="",
        context=context,
    )
    safeguarding.escalate_now(session, alert)


def log(session: Session, *, actor: Actor, limit: int = 200) -> list[AuditEvent]:
    """Who decided what, when and why (managers)."""
    if not actor.can(MODERATION_LOG_VIEW):
        raise Forbidden()
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.tenant_id == actor.tenant_id, col(AuditEvent.action).startswith("moderation."))
            .order_by(col(AuditEvent.at).desc())
            .limit(limit)
        ).all()
    )

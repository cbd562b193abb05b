"""Notifications: written to the inbox in the same transaction as the change that
causes them, with a push queued for each browser that asked for that kind (push.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from waymark import clock
from waymark.identity.actor import Actor
from waymark.identity.models import STAFF, Tenant, User
from waymark.identity.service import current_workers
from waymark.jobs import service as jobs
from waymark.notifications import contact_points, push
from waymark.notifications.mail import send_email
from waymark.notifications.models import Notification
from waymark.settings import Settings
from waymark.web.i18n import N_

# What each kind says. Parameters are names only, never what someone wrote.
KINDS: dict[str, str] = {
    "plan_changed": N_("Your adviser updated your plan"),
    "plan_feedback_answered": N_("Your adviser answered you about your plan"),
    "plan_reviewed": N_("Your plan was reviewed"),
    "plan_review_request_answered": N_("Your adviser answered your review request"),
    "plan_feedback_given": N_("%(name)s is not sure about a step in their plan"),
    "plan_review_requested": N_("%(name)s asked for a plan review"),
    "entitlement_question": N_("%(name)s asked you about something they can get"),
    "offer_submitted": N_("%(organisation)s sent in an offer to check"),
    "facts_reported": N_("%(name)s says something we hold about them is wrong"),
    "contact_logged": N_("%(name)s wrote down a contact with you. Was it right?"),
    "contact_logged_by_young_person": N_("%(name)s wrote down a contact with you to check"),
    "contact_disputed": N_("%(name)s says a contact didn't happen"),
    "reach_request": N_("%(name)s couldn't reach you"),
    "reach_request_escalated": N_("%(name)s couldn't reach %(worker)s, and has had no answer in time"),
    "reach_request_passed_on": N_("Your worker didn't answer in time, so we told their manager"),
    "reach_request_answered": N_("%(name)s answered you"),
    "safeguarding_alert": N_("Safeguarding alert: a young person may be at risk. Read it now"),
    "safeguarding_escalated": N_("A safeguarding alert has not been acknowledged in time. Read it now"),
    "safeguarding_worker": N_("A young person on your caseload may be at risk. The safeguarding lead has been told"),
    "comment_not_used": N_("We did not use one of your comments: %(reason)s"),
    "handover_to_read": N_("%(name)s is now on your caseload. Read their handover"),
    "new_worker": N_("Your new worker is %(name)s"),
    "young_person_moved": N_("%(name)s has moved to %(worker)s"),
    "first_contact_overdue": N_("%(worker)s has not had a first contact with %(name)s in time"),
    "update_published": N_("News about something you told us: %(title)s"),
    "staff_self_roles": N_("%(name)s tried to give themselves a new role. Nothing changed"),
}


# Staff get an email for these too (GOV.UK Notify or SMTP, where the council has one),
# saying only that something is waiting: never who or what.
STAFF_EMAIL_SUBJECTS: dict[str, str] = {
    "reach_request": "Waymark: a young person could not reach you",
    "reach_request_escalated": "Waymark: a young person has had no answer from their worker in time",
    "plan_review_requested": "Waymark: a young person asked for a plan review",
    "handover_to_read": "Waymark: a handover for you to read",
}
STAFF_EMAIL_JOB = "notifications.staff_email"


def notify(
    session: Session, *, tenant_id: int, user_id: int, kind: str, link: str, params: dict[str, Any] | None = None
) -> Notification:
    """Add a notification to the current transaction; the caller commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    notification = Notification(tenant_id=tenant_id, user_id=user_id, kind=kind, link=link, params=params or {})
    session.add(notification)

    push.queue_for(session, notification)
    contact_points.queue_news(session, user_id=user_id)
    if kind in STAFF_EMAIL_SUBJECTS and _sends_email(Settings()):
        session.flush()
        jobs.enqueue(
            session,
            kind=STAFF_EMAIL_JOB,
            payload={"notification_id": notification.id},
            key=f"staff-email:{notification.id}",
        )
    return notification


def _slug(session: Session, tenant_id: int) -> str | None:
    tenant = session.get(Tenant, tenant_id)
    return tenant.slug if tenant else None


def _sends_email(settings: Settings) -> bool:
    return settings.notify_api_key is not None or bool(settings.smtp_host)


@jobs.handler(STAFF_EMAIL_JOB)
def _staff_email(session: Session, payload: dict[str, Any]) -> None:
    """Email the member of staff that something is waiting. Nothing to do if the note
    has gone (an erased account), the account is off, or the council sends no email."""
    settings = Settings()
    if not _sends_email(settings):
        return
    note = session.get(Notification, payload["notification_id"])
    user = session.get(User, note.user_id) if note is not None else None
    if note is None or user is None or user.kind != STAFF or not user.is_active or not user.email:
        return
    body = (
        "Something is waiting for you in Waymark:\n"
        f"{settings.url_for(_slug(session, user.tenant_id))}{note.link}\n\n"
        "This email does not say who it is about. Do not reply to it.\n"
    )
    host = urlsplit(settings.public_url).hostname or "waymark.invalid"
    send_email(
        settings,
        to=[user.email],
        subject=STAFF_EMAIL_SUBJECTS[note.kind],
        body=body,
        message_id=f"<staff-email-{note.id}@{host}>",
    )


def inbox_for(session: Session, *, actor: Actor, limit: int = 100) -> Sequence[Notification]:
    return session.exec(
        select(Notification)
        .where(Notification.user_id == actor.user_id, Notification.tenant_id == actor.tenant_id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(limit)
    ).all()


def unread_count(session: Session, *, actor: Actor) -> int:
    query = select(func.count()).select_from(Notification)
    query = query.where(Notification.user_id == actor.user_id, col(Notification.read_at).is_(None))
    return int(session.exec(query).one())


def inbox_mark_read(session: Session, *, actor: Actor) -> None:
    session.execute(
        update(Notification)
        .where(col(Notification.user_id) == actor.user_id, col(Notification.read_at).is_(None))
        .values(read_at=clock.now())
    )
    session.commit()


def tell_workers(session: Session, *, actor: Actor, kind: str, anchor: str = "") -> None:
    """A young person did something their workers should know about: a note in each
    current worker's inbox linking to the young person's record (``anchor`` is the
    part of the page, e.g. ``"#facts"``). Added to the transaction; the caller commits."""
    for worker in current_workers(session, young_person_id=actor.user_id):
        assert worker.id is not None
        notify(
            session,
            tenant_id=actor.tenant_id,
            user_id=worker.id,
            kind=kind,
            link=f"/staff/young-people/{actor.user_id}{anchor}",
            params={"name": actor.display_name},
        )

"""Safeguarding never waits. A risk found in what a young person writes (named,
anonymous, or replayed from the offline outbox), or their "I feel unsafe", becomes
an alert on the duty list of the council's designated safeguarding lead at once, with
an in-app note and an email (two channels). If the lead has not acknowledged it in
the council's time (default 60 minutes), every manager of the council is told too.
The young person sees where to get help now; if named, their adviser is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from waymark import clock, db, workdays
from waymark.audit.service import audit_record
from waymark.consultations.models import PENDING, SAFEGUARDING, Answer
from waymark.errors import InputError
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import (
    SAFEGUARDING_DUTY,
    SAFEGUARDING_LEAD_FIT,
    SAFEGUARDING_OVERSIGHT,
    SAFEGUARDING_RAISE,
    Forbidden,
    roles_with,
)
from waymark.identity.service import NotFound, current_workers, staff_with_roles, young_person_for_worker
from waymark.jobs import service as jobs
from waymark.moderation import themes as theme_list
from waymark.notifications import service as notifications
from waymark.notifications.mail import send_email
from waymark.safeguarding import messages as m
from waymark.safeguarding.detect import Signal
from waymark.safeguarding.models import FROM_STAFF, FROM_UNSAFE_BUTTON, GROUP_MINUTES, URGENT, SafeguardingAlert
from waymark.settings import Settings
from waymark.updates.models import UpdateComment

EMAIL = "safeguarding.email"
BACKSTOP = "moderation.backstop"  # handled in moderation/service.py: words unread in the queue too long
ESCALATE = "safeguarding.escalate"
ESCALATION_EMAIL = "safeguarding.escalation_email"
NOTE_MAX = 1000


def lead_candidates(session: Session, *, tenant_id: int) -> list[User]:
    """Active staff who may be named the designated lead or deputy (a manager, or the
    safeguarding lead role)."""
    return staff_with_roles(session, tenant_id=tenant_id, roles=roles_with(SAFEGUARDING_LEAD_FIT))


def on_duty(session: Session, tenant: Tenant) -> list[User]:
    """Who an alert goes to first: the designated lead and their deputy, or every
    manager when the council has named neither (or they have left or lost the role)."""
    fit = {u.id: u for u in lead_candidates(session, tenant_id=tenant.id or 0)}
    people = []
    for user_id in dict.fromkeys((tenant.safeguarding_lead_id, tenant.safeguarding_deputy_id)):
        if user_id in fit:
            people.append(fit[user_id])
    return people or managers_of(session, tenant.id or 0)


def managers_of(session: Session, tenant_id: int) -> list[User]:
    return staff_with_roles(session, tenant_id=tenant_id, roles=roles_with(SAFEGUARDING_OVERSIGHT))


def _open_group(session: Session, tenant_id: int, group_key: str) -> SafeguardingAlert | None:
    """The open alert a new one from the same person or form joins, if it is recent."""
    if not group_key:
        return None
    return session.exec(
        select(SafeguardingAlert)
        .where(
            SafeguardingAlert.tenant_id == tenant_id,
            SafeguardingAlert.group_key == group_key,
            col(SafeguardingAlert.grouped_into_id).is_(None),
            col(SafeguardingAlert.acknowledged_at).is_(None),
            SafeguardingAlert.created_at > clock.now() - timedelta(minutes=GROUP_MINUTES),
        )
        .order_by(col(SafeguardingAlert.created_at).desc())
    ).first()


def raise_alert(
    session: Session,
    *,
    tenant_id: int,
    source: str,
    signal: Signal,
    text: str,
    young_person_id: int | None,
    field: str = "",
    link: str | None = None,
    answer_id: int | None = None,
    comment_id: int | None = None,
    group_key: str | None = None,
    raised_by_id: int | None = None,
    context: str = "",
) -> SafeguardingAlert:
    """Record the alert, tell the people on duty in the app and queue the email and
    the escalation. Added to the caller's transaction: it commits with the words that
    raised it. A second alert from the same person (or anonymous form) within
    ``GROUP_MINUTES`` of an open one joins it: it is kept and counted, and nobody is
    told twice."""
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    if group_key is None:
        group_key = f"person:{young_person_id}" if young_person_id else ""
    alert = SafeguardingAlert(
        tenant_id=tenant_id,
        source=source,
        field=field,
        link=link,
        level=signal.level or URGENT,
        answer_id=answer_id,
        comment_id=comment_id,
        young_person_id=young_person_id,
        text=text[:2000],
        kinds=signal.kinds,
        why=signal.why,
        group_key=group_key,
        raised_by_id=raised_by_id,
        context=context[:200],
        created_at=clock.now(),
    )
    if group_key:  # presses sent together must find the one before them
        db.serialise(session, f"safeguarding-group:{tenant_id}:{group_key}")
    head = _open_group(session, tenant_id, group_key)
    if head is not None:
        alert.grouped_into_id = head.id
        head.repeats += 1
        upgraded = alert.level == URGENT and head.level != URGENT
        if upgraded:
            head.level = URGENT
        session.add_all([alert, head])
        session.flush()
        if upgraded:  # a "check" became urgent: tell everyone an urgent alert tells
            _tell(session, tenant, head, young_person_id, raised_by_id)
        return alert
    session.add(alert)
    session.flush()
    _tell(session, tenant, alert, young_person_id, raised_by_id)
    jobs.enqueue(session, kind=EMAIL, payload={"alert_id": alert.id}, key=f"safeguarding-email:{alert.id}")
    jobs.enqueue(
        session,
        kind=ESCALATE,
        payload={"alert_id": alert.id},
        run_at=alert.created_at + timedelta(minutes=tenant.safeguarding_ack_minutes),
        key=f"safeguarding-escalate:{alert.id}",
    )
    audit_record(
        session,
        action="safeguarding.alert",
        tenant_id=tenant_id,
        subject_id=young_person_id,
        object_type="safeguarding_alert",
        object_id=alert.id,
        detail={"kinds": signal.kinds, "source": source, "level": alert.level},
    )
    return alert


def _tell(
    session: Session, tenant: Tenant, alert: SafeguardingAlert, young_person_id: int | None, raised_by_id: int | None
) -> None:
    """In-app notes: the people on duty, and for an urgent alert the young person's
    current workers (a "check" is for the lead to weigh first)."""
    tenant_id = tenant.id or 0
    for person in on_duty(session, tenant):
        assert person.id is not None
        notifications.notify(
            session,
            tenant_id=tenant_id,
            user_id=person.id,
            kind="safeguarding_alert",
            link=f"/staff/safeguarding#alert-{alert.id}",
            params={},
        )
    if young_person_id is not None and alert.level == URGENT:  # a "check" is for the lead to weigh first
        for worker in current_workers(session, young_person_id=young_person_id):
            assert worker.id is not None
            if worker.id == raised_by_id:
                continue
            notifications.notify(
                session,
                tenant_id=tenant_id,
                user_id=worker.id,
                kind="safeguarding_worker",
                link=f"/staff/young-people/{young_person_id}",
                params={},
            )


def unsafe_button(session: Session, *, actor: Actor, note: str) -> SafeguardingAlert:
    """ "I feel unsafe": the same alert, from the young person's own button."""
    if not actor.is_young_person:
        raise Forbidden()
    note = note.strip()[:NOTE_MAX]
    alert = raise_alert(
        session,
        tenant_id=actor.tenant_id,
        source=FROM_UNSAFE_BUTTON,
        field="safeguarding_alert.text",
        signal=Signal(True, ["unsafe_button"], ["I feel unsafe"], URGENT),
        text=note,
        young_person_id=actor.user_id,
        link=f"/staff/young-people/{actor.user_id}",
    )
    session.commit()
    return alert


def raise_from_record(session: Session, *, actor: Actor, young_person_id: int, note: str) -> SafeguardingAlert:
    """Any member of staff who may see a young person's record raises an alert about
    them, with what worries them; it reaches the same duty list as any other."""
    if not actor.can(SAFEGUARDING_RAISE):
        raise Forbidden()
    note = note.strip()
    if not note:
        raise InputError("worry", m.WORRY_REQUIRED)
    if len(note) > NOTE_MAX:
        raise InputError("worry", m.WORRY_TOO_LONG)
    young_person_for_worker(session, actor=actor, young_person_id=young_person_id)  # audits the view
    alert = raise_alert(
        session,
        tenant_id=actor.tenant_id,
        source=FROM_STAFF,
        signal=Signal(True, [], [], URGENT),
        text=note,
        young_person_id=young_person_id,
        link=f"/staff/young-people/{young_person_id}",
        raised_by_id=actor.user_id,
        group_key="",  # a person's judgement is never folded into another alert
    )
    session.commit()
    return alert


def backstop_due(tenant: Tenant, queued_at: datetime) -> datetime:
    """When words still unread in the moderation queue go to the people on duty."""
    if tenant.moderation_working_hours_only:
        return workdays.add_working_hours(queued_at, tenant.moderation_unread_hours)
    return queued_at + timedelta(hours=tenant.moderation_unread_hours)


def schedule_backstop(session: Session, *, tenant_id: int, kind: str, item_id: int, queued_at: datetime) -> None:
    """Called when a young person's words enter the moderation queue."""
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    jobs.enqueue(
        session,
        kind=BACKSTOP,
        payload={"kind": kind, "id": item_id},
        run_at=backstop_due(tenant, queued_at),
        key=f"moderation-backstop:{kind}:{item_id}",
    )


def escalate_now(session: Session, alert: SafeguardingAlert) -> None:
    """Bring the alert's escalation forward to now: every manager is told (in the app
    and by email, by the escalation job), as when an alert waits past the council's time."""
    job = session.exec(select(jobs.Job).where(jobs.Job.key == f"safeguarding-escalate:{alert.id}")).first()
    if job is not None and job.done_at is None:
        job.run_at = clock.now()
        session.add(job)


# ------------------------------------------------------------------ email
def _alert_email(session: Session, alert: SafeguardingAlert, people: list[User], escalated: bool) -> None:
    settings = Settings()
    to = [p.email for p in people if p.email]
    if not to:
        return
    tenant = session.get(Tenant, alert.tenant_id)
    link = f"{settings.url_for(tenant.slug if tenant else None)}/staff/safeguarding#alert-{alert.id}"
    subject = ("Waymark safeguarding alert" if alert.level == URGENT else "Waymark: possible risk to check") + (
        " (not yet acknowledged)" if escalated else ""
    )
    body = (
        "A young person may be at risk of harm. Read it on the duty list now:\n"
        f"{link}\n\n"
        "This email does not contain what they wrote. Do not reply to it.\n"
    )
    host = urlsplit(settings.public_url).hostname or "waymark.invalid"
    message_id = f"<safeguarding-alert-{alert.id}{'-escalated' if escalated else ''}@{host}>"
    send_email(settings, to=to, subject=subject, body=body, message_id=message_id)


@jobs.handler(EMAIL, urgent=True)
def _email_job(session: Session, payload: dict[str, Any]) -> None:
    alert = session.get(SafeguardingAlert, int(payload["alert_id"]))
    if alert is None or alert.emailed_at is not None:
        return
    tenant = session.get(Tenant, alert.tenant_id)
    assert tenant is not None
    _alert_email(session, alert, on_duty(session, tenant), escalated=False)
    alert.emailed_at = clock.now()
    session.add(alert)


@jobs.handler(ESCALATE)
def _escalate_job(session: Session, payload: dict[str, Any]) -> None:
    """Not acknowledged in time: every manager is told, in the app and by email."""
    alert = session.get(SafeguardingAlert, int(payload["alert_id"]))
    if alert is None or alert.acknowledged_at is not None or alert.escalated_at is not None:
        return
    managers = managers_of(session, alert.tenant_id)
    for manager in managers:
        assert manager.id is not None
        notifications.notify(
            session,
            tenant_id=alert.tenant_id,
            user_id=manager.id,
            kind="safeguarding_escalated",
            link=f"/staff/safeguarding#alert-{alert.id}",
            params={},
        )
    alert.escalated_at = clock.now()
    session.add(alert)
    audit_record(
        session,
        action="safeguarding.escalate",
        tenant_id=alert.tenant_id,
        subject_id=alert.young_person_id,
        object_type="safeguarding_alert",
        object_id=alert.id,
    )
    # The email is its own job, so that the in-app notes land even while the mail
    # server is down (the email is retried on its own).
    jobs.enqueue(
        session, kind=ESCALATION_EMAIL, payload={"alert_id": alert.id}, key=f"safeguarding-escalated:{alert.id}"
    )


@jobs.handler(ESCALATION_EMAIL, urgent=True)
def _escalation_email_job(session: Session, payload: dict[str, Any]) -> None:
    alert = session.get(SafeguardingAlert, int(payload["alert_id"]))
    if alert is None:
        return
    _alert_email(session, alert, managers_of(session, alert.tenant_id), escalated=True)


# ------------------------------------------------------------- duty list
def _require_duty(session: Session, actor: Actor) -> Tenant:
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    if actor.user_id not in (tenant.safeguarding_lead_id, tenant.safeguarding_deputy_id) and not actor.can(
        SAFEGUARDING_OVERSIGHT
    ):
        raise Forbidden()
    return tenant


def duty_list(session: Session, *, actor: Actor) -> tuple[list[SafeguardingAlert], list[SafeguardingAlert]]:
    """Open alerts (oldest first) and the last 50 acknowledged, for the people on duty
    and managers. Alerts that joined another are not listed on their own (``grouped``)."""
    _require_duty(session, actor)
    rows = session.exec(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.tenant_id == actor.tenant_id, col(SafeguardingAlert.grouped_into_id).is_(None))
        .order_by(col(SafeguardingAlert.created_at))
    ).all()
    audit_record(session, actor=actor, action="safeguarding.duty_list_view")
    session.commit()
    open_ = [a for a in rows if a.acknowledged_at is None]
    done = sorted((a for a in rows if a.acknowledged_at is not None), key=lambda a: a.acknowledged_at, reverse=True)
    return open_, done[:50]


def grouped(session: Session, *, heads: list[SafeguardingAlert]) -> dict[int, list[SafeguardingAlert]]:
    """The alerts that joined each of ``heads``, oldest first."""
    ids = [a.id for a in heads if a.repeats]
    found: dict[int, list[SafeguardingAlert]] = {}
    if ids:
        for row in session.exec(
            select(SafeguardingAlert)
            .where(col(SafeguardingAlert.grouped_into_id).in_(ids))
            .order_by(col(SafeguardingAlert.created_at))
        ):
            found.setdefault(row.grouped_into_id or 0, []).append(row)
    return found


def open_count(session: Session, *, tenant_id: int) -> int:
    """Open alerts on the council's duty list (for the menu)."""
    return len(
        session.exec(
            select(SafeguardingAlert.id).where(
                SafeguardingAlert.tenant_id == tenant_id,
                col(SafeguardingAlert.grouped_into_id).is_(None),
                col(SafeguardingAlert.acknowledged_at).is_(None),
            )
        ).all()
    )


def acknowledge(
    session: Session, *, actor: Actor, alert_id: int, note: str, not_a_risk: bool = False
) -> SafeguardingAlert:
    """The lead has it. ``not_a_risk``: the lead judged it a false alarm, so the
    consultation answers and update comments it held back go to the moderation queue
    like any other (else a false alarm would take a young person's feedback out of the
    council's results for good)."""
    _require_duty(session, actor)
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.tenant_id != actor.tenant_id:
        raise NotFound()
    if alert.acknowledged_at is None:
        now = clock.now()
        alert.acknowledged_at, alert.acknowledged_by_id = now, actor.user_id
        alert.action_note = note.strip()[:NOTE_MAX]
        session.add(alert)
        every = [alert, *grouped(session, heads=[alert]).get(alert.id or 0, [])]
        for joined in every[1:]:
            joined.acknowledged_at, joined.acknowledged_by_id = now, actor.user_id
            session.add(joined)
        if not_a_risk:
            for words in held_back(session, every):
                words.moderation, words.suggested_themes = PENDING, theme_list.suggest(words.text or "")
                session.add(words)
                kind = "answer" if isinstance(words, Answer) else "comment"
                schedule_backstop(session, tenant_id=alert.tenant_id, kind=kind, item_id=words.id or 0, queued_at=now)
        audit_record(
            session,
            actor=actor,
            action="safeguarding.not_a_risk" if not_a_risk else "safeguarding.acknowledge",
            subject_id=alert.young_person_id,
            object_type="safeguarding_alert",
            object_id=alert.id,
        )
        session.commit()
    return alert


def holding_back(
    session: Session, *, heads: list[SafeguardingAlert], joined: dict[int, list[SafeguardingAlert]]
) -> set[int]:
    """The ids of ``heads`` that (with the alerts that joined them) hold back words
    from the moderation queue, in two queries for the duty list."""
    head_of: dict[tuple[str, int | None], int | None] = {}
    for head_id, alert in [(a.id, a) for a in heads] + [(h, j) for h, rows in joined.items() for j in rows]:
        head_of[("answer", alert.answer_id)] = head_id
        head_of[("comment", alert.comment_id)] = head_id
    found = held_back(session, [*heads, *(j for rows in joined.values() for j in rows)])
    keys = [("answer" if isinstance(words, Answer) else "comment", words.id) for words in found]
    return {head for key in keys if (head := head_of.get(key)) is not None}


def held_back(session: Session, alerts: list[SafeguardingAlert]) -> list[Answer | UpdateComment]:
    """Consultation answers and update comments these alerts kept out of the
    moderation queue."""
    found: list[Answer | UpdateComment] = []
    answer_ids = [a.answer_id for a in alerts if a.answer_id]
    if answer_ids:
        found += session.exec(select(Answer).where(col(Answer.id).in_(answer_ids), Answer.moderation == SAFEGUARDING))
    comment_ids = [a.comment_id for a in alerts if a.comment_id]
    if comment_ids:
        found += session.exec(
            select(UpdateComment).where(
                col(UpdateComment.id).in_(comment_ids), UpdateComment.moderation == SAFEGUARDING
            )
        )
    return found


HELP_SHOWN_FOR = timedelta(hours=2)


def recently_raised(session: Session, *, young_person_id: int) -> bool:
    """Did words of theirs raise an alert in the last two hours? Their pages then show
    where to get help now, whichever form the words came from (the thanks page of a
    consultation says so itself)."""
    return (
        session.exec(
            select(SafeguardingAlert.id).where(
                SafeguardingAlert.young_person_id == young_person_id,
                SafeguardingAlert.source != FROM_UNSAFE_BUTTON,
                SafeguardingAlert.level == URGENT,
                SafeguardingAlert.created_at > clock.now() - HELP_SHOWN_FOR,
            )
        ).first()
        is not None
    )


def menu_count(session: Session, actor: Actor) -> int | None:
    """Open alerts for the menu's "Duty list" link, or None for someone not on duty."""
    if not actor.can(SAFEGUARDING_DUTY) or not can_see_duty_list(session, actor):
        return None
    return open_count(session, tenant_id=actor.tenant_id)


def can_see_duty_list(session: Session, actor: Actor) -> bool:
    try:
        _require_duty(session, actor)
    except Forbidden:
        return False
    return True

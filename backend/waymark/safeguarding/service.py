"""Safeguarding never waits. A risk found in what a young person writes (named,
anonymous, or replayed from the offline outbox), or their "I feel unsafe", becomes
an alert on the duty list of the council's designated safeguarding lead at once, with
an in-app note and an email (two channels). If the lead has not acknowledged it in
the council's time (default 60 minutes), every manager of the council is told too.
The young person sees where to get help now; if named, their adviser is told."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import SAFEGUARDING_OVERSIGHT, Forbidden, roles_with
from waymark.identity.service import NotFound, current_workers, staff_with_roles
from waymark.jobs import service as jobs
from waymark.notifications import service as notifications
from waymark.safeguarding.detect import Signal
from waymark.safeguarding.models import FROM_UNSAFE_BUTTON, SafeguardingAlert
from waymark.settings import Settings

EMAIL = "safeguarding.email"
ESCALATE = "safeguarding.escalate"
NOTE_MAX = 1000


def lead_of(session: Session, tenant: Tenant) -> User | None:
    lead = session.get(User, tenant.safeguarding_lead_id) if tenant.safeguarding_lead_id else None
    return lead if lead is not None and lead.tenant_id == tenant.id and lead.is_active else None


def managers_of(session: Session, tenant_id: int) -> list[User]:
    return staff_with_roles(session, tenant_id=tenant_id, roles=roles_with(SAFEGUARDING_OVERSIGHT))


def raise_alert(
    session: Session,
    *,
    tenant_id: int,
    source: str,
    signal: Signal,
    text: str,
    young_person_id: int | None,
    answer_id: int | None = None,
) -> SafeguardingAlert:
    """Record the alert, tell the lead (or every manager when the council has none)
    in the app, and queue the email and the escalation. Added to the caller's
    transaction: it commits with the answer that raised it."""
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    alert = SafeguardingAlert(
        tenant_id=tenant_id,
        source=source,
        answer_id=answer_id,
        young_person_id=young_person_id,
        text=text[:2000],
        kinds=signal.kinds,
        why=signal.why,
        created_at=clock.now(),
    )
    session.add(alert)
    session.flush()
    lead = lead_of(session, tenant)
    for person in [lead] if lead else managers_of(session, tenant_id):
        assert person.id is not None
        notifications.notify(
            session,
            tenant_id=tenant_id,
            user_id=person.id,
            kind="safeguarding_alert",
            link=f"/staff/safeguarding#alert-{alert.id}",
            params={},
        )
    if young_person_id is not None:
        for worker in current_workers(session, young_person_id=young_person_id):
            assert worker.id is not None
            notifications.notify(
                session,
                tenant_id=tenant_id,
                user_id=worker.id,
                kind="safeguarding_worker",
                link=f"/staff/young-people/{young_person_id}",
                params={},
            )
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
        detail={"kinds": signal.kinds, "source": source},
    )
    return alert


def unsafe_button(session: Session, *, actor: Actor, note: str) -> SafeguardingAlert:
    """ "I feel unsafe": the same alert, from the young person's own button."""
    if not actor.is_young_person:
        raise Forbidden()
    note = note.strip()[:NOTE_MAX]
    alert = raise_alert(
        session,
        tenant_id=actor.tenant_id,
        source=FROM_UNSAFE_BUTTON,
        signal=Signal(True, ["unsafe_button"], ["I feel unsafe"]),
        text=note,
        young_person_id=actor.user_id,
    )
    session.commit()
    return alert


# ------------------------------------------------------------------ email
def send_email(settings: Any, *, to: list[str], subject: str, body: str) -> None:
    """Through the council's SMTP server (WAYMARK_SMTP_*). The body never holds what
    the young person wrote: only that there is an alert and where to read it."""
    if not settings.smtp_host:
        raise RuntimeError("no SMTP server is set (WAYMARK_SMTP_HOST)")
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_from, ", ".join(to), subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)


def _alert_email(session: Session, alert: SafeguardingAlert, people: list[User], escalated: bool) -> None:
    settings = Settings()
    to = [p.email for p in people if p.email]
    if not to:
        return
    link = f"{settings.base_url.rstrip('/') or 'Waymark'}/staff/safeguarding#alert-{alert.id}"
    subject = "Waymark safeguarding alert" + (" (not yet acknowledged)" if escalated else "")
    body = (
        "A young person may be at risk of harm. Read it on the duty list now:\n"
        f"{link}\n\n"
        "This email does not contain what they wrote. Do not reply to it.\n"
    )
    send_email(settings, to=to, subject=subject, body=body)


@jobs.handler(EMAIL)
def _email_job(session: Session, payload: dict[str, Any]) -> None:
    alert = session.get(SafeguardingAlert, int(payload["alert_id"]))
    if alert is None or alert.emailed_at is not None:
        return
    tenant = session.get(Tenant, alert.tenant_id)
    assert tenant is not None
    lead = lead_of(session, tenant)
    _alert_email(session, alert, [lead] if lead else managers_of(session, alert.tenant_id), escalated=False)
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
    _alert_email(session, alert, managers, escalated=True)


# ------------------------------------------------------------- duty list
def _require_duty(session: Session, actor: Actor) -> Tenant:
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    if actor.user_id != tenant.safeguarding_lead_id and not actor.can(SAFEGUARDING_OVERSIGHT):
        raise Forbidden()
    return tenant


def duty_list(session: Session, *, actor: Actor) -> tuple[list[SafeguardingAlert], list[SafeguardingAlert]]:
    """Open alerts (oldest first) and the last 50 acknowledged, for the lead and managers."""
    _require_duty(session, actor)
    rows = session.exec(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.tenant_id == actor.tenant_id)
        .order_by(col(SafeguardingAlert.created_at))
    ).all()
    audit_record(session, actor=actor, action="safeguarding.duty_list_view")
    session.commit()
    open_ = [a for a in rows if a.acknowledged_at is None]
    done = sorted((a for a in rows if a.acknowledged_at is not None), key=lambda a: a.acknowledged_at, reverse=True)
    return open_, done[:50]


def acknowledge(session: Session, *, actor: Actor, alert_id: int, note: str) -> SafeguardingAlert:
    _require_duty(session, actor)
    alert = session.get(SafeguardingAlert, alert_id)
    if alert is None or alert.tenant_id != actor.tenant_id:
        raise NotFound()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = clock.now(), actor.user_id
        alert.action_note = note.strip()[:NOTE_MAX]
        session.add(alert)
        audit_record(
            session,
            actor=actor,
            action="safeguarding.acknowledge",
            subject_id=alert.young_person_id,
            object_type="safeguarding_alert",
            object_id=alert.id,
        )
        session.commit()
    return alert


def can_see_duty_list(session: Session, actor: Actor) -> bool:
    try:
        _require_duty(session, actor)
    except Forbidden:
        return False
    return True

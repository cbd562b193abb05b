"""A young person's email address and mobile number, verified with a one-time code,
for messages through GOV.UK Notify that say only that something new is waiting.

- Adding one sends a 6-digit code to it at once, through Notify (so the code is never
  stored, not even in a job); it works for 15 minutes and for 5 tries; at most 5 codes
  an hour go to one person.
- Only a keyed hash of the code is stored. A verified address gets "something new" at
  most once every 6 hours, when a notification arrives and the person chose it.
- Nothing is sent, or offered, without a Notify key (``notify_configured``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from babel.dates import format_date
from email_validator import EmailNotValidError, validate_email
from notifications_python_client.errors import HTTPError
from sqlmodel import Session, col, delete, select

from waymark import clock, ratelimit, workdays
from waymark.audit.service import audit_record
from waymark.errors import InputError, NotFound
from waymark.identity import service as identity
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.jobs import service as jobs
from waymark.notifications import messages as m
from waymark.notifications.mail import NotSent, notify_client
from waymark.notifications.models import ContactPoint
from waymark.settings import Settings
from waymark.web.i18n import N_, translations

KINDS = ("email", "sms")
CODE_MINUTES = 15
CODE_TRIES = 5
CODES_PER_HOUR = 5
NEWS_EVERY_HOURS = 6
SEND_JOB = "notifications.contact_point_send"
# UK mobiles, for example 07700 900123 or +44 7700 900123 (spaces, dashes and brackets allowed).
# What is sent, in the language of the page the address was added on (``point.lang``).
CODE_SUBJECT = N_("Your Waymark code")
CODE_BODY = N_("Your Waymark code is {code}. It works for {minutes} minutes. Do not give it to anyone.")
NEWS_SUBJECT = N_("Something new in Waymark")
NEWS_BODY = N_("You have something new in Waymark. Open the app to see it: {link}")

_MOBILE = re.compile(r"^(?:\+?44\s?\(?0?\)?|0)(7\d{9})$")


def notify_configured(settings: Settings) -> bool:
    return settings.notify_api_key is not None


def normalise(kind: str, text: str) -> str:
    """The address as stored, or raise ``InputError`` on the field ``address``."""
    text = text.strip()
    if kind == "email":
        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise InputError("address", m.EMAIL_INVALID) from None
    digits = re.sub(r"[\s\-()]", "", text)
    match = _MOBILE.match(digits)
    if match is None:
        raise InputError("address", m.MOBILE_INVALID)
    return "+44" + match.group(1)


def of(session: Session, *, actor: Actor) -> dict[str, ContactPoint]:
    _require_young_person(actor)
    rows = session.exec(select(ContactPoint).where(ContactPoint.user_id == actor.user_id)).all()
    return {row.kind: row for row in rows}


def add(
    session: Session, *, actor: Actor, kind: str, address: str, settings: Settings, lang: str = "en"
) -> ContactPoint:
    """Start (or restart) verifying ``address`` for ``kind``: it replaces the old one
    of that kind, and a code goes to it, in ``lang`` (later messages too). Commits."""
    _require_young_person(actor, kind)
    if not notify_configured(settings):
        raise InputError("address", m.NOT_AVAILABLE)
    normalised = normalise(kind, address)
    if not ratelimit.hit(
        session, f"contact-code:{actor.user_id}", limit=CODES_PER_HOUR, window=timedelta(hours=1)
    ).allowed:
        raise InputError("address", m.TOO_MANY_CODES)
    point = session.exec(
        select(ContactPoint).where(ContactPoint.user_id == actor.user_id, ContactPoint.kind == kind)
    ).first() or ContactPoint(tenant_id=actor.tenant_id, user_id=actor.user_id or 0, kind=kind, address=normalised)
    code = f"{secrets.randbelow(10**6):06d}"
    point.address, point.verified_at, point.code_tries, point.lang = normalised, None, 0, lang
    point.code_hash = _hash(code, settings)
    point.code_expires_at = clock.now() + timedelta(minutes=CODE_MINUTES)
    try:
        deliver(settings, point, CODE_SUBJECT, CODE_BODY, code=code, minutes=CODE_MINUTES)
    except NotSent:
        session.rollback()
        raise InputError("address", m.NOT_SENT) from None
    session.add(point)
    audit_record(session, actor=actor, action="contact_point.add", subject_id=actor.user_id, object_type=kind)
    session.commit()
    return point


def verify(session: Session, *, actor: Actor, kind: str, code: str, settings: Settings) -> ContactPoint:
    """Check the code sent to the address. Commits (a wrong try counts)."""
    _require_young_person(actor, kind)
    point = of(session, actor=actor).get(kind)
    if point is None or point.code_hash is None:
        raise NotFound()
    code = re.sub(r"\s", "", code)
    if point.code_tries >= CODE_TRIES or point.code_expires_at is None or point.code_expires_at < clock.now():
        raise InputError("code", m.CODE_EXPIRED)
    if not re.fullmatch(r"\d{6}", code) or not hmac.compare_digest(point.code_hash, _hash(code, settings)):
        point.code_tries += 1
        session.add(point)
        session.commit()
        raise InputError("code", m.CODE_WRONG if point.code_tries < CODE_TRIES else m.CODE_EXPIRED)
    point.verified_at, point.code_hash, point.code_expires_at = clock.now(), None, None
    session.add(point)
    audit_record(session, actor=actor, action="contact_point.verify", subject_id=actor.user_id, object_type=kind)
    session.commit()
    return point


def set_news(session: Session, *, actor: Actor, kind: str, wants: bool) -> None:
    _require_young_person(actor, kind)
    point = of(session, actor=actor).get(kind)
    if point is None:
        raise NotFound()
    point.wants_news = wants
    session.add(point)
    session.commit()


def remove(session: Session, *, actor: Actor, kind: str) -> None:
    _require_young_person(actor, kind)
    session.exec(delete(ContactPoint).where(col(ContactPoint.user_id) == actor.user_id, ContactPoint.kind == kind))  # type: ignore[call-overload]
    audit_record(session, actor=actor, action="contact_point.remove", subject_id=actor.user_id, object_type=kind)
    session.commit()


# ------------------------------------------------------------- "something new"
def queue_news(session: Session, *, user_id: int) -> None:
    """After a notification for a young person: a "something new" message to each
    verified address they chose, at most one each ``NEWS_EVERY_HOURS``."""
    if not notify_configured(Settings()):
        return
    points = session.exec(
        select(ContactPoint).where(
            ContactPoint.user_id == user_id, col(ContactPoint.verified_at).is_not(None), col(ContactPoint.wants_news)
        )
    ).all()
    now = clock.now()
    slot = f"{now.date().isoformat()}:{now.hour // NEWS_EVERY_HOURS}"
    for point in points:
        jobs.enqueue(session, kind=SEND_JOB, payload={"point_id": point.id}, key=f"news:{point.id}:{slot}")


@jobs.handler(SEND_JOB)
def _send_news(session: Session, payload: dict[str, Any]) -> None:
    """ "Something new" to one verified address (never what, or from whom)."""
    settings = Settings()
    point = session.get(ContactPoint, payload["point_id"])
    if point is None or not notify_configured(settings) or point.verified_at is None or not point.wants_news:
        return  # removed, unverified or turned off since, or Notify turned off
    person = session.get(User, point.user_id)
    if person is None or not person.is_active:
        return
    tenant = session.get(Tenant, person.tenant_id)
    address = settings.url_for(tenant.slug if tenant else None)
    deliver(settings, point, NEWS_SUBJECT, NEWS_BODY, link=f"{address}/inbox")


def deliver(settings: Settings, point: ContactPoint, subject: str, body: str, **values: object) -> None:
    """Send ``subject`` and ``body`` (untranslated message ids, ``body`` with
    ``{name}`` fields filled from ``values``) in the point's language."""
    gettext = translations(point.lang or "en").gettext
    subject, body = gettext(subject), gettext(body).format(**values)
    client = notify_client(settings)
    try:
        if point.kind == "email":
            client.send_email_notification(
                email_address=point.address,
                template_id=settings.notify_email_template_id,
                personalisation={"subject": subject, "body": body},
            )
        else:
            client.send_sms_notification(
                phone_number=point.address, template_id=settings.notify_sms_template_id, personalisation={"body": body}
            )
    except (HTTPError, OSError) as exc:
        raise NotSent(f"GOV.UK Notify did not take the message: {type(exc).__name__}") from None


INVITES_PER_HOUR = 20  # per member of staff: Notify is not a relay for anyone's messages


def send_invite(
    session: Session,
    *,
    actor: Actor,
    young_person_id: int,
    kind: str,
    address: str,
    settings: Settings,
    base_url: str,
    lang: str = "en",
) -> str:
    """Make an invite for a young person on the actor's caseload and send its link by
    text or email, in ``lang``; returns the address it went to. The address is not
    kept (the young person can add it themselves once in). If Notify does not take
    the message, no invite is made. Raises ``InputError`` on ``invite_kind`` or
    ``invite_address``. Commits."""
    if not notify_configured(settings):
        raise InputError("invite_address", m.NOT_AVAILABLE)
    if kind not in KINDS:
        raise InputError("invite_kind", m.INVITE_KIND_REQUIRED)
    try:
        normalised = normalise(kind, address)
    except InputError as exc:
        raise InputError("invite_address", exc.errors["address"]) from None
    young_person = identity.young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
    if not ratelimit.hit(
        session, f"invite-send:{actor.user_id}", limit=INVITES_PER_HOUR, window=timedelta(hours=1)
    ).allowed:
        session.commit()
        raise InputError("invite_address", m.INVITE_TOO_MANY)
    tenant = identity.tenant_get(session, tenant_id=actor.tenant_id)
    invite, code = identity.invite_issue(session, actor=actor, young_person=young_person)
    until = format_date(clock.as_utc(invite.expires_at).astimezone(workdays.UK).date(), "d MMMM y", locale=lang)
    point = ContactPoint(
        tenant_id=tenant.id or 0, user_id=young_person.id or 0, kind=kind, address=normalised, lang=lang
    )
    try:
        deliver(
            settings,
            point,
            m.INVITE_SUBJECT,
            m.INVITE_BODY,
            council=tenant.name,
            link=f"{base_url}/join/{code}",
            date=until,
        )
    except NotSent:
        session.rollback()
        raise InputError("invite_address", m.INVITE_NOT_SENT) from None
    audit_record(session, actor=actor, action="invite.sent", subject_id=young_person.id, object_type=kind)
    session.commit()
    return normalised


def _hash(code: str, settings: Settings) -> str:
    assert settings.secret_key is not None
    return hmac.new(settings.secret_key.get_secret_value().encode(), code.encode(), hashlib.sha256).hexdigest()


def _require_young_person(actor: Actor, kind: str | None = None) -> None:
    if not actor.is_young_person or (kind is not None and kind not in KINDS):
        raise NotFound()

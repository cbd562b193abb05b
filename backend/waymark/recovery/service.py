"""Forgotten passphrase, without the adviser, for a young person with a checked email
or mobile (notifications/contact_points.py):

1. They give their username. Whatever it is, the page says the same thing, so it never
   tells anyone whether a username exists. For a real one with a checked address, a job
   makes a 6-digit code, keeps only its keyed hash (15 minutes, 5 tries) and sends it to
   each checked address through GOV.UK Notify.
2. They give the username, the code and a new passphrase. Every session of theirs ends
   and they are signed in here.

Without a checked address, the page tells them to ask their adviser for a new invite.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from waymark import clock, ratelimit
from waymark.audit.service import audit_record
from waymark.errors import InputError
from waymark.identity import messages as identity_messages
from waymark.identity.models import AuthSession, User
from waymark.identity.passphrase import hash_passphrase, passphrase_problem
from waymark.identity.service import young_person_named
from waymark.jobs import service as jobs
from waymark.notifications import contact_points
from waymark.notifications.models import ContactPoint
from waymark.recovery import messages as m
from waymark.recovery.models import PassphraseReset
from waymark.settings import Settings
from waymark.web.i18n import N_

CODE_MINUTES = 15
CODE_TRIES = 5
REQUESTS_PER_HOUR = 3  # per username (whether or not it exists)
REQUESTS_PER_HOUR_PER_ADDRESS = 20  # per connecting address
SEND_JOB = "recovery.send_code"
RESET_SUBJECT = N_("Set a new Waymark passphrase")
RESET_BODY = N_(
    "Your code to set a new Waymark passphrase is {code}. It works for {minutes} minutes. "
    "If you did not ask for it, tell your adviser."
)


def request_code(session: Session, *, username: str, ip: str, settings: Settings, council: str | None = None) -> None:
    """Step 1. Raises ``InputError`` only for an empty username or too many asks; the
    rest looks the same whatever the username. Commits."""
    name = username.strip().lower()[:40]
    if not name:
        raise InputError("username", m.USERNAME_REQUIRED)
    hour = timedelta(hours=1)
    for key, limit in ((f"reset-ip:{ip}", REQUESTS_PER_HOUR_PER_ADDRESS), (f"reset-user:{name}", REQUESTS_PER_HOUR)):
        if not ratelimit.hit(session, key, limit=limit, window=hour).allowed:
            raise InputError("username", m.TOO_MANY)
    user = young_person_named(session, name, council=council)
    if user is not None and user.is_active and contact_points.notify_configured(settings):
        # The job makes and sends the code, so the time sending takes never shows here.
        jobs.enqueue(session, kind=SEND_JOB, payload={"user_id": user.id})
        audit_record(session, action="passphrase.reset_requested", tenant_id=user.tenant_id, subject_id=user.id)
    session.commit()


@jobs.handler(SEND_JOB)
def _send_code(session: Session, payload: dict[str, Any]) -> None:
    settings = Settings()
    user = session.get(User, payload["user_id"])
    if user is None or not user.is_active or not contact_points.notify_configured(settings):
        return
    points = session.exec(
        select(ContactPoint).where(ContactPoint.user_id == user.id, col(ContactPoint.verified_at).is_not(None))
    ).all()
    if not points:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    reset = session.get(PassphraseReset, user.id) or PassphraseReset(user_id=user.id or 0, code_hash="")
    reset.code_hash, reset.tries = _hash(code, settings), 0
    reset.expires_at = clock.now() + timedelta(minutes=CODE_MINUTES)
    session.add(reset)
    for point in points:
        contact_points.deliver(settings, point, RESET_SUBJECT, RESET_BODY, code=code, minutes=CODE_MINUTES)


def reset_passphrase(
    session: Session,
    *,
    username: str,
    code: str,
    passphrase: str,
    confirm: str,
    settings: Settings,
    council: str | None = None,
) -> User:
    """Step 2. Raises ``InputError`` with every field's problem; a wrong code counts
    as a try. Ends every session of theirs. Commits."""
    name = username.strip().lower()[:40]
    errors: dict[str, str] = {}
    if not name:
        errors["username"] = m.USERNAME_REQUIRED
    user = young_person_named(session, name, council=council) if name else None
    reset = session.get(PassphraseReset, user.id) if user is not None else None
    code = re.sub(r"\s", "", code)
    good_code = (
        reset is not None
        and reset.tries < CODE_TRIES
        and reset.expires_at > clock.now()
        and re.fullmatch(r"\d{6}", code) is not None
        and hmac.compare_digest(reset.code_hash, _hash(code, settings))
    )
    if not good_code:
        errors["code"] = m.CODE_NOT_RIGHT
    problem = (
        passphrase_problem(passphrase, username=name or None) if passphrase else identity_messages.PASSPHRASE_REQUIRED
    )
    if problem:
        errors["passphrase"] = problem
    if not confirm:
        errors["confirm"] = identity_messages.CONFIRM_REQUIRED
    elif confirm != passphrase:
        errors["confirm"] = identity_messages.PASSPHRASE_MISMATCH
    if errors:
        if reset is not None and not good_code:
            reset.tries += 1
            session.add(reset)
            session.commit()
        raise InputError.of(errors)
    assert user is not None
    user.passphrase_hash = hash_passphrase(passphrase)
    session.add(user)
    session.exec(delete(PassphraseReset).where(col(PassphraseReset.user_id) == user.id))  # type: ignore[call-overload]
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user.id))  # type: ignore[call-overload]
    ratelimit.forget(session, f"signin-account:{name}")
    audit_record(session, action="passphrase.reset", tenant_id=user.tenant_id, subject_id=user.id)
    session.commit()
    return user


def _hash(code: str, settings: Settings) -> str:
    if settings.secret_key is None and settings.demo_mode:
        settings = settings.check()  # the demo's secret, kept in var/, as the app uses
    assert settings.secret_key is not None, "WAYMARK_SECRET_KEY is not set"
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, b"passphrase-reset:" + code.encode(), hashlib.sha256).hexdigest()

"""Identity rules: sign-in (young people and staff), throttling, invites, caseloads.

Plain functions taking a database session and keyword arguments; no HTTP here.
Failures are the exceptions below, each carrying a message constant for the page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from waymark import clock, ratelimit
from waymark.audit.service import audit_record
from waymark.errors import Forbidden, InputError, NotFound
from waymark.identity import idp_roles
from waymark.identity import messages as m
from waymark.identity.actor import Actor
from waymark.identity.models import STAFF, YOUNG_PERSON, Assignment, AuthSession, Invite, Tenant, User, UserRole
from waymark.identity.passphrase import (
    USERNAME_RE,
    hash_passphrase,
    needs_rehash,
    passphrase_problem,
    sign_in_slot,
    verify_passphrase,
)
from waymark.identity.permissions import COUNCIL_RECORDS_VIEW
from waymark.settings import Settings


class IdentityError(Exception):
    """A failure with a message for the person (a message constant)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SignInFailed(IdentityError):
    pass


class Throttled(IdentityError):
    def __init__(self, message: str, *, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


class InviteInvalid(IdentityError):
    pass


class StaffNotRecognised(IdentityError):
    pass


# ------------------------------------------------------------------ throttling
def throttle(session: Session, *, key: str, limit: int, settings: Settings, grows: bool = False) -> None:
    """Count one attempt at ``key`` (atomically, before the work) and raise
    ``Throttled`` past ``limit`` in the login window. Commits."""
    window = timedelta(seconds=settings.login_window_seconds)
    decision = ratelimit.hit(session, key, limit=limit, window=window, grows=grows)
    if not decision.allowed:
        raise Throttled(m.TOO_MANY_TRIES, retry_after=decision.retry_after)


# ------------------------------------------------------------- young people
# OWASP's device cookie: a browser that has signed in to an account carries a token
# bound to that account and its passphrase. Its failures count against that token
# alone, so guesses from other devices never slow the owner's own phone; every other
# device is counted per account and per address, in windows that grow. A new
# passphrase (a new invite) turns every earlier device token off.
DEVICE_COOKIE = "waymark_device"


def _device_mac(secret: str, user: User, nonce: str) -> str:
    bound = hashlib.sha256((user.passphrase_hash or "").encode()).hexdigest()
    return hmac.new(secret.encode(), f"{user.id}:{nonce}:{bound}".encode(), hashlib.sha256).hexdigest()[:32]


def device_token(user: User, *, settings: Settings) -> str:
    """A new device token for a browser that has just signed in as ``user``."""
    assert settings.secret_key is not None
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_device_mac(settings.secret_key.get_secret_value(), user, nonce)}"


def _trusted_device(token: str | None, user: User | None, settings: Settings) -> str | None:
    """The device's nonce if ``token`` is this account's, for its current passphrase."""
    if not token or user is None or len(token) > 80 or "." not in token:
        return None
    assert settings.secret_key is not None
    nonce, mac = token.split(".", 1)
    expected = _device_mac(settings.secret_key.get_secret_value(), user, nonce)
    return nonce if hmac.compare_digest(mac, expected) else None


def young_person_named(session: Session, username: str, *, council: str | None = None) -> User | None:
    """The young person with this (lower-case) username; on a council's own host
    (``council``, its slug), only that council's."""
    query = select(User).where(User.username == username, User.kind == YOUNG_PERSON)
    if council is not None:
        query = query.join(Tenant, col(Tenant.id) == User.tenant_id).where(Tenant.slug == council)
    return session.exec(query).first()


def young_person_sign_in(
    session: Session,
    *,
    username: str,
    passphrase: str,
    ip: str,
    settings: Settings,
    device: str | None = None,
    council: str | None = None,
) -> User:
    """Check a young person's username and passphrase. Each attempt is counted before
    the passphrase is checked: against the device token when it is this account's
    (``device``), otherwise per account and per IP address. Raises ``Throttled``,
    ``HasherBusy`` (too many sign-ins at once) or ``SignInFailed`` (the same message,
    and the same time, whether or not the username exists). On a council's own host
    (``council``, its slug) another council's young person is not known."""
    username = username.strip().lower()
    user = young_person_named(session, username, council=council)
    nonce = _trusted_device(device, user, settings)
    keys = (
        [(f"signin-device:{nonce}", settings.login_device_limit)]
        if nonce
        else [
            (f"signin-account:{username}", settings.login_account_limit),
            (f"signin-ip:{ip}", settings.login_ip_limit),
        ]
    )
    for key, limit in keys:
        throttle(session, key=key, limit=limit, settings=settings, grows=True)
    with sign_in_slot():
        ok = verify_passphrase(user.passphrase_hash if user else None, passphrase)
    if not ok or user is None or not user.is_active:
        raise SignInFailed(m.SIGN_IN_FAILED)
    for key, _limit in keys:
        ratelimit.forgive(session, key)  # counted as a failure only if it failed
    assert user.passphrase_hash is not None
    if needs_rehash(user.passphrase_hash):
        user.passphrase_hash = hash_passphrase(passphrase)
        session.add(user)
    _audit_sign_in(session, user, method="passphrase")
    return user


# -------------------------------------------------------------------- staff
def staff_for_oidc(
    session: Session, *, claims: dict[str, Any], council: str | None = None, own_idp: frozenset[str] = frozenset()
) -> User:
    """The staff member an OIDC identity belongs to, matched by verified email only.
    Unknown emails do not get an account. ``council``: the slug of the council whose
    own host this is (only its staff sign in there, through its own provider if it is
    in ``own_idp``); on the shared address, staff of councils in ``own_idp`` are
    refused, since the deployment's provider does not speak for them."""
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        raise StaffNotRecognised(m.STAFF_UNKNOWN)
    if claims.get("email_verified") is not True:
        raise StaffNotRecognised(m.STAFF_EMAIL_UNVERIFIED)
    user = session.exec(select(User).where(User.email == email, User.kind == STAFF)).first()
    if user is None and session.exec(select(User.id).where(User.email == email)).first() is None:
        leave_out = own_idp if council is None else None
        found = idp_roles.council_for_new_staff(session, claims, only=council, not_in=leave_out)
        if found is not None:  # the provider says they are this council's staff
            user = idp_roles.provision(session, tenant=found, email=email, claims=claims)
    if user is not None and not _signs_in_here(session, user, council, own_idp):
        user = None
    if user is None or not user.is_active:
        audit_record(session, action="session.sign_in_refused", detail={"email_domain": email.rsplit("@", 1)[-1]})
        session.commit()
        raise StaffNotRecognised(m.STAFF_UNKNOWN)
    if tenant_get(session, tenant_id=user.tenant_id).require_mfa and not mfa_claimed(claims):
        audit_record(
            session,
            action="session.sign_in_refused",
            actor=_actor_of(user),
            detail={"reason": "no_mfa", "amr": _strings(claims.get("amr")), "acr": str(claims.get("acr") or "")[:100]},
        )
        session.commit()
        raise StaffNotRecognised(m.STAFF_MFA_REQUIRED)
    try:
        idp_roles.follow_claims(session, user=user, tenant=tenant_get(session, tenant_id=user.tenant_id), claims=claims)
    except idp_roles.NoRole:
        raise StaffNotRecognised(m.STAFF_NO_ROLE) from None
    user.last_signed_in_at = clock.now()
    session.add(user)
    _audit_sign_in(session, user, method="oidc")
    return user


def _signs_in_here(session: Session, user: User, council: str | None, own_idp: frozenset[str]) -> bool:
    slug = tenant_get(session, tenant_id=user.tenant_id).slug
    return slug == council if council is not None else slug not in own_idp


# RFC 8176 authentication method references. "mfa" says it outright; otherwise a
# possession or inherence factor with any other method is two factors.
_SECOND_FACTORS = frozenset({"otp", "hwk", "swk", "sms", "tel", "sc", "fpt", "face", "iris", "retina", "vbm"})
# acr values that mean multi-factor (OpenID PAPE, and the common REFEDS profile).
MFA_ACR_VALUES = frozenset(
    {
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
        "https://refeds.org/profile/mfa",
        "mfa",
    }
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v)[:40] for v in value[:10]]
    return []


def mfa_claimed(claims: dict[str, Any]) -> bool:
    """Does the ID token show multi-factor authentication (``amr`` or ``acr``)?"""
    amr = {v.lower() for v in _strings(claims.get("amr"))}
    if "mfa" in amr or (amr & _SECOND_FACTORS and len(amr) >= 2):
        return True
    return str(claims.get("acr") or "") in MFA_ACR_VALUES


def _audit_sign_in(session: Session, user: User, *, method: str) -> None:
    audit_record(
        session,
        action="session.sign_in",
        actor=_actor_of(user),
        object_type="user",
        object_id=user.id,
        detail={"method": method},
    )


def _actor_of(user: User) -> Actor:
    assert user.id is not None
    return Actor(user_id=user.id, tenant_id=user.tenant_id, kind=user.kind, display_name=user.display_name)


# ------------------------------------------------------------------ caseload
@dataclass(frozen=True)
class CaseloadEntry:
    young_person: User
    assignment: Assignment

    @property
    def has_account(self) -> bool:
        return self.young_person.passphrase_hash is not None


def assignment_current_on(day: date) -> Any:
    """The condition for an assignment that is current on ``day`` (started, not ended),
    for a query's ``where``: the one definition of "their worker today"."""
    return (col(Assignment.starts_on) <= day) & or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) >= day)


def caseload_for(session: Session, *, actor: Actor) -> list[CaseloadEntry]:
    """The young people this worker is assigned to today, in their own council."""
    rows = session.exec(
        select(User, Assignment)
        .join(Assignment, col(Assignment.young_person_id) == col(User.id))
        .where(
            Assignment.worker_id == actor.user_id,
            Assignment.tenant_id == actor.tenant_id,
            User.tenant_id == actor.tenant_id,
            assignment_current_on(clock.today()),
        )
        .order_by(col(User.display_name))
    ).all()
    return [CaseloadEntry(young_person=u, assignment=a) for u, a in rows]


def young_person_for_worker(session: Session, *, actor: Actor, young_person_id: int, audit: bool = True) -> User:
    """A young person this member of staff may see: on their current caseload, or any
    young person in their council for a manager. Another council's (or a missing)
    record is ``NotFound``; one in the same council but not theirs is ``Forbidden``.
    Each view, and each refusal, is written to the audit log."""
    user = session.get(User, young_person_id)
    if user is None or user.tenant_id != actor.tenant_id or user.kind != YOUNG_PERSON:
        raise NotFound()
    if not (
        actor.can(COUNCIL_RECORDS_VIEW) or is_current_worker(session, actor=actor, young_person_id=young_person_id)
    ):
        audit_record(session, actor=actor, action="young_person.view_refused", subject_id=young_person_id)
        session.commit()
        raise Forbidden()
    if audit:
        audit_record(
            session,
            actor=actor,
            action="young_person.view",
            subject_id=young_person_id,
            object_type="user",
            object_id=young_person_id,
        )
        session.commit()
    return user


def young_person_for_current_worker(
    session: Session, *, actor: Actor, young_person_id: int, audit: bool = False
) -> User:
    """A young person on the actor's caseload today, for changes made on their behalf:
    managers may look (``young_person_for_worker``) but only the young person's own
    worker may act. ``NotFound`` or ``Forbidden`` otherwise; the caller audits what it
    changes (``audit`` records the view, for a page that only shows)."""
    young_person = young_person_for_worker(session, actor=actor, young_person_id=young_person_id, audit=audit)
    if not is_current_worker(session, actor=actor, young_person_id=young_person_id):
        raise Forbidden()
    return young_person


def is_current_worker(session: Session, *, actor: Actor, young_person_id: int) -> bool:
    """Is the actor assigned to this young person today?"""
    found = session.exec(
        select(Assignment.id).where(
            Assignment.worker_id == actor.user_id,
            Assignment.young_person_id == young_person_id,
            Assignment.tenant_id == actor.tenant_id,
            assignment_current_on(clock.today()),
        )
    ).first()
    return found is not None


def current_workers(session: Session, *, young_person_id: int) -> list[User]:
    """The workers assigned to a young person today, longest-standing first."""
    rows = session.exec(
        select(User)
        .join(Assignment, col(Assignment.worker_id) == col(User.id))
        .where(Assignment.young_person_id == young_person_id, assignment_current_on(clock.today()))
        .order_by(col(Assignment.starts_on))
    ).all()
    return list(rows)


def staff_with_roles(session: Session, *, tenant_id: int, roles: Sequence[str]) -> list[User]:
    """Active staff of a council holding any of ``roles``, in a stable order."""
    return list(
        session.exec(
            select(User)
            .join(UserRole, col(UserRole.user_id) == col(User.id))
            .where(User.tenant_id == tenant_id, col(UserRole.role).in_(list(roles)), col(User.is_active).is_(True))
            .order_by(col(User.id))
            .distinct()
        ).all()
    )


def display_names(session: Session, *, user_ids: set[int]) -> dict[int, str]:
    """Full names for a set of user ids (one query), for history and audit pages."""
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(sorted(user_ids)))).all()
    return {user_id: name for user_id, name in rows if user_id is not None}


def tenant_get(session: Session, *, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant


# -------------------------------------------------------------------- invites
# Crockford's base32 alphabet: no I, L, O or U, which people misread.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12  # 60 bits


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:40]


def _hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read out or copy from paper."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def invite_create(session: Session, *, actor: Actor, young_person_id: int) -> tuple[Invite, str]:
    """A new one-time invite for a young person on the actor's caseload. Earlier unused
    invites for the same person stop working. Returns the invite and its code (shown
    once; only its hash is kept)."""
    young_person = young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
    invite, code = invite_issue(session, actor=actor, young_person=young_person)
    session.commit()
    return invite, code


def invite_issue(session: Session, *, actor: Actor, young_person: User) -> tuple[Invite, str]:
    """Make an invite (the caller has checked the actor may, and commits): earlier
    open invites for this person are cancelled, and the code is returned once."""
    tenant = tenant_get(session, tenant_id=actor.tenant_id)
    now = clock.now()
    assert young_person.id is not None and young_person.tenant_id == actor.tenant_id
    for old in session.exec(
        select(Invite).where(
            Invite.young_person_id == young_person.id,
            col(Invite.used_at).is_(None),
            col(Invite.cancelled_at).is_(None),
            Invite.expires_at > now,
        )
    ).all():
        old.cancelled_at = now
        session.add(old)
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    invite = Invite(
        tenant_id=actor.tenant_id,
        young_person_id=young_person.id,
        created_by_id=actor.user_id,
        code_hash=_hash_code(code),
        created_at=now,
        expires_at=now + timedelta(days=tenant.invite_days),
    )
    session.add(invite)
    session.flush()
    audit_record(
        session,
        actor=actor,
        action="invite.create",
        subject_id=young_person.id,
        object_type="invite",
        object_id=invite.id,
    )
    return invite, code


def invite_open(session: Session, *, code: str, council: str | None = None) -> tuple[Invite, User]:
    """The invite for ``code`` and its young person, if it can still be used (on a
    council's own host, only that council's invites)."""
    invite = session.exec(select(Invite).where(Invite.code_hash == _hash_code(code))).first()
    if invite is not None and council is not None and tenant_get(session, tenant_id=invite.tenant_id).slug != council:
        invite = None
    if invite is None:
        raise InviteInvalid(m.INVITE_UNKNOWN)
    if invite.used_at is not None:
        raise InviteInvalid(m.INVITE_USED)
    if invite.cancelled_at is not None:
        raise InviteInvalid(m.INVITE_CANCELLED)
    if clock.now() >= invite.expires_at:
        raise InviteInvalid(m.INVITE_EXPIRED)
    user = session.get(User, invite.young_person_id)
    if user is None or not user.is_active:
        raise InviteInvalid(m.INVITE_UNKNOWN)
    return invite, user


def invite_accept(
    session: Session, *, code: str, username: str | None, passphrase: str, council: str | None = None
) -> User:
    """Use an invite: set the young person's passphrase (and username, if they have
    none yet). The invite works once. Raises ``InviteInvalid`` or ``InputError``."""
    invite, user = invite_open(session, code=code, council=council)
    if user.username is None:
        chosen = (username or "").strip().lower()
        if not chosen:
            raise InputError("username", m.USERNAME_REQUIRED)
        if not USERNAME_RE.match(chosen):
            raise InputError("username", m.USERNAME_INVALID)
        if session.exec(select(User.id).where(User.username == chosen)).first() is not None:
            raise InputError("username", m.USERNAME_TAKEN)
    else:
        chosen = user.username
    problem = passphrase_problem(passphrase, username=chosen)
    if problem:
        raise InputError("passphrase", problem)
    # Claim the invite with a conditional update, so two uses at once cannot both win.
    claimed = session.execute(
        update(Invite).where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None)).values(used_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InviteInvalid(m.INVITE_USED)
    user.username = chosen
    user.passphrase_hash = hash_passphrase(passphrase)
    session.add(user)
    # A new passphrase is what an adviser gives for a lost or stolen phone: every
    # browser signed in before stops working (device tokens are bound to the old one).
    session.execute(delete(AuthSession).where(col(AuthSession.user_id) == user.id))
    audit_record(
        session,
        action="invite.accept",
        actor=_actor_of(user),
        subject_id=user.id,
        object_type="invite",
        object_id=invite.id,
    )
    session.commit()
    return user

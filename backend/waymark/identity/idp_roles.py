"""Staff roles from the council's identity provider.

A council maps values of one ID-token claim (``Tenant.role_claim``, e.g. Entra ID's
``groups`` ids or app ``roles``) to Waymark roles (``Tenant.role_mapping``). With a
mapping set, at every staff sign-in:

- claims that map to roles: the account's roles become exactly those (and the account
  is marked as managed by the provider, ``User.roles_from_idp``); someone the council
  does not know yet gets an account, when exactly one council maps their claims;
- claims that map to nothing: an account the provider manages is refused and its
  sessions end; an account added by hand keeps its roles, as before mappings.

Without a mapping nothing changes: roles are set by hand in /staff/admin/staff.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, delete, or_, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.errors import InputError
from waymark.identity import messages as m
from waymark.identity.models import STAFF, AuthSession, Tenant, User, UserRole
from waymark.identity.permissions import STAFF_ROLES

DEFAULT_CLAIM = "groups"
MAX_VALUES = 200  # claim values read from one token (Entra ID sends at most 200 groups)
_CLAIM_NAME = re.compile(r"^[A-Za-z0-9_.:/-]{1,60}$")
_LINE = re.compile(r"^\s*(?P<value>[^=]{1,200}?)\s*=\s*(?P<roles>.+?)\s*$")


def claim_values(claims: dict[str, Any], claim: str) -> list[str]:
    """The claim's values as strings (a list, or one string)."""
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value[:MAX_VALUES] if isinstance(v, str | int)]
    return []


def mapped_roles(tenant: Tenant, claims: dict[str, Any]) -> list[str] | None:
    """The roles the claims grant in ``tenant``, in STAFF_ROLES order; None when the
    council maps no claims (roles are managed by hand)."""
    if not tenant.role_mapping:
        return None
    granted = {role for v in claim_values(claims, tenant.role_claim) for role in tenant.role_mapping.get(v, [])}
    return [r for r in STAFF_ROLES if r in granted]


# ------------------------------------------------------------ the settings form
def mapping_text(mapping: dict[str, list[str]]) -> str:
    return "\n".join(f"{value} = {', '.join(roles)}" for value, roles in mapping.items())


def parse_mapping(text: str) -> tuple[dict[str, list[str]], str | None]:
    """``value = role, role`` a line (blank lines and # comments ignored) into the
    mapping, or the first problem's message."""
    mapping: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            return {}, m.ROLE_MAPPING_LINE
        roles = [r.strip() for r in match["roles"].split(",") if r.strip()]
        unknown = [r for r in roles if r not in STAFF_ROLES]
        if not roles or unknown:
            return {}, m.ROLE_MAPPING_ROLE
        value = match["value"]
        mapping[value] = sorted({*mapping.get(value, []), *roles}, key=STAFF_ROLES.index)
        if len(mapping) > 500 or number > 2000:
            return {}, m.ROLE_MAPPING_TOO_MANY
    return mapping, None


def check_claim_name(text: str) -> str:
    name = text.strip() or DEFAULT_CLAIM
    if not _CLAIM_NAME.match(name):
        raise InputError.of({"role_claim": m.ROLE_CLAIM_INVALID})
    return name


# ------------------------------------------------------------------ sign-in
class NoRole(Exception):
    """The provider says this person has no Waymark role (their sessions have ended)."""


def council_for_new_staff(
    session: Session, claims: dict[str, Any], *, only: str | None = None, not_in: frozenset[str] | None = None
) -> Tenant | None:
    """The one council whose mapping grants these claims a role (None if none, or if
    more than one would: a person is staff in one council). ``only``: look at that
    council alone (its own host); ``not_in``: leave out councils with their own provider."""
    query = select(Tenant)
    if only is not None:
        query = query.where(Tenant.slug == only)
    councils = [t for t in session.exec(query).all() if not (not_in and t.slug in not_in)]
    found = [t for t in councils if mapped_roles(t, claims)]  # ~150 councils at most
    return found[0] if len(found) == 1 else None


def provision(session: Session, *, tenant: Tenant, email: str, claims: dict[str, Any]) -> User:
    """An account for someone the provider says is staff of ``tenant``."""
    name = str(claims.get("name") or "").strip()[:160] or email.split("@", 1)[0]
    user = User(
        tenant_id=tenant.id or 0,
        kind=STAFF,
        display_name=name.split()[0][:80],
        full_name=name,
        email=email,
        roles_from_idp=True,
    )
    session.add(user)
    session.flush()
    audit_record(session, action="staff.create_from_idp", tenant_id=tenant.id, object_type="user", object_id=user.id)
    return user


def follow_claims(session: Session, *, user: User, tenant: Tenant, claims: dict[str, Any]) -> None:
    """Make ``user``'s roles follow the claims (see the module docstring). Raises
    ``NoRole`` after ending their sessions when the provider grants none."""
    roles = mapped_roles(tenant, claims)
    if roles is None or (not roles and not user.roles_from_idp):
        return  # no mapping, or an account added by hand: as before
    held = sorted(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all(), key=STAFF_ROLES.index)
    if roles != held:
        session.exec(delete(UserRole).where(col(UserRole.user_id) == user.id))  # type: ignore[call-overload]
        session.add_all(UserRole(user_id=user.id or 0, role=r) for r in roles)
        audit_record(
            session,
            action="staff.roles_from_idp",
            tenant_id=tenant.id,
            object_type="user",
            object_id=user.id,
            detail={"before": held, "after": roles},
        )
    user.roles_from_idp = True
    session.add(user)
    if not roles:
        session.exec(delete(AuthSession).where(col(AuthSession.user_id) == user.id))  # type: ignore[call-overload]
        audit_record(
            session,
            action="session.sign_in_refused",
            tenant_id=tenant.id,
            object_type="user",
            object_id=user.id,
            detail={"reason": "no_role_from_idp"},
        )
        session.commit()
        raise NoRole


# -------------------------------------------------------------- stale accounts
def stale_staff(session: Session, *, tenant: Tenant, today: date | None = None) -> list[User]:
    """Active staff not signed in for the council's number of days (or never, and made
    that long ago), longest first: for the admin to turn off."""
    today = today or clock.today()
    line = datetime.combine(today - timedelta(days=tenant.stale_staff_days), time(0, tzinfo=UTC))
    rows = session.exec(
        select(User)
        .where(User.tenant_id == tenant.id, User.kind == STAFF, col(User.is_active).is_(True))
        .where(
            or_(
                col(User.last_signed_in_at) < line,
                col(User.last_signed_in_at).is_(None) & (col(User.created_at) < line),
            )
        )
    ).all()
    return sorted(rows, key=lambda u: u.last_signed_in_at or u.created_at)

"""Council administration: settings and staff accounts. Plain functions, no HTTP.

Every change is audited with what it was and what it became, and takes effect at once
(features read the tenant row on each request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, select

from waymark import clock
from waymark.admin import messages as m
from waymark.audit.service import audit_record
from waymark.errors import InputError
from waymark.identity import idp_roles
from waymark.identity.actor import Actor
from waymark.identity.models import STAFF, Assignment, AuthSession, Tenant, User, UserRole
from waymark.identity.permissions import COUNCIL_ADMIN, STAFF_ROLES, Forbidden, roles_grant, roles_with
from waymark.identity.service import NotFound, assignment_current_on, staff_with_roles
from waymark.notifications import service as notifications
from waymark.retention import service as retention
from waymark.safeguarding import service as safeguarding


def require_admin(actor: Actor) -> None:
    """Council admin work is for the admin role only (routes check the permission too)."""
    if not actor.can(COUNCIL_ADMIN):
        raise Forbidden()


# ------------------------------------------------------------------ colours
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


# ----------------------------------------------------------------- settings
# Numbers a council may set: (low, high). The law caps some: plan reviews at most every
# 6 months, visits at most every 2 months where the council provides the home (FACTS.md).
NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "contact_interval_weeks": (1, 12),
    "accommodated_contact_interval_months": (1, 2),
    "reach_answer_working_days": (1, 10),
    "first_contact_working_days": (1, 20),
    "safeguarding_ack_minutes": (5, 1440),
    "moderation_unread_hours": (1, 168),
    "disclosure_threshold": (3, 20),
    "export_threshold": (3, 50),
    "reading_age_target": (9, 16),
    "review_interval_months": (1, 6),
    "invite_days": (1, 60),
    **retention.LIMITS,
    "stale_staff_days": (7, 730),
    "setting_up_home_from_age": (16, 18),
}
TEXT_LIMITS = {
    "duty_phone": 40,
    "contact_email": 254,
    "website": 200,
    "address": 300,
    "dpo_email": 254,
    "ico_registration": 20,
}
_ICO_REGISTRATION = re.compile(r"^[A-Z]{1,2}[0-9]{6,8}$")
LEAD_FIELDS = ("safeguarding_lead_id", "safeguarding_deputy_id")
FLAGS = ("require_mfa", "moderation_working_hours_only")
SETTING_FIELDS = ["name", "brand_colour", *LEAD_FIELDS, *FLAGS, *NUMBER_RANGES, *TEXT_LIMITS, "role_claim"]
_PHONE = re.compile(r"^[0-9 +()\-]{6,40}$")


def _clean_email(value: str) -> str:
    return validate_email(value.strip(), check_deliverability=False).normalized.lower()


def settings_values(tenant: Tenant) -> dict[str, str]:
    """The tenant's settings as form values."""
    values = {name: "" if getattr(tenant, name) is None else str(getattr(tenant, name)) for name in SETTING_FIELDS}
    for flag in FLAGS:
        values[flag] = "yes" if getattr(tenant, flag) else ""
    values["welsh"] = "yes" if "cy" in tenant.languages else ""
    values["role_mapping"] = idp_roles.mapping_text(tenant.role_mapping)
    return values


def settings_update(session: Session, *, actor: Actor, values: dict[str, str]) -> Tenant:
    """Check and save the council's settings (all or nothing). Raises ``InputError``."""
    require_admin(actor)
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    errors: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    new: dict[str, Any] = {}

    name = values.get("name", "").strip()
    if not name:
        errors["name"] = m.NAME_REQUIRED
    elif len(name) > 120:
        errors["name"] = m.NAME_TOO_LONG
    new["name"] = name

    colour = values.get("brand_colour", "").strip()
    if not _HEX.match(colour):
        errors["brand_colour"] = m.COLOUR_INVALID
    else:
        ratio = contrast_with_white(colour)
        if ratio < 4.5:
            errors["brand_colour"] = m.COLOUR_LOW_CONTRAST
            params["brand_colour"] = {"ratio": f"{ratio:.1f}"}
        new["brand_colour"] = colour.lower()

    for field, (low, high) in NUMBER_RANGES.items():
        text = values.get(field, "").strip()
        if not re.fullmatch(r"\d{1,6}", text):
            errors[field] = m.NUMBER_INVALID
        elif not low <= int(text) <= high:
            errors[field] = m.NUMBER_RANGE
            params[field] = {"low": low, "high": high}
        else:
            new[field] = int(text)
    if "export_threshold" in new and "disclosure_threshold" in new:
        if new["export_threshold"] < new["disclosure_threshold"]:
            errors["export_threshold"] = m.EXPORT_BELOW_SCREEN

    fit = {str(u.id) for u in safeguarding.lead_candidates(session, tenant_id=actor.tenant_id)}
    for field in LEAD_FIELDS:
        chosen = values.get(field, "").strip()
        if chosen and chosen not in fit:
            errors[field] = m.LEAD_INVALID
        new[field] = int(chosen) if chosen in fit else None
    if new["safeguarding_deputy_id"] is not None and new["safeguarding_deputy_id"] == new["safeguarding_lead_id"]:
        errors["safeguarding_deputy_id"] = m.DEPUTY_SAME

    for field, limit in TEXT_LIMITS.items():
        text = values.get(field, "").strip()
        if len(text) > limit:
            errors[field] = m.TEXT_TOO_LONG
            params[field] = {"max": limit}
            continue
        if text and field in ("contact_email", "dpo_email"):
            try:
                text = _clean_email(text)
            except EmailNotValidError:
                errors[field] = m.EMAIL_INVALID
        elif text and field == "website" and not re.fullmatch(r"https://[^\s/]+\.[^\s]+", text):
            errors[field] = m.WEBSITE_INVALID
        elif text and field == "duty_phone" and not _PHONE.match(text):
            errors[field] = m.PHONE_INVALID
        elif text and field == "ico_registration":
            text = text.upper().replace(" ", "")
            if not _ICO_REGISTRATION.match(text):
                errors[field] = m.ICO_REGISTRATION_INVALID
        new[field] = text or None
    for flag in FLAGS:
        new[flag] = values.get(flag) == "yes"
    new["languages"] = ["en", "cy"] if values.get("welsh") == "yes" else ["en"]
    try:
        new["role_claim"] = idp_roles.check_claim_name(values.get("role_claim", ""))
    except InputError as exc:
        errors.update(exc.errors)
    new["role_mapping"], problem = idp_roles.parse_mapping(values.get("role_mapping", "")[:100_000])
    if problem:
        errors["role_mapping"] = problem

    if errors:
        raise InputError.of(errors, params)
    changes = {k: [getattr(tenant, k), v] for k, v in new.items() if getattr(tenant, k) != v}
    if changes:
        for key, (_old, value) in changes.items():
            setattr(tenant, key, value)
        session.add(tenant)
        audit_record(
            session,
            actor=actor,
            action="council.settings_update",
            object_type="tenant",
            object_id=tenant.id,
            detail={"changes": changes},
        )
        session.commit()
    return tenant


@dataclass(frozen=True)
class RetentionPreview:
    next_run: Any
    counts: dict[str, int]
    cutoffs: dict[str, Any]


def retention_preview(session: Session, *, actor: Actor) -> RetentionPreview:
    """What the next daily retention run would do in the admin's council, if nothing
    changes before then (counted now, with the saved policy)."""
    require_admin(actor)
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    return RetentionPreview(
        next_run=retention.next_run(session),
        counts=retention.due(session, tenant).counts(),
        cutoffs=retention.cutoffs(tenant),
    )


# -------------------------------------------------------------------- staff
@dataclass(frozen=True)
class StaffRow:
    user: User
    roles: list[str]
    caseload: int


def council_staff(session: Session, *, tenant_id: int) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.tenant_id == tenant_id, User.kind == STAFF).order_by(col(User.full_name))
        ).all()
    )


def staff_rows(session: Session, *, actor: Actor) -> list[StaffRow]:
    """Every member of staff in the admin's council with roles and caseload size."""
    require_admin(actor)
    people = council_staff(session, tenant_id=actor.tenant_id)
    ids = [u.id for u in people]
    roles: dict[int, list[str]] = {}
    for user_id, role in session.exec(select(UserRole.user_id, UserRole.role).where(col(UserRole.user_id).in_(ids))):
        roles.setdefault(user_id, []).append(role)
    today = clock.today()
    counts: dict[int, int] = {}
    for worker_id in session.exec(
        select(Assignment.worker_id).where(
            col(Assignment.worker_id).in_(ids),
            assignment_current_on(today),
        )
    ):
        counts[worker_id] = counts.get(worker_id, 0) + 1
    return [
        StaffRow(
            user=u,
            roles=sorted(roles.get(u.id or 0, []), key=STAFF_ROLES.index),
            caseload=counts.get(u.id or 0, 0),
        )
        for u in people
    ]


def unused_staff(session: Session, *, actor: Actor) -> tuple[int, list[User]]:
    """Active staff who have not signed in for the council's number of days, for the
    admin to turn off: (the days, the people)."""
    require_admin(actor)
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    return tenant.stale_staff_days, idp_roles.stale_staff(session, tenant=tenant)


def staff_get(session: Session, *, actor: Actor, user_id: int) -> StaffRow:
    for row in staff_rows(session, actor=actor):
        if row.user.id == user_id:
            return row
    raise NotFound()


STAFF_TEXT_LIMITS = {"full_name": 160, "team": 80, "phone": 40, "availability": 120}


def _refuse_new_roles_for_self(session: Session, *, actor: Actor, chosen: list[str]) -> None:
    """An admin who gave themselves the manager role could open any record. Taking a
    role off oneself is allowed; adding one is refused, and the council's other admins
    are told (the refusal is committed, so it is kept)."""
    held = set(session.exec(select(UserRole.role).where(UserRole.user_id == actor.user_id)).all())
    added = sorted(set(chosen) - held)
    if not added:
        return
    audit_record(
        session,
        actor=actor,
        action="staff.self_roles_refused",
        object_type="user",
        object_id=actor.user_id,
        detail={"roles": added},
    )
    for other in staff_with_roles(session, tenant_id=actor.tenant_id, roles=roles_with(COUNCIL_ADMIN)):
        if other.id is not None and other.id != actor.user_id:
            notifications.notify(
                session,
                tenant_id=actor.tenant_id,
                user_id=other.id,
                kind="staff_self_roles",
                link=f"/staff/admin/staff/{actor.user_id}",
                params={"name": actor.display_name},
            )
    session.commit()
    raise InputError("roles", m.SELF_ROLES)


def staff_save(
    session: Session, *, actor: Actor, values: dict[str, str], roles: list[str], user_id: int | None = None
) -> User:
    """Add a member of staff (``user_id`` None) or change one. They sign in through the
    council's OIDC provider with this email. Raises ``InputError`` or ``NotFound``."""
    require_admin(actor)
    user = None
    if user_id is not None:
        user = staff_get(session, actor=actor, user_id=user_id).user
    errors: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    clean: dict[str, str | None] = {}
    for field, limit in STAFF_TEXT_LIMITS.items():
        text = values.get(field, "").strip()
        if len(text) > limit:
            errors[field] = m.TEXT_TOO_LONG
            params[field] = {"max": limit}
        clean[field] = text or None
    if not clean["full_name"] and "full_name" not in errors:
        errors["full_name"] = m.FULL_NAME_REQUIRED
    if clean["phone"] and not _PHONE.match(clean["phone"] or ""):
        errors["phone"] = m.PHONE_INVALID
    email = ""
    try:
        email = _clean_email(values.get("email", ""))
    except EmailNotValidError:
        errors["email"] = m.EMAIL_INVALID
    if email:
        taken = session.exec(select(User.id).where(User.email == email)).first()
        if taken is not None and (user is None or taken != user.id):
            errors["email"] = m.EMAIL_TAKEN
    chosen = sorted(set(roles), key=lambda r: STAFF_ROLES.index(r) if r in STAFF_ROLES else 99)
    if not chosen:
        errors["roles"] = m.ROLES_REQUIRED
    elif any(r not in STAFF_ROLES for r in chosen):
        errors["roles"] = m.ROLE_UNKNOWN
    if user is not None and not roles_grant(chosen, COUNCIL_ADMIN) and _is_last_admin(session, actor=actor, user=user):
        errors["roles"] = m.LAST_ADMIN
    if errors:
        raise InputError.of(errors, params)
    if user is not None and user.id == actor.user_id:
        _refuse_new_roles_for_self(session, actor=actor, chosen=chosen)

    before = None
    if user is None:
        full_name = clean["full_name"] or ""
        user = User(
            tenant_id=actor.tenant_id, kind=STAFF, full_name=full_name, display_name=full_name.split()[0], email=email
        )
    else:
        before = _staff_snapshot(session, user)
    user.full_name = clean["full_name"] or ""
    user.display_name = user.full_name.split()[0]
    user.email = email
    user.team, user.phone, user.availability = clean["team"], clean["phone"], clean["availability"]
    session.add(user)
    session.flush()
    assert user.id is not None
    held = set(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    for role in held - set(chosen):
        session.delete(session.get(UserRole, (user.id, role)))
    for role in set(chosen) - held:
        session.add(UserRole(user_id=user.id, role=role))
    after = {**_staff_snapshot(session, user), "roles": chosen}
    audit_record(
        session,
        actor=actor,
        action="staff.create" if before is None else "staff.update",
        object_type="user",
        object_id=user.id,
        detail={
            "changes": {
                k: [None if before is None else before.get(k), v]
                for k, v in after.items()
                if before is None or before.get(k) != v
            }
        },
    )
    session.commit()
    return user


def _staff_snapshot(session: Session, user: User) -> dict[str, Any]:
    roles = sorted(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    return {
        "full_name": user.full_name,
        "email": user.email,
        "team": user.team,
        "phone": user.phone,
        "availability": user.availability,
        "roles": roles,
    }


def _is_last_admin(session: Session, *, actor: Actor, user: User) -> bool:
    admins = {u.id for u in staff_with_roles(session, tenant_id=actor.tenant_id, roles=roles_with(COUNCIL_ADMIN))}
    return admins == {user.id}


def staff_set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """Turn a staff account off (their sessions end at once) or back on."""
    row = staff_get(session, actor=actor, user_id=user_id)
    user = row.user
    if not active:
        if user.id == actor.user_id:
            raise InputError.of({"active": m.SELF_DEACTIVATE})
        if roles_grant(row.roles, COUNCIL_ADMIN) and _is_last_admin(session, actor=actor, user=user):
            raise InputError.of({"active": m.LAST_ADMIN})
        if row.caseload:
            raise InputError.of({"active": m.HAS_CASELOAD}, {"active": {"name": user.full_name}})
        for auth in session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all():
            session.delete(auth)
    if user.is_active != active:
        user.is_active = active
        session.add(user)
        audit_record(
            session,
            actor=actor,
            action="staff.activate" if active else "staff.deactivate",
            object_type="user",
            object_id=user.id,
        )
        session.commit()
    return user

"""Setting up a council without SQL (``waymark council create`` and ``list``).

A new council starts with its first admin only: a staff account matched by email
when that person first signs in through the identity provider. They finish set-up in
/staff/admin (settings, safeguarding lead, staff, caseload import). Messages here are
for the person at the command line, so they are plain English and not translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func
from sqlmodel import Session, col, select

from waymark.audit.service import audit_record
from waymark.errors import InputError
from waymark.identity.models import STAFF, YOUNG_PERSON, Tenant, User, UserRole
from waymark.identity.permissions import FIRST_ADMIN_ROLE

SLUG = re.compile(r"[a-z][a-z0-9-]{1,58}[a-z0-9]")

SLUG_INVALID = "The short name must be 3 to 60 lower-case letters, digits or hyphens, starting with a letter."
SLUG_TAKEN = "There is already a council with the short name {slug!r}."
NAME_INVALID = "The council's name must be 1 to 120 characters."
EMAIL_INVALID = "The admin's email address is not valid: {reason}"
EMAIL_TAKEN = "{email} already has a Waymark account (in {council})."
ADMIN_NAME_INVALID = "The admin's name must be 1 to 160 characters."


@dataclass(frozen=True)
class CouncilRow:
    slug: str
    name: str
    is_demo: bool
    languages: list[str]
    admins: int
    staff: int
    young_people: int


def create(
    session: Session, *, slug: str, name: str, admin_email: str, admin_name: str = "", welsh: bool = False
) -> tuple[Tenant, User]:
    """The council and its first admin, in one transaction; ``InputError`` (one message
    per field) and nothing stored if any part is wrong."""
    slug, name, admin_name = slug.strip(), " ".join(name.split()), " ".join(admin_name.split())
    errors: dict[str, str] = {}
    if not SLUG.fullmatch(slug):
        errors["slug"] = SLUG_INVALID
    elif session.exec(select(Tenant.id).where(Tenant.slug == slug)).first() is not None:
        errors["slug"] = SLUG_TAKEN.format(slug=slug)
    if not 1 <= len(name) <= 120:
        errors["name"] = NAME_INVALID
    email = ""
    try:
        email = validate_email(admin_email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        errors["admin_email"] = EMAIL_INVALID.format(reason=exc)
    if email:
        holder = session.exec(
            select(Tenant.name).join(User, col(User.tenant_id) == col(Tenant.id)).where(User.email == email)
        ).first()
        if holder is not None:
            errors["admin_email"] = EMAIL_TAKEN.format(email=email, council=holder)
    if len(admin_name) > 160:
        errors["admin_name"] = ADMIN_NAME_INVALID
    if errors:
        raise InputError.of(errors)
    full_name = admin_name or _name_from(email)
    tenant = Tenant(slug=slug, name=name, languages=["en", "cy"] if welsh else ["en"])
    session.add(tenant)
    session.flush()
    assert tenant.id is not None
    admin = User(tenant_id=tenant.id, kind=STAFF, email=email, full_name=full_name, display_name=full_name.split()[0])
    session.add(admin)
    session.flush()
    assert admin.id is not None
    session.add(UserRole(user_id=admin.id, role=FIRST_ADMIN_ROLE))
    audit_record(
        session,
        action="council.create",
        tenant_id=tenant.id,
        object_type="tenant",
        object_id=tenant.id,
        detail={"first_admin_id": admin.id, "languages": tenant.languages},
    )
    session.commit()
    return tenant, admin


def _name_from(email: str) -> str:
    """ "sasha.novak@…" gives "Sasha Novak" until the admin changes it."""
    words = [w for w in re.split(r"[._+-]+", email.split("@", 1)[0]) if w]
    return " ".join(w.capitalize() for w in words)[:160] or email


def listing(session: Session) -> list[CouncilRow]:
    """Every council with how many admins, staff and young people it has."""
    counts: dict[tuple[int, str], int] = {}
    for tenant_id, kind, n in session.exec(
        select(User.tenant_id, User.kind, func.count()).group_by(col(User.tenant_id), col(User.kind))
    ).all():
        counts[(tenant_id, kind)] = n
    admins = dict(
        session.exec(
            select(User.tenant_id, func.count())
            .join(UserRole, col(UserRole.user_id) == col(User.id))
            .where(UserRole.role == FIRST_ADMIN_ROLE, col(User.is_active).is_(True))
            .group_by(col(User.tenant_id))
        ).all()
    )
    return [
        CouncilRow(
            slug=t.slug,
            name=t.name,
            is_demo=t.is_demo,
            languages=list(t.languages),
            admins=admins.get(t.id, 0),
            staff=counts.get((t.id or 0, STAFF), 0),
            young_people=counts.get((t.id or 0, YOUNG_PERSON), 0),
        )
        for t in session.exec(select(Tenant).order_by(col(Tenant.slug))).all()
    ]

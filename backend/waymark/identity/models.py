"""Tenants (councils), people, roles, caseload assignments, invites and sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

YOUNG_PERSON = "young_person"
STAFF = "staff"

CARE_STATUSES = ("eligible", "relevant", "former_relevant", "qualifying")


class Tenant(SQLModel, table=True):
    """A local authority. Every record but national offers belongs to one."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=120)
    is_demo: bool = False
    invite_days: int = 14
    # Pathway plans: the longest gap between reviews (the law allows at most 6 months)
    # and the reading age plan text should not go above.
    review_interval_months: int = 6
    reading_age_target: int = 12
    # Contact with workers (FACTS.md 2.4): the longest gap between contacts, shorter
    # where the council provides the accommodation (reg 8(2): at most 2 months); how
    # many working days a worker has to answer "I couldn't reach my worker" before it
    # goes to a manager; and a new worker's first contact after a handover.
    contact_interval_weeks: int = 8
    accommodated_contact_interval_months: int = 2
    reach_answer_working_days: int = 2
    first_contact_working_days: int = 10
    duty_phone: str | None = Field(default=None, max_length=40)  # the leaving care team's duty line
    # Safeguarding: the designated lead who gets alerts at once, and how many minutes
    # they have to acknowledge one before it goes to every manager too.
    safeguarding_lead_id: int | None = Field(default=None)
    safeguarding_deputy_id: int | None = Field(default=None)
    safeguarding_ack_minutes: int = 60
    # The moderation queue's backstop: words unread this many hours go to the people on
    # duty and managers like an unacknowledged alert (only working hours count if set).
    moderation_unread_hours: int = 24
    moderation_working_hours_only: bool = False
    # Insights: counts below these are shown as "fewer than N" (on screen, in exports).
    disclosure_threshold: int = 5
    export_threshold: int = 10
    # The header colour young people and staff see (white text must read on it), and
    # how to reach the council itself.
    brand_colour: str = Field(default="#0b3d5c", max_length=7)
    contact_email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    # Refuse staff sign-ins whose ID token does not show multi-factor authentication.
    require_mfa: bool = False
    # The languages offered to the council's people (web/i18n.py LANGUAGES codes):
    # English always, Welsh where the council turns it on.
    languages: list = Field(default_factory=lambda: ["en", "cy"], sa_column=Column(JSON, nullable=False))
    # Staff roles from the identity provider (identity/idp_roles.py): the ID token's
    # claim to read, its values mapped to roles ({} = roles set by hand), and after how
    # many days without a sign-in an account is listed for the admin to turn off.
    role_claim: str = Field(default="groups", max_length=60)
    role_mapping: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    stale_staff_days: int = 90
    # The birthday this council starts paying the setting-up-home allowance on (the
    # law allows it before 18; entitlements' who.age_from_setting).
    setting_up_home_from_age: int = 18
    # The privacy notice (/privacy): how to reach the council's data protection officer,
    # and its entry in the ICO's register of fee payers (e.g. Z1234567).
    dpo_email: str | None = Field(default=None, max_length=254)
    ico_registration: str | None = Field(default=None, max_length=20)
    # Retention (docs/adr/0007-retention.md; retention/service.py applies it daily): a
    # young person's account is erased this many months after their 25th birthday or
    # after their case closed; words moderators did not use lose their text after this
    # many months; audit entries are deleted after this many years.
    retention_months_after_support: int = 12
    retention_unused_words_months: int = 6
    retention_audit_years: int = 6
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class User(SQLModel, table=True):
    """A young person or a member of staff. Young people sign in with a username and
    passphrase; staff only through their council's OIDC provider (matched by email)."""

    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    kind: str = Field(max_length=20)  # YOUNG_PERSON or STAFF
    display_name: str = Field(max_length=80)
    full_name: str = Field(max_length=160)
    username: str | None = Field(default=None, max_length=40, unique=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    passphrase_hash: str | None = Field(default=None, max_length=255)
    date_of_birth: date | None = None
    care_status: str | None = Field(default=None, max_length=20)
    council_accommodation: bool = False  # the council provides their home (shorter contact interval)
    # Staff: their team, and how and when young people can reach them.
    team: str | None = Field(default=None, max_length=80)
    phone: str | None = Field(default=None, max_length=40)
    availability: str | None = Field(default=None, max_length=120)
    is_active: bool = True
    # Staff: roles follow the identity provider's claims (set at a sign-in that mapped
    # to roles); when it last signed in (for the admin's list of unused accounts).
    roles_from_idp: bool = False
    last_signed_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # The young person's id in the council's case-management system (caseload import).
    external_id: str | None = Field(default=None, max_length=64)
    # Set when a young person deleted their account: the row stays, with nothing personal.
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    role: str = Field(max_length=40, primary_key=True)


class Assignment(SQLModel, table=True):
    """A worker's responsibility for a young person over time. ``ends_on`` is None while
    it lasts. Worker history and handovers are built on these rows."""

    __table_args__ = (
        Index("ix_assignment_worker_current", "worker_id", "ends_on"),
        Index("ix_assignment_young_person_current", "young_person_id", "ends_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    worker_id: int = Field(foreign_key="user_account.id")
    young_person_id: int = Field(foreign_key="user_account.id")
    role: str = Field(default="personal_adviser", max_length=40)
    starts_on: date
    ends_on: date | None = None


class Invite(SQLModel, table=True):
    """A one-time code a personal adviser gives a young person to set their passphrase.
    Only a hash of the code is stored."""

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class AuthSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a 256-bit random token; only its SHA-256
    is stored, so a database leak gives no usable sessions."""

    __tablename__ = "auth_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    idle_seconds: int
    device: str = Field(default="", max_length=60)  # "Chrome · Android", for the devices page


__all__ = [
    "Assignment",
    "AuthSession",
    "Invite",
    "Tenant",
    "User",
    "UserRole",
]

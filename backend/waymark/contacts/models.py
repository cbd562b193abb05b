"""Contact between a young person and their worker: the log both sides confirm, "I
couldn't reach my worker" requests, the young person's "about me", and handovers when
a worker changes. Worker history itself is the ``Assignment`` rows (identity)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow
from waymark.workdays import to_uk_date

KINDS = ("visit", "call", "text", "video", "office")
REACH_METHODS = ("call", "text", "email", "visit", "other")
# Who logged a contact, and where it stands with the other side.
BY_WORKER, BY_YOUNG_PERSON = "worker", "young_person"
AWAITING, CONFIRMED, DISPUTED = "awaiting", "confirmed", "disputed"
NOTE_MAX = 1000


class Contact(SQLModel, table=True):
    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_young_person_happened", "young_person_id", "happened_at"),
        Index("ix_contact_tenant_happened", "tenant_id", "happened_at"),
        Index("ix_contact_tenant_state_happened", "tenant_id", "state", "happened_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    young_person_id: int = Field(foreign_key="user_account.id")
    worker_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=20)
    happened_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    logged_by: str = Field(max_length=20)  # BY_WORKER | BY_YOUNG_PERSON
    note: str = Field(default="", sa_column=Column(Text, nullable=False))  # the young person can read it
    state: str = Field(default=AWAITING, max_length=20)  # the other side: AWAITING | CONFIRMED | DISPUTED
    answer_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ReachRequest(SQLModel, table=True):
    """ "I couldn't reach my worker": the attempt, the deadline for an answer (working
    days, a council setting) and, when it passes unanswered, the escalation."""

    __tablename__ = "reach_request"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    worker_id: int = Field(foreign_key="user_account.id", index=True)
    method: str = Field(max_length=20)
    tried_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    answered_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    answer: str = Field(default="", sa_column=Column(Text, nullable=False))
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

    @property
    def answer_by(self) -> date:
        """The last day (UK) for an answer: ``due_at`` is the midnight that ends it."""
        return to_uk_date(self.due_at - timedelta(minutes=1))


class AboutMe(SQLModel, table=True):
    """A one-page "about me" the young person writes (or agrees) for a new worker."""

    __tablename__ = "about_me"

    young_person_id: int = Field(foreign_key="user_account.id", primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    matters: str = Field(default="", sa_column=Column(Text, nullable=False))
    helps: str = Field(default="", sa_column=Column(Text, nullable=False))
    does_not_help: str = Field(default="", sa_column=Column(Text, nullable=False))
    agreed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Handover(SQLModel, table=True):
    """When a young person's worker changes: what the new worker must read (a snapshot
    taken at the change), their acknowledgement, and the first-contact deadline."""

    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    from_worker_id: int | None = Field(default=None, foreign_key="user_account.id")
    to_worker_id: int = Field(foreign_key="user_account.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    first_contact_due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    first_contact_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

    @property
    def first_contact_by(self) -> date:
        """The last day (UK) for the first contact."""
        return to_uk_date(self.first_contact_due_at - timedelta(minutes=1))


class ContactStatus(SQLModel, table=True):
    """Each young person's latest contact that counts (not disputed), kept up to date
    as contacts are logged and answered, so the managers' dashboard reads one row per
    young person instead of every contact."""

    __tablename__ = "contact_status"

    young_person_id: int = Field(foreign_key="user_account.id", primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    last_contact_on: date | None = None  # the UK calendar day of that contact

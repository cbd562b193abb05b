"""The audit log: append-only (database triggers on SQLite and PostgreSQL refuse every
UPDATE, and every DELETE but the retention policy's, by age: ``AuditPurge``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_tenant_at", "tenant_id", "at"),
        Index("ix_audit_event_subject_at", "subject_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    tenant_id: int | None = Field(default=None, foreign_key="tenant.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    # e.g. "young_person.view", "invite.create", "session.sign_in"
    action: str = Field(max_length=60)
    # The young person whose record this is about, if any.
    subject_id: int | None = Field(default=None, foreign_key="user_account.id")
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditPurge(SQLModel, table=True):
    """Leave, within one transaction, to delete a council's audit entries older than
    ``before``: the database refuses any other DELETE on ``audit_event`` (a trigger, as
    it refuses every UPDATE). Only the retention job writes a row here, and removes it
    before it commits (docs/adr/0007-retention.md)."""

    __tablename__ = "audit_purge"

    tenant_id: int = Field(foreign_key="tenant.id", primary_key=True)
    before: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))

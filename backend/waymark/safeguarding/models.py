"""Safeguarding alerts: something a young person wrote (or "I feel unsafe") that
suggests a risk of harm. It goes straight to the council's designated safeguarding
lead, never to the moderation queue, and is never published or counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

FROM_ANSWER, FROM_UNSAFE_BUTTON = "answer", "unsafe_button"


class SafeguardingAlert(SQLModel, table=True):
    __tablename__ = "safeguarding_alert"
    __table_args__ = (Index("ix_safeguarding_alert_tenant_open", "tenant_id", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    source: str = Field(max_length=20)
    answer_id: int | None = Field(default=None, foreign_key="consultation_answer.id")
    young_person_id: int | None = Field(default=None, foreign_key="user_account.id")  # None: anonymous
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    why: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    action_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    emailed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

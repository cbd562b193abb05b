"""You Said We Did: what young people said, what the council did or will do about it,
with every revision kept, and young people's reactions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

STATUSES = ("considering", "doing", "done", "cant")
REACTIONS = ("helps", "not_enough")


class Update(SQLModel, table=True):
    __tablename__ = "council_update"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    title: str = Field(max_length=120)
    said: str = Field(sa_column=Column(Text, nullable=False))  # what young people said
    did: str = Field(sa_column=Column(Text, nullable=False))  # what the council did or will do
    status: str = Field(max_length=12)  # STATUSES
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))  # why not, when "cant"
    happened_on: date
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    consultation_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    version: int = 1
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class UpdateRevision(SQLModel, table=True):
    """The update as it was at each version (the first included)."""

    __tablename__ = "council_update_revision"
    __table_args__ = (UniqueConstraint("update_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="council_update.id", index=True)
    version: int
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    changed_by_id: int = Field(foreign_key="user_account.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class UpdateReaction(SQLModel, table=True):
    """A young person's "this helps" or "this doesn't go far enough" (one each, which
    they can change)."""

    __tablename__ = "council_update_reaction"
    __table_args__ = (UniqueConstraint("update_id", "young_person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="council_update.id")
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    reaction: str = Field(max_length=12)  # REACTIONS
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


COMMENT_MAX = 1000


class UpdateComment(SQLModel, table=True):
    """What a young person says more about an update ("say more"). It is free text, so
    it waits for a moderator like a consultation answer: nobody else sees it until it
    is approved, and then only ``published_text`` (personal details taken out) is used.
    Quoted in staff pages only where the young person allowed it."""

    __tablename__ = "council_update_comment"
    __table_args__ = (Index("ix_council_update_comment_tenant_moderation", "tenant_id", "moderation"),)

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="council_update.id", index=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    reaction: str | None = Field(default=None, max_length=12)  # their reaction when they wrote it
    text: str = Field(sa_column=Column(Text, nullable=False))
    quotes_allowed: bool = False
    # The same states and fields as a consultation answer's moderation.
    moderation: str = Field(max_length=10)
    published_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    suggested_themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    moderation_reason: str | None = Field(default=None, max_length=300)
    moderated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    moderated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

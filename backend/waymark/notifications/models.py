"""The in-app inbox: every notification a person gets, read or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    __table_args__ = (Index("ix_notification_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    user_id: int = Field(foreign_key="user_account.id")
    kind: str = Field(max_length=40)  # see notifications.service.KINDS
    link: str = Field(max_length=200)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


PUSH_KINDS = ("plan", "updates", "contact", "offers", "other")


class PushSubscription(SQLModel, table=True):
    """A browser that asked for push messages: where to send them (the push service's
    endpoint and the browser's keys) and which kinds of message its owner wants."""

    __tablename__ = "push_subscription"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    user_id: int = Field(foreign_key="user_account.id", index=True)
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    kinds: list[str] = Field(default_factory=lambda: list(PUSH_KINDS), sa_column=Column(JSON, nullable=False))
    lang: str = Field(default="en", max_length=5)  # the language of the words on the lock screen
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    last_sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class ContactPoint(SQLModel, table=True):
    """A young person's email address or mobile number, for messages that say only
    that something new is waiting (never what): one of each kind. It is used only once
    verified with a one-time code sent to it (``code_hash``: a keyed hash of the code)."""

    __tablename__ = "contact_point"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=10)  # "email" or "sms"
    address: str = Field(max_length=254)  # a lower-case email, or a mobile as +447...
    verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    wants_news: bool = True  # "tell me here when something new is waiting"
    lang: str = Field(default="en", max_length=5)  # the language of its messages: the page's when it was added
    code_hash: str | None = Field(default=None, max_length=64)
    code_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    code_tries: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

"""Receipts for submissions that may arrive more than once (a plain form sent twice,
or the service worker replaying its offline outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class SubmissionReceipt(SQLModel, table=True):
    """The first submission under an idempotency key, and where it led. The key is
    made by the server when it renders the form (a random UUID), so it links to no
    person; ``payload_hash`` lets a replay with different content be refused."""

    __tablename__ = "submission_receipt"

    key: str = Field(primary_key=True, max_length=64)
    action: str = Field(max_length=80)
    payload_hash: str = Field(max_length=64)
    result_url: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

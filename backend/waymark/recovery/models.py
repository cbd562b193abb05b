"""A forgotten passphrase: the one-time code sent to a young person's checked email or
mobile, as a keyed hash, for 15 minutes and 5 tries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class PassphraseReset(SQLModel, table=True):
    __tablename__ = "passphrase_reset"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    code_hash: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    tries: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

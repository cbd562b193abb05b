"""Background work stored in the database, so nothing is lost on a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class Job(SQLModel, table=True):
    """One piece of work to run at or after ``run_at``. ``key`` (unique) stops the same
    work being queued twice. A claimed job is locked until ``locked_until``; a failure
    is retried later with backoff until ``max_attempts``."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "done_at", "failed_at", "run_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=60)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    key: str | None = Field(default=None, max_length=120, unique=True)
    run_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    attempts: int = 0
    max_attempts: int = 5
    locked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    locked_by: str | None = Field(default=None, max_length=80)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    failed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))

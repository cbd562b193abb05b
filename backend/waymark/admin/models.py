"""Caseload imports: one row per uploaded file, from dry run to result."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

CHECKED = "checked"  # dry run done; can be imported if it has no problems
RUNNING = "running"
DONE = "done"
FAILED = "failed"  # nothing was changed


class ImportRun(SQLModel, table=True):
    """A caseload file checked (dry run) and perhaps imported. The file's text is kept
    only until it is imported or replaced, then cleared: it holds personal data."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    filename: str = Field(max_length=200)
    status: str = Field(default=CHECKED, max_length=20)
    content: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    total_rows: int = 0
    # What would change (dry run) or changed: counts by kind ("new", "updated", ...).
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Row problems: [{"row": n, "column": name, "problem": message id, "value": text}].
    problems: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, max_length=300)
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

"""A young person's pathway plan: steps under headings, their own words, their
feedback on steps, review requests, reviews, and a history of every change."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class PathwayPlan(SQLModel, table=True):
    """One current plan per young person; its history is in ``plan_change``."""

    __tablename__ = "pathway_plan"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int = Field(foreign_key="user_account.id", unique=True)
    last_reviewed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # When the young person last opened the plan: newer changes are highlighted.
    young_person_seen_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class PlanStep(SQLModel, table=True):
    __tablename__ = "plan_step"
    __table_args__ = (Index("ix_plan_step_plan_heading_position", "plan_id", "heading", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id")
    heading: str = Field(max_length=30)
    text: str = Field(max_length=500)
    owner: str = Field(default="adviser", max_length=10)  # me | adviser | named
    owner_name: str | None = Field(default=None, max_length=80)
    due_on: date | None = None
    status: str = Field(default="not_started", max_length=20)
    position: int = 0
    # Bumped on every change; an edit based on an older version is refused.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class PlanWords(SQLModel, table=True):
    """ "My words": what the young person wants from one part of their plan."""

    __tablename__ = "plan_words"
    __table_args__ = (UniqueConstraint("plan_id", "heading"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id")
    heading: str = Field(max_length=30)
    text: str = Field(max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class StepFeedback(SQLModel, table=True):
    """ "I'm not sure" / "I disagree" on a step; open until the adviser responds."""

    __tablename__ = "step_feedback"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id", index=True)
    step_id: int = Field(foreign_key="plan_step.id", index=True)
    kind: str = Field(max_length=20)  # not_sure | disagree
    comment: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    response: str | None = Field(default=None, max_length=1000)
    responded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class ReviewRequest(SQLModel, table=True):
    """A young person asking for their plan to be reviewed (their right under the
    regulations); open until the adviser answers or records a review."""

    __tablename__ = "review_request"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id", index=True)
    note: str | None = Field(default=None, max_length=1000)
    requested_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    response: str | None = Field(default=None, max_length=1000)
    responded_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class PlanReview(SQLModel, table=True):
    __tablename__ = "plan_review"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id", index=True)
    reviewed_on: date
    summary: str = Field(max_length=2000)
    recorded_by_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class PlanChange(SQLModel, table=True):
    """Every change to a plan: who, when, what, and the record before and after."""

    __tablename__ = "plan_change"
    __table_args__ = (Index("ix_plan_change_plan_at", "plan_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="pathway_plan.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    object_type: str = Field(max_length=30)  # step | words | feedback | review_request | review
    object_id: int
    action: str = Field(max_length=30)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))

"""Priority rounds: the participation officer asks young people to spread a few votes
across themes, to say what the council should work on first.

A ballot keeps only what representativeness needs (age band, leaving-care status, SEND,
recent contact) and, if the young person chose to give it, their id. Who has voted is
kept apart in ``priority_voter`` (no id of its own, no time), so a second ballot is
refused without linking an anonymous ballot to its voter. A ballot keeps the day it was
cast, not the time, for the same reason."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

VOTES_MIN, VOTES_MAX, VOTES_DEFAULT = 1, 10, 3


class PriorityRound(SQLModel, table=True):
    __tablename__ = "priority_round"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    title: str = Field(max_length=120)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    easy_summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # on the ballot
    votes: int = VOTES_DEFAULT  # each young person's votes to spread
    opens_on: date
    closes_on: date
    state: str = Field(default="draft", max_length=10)  # draft, open (published) or closed (closed early)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class PriorityBallot(SQLModel, table=True):
    """One young person's votes in a round (the votes are rows of ``PriorityVote``)."""

    __tablename__ = "priority_ballot"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priority_round.id", index=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    young_person_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)  # None: anonymous
    mode: str = Field(max_length=10)  # standard, easy or assisted
    assisted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    age_band: str | None = Field(default=None, max_length=10)
    care_status: str | None = Field(default=None, max_length=20)
    send: bool | None = None
    recent_contact: bool | None = None
    cast_on: date


class PriorityVote(SQLModel, table=True):
    __tablename__ = "priority_vote"
    __table_args__ = (
        UniqueConstraint("ballot_id", "theme"),
        Index("ix_priority_vote_round_theme", "round_id", "theme"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ballot_id: int = Field(foreign_key="priority_ballot.id")
    round_id: int = Field(foreign_key="priority_round.id")
    theme: str = Field(max_length=40)
    votes: int


class PriorityVoter(SQLModel, table=True):
    """That a young person has voted in a round, and nothing else."""

    __tablename__ = "priority_voter"
    __table_args__ = {"sqlite_with_rowid": False}

    round_id: int = Field(foreign_key="priority_round.id", primary_key=True)
    young_person_id: int = Field(foreign_key="user_account.id", primary_key=True)

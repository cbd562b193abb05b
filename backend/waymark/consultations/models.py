"""Consultations: what the council asks, who it is for, and the answers young people
give (standard, easy read, or assisted by a carer or advocate). An anonymous response
holds no link to the person: only the age band, leaving-care status and SEND flag
needed to see whose views are missing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
QUESTION_KINDS = ("text", "single", "multiple", "feelings")
MODES = ("standard", "easy", "assisted")
# Age bands used for who a consultation is for and for representativeness.
AGE_BANDS = ("under_13", "13_15", "16_17", "18_20", "21_25")
TEXT_MAX = 2000
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
# Went to the safeguarding lead: not queued, published or counted, unless the lead says "not a risk".
SAFEGUARDING = "safeguard"
MODERATION_STATES = (PENDING, APPROVED, REJECTED, SAFEGUARDING)


def age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 13:
        return "under_13"
    if age < 16:
        return "13_15"
    if age < 18:
        return "16_17"
    if age < 21:
        return "18_20"
    return "21_25" if age < 26 else None


class Consultation(SQLModel, table=True):
    __tablename__ = "consultation"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    title: str = Field(max_length=120)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    easy_summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    age_bands: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # empty: everyone
    statuses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # empty: everyone
    opens_on: date
    closes_on: date
    state: str = Field(default=DRAFT, max_length=10)  # DRAFT, OPEN (published) or CLOSED (closed early)
    created_by_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class Question(SQLModel, table=True):
    __tablename__ = "consultation_question"
    __table_args__ = (Index("ix_consultation_question_consultation_position", "consultation_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    position: int = 0
    kind: str = Field(max_length=10)
    text: str = Field(max_length=500)
    easy_text: str = Field(default="", max_length=500)
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    required: bool = False


class AnsweredMarker(SQLModel, table=True):
    """That someone answered a consultation, without saying who or which response: an
    HMAC of the person and the consultation under the app's secret. It lets the app
    refuse a second answer, anonymous ones included, and holds no time and no link to
    the response, so nothing in the database ties an anonymous answer to its account."""

    __tablename__ = "consultation_answered_marker"

    consultation_id: int = Field(foreign_key="consultation.id", primary_key=True)
    marker: str = Field(primary_key=True, max_length=64)


class Response(SQLModel, table=True):
    """One young person's answers to one consultation."""

    __tablename__ = "consultation_response"

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)  # None: anonymous
    mode: str = Field(max_length=10)
    assisted_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    age_band: str | None = Field(default=None, max_length=10)
    care_status: str | None = Field(default=None, max_length=20)
    send: bool | None = None
    quotes_allowed: bool = False
    recent_contact: bool | None = None  # in touch with their worker in the 3 months before
    # The themes this response is counted under in the insights tallies (kept in step
    # with its approved answers by insights.tally.recount_themes).
    tallied_themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    resume_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Answer(SQLModel, table=True):
    __tablename__ = "consultation_answer"
    __table_args__ = (
        Index("ix_consultation_answer_moderation", "moderation"),
        # Insights' quotes: the newest approved answers first, without sorting them all.
        Index("ix_consultation_answer_moderation_moderated_at", "moderation", "moderated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="consultation_response.id", index=True)
    question_id: int = Field(foreign_key="consultation_question.id", index=True)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    choices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    feeling: int | None = None  # 1 (very unhappy) to 5 (very happy)
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Moderation (free text only): nobody but a moderator sees the text until approved;
    # only ``published_text`` (redacted) and the confirmed themes are used after that.
    moderation: str | None = Field(default=None, max_length=10)  # MODERATION_STATES, None for choices
    published_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    suggested_themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    moderation_reason: str | None = Field(default=None, max_length=300)
    moderated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    moderated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

"""Aggregates for insights, kept up to date as responses arrive and answers are
moderated, so the insights page reads a few small tables instead of every answer.
Theme leads (a councillor or senior officer for each theme) live here too."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

UNKNOWN = "unknown"  # for a group we do not know (no date of birth, SEND not recorded)


class ResponseTally(SQLModel, table=True):
    """Responses to a consultation by who sent them (coarse groups only)."""

    __tablename__ = "insight_response_tally"
    __table_args__ = (
        UniqueConstraint(
            "consultation_id",
            "age_band",
            "care_status",
            "send",
            "recent_contact",
            name="uq_insight_response_tally_group",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    age_band: str = Field(max_length=10)
    care_status: str = Field(max_length=20)
    send: str = Field(max_length=10)  # "yes", "no" or UNKNOWN
    recent_contact: str = Field(max_length=10)  # contact with their worker in the last 3 months
    responses: int = 0


class ThemeTally(SQLModel, table=True):
    """Responses with an approved answer carrying a theme, by the quarter they were sent."""

    __tablename__ = "insight_theme_tally"
    __table_args__ = (UniqueConstraint("consultation_id", "theme", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    consultation_id: int = Field(foreign_key="consultation.id")
    theme: str = Field(max_length=40)
    quarter: str = Field(max_length=7)  # e.g. "2026-Q3" (calendar quarters)
    responses: int = 0


class AnswerTally(SQLModel, table=True):
    """Answers to a feelings or choice question, by the face or option chosen."""

    __tablename__ = "insight_answer_tally"
    __table_args__ = (UniqueConstraint("question_id", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    consultation_id: int = Field(foreign_key="consultation.id", index=True)
    question_id: int = Field(foreign_key="consultation_question.id")
    value: str = Field(max_length=200)  # "1".."5" for feelings, or the option's text
    answers: int = 0


class ThemeLead(SQLModel, table=True):
    """Who leads a theme for the council (corporate parenting panels theme their
    meetings): updates on the theme show their name."""

    __tablename__ = "theme_lead"
    __table_args__ = (UniqueConstraint("tenant_id", "theme"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    theme: str = Field(max_length=40)
    user_id: int = Field(foreign_key="user_account.id")


class ThemeGroupTally(SQLModel, table=True):
    """Responses counted under a theme, by who sent them (one group per way of
    grouping), for the theme report's "who raised this"."""

    __tablename__ = "insight_theme_group_tally"
    __table_args__ = (UniqueConstraint("tenant_id", "theme", "dimension", "grp"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    theme: str = Field(max_length=40)
    dimension: str = Field(max_length=20)  # age_band, care_status, send, recent_contact
    grp: str = Field(max_length=20)
    responses: int = 0

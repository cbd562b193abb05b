"""Safeguarding alerts: something a young person wrote (or "I feel unsafe") that
suggests a risk of harm. It goes straight to the council's designated safeguarding
lead, never to the moderation queue, and is never published or counted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

# Where the words came from (``source``). ``intake.FIELDS`` maps each field to one.
FROM_ANSWER, FROM_UNSAFE_BUTTON, FROM_UPDATE_COMMENT = "answer", "unsafe_button", "update_comment"
FROM_PLAN_WORDS, FROM_STEP_FEEDBACK, FROM_REVIEW_REQUEST = "plan_words", "step_feedback", "review_request"
FROM_REACH_REQUEST, FROM_CONTACT_NOTE, FROM_CONTACT_ANSWER = "reach_request", "contact_note", "contact_answer"
FROM_FACTS_REPORT, FROM_ABOUT_ME = "facts_report", "about_me"
FROM_MODERATOR, FROM_STAFF = "queue_item", "staff"  # raised by hand from a queue item or a record page
FROM_BACKSTOP = "backstop"  # words left unread in the moderation queue past the council's time

URGENT, CHECK = "urgent", "check"  # the rules or the model are sure / a possible risk to check
GROUP_MINUTES = 30  # alerts from the same person (or anonymous form) this close together are one


class SafeguardingAlert(SQLModel, table=True):
    __tablename__ = "safeguarding_alert"
    __table_args__ = (
        Index("ix_safeguarding_alert_tenant_open", "tenant_id", "acknowledged_at"),
        Index("ix_safeguarding_alert_group", "tenant_id", "group_key", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    source: str = Field(max_length=20)
    field: str = Field(default="", max_length=60)  # intake.FIELDS key, "" when raised by a person
    link: str | None = Field(default=None, max_length=200)  # the record the words are on (named only)
    context: str = Field(default="", max_length=200)  # what they were answering: a consultation's title
    level: str = Field(default=URGENT, max_length=10)
    # A flood is one alert: later ones from the same person or form join the first open
    # one (grouped_into_id), which counts them; nothing is dropped.
    group_key: str = Field(default="", max_length=60)
    grouped_into_id: int | None = Field(default=None, foreign_key="safeguarding_alert.id")
    repeats: int = 0
    raised_by_id: int | None = Field(default=None, foreign_key="user_account.id")  # staff who raised it by hand
    answer_id: int | None = Field(default=None, foreign_key="consultation_answer.id")
    comment_id: int | None = Field(default=None, foreign_key="council_update_comment.id")  # "say more" on an update
    young_person_id: int | None = Field(default=None, foreign_key="user_account.id")  # None: anonymous
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    why: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    acknowledged_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    action_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    emailed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))

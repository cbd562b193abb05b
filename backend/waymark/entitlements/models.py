"""The facts about a young person that entitlement rules use, and nothing more (ICO
Children's Code: data minimisation). Date of birth and leaving-care status are on the
person's account. ``None`` means not known: the rule then says "ask your adviser"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow


class YoungPersonFacts(SQLModel, table=True):
    __tablename__ = "young_person_facts"

    young_person_id: int = Field(foreign_key="user_account.id", primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    in_education_or_training: bool | None = None
    in_higher_education: bool | None = None
    in_apprenticeship: bool | None = None
    parent: bool | None = None
    send: bool | None = None
    staying_put: bool | None = None
    own_tenancy: bool | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class EntitlementMark(SQLModel, table=True):
    """A young person's note on one entitlement ("I've asked", "I've got it", "not
    sure") and their request that their adviser helps with it (a task on the
    caseload until the adviser marks it done)."""

    __tablename__ = "entitlement_mark"

    young_person_id: int = Field(foreign_key="user_account.id", primary_key=True)
    slug: str = Field(max_length=80, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    state: str | None = Field(default=None, max_length=20)  # asked | got | not_sure
    adviser_asked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    adviser_done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class CouncilAmount(SQLModel, table=True):
    """A council's own amount for an entitlement whose content names a
    ``council_setting`` (e.g. its setting-up-home allowance), shown beside the
    national minimum. Free text, because councils give ranges and goods as well as
    cash (e.g. "£3,200, mostly as things for your home")."""

    __tablename__ = "council_amount"

    tenant_id: int = Field(foreign_key="tenant.id", primary_key=True)
    setting: str = Field(max_length=60, primary_key=True)
    amount: str = Field(max_length=120)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class FactsReport(SQLModel, table=True):
    """A young person says something we hold about them is wrong. Their adviser sees
    it on the record page until they mark it dealt with."""

    __tablename__ = "facts_report"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id", index=True)
    young_person_id: int = Field(foreign_key="user_account.id", index=True)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    resolved_by_id: int | None = Field(default=None, foreign_key="user_account.id")

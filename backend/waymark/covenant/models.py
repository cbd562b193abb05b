"""Offers for care leavers: national Care Leaver Covenant offers and a council's local
ones. Every offer belongs to one council (its moderators review it, its young people
see it), so a national offer is listed once per council."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from waymark.db import UTCDateTime, utcnow

# The five Care Leaver Covenant areas (FACTS.md).
CATEGORIES = (
    "independent_living",
    "education_employment_training",
    "safety_security",
    "health_wellbeing",
    "finance",
)
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)

# Field limits, shared by the form, the service and the table.
ORGANISATION_MAX = 120
TITLE_MAX = 120
DESCRIPTION_MAX = 1000
HOW_TO_CLAIM_MAX = 600
AREA_MAX = 80
URL_MAX = 300
EMAIL_MAX = 254
REASON_MAX = 500
MIN_AGE, MAX_AGE = 16, 25  # care leavers the service is for; age_until is the birthday it ends before


class Offer(SQLModel, table=True):
    __tablename__ = "offer"
    __table_args__ = (Index("ix_offer_tenant_id_status", "tenant_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenant.id")
    national: bool = False  # a national Care Leaver Covenant partner offer
    organisation: str = Field(max_length=ORGANISATION_MAX)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(sa_column=Column(Text, nullable=False))
    category: str = Field(max_length=40)
    age_from: int = MIN_AGE
    age_until: int = MAX_AGE + 1
    area: str = Field(max_length=AREA_MAX)
    how_to_claim: str = Field(sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, max_length=URL_MAX)
    contact_email: str | None = Field(default=None, max_length=EMAIL_MAX)  # for moderators only
    expires_on: date | None = None  # last day it can be used
    status: str = Field(default=PENDING, max_length=20)
    reject_reason: str | None = Field(default=None, max_length=REASON_MAX)
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    reviewed_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    version: int = 0  # bumped on every change; an edit from a stale page is refused

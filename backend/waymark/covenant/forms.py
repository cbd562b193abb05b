"""The offer form, used by organisations (public) and by reviewers (editing), and the
light spam protection on the public form: a hidden field people never see, and a
signed "form opened at" time (a person takes more than a few seconds)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeSerializer
from pydantic import BaseModel, Field, field_validator, model_validator

from waymark import clock
from waymark.covenant import messages as m
from waymark.covenant import models
from waymark.covenant.service import OfferInput
from waymark.web.forms import FieldError, date_field
from waymark.web.params import MAX_ID

HONEYPOT = "fax_number"  # hidden from people by CSS; bots fill it in
MIN_SECONDS = 3
MAX_AGE = timedelta(hours=6)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


class OfferForm(BaseModel):
    organisation: str = Field(min_length=1, max_length=models.ORGANISATION_MAX)
    title: str = Field(min_length=1, max_length=models.TITLE_MAX)
    description: str = Field(min_length=1, max_length=models.DESCRIPTION_MAX)
    category: str = ""
    age_from: int = Field(default=models.MIN_AGE, ge=models.MIN_AGE, le=models.MAX_AGE)
    age_to: int = Field(default=models.MAX_AGE, ge=models.MIN_AGE, le=models.MAX_AGE)
    area: str = Field(min_length=1, max_length=models.AREA_MAX)
    how_to_claim: str = Field(min_length=1, max_length=models.HOW_TO_CLAIM_MAX)
    url: str = Field(default="", max_length=models.URL_MAX)
    expires_on: date | None = None
    national: bool = False

    @field_validator("organisation", "title", "description", "area", "how_to_claim", "url", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("national", mode="before")
    @classmethod
    def _tick(cls, value: Any) -> bool:
        return value == "yes"

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in models.CATEGORIES:
            raise FieldError(m.CATEGORY_REQUIRED)
        return value

    @field_validator("description")
    @classmethod
    def _links(cls, value: str) -> str:
        if len(_LINK.findall(value)) > 2:
            raise FieldError(m.TOO_MANY_LINKS)
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?([/?#]\S*)?", value):
            raise FieldError(m.URL_INVALID)
        return value

    @field_validator("expires_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return date_field(value, m.EXPIRES_INVALID)

    @field_validator("expires_on")
    @classmethod
    def _future(cls, value: date | None) -> date | None:
        if value is not None and value <= clock.today():
            raise FieldError(m.EXPIRES_PAST)
        return value

    @model_validator(mode="after")
    def _ages(self) -> OfferForm:
        if self.age_to < self.age_from:
            raise ValueError("ages")  # reported on age_to by the route
        return self

    def to_input(self, *, contact_email: str | None = None) -> OfferInput:
        return OfferInput(
            organisation=self.organisation,
            title=self.title,
            description=self.description,
            category=self.category,
            age_from=self.age_from,
            age_until=self.age_to + 1,
            area=self.area,
            how_to_claim=self.how_to_claim,
            url=self.url or None,
            expires_on=self.expires_on,
            national=self.national,
            contact_email=contact_email,
        )


class SubmissionForm(OfferForm):
    """What an organisation sends: the offer, which council, and how to reach them."""

    council: int = Field(default=0, ge=1, le=MAX_ID)
    contact_email: str = Field(min_length=1, max_length=models.EMAIL_MAX)

    @field_validator("contact_email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            return value
        try:
            return validate_email(value.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            raise FieldError(m.CONTACT_EMAIL_INVALID) from None


OFFER_MESSAGES = {
    "organisation": {"string_too_long": m.ORGANISATION_TOO_LONG, "default": m.ORGANISATION_REQUIRED},
    "title": {"string_too_long": m.TITLE_TOO_LONG, "default": m.TITLE_REQUIRED},
    "description": {"string_too_long": m.DESCRIPTION_TOO_LONG, "default": m.DESCRIPTION_REQUIRED},
    "category": {"default": m.CATEGORY_REQUIRED},
    "age_from": {"default": m.AGE_FROM_INVALID},
    "age_to": {"default": m.AGE_TO_INVALID},
    "area": {"string_too_long": m.AREA_TOO_LONG, "default": m.AREA_REQUIRED},
    "how_to_claim": {"string_too_long": m.HOW_TO_CLAIM_TOO_LONG, "default": m.HOW_TO_CLAIM_REQUIRED},
    "url": {"string_too_long": m.URL_TOO_LONG, "default": m.URL_INVALID},
    "expires_on": {"default": m.EXPIRES_INVALID},
    "council": {"default": m.COUNCIL_REQUIRED},
    "contact_email": {"string_too_long": m.CONTACT_EMAIL_INVALID, "default": m.CONTACT_EMAIL_REQUIRED},
    "national": {"default": m.COUNCIL_REQUIRED},
    "form": {"default": m.AGE_ORDER},
}


def fix_form_error(errors: dict[str, str]) -> None:
    """The age-order check is on the whole model; show it beside the oldest age."""
    if "form" in errors:
        errors.setdefault("age_to", m.AGE_ORDER)
        del errors["form"]


# ------------------------------------------------------------- spam guard
def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="waymark.offer-form")


def form_token(secret: str) -> str:
    """A signed note of when the form was shown."""
    return str(_serializer(secret).dumps(int(clock.now().timestamp())))


def token_problem(secret: str, token: str) -> str | None:
    """None when the form was open for a believable time, or a message."""
    try:
        opened = int(_serializer(secret).loads(token))
    except (BadSignature, ValueError, TypeError):
        return m.FORM_EXPIRED
    elapsed = clock.now().timestamp() - opened
    if elapsed < MIN_SECONDS:
        return m.FORM_TOO_FAST
    if elapsed > MAX_AGE.total_seconds():
        return m.FORM_EXPIRED
    return None

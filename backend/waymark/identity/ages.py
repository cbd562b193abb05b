"""A person's age on a given day (offers, consultations and insights group people by it)."""

from __future__ import annotations

from datetime import date


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years on ``today``; a 29 February birthday counts from 1 March in other years."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday

"""One clock for every rule that depends on time, so tests can move it.

Use ``clock.now()`` (aware UTC) and ``clock.today()`` instead of ``datetime.now()``.
Tests call ``clock.freeze(...)`` / ``clock.advance(...)`` and ``clock.reset()``.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today() -> date:
    return now().date()


def start_of_day() -> datetime:
    """Midnight UTC today: a time that says only which day."""
    return now().replace(hour=0, minute=0, second=0, microsecond=0)


def freeze(at: datetime) -> None:
    global _frozen
    _frozen = at if at.tzinfo else at.replace(tzinfo=UTC)


def advance(delta: timedelta) -> None:
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen, _offset = None, timedelta(0)


def as_utc(value: datetime) -> datetime:
    """Datetimes read back from SQLite are naive; they are always stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_iso_day(text: str) -> date | None:
    """A date typed as YYYY-MM-DD (what a date field sends), or None."""
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, if negative), or that month's last day
    (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

"""Working days in England and Wales (Monday to Friday, not bank holidays), for
deadlines such as "an answer within 2 working days". Bank holidays come from the
``holidays`` package. A deadline is the end of the Nth working day after the day
something happened, in UK time: asked on Friday at 4pm with 2 working days, the
answer is due by the end of Tuesday."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: date, days: int) -> date:
    """The Nth working day after ``day`` (``day`` itself never counts)."""
    found = day
    for _ in range(days):
        found += timedelta(days=1)
        while not is_working_day(found):
            found += timedelta(days=1)
    return found


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def deadline(at: datetime, days: int) -> datetime:
    """The end (midnight, UK time) of the ``days``-th working day after ``at``, in UTC."""
    local_day = at.astimezone(UK).date()
    due_day = add_working_days(local_day, days)
    end = datetime.combine(due_day + timedelta(days=1), time(0, 0), tzinfo=UK)
    return end.astimezone(UTC)


def to_uk_date(at: datetime) -> date:
    """The calendar day in the UK at that moment (naive datetimes are taken as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UK).date()


WORKING_HOURS = (time(9, 0), time(17, 0))  # UK time, on working days


def add_working_hours(at: datetime, hours: int) -> datetime:
    """The moment ``hours`` working hours (9am to 5pm UK time on working days) after
    ``at``, in UTC. Time outside working hours does not count."""
    start_of_day, end_of_day = WORKING_HOURS
    left = timedelta(hours=hours)
    now = at.astimezone(UK)
    while True:
        day = now.date()
        opens = datetime.combine(day, start_of_day, tzinfo=UK)
        closes = datetime.combine(day, end_of_day, tzinfo=UK)
        if is_working_day(day) and now < closes:
            begin = max(now, opens)
            if begin + left <= closes:
                return (begin + left).astimezone(UTC)
            left -= closes - begin
        now = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UK)

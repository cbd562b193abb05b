"""Rate limits that hold across processes and under parallel requests.

One counter row per key in the database. ``hit`` counts the attempt with a single
atomic upsert *before* the limited thing is done, and commits at once, so twenty
guesses sent together get counts 1..20 and only the first ``limit`` go ahead (reading
the count first and writing after let all twenty through). The upsert locks the row
until the commit on both databases: PostgreSQL's ``ON CONFLICT DO UPDATE`` takes a row
lock, SQLite's first write takes the database write lock (see ``db.py``).

A limit may *grow*: each window that ended over its limit doubles the next window
(up to ``MAX_STRIKES`` doublings), so someone who keeps guessing is slowed more and
more, while a window that ends within the limit resets it.

Keys are stored as SHA-256, so the table holds no usernames or addresses. No library
fitted: ``limits`` (behind slowapi) has memory, Redis and Memcached storage but no SQL
database, and the database is the one store every instance is sure to share.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, Index, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, col

from waymark import clock
from waymark.db import UTCDateTime

MAX_STRIKES = 6  # a growing 15-minute window reaches 16 hours at most
_FORGET_AFTER = timedelta(days=2)  # longer than any window: rows older than this are stale


class RateCount(SQLModel, table=True):
    """Attempts counted for one key in its current window."""

    __tablename__ = "rate_count"
    __table_args__ = (Index("ix_rate_count_window_start", "window_start"),)

    key: str = Field(primary_key=True, max_length=64)  # SHA-256 of the limit's key
    count: int
    window_start: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    strikes: int = 0  # windows in a row that ended over the limit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends (0 when allowed)

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def hit(session: Session, key: str, *, limit: int, window: timedelta, grows: bool = False) -> Decision:
    """Count one attempt for ``key`` and say whether it is within ``limit`` per
    ``window``. Commits (whatever else the session holds goes with it), so call it
    before the work it limits."""
    now = clock.now()
    hashed = key_hash(key)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(RateCount)
        .values(key=hashed, count=1, window_start=now, strikes=0)
        .on_conflict_do_update(index_elements=["key"], set_={"count": col(RateCount.count) + 1})
        .returning(col(RateCount.count), col(RateCount.window_start), col(RateCount.strikes))
    )
    count, window_start, strikes = session.execute(statement).one()
    window_start = clock.as_utc(window_start)
    if count == 1:  # a new key: clear out stale ones (indexed; usually none)
        session.execute(delete(RateCount).where(col(RateCount.window_start) < now - _FORGET_AFTER))
    length = window * (2**strikes) if grows else window
    if now >= window_start + length:  # the window is over: start a new one with this attempt
        went_over = count - 1 > limit
        strikes = min(strikes + 1, MAX_STRIKES) if grows and went_over else 0
        count, window_start = 1, now
        length = window * (2**strikes) if grows else window
        session.execute(
            update(RateCount).where(col(RateCount.key) == hashed).values(count=1, window_start=now, strikes=strikes)
        )
    session.commit()
    if count <= limit:
        return Decision(allowed=True, count=count, retry_after=0)
    return Decision(allowed=False, count=count, retry_after=math.ceil((window_start + length - now).total_seconds()))


def forgive(session: Session, key: str) -> None:
    """Take back one attempt (it succeeded, so it should not count as a failure).
    The caller commits."""
    session.execute(
        update(RateCount)
        .where(col(RateCount.key) == key_hash(key), col(RateCount.count) > 0)
        .values(count=col(RateCount.count) - 1)
    )


def forget(session: Session, key: str) -> None:
    """Remove a key's counter (an account being erased). The caller commits."""
    session.execute(delete(RateCount).where(col(RateCount.key) == key_hash(key)))

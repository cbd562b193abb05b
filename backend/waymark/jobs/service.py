"""The one mechanism for work that happens later: escalations, reminders and (later)
web push. Jobs live in the database (SQLite or PostgreSQL); ``run_due`` claims due
jobs one at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never
take the same job; SQLite's single writer does the same there), runs the handler in
the same transaction as marking the job done, and on failure retries with backoff.

No library runs jobs on both SQLite and PostgreSQL without another service (Redis,
RabbitMQ), so this is a small table and a loop; see docs/adr/0003-background-jobs.md.

Handlers register with ``@handler("kind")`` and receive ``(session, payload)``; they
add their changes to the session and do not commit. ``@daily("kind", at=time)``
registers one that runs once a day: the worker loop queues each day's run (keyed by the
date, so several workers queue it once) when that UTC time has passed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from waymark import clock
from waymark.errors import described
from waymark.jobs.models import Job

log = logging.getLogger(__name__)
Handler = Callable[[Session, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}
LOCK_FOR = timedelta(minutes=5)
# Kinds that must not wait five minutes after a worker died mid-run (a safeguarding
# email): their lock is short, so another worker takes them over sooner. Their
# handlers must be safe to run twice (the email carries a stable Message-ID).
URGENT_LOCK_FOR = timedelta(seconds=45)
URGENT_KINDS: set[str] = set()
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
DAILY: dict[str, time] = {}  # kind -> the UTC time of day its run is queued


def handler(kind: str, *, urgent: bool = False) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        if urgent:
            URGENT_KINDS.add(kind)
        return fn

    return register


def daily(kind: str, *, at: time) -> Callable[[Handler], Handler]:
    """Register a handler that runs once a day, at or after ``at`` (UTC)."""

    def register(fn: Handler) -> Handler:
        DAILY[kind] = at
        return handler(kind)(fn)

    return register


def next_daily_run(session: Session, kind: str) -> datetime:
    """When the daily job ``kind`` next runs: today at its time; once that has passed,
    now (the next look for due work runs it), or tomorrow if today's run is done."""
    now, at = clock.now(), DAILY[kind]
    today_at = datetime.combine(now.date(), at, UTC)
    todays = session.exec(select(Job).where(Job.key == _daily_key(kind, now))).first()
    if todays is not None and todays.done_at is not None:
        return today_at + timedelta(days=1)
    return max(today_at, now)


def _daily_key(kind: str, now: datetime) -> str:
    return f"{kind}:{now.date().isoformat()}"


def queue_daily_runs(session: Session) -> int:
    """Queue today's run of every daily job whose time has passed (once: the key is
    the date). Returns how many were queued; the caller commits."""
    now, queued = clock.now(), 0
    for kind, at in DAILY.items():
        if now >= datetime.combine(now.date(), at, UTC):
            run_at = datetime.combine(now.date(), at, UTC)
            queued += enqueue(session, kind=kind, run_at=run_at, key=_daily_key(kind, now)) is not None
    return queued


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any] | None = None,
    run_at: Any = None,
    key: str | None = None,
) -> Job | None:
    """Queue work in the caller's transaction (the caller commits). With ``key``, work
    already queued under that key is not queued again (returns None)."""
    if key is not None and session.exec(select(Job).where(Job.key == key)).first() is not None:
        return None
    job = Job(kind=kind, payload=payload or {}, run_at=run_at or clock.now(), key=key)
    session.add(job)
    return job


def _claim(session: Session) -> Job | None:
    now = clock.now()
    statement = (
        select(Job)
        .where(
            col(Job.done_at).is_(None),
            col(Job.failed_at).is_(None),
            Job.run_at <= now,
            or_(col(Job.locked_until).is_(None), col(Job.locked_until) < now),
        )
        .order_by(col(Job.run_at), col(Job.id))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    job = session.exec(statement).first()
    if job is None:
        session.rollback()
        return None
    job.locked_until = now + (URGENT_LOCK_FOR if job.kind in URGENT_KINDS else LOCK_FOR)
    job.locked_by = WORKER_ID
    job.attempts += 1
    session.add(job)
    session.commit()
    return job


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def run_due(session: Session, *, limit: int = 100) -> int:
    """Run up to ``limit`` due jobs; returns how many ran (successfully or not)."""
    ran = 0
    while ran < limit:
        job = _claim(session)
        if job is None:
            break
        ran += 1
        job_id, kind, payload, attempts = job.id, job.kind, dict(job.payload), job.attempts
        try:
            run = HANDLERS.get(kind)
            if run is None:
                raise LookupError(f"no handler for job kind {kind!r}")
            run(session, payload)
            job = session.get(Job, job_id)
            assert job is not None
            job.done_at, job.locked_until = clock.now(), None
            session.add(job)
            session.commit()
        except Exception as exc:  # a failing job must not stop the others
            session.rollback()
            log.error("job %s (%s) failed, attempt %s: %s", job_id, kind, attempts, described(exc))
            job = session.get(Job, job_id)
            assert job is not None
            job.last_error, job.locked_until = described(exc)[:2000], None
            if attempts >= job.max_attempts:
                job.failed_at = clock.now()
            else:
                job.run_at = clock.now() + backoff(attempts)
            session.add(job)
            session.commit()
    return ran


class Worker(threading.Thread):
    """Runs due jobs every ``interval`` seconds until stopped (``waymark worker``, and
    inside ``waymark serve`` in the single-process set-up)."""

    def __init__(self, session_factory: Callable[[], Session], interval: float = 15.0) -> None:
        super().__init__(name="waymark-jobs", daemon=True)
        self.session_factory, self.interval = session_factory, interval
        self.stopped = threading.Event()

    def run_once(self) -> int:
        with self.session_factory() as session:
            if queue_daily_runs(session):
                session.commit()  # two workers at once: one commits, the other's key clashes
            return run_due(session)

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.run_once()
            except IntegrityError:
                log.warning("job run clashed with another worker; trying again")
            except Exception as exc:
                log.error("job runner failed; trying again in %ss: %s", self.interval, described(exc))
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()

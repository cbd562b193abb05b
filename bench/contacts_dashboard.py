"""The managers' contact dashboard at national scale, on SQLite and PostgreSQL.

One council with 10,000 young people, 40 advisers in 4 teams, 500,000 contacts over
two years, worker changes, open requests and handovers. Each database is migrated and
filled, then GET /staff/contacts (signed in as the manager, through the whole app
in-process) is timed REPEAT times against a baseline measured in the same run: GET
/healthz through the same stack. PostgreSQL runs when WAYMARK_BENCH_POSTGRES_URL (or
WAYMARK_TEST_POSTGRES_URL) is set; it gets a schema of its own, dropped afterwards.

Run: make bench (or .venv/bin/python bench/contacts_dashboard.py); YOUNG_PEOPLE and
CONTACTS change the size.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

from benchdb import on_each_database, time_pages  # bench/benchdb.py, beside this script
from sqlalchemy import insert, text

from waymark import db
from waymark.contacts.models import Contact, ContactStatus, Handover, ReachRequest
from waymark.identity.models import Assignment, Tenant, User, UserRole
from waymark.workdays import to_uk_date

YOUNG_PEOPLE = int(os.environ.get("YOUNG_PEOPLE", "10000"))
CONTACTS = int(os.environ.get("CONTACTS", "500000"))
ADVISERS, TEAMS, REPEAT = 40, 4, 20
KINDS = ("visit", "call", "text", "video", "office")


def fill(engine: db.Engine) -> int:
    """Bulk-load the council; returns the manager's user id."""
    rng = random.Random(42)  # noqa: S311  (repeatable test data, not secrets)
    now = datetime.now(UTC)
    today = now.date()
    with engine.begin() as conn:
        tenant_id = conn.execute(
            insert(Tenant).values(slug="bench", name="Bench Council", created_at=now).returning(Tenant.id)
        ).scalar()
        staff = [
            {
                "tenant_id": tenant_id,
                "kind": "staff",
                "display_name": f"PA {i}",
                "full_name": f"Adviser {i}",
                "email": f"pa{i}@bench.example",
                "team": f"Team {i % TEAMS + 1}",
                "created_at": now,
            }
            for i in range(ADVISERS)
        ]
        staff.append(
            {
                "tenant_id": tenant_id,
                "kind": "staff",
                "display_name": "Boss",
                "full_name": "Manager",
                "email": "manager@bench.example",
                "team": None,
                "created_at": now,
            }
        )
        conn.execute(insert(User), staff)
        staff_ids = [r[0] for r in conn.execute(text("SELECT id FROM user_account WHERE kind = 'staff' ORDER BY id"))]
        adviser_ids, manager_id = staff_ids[:-1], staff_ids[-1]
        conn.execute(insert(UserRole), [{"user_id": i, "role": "personal_adviser"} for i in adviser_ids])
        conn.execute(insert(UserRole), [{"user_id": manager_id, "role": "manager"}])
        people = [
            {
                "tenant_id": tenant_id,
                "kind": "young_person",
                "display_name": f"YP{i}",
                "full_name": f"Young Person {i}",
                "care_status": "former_relevant",
                "date_of_birth": date(2005, 1, 1) + timedelta(days=i % 2000),
                "council_accommodation": i % 10 == 0,
                "created_at": now,
            }
            for i in range(YOUNG_PEOPLE)
        ]
        for start in range(0, len(people), 5000):
            conn.execute(insert(User), people[start : start + 5000])
        person_ids = [r[0] for r in conn.execute(text("SELECT id FROM user_account WHERE kind = 'young_person'"))]
        assignments, current = [], {}
        for n, pid in enumerate(person_ids):
            worker = adviser_ids[n % ADVISERS]
            changes = 3 if n % 50 == 0 else (1 if n % 7 == 0 else 0)
            start = today - timedelta(days=730)
            for c in range(changes):
                ends = today - timedelta(days=300 - c * 90)
                assignments.append(
                    {
                        "tenant_id": tenant_id,
                        "worker_id": adviser_ids[(n + c + 1) % ADVISERS],
                        "young_person_id": pid,
                        "starts_on": start,
                        "ends_on": ends,
                    }
                )
                start = ends + timedelta(days=1)
            assignments.append(
                {
                    "tenant_id": tenant_id,
                    "worker_id": worker,
                    "young_person_id": pid,
                    "starts_on": start,
                    "ends_on": None,
                }
            )
            current[pid] = worker
        for start in range(0, len(assignments), 5000):
            conn.execute(insert(Assignment), assignments[start : start + 5000])
        batch: list[dict[str, object]] = []
        latest: dict[int, datetime] = {}
        for n in range(CONTACTS):
            pid = person_ids[n % len(person_ids)]
            at = now - timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
            state = "disputed" if rng.random() < 0.02 else "confirmed"
            batch.append(
                {
                    "tenant_id": tenant_id,
                    "young_person_id": pid,
                    "worker_id": current[pid],
                    "kind": KINDS[n % 5],
                    "happened_at": at,
                    "logged_by": "worker",
                    "note": "",
                    "state": state,
                    "answer_note": "",
                    "created_at": now,
                }
            )
            if state != "disputed" and at > latest.get(pid, datetime.min.replace(tzinfo=UTC)):
                latest[pid] = at
            if len(batch) == 10000:
                conn.execute(insert(Contact), batch)
                batch = []
        if batch:
            conn.execute(insert(Contact), batch)
        conn.execute(
            insert(ContactStatus),
            [
                {
                    "young_person_id": pid,
                    "tenant_id": tenant_id,
                    "last_contact_on": to_uk_date(latest[pid]) if pid in latest else None,
                }
                for pid in person_ids
            ],
        )
        conn.execute(
            insert(ReachRequest),
            [
                {
                    "tenant_id": tenant_id,
                    "young_person_id": person_ids[i * 97],
                    "worker_id": current[person_ids[i * 97]],
                    "method": "call",
                    "tried_at": now,
                    "note": "",
                    "created_at": now - timedelta(days=i % 5),
                    "due_at": now + timedelta(days=2),
                    "answer": "",
                }
                for i in range(60)
            ],
        )
        conn.execute(
            insert(Handover),
            [
                {
                    "tenant_id": tenant_id,
                    "young_person_id": person_ids[i * 31],
                    "to_worker_id": current[person_ids[i * 31]],
                    "created_at": now - timedelta(days=i),
                    "snapshot": {},
                    "first_contact_due_at": now - timedelta(days=1),
                }
                for i in range(40)
            ],
        )
    return manager_id


def measure(engine: db.Engine, manager_id: int) -> tuple[list[float], list[float], int]:
    timed = time_pages(engine, manager_id, ["/healthz", "/staff/contacts"], REPEAT)
    return timed["/healthz"][0], timed["/staff/contacts"][0], timed["/staff/contacts"][1]


def report(name: str, engine: db.Engine) -> None:
    t0 = time.perf_counter()
    db.migrate(engine)
    manager_id = fill(engine)
    with engine.begin() as conn:  # fresh statistics, as autovacuum (PostgreSQL) would give after a bulk load
        conn.execute(text("ANALYZE"))
    filled = time.perf_counter() - t0
    base, page, size = measure(engine, manager_id)
    b50, p50 = statistics.median(base), statistics.median(page)
    p95 = sorted(page)[int(len(page) * 0.95) - 1]
    print(
        f"{name:11} {YOUNG_PEOPLE:>6} young people {CONTACTS:>7} contacts (filled in {filled:4.0f} s): "
        f"/healthz p50 {b50:6.1f} ms | /staff/contacts p50 {p50:6.1f} ms p95 {p95:6.1f} ms "
        f"({p50 / b50:5.1f}x baseline, {size // 1024} KiB) {'OK' if p95 < 300 else 'OVER 300 ms'}"
    )


def main() -> int:
    print(f"Managers' contact dashboard, {REPEAT} requests each, in-process through the whole app")
    on_each_database(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

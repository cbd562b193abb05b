"""Caseload import of 10,000 rows, on SQLite and PostgreSQL.

A council with 40 advisers; a 10,000-row CSV export. Timed: the dry run (check), the
first import (10,000 new young people), importing the same file again (no change), and
a file in which 200 young people have a new worker (200 handovers). The baseline,
measured in the same run on the same database, is inserting the same 10,000 people
with one bulk INSERT and nothing else, so the ratio is the cost of checking, matching,
assignments and audit on top of the bare write. The issue's bar: under 60 s.

Run: make bench (or .venv/bin/python bench/caseload_import.py); ROWS changes the size.
PostgreSQL runs when WAYMARK_BENCH_POSTGRES_URL (or WAYMARK_TEST_POSTGRES_URL) is set.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

from benchdb import on_each_database  # bench/benchdb.py, beside this script
from sqlalchemy import delete, insert

from waymark import db
from waymark.admin import importer
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User, UserRole

ROWS = int(os.environ.get("ROWS", "10000"))
ADVISERS = 40
STATUSES = ("eligible", "relevant", "former relevant", "qualifying")


def csv_bytes(moved: int = 0) -> bytes:
    rng = random.Random(7)  # noqa: S311  (repeatable test data)
    lines = ["Person ID,Name,DOB,Status,PA Email"]
    for i in range(ROWS):
        born = date(2001, 1, 1) + timedelta(days=rng.randint(0, 3600))
        adviser = (i % ADVISERS + (1 if i < moved else 0)) % ADVISERS
        lines.append(f"LL{i:06d},Person {i} Example,{born:%d/%m/%Y},{rng.choice(STATUSES)},pa{adviser}@bench.example")
    return ("\n".join(lines) + "\n").encode()


def setup(engine: db.Engine) -> Actor:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tenant_id = conn.execute(
            insert(Tenant).values(slug="bench", name="Bench", created_at=now).returning(Tenant.id)
        ).scalar()
        ids = []
        for i in range(ADVISERS + 1):
            kind = ("pa", "personal_adviser") if i < ADVISERS else ("admin", "admin")
            user_id = conn.execute(
                insert(User)
                .values(
                    tenant_id=tenant_id,
                    kind="staff",
                    display_name=f"S{i}",
                    full_name=f"Staff {i}",
                    email=f"{kind[0]}{i}@bench.example",
                    created_at=now,
                )
                .returning(User.id)
            ).scalar()
            conn.execute(insert(UserRole).values(user_id=user_id, role=kind[1]))
            ids.append(user_id)
    return Actor(user_id=ids[-1], tenant_id=tenant_id, kind="staff", display_name="Admin", roles=frozenset({"admin"}))


def timed_import(database: db.Database, actor: Actor, data: bytes) -> tuple[float, float, dict]:
    t0 = time.perf_counter()
    with database.session() as session:
        run = importer.check_file(session, actor=actor, filename="bench.csv", data=data)
        assert not run.problems, run.problems[:3]
        checked = time.perf_counter() - t0
        importer.start(session, actor=actor, run_id=run.id)
    result = importer.execute(database.session, run_id=run.id, actor=actor)
    assert result.status == "done", result.error
    return checked, time.perf_counter() - t0, result.summary


def baseline(engine: db.Engine, tenant_id: int) -> float:
    now = datetime.now(UTC)
    rows = [
        {
            "tenant_id": tenant_id,
            "kind": "young_person",
            "display_name": "B",
            "full_name": f"Base {i}",
            "external_id": f"BASE{i}",
            "date_of_birth": date(2005, 1, 1),
            "care_status": "relevant",
            "created_at": now,
        }
        for i in range(ROWS)
    ]
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(User), rows)
    took = time.perf_counter() - t0
    with engine.begin() as conn:
        conn.execute(delete(User).where(User.external_id.like("BASE%")))  # type: ignore[union-attr]
    return took


def report(name: str, engine: db.Engine) -> None:
    db.migrate(engine)
    actor = setup(engine)
    database = db.Database(engine)
    base = baseline(engine, actor.tenant_id)
    check1, first, s1 = timed_import(database, actor, csv_bytes())
    _c, again, s2 = timed_import(database, actor, csv_bytes())
    _c, moved, s3 = timed_import(database, actor, csv_bytes(moved=200))
    assert (s1["new"], s2["unchanged"], s3["worker_changed"]) == (ROWS, ROWS, 200), (s1, s2, s3)
    print(
        f"{name:11} baseline bulk INSERT {base:5.2f} s | dry run {check1:5.2f} s | first import {first:5.2f} s "
        f"({first / base:4.1f}x baseline) | same file again {again:5.2f} s | 200 new workers {moved:5.2f} s "
        f"{'OK' if max(first, again, moved) < 60 else 'OVER 60 s'}"
    )


def main() -> int:
    print(f"Caseload import, {ROWS:,} rows (times include the dry run)")
    on_each_database(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

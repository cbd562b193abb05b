"""SQLite under concurrent requests: units of work that read and then write must wait
for each other, never fail with "database is locked" (a bug `make bench` found)."""

import threading
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from waymark import db
from waymark.ratelimit import RateCount


def test_concurrent_read_then_write_units_of_work_all_succeed(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    db.migrate(engine)
    errors: list[Exception] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                with Session(engine) as session:
                    session.exec(select(func.count()).select_from(RateCount)).one()  # read first...
                    session.add(RateCount(key=f"w{n}-{i}", count=1, window_start=datetime.now(UTC)))  # ...then write
                    session.commit()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(RateCount)).one() == 200
    engine.dispose()


def test_a_failed_unit_of_work_leaves_nothing_behind(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'atomic.db'}")
    db.migrate(engine)
    with Session(engine) as session:
        session.add(RateCount(key="first", count=1, window_start=datetime.now(UTC)))
        session.flush()
        session.add(RateCount(key="second", count=1, window_start=datetime.now(UTC)))
        session.flush()
        session.rollback()
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(RateCount)).one() == 0
    engine.dispose()

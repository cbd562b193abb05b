"""`waymark backup` and `waymark restore` on real databases (a SQLite file; a
PostgreSQL database of its own when WAYMARK_TEST_POSTGRES_URL is set): every table
holds rows, the copy is made while another connection holds an open write, and the
restored database matches the original table by table, row by row."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Boolean, Date, Engine, Integer, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

import waymark.models  # noqa: F401  (every table)
from waymark import backup, clock, db, demo
from waymark.cli import main
from waymark.db import UTCDateTime

POSTGRES_URL = os.environ.get("WAYMARK_TEST_POSTGRES_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A source and an empty target database that really commit."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("WAYMARK_TEST_POSTGRES_URL is not set")
    names = [f"waymark_backup_{secrets.token_hex(4)}_{part}" for part in ("live", "restored")]
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        base = make_url(POSTGRES_URL)
        yield tuple(base.set(database=name).render_as_string(hide_password=False) for name in names)  # type: ignore[misc]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _value(column: Any, parent_ids: dict[str, Any]) -> Any:
    """A value of the column's type; a foreign key points at the first row there (none
    for a table's key to itself)."""
    for fk in column.foreign_keys:
        return parent_ids.get(fk.column.table.name)
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return clock.now()
    if isinstance(kind, Date):
        return date(2007, 2, 28)
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 7
    if kind.__class__.__name__ == "JSON":
        return {"backup": ["ünïcode", 1, None]}
    length = getattr(kind, "length", None) or 40
    return ("backup ✓ " + column.name)[:length]


def fill_every_table(engine: Engine) -> None:
    """The demo data, then one made-up row in each table the demo leaves empty, so
    that every table and every column type is in the backup."""
    with Session(engine) as session:
        demo.seed_demo(session)
    with engine.begin() as conn:
        firsts: dict[str, Any] = {}
        for table in SQLModel.metadata.sorted_tables:
            if conn.execute(select(func.count()).select_from(table)).scalar() == 0:
                row = {c.name: _value(c, firsts) for c in table.columns if c is not table.autoincrement_column}
                conn.execute(table.insert().values(**row))
            pk = list(table.primary_key.columns)
            firsts[table.name] = conn.execute(select(pk[0]).order_by(pk[0]).limit(1)).scalar()


def rows(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]


def test_a_backup_made_while_the_app_writes_restores_every_row(urls: tuple[str, str], tmp_path: Path) -> None:
    live_url, restored_url = urls
    live = db.make_engine(live_url)
    db.migrate(live)
    fill_every_table(live)
    tables = SQLModel.metadata.sorted_tables
    assert all(rows(live, t) for t in tables), "every table holds rows before the backup"

    # Another connection is mid-write while the backup runs: the copy is the last
    # committed state, and the writer is not stopped.
    writer = live.connect()
    busy = writer.begin()
    counts = SQLModel.metadata.tables["rate_count"]
    writer.execute(counts.insert().values(key="in-flight", count=1, window_start=clock.now(), strikes=0))
    file = tmp_path / "waymark.backup"
    done = backup.backup(live_url, file)
    busy.commit()
    writer.close()
    assert done.revision == db.head_revision() and done.tables == len(tables) + 1  # + alembic_version

    restored = db.make_engine(restored_url)
    backup.restore(file, restored_url)
    assert db.current_revision(restored) == db.head_revision()
    for table in tables:
        expected = [r for r in rows(live, table) if not (table.name == "rate_count" and r[0] == "in-flight")]
        assert rows(restored, table) == expected, table.name
    assert [r[0] for r in rows(live, counts)].count("in-flight") == 1  # the write went ahead
    assert "in-flight" not in [r[0] for r in rows(restored, counts)]

    with pytest.raises(backup.BackupError, match="already holds"):
        backup.restore(file, restored_url)  # not over a database in use
    live.dispose()
    restored.dispose()


def test_the_commands_say_what_happened_and_refuse_what_would_lose_data(tmp_path: Path, monkeypatch) -> None:
    live = tmp_path / "live.db"
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{live}")
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    file = tmp_path / "copy.db"
    made = runner.invoke(main, ["backup", str(file)])
    assert made.exit_code == 0 and f"at migration {db.head_revision()} to {file}" in made.output
    again = runner.invoke(main, ["backup", str(file)])
    assert again.exit_code != 0 and "already there" in again.output
    assert runner.invoke(main, ["backup", str(file), "--replace"]).exit_code == 0

    over = runner.invoke(main, ["restore", str(file)])  # into the live database
    assert over.exit_code != 0 and "Nothing restored" in over.output and "empty database" in over.output

    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    not_one = tmp_path / "notes.txt"
    not_one.write_text("not a backup", encoding="utf-8")
    wrong = runner.invoke(main, ["restore", str(not_one)])
    assert wrong.exit_code != 0 and "not a Waymark backup" in wrong.output
    assert not (tmp_path / "new.db").exists() or (tmp_path / "new.db").stat().st_size == 0

    restored = runner.invoke(main, ["restore", str(file)])
    assert restored.exit_code == 0 and "Restored" in restored.output and "waymark migrate" not in restored.output


def test_a_backup_from_an_older_version_says_to_migrate_and_one_from_a_newer_is_refused(
    tmp_path: Path, monkeypatch
) -> None:
    old = tmp_path / "old.db"
    engine = db.make_engine(f"sqlite:///{old}")
    db.migrate(engine, "0020")
    engine.dispose()
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    runner = CliRunner()
    older = runner.invoke(main, ["restore", str(old)])
    assert older.exit_code == 0 and "run `waymark migrate` next" in older.output

    newer = tmp_path / "newer.db"
    engine = db.make_engine(f"sqlite:///{newer}")
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    monkeypatch.setenv("WAYMARK_DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    refused = runner.invoke(main, ["restore", str(newer)])
    assert refused.exit_code != 0 and "newer Waymark" in refused.output

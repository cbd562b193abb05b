"""Migrations: they build exactly the models' schema, go down and up again, run on
both databases (the ``engine`` fixture), and the head file names the real head."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import waymark.models  # noqa: F401
from waymark import db


def test_head_file_names_the_real_head() -> None:
    assert (db.MIGRATIONS_DIR / ".current-alembic-head").read_text().strip() == db.head_revision()


def test_migration_files_are_numbered_in_order() -> None:
    names = sorted(p.name for p in Path(db.MIGRATIONS_DIR / "versions").glob("*.py"))
    assert names and all(name[:4].isdigit() and name[4] == "_" for name in names)
    assert [int(n[:4]) for n in names] == list(range(1, len(names) + 1))


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_downgrade_to_nothing_and_up_again(engine: Engine, tmp_path: Path) -> None:
    # A database of its own (SQLite file or PostgreSQL schema) so other tests keep theirs.
    if engine.dialect.name == "sqlite":
        scratch = db.make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    else:
        from sqlalchemy import create_engine

        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA waymark_scratch_migrations"))
        scratch = create_engine(engine.url, connect_args={"options": "-csearch_path=waymark_scratch_migrations"})
    try:
        db.migrate(scratch)
        assert db.current_revision(scratch) == db.head_revision()
        db.downgrade(scratch, "base")
        assert set(inspect(scratch).get_table_names()) <= {"alembic_version"}
        db.migrate(scratch)
        assert "audit_event" in inspect(scratch).get_table_names()
    finally:
        scratch.dispose()
        if engine.dialect.name != "sqlite":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA waymark_scratch_migrations CASCADE"))


def test_constraint_names_follow_the_convention(engine: Engine) -> None:
    inspector = inspect(engine)
    fks = [fk["name"] for fk in inspector.get_foreign_keys("assignment")]
    assert "fk_assignment_worker_id_user_account" in fks
    assert inspector.get_pk_constraint("tenant")["name"] in ("pk_tenant", None)  # SQLite does not keep PK names


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_audit_log_is_append_only_in_the_database(database, statement: str) -> None:
    with database.session() as session:
        session.execute(text("INSERT INTO audit_event (at, action, detail) VALUES (CURRENT_TIMESTAMP, 'test', '{}')"))
        with pytest.raises(DBAPIError, match="append-only"):
            with session.begin_nested():
                session.execute(text(statement))


def test_tests_are_isolated_nothing_leaks_between_them(database) -> None:
    """Data written by one test (services commit, i.e. release savepoints) is gone in
    the next: this test and the one after it each see an empty tenant table."""
    from sqlmodel import select

    from waymark.identity.models import Tenant

    with database.session() as session:
        assert session.exec(select(Tenant)).all() == []
        session.add(Tenant(slug="leak-check", name="Leak check"))
        session.commit()


def test_tests_are_isolated_second_half(database) -> None:
    from sqlmodel import select

    from waymark.identity.models import Tenant

    with database.session() as session:
        assert session.exec(select(Tenant).where(Tenant.slug == "leak-check")).all() == []


def test_contact_status_is_filled_from_existing_contacts(tmp_path: Path) -> None:
    """0007 adds contact_status: on a database that already has contacts, the rows
    come out as the app keeps them (latest contact that counts, as a UK day)."""
    from sqlmodel import Session, select

    from waymark.contacts.models import ContactStatus
    from waymark.demo import seed_demo

    scratch = db.make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    try:
        db.migrate(scratch)
        with Session(scratch) as session:
            seed_demo(session)
            kept = {(s.young_person_id, s.last_contact_on) for s in session.exec(select(ContactStatus)).all()}
        db.downgrade(scratch, "0006")
        assert "contact_status" not in inspect(scratch).get_table_names()
        db.migrate(scratch)
        with Session(scratch) as session:
            filled = {(s.young_person_id, s.last_contact_on) for s in session.exec(select(ContactStatus)).all()}
        assert filled == {row for row in kept if row[1] is not None} and len(filled) == 5
    finally:
        scratch.dispose()


def test_theme_group_tallies_are_filled_from_existing_responses(tmp_path: Path) -> None:
    """0014 adds theme tallies by group: on a database that already has moderated
    answers, the backfill gives what the app keeps as answers are moderated."""
    from sqlmodel import Session, select

    from waymark.demo import seed_demo
    from waymark.insights.models import ThemeGroupTally

    scratch = db.make_engine(f"sqlite:///{tmp_path / 'scratch.db'}")
    try:
        db.migrate(scratch)
        with Session(scratch) as session:
            seed_demo(session)
            kept = {
                (t.tenant_id, t.theme, t.dimension, t.grp, t.responses) for t in session.exec(select(ThemeGroupTally))
            }
        db.downgrade(scratch, "0013")
        db.migrate(scratch)
        with Session(scratch) as session:
            filled = {
                (t.tenant_id, t.theme, t.dimension, t.grp, t.responses) for t in session.exec(select(ThemeGroupTally))
            }
        assert filled == {row for row in kept if row[4]} and len(filled) > 20
    finally:
        scratch.dispose()

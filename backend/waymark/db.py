"""Database: engine, sessions, column types and Alembic migrations.

SQLite (the default, under ``var/``) and PostgreSQL (``postgresql+psycopg://``) both
work. Tables come only from the Alembic migrations in ``migrations/`` (never
``create_all``); ``tests/test_migrations.py`` proves the migrations match the models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from waymark import clock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Constraint names are stable from the first migration, so later migrations can
# drop or alter them by name on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, always returns an aware UTC datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else clock.as_utc(value)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """``hide_parameters``: a failed statement's error (and the SQL echo) never shows
    its values, which may be a young person's words."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


_SQLITE_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


def _sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, WAL, and transactions that start with the first write.

    pysqlite's own transaction handling is switched off (SQLAlchemy's documented
    recipe, which also makes SAVEPOINT work). Reads run without holding a snapshot;
    the first write of a unit of work issues ``BEGIN IMMEDIATE``, which takes the write
    lock at once and waits (busy_timeout) if another request holds it. Beginning
    earlier, with a plain BEGIN, made concurrent requests that read and then write
    fail with "database is locked": SQLite cannot upgrade a read snapshot to a write
    once another connection has written. Rules that must not lose updates use
    conditional UPDATEs, which are safe on both databases.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; commits need no fsync each
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_at_first_write(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction and _SQLITE_WRITE.match(statement):
            cursor.execute("BEGIN IMMEDIATE")


def serialise(session: Session, key: str) -> None:
    """Hold a lock named ``key`` until the transaction ends, so that units of work that
    read and then write the same thing (is there an open alert for this person?) run
    one after another. PostgreSQL: a transaction advisory lock on the key's hash.
    SQLite: the database's write lock, taken now rather than at the first write, so
    reads after this see everything committed before it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM rate_count WHERE 0"))  # begins IMMEDIATE, changes nothing
    else:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def can_write(session: Session, *, wait_seconds: float = 2.0) -> bool:
    """Would a write succeed now? Takes the write lock (SQLite) or writes a row
    (PostgreSQL) and rolls back, waiting at most ``wait_seconds``: a lock held past the
    busy timeout, a full disk or a read-only replica all say no."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    try:
        if sqlite:
            session.execute(text(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}"))
        else:
            session.execute(text(f"SET LOCAL statement_timeout = {int(wait_seconds * 1000)}"))
        session.execute(text("DELETE FROM rate_count WHERE key = 'readyz-probe'"))
        return True
    except Exception:
        return False
    finally:
        session.rollback()
        if sqlite:
            session.execute(text("PRAGMA busy_timeout=30000"))


class Database:
    """Owns the engine; ``session()`` gives a unit of work. Tests swap ``session``."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# ----------------------------------------------------------------- migrations
def alembic_config(connection: Any | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Any]:
    """A connection in a transaction for Alembic. On SQLite, foreign keys are off while
    it runs (SQLite changes a table by copying it, which the checks would refuse when
    other tables point at it) and checked in full before the transaction commits."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # (no write happened: ends SQLAlchemy's autobegun transaction)
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def migrate(engine: Engine, revision: str = "head") -> None:
    with _migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _migration_connection(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def utcnow() -> datetime:
    return clock.now()

"""Alembic environment. Run migrations with `waymark migrate` (or db.migrate in code).

`render_as_batch` lets ALTERs work on SQLite too; the naming convention in db.py
keeps constraint names identical on SQLite and PostgreSQL.
"""

from alembic import context
from sqlmodel import SQLModel

import waymark.models  # noqa: F401  (registers every table on the metadata)
from waymark.db import make_engine
from waymark.settings import Settings

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = make_engine(Settings().database_url)
        with engine.begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()

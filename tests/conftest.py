"""Test harness: a real database (SQLite always, PostgreSQL when
WAYMARK_TEST_POSTGRES_URL is set), migrated once per run and rolled back after every
test; the real app on top of it; a real OIDC provider process thread for staff sign-in.

Every test that uses ``db`` (directly or through ``app``/``client``) runs once per
database backend.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from oidc_provider_mock import app as oidc_app
from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session
from werkzeug.serving import make_server

from tests import factories, notifyfake
from tests.factories import make_settings
from tests.pagecheck import PageClient
from waymark import clock, db
from waymark.app import create_app
from waymark.dev_idp import demo_users
from waymark.settings import Settings

POSTGRES_URL = os.environ.get("WAYMARK_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database for the whole run. PostgreSQL gets a schema of its own, so
    runs on the same server do not meet."""
    if request.param == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        db.migrate(eng)
        yield eng
        eng.dispose()
        return
    schema = f"waymark_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        db.migrate(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class RollbackDatabase(db.Database):
    """Every session joins one outer transaction, rolled back after the test; a
    service's ``commit()`` only releases a savepoint."""

    def __init__(self, engine: Engine, connection: Connection):
        super().__init__(engine)
        self.connection = connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s


@pytest.fixture
def database(engine: Engine) -> Iterator[RollbackDatabase]:
    connection = engine.connect()
    outer = connection.begin()
    if engine.dialect.name == "sqlite":
        # SQLite transactions start at the first write (see db.py); the test's outer
        # transaction must be a real one, or releasing the first savepoint commits.
        connection.exec_driver_sql("BEGIN")
    try:
        yield RollbackDatabase(engine, connection)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def db_session(database: RollbackDatabase) -> Iterator[Session]:
    with database.session() as session:
        yield session


@pytest.fixture
def scratch_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own that really commits (for racing sessions)."""
    if engine.dialect.name == "sqlite":
        scratch = db.make_engine(f"sqlite:///{tmp_path / 'race.db'}")
        schema = None
    else:
        schema = "waymark_race_test"
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        scratch = create_engine(engine.url, connect_args={"options": f"-csearch_path={schema}"})
    db.migrate(scratch)
    yield scratch
    scratch.dispose()
    if schema:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "clock_start(iso): start this test's frozen clock at this UTC time (a test about a given calendar)"
    )


@pytest.fixture(autouse=True)
def _frozen_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with the clock frozen at factories.TEST_START, or where its
    ``clock_start`` marker says; autouse, so it runs before the fixtures that build rows."""
    marker = request.node.get_closest_marker("clock_start")
    start = datetime.fromisoformat(marker.args[0]).replace(tzinfo=UTC) if marker else factories.TEST_START
    clock.reset()
    clock.freeze(start)
    yield
    clock.reset()


# ------------------------------------------------------------ GOV.UK Notify
@pytest.fixture(scope="session")
def _notify_server() -> Iterator[Any]:
    fake, server = notifyfake.start()
    yield fake
    server.shutdown()


@pytest.fixture
def notify(_notify_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The local fake of GOV.UK Notify (tests/notifyfake.py), emptied, with the app's
    settings pointed at it through the environment."""
    _notify_server.clear()
    monkeypatch.setenv("WAYMARK_NOTIFY_API_KEY", notifyfake.API_KEY)
    monkeypatch.setenv("WAYMARK_NOTIFY_BASE_URL", _notify_server.url)
    monkeypatch.setenv("WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID", notifyfake.EMAIL_TEMPLATE)
    monkeypatch.setenv("WAYMARK_NOTIFY_SMS_TEMPLATE_ID", notifyfake.SMS_TEMPLATE)
    return _notify_server


# ------------------------------------------------------------------ OIDC
@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[str]:
    """A real OpenID Connect provider (oidc-provider-mock) on a free port."""
    server = make_server("127.0.0.1", 0, oidc_app(user_claims=demo_users(), require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def settings(oidc_issuer: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The app's settings. Job handlers read theirs from the environment, as the
    worker does in production, so the secret key is put there too."""
    made = make_settings(oidc_issuer)
    assert made.secret_key is not None
    monkeypatch.setenv("WAYMARK_SECRET_KEY", made.secret_key.get_secret_value())
    return made


@pytest.fixture
def app(settings: Settings, database: RollbackDatabase) -> Any:
    return create_app(settings, database=database)


@pytest.fixture
def client(app: Any) -> Iterator[PageClient]:
    with PageClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def world(db_session: Session) -> factories.World:
    """Two councils with a caseload each (see factories.World)."""
    return factories.make_world(db_session)

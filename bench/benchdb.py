"""Run a benchmark on a fresh SQLite file and, when WAYMARK_BENCH_POSTGRES_URL (or
WAYMARK_TEST_POSTGRES_URL) is set, in a PostgreSQL schema of its own, dropped after."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable

from sqlalchemy import create_engine, text

from waymark import db


def on_each_database(report: Callable[[str, db.Engine], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as tmp:
        engine = db.make_engine(f"sqlite:///{tmp}/bench.db")
        try:
            report("SQLite", engine)
        finally:
            engine.dispose()
    url = os.environ.get("WAYMARK_BENCH_POSTGRES_URL") or os.environ.get("WAYMARK_TEST_POSTGRES_URL")
    if not url:
        print("PostgreSQL: skipped (set WAYMARK_BENCH_POSTGRES_URL)")
        return
    schema = f"waymark_bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        report("PostgreSQL", engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def time_pages(engine: db.Engine, user_id: int, paths: list[str], repeat: int) -> dict[str, tuple[list[float], int]]:
    """GET each path ``repeat`` times as the user, in-process through the whole app
    (after one warm-up each): milliseconds per request, and the page's size."""
    import time

    from pydantic import SecretStr
    from starlette.testclient import TestClient

    from waymark.app import create_app
    from waymark.identity.models import User
    from waymark.identity.sessions import COOKIE, session_create
    from waymark.settings import Settings

    settings = Settings(
        demo_mode=False,
        secret_key=SecretStr(secrets.token_urlsafe(48)),
        oidc_issuer="http://127.0.0.1:9",
        oidc_client_id="bench",
        oidc_client_secret=SecretStr("bench"),
        database_url="sqlite://",
        base_url="http://127.0.0.1",  # the test client's host, the only one allowed
    )
    database = db.Database(engine)
    app = create_app(settings, database=database)
    with database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        token = session_create(session, user=user, settings=settings)
        session.commit()
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(COOKIE, token)
    results = {}
    for path in paths:
        client.get(path)  # warm up: templates, query plans, caches
        times, size = [], 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            size = len(response.content)
        results[path] = (times, size)
    return results

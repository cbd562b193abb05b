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

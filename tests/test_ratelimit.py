"""Limits hold under parallel requests, on a real database with real commits (not the
rolled-back test transaction): each thread has its own connection, as each request
in each app process would. Before the counters were atomic, 20 guesses sent at once
were all checked against a limit of 5, and 19 of 20 offers got past a limit of 5."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, select

from tests import factories
from tests.conftest import POSTGRES_URL
from waymark import db, ratelimit
from waymark.contacts import service as contacts
from waymark.contacts.models import ReachRequest
from waymark.identity import service as identity
from waymark.settings import Settings

SETTINGS = Settings(_env_file=None, secret_key="k" * 40)
PARALLEL = 20


@pytest.fixture(params=["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def committed_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'limits.db'}")
        db.migrate(engine)
        yield engine
        engine.dispose()
        return
    schema = f"waymark_limits_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=PARALLEL, max_overflow=0
    )
    try:
        db.migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def all_at_once(engine: Engine, work) -> list:
    """Run ``work(session)`` in PARALLEL threads released together; their results."""
    start, results, errors = threading.Barrier(PARALLEL), [], []

    def run() -> None:
        with Session(engine, expire_on_commit=False) as session:
            start.wait()
            try:
                results.append(work(session))
            except Exception as exc:  # collected and looked at below
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results + errors


def test_parallel_hits_let_exactly_the_limit_through(committed_engine):
    outcomes = all_at_once(
        committed_engine, lambda s: ratelimit.hit(s, "offer:10.0.0.9", limit=5, window=timedelta(minutes=15))
    )
    assert sorted(d.count for d in outcomes) == list(range(1, PARALLEL + 1))
    assert sum(d.allowed for d in outcomes) == 5


def test_parallel_guesses_check_only_five_passphrases(committed_engine, monkeypatch):
    with Session(committed_engine, expire_on_commit=False) as session:
        world = factories.make_world(session)
        username = world.yp.username
    checked = []
    real_verify = identity.verify_passphrase

    def counting_verify(stored_hash, passphrase):
        checked.append(1)
        return real_verify(stored_hash, passphrase)

    monkeypatch.setattr(identity, "verify_passphrase", counting_verify)

    def guess(session):
        identity.young_person_sign_in(
            session, username=username, passphrase="a wrong guess", ip="10.0.0.7", settings=SETTINGS
        )

    outcomes = all_at_once(committed_engine, guess)
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds.count("SignInFailed") + kinds.count("HasherBusy") == SETTINGS.login_account_limit, kinds
    assert kinds.count("Throttled") == PARALLEL - SETTINGS.login_account_limit
    assert len(checked) == SETTINGS.login_account_limit


def test_parallel_couldnt_reach_requests_make_one(committed_engine):
    with Session(committed_engine, expire_on_commit=False) as session:
        world = factories.make_world(session)
        me = factories.actor(session, world.yp)
        tried_at = factories.clock.now() - timedelta(hours=1)

    def reach(session):
        made = contacts.reach_request(session, actor=me, method="call", tried_at=tried_at, note="")
        session.commit()
        return made

    all_at_once(committed_engine, reach)
    with Session(committed_engine) as session:
        made = session.exec(select(ReachRequest).where(ReachRequest.young_person_id == world.yp.id)).all()
    assert len(made) == 1

"""Browser tests: one live Waymark (demo data, fresh SQLite) and one in-thread OIDC
provider for the whole session, Debian's Chromium, and a phone-sized context per test.

Run with ``.venv/bin/python -m pytest e2e`` from the repository root.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext
from werkzeug.serving import make_server

from e2e.helpers import BUDGET_LINES, CHROMIUM, PHONE
from tests.factories import TEST_START
from waymark import clock

# Authlib turns its own deprecation warnings on ("always") when first imported, ahead
# of pytest's filters; importing it inside this block keeps that switch local.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore")
    from oidc_provider_mock import app as idp_app


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if BUDGET_LINES:
        terminalreporter.section("Waymark budgets (compressed bytes on the wire)")
        for line in BUDGET_LINES:
            terminalreporter.write_line(line)


# ------------------------------------------------------------------ browser
@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    # `playwright install` cannot download here: use Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Every test's default context is a small phone."""
    return {**browser_context_args, **PHONE, "base_url": base_url}


@pytest.fixture
def make_context(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Callable[..., BrowserContext]]:
    """A fresh, separate context (own cookies, cache and service worker); keyword
    arguments override the phone defaults. Closed at the end of the test."""
    made: list[BrowserContext] = []

    def make(**overrides: Any) -> BrowserContext:
        context = browser.new_context(**{**browser_context_args, **overrides})
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


# -------------------------------------------------------------- live servers
def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def idp_url() -> Iterator[str]:
    """oidc-provider-mock with the demo staff predefined. It takes its issuer from the
    Host header, so the app and the browser both use 127.0.0.1."""
    from waymark.dev_idp import demo_users

    server = make_server(
        "127.0.0.1",
        0,
        idp_app(user_claims=demo_users(), require_nonce=True),
        threaded=True,
    )
    thread = threading.Thread(target=server.serve_forever, name="e2e-idp", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


class SmtpInbox:
    """What the live server's real SMTP client delivered (aiosmtpd on localhost)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_inbox() -> Iterator[SmtpInbox]:
    from aiosmtpd.controller import Controller

    sock = _free_socket()
    port = sock.getsockname()[1]
    sock.close()
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ["WAYMARK_SMTP_HOST"], os.environ["WAYMARK_SMTP_PORT"] = "127.0.0.1", str(port)
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def push_service() -> Iterator[Any]:
    """A fake push service on 127.0.0.1 that checks VAPID and decrypts (tests/pushfake.py),
    and the VAPID keys the app and its job worker use (the worker reads the environment)."""
    from tests.pushfake import FakePushService
    from waymark.notifications.push import new_vapid_keys

    keys = new_vapid_keys()
    os.environ["WAYMARK_VAPID_PRIVATE_KEY"], os.environ["WAYMARK_VAPID_PUBLIC_KEY"] = keys.private_key, keys.public_key
    os.environ["WAYMARK_PUSH_ALLOW_LOCAL"] = "true"  # the worker may send to the fake on http://127.0.0.1
    service = FakePushService()
    yield service
    service.close()


LIVE: dict[str, Any] = {}  # the live server's database and app, for fixtures that set state


@pytest.fixture(scope="session")
def live_server(
    idp_url: str, tmp_path_factory: pytest.TempPathFactory, smtp_inbox: SmtpInbox, push_service: Any
) -> Iterator[str]:
    from waymark import db
    from waymark.app import create_app
    from waymark.demo import seed_demo
    from waymark.settings import Settings

    # The server's clock runs from the suite's start (tests.factories.TEST_START, or
    # WAYMARK_TEST_TODAY), not from today, so dates on every page are the same each run.
    clock.reset()
    clock.advance(TEST_START - clock.now())
    database_path = tmp_path_factory.mktemp("e2e-db") / "waymark.db"
    settings = Settings(
        demo_mode=True,
        database_url=f"sqlite:///{database_path}",
        secret_key=secrets.token_urlsafe(36),  # 48 characters
        oidc_issuer=idp_url,
        oidc_client_id="waymark-e2e",
        oidc_client_secret=secrets.token_urlsafe(24),
        push_allow_local=True,  # the fake push service's http://127.0.0.1 endpoints
    )
    engine = db.make_engine(settings.database_url)
    db.migrate(engine)
    database = db.Database(engine)
    with database.session() as session:
        seed_demo(session)
    app = create_app(settings, database=database)
    LIVE["database"], LIVE["app"] = database, app
    from waymark.jobs.service import Worker

    jobs = Worker(database.session, interval=0.5)  # as `waymark serve` does, but often
    jobs.start()

    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="e2e-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    jobs.stop()
    thread.join(10)
    sock.close()
    engine.dispose()
    clock.reset()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture
def answered_forgotten(live_server: str) -> None:
    """Several tests answer the same demo consultation as the same young person, and
    each may answer only once; forget who has answered anonymously (the markers), as
    if this test ran first. Their earlier answers stay."""
    from sqlalchemy import text

    with LIVE["database"].session() as session:
        session.execute(text("DELETE FROM consultation_answered_marker"))
        session.commit()

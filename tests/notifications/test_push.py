"""Web push: opt-in subscriptions with checks, real encrypted pushes sent by the job to a
fake push service that verifies the VAPID signature and decrypts the payload, and what
happens when the push service says the browser has gone or is busy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import make_settings
from tests.pushfake import FakePushService
from waymark import clock
from waymark.jobs import service as jobs
from waymark.jobs.models import Job
from waymark.notifications import push
from waymark.notifications import service as notifications
from waymark.notifications.models import Notification, PushSubscription
from waymark.web.i18n import translations

KEYS = push.new_vapid_keys()


@pytest.fixture
def fake_push():
    service = FakePushService()
    yield service
    service.close()


@pytest.fixture
def vapid_env(monkeypatch):
    monkeypatch.setenv("WAYMARK_VAPID_PRIVATE_KEY", KEYS.private_key)
    monkeypatch.setenv("WAYMARK_VAPID_PUBLIC_KEY", KEYS.public_key)
    monkeypatch.setenv("WAYMARK_VAPID_SUBJECT", "mailto:push@council.example")
    monkeypatch.setenv("WAYMARK_PUSH_ALLOW_LOCAL", "true")  # the fake push service is on http://127.0.0.1


@pytest.fixture
def push_settings(oidc_issuer):
    return make_settings(
        oidc_issuer, vapid_private_key=KEYS.private_key, vapid_public_key=KEYS.public_key, push_allow_local=True
    )


def subscribe(db_session, world, browser, settings, kinds=("plan", "updates", "contact", "offers", "other")):
    return push.subscribe(
        db_session,
        tenant_id=world.a.id,
        user_id=world.yp.id,
        data=browser.subscription(),
        kinds=list(kinds),
        lang="cy",
        settings=settings,
    )


def tell(db_session, world, kind="update_published", link="/updates/7"):
    notifications.notify(
        db_session, tenant_id=world.a.id, user_id=world.yp.id, kind=kind, link=link, params={"title": "T"}
    )
    db_session.commit()


def test_a_push_is_encrypted_signed_and_carries_only_a_title_and_link(
    db_session, world, fake_push, vapid_env, push_settings
):
    subscribe(db_session, world, fake_push.browser("phone"), push_settings)
    tell(db_session, world)
    assert jobs.run_due(db_session) == 1
    [received] = fake_push.received
    welsh_title = translations("cy").gettext(push.TITLES["updates"])  # the subscription was made in Welsh
    assert received.payload == {"title": welsh_title, "url": "/updates/7"}  # no name, nothing anyone wrote
    assert received.headers["ttl"] == str(7 * 86400) and received.headers["urgency"] == "normal"
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.claims["sub"] == "mailto:push@council.example"
    row = db_session.exec(select(PushSubscription)).one()
    assert row.last_sent_at is not None
    assert db_session.exec(select(Notification)).one().kind == "update_published"  # the inbox has it too


def test_only_the_kinds_chosen_are_pushed(db_session, world, fake_push, vapid_env, push_settings):
    subscribe(db_session, world, fake_push.browser("phone"), push_settings, kinds=["plan"])
    tell(db_session, world, kind="update_published")
    assert db_session.exec(select(Job).where(Job.kind == push.PUSH_JOB)).all() == []
    tell(db_session, world, kind="plan_changed", link="/plan")
    jobs.run_due(db_session)
    assert [r.payload["url"] for r in fake_push.received] == ["/plan"]
    assert fake_push.received[0].headers["ttl"] == str(3 * 86400)


@pytest.mark.parametrize("status", [404, 410])
def test_a_browser_that_has_gone_loses_its_subscription(db_session, world, fake_push, vapid_env, push_settings, status):
    browser = fake_push.browser("gone")
    subscribe(db_session, world, browser, push_settings)
    fake_push.answer["/push/gone"] = status
    tell(db_session, world)
    jobs.run_due(db_session)
    assert db_session.exec(select(PushSubscription)).all() == []
    job = db_session.exec(select(Job).where(Job.kind == push.PUSH_JOB)).one()
    assert job.done_at is not None and job.failed_at is None


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_push_service_is_tried_again_later(db_session, world, fake_push, vapid_env, push_settings, status):
    browser = fake_push.browser("busy")
    subscribe(db_session, world, browser, push_settings)
    fake_push.answer["/push/busy"] = status
    tell(db_session, world)
    jobs.run_due(db_session)
    job = db_session.exec(select(Job).where(Job.kind == push.PUSH_JOB)).one()
    assert job.done_at is None and job.failed_at is None and job.attempts == 1
    assert job.run_at > clock.now()  # backoff
    assert db_session.exec(select(PushSubscription)).one()  # kept
    fake_push.answer.pop("/push/busy")
    clock.freeze(clock.now() + timedelta(minutes=5))
    jobs.run_due(db_session)
    assert len(fake_push.received) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"endpoint": "ftp://push.example/1", "keys": {}},
        {"endpoint": "https://push.example/" + "x" * 1000, "keys": {}},
        {"endpoint": "https://push.example/1", "keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        {"endpoint": "https://push.example/1", "keys": {"p256dh": "!!!", "auth": "!!!"}},
        {"keys": {}},
    ],
)
def test_malformed_subscriptions_are_refused_and_nothing_stored(client, db_session, world, data, app):
    app.state.settings.vapid_private_key, app.state.settings.vapid_public_key = KEYS.private_key, KEYS.public_key
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/inbox").text)
    response = client.post(
        "/api/push/subscriptions",
        content=json.dumps({"subscription": data, "kinds": ["updates"]}),
        headers={"content-type": "application/json", "x-csrf-token": token},
    )
    assert response.status_code == 422
    assert db_session.exec(select(PushSubscription)).all() == []


def test_turning_on_choosing_and_turning_off_over_http(client, db_session, world, app, fake_push):
    from pydantic import SecretStr

    app.state.settings.vapid_private_key = SecretStr(KEYS.private_key)
    app.state.settings.vapid_public_key = KEYS.public_key
    app.state.settings.push_allow_local = True
    factories.sign_in(client, db_session, world.yp)
    inbox = client.get("/inbox")
    assert "Turn on messages" in inbox.text and KEYS.public_key in inbox.text
    token = factories.csrf_from(inbox.text)
    browser = fake_push.browser("mine")
    made = client.post(
        "/api/push/subscriptions",
        content=json.dumps({"subscription": browser.subscription(), "kinds": ["updates", "nonsense"]}),
        headers={"content-type": "application/json", "x-csrf-token": token},
    )
    assert made.status_code == 201
    assert db_session.exec(select(PushSubscription)).one().kinds == ["updates"]
    chosen = client.post("/inbox/push", data={"csrf_token": token, "kinds": ["plan", "contact"]})
    assert chosen.status_code == 303
    assert db_session.exec(select(PushSubscription)).one().kinds == ["plan", "contact"]
    assert client.post("/inbox/push", data={"csrf_token": token, "off": "yes"}).status_code == 303
    assert db_session.exec(select(PushSubscription)).all() == []


def test_push_is_off_without_keys_and_the_inbox_says_so(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    assert "has not set up messages on phones" in client.get("/inbox").text
    token = factories.csrf_from(client.get("/inbox").text)
    response = client.post(
        "/api/push/subscriptions",
        content=json.dumps({"subscription": {}}),
        headers={"content-type": "application/json", "x-csrf-token": token},
    )
    assert response.status_code == 409


# ------------------------------------------------- only public push services
@pytest.mark.parametrize(
    "endpoint",
    [
        "https://10.0.0.1/push/1",
        "https://192.168.1.20/push/1",
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1/push/1",
        "https://[::1]/push/1",
        "https://[::ffff:10.0.0.1]/push/1",
        "https://[fd00::1]/push/1",
        "https://push.example:8443/push/1",
        "https://push.example:22/push/1",
        "https://localhost/push/1",
        "https://printer.local/push/1",
        "https://metadata.internal/push/1",
        "https://user:pass@push.example/push/1",
        "http://push.example/push/1",
        "http://127.0.0.1:9/push/1",  # only with the tests' fake push service allowed
    ],
)
def test_push_endpoints_must_be_public_https_on_443(db_session, world, oidc_issuer, endpoint):
    from tests.pushfake import Browser

    settings = make_settings(oidc_issuer, vapid_private_key=KEYS.private_key, vapid_public_key=KEYS.public_key)
    with pytest.raises(push.BadSubscription):
        push.subscribe(
            db_session,
            tenant_id=world.a.id,
            user_id=world.yp.id,
            data=Browser(endpoint=endpoint).subscription(),
            kinds=["updates"],
            lang="en",
            settings=settings,
        )
    assert db_session.exec(select(PushSubscription)).all() == []
    assert push.outbound.endpoint_problem("https://fcm.googleapis.com/fcm/send/abc", allow_local=False) is None


def test_the_worker_checks_the_address_again_when_it_sends(
    db_session, world, fake_push, vapid_env, push_settings, monkeypatch
):
    """A subscription stored earlier (or a name that now resolves to a private address)
    is never sent to: no request reaches the address, and the subscription goes."""
    browser = fake_push.browser("inside")
    subscribe(db_session, world, browser, push_settings)  # allowed while the fake was allowed
    monkeypatch.setenv("WAYMARK_PUSH_ALLOW_LOCAL", "false")
    tell(db_session, world)
    jobs.run_due(db_session)
    assert fake_push.seen == []  # requests to a private address made by the worker: 0
    assert db_session.exec(select(PushSubscription)).all() == []


def test_the_connection_is_refused_on_a_private_address_whatever_the_url_says(fake_push):
    """The check runs on the address the socket connects to, after resolving."""
    session = push.outbound.guarded_session(allow_local=False)
    with pytest.raises(push.outbound.BlockedEndpoint):
        session.post(f"{fake_push.base}/push/direct", data=b"x", timeout=5)
    with pytest.raises(push.outbound.BlockedEndpoint):
        session.post(f"http://localhost:{fake_push.server.server_port}/push/direct", data=b"x", timeout=5)
    assert fake_push.seen == []


def test_redirects_from_a_push_service_are_never_followed(db_session, world, fake_push, vapid_env, push_settings):
    elsewhere = FakePushService()
    try:
        browser = fake_push.browser("moved")
        fake_push.redirect["/push/moved"] = f"{elsewhere.base}/push/moved"
        subscribe(db_session, world, browser, push_settings)
        tell(db_session, world)
        jobs.run_due(db_session)
        assert fake_push.seen == ["/push/moved"] and elsewhere.seen == []
    finally:
        elsewhere.close()

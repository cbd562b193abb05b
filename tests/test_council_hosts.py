"""One deployment, many councils (WAYMARK_COUNCIL_HOSTS, WAYMARK_COUNCIL_OIDC): on a
council's own host only its people sign in, its staff through its own identity
provider (a second real oidc-provider-mock process), and its pages and links are its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from oidc_provider_mock import app as oidc_app
from pydantic import SecretStr
from sqlmodel import select
from werkzeug.serving import make_server

from tests import factories
from tests.factories import make_settings, oidc_sign_in
from tests.pagecheck import PageClient
from waymark.app import create_app
from waymark.identity import messages as m
from waymark.identity.models import Invite, User
from waymark.identity.sessions import COOKIE
from waymark.settings import CouncilIdP, Settings, SettingsError

A_HOST, B_HOST = "riverside.test", "hillside.test"


@pytest.fixture(scope="module")
def own_issuer() -> Iterator[str]:
    """Council A's own provider: another process-like server, not the shared one."""
    server = make_server("127.0.0.1", 0, oidc_app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def hosted(oidc_issuer, own_issuer, database, db_session, world):
    settings = make_settings(
        oidc_issuer,
        council_hosts=f"{A_HOST}={world.a.slug}, {B_HOST}={world.b.slug}",
        council_oidc={
            world.a.slug: CouncilIdP(issuer=own_issuer, client_id="riverside", client_secret=SecretStr("s3cret"))
        },
    )
    settings.check()
    return create_app(settings, database=database)


def client_at(app, host: str) -> PageClient:
    return PageClient(app, base_url=f"http://{host}")


def sign_in(client, username):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": factories.csrf_from(page.text), "username": username, "passphrase": factories.PASSPHRASE},
    )


def test_settings_refuse_a_bad_host_map_and_a_provider_without_a_host(monkeypatch):
    with pytest.raises(SettingsError, match="not host=council-slug"):
        Settings(_env_file=None, council_hosts="riverside.test:8000=riverside").check_councils()
    with pytest.raises(SettingsError, match="not host=council-slug"):
        Settings(_env_file=None, council_hosts="riverside.test").check_councils()
    monkeypatch.setenv(
        "WAYMARK_COUNCIL_OIDC",
        '{"riverside": {"issuer": "https://idp.example", "client_id": "c", "client_secret": "s"}}',
    )
    with pytest.raises(SettingsError, match="no host"):
        Settings(_env_file=None).check_councils()
    monkeypatch.setenv("WAYMARK_COUNCIL_HOSTS", "Riverside.Test=Riverside")
    ok = Settings(_env_file=None, base_url="https://waymark.example")
    ok.check_councils()
    assert ok.council_by_host == {"riverside.test": "riverside"}
    assert ok.council_oidc["riverside"].issuer == "https://idp.example"
    assert ok.url_for("riverside") == "https://riverside.test" and ok.url_for("other") == "https://waymark.example"
    assert "riverside.test" in ok.hosts


def test_on_a_council_host_only_its_young_people_sign_in_and_join(hosted, db_session, world):
    with client_at(hosted, A_HOST) as a_client:
        refused = sign_in(a_client, world.b_yp.username)  # Hillside's young person at Riverside's address
        assert refused.status_code == 422 and m.SIGN_IN_FAILED in refused.text and COOKIE not in a_client.cookies
        assert sign_in(a_client, world.yp.username).status_code == 303
    with client_at(hosted, B_HOST) as b_client:
        assert sign_in(b_client, world.b_yp.username).status_code == 303

        # An invite for Riverside's young person opens at Riverside's address only.
        from waymark.identity import service as identity

        _invite, code = identity.invite_create(
            db_session, actor=factories.actor(db_session, world.pa), young_person_id=world.yp.id
        )
        db_session.commit()
        assert b_client.get(f"/join/{code}").status_code == 404
    with client_at(hosted, A_HOST) as a_client:
        assert a_client.get(f"/join/{code}").status_code == 200
    assert db_session.exec(select(Invite).where(Invite.used_at.is_not(None))).all() == []  # type: ignore[union-attr]


def test_staff_sign_in_through_their_own_councils_provider_on_its_host(hosted, db_session, world, own_issuer):
    claims = {"email": world.pa.email, "email_verified": True, "name": "PA"}
    with client_at(hosted, A_HOST) as a_client:
        start = a_client.get("/login/staff")
        assert start.headers["location"].startswith(own_issuer + "/")  # the council's own provider
        assert f"redirect_uri=http%3A%2F%2F{A_HOST}%2Fauth%2Fcallback" in start.headers["location"]
        response = oidc_sign_in(a_client, world.pa.email, claims, own_issuer, host=A_HOST)
        assert response.status_code == 303 and a_client.get("/staff/caseload").status_code == 200
        # Invite links name the council's own address.
        panel = a_client.post(
            f"/staff/young-people/{world.yp.id}/invites",
            data={"csrf_token": factories.csrf_from(a_client.get(f"/staff/young-people/{world.yp.id}").text)},
        )
        assert f"http://{A_HOST}/join/" in panel.text
    with client_at(hosted, A_HOST) as a_client:  # Hillside's adviser, even if A's provider vouched
        b_claims = {"email": world.b_pa.email, "email_verified": True}
        refused = oidc_sign_in(a_client, world.b_pa.email, b_claims, own_issuer, host=A_HOST)
        assert refused.status_code == 403 and m.STAFF_UNKNOWN in refused.text


def test_the_shared_provider_does_not_speak_for_a_council_with_its_own(hosted, db_session, world, oidc_issuer):
    with client_at(hosted, "testserver") as shared:
        claims = {"email": world.pa.email, "email_verified": True}
        refused = oidc_sign_in(shared, world.pa.email, claims, oidc_issuer)
        assert refused.status_code == 403 and COOKIE not in shared.cookies
    with client_at(hosted, "testserver") as shared:  # a council without its own provider uses the shared one
        claims = {"email": world.b_pa.email, "email_verified": True}
        assert oidc_sign_in(shared, world.b_pa.email, claims, oidc_issuer).status_code == 303
    with client_at(hosted, B_HOST) as b_client:  # and signs in on its own host through it
        assert oidc_sign_in(b_client, world.b_pa.email, claims, oidc_issuer, host=B_HOST).status_code == 303


def test_a_council_host_shows_that_councils_privacy_notice(hosted, db_session, world):
    with client_at(hosted, A_HOST) as a_client:
        page = a_client.get("/privacy")
        assert world.a.name in page.text and world.b.name not in page.text
    with client_at(hosted, "testserver") as shared:
        page = shared.get("/privacy")
        assert world.a.name in page.text and world.b.name in page.text
    with client_at(hosted, "elsewhere.test") as stranger:
        assert stranger.get("/privacy").status_code == 400  # a host nobody configured


def test_emails_link_to_the_councils_own_address(hosted, db_session, world, monkeypatch):
    from waymark.notifications import service as notifications

    sent = []
    monkeypatch.setattr(notifications, "send_email", lambda settings, **kw: sent.append(kw))
    monkeypatch.setenv("WAYMARK_COUNCIL_HOSTS", f"{A_HOST}={world.a.slug}")
    monkeypatch.setenv("WAYMARK_BASE_URL", "https://waymark.example")
    monkeypatch.setenv("WAYMARK_SMTP_HOST", "127.0.0.1")
    user = db_session.get(User, world.pa.id)
    note = notifications.notify(
        db_session, tenant_id=world.a.id, user_id=user.id, kind="reach_request", link="/staff/work"
    )
    db_session.commit()
    notifications._staff_email(db_session, {"notification_id": note.id})
    assert sent and f"https://{A_HOST}/staff/work" in sent[0]["body"]

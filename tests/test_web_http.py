"""Shared web behaviour: security headers, compression, error pages, health, PWA files."""

import gzip
import json

from bs4 import BeautifulSoup
from fastapi import APIRouter

from tests import factories
from tests.factories import make_settings
from waymark.identity.permissions import PUBLIC, requires


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert "HX-Request" in response.headers["vary"]
    assert "strict-transport-security" not in response.headers  # plain http here


def test_hsts_when_served_over_https(oidc_issuer, database):
    from tests.pagecheck import PageClient
    from waymark.app import create_app

    app = create_app(make_settings(oidc_issuer, base_url="https://waymark.example"), database=database)
    with PageClient(app, base_url="https://waymark.example") as c:
        response = c.get("/login")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["set-cookie"]


def test_pages_are_compressed(client):
    response = client.get("/login", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    raw = client.get("/login", headers={"accept-encoding": "identity"})
    assert len(gzip.compress(raw.content)) < 14 * 1024


def test_not_found_is_a_friendly_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.text


def test_bad_path_parameter_is_400_not_500(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    response = client.get("/staff/young-people/not-a-number")
    assert response.status_code == 400
    assert client.get("/staff/young-people/99999999999999999999999").status_code in (400, 404)


def test_wrong_method_is_405_page(client):
    assert client.put("/login", headers={"x-csrf-token": "x"}).status_code in (403, 405)
    assert client.get("/logout").status_code == 405


def test_a_crash_shows_the_sorry_page_without_details(app):
    from tests.pagecheck import PageClient

    router = APIRouter()

    @router.get("/boom", dependencies=[requires(PUBLIC)])
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.include_router(router)
    with PageClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.text and "secret internals" not in response.text


def test_health_and_readiness(client):
    assert client.get("/healthz").text == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(image.content[16:20], "big"), int.from_bytes(image.content[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_versioned_and_precaches_the_offline_page(client):
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert "__VERSION__" not in response.text and "__PRECACHE__" not in response.text
    assert '"/offline"' in response.text


def test_static_files_are_cached_for_a_year_when_versioned(client):
    page = client.get("/login").text
    css = page.split('href="/static/app.css?v=')[1].split('"')[0]
    response = client.get(f"/static/app.css?v={css}")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/../settings.py").status_code == 404


def test_offline_page_is_the_same_for_everyone(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    response = client.get("/offline")
    assert "You are offline" in response.text and "Ada" not in response.text
    assert "x-waymark-owner" not in response.headers


def test_personal_pages_name_their_owner_for_the_service_worker(client, db_session, world):
    assert "x-waymark-owner" not in client.get("/").headers
    factories.sign_in(client, db_session, world.yp)
    assert len(client.get("/").headers["x-waymark-owner"]) == 16


# ------------------------------------------------------------- hosts and proxies
def test_a_host_the_council_did_not_configure_gets_400(client):
    """With the Host header trusted, the OIDC redirect and invite links were built on
    http://evil.example/."""
    response = client.get("/login/staff", headers={"host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("location", "")
    assert client.get("/healthz", headers={"host": "10.1.2.3:8000"}).status_code == 200  # load balancer checks


def test_demo_mode_answers_only_localhost_without_a_base_url(oidc_issuer):
    from waymark.settings import Settings

    demo = Settings(_env_file=None, demo_mode=True, database_url="sqlite://").check()
    assert demo.hosts == ["127.0.0.1", "localhost"]
    configured = make_settings(oidc_issuer, base_url="https://waymark.riverside.gov.uk", allowed_hosts="alt.example")
    assert configured.hosts == ["alt.example", "waymark.riverside.gov.uk"]


def test_no_proxy_is_trusted_unless_configured(oidc_issuer, app):
    """uvicorn trusted X-Forwarded-For from 127.0.0.1 when WAYMARK_FORWARDED_ALLOW_IPS
    was unset, so a rotated header defeated the per-address limit."""
    import uvicorn
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    def loaded(settings):
        config = uvicorn.Config(app, **settings.server_options())
        config.load()
        return config.loaded_app

    assert not isinstance(loaded(make_settings(oidc_issuer)), ProxyHeadersMiddleware)
    behind = loaded(make_settings(oidc_issuer, forwarded_allow_ips="10.0.0.2"))
    assert isinstance(behind, ProxyHeadersMiddleware)


# ------------------------------------------------------------ nothing personal in logs
def test_a_failed_statement_never_puts_young_peoples_words_in_the_log(app, caplog):
    """A statement that failed logged its SQL parameters: a young person's words."""
    from sqlalchemy import text

    from waymark import db
    from waymark.db import SessionDep

    router = APIRouter()

    @router.post("/test-failing-write", dependencies=[requires(PUBLIC)])
    def failing_write(session: SessionDep) -> None:
        session.execute(text("INSERT INTO no_such_table (words) VALUES (:w)"), {"w": "i want to kill myself"})

    app.include_router(router)
    from tests.pagecheck import PageClient

    with PageClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
        token = factories.csrf_from(c.get("/login").text)
        with caplog.at_level("DEBUG"):
            response = c.post("/test-failing-write", data={"csrf_token": token})
    assert response.status_code == 500
    assert "unhandled error on POST /test-failing-write" in caplog.text
    assert "OperationalError" in caplog.text or "ProgrammingError" in caplog.text
    assert "kill myself" not in caplog.text and "no_such_table" not in caplog.text
    assert db.make_engine("sqlite://").hide_parameters is True


def test_readyz_fails_when_the_database_cannot_take_writes(oidc_issuer, tmp_path):
    """A lock held past the busy timeout made every write a 500 while /readyz said ready."""
    import sqlite3

    from tests.pagecheck import PageClient
    from waymark import db
    from waymark.app import create_app

    path = tmp_path / "busy.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    app = create_app(make_settings(oidc_issuer, database_url=f"sqlite:///{path}"), database=db.Database(engine))
    with PageClient(app, base_url="http://testserver") as c:
        assert c.get("/readyz").status_code == 200
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            busy = c.get("/readyz")
            assert busy.status_code == 503 and busy.json()["status"] == "database cannot take writes"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert c.get("/readyz").status_code == 200
    engine.dispose()


def test_words_that_cannot_be_saved_are_handed_back(oidc_issuer, tmp_path):
    """When the database could not take writes, a young person's "couldn't reach my
    worker" note was lost behind a 500. Now: 503, the words on the page, and a form
    that sends them again (which works once the database is back)."""
    from sqlalchemy import event, text
    from sqlmodel import Session, select

    from tests.pagecheck import PageClient
    from waymark import db
    from waymark.app import create_app
    from waymark.contacts.models import ReachRequest

    path = tmp_path / "full.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    refusing = {"on": False}

    @event.listens_for(engine, "begin")
    def writes_fail(connection):  # as a full disk or a read-only volume would
        connection.exec_driver_sql(f"PRAGMA query_only={int(refusing['on'])}")

    app = create_app(make_settings(oidc_issuer, database_url=f"sqlite:///{path}"), database=db.Database(engine))
    router = APIRouter()

    @router.post("/api/test-write", dependencies=[requires(PUBLIC)])
    def write(session: db.SessionDep) -> None:
        session.execute(text("UPDATE tenant SET name = name"))

    app.include_router(router)
    with Session(engine) as session:
        person = factories.make_world(session).yp  # a young person with a worker
        with PageClient(app, base_url="http://testserver") as c:
            factories.sign_in(c, session, person)
            token = factories.csrf_from(c.get("/contacts").text)
            words = "I rang three times.\nNobody came & I'm scared <b>"
            fields = {"csrf_token": token, "method": "call", "tried_on": "", "note": words}
            refusing["on"] = True
            page = c.post("/contacts/reach", data=fields)
            assert page.status_code == 503 and page.headers["retry-after"] == "30"
            assert "We could not save this just now" in page.text
            assert "I rang three times.\nNobody came &amp; I&#39;m scared &lt;b&gt;" in page.text
            assert not session.exec(select(ReachRequest)).all()
            form = BeautifulSoup(page.text, "html.parser").find("form", action="/contacts/reach")
            again = {i["name"]: i["value"] for i in form.find_all("input")}
            assert set(again) == {"csrf_token", "method", "tried_on", "note"} and again["note"] == words
            # JSON callers (the offline outbox replaying an answer) get 503 too: it keeps its copy.
            replay = c.post("/api/test-write", headers={"x-csrf-token": token})
            assert replay.status_code == 503 and replay.json() == {"error": "not_saved"}
            refusing["on"] = False
            sent = c.post("/contacts/reach", data=again)
            assert sent.status_code == 303
            assert [r.note for r in session.exec(select(ReachRequest)).all()] == [words]
    engine.dispose()

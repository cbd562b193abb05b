"""Shared web behaviour: security headers, compression, error pages, health, PWA files."""

import gzip
import json

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

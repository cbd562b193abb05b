"""No input gives a 500. Property-based (hypothesis): arbitrary JSON to the JSON routes,
arbitrary ids in every route's path, and arbitrary form bodies to every POST route, as
a young person and as a manager. Before: JSON nested 100,000 deep, a lone surrogate in
an outbox field, and a 20-digit id in an outbox url or a worker field each gave 500."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.routes import MATRIX
from waymark.notifications import push

KEYS = push.new_vapid_keys()
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any text, lone surrogates included (json.dumps writes them as \ud800 escapes).
text = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40) | st.sampled_from(
    ["\ud800", "a\udfffb", "\x00", "9" * 20, "/consultations/" + "9" * 20, "-1", ""]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)
outbox_like = st.fixed_dictionaries(
    {
        "url": st.sampled_from(["/consultations/1", "/consultations/" + "9" * 20, "/consultations/0"]) | text,
        "fields": st.dictionaries(text, st.lists(text, max_size=3) | json_values, max_size=4),
    }
)
ids = st.sampled_from(["0", "-1", "9" * 20, "2147483648", "1e3", "abc", "%00", "%ED%A0%80", "1.5", " 1"]) | (
    st.integers(min_value=-(10**30), max_value=10**30).map(str)
)


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.fixture
def signed_in(client, db_session, world, app):
    app.state.settings.vapid_private_key, app.state.settings.vapid_public_key = KEYS.private_key, KEYS.public_key
    factories.sign_in(client, db_session, world.yp)
    return factories.csrf_from(client.get("/inbox").text)


def post_json(client, token: str, path: str, body: bytes, key: str | bytes = "k" * 20) -> Any:
    headers = {"content-type": "application/json", "x-csrf-token": token, "idempotency-key": key}
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize("path", ["/api/outbox", "/api/push/subscriptions"])
def test_json_nested_too_deep_or_not_unicode_is_a_400(client, signed_in, path):
    for body in (deep(100_000), deep(1000), b'{"url": "\\ud800", "fields": {}}', b"\xff\xfe", b"{"):
        assert post_json(client, signed_in, path, body).status_code == 400, body[:20]
    lone = json.dumps({"url": "/consultations/1", "fields": {"q1": ["\ud800"]}}).encode()
    assert post_json(client, signed_in, "/api/outbox", lone).status_code == 400
    huge = json.dumps({"url": "/consultations/" + "9" * 20, "fields": {}}).encode()
    assert post_json(client, signed_in, "/api/outbox", huge).status_code in (400, 404)


@FUZZ
@given(body=json_values | outbox_like, key=text)
def test_any_json_to_the_json_routes_is_never_a_500(client, signed_in, body, key):
    raw = json.dumps(body).encode()
    for path in ("/api/outbox", "/api/push/subscriptions"):
        headers_key = key.encode("utf-8", "surrogatepass").replace(b"\r", b"").replace(b"\n", b"")[:60] or b"k"
        response = post_json(client, signed_in, path, raw, key=headers_key)
        assert response.status_code < 500, (path, raw[:200], response.status_code)


def _filled(path: str, value: str) -> str:
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + value + out[end + 1 :]
    return out


@pytest.mark.parametrize("who", ["young_person", "manager"])
@FUZZ
@given(value=ids)
def test_any_id_in_any_path_is_never_a_500(client, db_session, world, who, value):
    factories.sign_in(client, db_session, world.yp if who == "young_person" else world.staff_by_role["manager"])
    token = factories.csrf_from(client.get("/login").text)
    for row in MATRIX:
        if "{" not in row["path"] or row["path"] == "/logout":
            continue
        url = _filled(row["path"], value)
        data = {"csrf_token": token, **row.get("form", {})}
        response = client.get(url) if row["method"] == "GET" else client.request(row["method"], url, data=data)
        assert response.status_code < 500, (row["method"], url, response.status_code)


POSTS = [r for r in MATRIX if r["method"] == "POST" and r["path"] != "/logout" and "{" not in r["path"]]


@pytest.mark.parametrize("who", ["young_person", "manager"])
@FUZZ
@given(
    route=st.sampled_from(POSTS),
    fields=st.dictionaries(
        st.sampled_from(["worker", "answer", "text", "note", "q1", "council", "version", "kinds", "lang", "x"]) | text,
        ids | text,
        max_size=5,
    ),
)
def test_any_form_to_any_post_route_is_never_a_500(client, db_session, world, who, route, fields):
    factories.sign_in(client, db_session, world.yp if who == "young_person" else world.staff_by_role["manager"])
    token = factories.csrf_from(client.get("/login").text)
    body = "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in {**route.get("form", {}), **fields}.items()
    )
    response = client.post(
        route["path"],
        content=f"csrf_token={token}&{body}".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code < 500, (route["path"], fields, response.status_code)

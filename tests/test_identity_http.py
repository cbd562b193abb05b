"""Sign-in, sign-out, invites and staff OIDC over HTTP, including every kind of bad input."""

from urllib.parse import quote

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import make_settings, oidc_sign_in
from waymark.identity import messages as m
from waymark.identity import service
from waymark.identity.models import AuthSession, Invite
from waymark.identity.sessions import COOKIE, actor_for_token


def login(client, username, passphrase, **extra):
    token = factories.csrf_from(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "username": username, "passphrase": passphrase, **extra})


def sessions(db_session):
    return db_session.exec(select(AuthSession)).all()


def test_young_person_signs_in_with_a_secure_cookie(client, db_session, world):
    response = login(client, world.yp.username, factories.PASSPHRASE, next="/staff/caseload")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/caseload"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64
    assert actor_for_token(db_session, token).user_id == world.yp.id
    assert "Hello, Ada" in client.get("/").text


def test_the_session_cookie_is_secure_over_https(oidc_issuer, database, db_session, world):
    from tests.pagecheck import PageClient
    from waymark.app import create_app

    app = create_app(make_settings(oidc_issuer, base_url="https://waymark.example"), database=database)
    with PageClient(app, base_url="https://waymark.example") as c:
        response = login(c, world.yp.username, factories.PASSPHRASE)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(COOKIE + "="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"])
def test_sign_in_never_redirects_to_another_site(client, world, next_url):
    response = login(client, world.yp.username, factories.PASSPHRASE, next=next_url)
    assert response.headers["location"] == "/"


def test_wrong_passphrase_shows_an_error_keeps_the_username_and_changes_nothing(client, db_session, world):
    response = login(client, world.yp.username, "wrong but long passphrase")
    assert response.status_code == 422
    assert "There is a problem" in response.text and m.SIGN_IN_FAILED in response.text
    assert f'value="{world.yp.username}"' in response.text
    assert "wrong but long passphrase" not in response.text
    assert "<title>Error:" in response.text
    assert sessions(db_session) == []


def test_empty_form_names_each_missing_field(client):
    response = login(client, "", "")
    assert response.status_code == 422
    assert m.USERNAME_REQUIRED in response.text and m.PASSPHRASE_REQUIRED in response.text
    assert 'href="#username"' in response.text and 'href="#passphrase"' in response.text


def test_too_many_tries_gets_a_clear_429(client, world):
    for _ in range(5):
        assert login(client, world.yp.username, "wrong but long passphrase").status_code == 422
    response = login(client, world.yp.username, factories.PASSPHRASE)
    assert response.status_code == 429
    assert m.TOO_MANY_TRIES in response.text


def test_over_long_and_malformed_fields_get_422_not_500(client, db_session, world):
    assert login(client, "a" * 5000, "b" * 5000).status_code == 422
    token = factories.csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        content=b"csrf_token=" + token.encode() + b"&username=%FF%FE&passphrase=%00",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (400, 422)
    assert sessions(db_session) == []


def test_body_over_the_limit_gets_413(client, app):
    token = factories.csrf_from(client.get("/login").text)
    big = "x" * (app.state.settings.max_body_bytes + 1)
    response = client.post("/login", data={"csrf_token": token, "username": big, "passphrase": "x"})
    assert response.status_code == 413


def test_missing_or_wrong_csrf_token_is_refused_and_changes_nothing(client, db_session, world):
    client.get("/login")
    no_token = client.post("/login", data={"username": world.yp.username, "passphrase": factories.PASSPHRASE})
    assert no_token.status_code == 403
    assert "This form has expired" in no_token.text
    wrong = client.post(
        "/login", data={"csrf_token": "A" * 86, "username": world.yp.username, "passphrase": factories.PASSPHRASE}
    )
    assert wrong.status_code == 403
    assert sessions(db_session) == []


def test_csrf_token_from_another_browser_is_refused(app, client, world):
    token = factories.csrf_from(client.get("/login").text)
    with factories_client(app) as other:
        other.get("/login")
        response = other.post(
            "/login", data={"csrf_token": token, "username": world.yp.username, "passphrase": factories.PASSPHRASE}
        )
    assert response.status_code == 403


def test_cross_site_post_is_refused_even_with_a_token(client, world):
    token = factories.csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": world.yp.username, "passphrase": factories.PASSPHRASE},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403


def test_htmx_requests_may_send_the_token_in_a_header(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    page = client.get(f"/staff/young-people/{world.yp.id}")
    token = factories.csrf_from(page.text)
    response = client.post(
        f"/staff/young-people/{world.yp.id}/invites", headers={"x-csrf-token": token, "hx-request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment for htmx, not a page
    assert 'class="invite-code"' in response.text


def test_tampered_session_cookie_is_treated_as_signed_out(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    token = client.cookies.get(COOKIE)
    client.cookies.set(COOKIE, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    response = client.get("/staff/caseload")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote("/staff/caseload")
    client.cookies.set(COOKIE, "x" * 4000)
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/").text)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login?signed_out=1"
    assert sessions(db_session) == []
    from waymark.audit.models import AuditEvent

    assert db_session.exec(select(AuditEvent.actor_id).where(AuditEvent.action == "session.sign_out")).all() == [
        world.yp.id
    ]
    assert "Hello, Ada" not in client.get("/").text
    assert 'data-signed-out="1"' in client.get("/login?signed_out=1").text


# -------------------------------------------------------------------- invites
def make_invite(client, db_session, world, young_person=None):
    factories.sign_in(client, db_session, world.pa)
    _invite, code = service.invite_create(
        db_session,
        actor=actor_for_token(db_session, client.cookies.get(COOKIE)),
        young_person_id=(young_person or world.yp).id,
    )
    client.cookies.clear()
    return code


def test_adviser_makes_an_invite_on_the_young_persons_page(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    response = client.post(f"/staff/young-people/{world.yp.id}/invites", data={"csrf_token": token})
    assert response.status_code == 200
    assert "/join/" in response.text and "It works once and runs out in 14 days" in response.text
    assert len(db_session.exec(select(Invite)).all()) == 1


def test_join_sets_the_passphrase_and_signs_in_once(client, db_session, world):
    code = make_invite(client, db_session, world)
    page = client.get(f"/join/{code}")
    assert page.status_code == 200 and "Hello, Ada" in page.text
    token = factories.csrf_from(page.text)
    mismatch = client.post(
        f"/join/{code}",
        data={"csrf_token": token, "passphrase": "river moon biscuit lamp", "confirm": "river moon biscuit lump"},
    )
    assert mismatch.status_code == 422 and m.PASSPHRASE_MISMATCH in mismatch.text
    assert "river moon" not in mismatch.text
    ok = client.post(
        f"/join/{code}",
        data={"csrf_token": token, "passphrase": "river moon biscuit lamp", "confirm": "river moon biscuit lamp"},
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/?welcome=1"
    assert "You are signed in" in client.get("/?welcome=1").text
    again = client.get(f"/join/{code}")
    assert again.status_code == 404 and m.INVITE_USED in again.text


def test_unknown_invite_gets_a_clear_page(client):
    response = client.get("/join/NOTAREALCODE")
    assert response.status_code == 404 and m.INVITE_UNKNOWN in response.text
    assert client.get("/join/" + "Z" * 500).status_code == 404


def test_guessing_invite_codes_is_slowed_down(client, app):
    limit = app.state.settings.login_ip_limit
    for n in range(limit):
        assert client.get(f"/join/GUESS{n:07d}").status_code == 404
    assert client.get("/join/GUESS9999999").status_code == 429


def test_guessing_invite_codes_by_post_is_counted_too(client, app):
    token = factories.csrf_from(client.get("/login").text)
    limit = app.state.settings.login_ip_limit
    data = {"csrf_token": token, "passphrase": "river moon biscuit lamp", "confirm": "river moon biscuit lamp"}
    for n in range(limit - 1):
        assert client.post(f"/join/GUESS{n:07d}", data=data).status_code == 404
    assert client.post("/join/GUESS9999998", data=data).status_code == 404  # the limit-th try, GET or POST
    assert client.post("/join/GUESS9999999", data=data).status_code == 429


def test_a_new_invite_ends_every_earlier_session_of_that_person(client, db_session, world):
    """What an adviser does for a lost or stolen phone: the phone's session stops working."""
    from tests.pagecheck import PageClient

    with PageClient(client.app, base_url="http://testserver") as stolen:
        assert login(stolen, world.yp.username, factories.PASSPHRASE).status_code == 303
        assert "Hello, Ada" in stolen.get("/").text
        code = make_invite(client, db_session, world)
        client.cookies.clear()
        page = client.get(f"/join/{code}")
        new = "a fresh passphrase for a new phone"
        joined = client.post(
            f"/join/{code}", data={"csrf_token": factories.csrf_from(page.text), "passphrase": new, "confirm": new}
        )
        assert joined.status_code == 303
        assert "Hello, Ada" not in stolen.get("/").text
    assert len([s for s in sessions(db_session) if s.user_id == world.yp.id]) == 1  # only the new phone's


def test_the_owners_phone_signs_in_while_someone_else_guesses(client, app, world):
    """An attacker's wrong guesses from other devices cannot lock the owner out."""
    from tests.pagecheck import PageClient

    assert login(client, world.yp.username, factories.PASSPHRASE).status_code == 303  # the owner's phone
    device = client.cookies.get(service.DEVICE_COOKIE, path="/login")
    assert device
    client.post("/logout", data={"csrf_token": factories.csrf_from(client.get("/").text)})
    with PageClient(app, base_url="http://testserver") as attacker:
        for _ in range(app.state.settings.login_account_limit):
            assert login(attacker, world.yp.username, "wrong but long passphrase").status_code == 422
        throttled = login(attacker, world.yp.username, factories.PASSPHRASE)
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) > 0
    assert login(client, world.yp.username, factories.PASSPHRASE).status_code == 303


def test_a_young_person_sees_and_signs_out_their_other_devices(client, app, db_session, world):
    from tests.pagecheck import PageClient

    android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
    with PageClient(app, base_url="http://testserver", headers={"user-agent": android}) as other:
        assert login(other, world.yp.username, factories.PASSPHRASE).status_code == 303
        assert login(client, world.yp.username, factories.PASSPHRASE).status_code == 303
        page = client.get("/me/devices")
        assert page.status_code == 200 and "Chrome · Android" in page.text and "This one" in page.text
        assert android not in page.text  # only a coarse name is kept
        ended = client.post("/me/devices/end", data={"csrf_token": factories.csrf_from(page.text), "device": "others"})
        assert ended.status_code == 303
        assert "You signed out 1 other phone or computer" in client.get(ended.headers["location"]).text
        assert "Hello, Ada" not in other.get("/").text
    assert "Hello, Ada" in client.get("/").text  # this one stays signed in
    mine = [s for s in sessions(db_session) if s.user_id == world.yp.id]
    assert len(mine) == 1


def test_signing_out_a_device_touches_only_your_own_sessions(client, app, db_session, world):
    from tests.pagecheck import PageClient
    from waymark.identity.sessions import handle

    with PageClient(app, base_url="http://testserver") as ben:
        assert login(ben, world.other_yp.username, factories.PASSPHRASE).status_code == 303
    [bens] = [s for s in sessions(db_session) if s.user_id == world.other_yp.id]
    assert login(client, world.yp.username, factories.PASSPHRASE).status_code == 303
    token = factories.csrf_from(client.get("/me/devices").text)
    client.post("/me/devices/end", data={"csrf_token": token, "device": handle(bens)})
    assert [s.id_hash for s in sessions(db_session) if s.user_id == world.other_yp.id] == [bens.id_hash]


# ---------------------------------------------------------------------- OIDC


def test_staff_sign_in_through_the_oidc_provider(client, db_session, world, oidc_issuer):
    email = world.pa.email
    response = oidc_sign_in(client, email, {"email": email, "email_verified": True, "name": "PA"}, oidc_issuer)
    assert response.status_code == 303 and response.headers["location"] == "/staff/caseload"
    caseload = client.get("/staff/caseload")
    assert caseload.status_code == 200 and world.yp.full_name in caseload.text


def test_unknown_staff_email_gets_ask_your_admin_and_no_account(client, db_session, oidc_issuer):
    response = oidc_sign_in(
        client,
        "new.person@council.example",
        {"email": "new.person@council.example", "email_verified": True},
        oidc_issuer,
    )
    assert response.status_code == 403 and m.STAFF_UNKNOWN in response.text
    assert COOKIE not in client.cookies
    assert sessions(db_session) == []


def test_unverified_staff_email_is_refused(client, db_session, world, oidc_issuer):
    response = oidc_sign_in(client, "unverified-" + world.pa.email, {"email": world.pa.email}, oidc_issuer)
    assert response.status_code == 403 and m.STAFF_EMAIL_UNVERIFIED in response.text
    assert sessions(db_session) == []


def test_callback_without_a_matching_state_is_refused(client, db_session):
    response = client.get("/auth/callback?code=abc&state=forged")
    assert response.status_code == 400 and m.SIGN_IN_NOT_FINISHED in response.text
    assert sessions(db_session) == []


# ------------------------------------------------------------------- helpers
def factories_client(app):
    from tests.pagecheck import PageClient

    return PageClient(app, base_url="http://testserver")


def test_expired_invite_says_so_and_sets_nothing(client, db_session, world):
    from datetime import timedelta

    from waymark import clock

    code = make_invite(client, db_session, world)
    token = factories.csrf_from(client.get(f"/join/{code}").text)
    clock.advance(timedelta(days=15))
    page = client.get(f"/join/{code}")
    assert page.status_code == 404 and m.INVITE_EXPIRED in page.text
    before = world.yp.passphrase_hash
    response = client.post(
        f"/join/{code}",
        data={"csrf_token": token, "passphrase": "river moon biscuit lamp", "confirm": "river moon biscuit lamp"},
    )
    assert response.status_code == 404 and m.INVITE_EXPIRED in response.text
    db_session.refresh(world.yp)
    assert world.yp.passphrase_hash == before
    assert COOKIE not in client.cookies

"""A forgotten passphrase, reset with a code sent through the local fake of GOV.UK
Notify to the young person's checked mobile: the pages never say whether a username
exists, the code is kept only as a keyed hash and runs out, and every old session ends."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.identity.models import AuthSession
from waymark.jobs import service as jobs
from waymark.notifications.models import ContactPoint
from waymark.recovery import service
from waymark.recovery.models import PassphraseReset

NEW = "window kettle orange hill"


def checked_mobile(db_session, person, number="+447700900456"):
    db_session.add(
        ContactPoint(tenant_id=person.tenant_id, user_id=person.id, kind="sms", address=number, verified_at=clock.now())
    )
    db_session.commit()


def ask(client, username):
    token = factories.csrf_from(client.get("/login/forgot").text)
    return client.post("/login/forgot", data={"csrf_token": token, "username": username})


def reset(client, **values):
    token = factories.csrf_from(client.get("/login/reset").text)
    return client.post("/login/reset", data={"csrf_token": token, **values})


def code_in(text):
    return re.search(r"\b(\d{6})\b", text["body"]).group(1)


def test_a_young_person_with_a_checked_mobile_sets_a_new_passphrase(notify, client, db_session, world):
    person = world.yp
    checked_mobile(db_session, person)
    factories.sign_in(client, db_session, person)  # an old session, as if on another phone
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == person.id)).all()
    client.cookies.clear()

    asked = ask(client, person.username.upper())
    assert asked.status_code == 303 and asked.headers["location"] == "/login/reset"
    jobs.run_due(db_session)
    [text] = notify.texts()
    assert text["to"] == "+447700900456" and "new Waymark passphrase" in text["body"]
    stored = db_session.get(PassphraseReset, person.id)
    assert stored is not None and code_in(text) not in stored.code_hash

    wrong = reset(client, username=person.username, code="000000", passphrase=NEW, confirm=NEW)
    assert wrong.status_code == 422 and 'id="code-error"' in wrong.text and NEW not in wrong.text
    done = reset(client, username=person.username, code=code_in(text), passphrase=NEW, confirm=NEW)
    assert done.status_code == 303 and done.headers["location"] == "/?passphrase=new"
    db_session.expire_all()
    sessions = db_session.exec(select(AuthSession).where(AuthSession.user_id == person.id)).all()
    assert len(sessions) == 1  # only the one just made; the old phone is signed out
    assert db_session.get(PassphraseReset, person.id) is None
    home = client.get("/")
    assert home.status_code == 200 and person.display_name in home.text

    again = reset(client, username=person.username, code=code_in(text), passphrase=NEW, confirm=NEW)
    assert again.status_code == 422  # a code works once


def test_the_answer_is_the_same_whoever_asks(notify, client, db_session, world):
    checked_mobile(db_session, world.yp)
    no_address = world.other_yp  # a real username with no checked address
    pages = [ask(client, name) for name in ("nobody-by-this-name", no_address.username, world.yp.username)]
    assert {(p.status_code, p.headers["location"]) for p in pages} == {(303, "/login/reset")}
    jobs.run_due(db_session)
    assert [t["to"] for t in notify.texts()] == ["+447700900456"]


def test_codes_stop_after_15_minutes_or_5_wrong_tries(notify, client, db_session, world):
    checked_mobile(db_session, world.yp)
    ask(client, world.yp.username)
    jobs.run_due(db_session)
    code = code_in(notify.texts()[-1])
    clock.advance(timedelta(minutes=16))
    late = reset(client, username=world.yp.username, code=code, passphrase=NEW, confirm=NEW)
    assert late.status_code == 422

    clock.advance(timedelta(hours=1))  # past the hourly limit on asking
    ask(client, world.yp.username)
    jobs.run_due(db_session)
    code = code_in(notify.texts()[-1])
    wrong = "123456" if code != "123456" else "654321"
    for _ in range(service.CODE_TRIES):
        reset(client, username=world.yp.username, code=wrong, passphrase=NEW, confirm=NEW)
    used_up = reset(client, username=world.yp.username, code=code, passphrase=NEW, confirm=NEW)
    assert used_up.status_code == 422


def test_asking_too_often_is_refused_with_a_message(notify, client, db_session, world):
    for _ in range(service.REQUESTS_PER_HOUR):
        assert ask(client, world.yp.username).status_code == 303
    refused = ask(client, world.yp.username)
    assert refused.status_code == 422 and 'id="username-error"' in refused.text


def test_without_notify_the_page_says_ask_your_adviser(client, db_session, world):
    page = client.get("/login/forgot")
    assert "Ask your adviser for a new invite" in page.text and 'action="/login/forgot"' not in page.text
    assert 'href="/login/forgot"' in client.get("/login").text
    # A form sent anyway (an old page, a script) is sent back to that page, not an error
    # summary pointing at a field that is not there (found by tests/test_no_500.py).
    sent = client.post("/login/forgot", data={"csrf_token": factories.csrf_from(page.text), "username": ""})
    assert sent.status_code == 303 and sent.headers["location"] == "/login/forgot"

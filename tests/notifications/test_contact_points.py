"""A young person adds a mobile number or email, proves it is theirs with a code from
the local fake of GOV.UK Notify, and then hears "something new is waiting" there, never
what; codes expire and run out of tries; nothing is offered without Notify."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.jobs import service as jobs
from waymark.notifications import contact_points
from waymark.notifications import messages as m
from waymark.notifications import service as notifications
from waymark.notifications.models import ContactPoint


def page(client):
    return client.get("/me/contact")


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": factories.csrf_from(page(client).text)})


def code_in(message):
    return re.search(r"\b(\d{6})\b", message["body"]).group(1)


def new_note(db_session, world):
    notifications.notify(
        db_session, tenant_id=world.a.id, user_id=world.yp.id, kind="plan_changed", link="/plan", params={}
    )
    db_session.commit()
    jobs.run_due(db_session)


def test_a_mobile_is_verified_with_a_code_then_hears_only_that_something_is_new(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    assert "Your mobile number" in page(client).text
    sent = post(client, "/me/contact/sms", {"sms_address": "07700 900123"})
    assert sent.status_code == 303
    [text] = notify.texts()
    assert text["to"] == "+447700900123" and "Your Waymark code is" in text["body"]
    point = db_session.exec(select(ContactPoint)).one()
    assert point.verified_at is None and code_in(text) not in (point.code_hash or "")  # only a keyed hash is kept

    wrong = post(client, "/me/contact/sms/verify", {"sms_code": "000000" if code_in(text) != "000000" else "111111"})
    assert wrong.status_code == 422 and 'id="sms_code-error"' in wrong.text and "error-summary" in wrong.text
    right = post(client, "/me/contact/sms/verify", {"sms_code": code_in(text)})
    assert right.status_code == 303
    db_session.expire_all()
    assert db_session.exec(select(ContactPoint)).one().verified_at is not None

    new_note(db_session, world)
    news = notify.texts()[1:]
    assert len(news) == 1 and "something new in Waymark" in news[0]["body"] and "/inbox" in news[0]["body"]
    assert "plan" not in news[0]["body"].lower()
    new_note(db_session, world)  # the same 6 hours: no second text
    assert len(notify.texts()) == 2
    clock.advance(timedelta(hours=6))
    new_note(db_session, world)
    assert len(notify.texts()) == 3

    assert post(client, "/me/contact/sms/news", {}).status_code == 303  # box unticked
    clock.advance(timedelta(hours=6))
    new_note(db_session, world)
    assert len(notify.texts()) == 3


def test_codes_stop_working_after_15_minutes_or_5_wrong_tries(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    post(client, "/me/contact/email", {"email_address": "Ada@Example.com"})
    [email] = notify.emails()
    assert email["to"] == "ada@example.com" and email["subject"] == "Your Waymark code"
    clock.advance(timedelta(minutes=16))
    late = post(client, "/me/contact/email/verify", {"email_code": code_in(email)})
    assert late.status_code == 422 and m.CODE_EXPIRED.split(".")[0] in late.text

    post(client, "/me/contact/email", {"email_address": "ada@example.com"})  # a new code
    fresh = code_in(notify.emails()[-1])
    wrong = "123456" if fresh != "123456" else "654321"
    for _ in range(contact_points.CODE_TRIES):
        post(client, "/me/contact/email/verify", {"email_code": wrong})
    used_up = post(client, "/me/contact/email/verify", {"email_code": fresh})
    assert used_up.status_code == 422 and m.CODE_EXPIRED.split(".")[0] in used_up.text
    db_session.expire_all()
    assert db_session.exec(select(ContactPoint)).one().verified_at is None


def test_a_bad_number_is_explained_kept_and_nothing_is_sent(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    bad = post(client, "/me/contact/sms", {"sms_address": "0161 496 0000"})  # a landline
    assert bad.status_code == 422 and m.MOBILE_INVALID in bad.text and 'value="0161 496 0000"' in bad.text
    assert notify.texts() == [] and db_session.exec(select(ContactPoint)).all() == []


def test_no_more_than_5_codes_an_hour(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    for _ in range(contact_points.CODES_PER_HOUR):
        assert post(client, "/me/contact/sms", {"sms_address": "07700900123"}).status_code == 303
    refused = post(client, "/me/contact/sms", {"sms_address": "07700900123"})
    assert refused.status_code == 422 and len(notify.texts()) == contact_points.CODES_PER_HOUR


def test_without_notify_nothing_is_offered(client, db_session, world, monkeypatch):
    factories.sign_in(client, db_session, world.yp)
    shown = page(client)
    assert "does not send emails or texts" in shown.text and "Send me a code" not in shown.text
    refused = post(client, "/me/contact/sms", {"sms_address": "07700900123"})
    assert refused.status_code == 303 and db_session.exec(select(ContactPoint)).all() == []


def test_an_address_added_on_a_welsh_page_gets_its_messages_in_welsh(notify, client, db_session, world):
    from waymark.web.i18n import COOKIE

    factories.sign_in(client, db_session, world.yp)
    client.cookies.set(COOKIE, "cy")
    assert post(client, "/me/contact/email", {"email_address": "ada@example.com"}).status_code == 303
    [code] = notify.emails()
    assert code["subject"] == "Eich cod Waymark" and code["body"].startswith("Eich cod Waymark yw ")
    assert post(client, "/me/contact/email/verify", {"email_code": code_in(code)}).status_code == 303
    new_note(db_session, world)
    news = notify.emails()[1]
    assert news["subject"] == "Rhywbeth newydd yn Waymark" and "Mae gennych rywbeth newydd" in news["body"]
    assert db_session.exec(select(ContactPoint)).one().lang == "cy"

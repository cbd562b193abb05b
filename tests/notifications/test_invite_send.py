"""An adviser sends a young person's invite by text or email through the local fake of
GOV.UK Notify: the link works, the address is not kept, bad input changes nothing,
and if Notify does not take it no invite is made."""

from __future__ import annotations

import re

from pydantic import SecretStr
from sqlmodel import select

from tests import factories, notifyfake
from waymark.audit.models import AuditEvent
from waymark.identity.models import Invite
from waymark.notifications.models import ContactPoint
from waymark.web.i18n import COOKIE


def send(client, world, **data):
    record = client.get(f"/staff/young-people/{world.yp.id}")
    assert 'id="invite_address"' in record.text  # offered on the record page
    return client.post(
        f"/staff/young-people/{world.yp.id}/invites/send",
        data={**data, "csrf_token": factories.csrf_from(record.text)},
    )


def test_a_text_carries_a_working_link_and_the_number_is_not_kept(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    response = send(client, world, invite_kind="sms", invite_address="07700 900456")
    assert response.status_code == 200 and "Sent by text to +447700900456" in response.text
    [text] = notify.texts()
    assert text["to"] == "+447700900456" and world.a.name in text["body"]
    assert world.yp.full_name not in text["body"] and world.yp.display_name not in text["body"]
    link = re.search(r"http://testserver(/join/\w+)", text["body"]).group(1)
    invite = db_session.exec(select(Invite).where(Invite.young_person_id == world.yp.id)).one()
    assert invite.created_by_id == world.pa.id
    assert db_session.exec(select(ContactPoint)).all() == []  # the address went to Notify only
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "invite.sent")).one()
    assert event.subject_id == world.yp.id and "900456" not in str(event.detail)
    client.post("/logout", data={"csrf_token": factories.csrf_from(client.get("/").text)})
    assert client.get(link).status_code == 200  # the young person can open it


def test_bad_input_is_explained_kept_and_changes_nothing(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    response = send(client, world, invite_kind="sms", invite_address="12345")
    assert response.status_code == 422 and 'id="invite_address-error"' in response.text
    assert "error-summary" in response.text and 'value="12345"' in response.text
    missing = send(client, world, invite_address="ada@example.com")
    assert missing.status_code == 422 and 'id="invite_kind-error"' in missing.text
    assert notify.sent == [] and db_session.exec(select(Invite)).all() == []


def test_if_notify_refuses_no_invite_is_made(notify, app, client, db_session, world):
    app.state.settings.notify_api_key = SecretStr(
        f"waymark_tests-{notifyfake.SERVICE_ID}-{'0' * 8}-0000-0000-0000-{'0' * 12}"
    )
    factories.sign_in(client, db_session, world.pa)
    response = send(client, world, invite_kind="email", invite_address="ada@example.com")
    assert response.status_code == 422 and "no invite was made" in response.text
    assert notify.refused and db_session.exec(select(Invite)).all() == []


def test_in_welsh_the_message_is_welsh_and_only_20_an_hour(notify, client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    client.cookies.set(COOKIE, "cy")
    assert send(client, world, invite_kind="email", invite_address="ada@example.com").status_code == 200
    [email] = notify.emails()
    assert email["subject"] == "Eich gwahoddiad i Waymark" and "Mae " in email["body"]
    for _ in range(19):
        assert send(client, world, invite_kind="email", invite_address="ada@example.com").status_code == 200
    refused = send(client, world, invite_kind="email", invite_address="ada@example.com")
    assert refused.status_code == 422 and len(notify.emails()) == 20


def test_without_notify_there_is_no_form(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    assert 'id="invite_address"' not in client.get(f"/staff/young-people/{world.yp.id}").text

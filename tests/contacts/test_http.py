"""Contacts over HTTP, with the page checker on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.contacts import messages as m
from waymark.contacts.models import AWAITING, CONFIRMED, Contact, ReachRequest


def test_the_young_person_sees_their_worker_history_and_logs_a_contact(client, db_session, world):
    world.pa.phone, world.pa.availability = "01234 567890", "Monday to Thursday, 9am to 5pm"
    db_session.add(world.pa)
    db_session.commit()
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/contacts")
    assert page.status_code == 200
    assert world.pa.full_name in page.text and 'href="tel:01234567890"' in page.text
    assert "No contact written down yet." in page.text and "You have had 0 changes of worker." in page.text
    token = factories.csrf_from(page.text)
    response = client.post("/contacts/log", data={"csrf_token": token, "kind": "call", "happened_on": ""})
    assert response.status_code == 303
    [contact] = db_session.exec(select(Contact)).all()
    assert (contact.worker_id, contact.logged_by, contact.state) == (world.pa.id, "young_person", AWAITING)


def test_bad_input_on_the_young_persons_forms_is_explained_and_kept(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/contacts").text)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = client.post("/contacts/log", data={"csrf_token": token, "kind": "call", "happened_on": tomorrow})
    assert response.status_code == 422 and 'id="happened_on-error"' in response.text and m.WHEN_FUTURE in response.text
    response = client.post("/contacts/log", data={"csrf_token": token, "kind": "owl", "happened_on": ""})
    assert response.status_code == 422 and 'id="kind-error"' in response.text
    response = client.post("/contacts/reach", data={"csrf_token": token, "method": "call", "tried_on": "2026-13-01"})
    assert response.status_code == 422 and 'id="tried_on-error"' in response.text
    response = client.post("/contacts/reach", data={"csrf_token": token, "method": "", "note": "Tried twice"})
    assert response.status_code == 422 and 'id="method-error"' in response.text and "Tried twice" in response.text
    assert db_session.exec(select(Contact)).all() == [] and db_session.exec(select(ReachRequest)).all() == []


@pytest.mark.clock_start("2026-11-23T10:00")  # a Monday: the deadline below is two working days on
def test_couldnt_reach_then_again_within_minutes(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/contacts").text)
    response = client.post("/contacts/reach", data={"csrf_token": token, "method": "call", "tried_on": ""})
    assert response.status_code == 303
    page = client.get("/contacts?sent=reach")
    assert "We have told your worker" in page.text and "Waiting for an answer" in page.text
    assert "by the end of 25 November 2026" in page.text
    clock.advance(timedelta(minutes=2))
    response = client.post("/contacts/reach", data={"csrf_token": token, "method": "text", "tried_on": ""})
    assert response.status_code == 429 and "a few minutes ago" in response.text
    assert len(db_session.exec(select(ReachRequest)).all()) == 1


def test_the_adviser_logs_a_contact_in_two_taps_and_the_young_person_confirms(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    caseload = client.get("/staff/caseload")
    assert f'href="/staff/young-people/{world.yp.id}/contacts/new"' in caseload.text
    assert "No contact written down" in caseload.text
    form = client.get(f"/staff/young-people/{world.yp.id}/contacts/new")
    assert form.status_code == 200
    response = client.post(
        f"/staff/young-people/{world.yp.id}/contacts",
        data={"csrf_token": factories.csrf_from(form.text), "back": "caseload", "kind": "visit", "happened_on": ""},
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/caseload?saved=contact")
    caseload = client.get("/staff/caseload?saved=contact")
    assert f"Last contact {clock.today().day}" in caseload.text
    [contact] = db_session.exec(select(Contact)).all()

    factories.sign_in(client, db_session, world.yp)
    page = client.get("/contacts")
    assert "Yes, we spoke" in page.text
    response = client.post(
        f"/contacts/{contact.id}/answer", data={"csrf_token": factories.csrf_from(page.text), "answer": "yes"}
    )
    assert response.status_code == 303
    db_session.refresh(contact)
    assert contact.state == CONFIRMED
    # Someone else's young person cannot answer it (404), nor a tampered answer (400).
    factories.sign_in(client, db_session, world.other_yp)
    token = factories.csrf_from(client.get("/contacts").text)
    assert client.post(f"/contacts/{contact.id}/answer", data={"csrf_token": token, "answer": "no"}).status_code == 404
    assert client.post(f"/contacts/{contact.id}/answer", data={"csrf_token": token, "answer": "x"}).status_code == 400


def test_the_adviser_answers_couldnt_reach_on_the_record_page(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/contacts").text)
    client.post("/contacts/reach", data={"csrf_token": token, "method": "call", "note": "Rang 3 times"})
    [request] = db_session.exec(select(ReachRequest)).all()

    factories.sign_in(client, db_session, world.pa)
    assert "“couldn't reach you” to answer" in client.get("/staff/caseload").text
    page = client.get(f"/staff/young-people/{world.yp.id}")
    assert f'id="reach-{request.id}"' in page.text and "Rang 3 times" in page.text
    token = factories.csrf_from(page.text)
    url = f"/staff/reach-requests/{request.id}/answer"
    response = client.post(url, data={"csrf_token": token, "answer": "  "})
    assert response.status_code == 422 and f'id="reach-answer-{request.id}-error"' in response.text
    response = client.post(url, data={"csrf_token": token, "answer": "Sorry, I was on leave. I'll ring you at 3."})
    assert response.status_code == 303
    db_session.refresh(request)
    assert request.answer == "Sorry, I was on leave. I'll ring you at 3." and request.answered_by_id == world.pa.id

    factories.sign_in(client, db_session, world.yp)
    assert "I'll ring you at 3." in client.get("/contacts").text.replace("&#39;", "'")

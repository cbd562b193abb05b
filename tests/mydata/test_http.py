"""A young person's own data over HTTP, with the page checker on every page: the
page, the JSON download, deleting the account and what happens after."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import select

from tests import factories
from tests.factories import ANSWER_TEXT, CONTACT_NOTE, NAME, STEP_TEXT, answers, make_open, make_record, page_key
from waymark.audit.models import AuditEvent
from waymark.consultations.models import Response
from waymark.identity.models import AuthSession, User
from waymark.identity.sessions import COOKIE
from waymark.mydata import messages as m
from waymark.outbox.models import SubmissionReceipt


def test_the_young_person_reads_and_downloads_their_data(client, db_session, world):
    record = make_record(db_session, world)
    factories.sign_in(client, db_session, record.person)
    assert 'href="/me/data"' in client.get("/").text
    page = client.get("/me/data")
    assert page.status_code == 200
    for shown in (NAME, STEP_TEXT, CONTACT_NOTE, ANSWER_TEXT.replace("'", "&#39;"), world.pa.full_name):
        assert shown in page.text
    assert "Answers you gave without your name are not here." in page.text
    assert "Looked at your record" in page.text and 'href="/me/data.json"' in page.text

    download = client.get("/me/data.json")
    assert download.status_code == 200 and download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"] == 'attachment; filename="waymark-my-data.json"'
    assert download.headers["cache-control"] == "no-store"
    data = json.loads(download.text)
    assert data["profile"][0]["full_name"] == NAME and data["profile"][0]["date_of_birth"] == "2005-02-03"
    assert [s["text"] for s in data["plan_steps"]] == [STEP_TEXT]
    assert CONTACT_NOTE in [c["note"] for c in data["contacts"]]
    assert ANSWER_TEXT in [a["text"] for a in data["consultation_answers"]]
    [view] = data["record_views"]
    assert view["actor"] == world.pa.full_name and datetime.fromisoformat(view["at"]).tzinfo is not None
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == record.person.id)).all()
    assert "mydata.view" in actions and "mydata.download" in actions


def test_staff_cannot_use_a_young_persons_data_pages(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    for url in ("/me/data", "/me/data.json", "/me/delete"):
        assert client.get(url).status_code == 403
    token = factories.csrf_from(client.get("/").text)
    assert client.post("/me/delete", data={"csrf_token": token, "confirm": "yes"}).status_code == 403
    assert db_session.get(User, world.pa.id).is_active


def test_delete_without_the_confirmation_is_explained_and_changes_nothing(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/me/delete")
    assert page.status_code == 200 and "does not delete those records" in page.text
    assert world.pa.full_name in page.text  # who to ask about the council's own records
    response = client.post("/me/delete", data={"csrf_token": factories.csrf_from(page.text)})
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#confirm"' in response.text
    assert 'id="confirm-error"' in response.text and m.CONFIRM_REQUIRED in response.text
    db_session.expire_all()
    user = db_session.get(User, world.yp.id)
    assert user.full_name == "Ada Lovelace" and user.is_active and user.deleted_at is None
    assert client.get("/me/data").status_code == 200  # still signed in


def test_deleting_the_account_signs_out_everywhere(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    other_phone = client.cookies.get(COOKIE)
    factories.sign_in(client, db_session, world.yp)
    form = client.get(f"/consultations/{consultation.id}")
    fields = {"csrf_token": factories.csrf_from(form.text), "idempotency_key": page_key(form.text)}
    sent = client.post(f"/consultations/{consultation.id}", data={**fields, **answers(questions)})
    assert sent.status_code == 303
    assert db_session.exec(select(SubmissionReceipt)).all(), "the form left a receipt naming the account"
    page = client.get("/me/delete")

    response = client.post("/me/delete", data={"csrf_token": factories.csrf_from(page.text), "confirm": "yes"})
    assert response.status_code == 303 and response.headers["location"] == "/me/deleted"
    assert f"{COOKIE}=" in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    done = client.get("/me/deleted")
    assert done.status_code == 200 and "Your account is deleted" in done.text and 'data-signed-out="1"' in done.text

    db_session.expire_all()  # the app changed these rows in its own session
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == world.yp.id)).all() == []
    client.cookies.set(COOKIE, other_phone)  # the session on the other phone has ended too
    again = client.get("/me/data")
    assert again.status_code == 303 and again.headers["location"].startswith("/login?next=")
    [response_row] = db_session.exec(select(Response)).all()
    assert response_row.young_person_id is None
    receipts = db_session.exec(select(SubmissionReceipt)).all()
    assert not [r for r in receipts if r.action.endswith(f":{world.yp.id}")]
    user = db_session.get(User, world.yp.id)
    assert user.deleted_at is not None and user.username is None and user.date_of_birth is None

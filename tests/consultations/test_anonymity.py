"""An anonymous answer cannot be tied to its account from the database. Found by an
attack: the submitting request refreshed the session's ``last_seen_at`` within
milliseconds of the answer's ``created_at``; the form key alone opened the thanks
page (with the resume code) for anyone in the council, and sat in the URL; one young
person could send any number of anonymous answers to one consultation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select

import waymark.models  # noqa: F401  (every table)
from tests import factories
from tests.factories import answers, make_open, page_key
from waymark import clock
from waymark.consultations import messages as m
from waymark.consultations.models import Response
from waymark.outbox import service as outbox

ID_COLUMNS = ("user_id", "young_person_id", "actor_id", "subject_id", "assisted_by_id", "raised_by_id")


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def snapshot(db_session) -> dict[str, set[tuple]]:
    rows = {}
    for table in SQLModel.metadata.sorted_tables:
        rows[table.name] = {tuple(_hashable(v) for v in r) for r in db_session.execute(sa_select(table)).all()}
    return rows


def written(before, after) -> dict[str, list[dict]]:
    out = {}
    for table in SQLModel.metadata.sorted_tables:
        new = after[table.name] - before[table.name]
        if new:
            names = [c.name for c in table.columns]
            out[table.name] = [dict(zip(names, row, strict=True)) for row in new]
    return out


def send(client, consultation, questions, **extra):
    """Send the form as the phone would; a phone that kept the form offline sends it
    with a new key even after the page has said "already answered"."""
    page = client.get(f"/consultations/{consultation.id}")
    key = page_key(page.text) if "idempotency_key" in page.text else outbox.new_key()
    token = factories.csrf_from(client.get("/inbox").text)
    data = {"csrf_token": token, "idempotency_key": key, **extra}
    return client.post(f"/consultations/{consultation.id}", data={**data, **answers(questions)})


def test_nothing_written_with_an_anonymous_answer_ties_it_to_the_person(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    client.get(f"/consultations/{consultation.id}")
    clock.advance(timedelta(hours=3, minutes=17, seconds=5))  # long after sign-in, on the same day
    before = snapshot(db_session)
    assert send(client, consultation, questions, anonymous="yes").status_code == 303
    changed = written(before, snapshot(db_session))

    person = {world.yp.id}
    for table, rows in changed.items():
        for row in rows:
            for column, value in row.items():
                if column.endswith(ID_COLUMNS):
                    assert value not in person, f"{table}.{column} names the person"
                if isinstance(value, datetime) and table != "job":
                    # Nothing but the day: no time that could be matched to a session.
                    assert clock.as_utc(value) == clock.start_of_day() or table == "submission_receipt", (
                        f"{table}.{column} = {value}"
                    )
    assert "auth_session" not in changed and "audit_event" not in changed
    [response] = db_session.exec(select(Response)).all()
    assert response.young_person_id is None and response.created_at == clock.start_of_day()


def test_the_thanks_page_opens_only_on_the_device_that_sent_it(client, app, db_session, world):
    from tests.pagecheck import PageClient

    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    sent = send(client, consultation, questions, anonymous="yes")
    location = sent.headers["location"]
    assert "key" not in location and location == f"/consultations/{consultation.id}/thanks"
    assert client.get(location).status_code == 200
    with PageClient(app, base_url="http://testserver") as other:  # someone else in the council
        factories.sign_in(other, db_session, world.other_yp)
        assert other.get(location).status_code == 404
        for name, value in sent.cookies.items():  # even holding the key, not on their own session
            assert name == "waymark_thanks" and value
        assert other.get(location + "?key=" + sent.cookies["waymark_thanks"]).status_code == 404


def test_one_answer_per_person_anonymous_ones_included(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    assert send(client, consultation, questions, anonymous="yes").status_code == 303
    for extra in ({"anonymous": "yes"}, {}):
        again = send(client, consultation, questions, **extra)
        assert again.status_code == 422 and m.ALREADY_ANSWERED in again.text.replace("&#39;", "'")
    assert len(db_session.exec(select(Response)).all()) == 1
    factories.sign_in(client, db_session, world.other_yp)  # someone else may still answer
    assert send(client, consultation, questions, anonymous="yes").status_code == 303
    assert len(db_session.exec(select(Response)).all()) == 2

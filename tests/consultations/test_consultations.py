"""Consultations: the lifecycle, answering (named and anonymous), idempotent intake from
the form and from the offline outbox (racing replays included), and bad input."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from tests import factories
from tests.factories import actor, answers, make_open, page_key
from waymark import clock
from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.models import CLOSED, OPEN, Answer, Consultation, Response
from waymark.errors import InputError
from waymark.identity.permissions import Forbidden
from waymark.outbox import service as outbox
from waymark.outbox.models import SubmissionReceipt


def test_lifecycle_draft_open_closed_and_locked_questions(db_session, world):
    consultation, questions = make_open(db_session, world)
    officer = actor(db_session, world.staff_by_role["participation_officer"])
    assert service.status(consultation) == "open"
    with pytest.raises(service.ConsultationLocked):
        service.question_add(
            db_session,
            actor=officer,
            consultation_id=consultation.id,
            data=service.QuestionInput(kind="text", text="New?"),
        )
    with pytest.raises(service.ConsultationLocked):
        service.question_remove(db_session, actor=officer, consultation_id=consultation.id, question_id=questions[0].id)
    service.close(db_session, actor=officer, consultation_id=consultation.id)
    assert db_session.get(Consultation, consultation.id).state == CLOSED and service.status(consultation) == "closed"
    with pytest.raises(Forbidden):
        service.create(
            db_session,
            actor=actor(db_session, world.pa),
            data=service.ConsultationInput("t", "s", "", [], [], clock.today(), clock.today()),
        )


def test_a_named_answer_is_stored_with_representativeness(db_session, world):
    consultation, questions = make_open(db_session, world)
    response = service.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=answers(questions),
        anonymous=False,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )
    assert response.young_person_id == world.yp.id and response.mode == "standard"
    stored = {a.question_id: a for a in db_session.exec(select(Answer).where(Answer.response_id == response.id))}
    assert stored[questions[0].id].feeling == 4 and stored[questions[2].id].choices == ["A", "C"]
    assert stored[questions[3].id].text == "More texts please"
    with pytest.raises(InputError) as error:
        service.response_submit(
            db_session,
            actor=actor(db_session, world.yp),
            consultation_id=consultation.id,
            raw=answers(questions),
            anonymous=False,
            mode="standard",
            quotes_allowed=False,
            key=outbox.new_key(),
            secret=b"s",
        )
    assert error.value.message == m.ALREADY_ANSWERED


def test_an_anonymous_answer_stores_no_identity(db_session, world):
    consultation, questions = make_open(db_session, world)
    key = outbox.new_key()
    response = service.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=answers(questions),
        anonymous=True,
        mode="easy",
        quotes_allowed=False,
        key=key,
        secret=b"s",
    )
    row = db_session.get(Response, response.id)
    assert row.young_person_id is None and row.assisted_by_id is None
    # Nothing in the row names or points to the person: only the band, status, SEND flag
    # and whether they were in touch with their worker lately (coarse groups for insights).
    values = {k: v for k, v in row.model_dump().items() if v is not None}
    assert world.yp.id not in [v for k, v in values.items() if k not in ("id", "consultation_id", "tenant_id")]
    assert set(values) <= {
        "id",
        "consultation_id",
        "tenant_id",
        "mode",
        "age_band",
        "care_status",
        "send",
        "recent_contact",
        "quotes_allowed",
        "tallied_themes",
        "resume_token_hash",
        "created_at",
    }
    token = service.resume_token(b"s", key)
    assert service.anonymous_response_for_key(db_session, secret=b"s", key=key).id == response.id
    assert token not in json.dumps(values, default=str)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"q999999": ["Hi"]}, "form", m.UNKNOWN_QUESTION),
        ("feelings:7", "feelings", m.CHOICE_INVALID),
        ("single:Fax", "single", m.CHOICE_INVALID),
        ("single:Call,Text", "single", m.CHOICE_INVALID),
        ("text:long", "text", m.TEXT_TOO_LONG),
        ("feelings:", "feelings", m.ANSWER_REQUIRED),
    ],
)
def test_bad_answers_store_nothing(db_session, world, change, field, message):
    consultation, questions = make_open(db_session, world)
    by_kind = {q.kind: q for q in questions}
    by_kind["feelings"] = questions[0]
    fields = answers(questions)
    if isinstance(change, dict):
        fields.update(change)
    else:
        kind, value = change.split(":")
        fields[f"q{by_kind[kind].id}"] = (
            ["x" * 2001] if value == "long" else ([v for v in value.split(",") if v] or [""])
        )
    with pytest.raises(InputError) as error:
        service.response_submit(
            db_session,
            actor=actor(db_session, world.yp),
            consultation_id=consultation.id,
            raw=fields,
            anonymous=False,
            mode="standard",
            quotes_allowed=False,
            key=outbox.new_key(),
            secret=b"s",
        )
    expected_field = "form" if field == "form" else f"q{by_kind[field].id}"
    assert (error.value.field, error.value.message) == (expected_field, message)
    assert db_session.exec(select(Response)).all() == []


def test_closed_and_not_for_me_consultations_refuse_answers(db_session, world):
    consultation, questions = make_open(db_session, world)
    clock.advance(timedelta(days=11))
    with pytest.raises(service.ConsultationClosed):
        service.response_submit(
            db_session,
            actor=actor(db_session, world.yp),
            consultation_id=consultation.id,
            raw=answers(questions),
            anonymous=True,
            mode="standard",
            quotes_allowed=False,
            key=outbox.new_key(),
            secret=b"s",
        )
    clock.reset()
    other, other_questions = make_open(db_session, world, statuses=["qualifying"])
    with pytest.raises(service.NotFound):
        service.response_submit(
            db_session,
            actor=actor(db_session, world.yp),
            consultation_id=other.id,
            raw=answers(other_questions),
            anonymous=True,
            mode="standard",
            quotes_allowed=False,
            key=outbox.new_key(),
            secret=b"s",
        )
    with pytest.raises(service.NotFound):  # another council's young person
        service.response_submit(
            db_session,
            actor=actor(db_session, world.b_yp),
            consultation_id=consultation.id,
            raw=answers(questions),
            anonymous=True,
            mode="standard",
            quotes_allowed=False,
            key=outbox.new_key(),
            secret=b"s",
        )
    assert db_session.exec(select(Response)).all() == []


# -------------------------------------------------------------------- HTTP


def test_the_form_sent_twice_stores_one_response(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    assert "Your worker" in client.get("/consultations").text
    page = client.get(f"/consultations/{consultation.id}")
    assert page.status_code == 200 and "Question 1 of 4" in page.text
    data = {
        "csrf_token": factories.csrf_from(page.text),
        "idempotency_key": page_key(page.text),
        **answers(questions),
        "anonymous": "yes",
    }
    first = client.post(f"/consultations/{consultation.id}", data=data)
    second = client.post(f"/consultations/{consultation.id}", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(db_session.exec(select(Response)).all()) == 1
    # The receipt of an anonymous answer names no one; the form key opens its thanks page.
    receipt = db_session.get(SubmissionReceipt, data["idempotency_key"])
    assert receipt.action == f"consultation:{consultation.id}:anonymous"
    thanks = client.get(first.headers["location"])
    assert (
        thanks.status_code == 200
        and service.resume_token(client.app.state.secret_bytes, data["idempotency_key"]) in thanks.text
    )
    # The same key with other answers is refused, and nothing changes.
    changed = {**data, f"q{questions[3].id}": "Something else"}
    response = client.post(f"/consultations/{consultation.id}", data=changed)
    assert response.status_code == 422 and "already sent with different answers" in response.text
    assert len(db_session.exec(select(Response)).all()) == 1


def test_bad_input_over_http_keeps_the_answers(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    page = client.get(f"/consultations/{consultation.id}")
    data = {"csrf_token": factories.csrf_from(page.text), "idempotency_key": page_key(page.text), **answers(questions)}
    data[f"q{questions[0].id}"] = ""
    response = client.post(f"/consultations/{consultation.id}", data=data)
    assert response.status_code == 422 and f'id="q{questions[0].id}-error"' in response.text
    assert "More texts please" in response.text
    # No CSRF token: refused before anything happens.
    response = client.post(
        f"/consultations/{consultation.id}", data={k: v for k, v in data.items() if k != "csrf_token"}
    )
    assert response.status_code == 403
    assert db_session.exec(select(Response)).all() == []


def test_the_outbox_replays_exactly_once(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    page = client.get(f"/consultations/{consultation.id}")
    token, key = factories.csrf_from(page.text), page_key(page.text)
    body = {"url": f"/consultations/{consultation.id}", "fields": answers(questions)}
    headers = {"Idempotency-Key": key, "X-CSRF-Token": token}
    replies = [client.post("/api/outbox", json=body, headers=headers) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert [r.json()["status"] for r in replies] == ["sent", "replayed", "replayed"]
    assert len(db_session.exec(select(Response)).all()) == 1
    other = {**body, "fields": {**body["fields"], f"q{questions[3].id}": ["Changed"]}}
    response = client.post("/api/outbox", json=other, headers=headers)
    assert response.status_code == 422 and response.json()["error"] == "key_reused"
    assert client.post("/api/outbox", json=body, headers={**headers, "Idempotency-Key": "nope"}).status_code == 400
    assert client.post("/api/outbox", json={"url": "/elsewhere", "fields": {}}, headers=headers).status_code == 404
    client.cookies.delete("waymark_session")
    assert client.post("/api/outbox", json=body, headers=headers).status_code == 401


def test_racing_replays_store_one_response(scratch_engine):
    with Session(scratch_engine, expire_on_commit=False) as session:
        world = factories.make_world(session)
        consultation, questions = make_open(session, world)
        yp = actor(session, world.yp)
    key, fields = outbox.new_key(), {**answers(questions), "idempotency_key": [outbox.new_key()]}
    fields["idempotency_key"] = [key]
    results, errors = [], []
    start = threading.Barrier(6)

    def replay() -> None:
        with Session(scratch_engine, expire_on_commit=False) as session:
            start.wait()
            try:
                results.append(
                    outbox.submit_once(
                        session,
                        key=key,
                        action="race",
                        fields=fields,
                        result_url="/done",
                        run=lambda: service.response_submit(
                            session,
                            actor=yp,
                            consultation_id=consultation.id,
                            raw=fields,
                            anonymous=True,
                            mode="standard",
                            quotes_allowed=False,
                            key=key,
                            secret=b"s",
                        ),
                    )
                )
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=replay) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(results) == 6
    assert sorted(replayed for _, replayed in results) == [False, True, True, True, True, True]
    with Session(scratch_engine) as session:
        assert len(session.exec(select(Response)).all()) == 1
        assert len(session.exec(select(SubmissionReceipt)).all()) == 1


def test_officer_pages(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    page = client.get("/staff/consultations/new")
    token = factories.csrf_from(page.text)
    bad = {"csrf_token": token, "title": "", "summary": "S", "opens_on": "2026-13-01", "closes_on": "2026-12-01"}
    response = client.post("/staff/consultations/new", data=bad)
    assert (
        response.status_code == 422 and 'id="title-error"' in response.text and 'id="opens_on-error"' in response.text
    )
    good = {
        **bad,
        "title": "Housing",
        "opens_on": clock.today().isoformat(),
        "closes_on": (clock.today() + timedelta(days=5)).isoformat(),
        "age_bands": ["16_17", "18_20"],
    }
    response = client.post("/staff/consultations/new", data=good)
    assert response.status_code == 303
    consultation = db_session.exec(select(Consultation).where(Consultation.title == "Housing")).one()
    assert consultation.age_bands == ["16_17", "18_20"]
    url = f"/staff/consultations/{consultation.id}"
    response = client.post(url + "/publish", data={"csrf_token": token})
    assert response.status_code == 422 and m.NO_QUESTIONS in response.text
    response = client.post(
        url + "/questions", data={"csrf_token": token, "kind": "single", "text": "Where?", "options": "Flat"}
    )
    assert response.status_code == 422 and m.OPTIONS_NEEDED in response.text
    response = client.post(
        url + "/questions", data={"csrf_token": token, "kind": "single", "text": "Where?", "options": "Flat\nHouse"}
    )
    assert response.status_code == 303
    assert client.post(url + "/publish", data={"csrf_token": token}).status_code == 303
    db_session.refresh(consultation)
    assert consultation.state == OPEN
    assert "cannot change" in client.get(url).text


def test_an_adviser_records_assisted_answers_for_a_young_person_on_their_caseload(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.pa)
    record = client.get(f"/staff/young-people/{world.yp.id}")
    url = f"/staff/young-people/{world.yp.id}/consultations/{consultation.id}"
    assert url in record.text
    page = client.get(url)
    assert (
        page.status_code == 200
        and "marked as assisted" in page.text
        and "Do you want to give your name?" not in page.text
    )
    data = {"csrf_token": factories.csrf_from(page.text), "idempotency_key": page_key(page.text), **answers(questions)}
    response = client.post(url, data=data)
    assert response.status_code == 303 and response.headers["location"].endswith("saved=assisted#consultations")
    [stored] = db_session.exec(select(Response)).all()
    assert (stored.mode, stored.young_person_id, stored.assisted_by_id) == ("assisted", world.yp.id, world.pa.id)
    assert client.post(url, data=data).status_code == 303  # sent twice: still one response
    assert len(db_session.exec(select(Response)).all()) == 1
    # Another adviser's young person: refused, and nothing stored.
    other = f"/staff/young-people/{world.other_yp.id}/consultations/{consultation.id}"
    assert client.get(other).status_code == 403
    assert client.post(other, data={**data, "idempotency_key": outbox.new_key()}).status_code == 403
    assert len(db_session.exec(select(Response)).all()) == 1

"""One intake for every word a young person writes: the registry is complete, and
each registered field, written through its own service, reaches the duty list in the
same transaction, with where it came from and a link for the named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, Text
from sqlmodel import SQLModel, select

import waymark.models  # noqa: F401  (every table)
from tests import factories
from tests.factories import actor, answers, make_open
from waymark import clock
from waymark.consultations import service as consultations
from waymark.contacts import service as contacts
from waymark.entitlements import service as entitlements
from waymark.outbox import service as outbox
from waymark.pathway import service as pathway
from waymark.safeguarding import intake
from waymark.safeguarding.models import SafeguardingAlert
from waymark.updates import service as updates

RISK = "i want to kill myself"


def test_every_text_column_is_registered_as_young_peoples_words_or_not():
    assert intake.unregistered(SQLModel.metadata) == []
    names = set(intake.text_columns(SQLModel.metadata))
    stale = [k for k in intake.FIELDS if k not in names]
    stale += [k for k in intake.NOT_YOUNG_PEOPLES_WORDS if not k.endswith(".*") and k not in names]
    tables = {n.split(".")[0] for n in names}
    stale += [k for k in intake.NOT_YOUNG_PEOPLES_WORDS if k.endswith(".*") and k[:-2] not in tables]
    assert stale == [], "registered but no such column"


def test_the_registry_check_finds_a_new_field():
    metadata = MetaData()
    Table("plan_words", metadata, Column("text", Text), Column("mood_note", String(500)))
    assert intake.unregistered(metadata) == ["plan_words.mood_note"]


def _plan_step(db_session, world):
    return pathway.step_add(
        db_session,
        actor=actor(db_session, world.pa),
        young_person_id=world.yp.id,
        heading="money",
        text="Open a bank account",
    )


def _logged_by_worker(db_session, world):
    return contacts.record_contact(
        db_session,
        actor=actor(db_session, world.pa),
        young_person_id=world.yp.id,
        kind="call",
        happened_at=clock.now(),
        note="We spoke about college",
    )


def _consultation(db_session, world, me, text):
    consultation, _questions = make_open(db_session, world)
    return _consultation_answer(db_session, me, consultation, text)


def _consultation_answer(db_session, me, consultation, text):
    questions = consultations.questions_of(db_session, consultation.id)
    return consultations.response_submit(
        db_session,
        actor=me,
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [text]}),
        anonymous=False,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )


def _update_comment(db_session, world, me, text):
    """A You Said We Did update about a consultation this young person answered."""
    consultation, _questions = make_open(db_session, world)
    _consultation_answer(db_session, me, consultation, "Evening visits please")
    officer = actor(db_session, world.staff_by_role["participation_officer"])
    data = updates.UpdateInput(
        title="Evening appointments",
        said="You said you can't meet your worker in the day.",
        did="Workers now offer evening times on Tuesdays.",
        status="doing",
        reason="",
        happened_on=clock.today().isoformat(),
        themes=["contact_with_worker"],
        consultation_ids=[str(consultation.id)],
    )
    update = updates.publish(db_session, actor=officer, data=data)
    return updates.comment(db_session, actor=me, update_id=update.id, text=text, quotes_allowed=False)


# field -> how a young person writes `text` into it
WRITERS: dict[str, Callable[[Any, Any, Any, str], Any]] = {
    "consultation_answer.text": _consultation,
    "council_update_comment.text": _update_comment,
    "plan_words.text": lambda s, w, me, t: (
        _plan_step(s, w) and pathway.words_save(s, actor=me, heading="accommodation", text=t)
    ),
    "step_feedback.comment": lambda s, w, me, t: pathway.feedback_give(
        s, actor=me, step_id=_plan_step(s, w).id, kind="disagree", comment=t
    ),
    "review_request.note": lambda s, w, me, t: _plan_step(s, w) and pathway.review_request_make(s, actor=me, note=t),
    "reach_request.note": lambda s, w, me, t: contacts.reach_request(
        s, actor=me, method="call", tried_at=clock.now(), note=t
    ),
    "contact.note": lambda s, w, me, t: contacts.log_own_contact(
        s, actor=me, kind="visit", happened_at=clock.now(), note=t
    ),
    "contact.answer_note": lambda s, w, me, t: contacts.answer_contact(
        s, actor=me, contact_id=_logged_by_worker(s, w).id, confirm=False, note=t
    ),
    "facts_report.note": lambda s, w, me, t: entitlements.facts_report(s, actor=me, note=t),
    "about_me.matters": lambda s, w, me, t: contacts.about_me_save(s, actor=me, values={"matters": t}, agree=True),
    "about_me.helps": lambda s, w, me, t: contacts.about_me_save(s, actor=me, values={"helps": t}, agree=False),
    "about_me.does_not_help": lambda s, w, me, t: contacts.about_me_save(
        s, actor=me, values={"does_not_help": t}, agree=True
    ),
}
TESTED_ELSEWHERE = {
    "safeguarding_alert.text": "tests/safeguarding/test_safeguarding.py (the I feel unsafe button)",
}


def test_every_registered_field_has_a_service_test():
    assert set(WRITERS) | set(TESTED_ELSEWHERE) == set(intake.FIELDS)


@pytest.mark.parametrize("field", sorted(WRITERS))
def test_risk_words_in_each_field_reach_the_duty_list_with_where_they_came_from(db_session, world, field):
    me = actor(db_session, world.yp)
    WRITERS[field](db_session, world, me, f"honestly {RISK} tonight")
    db_session.rollback()  # only what the service committed counts
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert alert.field == field and alert.source == intake.FIELDS[field].source
    assert alert.young_person_id == world.yp.id and RISK in alert.text
    assert alert.link == f"/staff/young-people/{world.yp.id}{intake.FIELDS[field].anchor}"
    assert alert.level == "urgent" and alert.kinds


@pytest.mark.parametrize("field", sorted(WRITERS))
def test_ordinary_words_in_each_field_raise_nothing(db_session, world, field):
    WRITERS[field](db_session, world, actor(db_session, world.yp), "Can we meet at the library on Tuesday")
    assert db_session.exec(select(SafeguardingAlert)).all() == []


def test_words_refused_as_too_soon_still_reach_the_lead(db_session, world):
    """ "I couldn't reach my worker" twice in ten minutes is refused, but the words in
    the second one are not lost."""
    from waymark.errors import InputError

    me = actor(db_session, world.yp)
    contacts.reach_request(db_session, actor=me, method="call", tried_at=clock.now(), note="No answer")
    with pytest.raises(InputError):
        contacts.reach_request(db_session, actor=me, method="call", tried_at=clock.now(), note=RISK)
    db_session.rollback()
    [alert] = db_session.exec(select(SafeguardingAlert).where(SafeguardingAlert.text == RISK)).all()
    assert alert.field == "reach_request.note" and alert.level == "urgent"


def test_anonymous_words_carry_no_person_and_no_link_only_the_consultation(db_session, world):
    consultation, questions = make_open(db_session, world)
    consultations.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [RISK]}),
        anonymous=True,
        mode="standard",
        quotes_allowed=False,
        key=outbox.new_key(),
        secret=b"s",
    )
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert alert.young_person_id is None and alert.link is None
    assert alert.context == consultation.title and alert.text == RISK
    assert str(world.yp.id) not in alert.group_key


def test_assisted_answers_are_named_and_linked(db_session, world):
    consultation, questions = make_open(db_session, world)
    consultations.response_submit(
        db_session,
        actor=actor(db_session, world.pa),
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [RISK]}),
        anonymous=False,
        mode="assisted",
        quotes_allowed=False,
        key=outbox.new_key(),
        secret=b"s",
        young_person_id=world.yp.id,
    )
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert alert.young_person_id == world.yp.id and alert.link == f"/staff/young-people/{world.yp.id}"


def test_after_risk_words_anywhere_their_pages_say_where_to_get_help_now(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    assert "Get help now" not in client.get("/contacts").text
    page = client.get("/contacts")
    csrf = factories.csrf_from(page.text)
    sent = client.post(
        "/contacts/reach",
        data={"csrf_token": csrf, "method": "call", "tried_on": clock.today().isoformat(), "note": RISK},
    )
    assert sent.status_code in (200, 303)
    after = client.get("/contacts").text
    assert "Get help now" in after and "safeguarding lead" in after
    clock.advance(timedelta(hours=3))
    assert "Get help now" not in client.get("/contacts").text

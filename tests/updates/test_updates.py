"""You Said We Did: publishing with checks, revisions kept, reactions, and telling the
young people who spoke (named in the inbox, anonymous through their code)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from tests.consultations.test_consultations import answers, make_open
from tests.contacts.test_service import actor
from tests.insights.test_insights import approve
from waymark.consultations import service as consultations
from waymark.jobs import service as jobs
from waymark.jobs.models import Job
from waymark.notifications.models import Notification
from waymark.outbox import service as outbox
from waymark.updates import messages as m
from waymark.updates import service
from waymark.updates.models import Update, UpdateRevision


def good(**changes) -> service.UpdateInput:
    values = dict(
        title="Evening appointments",
        said="You said you can't meet your worker in the day.",
        did="Workers now offer evening times on Tuesdays and Thursdays.",
        status="doing",
        reason="",
        happened_on="2026-11-20",
        themes=["contact_with_worker"],
        consultation_ids=[],
    )
    values.update(changes)
    return service.UpdateInput(**values)


def officer(db_session, world):
    return actor(db_session, world.staff_by_role["participation_officer"])


def answer(db_session, world, consultation, questions, *, anonymous=False, text="I work in the day"):
    person = factories.make_young_person(db_session, world.a)
    key = outbox.new_key()
    response = consultations.response_submit(
        db_session,
        actor=actor(db_session, person),
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [text]}),
        anonymous=anonymous,
        mode="standard",
        quotes_allowed=False,
        key=key,
        secret=b"s",
    )
    return person, response, consultations.resume_token(b"s", key)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"themes": []}, "themes", m.THEME_REQUIRED),
        ({"themes": ["nonsense"]}, "themes", m.THEME_UNKNOWN),
        ({"did": "   "}, "did", m.DID_REQUIRED),
        ({"status": "maybe"}, "status", m.STATUS_REQUIRED),
        ({"status": "cant", "reason": ""}, "reason", m.REASON_REQUIRED),
        ({"happened_on": "20/11/2026"}, "happened_on", m.DATE_INVALID),
        ({"happened_on": "2026-02-30"}, "happened_on", m.DATE_INVALID),
        ({"title": "x" * 121}, "title", m.TITLE_TOO_LONG),
        ({"consultation_ids": ["999999"]}, "consultation_ids", m.CONSULTATION_UNKNOWN),
        ({"consultation_ids": ["abc"]}, "consultation_ids", m.CONSULTATION_UNKNOWN),
    ],
)
def test_bad_updates_are_refused_and_nothing_is_stored(db_session, world, changes, field, message):
    with pytest.raises(service.UpdateInvalid) as caught:
        service.publish(db_session, actor=officer(db_session, world), data=good(**changes))
    assert caught.value.errors[field] == message
    assert db_session.exec(select(Update)).all() == []


def test_another_councils_consultation_cannot_be_linked(db_session, world):
    b_officer = factories.make_staff(db_session, world.b, "participation_officer")
    theirs, _q = make_open(db_session, world, officer=b_officer)
    with pytest.raises(service.UpdateInvalid):
        service.publish(db_session, actor=officer(db_session, world), data=good(consultation_ids=[str(theirs.id)]))


def test_publishing_tells_the_young_people_who_spoke(db_session, world):
    consultation, questions = make_open(db_session, world)
    linked, _r, _c = answer(db_session, world, consultation, questions)
    other_consultation, other_questions = make_open(db_session, world, title="Money")
    by_theme, response, _c = answer(db_session, world, other_consultation, other_questions, text="Evenings please")
    approve(db_session, world, response, ["contact_with_worker"])
    _p, _anonymous, code = answer(db_session, world, consultation, questions, anonymous=True)
    _bystander, _r, _c = answer(db_session, world, other_consultation, other_questions)

    update = service.publish(
        db_session, actor=officer(db_session, world), data=good(consultation_ids=[str(consultation.id)])
    )
    assert db_session.exec(select(Job).where(Job.kind == service.NOTIFY_JOB)).one().payload == {"update_id": update.id}
    assert jobs.run_due(db_session) >= 1
    told = {
        n.user_id for n in db_session.exec(select(Notification).where(Notification.kind == "update_published")).all()
    }
    assert told == {linked.id, by_theme.id}  # the bystander said nothing linked; the anonymous one has no account link
    assert [u.id for u in service.updates_for_code(db_session, code=code)] == [update.id]
    assert [u.id for u in service.updates_for_code(db_session, code=code.lower())] == [update.id]
    assert service.updates_for_code(db_session, code="0000-0000-0000") == []
    assert service.updates_for_code(db_session, code="not a code") == []


def test_revisions_are_kept_and_shown_and_stale_edits_refused(db_session, world):
    who = officer(db_session, world)
    update = service.publish(db_session, actor=who, data=good())
    service.revise(
        db_session, actor=who, update_id=update.id, data=good(status="done", did="Done: evening times."), version=1
    )
    with pytest.raises(service.UpdateInvalid) as caught:
        service.revise(db_session, actor=who, update_id=update.id, data=good(title="Again"), version=1)
    assert caught.value.errors == {"form": m.STALE}
    versions = db_session.exec(select(UpdateRevision.version).where(UpdateRevision.update_id == update.id)).all()
    assert sorted(versions) == [1, 2]
    view = service.view(db_session, actor=actor(db_session, world.yp), update_id=update.id)
    assert view.update.status == "done" and view.changes[0].fields == ["did", "status"]
    assert view.changes[0].before["status"] == "doing"


def test_reactions_one_each_and_only_young_people(db_session, world):
    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    young = actor(db_session, world.yp)
    service.react(db_session, actor=young, update_id=update.id, reaction="helps")
    service.react(db_session, actor=young, update_id=update.id, reaction="not_enough")
    staff_view = service.view(db_session, actor=actor(db_session, world.staff_by_role["manager"]), update_id=update.id)
    assert staff_view.reactions == {"not_enough": 1}
    with pytest.raises(service.UpdateInvalid):
        service.react(db_session, actor=young, update_id=update.id, reaction="love")
    with pytest.raises(service.Forbidden):
        service.react(db_session, actor=officer(db_session, world), update_id=update.id, reaction="helps")
    with pytest.raises(service.NotFound):
        service.view(db_session, actor=actor(db_session, world.b_yp), update_id=update.id)


# ---------------------------------------------------------------------- HTTP
def test_officer_publishes_and_young_people_read_and_react(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    page = client.get("/staff/updates/new")
    form = {
        "csrf_token": factories.csrf_from(page.text),
        "title": "Evening appointments",
        "said": "You can't meet in the day.",
        "did": "",
        "status": "doing",
        "happened_on": "2026-11-20",
    }
    refused = client.post("/staff/updates/new", data=form)
    assert refused.status_code == 422
    assert m.DID_REQUIRED in refused.text and m.THEME_REQUIRED in refused.text
    assert 'value="Evening appointments"' in refused.text
    form.update(did="Evening times on Tuesdays.", themes=["contact_with_worker"])
    assert client.post("/staff/updates/new", data=form).status_code == 303
    update = db_session.exec(select(Update)).one()

    client.cookies.clear()
    factories.sign_in(client, db_session, world.yp)
    feed = client.get("/updates")
    assert "Evening appointments" in feed.text and "We are doing it" in feed.text
    page = client.get(f"/updates/{update.id}")
    reacted = client.post(
        f"/updates/{update.id}/react", data={"csrf_token": factories.csrf_from(page.text), "reaction": "helps"}
    )
    assert reacted.status_code == 303
    assert 'aria-pressed="true">This helps' in client.get(f"/updates/{update.id}").text
    assert "Evening appointments: This helps" in client.get("/me/data").text  # it is theirs to see


def test_hear_back_api_needs_no_account_and_says_nothing_for_a_wrong_code(client, db_session, world):
    consultation, questions = make_open(db_session, world)
    _p, _r, code = answer(db_session, world, consultation, questions, anonymous=True)
    update = service.publish(
        db_session, actor=officer(db_session, world), data=good(consultation_ids=[str(consultation.id)])
    )
    found = client.get(f"/api/hear-back?code={code}")
    assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
    assert found.json() == {
        "updates": [{"id": update.id, "title": "Evening appointments", "url": f"/updates/{update.id}"}]
    }
    assert client.get("/api/hear-back?code=AAAA-BBBB-CCCC").json() == {"updates": []}
    assert client.get("/api/hear-back?code=" + "x" * 100).status_code in (400, 422)

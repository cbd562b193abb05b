"""You Said We Did: publishing with checks, revisions kept, reactions, and telling the
young people who spoke (named in the inbox, anonymous through their code)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import actor, answers, approve, make_open
from waymark.consultations import service as consultations
from waymark.errors import InputError
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
    with pytest.raises(InputError) as caught:
        service.publish(db_session, actor=officer(db_session, world), data=good(**changes))
    assert caught.value.errors[field] == message
    assert db_session.exec(select(Update)).all() == []


def test_another_councils_consultation_cannot_be_linked(db_session, world):
    b_officer = factories.make_staff(db_session, world.b, "participation_officer")
    theirs, _q = make_open(db_session, world, officer=b_officer)
    with pytest.raises(InputError):
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
    with pytest.raises(InputError) as caught:
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
    with pytest.raises(InputError):
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


# ------------------------------------------------------------------ say more
def test_saying_more_waits_for_a_moderator_and_only_checked_words_reach_staff(db_session, world):
    from waymark.consultations.models import PENDING
    from waymark.moderation import service as moderation
    from waymark.updates.models import UpdateComment

    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    young = actor(db_session, world.yp)
    service.react(db_session, actor=young, update_id=update.id, reaction="not_enough")
    quoted = service.comment(
        db_session, actor=young, update_id=update.id, text="Evenings are good but I work til 8", quotes_allowed=True
    )
    private = service.comment(
        db_session, actor=young, update_id=update.id, text="My PA Sarah still never calls back", quotes_allowed=False
    )
    assert quoted.moderation == PENDING and quoted.reaction == "not_enough"
    assert "contact_with_worker" in private.suggested_themes
    # Sending the same words again (a double tap) stores nothing more.
    again = service.comment(
        db_session, actor=young, update_id=update.id, text=" Evenings are good but I work til 8 ", quotes_allowed=True
    )
    assert again.id == quoted.id and len(db_session.exec(select(UpdateComment)).all()) == 2

    officer_view = service.view(db_session, actor=officer(db_session, world), update_id=update.id)
    assert officer_view.approved_comments == 0 and officer_view.quotes == []  # nothing before moderation

    moderator = actor(db_session, world.staff_by_role["moderator"])
    items, total = moderation.queue(db_session, actor=moderator)
    assert total == 2 and {(i.kind, i.id) for i in items} == {("comment", quoted.id), ("comment", private.id)}
    assert items[0].action == f"/staff/moderation/comments/{items[0].id}"
    for comment, text in ((quoted, "Evenings are good but I work til 8"), (private, "My PA [name] never calls back")):
        moderation.decide_comment(
            db_session,
            actor=moderator,
            comment_id=comment.id,
            approve=True,
            published_text=text,
            themes=["contact_with_worker"],
            reason="",
        )
    with pytest.raises(InputError):  # decided once only
        moderation.decide_comment(
            db_session, actor=moderator, comment_id=quoted.id, approve=False, published_text="", themes=[], reason="x"
        )
    officer_view = service.view(db_session, actor=officer(db_session, world), update_id=update.id)
    assert officer_view.approved_comments == 2
    assert officer_view.quotes == ["Evenings are good but I work til 8", "My PA [name] never calls back"]
    manager_view = service.view(
        db_session, actor=actor(db_session, world.staff_by_role["manager"]), update_id=update.id
    )
    assert manager_view.quotes == ["Evenings are good but I work til 8"]  # only what they let us quote
    assert "Sarah" not in " ".join(officer_view.quotes + manager_view.quotes)
    mine = service.view(db_session, actor=young, update_id=update.id).my_comments
    assert [c.moderation for c in mine] == ["approved", "approved"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", m.COMMENT_REQUIRED), ("x" * 1001, m.COMMENT_TOO_LONG)],
)
def test_bad_comments_are_refused_and_nothing_is_stored(db_session, world, text, message):
    from waymark.updates.models import UpdateComment

    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    with pytest.raises(InputError) as caught:
        service.comment(
            db_session, actor=actor(db_session, world.yp), update_id=update.id, text=text, quotes_allowed=False
        )
    assert caught.value.errors == {"comment": message}
    assert db_session.exec(select(UpdateComment)).all() == []


def test_comments_are_limited_per_update_and_refused_to_staff_and_other_councils(db_session, world):
    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    young = actor(db_session, world.yp)
    for n in range(service.COMMENTS_PER_UPDATE):
        service.comment(db_session, actor=young, update_id=update.id, text=f"Point {n}", quotes_allowed=False)
    with pytest.raises(InputError) as caught:
        service.comment(db_session, actor=young, update_id=update.id, text="One more", quotes_allowed=False)
    assert caught.value.errors == {"comment": m.COMMENT_LIMIT}
    with pytest.raises(service.Forbidden):
        service.comment(
            db_session, actor=officer(db_session, world), update_id=update.id, text="x", quotes_allowed=False
        )
    with pytest.raises(service.NotFound):
        service.comment(
            db_session, actor=actor(db_session, world.b_yp), update_id=update.id, text="x", quotes_allowed=False
        )
    from waymark.moderation import service as moderation

    b_moderator = factories.make_staff(db_session, world.b, "moderator")
    _items, total = moderation.queue(db_session, actor=actor(db_session, b_moderator))
    assert total == 0
    first = service.view(db_session, actor=young, update_id=update.id).my_comments[-1]
    with pytest.raises(moderation.NotFound):
        moderation.decide_comment(
            db_session,
            actor=actor(db_session, b_moderator),
            comment_id=first.id,
            approve=False,
            published_text="",
            themes=[],
            reason="no",
        )


def test_a_risky_comment_goes_to_the_safeguarding_lead_not_the_queue(db_session, world):
    from waymark.consultations.models import SAFEGUARDING
    from waymark.moderation import service as moderation
    from waymark.safeguarding.models import SafeguardingAlert

    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    row = service.comment(
        db_session,
        actor=actor(db_session, world.yp),
        update_id=update.id,
        text="nobody listens and i want to kill myself",
        quotes_allowed=True,
    )
    assert row.moderation == SAFEGUARDING and row.suggested_themes == []
    alert = db_session.exec(select(SafeguardingAlert)).one()
    assert alert.source == "update_comment" and alert.young_person_id == world.yp.id
    _items, total = moderation.queue(db_session, actor=actor(db_session, world.staff_by_role["moderator"]))
    assert total == 0
    with pytest.raises(moderation.NotFound):
        moderation.decide_comment(
            db_session,
            actor=actor(db_session, world.staff_by_role["moderator"]),
            comment_id=row.id,
            approve=True,
            published_text="x",
            themes=["housing"],
            reason="",
        )


def test_a_comment_the_lead_judges_not_a_risk_goes_back_to_the_moderation_queue(client, db_session, world):
    """Held back for the lead, a comment stayed out of the queue for good, even when the
    lead saw at once it was a figure of speech."""
    from waymark.consultations.models import PENDING
    from waymark.moderation import service as moderation
    from waymark.safeguarding.models import SafeguardingAlert

    manager = world.staff_by_role["manager"]
    world.a.safeguarding_lead_id = manager.id
    db_session.add(world.a)
    db_session.commit()
    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    row = service.comment(
        db_session,
        actor=actor(db_session, world.yp),
        update_id=update.id,
        text="nobody listens and i want to kill myself",
        quotes_allowed=True,
    )
    alert = db_session.exec(select(SafeguardingAlert)).one()
    assert alert.comment_id == row.id

    factories.sign_in(client, db_session, manager)
    duty = client.get("/staff/safeguarding")
    assert f'id="not-a-risk-{alert.id}-hint"' in duty.text  # offered: words are held back
    note = {"csrf_token": factories.csrf_from(duty.text), "note": "A song lyric", "not_a_risk": "1"}
    assert client.post(f"/staff/safeguarding/{alert.id}/acknowledge", data=note).status_code == 303
    db_session.refresh(row)
    assert row.moderation == PENDING
    items, total = moderation.queue(db_session, actor=actor(db_session, world.staff_by_role["moderator"]))
    assert total == 1 and items[0].id == row.id
    backstops = db_session.exec(select(Job).where(Job.kind == "moderation.backstop")).all()
    assert [job.payload["kind"] for job in backstops] == ["comment"]
    # Erasing the account deletes the comment; the council's alert stays, naming no comment.
    from waymark.mydata import service as mydata

    mydata.erase(db_session, db_session.get(type(world.yp), world.yp.id))
    db_session.commit()
    db_session.refresh(alert)
    assert alert.comment_id is None and alert.text == "nobody listens and i want to kill myself"


def test_say_more_page_keeps_the_words_on_error_and_a_rejection_is_explained(client, db_session, world):
    from waymark.updates.models import UpdateComment

    update = service.publish(db_session, actor=officer(db_session, world), data=good())
    factories.sign_in(client, db_session, world.yp)
    page = client.get(f"/updates/{update.id}")
    assert f'action="/updates/{update.id}/comment"' in page.text
    token = factories.csrf_from(page.text)
    refused = client.post(f"/updates/{update.id}/comment", data={"csrf_token": token, "comment": "x" * 1001})
    assert refused.status_code == 422 and m.COMMENT_TOO_LONG in refused.text and "x" * 1001 in refused.text
    assert db_session.exec(select(UpdateComment)).all() == []
    sent = client.post(
        f"/updates/{update.id}/comment",
        data={"csrf_token": token, "comment": "Tuesdays are my college day", "quotes_allowed": "yes"},
    )
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert "Tuesdays are my college day" in after.text and "Waiting to be checked" in after.text
    assert db_session.exec(select(UpdateComment)).one().quotes_allowed is True

    client.cookies.clear()
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    queue = client.get("/staff/moderation")
    comment = db_session.exec(select(UpdateComment)).one()
    assert f'action="/staff/moderation/comments/{comment.id}"' in queue.text
    assert "Said more about this You Said We Did update" in queue.text
    token = factories.csrf_from(queue.text)
    no_reason = client.post(
        f"/staff/moderation/comments/{comment.id}", data={"csrf_token": token, "decision": "reject"}
    )
    assert no_reason.status_code == 422 and f'id="c{comment.id}-reason-error"' in no_reason.text
    rejected = client.post(
        f"/staff/moderation/comments/{comment.id}",
        data={"csrf_token": token, "decision": "reject", "reason": "It says which day you are busy"},
    )
    assert rejected.status_code == 303
    from waymark.audit.models import AuditEvent

    logged = db_session.exec(select(AuditEvent).where(AuditEvent.action == "moderation.reject")).one()
    assert (logged.object_type, logged.object_id) == ("update_comment", str(comment.id))

    client.cookies.clear()
    factories.sign_in(client, db_session, world.yp)
    mine = client.get(f"/updates/{update.id}").text
    assert "Not used" in mine and "It says which day you are busy" in mine
    inbox = db_session.exec(
        select(Notification).where(Notification.user_id == world.yp.id, Notification.kind == "comment_not_used")
    ).one()
    assert inbox.params == {"reason": "It says which day you are busy"}
    assert "Tuesdays are my college day" in client.get("/me/data").text


def test_guessing_hear_back_codes_is_slowed_down(client, db_session, world):
    """500 of 500 random codes were answered, at 465 a second."""
    from waymark.updates.routes import HEAR_BACK_TRIES

    for n in range(HEAR_BACK_TRIES):
        assert client.get(f"/api/hear-back?code=AAAA-BBBB-{n:04d}").status_code == 200
    assert client.get("/api/hear-back?code=AAAA-BBBB-9999").status_code == 429
    factories.sign_in(client, db_session, world.yp)  # the page form counts against the same address
    assert client.get("/updates/hear-back?code=AAAA-BBBB-9998").status_code == 429

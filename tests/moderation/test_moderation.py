"""Moderation: free text waits in the council's queue; personal details are found and
redacted; themes are suggested and confirmed; a rejected named answer is explained to
the young person; the log is for managers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from tests import factories
from tests.factories import actor, answers, make_open
from waymark.cli import main
from waymark.consultations import service as consultations
from waymark.consultations.models import APPROVED, PENDING, REJECTED, Answer, Response
from waymark.errors import InputError
from waymark.identity.permissions import Forbidden
from waymark.moderation import messages as m
from waymark.moderation import personal, service, themes
from waymark.notifications.models import Notification
from waymark.outbox import service as outbox
from waymark.pathway.models import PathwayPlan, PlanStep
from waymark.settings import ROOT


def submit(db_session, world, who, text, *, anonymous=False):
    consultation, questions = make_open(db_session, world)
    fields = answers(questions, **{f"q{questions[3].id}": [text]})
    consultations.response_submit(
        db_session,
        actor=actor(db_session, who),
        consultation_id=consultation.id,
        raw=fields,
        anonymous=anonymous,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )
    return db_session.exec(select(Answer).where(Answer.text == text)).one()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Email me at kai.w@example.com please", [("email", "kai.w@example.com")]),
        ("ring 07700 900123 after 5", [("phone", "07700 900123")]),
        ("I live at 12 Mill Lane, RV1 2AB", [("address", "12 Mill Lane"), ("address", "RV1 2AB")]),
        ("born 03/05/2008 so I'm 18", [("date", "03/05/2008")]),
        ("my PA Sarah never calls back", [("name", "Sarah")]),
        ("I told Jordan and he laughed", [("name", "Jordan")]),
        ("The council never listens. Sometimes it is fine.", []),
    ],
)
def test_personal_details_are_found(text, found):
    assert [(s.kind, text[s.start : s.end]) for s in personal.find(text)] == found


def test_redaction_replaces_each_detail_with_its_kind():
    assert personal.redact("my PA Sarah's number is 07700 900123") == "my PA [name]'s number is [phone]"


def test_the_themes_file_loads_and_suggests():
    assert len(themes.keys()) == 10 and "housing" in themes.keys()
    assert sorted(themes.suggest("my SW never picks up and I got kicked out of my flat")) == [
        "contact_with_worker",
        "housing",
    ]
    assert themes.suggest("thanks for asking us") == []


def test_free_text_waits_in_the_queue_with_suggested_themes(db_session, world):
    answer = submit(db_session, world, world.yp, "My PA Sarah never calls me back, I feel ignored")
    assert answer.moderation == PENDING and "contact_with_worker" in answer.suggested_themes
    choices = db_session.exec(
        select(Answer).where(Answer.response_id == answer.response_id, Answer.text.is_(None))
    ).all()
    assert {a.moderation for a in choices} == {None}  # choices need no moderation
    items, total = service.queue(db_session, actor=actor(db_session, world.staff_by_role["moderator"]))
    assert total == 1 and (items[0].kind, items[0].id) == ("answer", answer.id)
    with pytest.raises(Forbidden):
        service.queue(db_session, actor=actor(db_session, world.staff_by_role["participation_officer"]))


def test_approve_with_redaction_and_themes(db_session, world):
    answer = submit(db_session, world, world.yp, "My PA Sarah never calls me back")
    moderator = actor(db_session, world.staff_by_role["moderator"])
    with pytest.raises(InputError) as error:
        service.decide(
            db_session,
            actor=moderator,
            answer_id=answer.id,
            approve=True,
            published_text="x",
            themes=["not_a_theme"],
            reason="",
        )
    assert error.value.message == m.THEME_UNKNOWN
    service.decide(
        db_session,
        actor=moderator,
        answer_id=answer.id,
        approve=True,
        published_text="My PA [name] never calls me back",
        themes=["contact_with_worker"],
        reason="",
    )
    db_session.refresh(answer)
    assert (answer.moderation, answer.published_text, answer.themes) == (
        APPROVED,
        "My PA [name] never calls me back",
        ["contact_with_worker"],
    )
    with pytest.raises(InputError) as error:
        service.decide(
            db_session, actor=moderator, answer_id=answer.id, approve=False, published_text="", themes=[], reason="late"
        )
    assert error.value.message == m.ALREADY_DECIDED
    log = service.log(db_session, actor=actor(db_session, world.staff_by_role["manager"]))
    assert [(e.action, e.detail["redacted"]) for e in log] == [("moderation.approve", True)]


def test_reject_tells_a_named_young_person_why(db_session, world):
    answer = submit(db_session, world, world.yp, "Buy cheap trainers at example.shop")
    moderator = actor(db_session, world.staff_by_role["moderator"])
    with pytest.raises(InputError) as error:
        service.decide(
            db_session, actor=moderator, answer_id=answer.id, approve=False, published_text="", themes=[], reason=" "
        )
    assert error.value.message == m.REASON_REQUIRED
    service.decide(
        db_session,
        actor=moderator,
        answer_id=answer.id,
        approve=False,
        published_text="",
        themes=[],
        reason="This looks like an advert, not an answer to the question.",
    )
    db_session.refresh(answer)
    assert answer.moderation == REJECTED and answer.published_text is None
    [note] = db_session.exec(select(Notification).where(Notification.kind == "comment_not_used")).all()
    assert note.user_id == world.yp.id and "advert" in note.params["reason"]


def test_another_councils_moderator_cannot_see_or_decide(db_session, world):
    answer = submit(db_session, world, world.yp, "Housing is bad")
    b_moderator = factories.make_staff(db_session, world.b, "moderator")
    _items, total = service.queue(db_session, actor=actor(db_session, b_moderator))
    assert total == 0
    with pytest.raises(service.NotFound):
        service.decide(
            db_session,
            actor=actor(db_session, b_moderator),
            answer_id=answer.id,
            approve=False,
            published_text="",
            themes=[],
            reason="no",
        )


def test_the_queue_page_highlights_and_decides(client, db_session, world):
    answer = submit(db_session, world, world.yp, "My PA Sarah never rings, call me on 07700 900123")
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    page = client.get("/staff/moderation")
    assert page.status_code == 200 and "<mark" in page.text
    assert "My PA [name] never rings, call me on [phone]" in page.text
    token = factories.csrf_from(page.text)
    url = f"/staff/moderation/{answer.id}"
    response = client.post(url, data={"csrf_token": token, "decision": "approve", "published_text": "ok"})
    assert response.status_code == 422 and f'id="a{answer.id}-themes-error"' in response.text
    response = client.post(url, data={"csrf_token": token, "decision": "maybe"})
    assert response.status_code == 400
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "decision": "approve",
            "themes": ["contact_with_worker"],
            "published_text": "My PA [name] never rings",
        },
    )
    assert response.status_code == 303
    db_session.refresh(answer)
    assert answer.moderation == APPROVED
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    log = client.get("/staff/moderation/log")
    assert log.status_code == 200 and "Contact with my worker" in log.text
    assert client.get("/moderation-policy").status_code == 200


def test_themes_cli_suggests_and_evaluates(tmp_path):
    result = CliRunner().invoke(main, ["themes", "suggest"], input="my flat has mould\n\nI'm skint\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["themes"] for line in lines] == [["housing"], ["money"]]
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"text": "my flat has mould", "themes": ["housing", "health_mental_health"]}\n')
    result = CliRunner().invoke(main, ["themes", "evaluate", str(labelled)])
    assert result.exit_code == 0 and "precision 1.00, recall 0.50" in result.output


def test_the_labelled_set_keeps_its_scores():
    """A guard against word-list changes that make suggestions worse. The figures in
    the README (precision 0.75, recall 0.72 on 281 statements, measured before the
    word lists had seen the set) come from `waymark themes evaluate` on this file."""
    path = ROOT / "content" / "themes-labelled.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = themes.evaluate((r["text"], r["themes"]) for r in rows)
    assert result.statements >= 200
    assert result.precision >= 0.72 and result.recall >= 0.70, (result.precision, result.recall)


# --------------------------------------------- the human backstop in the queue
def test_a_moderator_sends_a_queue_item_to_the_duty_list_in_one_action(client, db_session, world):
    from datetime import timedelta

    from waymark import clock
    from waymark.safeguarding.models import SafeguardingAlert

    worrying = "my new boyfriend says i cant see my friends anymore and checks my phone"
    answer = submit(db_session, world, world.yp, worrying, anonymous=True)
    assert answer.moderation == PENDING  # the detector did not send it (or only as a check)
    clock.advance(timedelta(hours=30))
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    page = client.get("/staff/moderation")
    # An anonymous answer keeps only its day, so its wait counts from that midnight.
    sent_on = db_session.get(Response, answer.response_id).created_at
    waited = int((clock.now() - sent_on).total_seconds() // 3600)
    assert waited >= 30 and f"waiting {waited} hours" in page.text and "tag-stuck" in page.text
    sent = client.post(
        f"/staff/moderation/{answer.id}", data={"csrf_token": factories.csrf_from(page.text), "decision": "safeguard"}
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/staff/moderation?done=safeguard"
    db_session.refresh(answer)
    assert answer.moderation == "safeguard" and answer.published_text is None
    alert = db_session.exec(
        select(SafeguardingAlert).where(SafeguardingAlert.source == "queue_item", SafeguardingAlert.text == worrying)
    ).one()
    assert alert.raised_by_id == world.staff_by_role["moderator"].id and alert.level == "urgent"
    assert alert.young_person_id is None and alert.link is None  # anonymous stays anonymous
    assert worrying not in client.get("/staff/moderation").text  # out of the queue
    again = client.post(
        f"/staff/moderation/{answer.id}",
        data={"csrf_token": factories.csrf_from(page.text), "decision": "safeguard"},
    )
    assert again.headers["location"] == "/staff/moderation?done=already"  # already decided; nothing changes
    assert len(db_session.exec(select(SafeguardingAlert).where(SafeguardingAlert.source == "queue_item")).all()) == 1
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    assert "Sent to the safeguarding lead" in client.get("/staff/moderation/log").text


def test_words_unread_past_the_councils_hours_go_to_the_people_on_duty_and_managers(db_session, world):
    from datetime import timedelta

    from waymark import clock
    from waymark.jobs import service as jobs
    from waymark.safeguarding.models import SafeguardingAlert

    world.a.safeguarding_lead_id = world.staff_by_role["safeguarding_lead"].id
    db_session.add(world.a)
    db_session.commit()
    waiting = submit(db_session, world, world.yp, "The bus pass form asks for a photo I do not have")
    read = submit(db_session, world, world.yp, "More evening sessions at the youth club please")
    service.decide(
        db_session,
        actor=actor(db_session, world.staff_by_role["moderator"]),
        answer_id=read.id,
        approve=True,
        published_text=read.text,
        themes=["money"],
        reason="",
    )
    clock.advance(timedelta(hours=23))
    jobs.run_due(db_session)
    assert db_session.exec(select(SafeguardingAlert)).all() == []
    clock.advance(timedelta(hours=2))
    jobs.run_due(db_session)
    [alert] = db_session.exec(select(SafeguardingAlert)).all()  # only the one still unread
    assert (alert.source, alert.level, alert.answer_id) == ("backstop", "check", waiting.id)
    told = {n.user_id for n in factories.notes(db_session, "safeguarding_escalated")}
    assert world.staff_by_role["manager"].id in told
    assert [n.user_id for n in factories.notes(db_session, "safeguarding_alert")] == [
        world.staff_by_role["safeguarding_lead"].id
    ]
    db_session.refresh(waiting)
    assert waiting.moderation == PENDING  # still for a moderator to read


def test_working_hours_only_count_9_to_5_on_working_days():
    from datetime import UTC, datetime

    from waymark.workdays import add_working_hours

    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # UK time is UTC in winter
    assert add_working_hours(friday_4pm, 2) == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    christmas_eve = datetime(2026, 12, 24, 16, 0, tzinfo=UTC)  # then 25th, weekend, 28th bank holiday
    assert add_working_hours(christmas_eve, 2) == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
    saturday_night = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    assert add_working_hours(saturday_night, 24) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


# ------------------------------------------------------- names in the queue
def _names_set(name):
    return [json.loads(line) for line in (ROOT / "content" / "safeguarding" / f"{name}.jsonl").read_text().splitlines()]


def test_names_the_council_holds_and_full_names_are_taken_out():
    known = personal.Known.of(["Priya Shah", "Leah Okafor", "Will Evans"])
    assert personal.redact("Priya Shah never rings", known=known) == "[name] never rings"
    assert personal.redact("Leah says the flat is fine", known=known) == "[name] says the flat is fine"
    assert personal.redact("i told leah and mr okafor", known=known) == "i told [name] and [name]"
    assert personal.redact("Leah's flat is damp", known=known) == "[name]'s flat is damp"
    assert personal.redact("Dr Amir Khan saw me", known=known) == "[name] saw me"  # not in the records: a full name
    assert personal.redact("Will I get a flat? Ask Will", known=known) == "Will I get a flat? Ask [name]"
    assert personal.redact("I moved to Reading for college", known=known) == "I moved to Reading for college"


def test_redaction_on_the_development_set_and_the_held_out_set(capsys):
    """Tuned on names-dev; names-heldout is only reported, with a floor."""
    dev = personal.evaluate(_names_set("names-dev"))
    assert dev["recall"] >= 0.99 and dev["kept_rate"] >= 0.85, dev
    heldout = personal.evaluate(_names_set("names-heldout"))
    with capsys.disabled():
        print("\nnames held-out:", json.dumps(heldout))
    assert heldout["recall"] >= 0.97 and heldout["kept_rate"] >= 0.85


def test_the_queue_marks_every_name_the_council_holds(client, db_session, world):
    priya = factories.make_staff(db_session, world.a, "personal_adviser", name="Priya Shah")
    leah = factories.make_young_person(db_session, world.a, name="Leah Okafor")
    assert priya.id and leah.id
    submit(db_session, world, world.yp, "Priya Shah never rings back. leah says the same")
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    page = client.get("/staff/moderation").text
    assert "[name] never rings back. [name] says the same" in page


def test_the_people_named_in_plans_are_marked_too(client, db_session, world):
    """Carers and advocates are in the records only as who does a plan step."""
    plan = PathwayPlan(tenant_id=world.a.id, young_person_id=world.yp.id)
    db_session.add(plan)
    db_session.flush()
    db_session.add(
        PlanStep(
            plan_id=plan.id,
            heading="education",
            text="Open day",
            owner="named",
            owner_name="Sue Marsh (your foster carer)",
        )
    )
    db_session.commit()
    known = service.council_names(db_session, actor=actor(db_session, world.staff_by_role["moderator"]))
    assert personal.redact("I told Sue I can stay till 21, ask your foster carer", known=known) == (
        "I told [name] I can stay till 21, ask your foster carer"
    )
    assert personal.redact("mrs marsh locked the fridge", known=known) == "[name] locked the fridge"
    b_moderator = factories.make_staff(db_session, world.b, "moderator")
    other = service.council_names(db_session, actor=actor(db_session, b_moderator))
    assert "marsh" not in other.parts  # another council's plans are not its records

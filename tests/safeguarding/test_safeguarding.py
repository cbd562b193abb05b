"""Safeguarding never waits: detection on the labelled set, routing to the designated
lead (in the app and by email through a real SMTP server on localhost), escalation to
managers on a controllable clock, the duty list, and "I feel unsafe"."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from tests import factories
from tests.factories import actor, answers, make_open
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.consultations import service as consultations
from waymark.consultations.models import SAFEGUARDING, Answer
from waymark.jobs import service as jobs
from waymark.moderation import service as moderation
from waymark.notifications.models import Notification
from waymark.outbox import service as outbox
from waymark.safeguarding import detect
from waymark.safeguarding import service as safeguarding_service
from waymark.safeguarding.models import SafeguardingAlert
from waymark.settings import ROOT, Settings

RISK = "honestly i dont see the point of being here anymore, ive been saving up my pills"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on localhost; the app is pointed at it."""
    import socket

    with socket.socket() as probe:  # a free port (aiosmtpd checks it can connect, so not port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("WAYMARK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WAYMARK_SMTP_PORT", str(port))
    yield inbox
    controller.stop()


@pytest.fixture
def lead(db_session, world):
    manager = world.staff_by_role["manager"]
    world.a.safeguarding_lead_id = manager.id
    db_session.add(world.a)
    db_session.commit()
    return manager


def notes(db_session, kind):
    return db_session.exec(select(Notification).where(Notification.kind == kind)).all()


# ------------------------------------------------------------------ detection
def test_every_risk_statement_in_the_labelled_set_is_caught_with_few_false_alarms():
    rows = [
        json.loads(line) for line in (ROOT / "content" / "safeguarding" / "rules-fitted.jsonl").read_text().splitlines()
    ]
    risky = [r for r in rows if r["risk"]]
    calm = [r for r in rows if not r["risk"]]
    assert len(risky) >= 100 and len(calm) >= 90
    missed = [r["text"] for r in risky if not detect.check(r["text"]).risk]
    assert missed == []
    alarms = [r["text"] for r in calm if detect.check(r["text"]).risk]
    assert len(alarms) <= 0.02 * len(calm), alarms


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("this waiting list is killing me", False),
        ("I could kill for a pizza", False),
        ("i used to self harm but ive been well for two years now", False),
        ("i used to self harm and its started again", True),
        ("therapy helped me stop self harming for a while but im cutting again", True),
        ("i went to a talk about grooming and now i think its happening to me", True),
        ("im slepping on the streets 2nite", True),
    ],
)
def test_figures_of_speech_and_the_past_but_not_at_the_cost_of_a_miss(text, risk):
    assert detect.check(text).risk is risk


# ------------------------------------------------------------------- routing
def submit(db_session, world, text, *, anonymous=False):
    consultation, questions = make_open(db_session, world)
    fields = answers(questions, **{f"q{questions[3].id}": [text]})
    return consultations.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=fields,
        anonymous=anonymous,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )


def test_a_risk_skips_the_queue_and_reaches_the_lead_and_adviser_at_once(db_session, world, lead):
    submit(db_session, world, RISK)
    answer = db_session.exec(select(Answer).where(Answer.text == RISK)).one()
    assert answer.moderation == SAFEGUARDING and answer.published_text is None and answer.themes == []
    _items, waiting = moderation.queue(db_session, actor=actor(db_session, world.staff_by_role["moderator"]))
    assert waiting == 0  # never in the normal queue
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert alert.young_person_id == world.yp.id and "suicide" in alert.kinds
    assert [n.user_id for n in notes(db_session, "safeguarding_alert")] == [lead.id]
    assert [n.user_id for n in notes(db_session, "safeguarding_worker")] == [world.pa.id]


def test_an_anonymous_risk_is_still_raised_without_a_name(db_session, world, lead):
    submit(db_session, world, "nowhere to sleep tonight, kicked out an hour ago", anonymous=True)
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert alert.young_person_id is None and alert.kinds == ["homeless_tonight"]
    assert notes(db_session, "safeguarding_worker") == []


def test_the_email_goes_through_a_real_smtp_server_without_the_words(db_session, world, lead, smtp):
    lead.email = "alex.lead@a.example"
    db_session.add(lead)
    db_session.commit()
    submit(db_session, world, RISK)
    assert jobs.run_due(db_session) >= 1
    [(to, content)] = smtp.messages
    assert to == ["alex.lead@a.example"] and "Subject: Waymark safeguarding alert" in content
    assert "pills" not in content and "/staff/safeguarding#alert-" in content
    assert db_session.exec(select(SafeguardingAlert)).one().emailed_at is not None


def test_a_crash_after_sending_resends_the_same_message_soon(db_session, world, lead, smtp):
    """After a crash between sending and recording the job done, the email went again
    five minutes later as a new message. Now its Message-ID is stable (mail systems
    see the duplicate) and a stuck urgent job is taken over in under a minute."""
    from datetime import timedelta

    from waymark.jobs.models import Job

    lead.email = "alex.lead@a.example"
    db_session.add(lead)
    db_session.commit()
    submit(db_session, world, RISK)
    job = db_session.exec(select(Job).where(Job.kind == "safeguarding.email")).one()
    claimed = jobs._claim(db_session)  # a worker takes it...
    assert claimed.id == job.id and claimed.locked_until - clock.now() < timedelta(minutes=1)
    safeguarding_service._email_job(db_session, dict(claimed.payload))  # ...sends, and dies before "done"
    db_session.rollback()  # what the crash loses: "emailed" and "done"
    clock.advance(timedelta(seconds=50))
    assert jobs.run_due(db_session) >= 1  # another worker takes the stuck job over
    first, second = (content for _to, content in smtp.messages[:2])
    ids = [line for text in (first, second) for line in text.splitlines() if line.lower().startswith("message-id:")]
    assert len(ids) == 2 and ids[0] == ids[1] and f"safeguarding-alert-{job.payload['alert_id']}@" in ids[0]


@pytest.mark.clock_start("2026-11-23T22:00")  # a Monday evening
def test_unacknowledged_in_time_goes_to_every_manager(db_session, world, smtp):
    world.a.safeguarding_lead_id = world.staff_by_role["safeguarding_lead"].id  # a lead who is not a manager
    world.a.safeguarding_ack_minutes = 30
    db_session.add(world.a)
    db_session.commit()
    submit(db_session, world, RISK)
    jobs.run_due(db_session)  # the email to the lead
    clock.advance(timedelta(minutes=29))
    jobs.run_due(db_session)
    assert notes(db_session, "safeguarding_escalated") == []
    clock.advance(timedelta(minutes=2))
    jobs.run_due(db_session)
    told = {n.user_id for n in notes(db_session, "safeguarding_escalated")}
    assert told == {world.staff_by_role["manager"].id, world.staff_by_role["safeguarding_lead"].id}
    assert len(smtp.messages) == 2 and "not yet acknowledged" in smtp.messages[1][1]


@pytest.mark.clock_start("2026-11-23T22:00")  # a Monday evening
def test_acknowledged_in_time_is_not_escalated(db_session, world, lead):
    submit(db_session, world, RISK)
    alert = db_session.exec(select(SafeguardingAlert)).one()
    from waymark.safeguarding import service

    service.acknowledge(db_session, actor=actor(db_session, lead), alert_id=alert.id, note="Called her, she is safe")
    clock.advance(timedelta(hours=2))
    jobs.run_due(db_session)
    assert notes(db_session, "safeguarding_escalated") == []


def test_duty_list_i_feel_unsafe_and_the_thanks_page(client, db_session, world, lead):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/unsafe")
    assert page.status_code == 200 and "0800 1111" in page.text
    response = client.post("/unsafe", data={"csrf_token": factories.csrf_from(page.text), "note": "a man follows me"})
    assert response.status_code == 303
    # A risky answer: the thanks page shows where to get help now.
    consultation, questions = make_open(db_session, world)
    form = client.get(f"/consultations/{consultation.id}")
    key = form.text.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": factories.csrf_from(form.text), "idempotency_key": key, **answers(questions)}
    data[f"q{questions[3].id}"] = RISK
    thanks = client.get(client.post(f"/consultations/{consultation.id}", data=data).headers["location"])
    assert "told the council's safeguarding lead" in thanks.text.replace("&#39;", "'") and "116 123" in thanks.text

    factories.sign_in(client, db_session, world.other_pa)
    assert client.get("/staff/safeguarding").status_code == 403
    factories.sign_in(client, db_session, lead)
    duty = client.get("/staff/safeguarding")
    assert duty.status_code == 200 and "a man follows me" in duty.text and "pills" in duty.text
    alerts = db_session.exec(select(SafeguardingAlert)).all()
    response = client.post(
        f"/staff/safeguarding/{alerts[0].id}/acknowledge",
        data={"csrf_token": factories.csrf_from(duty.text), "note": "Called the police and her PA"},
    )
    assert response.status_code == 303
    db_session.refresh(alerts[0])
    assert alerts[0].acknowledged_by_id == lead.id


def test_the_lead_sends_a_false_alarm_to_moderation_and_it_counts_again(client, db_session, world, lead):
    """Held back for the lead, an answer was out of the council's results for good,
    even when the lead saw at once it was no risk ("this form is killing me" style)."""
    consultation, questions = make_open(db_session, world)
    fields = answers(questions)
    fields[f"q{questions[3].id}"] = [RISK]
    response = consultations.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=fields,
        anonymous=True,
        mode="standard",
        quotes_allowed=False,
        key=outbox.new_key(),
        secret=b"s",
    )
    answer = db_session.exec(select(Answer).where(Answer.response_id == response.id, Answer.text == RISK)).one()
    assert answer.moderation == SAFEGUARDING
    moderator = actor(db_session, world.staff_by_role["moderator"])
    assert answer.id not in {i.id for i in moderation.queue(db_session, actor=moderator)[0]}

    factories.sign_in(client, db_session, lead)
    duty = client.get("/staff/safeguarding")
    alert = db_session.exec(select(SafeguardingAlert).where(SafeguardingAlert.answer_id == answer.id)).one()
    assert f'id="not-a-risk-{alert.id}-hint"' in duty.text  # offered where words were held back
    token = factories.csrf_from(duty.text)
    url = f"/staff/safeguarding/{alert.id}/acknowledge"
    note = {"csrf_token": token, "note": "Spoke to her: a film quote", "not_a_risk": "1"}
    assert client.post(url, data=note).status_code == 303
    db_session.refresh(answer)
    db_session.refresh(alert)
    assert alert.acknowledged_by_id == lead.id and answer.moderation == "pending"
    assert answer.id in {i.id for i in moderation.queue(db_session, actor=moderator)[0]}
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "safeguarding.not_a_risk")).one()
    # Done once: asking again changes nothing.
    client.post(url, data={"csrf_token": token, "note": "again", "not_a_risk": "1"})
    db_session.refresh(alert)
    assert alert.action_note == "Spoke to her: a film quote"
    # "I have this" alone keeps the words with the lead.
    other = safeguarding_service.raise_from_record(
        db_session, actor=actor(db_session, world.pa), young_person_id=world.yp.id, note="worried about her flat"
    )
    assert f'id="not-a-risk-{other.id}-hint"' not in client.get("/staff/safeguarding").text


# ------------------------------------------------------- floods, deputy, menu
def test_a_flood_from_one_person_is_one_counted_alert_and_nothing_is_dropped(db_session, world, lead):
    me = actor(db_session, world.yp)
    from waymark.safeguarding import service

    for n in range(20):
        service.unsafe_button(db_session, actor=me, note=f"press {n}")
    rows = db_session.exec(select(SafeguardingAlert).order_by(SafeguardingAlert.id)).all()
    assert len(rows) == 20  # every press is kept
    head, rest = rows[0], rows[1:]
    assert head.repeats == 19 and all(r.grouped_into_id == head.id for r in rest)
    assert len(notes(db_session, "safeguarding_alert")) == 1  # the lead is told once
    assert [j.kind for j in db_session.exec(select(jobs.Job)).all()] == [service.EMAIL, service.ESCALATE]
    open_alerts, _done = service.duty_list(db_session, actor=actor(db_session, lead))
    assert [a.id for a in open_alerts] == [head.id]
    service.acknowledge(db_session, actor=actor(db_session, lead), alert_id=head.id, note="Rang her")
    assert all(r.acknowledged_at is not None for r in db_session.exec(select(SafeguardingAlert)).all())
    # Later, or from someone else, is a new alert.
    clock.advance(timedelta(minutes=31))
    service.unsafe_button(db_session, actor=me, note="again")
    assert len(notes(db_session, "safeguarding_alert")) == 2


def test_presses_at_the_same_moment_still_make_one_alert(scratch_engine):
    """Sent together, each press used to look for an open alert before any had been
    stored, so several became alerts of their own (and told the lead each time)."""
    with Session(scratch_engine, expire_on_commit=False) as session:
        world = factories.make_world(session)
        me = actor(session, world.yp)
    start, errors = threading.Barrier(6), []

    def press(n: int) -> None:
        with Session(scratch_engine, expire_on_commit=False) as session:
            start.wait()
            try:
                safeguarding_service.unsafe_button(session, actor=me, note=f"press {n}")
            except Exception as exc:  # collected and looked at below
                errors.append(exc)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with Session(scratch_engine) as session:
        rows = session.exec(select(SafeguardingAlert)).all()
        heads = [r for r in rows if r.grouped_into_id is None]
        assert len(rows) == 6 and len(heads) == 1 and heads[0].repeats == 5
        assert len(session.exec(select(Notification).where(Notification.kind == "safeguarding_alert")).all()) >= 1
        assert len(session.exec(select(jobs.Job).where(jobs.Job.kind == safeguarding_service.EMAIL)).all()) == 1


def test_the_deputy_is_told_too_and_a_lead_who_lost_the_role_falls_back_to_managers(db_session, world, smtp):
    from waymark.identity.models import UserRole

    lead, deputy = world.staff_by_role["safeguarding_lead"], world.staff_by_role["manager"]
    world.a.safeguarding_lead_id, world.a.safeguarding_deputy_id = lead.id, deputy.id
    db_session.add(world.a)
    db_session.commit()
    submit(db_session, world, RISK)
    assert {n.user_id for n in notes(db_session, "safeguarding_alert")} == {lead.id, deputy.id}
    jobs.run_due(db_session)
    [(to, body)] = smtp.messages
    assert set(to) == {lead.email, deputy.email}
    assert f"{Settings().public_url}/staff/safeguarding#alert-" in body  # an absolute, working address
    assert "pills" not in body  # never the words
    for role in db_session.exec(select(UserRole).where(UserRole.user_id == lead.id)).all():
        db_session.delete(role)
    world.a.safeguarding_deputy_id = None
    db_session.add(world.a)
    db_session.commit()
    from waymark.safeguarding import service

    assert [u.id for u in service.on_duty(db_session, world.a)] == [deputy.id]  # every manager


def test_the_lead_has_the_duty_list_in_their_menu_with_a_count(client, db_session, world):
    lead = world.staff_by_role["safeguarding_lead"]
    world.a.safeguarding_lead_id = lead.id
    db_session.add(world.a)
    db_session.commit()
    factories.sign_in(client, db_session, lead)
    assert 'href="/staff/safeguarding"' in client.get("/").text
    submit(db_session, world, RISK)
    assert "(1 open alert)" in client.get("/").text
    assert client.get("/staff/safeguarding").status_code == 200
    factories.sign_in(client, db_session, world.pa)
    assert 'href="/staff/safeguarding"' not in client.get("/").text


def test_any_staff_who_can_see_the_record_can_raise_an_alert_from_it(client, db_session, world, lead):
    factories.sign_in(client, db_session, world.pa)
    record = client.get(f"/staff/young-people/{world.yp.id}")
    assert "Worried about their safety?" in record.text
    url = f"/staff/young-people/{world.yp.id}/safeguarding"
    empty = client.post(url, data={"csrf_token": factories.csrf_from(record.text), "worry": "  "})
    assert empty.status_code == 422 and 'href="#worry-worry"' in empty.text  # the error summary links to the field
    assert db_session.exec(select(SafeguardingAlert)).all() == []
    worry = "Her ex was waiting outside the flat again when I visited"
    sent = client.post(url, data={"csrf_token": factories.csrf_from(record.text), "worry": worry})
    assert sent.status_code == 303
    [alert] = db_session.exec(select(SafeguardingAlert)).all()
    assert (alert.source, alert.raised_by_id, alert.young_person_id) == ("staff", world.pa.id, world.yp.id)
    assert alert.text == worry and alert.link == f"/staff/young-people/{world.yp.id}"
    assert [n.user_id for n in notes(db_session, "safeguarding_alert")] == [lead.id]
    assert notes(db_session, "safeguarding_worker") == []  # the adviser raised it themselves
    # Someone else's young person: refused, nothing raised.
    other = client.post(
        f"/staff/young-people/{world.other_yp.id}/safeguarding",
        data={"csrf_token": factories.csrf_from(record.text), "worry": worry},
    )
    assert other.status_code == 403 and len(db_session.exec(select(SafeguardingAlert)).all()) == 1
    factories.sign_in(client, db_session, lead)
    duty = client.get("/staff/safeguarding").text
    assert worry in duty and "Raised by staff from their record" in duty
    assert f'href="/staff/young-people/{world.yp.id}"' in duty  # the manager may open the record

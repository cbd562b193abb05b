"""Staff email through GOV.UK Notify, against the local fake of its API (which checks
the client's JWT as Notify does): the safeguarding alert email goes through it without
the young person's words, a bad key is refused and retried, and the settings refuse a
key without its template."""

from __future__ import annotations

import time

import jwt
import pytest
from sqlmodel import select

from tests import notifyfake
from tests.factories import actor, answers, make_open
from waymark import clock
from waymark.consultations import service as consultations
from waymark.jobs import service as jobs
from waymark.jobs.models import Job
from waymark.outbox import service as outbox
from waymark.safeguarding.models import SafeguardingAlert
from waymark.settings import Settings, SettingsError

WORDS = "honestly i dont see the point of being here anymore, ive been saving up my pills"


@pytest.fixture
def lead(db_session, world):
    manager = world.staff_by_role["manager"]
    manager.email = "alex.lead@a.example"
    world.a.safeguarding_lead_id = manager.id
    db_session.add_all([manager, world.a])
    db_session.commit()
    return manager


def raise_risk(db_session, world):
    consultation, questions = make_open(db_session, world)
    consultations.response_submit(
        db_session,
        actor=actor(db_session, world.yp),
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [WORDS]}),
        anonymous=False,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )


def test_the_alert_email_goes_through_notify_without_the_words(db_session, world, lead, notify):
    raise_risk(db_session, world)
    assert jobs.run_due(db_session) >= 1
    [email] = notify.emails()
    assert email["to"] == "alex.lead@a.example" and email["subject"] == "Waymark safeguarding alert"
    assert "/staff/safeguarding#alert-" in email["body"] and "pills" not in email["body"]
    alert = db_session.exec(select(SafeguardingAlert)).one()
    assert email["reference"] == f"<safeguarding-alert-{alert.id}@testserver>" or email["reference"].startswith(
        f"<safeguarding-alert-{alert.id}@"
    )
    assert alert.emailed_at is not None and notify.refused == []


def test_a_key_notify_does_not_know_is_refused_and_the_job_retries(db_session, world, lead, notify, monkeypatch):
    wrong = f"waymark_tests-{notifyfake.SERVICE_ID}-{'0' * 8}-0000-0000-0000-{'0' * 12}"
    monkeypatch.setenv("WAYMARK_NOTIFY_API_KEY", wrong)
    raise_risk(db_session, world)
    jobs.run_due(db_session)
    assert notify.emails() == [] and notify.refused and "signature" in notify.refused[0]
    job = db_session.exec(select(Job).where(Job.kind == "safeguarding.email")).one()
    assert job.done_at is None and job.failed_at is None and "NotSent" in (job.last_error or "")
    assert db_session.exec(select(SafeguardingAlert)).one().emailed_at is None


def test_the_fake_checks_the_token_as_notify_does(notify):
    """The fake would catch a client that signed badly, with an old time, or as
    another service (so the test above proves something)."""
    import httpx

    def post(token):
        return httpx.post(
            f"{notify.url}/v2/notifications/email",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "email_address": "a@b.example",
                "template_id": notifyfake.EMAIL_TEMPLATE,
                "personalisation": {"subject": "s", "body": "b"},
            },
        )

    now = int(time.time())
    good = jwt.encode({"iss": notifyfake.SERVICE_ID, "iat": now}, notifyfake.SECRET, algorithm="HS256")
    assert post(good).status_code == 201
    for bad in (
        jwt.encode({"iss": notifyfake.SERVICE_ID, "iat": now - 60}, notifyfake.SECRET, algorithm="HS256"),
        jwt.encode({"iss": "another-service", "iat": now}, notifyfake.SECRET, algorithm="HS256"),
        jwt.encode({"iss": notifyfake.SERVICE_ID, "iat": now}, "not the secret", algorithm="HS256"),
    ):
        assert post(bad).status_code == 403
    assert len(notify.emails()) == 1


def test_a_notify_key_needs_its_email_template(monkeypatch):
    monkeypatch.setenv("WAYMARK_DEMO_MODE", "true")
    monkeypatch.setenv("WAYMARK_NOTIFY_API_KEY", notifyfake.API_KEY)
    monkeypatch.delenv("WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID", raising=False)
    with pytest.raises(SettingsError, match="WAYMARK_NOTIFY_EMAIL_TEMPLATE_ID"):
        Settings(_env_file=None).check()


def test_staff_are_emailed_that_a_request_waits_without_who_or_what(db_session, world, notify):
    from waymark.contacts import service as contacts

    world.pa.email = "priya.pa@a.example"
    db_session.add(world.pa)
    db_session.commit()
    contacts.reach_request(
        db_session, actor=actor(db_session, world.yp), method="call", tried_at=clock.now(), note="help with my rent"
    )
    db_session.commit()
    jobs.run_due(db_session)
    [email] = [e for e in notify.emails() if e["to"] == "priya.pa@a.example"]
    assert email["subject"] == "Waymark: a young person could not reach you"
    assert "/staff/" in email["body"] and "rent" not in email["body"] and world.yp.display_name not in email["body"]


def test_without_notify_or_smtp_no_staff_email_is_queued(db_session, world, monkeypatch):
    from waymark.contacts import service as contacts

    for name in ("WAYMARK_NOTIFY_API_KEY", "WAYMARK_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    contacts.reach_request(db_session, actor=actor(db_session, world.yp), method="call", tried_at=clock.now())
    assert not db_session.exec(select(Job).where(Job.kind == "notifications.staff_email")).all()

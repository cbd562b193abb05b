"""The retention policy on a database with people and records on both sides of each
line: who is erased, who is held back, whose words go, which audit entries go, and the
daily job, the command and the admin page that show it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from tests import factories
from tests.factories import assign, born, make_open, make_staff, make_world, make_young_person
from waymark import clock, db, demo
from waymark.admin import service as admin_service
from waymark.audit.models import AuditEvent, AuditPurge
from waymark.audit.service import audit_record
from waymark.cli import main
from waymark.clock import add_months
from waymark.consultations.models import APPROVED, REJECTED, Answer, Response
from waymark.identity.models import AuthSession, User
from waymark.identity.sessions import session_create
from waymark.jobs import service as jobs
from waymark.jobs.models import Job
from waymark.retention import service as retention
from waymark.safeguarding.models import SafeguardingAlert
from waymark.settings import Settings


def _people(session, world):
    """Young people in council A just either side of each line (default: 12 months)."""
    today = clock.today()
    pa = world.pa
    people = {
        # 25th birthday exactly 12 months ago: due today.
        "aged_out": make_young_person(session, world.a, date_of_birth=born(26, 0)),
        # 25th birthday 364 days ago: due in a few days, not today.
        "nearly": make_young_person(session, world.a, date_of_birth=born(25, 364)),
        # Worker stopped 12 months ago, no one since: due.
        "closed": make_young_person(session, world.a, date_of_birth=born(20)),
        # Worker stopped 11 months ago: not yet.
        "closed_recently": make_young_person(session, world.a, date_of_birth=born(20)),
        # An old worker stopped years ago, but a new one took over: still supported.
        "moved_on": make_young_person(session, world.a, date_of_birth=born(20)),
        # Due, but a safeguarding alert about them is open.
        "worried": make_young_person(session, world.a, date_of_birth=born(27)),
    }
    assign(session, pa, people["closed"], starts_on=add_months(today, -30), ends_on=add_months(today, -12))
    assign(session, pa, people["closed_recently"], starts_on=add_months(today, -30), ends_on=add_months(today, -11))
    assign(session, pa, people["moved_on"], starts_on=add_months(today, -40), ends_on=add_months(today, -30))
    assign(session, world.other_pa, people["moved_on"], starts_on=add_months(today, -30))
    session.add(
        SafeguardingAlert(tenant_id=world.a.id, source="plan", young_person_id=people["worried"].id, text="words")
    )
    session.commit()
    return people


def test_accounts_past_the_line_are_erased_and_the_rest_kept(db_session):
    world = make_world(db_session)
    people = _people(db_session, world)
    b_old = make_young_person(db_session, world.b, date_of_birth=born(30))

    names = {key: person.full_name for key, person in people.items()}
    found = retention.due(db_session, world.a)
    assert found.accounts == sorted([people["aged_out"].id, people["closed"].id])
    assert found.held == [people["worried"].id]
    assert b_old.id not in found.accounts + found.held  # another council's policy, another council's run

    retention.apply(db_session, world.a)
    db_session.commit()
    for key in ("aged_out", "closed"):
        person = db_session.get(User, people[key].id)
        assert person.deleted_at is not None and person.username is None and person.date_of_birth is None
        assert names[key] not in (person.full_name, person.display_name)
    for key in ("nearly", "closed_recently", "moved_on", "worried"):
        person = db_session.get(User, people[key].id)
        assert person.deleted_at is None and person.username == people[key].username
    assert db_session.get(User, world.yp.id).deleted_at is None
    assert db_session.get(User, b_old.id).deleted_at is None
    erased = db_session.exec(select(AuditEvent).where(AuditEvent.action == "retention.erase")).all()
    assert sorted(e.subject_id for e in erased) == found.accounts
    run = db_session.exec(select(AuditEvent).where(AuditEvent.action == "retention.apply")).one()
    assert run.tenant_id == world.a.id and run.detail["accounts"] == 2 and run.detail["held"] == 1

    again = retention.apply(db_session, world.a)
    assert again.accounts == [] and again.held == [people["worried"].id]

    # Acknowledged, the alert no longer holds them back.
    alert = db_session.exec(select(SafeguardingAlert)).one()
    alert.acknowledged_at = clock.now()
    db_session.add(alert)
    db_session.commit()
    assert retention.due(db_session, world.a).accounts == [people["worried"].id]


def test_an_erased_account_can_no_longer_sign_in_and_its_answers_still_count(db_session):
    world = make_world(db_session)
    person = make_young_person(db_session, world.a, date_of_birth=born(27))
    consultation, _ = make_open(db_session, world)
    response = Response(
        consultation_id=consultation.id, tenant_id=world.a.id, young_person_id=person.id, mode="standard"
    )
    db_session.add(response)
    db_session.commit()
    session_create(db_session, user=person, settings=Settings(_env_file=None))
    db_session.commit()
    retention.apply(db_session, world.a)
    db_session.commit()
    assert not db_session.exec(select(AuthSession).where(AuthSession.user_id == person.id)).all()
    kept = db_session.get(Response, response.id)
    assert kept is not None and kept.young_person_id is None  # anonymous, still counted


def test_words_not_used_lose_their_text_after_the_set_months(db_session):
    world = make_world(db_session)
    consultation, questions = make_open(db_session, world)
    free = questions[-1]
    now = clock.now()
    response = Response(consultation_id=consultation.id, tenant_id=world.a.id, mode="standard")
    db_session.add(response)
    db_session.flush()

    def answer(state, months_ago, days=0):
        row = Answer(
            response_id=response.id,
            question_id=free.id,
            text=f"words {state} {months_ago}",
            moderation=state,
            moderation_reason="an advert" if state == REJECTED else None,
            moderated_at=now - timedelta(days=31 * months_ago + days),
        )
        db_session.add(row)
        return row

    old_unused, new_unused, old_used = answer(REJECTED, 6, 2), answer(REJECTED, 5), answer(APPROVED, 8)
    db_session.commit()
    found = retention.due(db_session, world.a)
    assert found.answers == [old_unused.id]
    assert retention.due(db_session, world.b).answers == []
    retention.apply(db_session, world.a)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Answer, old_unused.id).text is None
    assert db_session.get(Answer, old_unused.id).moderation_reason == "an advert"
    assert db_session.get(Answer, new_unused.id).text == "words rejected 5"
    assert db_session.get(Answer, old_used.id).text == "words approved 8"


def test_audit_entries_older_than_the_set_years_are_deleted(db_session):
    world = make_world(db_session)
    start = clock.now()
    clock.freeze(start - timedelta(days=366 * 6 + 2))
    audit_record(db_session, action="young_person.view", tenant_id=world.a.id, subject_id=world.yp.id)
    audit_record(db_session, action="young_person.view", tenant_id=world.b.id, subject_id=world.b_yp.id)
    clock.freeze(start - timedelta(days=365 * 5))
    audit_record(db_session, action="young_person.view", tenant_id=world.a.id, subject_id=world.yp.id)
    db_session.commit()
    clock.freeze(start)
    assert retention.due(db_session, world.a).audit_entries == 1
    world.a.retention_audit_years = 4
    db_session.add(world.a)
    db_session.commit()
    assert retention.due(db_session, world.a).audit_entries == 2
    retention.apply(db_session, world.a)
    db_session.commit()
    left = db_session.exec(select(AuditEvent).where(AuditEvent.action == "young_person.view")).all()
    assert [e.tenant_id for e in left] == [world.b.id]  # council B keeps its own for 6 years


def test_the_daily_job_runs_once_a_day_after_its_hour(db_session, database):
    world = make_world(db_session)
    people = _people(db_session, world)
    today = clock.today()
    clock.freeze(clock.start_of_day() + timedelta(hours=2))  # 02:00 UTC, before the run
    worker = jobs.Worker(database.session)
    worker.run_once()
    assert not db_session.exec(select(Job).where(Job.kind == retention.JOB)).all()
    assert retention.next_run(db_session).hour == 2 and retention.next_run(db_session).date() == today

    clock.freeze(clock.start_of_day() + timedelta(hours=3))
    worker.run_once()
    worker.run_once()
    db_session.expire_all()
    runs = db_session.exec(select(Job).where(Job.kind == retention.JOB)).all()
    assert len(runs) == 1 and runs[0].done_at is not None and runs[0].key == f"retention:{today.isoformat()}"
    assert db_session.get(User, people["aged_out"].id).deleted_at is not None
    assert retention.next_run(db_session).date() == today + timedelta(days=1)


def test_dry_run_lists_and_changes_nothing_then_the_command_applies(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("WAYMARK_DATABASE_URL", url)
    engine = db.make_engine(url)
    db.migrate(engine)
    database = db.Database(engine)
    with database.session() as session:
        demo.seed_demo(session)
        sam = session.exec(select(User).where(User.username == "sam")).one()
        sam_id = sam.id
    # Sam is 23; four years on he is 27, more than 12 months past his 25th birthday.
    clock.freeze(clock.now() + timedelta(days=4 * 365 + 1))
    runner = CliRunner()
    dry = runner.invoke(main, ["retention", "--dry-run", "--council", "riverside"])
    assert dry.exit_code == 0, dry.output
    assert "Would erase" in dry.output and str(sam_id) in dry.output and "Dry run: nothing changed." in dry.output
    with database.session() as session:
        assert session.get(User, sam_id).deleted_at is None
    done = runner.invoke(main, ["retention", "--council", "riverside"])
    assert done.exit_code == 0 and "Did erase" in done.output
    with database.session() as session:
        assert session.get(User, sam_id).deleted_at is not None
    assert runner.invoke(main, ["retention", "--council", "nowhere"]).exit_code != 0
    engine.dispose()


def test_the_admin_sees_the_policy_and_the_next_runs_counts(client, db_session):
    world = make_world(db_session)
    _people(db_session, world)
    admin = make_staff(db_session, world.a, "admin")
    factories.sign_in(client, db_session, admin)
    page = client.get("/staff/admin")
    assert page.status_code == 200
    assert "erase 2 young people's accounts" in page.text
    assert "hold back 1 more" in page.text
    db_session.refresh(world.a)
    form = {**admin_service.settings_values(world.a), "retention_audit_years": "0"}
    form["csrf_token"] = factories.csrf_from(page.text)
    refused = client.post("/staff/admin", data=form)
    assert refused.status_code == 422 and 'id="retention_audit_years-error"' in refused.text
    form["retention_audit_years"] = "3"
    assert client.post("/staff/admin", data=form).status_code == 303
    db_session.refresh(world.a)
    assert world.a.retention_audit_years == 3


def test_the_database_lets_only_old_entries_of_the_named_council_go(db_session):
    world = make_world(db_session)
    start = clock.now()
    clock.freeze(start - timedelta(days=3000))
    old_a = audit_record(db_session, action="old", tenant_id=world.a.id)
    old_b = audit_record(db_session, action="old", tenant_id=world.b.id)
    clock.freeze(start)
    new_a = audit_record(db_session, action="new", tenant_id=world.a.id)
    db_session.add(AuditPurge(tenant_id=world.a.id, before=start - timedelta(days=1000)))
    db_session.commit()
    for refused in (new_a, old_b):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(delete(AuditEvent).where(col(AuditEvent.id) == refused.id))
    db_session.execute(delete(AuditEvent).where(col(AuditEvent.id) == old_a.id))
    db_session.commit()
    assert db_session.get(AuditEvent, old_a.id) is None

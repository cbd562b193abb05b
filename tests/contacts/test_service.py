"""Contacts: working-day deadlines, the contact log both sides confirm, and "I couldn't
reach my worker" escalating through the job queue on a controllable clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import actor, notes
from waymark import clock, workdays
from waymark.contacts import messages as m
from waymark.contacts import service
from waymark.contacts.models import AWAITING, CONFIRMED, DISPUTED, Contact, ReachRequest
from waymark.errors import InputError
from waymark.identity.permissions import Forbidden
from waymark.identity.service import NotFound
from waymark.jobs import service as jobs
from waymark.jobs.models import Job


# ---------------------------------------------------------------- working days
@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (datetime(2026, 11, 20, 16, 0, tzinfo=UTC), date(2026, 11, 24)),  # Friday -> end of Tuesday
        (datetime(2026, 11, 21, 10, 0, tzinfo=UTC), date(2026, 11, 24)),  # Saturday -> end of Tuesday
        (datetime(2026, 11, 23, 9, 0, tzinfo=UTC), date(2026, 11, 25)),  # Monday -> end of Wednesday
        (datetime(2026, 12, 24, 12, 0, tzinfo=UTC), date(2026, 12, 30)),  # Christmas and Boxing Day (observed)
        (datetime(2027, 3, 25, 12, 0, tzinfo=UTC), date(2027, 3, 31)),  # Good Friday and Easter Monday
    ],
)
def test_two_working_days_skip_weekends_and_bank_holidays(asked, due):
    deadline = workdays.deadline(asked, 2)
    local = deadline.astimezone(workdays.UK)
    assert (local.date() - timedelta(days=1), local.hour, local.minute) == (due, 0, 0)


def test_a_late_evening_in_summer_time_counts_as_that_uk_day():
    # 23:30 UTC on Monday 1 June 2026 is 00:30 on Tuesday in London.
    deadline = workdays.deadline(datetime(2026, 6, 1, 23, 30, tzinfo=UTC), 1)
    assert deadline.astimezone(workdays.UK).date() == date(2026, 6, 4)  # end of Wednesday 3 June


# ---------------------------------------------------------------- contact log
def test_an_adviser_records_a_contact_and_the_young_person_confirms_it(db_session, world):
    pa = actor(db_session, world.pa)
    contact = service.record_contact(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        kind="call",
        happened_at=clock.now(),
        note="Talked about college",
    )
    assert contact.state == AWAITING and [n.user_id for n in notes(db_session, "contact_logged")] == [world.yp.id]
    yp = actor(db_session, world.yp)
    service.answer_contact(db_session, actor=yp, contact_id=contact.id, confirm=True)
    assert db_session.get(Contact, contact.id).state == CONFIRMED
    with pytest.raises(InputError) as error:
        service.answer_contact(db_session, actor=yp, contact_id=contact.id, confirm=False)
    assert error.value.message == m.ALREADY_ANSWERED
    assert db_session.get(Contact, contact.id).state == CONFIRMED


def test_a_young_person_says_a_contact_did_not_happen_and_the_adviser_is_told(db_session, world):
    contact = service.record_contact(
        db_session,
        actor=actor(db_session, world.pa),
        young_person_id=world.yp.id,
        kind="visit",
        happened_at=clock.now(),
    )
    service.answer_contact(
        db_session, actor=actor(db_session, world.yp), contact_id=contact.id, confirm=False, note="No one came"
    )
    assert db_session.get(Contact, contact.id).state == DISPUTED
    assert [n.user_id for n in notes(db_session, "contact_disputed")] == [world.pa.id]
    # A disputed contact does not count as the last contact.
    assert service.last_contact(db_session, young_person_id=world.yp.id) is None


def test_nobody_answers_someone_elses_contact(db_session, world):
    contact = service.record_contact(
        db_session, actor=actor(db_session, world.pa), young_person_id=world.yp.id, kind="call", happened_at=clock.now()
    )
    for who in (world.other_yp, world.b_yp):
        with pytest.raises(NotFound):
            service.answer_contact(db_session, actor=actor(db_session, who), contact_id=contact.id, confirm=True)
    # The adviser cannot confirm their own entry either.
    with pytest.raises(NotFound):
        service.answer_contact(db_session, actor=actor(db_session, world.pa), contact_id=contact.id, confirm=True)
    assert db_session.get(Contact, contact.id).state == AWAITING


def test_a_young_person_logs_a_contact_and_their_adviser_confirms(db_session, world):
    contact = service.log_own_contact(
        db_session, actor=actor(db_session, world.yp), kind="text", happened_at=clock.now() - timedelta(hours=2)
    )
    assert contact.worker_id == world.pa.id
    with pytest.raises(Forbidden):
        service.answer_contact(db_session, actor=actor(db_session, world.other_pa), contact_id=contact.id, confirm=True)
    service.answer_contact(db_session, actor=actor(db_session, world.pa), contact_id=contact.id, confirm=True)
    assert db_session.get(Contact, contact.id).state == CONFIRMED


@pytest.mark.parametrize(
    ("kind", "when", "field", "message"),
    [
        ("call", timedelta(days=1), "happened_on", m.WHEN_FUTURE),
        ("call", -timedelta(days=400), "happened_on", m.WHEN_BEFORE_CASELOAD),
        ("carrier pigeon", timedelta(0), "kind", m.KIND_INVALID),
    ],
)
def test_bad_contacts_are_refused_and_change_nothing(db_session, world, kind, when, field, message):
    with pytest.raises(InputError) as error:
        service.record_contact(
            db_session,
            actor=actor(db_session, world.pa),
            young_person_id=world.yp.id,
            kind=kind,
            happened_at=clock.now() + when,
        )
    assert (error.value.field, error.value.message) == (field, message)
    assert db_session.exec(select(Contact)).all() == []


def test_only_the_current_worker_records_contacts(db_session, world):
    with pytest.raises(Forbidden):
        service.record_contact(
            db_session,
            actor=actor(db_session, world.other_pa),
            young_person_id=world.yp.id,
            kind="call",
            happened_at=clock.now(),
        )
    with pytest.raises(NotFound):
        service.record_contact(
            db_session,
            actor=actor(db_session, world.b_pa),
            young_person_id=world.yp.id,
            kind="call",
            happened_at=clock.now(),
        )


def test_contact_interval_is_8_weeks_or_2_months_where_the_council_houses_them(db_session, world):
    assert service.contact_interval_ends(world.a, world.yp, date(2026, 1, 31)) == date(2026, 3, 28)
    world.yp.council_accommodation = True
    assert service.contact_interval_ends(world.a, world.yp, date(2026, 1, 31)) == date(2026, 3, 31)
    world.a.contact_interval_weeks = 6
    world.yp.council_accommodation = False
    assert service.contact_interval_ends(world.a, world.yp, date(2026, 1, 1)) == date(2026, 2, 12)


# ------------------------------------------------------------- couldn't reach
@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_couldnt_reach_tells_the_worker_and_escalates_when_unanswered(db_session, world):
    manager = world.staff_by_role["manager"]
    yp = actor(db_session, world.yp)
    request = service.reach_request(db_session, actor=yp, method="call", tried_at=clock.now() - timedelta(hours=1))
    assert [n.user_id for n in notes(db_session, "reach_request")] == [world.pa.id]
    assert request.due_at.astimezone(workdays.UK).date() == date(2026, 11, 26)  # end of Wednesday
    # Just before the deadline nothing happens.
    clock.freeze(request.due_at - timedelta(minutes=1))
    assert jobs.run_due(db_session) == 0
    assert db_session.get(ReachRequest, request.id).escalated_at is None
    # At the deadline the queued job runs once and tells the manager and the young person.
    clock.freeze(request.due_at + timedelta(seconds=1))
    assert jobs.run_due(db_session) == 1
    assert db_session.get(ReachRequest, request.id).escalated_at is not None
    assert [n.user_id for n in notes(db_session, "reach_request_escalated")] == [manager.id]
    assert [n.user_id for n in notes(db_session, "reach_request_passed_on")] == [world.yp.id]
    assert jobs.run_due(db_session) == 0
    [job] = db_session.exec(select(Job)).all()
    assert job.done_at is not None and job.attempts == 1


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_an_answer_in_time_stops_the_escalation(db_session, world):
    request = service.reach_request(db_session, actor=actor(db_session, world.yp), method="text", tried_at=clock.now())
    clock.advance(timedelta(hours=3))
    service.answer_reach(
        db_session, actor=actor(db_session, world.pa), request_id=request.id, answer="Sorry, I was ill."
    )
    assert [n.user_id for n in notes(db_session, "reach_request_answered")] == [world.yp.id]
    clock.freeze(request.due_at + timedelta(hours=1))
    assert jobs.run_due(db_session) == 1  # the job runs and finds nothing to do
    assert db_session.get(ReachRequest, request.id).escalated_at is None
    assert notes(db_session, "reach_request_escalated") == []


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_a_second_couldnt_reach_within_minutes_is_refused(db_session, world):
    yp = actor(db_session, world.yp)
    service.reach_request(db_session, actor=yp, method="call", tried_at=clock.now())
    clock.advance(timedelta(minutes=5))
    with pytest.raises(InputError) as error:
        service.reach_request(db_session, actor=yp, method="call", tried_at=clock.now())
    assert error.value.message == m.REACH_TOO_SOON
    assert len(db_session.exec(select(ReachRequest)).all()) == 1
    clock.advance(timedelta(minutes=6))
    service.reach_request(db_session, actor=yp, method="text", tried_at=clock.now())
    assert len(db_session.exec(select(ReachRequest)).all()) == 2


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_only_their_worker_or_a_manager_answers(db_session, world):
    request = service.reach_request(db_session, actor=actor(db_session, world.yp), method="call", tried_at=clock.now())
    with pytest.raises(Forbidden):
        service.answer_reach(db_session, actor=actor(db_session, world.other_pa), request_id=request.id, answer="Hi")
    with pytest.raises(NotFound):
        service.answer_reach(db_session, actor=actor(db_session, world.b_pa), request_id=request.id, answer="Hi")
    service.answer_reach(
        db_session, actor=actor(db_session, world.staff_by_role["manager"]), request_id=request.id, answer="I'll call"
    )
    assert db_session.get(ReachRequest, request.id).answered_by_id == world.staff_by_role["manager"].id


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_a_failing_job_is_retried_with_backoff_then_given_up(db_session):
    calls = []

    @jobs.handler("test.always_fails")
    def always_fails(session, payload):
        calls.append(payload)
        raise RuntimeError("boom")

    jobs.enqueue(db_session, kind="test.always_fails", payload={"n": 1}, key="fails")
    db_session.commit()
    assert jobs.enqueue(db_session, kind="test.always_fails", key="fails") is None  # queued once only
    for attempt in range(1, 6):
        assert jobs.run_due(db_session) == 1
        job = db_session.exec(select(Job)).one()
        assert job.attempts == attempt and job.last_error.startswith("builtins.RuntimeError at ")
        assert "boom" not in job.last_error and "always_fails" in job.last_error  # where, never the message
        assert jobs.run_due(db_session) == 0  # not again until the backoff has passed
        clock.advance(jobs.backoff(attempt) + timedelta(seconds=1))
    assert job.failed_at is not None and len(calls) == 5
    assert jobs.run_due(db_session) == 0

"""Pathway plan rules: next steps, overdue, the review countdown, feedback and review
requests, versioning, and who may see and change a plan."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.factories import actor
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.errors import InputError
from waymark.identity.permissions import Forbidden
from waymark.notifications.models import Notification
from waymark.pathway import messages as m
from waymark.pathway import service
from waymark.pathway.models import PathwayPlan, PlanChange, PlanStep
from waymark.settings import Settings

SETTINGS = Settings(_env_file=None)


@pytest.fixture
def pa(db_session, world):
    return actor(db_session, world.pa)


@pytest.fixture
def yp(db_session, world):
    return actor(db_session, world.yp)


def add(session, pa, world, text="Find a flat", heading="accommodation", **kw):
    return service.step_add(session, actor=pa, young_person_id=world.yp.id, heading=heading, text=text, **kw)


def notifications_for(session, user):
    return [n.kind for n in session.exec(select(Notification).where(Notification.user_id == user.id)).all()]


# ------------------------------------------------------------ pure rules
@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months_keeps_the_day_or_uses_the_months_last_day(start, months, due):
    assert service.add_months(start, months) == due


def test_review_is_due_within_the_councils_interval_never_over_six_months(world):
    plan = PathwayPlan(tenant_id=world.a.id, young_person_id=world.yp.id, last_reviewed_on=date(2026, 3, 10))
    world.a.review_interval_months = 3
    status = service.review_status(plan, world.a, today=date(2026, 6, 1))
    assert (status.next_due_on, status.days_left, status.overdue) == (date(2026, 6, 10), 9, False)
    world.a.review_interval_months = 12  # a council setting cannot stretch the legal maximum
    assert service.review_status(plan, world.a, today=date(2026, 9, 11)).next_due_on == date(2026, 9, 10)
    assert service.review_status(plan, world.a, today=date(2026, 9, 11)).overdue


def test_next_steps_put_dated_and_overdue_first_then_plan_order(world):
    def step(n, heading, due=None, status="not_started"):
        return PlanStep(id=n, plan_id=1, heading=heading, text=f"s{n}", due_on=due, status=status, position=n)

    steps = [
        step(1, "education"),
        step(2, "accommodation", date(2026, 12, 1)),
        step(3, "money", date(2026, 11, 1)),  # overdue on 24 Nov
        step(4, "contact_support"),
        step(5, "health", date(2026, 10, 1), status="done"),
    ]
    assert [s.id for s in service.next_steps(steps, limit=4)] == [3, 2, 4, 1]
    assert service.step_overdue(steps[2], date(2026, 11, 24)) and not service.step_overdue(steps[4], date(2026, 11, 24))
    assert not service.step_overdue(steps[1], date(2026, 12, 1))  # due today is not overdue


# ------------------------------------------------------- adviser changes
def test_adding_a_step_is_versioned_audited_and_told(db_session, world, pa):
    step = add(db_session, pa, world, due_on=date(2027, 1, 31), owner="named", owner_name="Housing team")
    assert (step.version, step.position, step.owner_name) == (1, 1, "Housing team")
    change = db_session.exec(select(PlanChange)).one()
    assert (change.action, change.before, change.after["text"], change.after["due_on"]) == (
        "add",
        None,
        "Find a flat",
        "2027-01-31",
    )
    assert (
        db_session.exec(select(AuditEvent).where(AuditEvent.action == "plan.step.add")).one().subject_id == world.yp.id
    )
    assert notifications_for(db_session, world.yp) == ["plan_changed"]


def test_editing_keeps_before_and_after_and_refuses_a_stale_form(db_session, world, pa):
    step = add(db_session, pa, world)
    service.step_update(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        step_id=step.id,
        expected_version=1,
        text="Find a flat near college",
        owner="me",
        owner_name=None,
        due_on=None,
        status="in_progress",
    )
    with pytest.raises(service.StaleEdit) as stale:
        service.step_update(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            step_id=step.id,
            expected_version=1,
            text="Something else",
            owner="me",
            owner_name=None,
            due_on=None,
            status="done",
        )
    assert stale.value.message == m.STALE_EDIT
    db_session.refresh(step)
    assert (step.text, step.status, step.version) == ("Find a flat near college", "in_progress", 2)
    edit = db_session.exec(select(PlanChange).where(PlanChange.action == "edit")).one()
    assert edit.before["text"] == "Find a flat" and edit.after["text"] == "Find a flat near college"


def test_saving_an_unchanged_step_changes_nothing(db_session, world, pa):
    step = add(db_session, pa, world)
    same = service.step_update(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        step_id=step.id,
        expected_version=1,
        text="Find a flat",
        owner="adviser",
        owner_name=None,
        due_on=None,
        status="not_started",
    )
    assert same.version == 1 and len(db_session.exec(select(PlanChange)).all()) == 1


def test_complete_and_reopen(db_session, world, pa):
    step = add(db_session, pa, world)
    service.step_set_status(
        db_session, actor=pa, young_person_id=world.yp.id, step_id=step.id, expected_version=1, status="done"
    )
    service.step_set_status(
        db_session, actor=pa, young_person_id=world.yp.id, step_id=step.id, expected_version=2, status="not_started"
    )
    assert [c.after["status"] for c in db_session.exec(select(PlanChange).order_by(PlanChange.id)).all()] == [
        "not_started",
        "done",
        "not_started",
    ]


def test_moving_a_step_swaps_it_with_its_neighbour_under_the_same_heading(db_session, world, pa):
    a, b, c = (add(db_session, pa, world, text=t) for t in ("A", "B", "C"))
    other = add(db_session, pa, world, text="money", heading="money")
    notes_before = len(db_session.exec(select(Notification).where(Notification.user_id == world.yp.id)).all())
    service.step_move(db_session, actor=pa, young_person_id=world.yp.id, step_id=c.id, direction="up")
    notes_after = len(db_session.exec(select(Notification).where(Notification.user_id == world.yp.id)).all())
    assert notes_after == notes_before + 1  # the young person is told, as for any change
    service.step_move(db_session, actor=pa, young_person_id=world.yp.id, step_id=a.id, direction="up")  # already first
    view = service.plan_view_for_staff(db_session, actor=pa, young_person_id=world.yp.id)
    assert [s.text for s in view.steps_under("accommodation")] == ["A", "C", "B"]
    assert other.position == 1
    with pytest.raises(InputError):
        service.step_move(db_session, actor=pa, young_person_id=world.yp.id, step_id=b.id, direction="sideways")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "   "}, "text", m.STEP_TEXT_REQUIRED),
        ({"text": "x" * 501}, "text", m.STEP_TEXT_TOO_LONG),
        ({"heading": "nonsense"}, "heading", m.HEADING_INVALID),
        ({"owner": "someone"}, "owner", m.OWNER_INVALID),
        ({"owner": "named", "owner_name": ""}, "owner_name", m.OWNER_NAME_REQUIRED),
        ({"status": "maybe"}, "status", m.STATUS_INVALID),
    ],
)
def test_bad_step_input_is_refused_and_nothing_changes(db_session, world, pa, fields, field, message):
    values = {"heading": "accommodation", "text": "Find a flat", "owner": "adviser", "status": "not_started", **fields}
    with pytest.raises(InputError) as refused:
        service.step_add(db_session, actor=pa, young_person_id=world.yp.id, **values)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert db_session.exec(select(PlanStep)).all() == []


def test_steps_of_another_plan_or_council_are_not_found(db_session, world, pa):
    other_pa = actor(db_session, world.other_pa)
    theirs = service.step_add(
        db_session, actor=other_pa, young_person_id=world.other_yp.id, heading="money", text="Open a bank account"
    )
    add(db_session, pa, world)
    with pytest.raises(service.NotFound):
        service.step_update(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            step_id=theirs.id,
            expected_version=1,
            text="Hijack",
            owner="me",
            owner_name=None,
            due_on=None,
            status="done",
        )
    b_pa = actor(db_session, world.b_pa)
    with pytest.raises(service.NotFound):
        service.plan_view_for_staff(db_session, actor=b_pa, young_person_id=world.yp.id)


def test_only_advisers_on_the_caseload_change_a_plan_managers_read_it(db_session, world, pa):
    add(db_session, pa, world)
    manager = actor(db_session, world.staff_by_role["manager"])
    view = service.plan_view_for_staff(db_session, actor=manager, young_person_id=world.yp.id)
    assert [s.text for s in view.steps] == ["Find a flat"] and not view.can_edit
    with pytest.raises(Forbidden):
        add(db_session, manager, world, text="Manager step")
    other_pa = actor(db_session, world.other_pa)
    with pytest.raises(Forbidden):
        service.plan_view_for_staff(db_session, actor=other_pa, young_person_id=world.yp.id)
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "young_person.view")).all()
    assert world.staff_by_role["manager"].id in [v.actor_id for v in views]


def test_review_restarts_the_countdown_and_answers_the_request(db_session, world, pa, yp):
    add(db_session, pa, world)
    request = service.review_request_make(db_session, actor=yp, note="My flat is not working out")
    assert service.review_request_make(db_session, actor=yp, note="again").id == request.id  # one open at a time
    assert notifications_for(db_session, world.pa) == ["plan_review_requested"]
    with pytest.raises(InputError) as future:
        service.review_record(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            reviewed_on=clock.today() + timedelta(days=1),
            summary="x",
        )
    assert future.value.message == m.REVIEW_DATE_FUTURE
    service.review_record(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        reviewed_on=clock.today(),
        summary="We agreed to look for a new flat.",
    )
    view = service.plan_view_for_young_person(db_session, actor=yp)
    assert view.review.last_reviewed_on == clock.today() and view.review.days_left > 170
    assert view.open_review_request is None
    assert view.review_requests[0].response == "We agreed to look for a new flat."


# ------------------------------------------------ the young person's side
def test_disagreement_lifecycle(db_session, world, pa, yp):
    step = add(db_session, pa, world)
    item = service.feedback_give(db_session, actor=yp, step_id=step.id, kind="disagree", comment="I want to stay put")
    assert notifications_for(db_session, world.pa) == ["plan_feedback_given"]
    staff_view = service.plan_view_for_staff(db_session, actor=pa, young_person_id=world.yp.id)
    assert [f.id for f in staff_view.open_feedback] == [item.id]
    with pytest.raises(InputError) as empty:
        service.feedback_answer(db_session, actor=pa, young_person_id=world.yp.id, feedback_id=item.id, response=" ")
    assert empty.value.message == m.RESPONSE_REQUIRED
    service.feedback_answer(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        feedback_id=item.id,
        response="Let's talk about Staying Put on Tuesday.",
    )
    view = service.plan_view_for_young_person(db_session, actor=yp)
    assert view.feedback[step.id][0].response == "Let's talk about Staying Put on Tuesday."
    assert view.open_feedback == []
    assert "plan_feedback_answered" in notifications_for(db_session, world.yp)


def test_young_person_cannot_give_feedback_on_someone_elses_step(db_session, world, pa, yp):
    add(db_session, pa, world)
    other_pa = actor(db_session, world.other_pa)
    theirs = service.step_add(
        db_session, actor=other_pa, young_person_id=world.other_yp.id, heading="money", text="Open a bank account"
    )
    with pytest.raises(service.NotFound):
        service.feedback_give(db_session, actor=yp, step_id=theirs.id, kind="not_sure", comment=None)
    with pytest.raises(InputError):
        service.feedback_give(db_session, actor=yp, step_id=theirs.id, kind="hate", comment=None)


def test_my_words_are_saved_changed_and_cleared(db_session, world, pa, yp):
    add(db_session, pa, world)
    service.words_save(db_session, actor=yp, heading="accommodation", text="A flat near my sister")
    service.words_save(db_session, actor=yp, heading="accommodation", text="A flat near my sister and college")
    view = service.plan_view_for_young_person(db_session, actor=yp)
    assert view.words["accommodation"].text == "A flat near my sister and college"
    with pytest.raises(InputError):
        service.words_save(db_session, actor=yp, heading="accommodation", text="x" * 1001)
    with pytest.raises(InputError):
        service.words_save(db_session, actor=yp, heading="space", text="hi")
    changes = db_session.exec(select(PlanChange).where(PlanChange.object_type == "words")).all()
    assert [c.after["text"] for c in changes] == ["A flat near my sister", "A flat near my sister and college"]


def test_changes_since_the_last_visit_are_highlighted(db_session, world, pa, yp):
    old = add(db_session, pa, world, text="Old step")
    service.plan_view_for_young_person(db_session, actor=yp)  # first visit
    clock.advance(timedelta(hours=1))
    new = add(db_session, pa, world, text="New step")
    view = service.plan_view_for_young_person(db_session, actor=yp)
    assert view.is_new(new) and not view.is_new(old)
    assert not service.plan_view_for_young_person(db_session, actor=yp).is_new(new)  # seen now


def test_young_person_without_a_plan_gets_none(db_session, world, yp):
    assert service.plan_view_for_young_person(db_session, actor=yp) is None


def test_staff_cannot_use_the_young_persons_side(db_session, world, pa):
    with pytest.raises(Forbidden):
        service.plan_view_for_young_person(db_session, actor=pa)
    with pytest.raises(Forbidden):
        service.review_request_make(db_session, actor=pa, note=None)

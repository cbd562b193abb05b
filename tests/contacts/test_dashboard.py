"""The managers' contact dashboard: timeliness by council, team and adviser, and the
lists that need a manager, computed from real rows."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests import factories
from tests.factories import actor
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.contacts import service
from waymark.identity.models import Assignment


def test_timeliness_overdue_and_lists(client, db_session, world):
    world.pa.team, world.other_pa.team = "North", "South"
    db_session.add_all([world.pa, world.other_pa])
    # Both young people joined their caseloads 30 days ago (factories.assign). Ada had a
    # contact yesterday; Ben none, and his 8 weeks run out in 26 days: both in time.
    service.record_contact(
        db_session,
        actor=actor(db_session, world.pa),
        young_person_id=world.yp.id,
        kind="call",
        happened_at=clock.now() - timedelta(days=1),
    )
    manager = actor(db_session, world.staff_by_role["manager"])
    view = service.dashboard(db_session, actor=manager)
    assert (view.council.total, view.council.in_time, view.council.share) == (2, 2, 100)
    # 30 days later Ben is overdue (no contact since joining 60 days ago); Ada is not.
    clock.advance(timedelta(days=30))
    manager = actor(db_session, world.staff_by_role["manager"])
    view = service.dashboard(db_session, actor=manager)
    assert (view.council.in_time, view.council.share) == (1, 50)
    assert [r.name for r in view.overdue] == [world.other_yp.full_name] and view.overdue_total == 1
    assert {t.label: (t.total, t.in_time) for t in view.teams} == {"North": (1, 1), "South": (1, 0)}
    assert [(t.label, t.share) for t in view.advisers] == [(world.other_pa.full_name, 0), (world.pa.full_name, 100)]
    # One team only.
    south = service.dashboard(db_session, actor=manager, team="South")
    assert (south.council.total, south.council.in_time) == (1, 0)
    # Another council's young person never appears.
    assert world.b_yp.full_name not in {r.name for r in view.overdue}


def test_open_requests_disputes_handovers_and_worker_changes(db_session, world):
    manager = actor(db_session, world.staff_by_role["manager"])
    for _ in range(3):  # three changes of worker for Ada in a year
        current = service.identity_service.current_workers(db_session, young_person_id=world.yp.id)[0]
        other = world.other_pa if current.id == world.pa.id else world.pa
        service.change_worker(db_session, actor=manager, young_person_id=world.yp.id, new_worker_id=other.id)
        clock.advance(timedelta(days=40))
    service.reach_request(db_session, actor=actor(db_session, world.yp), method="call", tried_at=clock.now())
    contact = service.record_contact(
        db_session,
        actor=actor(db_session, world.other_pa),
        young_person_id=world.other_yp.id,
        kind="visit",
        happened_at=clock.now(),
    )
    service.answer_contact(db_session, actor=actor(db_session, world.other_yp), contact_id=contact.id, confirm=False)
    manager = actor(db_session, world.staff_by_role["manager"])
    view = service.dashboard(db_session, actor=manager)
    assert [(p, w) for _, p, w in view.open_requests] == [(world.yp.full_name, world.other_pa.full_name)]
    assert view.disputed_total == 1 and view.disputed[0][1] == world.other_yp.full_name
    assert len(view.unacknowledged) == 3
    assert len(view.first_contact_overdue) == 3  # none had a first contact within 10 working days
    assert view.changes == {"0": 1, "1": 0, "2": 0, "3+": 1}
    assert view.most_changes == [(world.yp.full_name, 3)]
    starts = db_session.exec(select(Assignment.starts_on).where(Assignment.young_person_id == world.yp.id)).all()
    assert len(starts) == 4


def test_the_page_is_for_managers_and_is_audited(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    page = client.get("/staff/contacts")
    assert page.status_code == 200 and "Contact timeliness" in page.text
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "contacts_dashboard.view")).first()
    assert client.get("/staff/contacts?team=" + "x" * 500).status_code == 200

"""Handovers: changing a worker, what the new worker reads, acknowledgement, and the
first-contact deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import actor, notes
from waymark import clock
from waymark.contacts import messages as m
from waymark.contacts import service
from waymark.contacts.models import Handover, ReachRequest
from waymark.identity import service as identity_service
from waymark.identity.models import Assignment
from waymark.identity.permissions import Forbidden
from waymark.jobs import service as jobs


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_changing_a_worker_makes_a_handover_and_moves_open_requests(db_session, world):
    yp = actor(db_session, world.yp)
    service.about_me_save(
        db_session, actor=yp, values={"matters": "My little brother", "helps": "Texts first"}, agree=True
    )
    reach = service.reach_request(db_session, actor=yp, method="call", tried_at=clock.now(), note="No answer")
    admin = actor(db_session, world.staff_by_role["admin"])
    handover = service.change_worker(
        db_session, actor=admin, young_person_id=world.yp.id, new_worker_id=world.other_pa.id
    )

    assert identity_service.current_workers(db_session, young_person_id=world.yp.id) == [world.other_pa]
    old = db_session.exec(select(Assignment).where(Assignment.worker_id == world.pa.id)).one()
    assert old.ends_on == date(2026, 11, 22)
    assert handover.from_worker_id == world.pa.id and handover.to_worker_id == world.other_pa.id
    assert handover.snapshot["about_me"]["matters"] == "My little brother"
    assert {"what": "reach_request", "text": "No answer"} in handover.snapshot["requests"]
    # 10 working days from Monday 23 November 2026: Monday 7 December.
    assert handover.first_contact_by == date(2026, 12, 7)
    # Nothing the young person sent to the old worker is lost.
    assert db_session.get(ReachRequest, reach.id).worker_id == world.other_pa.id
    assert [n.user_id for n in notes(db_session, "handover_to_read")] == [world.other_pa.id]
    assert [n.user_id for n in notes(db_session, "new_worker")] == [world.yp.id]
    assert [n.user_id for n in notes(db_session, "young_person_moved")] == [world.pa.id]


def test_an_about_me_not_agreed_is_not_handed_over(db_session, world):
    service.about_me_save(db_session, actor=actor(db_session, world.yp), values={"matters": "Private"}, agree=False)
    handover = service.change_worker(
        db_session,
        actor=actor(db_session, world.staff_by_role["manager"]),
        young_person_id=world.yp.id,
        new_worker_id=world.other_pa.id,
    )
    assert handover.snapshot["about_me"] is None


def test_only_the_new_worker_acknowledges(db_session, world):
    handover = service.change_worker(
        db_session,
        actor=actor(db_session, world.staff_by_role["admin"]),
        young_person_id=world.yp.id,
        new_worker_id=world.other_pa.id,
    )
    for wrong in (world.pa, world.staff_by_role["manager"]):
        with pytest.raises(service.HandoverError) as error:
            service.acknowledge(db_session, actor=actor(db_session, wrong), handover_id=handover.id)
        assert error.value.message == m.NOT_YOUR_HANDOVER
    with pytest.raises(service.NotFound):
        service.acknowledge(db_session, actor=actor(db_session, world.b_pa), handover_id=handover.id)
    assert db_session.get(Handover, handover.id).acknowledged_at is None
    service.acknowledge(db_session, actor=actor(db_session, world.other_pa), handover_id=handover.id)
    assert db_session.get(Handover, handover.id).acknowledged_at is not None
    assert service.open_handovers(db_session, worker_id=world.other_pa.id) == []
    # The old worker cannot read it either.
    with pytest.raises(Forbidden):
        service.handover_for(db_session, actor=actor(db_session, world.pa), handover_id=handover.id)


@pytest.mark.parametrize("who", ["personal_adviser", "moderator", "young_person"])
def test_only_admins_and_managers_change_workers(db_session, world, who):
    person = world.yp if who == "young_person" else world.staff_by_role[who]
    with pytest.raises(Forbidden):
        service.change_worker(
            db_session, actor=actor(db_session, person), young_person_id=world.yp.id, new_worker_id=world.other_pa.id
        )


def test_bad_worker_choices_are_refused(db_session, world):
    admin = actor(db_session, world.staff_by_role["admin"])
    for worker in (world.pa, world.b_pa, world.staff_by_role["moderator"]):
        with pytest.raises(service.HandoverError):
            service.change_worker(db_session, actor=admin, young_person_id=world.yp.id, new_worker_id=worker.id)
    with pytest.raises(service.NotFound):
        service.change_worker(db_session, actor=admin, young_person_id=world.b_yp.id, new_worker_id=world.other_pa.id)
    assert db_session.exec(select(Handover)).all() == []


@pytest.mark.clock_start("2026-11-23T09:00")  # a Monday: the dates below are working days from it
def test_first_contact_overdue_tells_the_manager_unless_made_in_time(db_session, world):
    admin = actor(db_session, world.staff_by_role["admin"])
    late = service.change_worker(db_session, actor=admin, young_person_id=world.yp.id, new_worker_id=world.other_pa.id)
    on_time = service.change_worker(
        db_session, actor=admin, young_person_id=world.other_yp.id, new_worker_id=world.pa.id
    )
    clock.advance(timedelta(days=3))
    service.record_contact(
        db_session,
        actor=actor(db_session, world.pa),
        young_person_id=world.other_yp.id,
        kind="visit",
        happened_at=clock.now(),
    )
    assert db_session.get(Handover, on_time.id).first_contact_at is not None
    clock.freeze(late.first_contact_due_at + timedelta(seconds=1))
    assert jobs.run_due(db_session) == 2
    overdue = notes(db_session, "first_contact_overdue")
    assert [(n.user_id, n.link) for n in overdue] == [
        (world.staff_by_role["manager"].id, f"/staff/handovers/{late.id}")
    ]


def test_sasha_changes_a_worker_and_the_new_worker_acknowledges_over_http(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/assignments")
    assert page.status_code == 200 and world.yp.full_name in page.text
    form = client.get(f"/staff/young-people/{world.yp.id}/worker")
    token = factories.csrf_from(form.text)
    response = client.post(f"/staff/young-people/{world.yp.id}/worker", data={"csrf_token": token, "worker": ""})
    assert response.status_code == 422 and m.WORKER_INVALID in response.text
    response = client.post(
        f"/staff/young-people/{world.yp.id}/worker", data={"csrf_token": token, "worker": str(world.pa.id)}
    )
    assert response.status_code == 422 and m.WORKER_SAME in response.text
    response = client.post(
        f"/staff/young-people/{world.yp.id}/worker", data={"csrf_token": token, "worker": str(world.other_pa.id)}
    )
    assert response.status_code == 303
    [handover] = db_session.exec(select(Handover)).all()

    factories.sign_in(client, db_session, world.pa)  # the old worker
    assert client.get(f"/staff/handovers/{handover.id}").status_code == 403
    factories.sign_in(client, db_session, world.other_pa)
    caseload = client.get("/staff/caseload")
    assert f"/staff/handovers/{handover.id}" in caseload.text
    page = client.get(f"/staff/handovers/{handover.id}")
    assert page.status_code == 200 and "I have read this handover" in page.text
    response = client.post(
        f"/staff/handovers/{handover.id}/acknowledge", data={"csrf_token": factories.csrf_from(page.text)}
    )
    assert response.status_code == 303
    assert "Read and acknowledged" in client.get(f"/staff/handovers/{handover.id}").text

    # A manager may read it but not acknowledge it for the worker: a clear message.
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    other = service.change_worker(
        db_session,
        actor=actor(db_session, world.staff_by_role["manager"]),
        young_person_id=world.other_yp.id,
        new_worker_id=world.pa.id,
    )
    page = client.get(f"/staff/handovers/{other.id}")
    response = client.post(
        f"/staff/handovers/{other.id}/acknowledge", data={"csrf_token": factories.csrf_from(page.text)}
    )
    assert response.status_code == 403 and m.NOT_YOUR_HANDOVER in response.text
    assert db_session.get(Handover, other.id).acknowledged_at is None


def test_about_me_page(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/contacts/about-me")
    token = factories.csrf_from(page.text)
    response = client.post("/contacts/about-me", data={"csrf_token": token, "matters": "x" * 1001, "helps": "Texts"})
    assert response.status_code == 422 and 'id="matters-error"' in response.text and "Texts" in response.text
    response = client.post("/contacts/about-me", data={"csrf_token": token, "matters": "Football", "agree": "yes"})
    assert response.status_code == 303
    held = service.about_me(db_session, young_person_id=world.yp.id)
    assert held.matters == "Football" and held.agreed_at is not None

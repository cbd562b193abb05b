"""Every staff read of young people's names is audited, list pages included: the
caseload, the invite list (all of it), the council's assignments, and the
worker-change and log-contact pages wrote no entry before."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from waymark.audit.models import AuditEvent


def entries(db_session, action):
    return db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize(
    ("role", "url", "page"),
    [
        ("personal_adviser", "/staff/caseload", "caseload"),
        ("admin", "/staff/admin/invites?show=all", "invites"),
        ("manager", "/staff/assignments", "assignments"),
    ],
)
def test_list_pages_write_one_entry_naming_whose_names_they_showed(client, db_session, world, role, url, page):
    factories.sign_in(client, db_session, world.staff_by_role[role])
    assert client.get(url).status_code == 200
    [event] = entries(db_session, "young_people.list_view")
    who = world.staff_by_role[role]
    assert (event.actor_id, event.object_id, event.tenant_id) == (who.id, page, world.a.id)
    assert world.yp.id in event.detail["young_person_ids"] and event.detail["count"] >= 1
    assert world.b_yp.id not in event.detail["young_person_ids"]  # another council's are never listed


@pytest.mark.parametrize(("role", "path"), [("manager", "/worker"), ("personal_adviser", "/contacts/new")])
def test_pages_about_one_young_person_are_audited_as_a_view(client, db_session, world, role, path):
    who = world.staff_by_role[role]
    factories.sign_in(client, db_session, who)
    assert client.get(f"/staff/young-people/{world.yp.id}{path}").status_code == 200
    views = [e for e in entries(db_session, "young_person.view") if e.subject_id == world.yp.id]
    assert [e.actor_id for e in views] == [who.id]

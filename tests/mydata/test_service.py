"""A young person's own data: the registry covers every table, the download holds
what the services wrote, and deleting an account leaves no trace of the person
outside the safeguarding records the council must keep."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, select

from tests.factories import (
    ANSWER_TEXT,
    BIRTHDAY,
    CONTACT_NOTE,
    NAME,
    STEP_TEXT,
    USERNAME,
    actor,
    make_record,
)
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.consultations.models import Answer, Response
from waymark.contacts import service as contacts
from waymark.contacts.models import Contact
from waymark.identity.models import Assignment, AuthSession, User
from waymark.identity.permissions import Forbidden
from waymark.mydata import service
from waymark.notifications.models import Notification
from waymark.pathway import service as pathway
from waymark.pathway.models import PathwayPlan, PlanStep
from waymark.ratelimit import RateCount, key_hash
from waymark.safeguarding.models import SafeguardingAlert


def traces(session: Session, person: User) -> list[str]:
    """Every value in any table (but safeguarding alerts) that holds the person's full
    name, first name, username or date of birth."""
    needles = [NAME.lower(), NAME.split()[0].lower(), USERNAME]
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name == SafeguardingAlert.__tablename__:
            continue
        for row in session.connection().execute(table.select()).mappings():
            for column, value in row.items():
                shown = json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)
                if value == BIRTHDAY or BIRTHDAY.isoformat() in shown or any(n in shown.lower() for n in needles):
                    found.append(f"{table.name}.{column}: {shown[:80]}")
    return found


# ---------------------------------------------------------------- the registry
def test_every_table_is_in_the_download_or_said_to_hold_nothing_personal():
    service.check_complete(SQLModel.metadata)
    named = {part.table for part in service.PARTS} | set(service.NOT_PERSONAL)
    assert named <= set(SQLModel.metadata.tables), "the registry names a table that does not exist"
    assert all(service.NOT_PERSONAL.values())


def test_every_table_about_a_young_person_is_in_the_download():
    about_one = {name for name, table in SQLModel.metadata.tables.items() if "young_person_id" in table.columns}
    assert about_one and about_one <= {part.table for part in service.PARTS}


def test_a_new_table_in_neither_fails_the_check():
    metadata = MetaData()
    Table("user_account", metadata, Column("id", Integer, primary_key=True))
    Table(
        "case_note",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("young_person_id", Integer, ForeignKey("user_account.id")),
    )
    with pytest.raises(service.RegistryIncomplete, match="case_note"):
        service.check_complete(metadata)


# ---------------------------------------------------------------- the download
def test_the_download_holds_every_part_with_names_not_ids(db_session, world):
    record = make_record(db_session, world)
    data = service.my_data(db_session, actor=actor(db_session, record.person), download=True)
    assert list(data) == [part.key for part in service.PARTS]
    assert data["profile"] == [
        {
            "full_name": NAME,
            "display_name": "Zephyrine",
            "username": USERNAME,
            "date_of_birth": BIRTHDAY,
            "care_status": "former_relevant",
            "council_accommodation": False,
            "external_id": None,
            "created_at": record.person.created_at,
            "council": "Council A",
        }
    ]
    assert [s["text"] for s in data["plan_steps"]] == [STEP_TEXT]
    [feedback] = data["step_feedback"]
    assert feedback["step"] == STEP_TEXT and feedback["responded_by"] == world.pa.full_name
    assert [c["note"] for c in data["contacts"]] == [CONTACT_NOTE, ""]
    assert {c["worker"] for c in data["contacts"]} == {world.pa.full_name}
    [response] = data["consultation_responses"]
    assert response["consultation"] == "Your worker" and response["id"] == record.response.id
    assert ANSWER_TEXT in [a["text"] for a in data["consultation_answers"]]
    assert {a["question"] for a in data["consultation_answers"]} >= {"How do you feel?", "Anything else?"}
    assert [(v["actor"], v["action"]) for v in data["record_views"]] == [(world.pa.full_name, "young_person.view")]
    assert [w["worker"] for w in data["workers"]] == [world.pa.full_name, world.other_pa.full_name]
    assert data["handovers"][0]["to_worker"] == world.other_pa.full_name and "snapshot" not in data["handovers"][0]
    assert set(data["sessions"][0]) == {"created_at", "last_seen_at", "expires_at", "device"}
    assert set(data["safeguarding_alerts"][0]) == {"created_at", "acknowledged_at"}
    assert len(data["invites"]) == 1 and data["notifications"] and data["facts"][0]["parent"] is False
    json.dumps(data, default=service.json_value)  # every value can go in the file
    downloads = db_session.exec(select(AuditEvent).where(AuditEvent.action == "mydata.download")).all()
    assert [(e.actor_id, e.subject_id) for e in downloads] == [(record.person.id, record.person.id)]


def test_only_the_young_person_themselves_gets_their_data(db_session, world):
    with pytest.raises(Forbidden):
        service.my_data(db_session, actor=actor(db_session, world.pa))
    with pytest.raises(Forbidden):
        service.delete_account(db_session, actor=actor(db_session, world.staff_by_role["manager"]))
    mine = service.my_data(db_session, actor=actor(db_session, world.yp))
    assert mine["profile"][0]["full_name"] == world.yp.full_name and mine["plan_steps"] == []


# ---------------------------------------------------------------- deletion
def test_deleting_an_account_leaves_no_trace_but_the_safeguarding_record(db_session, world):
    record = make_record(db_session, world)
    person, me = record.person, actor(db_session, record.person)
    assert traces(db_session, person), "the record should name the person before deletion"
    others_before = db_session.exec(select(Notification).where(Notification.user_id != person.id)).all()
    clock.freeze(clock.now() + timedelta(hours=1))

    service.delete_account(db_session, actor=me)

    assert traces(db_session, person) == []
    user = db_session.get(User, person.id)
    assert (user.full_name, user.display_name, user.is_active) == ("Deleted account", "Deleted", False)
    assert user.deleted_at == clock.now() and user.passphrase_hash is None
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == person.id)).all() == []
    assert db_session.exec(select(RateCount).where(RateCount.key == key_hash("signin-account:" + USERNAME))).all() == []
    assert db_session.exec(select(PathwayPlan).where(PathwayPlan.young_person_id == person.id)).all() == []
    assert db_session.exec(select(PlanStep)).all() == []
    assert db_session.exec(select(Contact).where(Contact.young_person_id == person.id)).all() == []
    # Named answers are now anonymous, the text kept without the name.
    response = db_session.get(Response, record.response.id)
    assert response.young_person_id is None and response.assisted_by_id is None
    texts = [a.text for a in db_session.exec(select(Answer).where(Answer.response_id == response.id)) if a.text]
    assert texts == ["I'm [name] and I want more texts from my worker"]
    # Workers end today; the safeguarding alert stays, pointing at the anonymous row.
    spells = db_session.exec(select(Assignment).where(Assignment.young_person_id == person.id)).all()
    assert spells and all(a.ends_on is not None and a.ends_on <= clock.today() for a in spells)
    alerts = db_session.exec(select(SafeguardingAlert)).all()
    assert alerts and all(a.young_person_id == person.id for a in alerts)  # kept, as the law asks
    assert "Someone is following me" in [a.text for a in alerts]
    # Staff notes naming the person are gone; others stay.
    others_after = db_session.exec(select(Notification).where(Notification.user_id != person.id)).all()
    assert 0 < len(others_after) < len(others_before)
    assert all(n.params.get("name") not in (NAME, "Zephyrine") for n in others_after)
    [event] = db_session.exec(select(AuditEvent).where(AuditEvent.action == "account.delete")).all()
    assert (event.actor_id, event.subject_id, event.detail) == (person.id, person.id, {})
    with pytest.raises(DBAPIError, match="append-only"):
        with db_session.begin_nested():
            db_session.execute(text("UPDATE audit_event SET action = 'x'"))


def test_deleting_one_account_leaves_everyone_else_alone(db_session, world):
    other = actor(db_session, world.yp)
    pathway.plan_ensure(db_session, young_person=world.yp)
    pathway.words_save(db_session, actor=other, heading="money", text="Saving up")
    contacts.reach_request(db_session, actor=other, method="text", tried_at=clock.now())
    record = make_record(db_session, world)
    service.delete_account(db_session, actor=actor(db_session, record.person))
    assert service.my_data(db_session, actor=other)["plan_words"][0]["text"] == "Saving up"
    assert db_session.exec(select(Notification).where(Notification.kind == "reach_request")).all()
    assert db_session.get(User, world.yp.id).full_name == "Ada Lovelace"

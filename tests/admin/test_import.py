"""Caseload import: reading files, the dry-run report, idempotence, worker changes,
and all-or-nothing saving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from tests import factories
from tests.factories import csv_for, good_rows
from waymark import clock
from waymark.admin import importer
from waymark.admin import messages as m
from waymark.admin.models import CHECKED, DONE, FAILED
from waymark.contacts.models import Handover
from waymark.identity.actor import Actor
from waymark.identity.models import Assignment, User


def admin(world) -> Actor:
    user = world.staff_by_role["admin"]
    return Actor(user_id=user.id, tenant_id=user.tenant_id, kind="staff", display_name="A", roles=frozenset({"admin"}))


def run_import(database, db_session, world, data: bytes):
    run = importer.check_file(db_session, actor=admin(world), filename="caseload.csv", data=data)
    assert run.status == CHECKED and not run.problems, run.problems
    importer.start(db_session, actor=admin(world), run_id=run.id)
    return importer.execute(database.session, run_id=run.id, actor=admin(world))


def people(db_session, world) -> int:
    return db_session.exec(select(func.count()).select_from(User).where(User.tenant_id == world.a.id)).one()


# ------------------------------------------------------------------- reading
def test_accepts_utf8_with_bom_and_windows_1252():
    text = "external_id,full_name,date_of_birth,care_status,worker_email\nA1,Zoë Brontë,1/2/2007,relevant,x@y\n"
    assert importer.decode(b"\xef\xbb\xbf" + text.encode()) == text
    assert importer.decode(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "data",
    [
        "external_id,full_name\n".encode("utf-16"),
        b"PK\x03\x04 a zipped workbook",
        b"\x81\x8d\x8f not text",
    ],
)
def test_other_encodings_and_workbooks_are_refused(data):
    with pytest.raises(importer.FileRefused):
        importer.decode(data)


def test_missing_columns_are_named():
    with pytest.raises(importer.FileRefused) as caught:
        importer.read_rows("external_id,full_name\nA1,Someone\n")
    assert caught.value.message == m.FILE_MISSING_COLUMNS
    assert caught.value.params == {"columns": "date_of_birth, care_status, worker_email"}


def test_column_names_from_case_systems_are_understood():
    header, rows = importer.read_rows("Person ID;Name;DOB;Status;PA Email\nA1;Someone;01/02/2007;Relevant;x@y\n")
    assert header == ["external_id", "full_name", "date_of_birth", "care_status", "worker_email"]
    assert rows[0][1]["full_name"] == "Someone"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007-02-01", date(2007, 2, 1)),
        ("01/02/2007", date(2007, 2, 1)),  # day first, as UK systems export
        ("1/2/2007", date(2007, 2, 1)),
        ("01-02-2007", date(2007, 2, 1)),
        ("01.02.2007", date(2007, 2, 1)),
        ("1 February 2007", date(2007, 2, 1)),
        ("01-Feb-2007", date(2007, 2, 1)),
        ("01/02/2007 00:00", date(2007, 2, 1)),
        ("31/02/2007", None),
        ("yesterday", None),
    ],
)
def test_dates_in_mixed_formats(text, expected):
    assert importer.parse_day(text) == expected


# ------------------------------------------------------------------- dry run
def test_dry_run_reports_every_problem_by_row_and_changes_nothing(db_session, world):
    before = people(db_session, world)
    rows = [
        *good_rows(world, 2),
        f"MOS00001,Again Same Id,2007-01-05,relevant,{world.pa.email}",  # row 4: duplicate id
        "MOS00009,No Worker,2007-01-05,relevant,nobody@council-a.example",  # unknown worker
        f"MOS00010,Other Council Worker,2007-01-05,relevant,{world.b_pa.email}",  # not this council's
        f"MOS00011,Bad Date,31/02/2007,relevant,{world.pa.email}",
        f"MOS00012,Short Year,01/02/07,relevant,{world.pa.email}",
        f"MOS00013,Future,{(clock.today() + timedelta(days=3)).isoformat()},relevant,{world.pa.email}",
        f"MOS00014,Too Old,1990-01-01,relevant,{world.pa.email}",
        f"MOS00015,Odd Status,2007-01-05,adopted,{world.pa.email}",
        "bad id!,,,,",
        good_rows(world, 1)[0],  # the same as row 2
    ]
    run = importer.check_file(db_session, actor=admin(world), filename="caseload.csv", data=csv_for(world, rows))
    found = {(p["row"], p["column"], p["problem"]) for p in run.problems}
    assert (4, "external_id", m.ROW_ID_DUPLICATE) in found
    assert (5, "worker_email", m.ROW_WORKER_UNKNOWN) in found
    assert (6, "worker_email", m.ROW_WORKER_UNKNOWN) in found
    assert (7, "date_of_birth", m.ROW_DOB_INVALID) in found
    assert (8, "date_of_birth", m.ROW_DOB_TWO_DIGIT_YEAR) in found
    assert (9, "date_of_birth", m.ROW_DOB_FUTURE) in found
    assert (10, "date_of_birth", m.ROW_DOB_TOO_OLD) in found
    assert (11, "care_status", m.ROW_STATUS_UNKNOWN) in found
    assert {(12, "external_id", m.ROW_ID_INVALID), (12, "full_name", m.ROW_NAME_REQUIRED)} <= found
    assert (12, "worker_email", m.ROW_WORKER_REQUIRED) in found
    assert (13, "", m.ROW_DUPLICATE) in found
    assert run.summary["new"] == 2 and run.summary["rows"] == 12 and run.summary["rows_with_problems"] == 10
    assert run.content is None and not importer.can_import(run)  # a file with problems is not kept
    assert people(db_session, world) == before
    with pytest.raises(importer.FileRefused):
        importer.start(db_session, actor=admin(world), run_id=run.id)


def test_an_unreadable_file_is_a_failed_run_with_its_reason(db_session, world):
    run = importer.check_file(db_session, actor=admin(world), filename="book.xlsx", data=b"PK\x03\x04...")
    assert run.status == FAILED and run.problems[0]["problem"] == m.FILE_NOT_CSV


# -------------------------------------------------------------------- import
def test_import_creates_people_with_their_worker_and_is_idempotent(database, db_session, world):
    before = people(db_session, world)
    data = csv_for(world, good_rows(world, 5))
    run = run_import(database, db_session, world, data)
    assert run.status == DONE and run.summary["new"] == 5 and run.content is None
    assert people(db_session, world) == before + 5
    person = db_session.exec(select(User).where(User.external_id == "MOS00003")).one()
    assert person.full_name == "Test Person 3" and person.display_name == "Test" and person.passphrase_hash is None
    assignment = db_session.exec(select(Assignment).where(Assignment.young_person_id == person.id)).one()
    assert assignment.worker_id == world.pa.id and assignment.ends_on is None

    again = run_import(database, db_session, world, data)
    assert again.summary["new"] == 0 and again.summary["unchanged"] == 5 and again.summary["updated"] == 0
    assert people(db_session, world) == before + 5
    count = db_session.exec(select(func.count()).select_from(Assignment).where(Assignment.young_person_id == person.id))
    assert count.one() == 1


def test_a_changed_row_updates_and_a_changed_worker_makes_a_handover(database, db_session, world):
    run_import(database, db_session, world, csv_for(world, good_rows(world, 3)))
    rows = good_rows(world, 3)
    rows[0] = rows[0].replace("Test Person 1", "Tess Person-Jones")
    rows[1] = rows[1].replace(world.pa.email, world.other_pa.email)
    run = run_import(database, db_session, world, csv_for(world, rows))
    assert (run.summary["updated"], run.summary["worker_changed"], run.summary["unchanged"]) == (1, 1, 1)
    renamed = db_session.exec(select(User).where(User.external_id == "MOS00001")).one()
    assert renamed.full_name == "Tess Person-Jones"
    moved = db_session.exec(select(User).where(User.external_id == "MOS00002")).one()
    spells = db_session.exec(select(Assignment).where(Assignment.young_person_id == moved.id)).all()
    assert sorted((a.worker_id, a.ends_on is None) for a in spells) == sorted(
        [(world.pa.id, False), (world.other_pa.id, True)]
    )
    handover = db_session.exec(select(Handover).where(Handover.young_person_id == moved.id)).one()
    assert (handover.from_worker_id, handover.to_worker_id) == (world.pa.id, world.other_pa.id)


def test_a_failure_part_way_leaves_the_database_as_it_was(database, db_session, world, monkeypatch):
    before = people(db_session, world)
    run = importer.check_file(
        db_session, actor=admin(world), filename="c.csv", data=csv_for(world, good_rows(world, 1200))
    )
    importer.start(db_session, actor=admin(world), run_id=run.id)
    calls = {"n": 0}
    real = importer._audit_person

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1100:  # after two chunks were flushed
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_audit_person", failing)
    result = importer.execute(database.session, run_id=run.id, actor=admin(world))
    assert result.status == FAILED and result.error == m.IMPORT_FAILED
    assert people(db_session, world) == before
    assert db_session.exec(select(User).where(User.external_id == "MOS00001")).first() is None


def test_rows_that_went_bad_since_the_dry_run_stop_the_import(database, db_session, world):
    run = importer.check_file(
        db_session, actor=admin(world), filename="c.csv", data=csv_for(world, good_rows(world, 2))
    )
    importer.start(db_session, actor=admin(world), run_id=run.id)
    world.pa.is_active = False  # their worker left after the check
    db_session.add(world.pa)
    db_session.commit()
    result = importer.execute(database.session, run_id=run.id, actor=admin(world))
    assert result.status == FAILED and result.error == m.IMPORT_HAS_PROBLEMS
    assert {p["problem"] for p in result.problems} == {m.ROW_WORKER_UNKNOWN}


def test_a_run_starts_once(db_session, world):
    run = importer.check_file(
        db_session, actor=admin(world), filename="c.csv", data=csv_for(world, good_rows(world, 1))
    )
    importer.start(db_session, actor=admin(world), run_id=run.id)
    with pytest.raises(importer.FileRefused):
        importer.start(db_session, actor=admin(world), run_id=run.id)


def test_another_councils_run_is_not_found(db_session, world):
    run = importer.check_file(
        db_session, actor=admin(world), filename="c.csv", data=csv_for(world, good_rows(world, 1))
    )
    b_admin = factories.make_staff(db_session, world.b, "admin")
    other = Actor(user_id=b_admin.id, tenant_id=world.b.id, kind="staff", display_name="B", roles=frozenset({"admin"}))
    with pytest.raises(importer.NotFound):
        importer.run_for(db_session, actor=other, run_id=run.id)

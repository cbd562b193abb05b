"""The import and invite pages over HTTP: upload, report, import, letters, cancel."""

from __future__ import annotations

import csv
import io
import re

from sqlmodel import select

from tests import factories
from tests.factories import csv_for, good_rows
from waymark.admin import messages as m
from waymark.identity import messages as im
from waymark.identity.models import Invite, User


def upload(client, data: bytes, filename: str = "caseload.csv"):
    page = client.get("/staff/admin/import")
    token = factories.csrf_from(page.text)
    return client.post("/staff/admin/import", data={"csrf_token": token}, files={"file": (filename, data, "text/csv")})


def test_upload_check_import_and_see_the_result(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    checked = upload(client, csv_for(world, good_rows(world, 3)))
    assert checked.status_code == 303
    run_url = checked.headers["location"]
    report = client.get(run_url)
    assert "Import now" in report.text and "New young people" in report.text
    start = client.post(run_url + "/start", data={"csrf_token": factories.csrf_from(report.text)})
    assert start.status_code == 303  # the test client waits for the background import
    done = client.get(run_url)
    assert "Imported. 3 new, 0 updated, 0 moved to a new worker, 0 unchanged." in done.text
    assert "3 young people have no account yet." in done.text
    finished = client.get(run_url + "/progress", headers={"hx-request": "true"})
    assert finished.status_code == 204 and finished.headers["hx-redirect"] == run_url
    assert len(db_session.exec(select(User).where(User.external_id.like("MOS%"))).all()) == 3  # type: ignore[union-attr]
    again = client.post(run_url + "/start", data={"csrf_token": factories.csrf_from(report.text)})
    assert again.status_code == 303  # already imported: nothing happens twice


def test_report_download_neutralises_formulas(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    rows = ["MOS1,Eve,2007-01-01,relevant,=cmd|' /C calc'!A0", "MOS2,@SUM(1+1),2007-01-01,adopted,x@y.example"]
    run_url = upload(client, csv_for(world, rows)).headers["location"]
    page = client.get(run_url)
    assert "Problems to fix" in page.text and "Import now" not in page.text
    download = client.get(run_url + "/report.csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    cells = [cell for row in csv.reader(io.StringIO(download.text.lstrip("\ufeff"))) for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_no_file_or_a_workbook_gets_a_clear_message(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin/import")
    empty = client.post("/staff/admin/import", data={"csrf_token": factories.csrf_from(page.text)})
    assert empty.status_code == 422 and m.FILE_REQUIRED in empty.text and 'href="#file"' in empty.text
    workbook = client.get(upload(client, b"PK\x03\x04 zipped", "caseload.xlsx").headers["location"])
    assert "This looks like a spreadsheet or other file, not a CSV" in workbook.text


def test_a_file_over_10_mb_is_refused_before_it_is_read(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    big = csv_for(world, good_rows(world, 1)) + b"x" * (11 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 413 and "bigger than 10 MB" in response.text


def test_letters_invite_a_young_person_who_joins(client, db_session, world):
    person = factories.make_young_person(db_session, world.a, name="Nia Jones", username=None, with_passphrase=False)
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin/invites")
    assert "Nia Jones" in page.text and "No invite yet" in page.text
    token = factories.csrf_from(page.text)
    letters = client.post("/staff/admin/invites/letters", data={"csrf_token": token, "young_person_id": [person.id]})
    assert letters.status_code == 200 and letters.headers["cache-control"] == "no-store"
    assert letters.text.count('<svg role="img" aria-label="QR code for your invite link"') == 1
    code = re.search(r"/join/([0-9A-Z]{12})", letters.text).group(1)
    assert "Dear Nia," in letters.text

    resent = client.post("/staff/admin/invites/letters", data={"csrf_token": token, "young_person_id": [person.id]})
    new_code = re.search(r"/join/([0-9A-Z]{12})", resent.text).group(1)
    assert new_code != code
    client.cookies.clear()
    assert im.INVITE_CANCELLED in client.get(f"/join/{code}").text  # the old letter stopped working
    assert client.get(f"/join/{new_code}").status_code == 200


def test_cancel_stops_an_invite(client, db_session, world):
    person = factories.make_young_person(db_session, world.a, name="Tom Rees", username=None, with_passphrase=False)
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    token = factories.csrf_from(client.get("/staff/admin/invites").text)
    letters = client.post("/staff/admin/invites/letters", data={"csrf_token": token, "young_person_id": [person.id]})
    code = re.search(r"/join/([0-9A-Z]{12})", letters.text).group(1)
    invite = db_session.exec(select(Invite).where(Invite.young_person_id == person.id)).one()
    assert client.post(f"/staff/admin/invites/{invite.id}/cancel", data={"csrf_token": token}).status_code == 303
    assert "Cancelled" in client.get("/staff/admin/invites").text
    client.cookies.clear()
    assert client.get(f"/join/{code}").status_code == 404


def test_letters_skip_people_from_another_council_or_with_an_account(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    token = factories.csrf_from(client.get("/staff/admin/invites").text)
    response = client.post(
        "/staff/admin/invites/letters", data={"csrf_token": token, "young_person_id": [world.b_yp.id, world.yp.id]}
    )
    assert response.status_code == 303  # nobody to write to
    assert db_session.exec(select(Invite).where(Invite.young_person_id == world.b_yp.id)).first() is None


def test_progress_fragment_shows_how_far_a_running_import_has_got(client, db_session, world):
    from tests.admin.test_import import admin
    from waymark.admin import importer, progress

    run = importer.check_file(
        db_session, actor=admin(world), filename="c.csv", data=csv_for(world, good_rows(world, 2))
    )
    importer.start(db_session, actor=admin(world), run_id=run.id)
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    progress.report(run.id, "saving", 5000, 10000)
    try:
        fragment = client.get(f"/staff/admin/import/{run.id}/progress", headers={"hx-request": "true"})
    finally:
        progress.forget(run.id)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert (
        'value="75"' in fragment.text and "5,000 of 10,000" in fragment.text and "Saving young people" in fragment.text
    )
    assert 'hx-trigger="every 1s"' in fragment.text  # keeps polling while it runs

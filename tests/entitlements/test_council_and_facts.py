"""The council's own amounts beside national minimums, content due a check, and a
young person's "this is wrong" about the facts we hold."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.entitlements import messages as m
from waymark.entitlements import service
from waymark.entitlements.models import CouncilAmount, FactsReport
from waymark.notifications.models import Notification


def test_the_council_amount_is_shown_beside_the_national_minimum(client, db_session, world):
    db_session.add(CouncilAmount(tenant_id=world.a.id, setting="setting_up_home_allowance", amount="£3,200"))
    db_session.add(CouncilAmount(tenant_id=world.b.id, setting="setting_up_home_allowance", amount="£9,999"))
    db_session.commit()
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/entitlements/setting-up-home-allowance").text
    assert "National minimum" in page and "At least £3,000" in page
    assert "Council A" in page and "£3,200" in page and "£9,999" not in page
    # Signed out there is no council: the national minimum and a pointer to the adviser.
    client.cookies.clear()
    page = client.get("/entitlements/setting-up-home-allowance").text
    assert "At least £3,000" in page and "£3,200" not in page and "Your council may give more" in page


def test_an_admin_sets_the_amounts_and_it_is_audited(client, db_session, world):
    admin = world.staff_by_role["admin"]
    factories.sign_in(client, db_session, admin)
    page = client.get("/staff/council-amounts")
    assert page.status_code == 200 and 'id="setting_up_home_allowance"' in page.text
    token = factories.csrf_from(page.text)
    response = client.post(
        "/staff/council-amounts",
        data={"csrf_token": token, "setting_up_home_allowance": " £3,500 ", "travel_help": "A free bus pass to 21"},
    )
    assert response.status_code == 303
    held = service.council_amounts(db_session, tenant_id=world.a.id)
    assert {k: v.amount for k, v in held.items()} == {
        "setting_up_home_allowance": "£3,500",
        "travel_help": "A free bus pass to 21",
    }
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "council_amounts.update")).one()
    assert event.detail["after"]["setting_up_home_allowance"] == "£3,500"
    # Emptying a box removes the amount; too long is refused with a message and keeps the input.
    response = client.post(
        "/staff/council-amounts",
        data={"csrf_token": token, "setting_up_home_allowance": "x" * 121, "travel_help": ""},
    )
    assert response.status_code == 422 and m.AMOUNT_TOO_LONG in response.text and "x" * 121 in response.text
    assert len(service.council_amounts(db_session, tenant_id=world.a.id)) == 2  # nothing changed
    client.post("/staff/council-amounts", data={"csrf_token": token, "setting_up_home_allowance": "£3,500"})
    assert set(service.council_amounts(db_session, tenant_id=world.a.id)) == {"setting_up_home_allowance"}
    assert service.council_amounts(db_session, tenant_id=world.b.id) == {}


def test_staff_see_content_over_12_months_old(client, db_session, world):
    oldest = min(e.last_checked for e in service.catalogue().values())
    clock.freeze(clock.now().replace(year=oldest.year, month=oldest.month, day=oldest.day) + timedelta(days=365))
    factories.sign_in(client, db_session, world.pa)
    page = client.get("/staff/content")
    assert page.status_code == 200 and "were checked in the last 12 months" in page.text
    clock.advance(timedelta(days=1))
    factories.sign_in(client, db_session, world.pa)  # a day later the staff session has ended
    stale = service.stale_content()
    assert stale and all((clock.today() - e.last_checked).days > 365 for e in stale)
    page = client.get("/staff/content")
    assert f"/entitlements/{stale[0].slug}" in page.text and "need" in page.text


def test_a_young_person_sees_what_we_hold_and_says_it_is_wrong(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/my-facts")
    assert page.status_code == 200 and "Date of birth" in page.text and "Not known" in page.text
    token = factories.csrf_from(page.text)
    response = client.post("/my-facts", data={"csrf_token": token, "note": "x" * 1001})
    assert response.status_code == 422 and "x" * 1001 in response.text
    assert db_session.exec(select(FactsReport)).all() == []
    response = client.post("/my-facts", data={"csrf_token": token, "note": "I started college in September."})
    assert response.status_code == 303
    [report] = db_session.exec(select(FactsReport)).all()
    assert report.young_person_id == world.yp.id and report.note == "I started college in September."
    told = db_session.exec(select(Notification).where(Notification.kind == "facts_reported")).all()
    assert [n.user_id for n in told] == [world.pa.id]

    # The adviser sees it on the record page and marks it dealt with; another adviser cannot.
    factories.sign_in(client, db_session, world.other_pa)
    page = client.get("/staff/caseload")
    url = f"/staff/young-people/{world.yp.id}/facts-reports/{report.id}/done"
    assert client.post(url, data={"csrf_token": factories.csrf_from(page.text)}).status_code == 403
    factories.sign_in(client, db_session, world.pa)
    page = client.get(f"/staff/young-people/{world.yp.id}")
    assert "I started college in September." in page.text
    assert client.post(url, data={"csrf_token": factories.csrf_from(page.text)}).status_code == 303
    db_session.refresh(report)
    assert report.resolved_by_id == world.pa.id
    assert "I started college in September." not in client.get(f"/staff/young-people/{world.yp.id}").text
    # Dealt with once only.
    assert client.post(url, data={"csrf_token": factories.csrf_from(page.text)}).status_code == 404

"""Offers: the directory, the public form (validation, spam guard, rate limit) and the
review by moderators and admins, against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.covenant import messages as m
from waymark.covenant.models import APPROVED, PENDING, REJECTED, Offer
from waymark.notifications.models import Notification


def add_offer(session, tenant, **fields) -> Offer:
    values = {
        "organisation": "Northgate Building Society",
        "title": "Free savings account with £25",
        "description": "Open a savings account and we add £25.",
        "category": "finance",
        "area": "Anywhere in England",
        "how_to_claim": "Show your letter in a branch.",
        "status": APPROVED,
    }
    values.update(fields)
    offer = Offer(tenant_id=tenant.id, **values)
    session.add(offer)
    session.commit()
    return offer


def good_form(tenant, **overrides) -> dict[str, str]:
    form = {
        "council": str(tenant.id),
        "organisation": "Kestrel Mobile",
        "title": "Free phone with 12 months of data",
        "description": "A free smartphone and 12 months of calls, texts and data.",
        "category": "independent_living",
        "age_from": "16",
        "age_to": "25",
        "area": "Anywhere in England",
        "how_to_claim": "Ask your adviser to fill in our form.",
        "url": "https://kestrel.example/care-leavers",
        "expires_on": (clock.today() + timedelta(days=90)).isoformat(),
        "contact_email": "offers@kestrel.example",
    }
    form.update(overrides)
    return form


def open_form(client) -> dict[str, str]:
    """The form's CSRF and "opened at" fields, then enough time for a person to type."""
    page = client.get("/offers/new")
    assert page.status_code == 200
    token = page.text.split('name="started" value="', 1)[1].split('"', 1)[0]
    clock.advance(timedelta(seconds=30))
    return {"csrf_token": factories.csrf_from(page.text), "started": token}


def pending(session):
    return session.exec(select(Offer).where(Offer.status == PENDING)).all()


# ------------------------------------------------------------------ directory
def test_only_approved_unexpired_offers_of_my_council_are_listed(client, db_session, world):
    clock.freeze(clock.now())
    shown = add_offer(db_session, world.a, title="Gym pass for a year")
    add_offer(db_session, world.a, title="Waiting offer", status=PENDING)
    add_offer(db_session, world.a, title="Turned down offer", status=REJECTED)
    add_offer(db_session, world.a, title="Old offer", expires_on=clock.today() - timedelta(days=1))
    last_day = add_offer(db_session, world.a, title="Last day offer", expires_on=clock.today())
    add_offer(db_session, world.b, title="Other council offer")
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/offers")
    assert page.status_code == 200
    assert "Gym pass for a year" in page.text and "Last day offer" in page.text
    for hidden in ("Waiting offer", "Turned down offer", "Old offer", "Other council offer"):
        assert hidden not in page.text
    # The next day the last-day offer has gone by itself.
    clock.advance(timedelta(days=1))
    assert "Last day offer" not in client.get("/offers").text
    assert client.get(f"/offers/{last_day.id}").status_code == 404
    assert client.get(f"/offers/{shown.id}").status_code == 200


def test_signed_out_sees_every_council_and_can_narrow_to_one(client, db_session, world):
    add_offer(db_session, world.a, title="Offer in A")
    add_offer(db_session, world.b, title="Offer in B")
    page = client.get("/offers")
    assert "Offer in A" in page.text and "Offer in B" in page.text
    page = client.get(f"/offers?council={world.b.id}")
    assert "Offer in A" not in page.text and "Offer in B" in page.text


def test_another_councils_offer_is_not_found_when_signed_in(client, db_session, world):
    theirs = add_offer(db_session, world.b, title="Offer in B")
    factories.sign_in(client, db_session, world.yp)
    assert client.get(f"/offers/{theirs.id}").status_code == 404


def test_filter_by_category_and_search_words(client, db_session, world):
    add_offer(db_session, world.a, title="Free gym pass", category="health_wellbeing", organisation="Riverside Leisure")
    add_offer(db_session, world.a, title="Savings boost", category="finance")
    add_offer(db_session, world.a, title="100% off driving_lessons", category="independent_living")
    page = client.get(f"/offers?council={world.a.id}&category=finance")
    assert "Savings boost" in page.text and "Free gym pass" not in page.text
    page = client.get(f"/offers?council={world.a.id}&q=riverside+GYM")
    assert "Free gym pass" in page.text and "Savings boost" not in page.text
    # LIKE wildcards are searched for as themselves
    page = client.get(f"/offers?council={world.a.id}&q=%25")
    assert "100% off" in page.text and "Savings boost" not in page.text
    page = client.get(f"/offers?council={world.a.id}&q=_")
    assert "driving_lessons" in page.text and "Savings boost" not in page.text


def test_an_over_long_search_gets_a_message_not_an_error(client):
    page = client.get("/offers?q=" + "x" * 300)
    assert page.status_code == 200 and m.QUERY_TOO_LONG in page.text


def test_for_me_keeps_offers_for_my_age(client, db_session, world):
    clock.freeze(clock.now())
    world.yp.date_of_birth = clock.today() - timedelta(days=16 * 365 + 30)  # 16
    db_session.add(world.yp)
    db_session.commit()
    add_offer(db_session, world.a, title="Driving lessons", age_from=17)
    add_offer(db_session, world.a, title="Bus pass", age_from=16, age_until=22)
    factories.sign_in(client, db_session, world.yp)
    everything = client.get("/offers").text
    assert "Driving lessons" in everything and "Bus pass" in everything
    mine = client.get("/offers?for_me=1").text
    assert "Bus pass" in mine and "Driving lessons" not in mine


# ------------------------------------------------------------ organisations
def test_an_organisation_sends_an_offer_and_moderators_are_told(client, db_session, world):
    form = {**open_form(client), **good_form(world.a)}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 303 and response.headers["location"] == "/offers/sent"
    [offer] = pending(db_session)
    assert offer.tenant_id == world.a.id and offer.organisation == "Kestrel Mobile"
    assert offer.age_from == 16 and offer.age_until == 26 and offer.contact_email == "offers@kestrel.example"
    told = db_session.exec(select(Notification).where(Notification.kind == "offer_submitted")).all()
    assert {n.user_id for n in told} == {world.staff_by_role["moderator"].id, world.staff_by_role["admin"].id}
    # Not shown until approved.
    assert "Free phone with 12 months of data" not in client.get("/offers").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation", "", m.ORGANISATION_REQUIRED),
        ("organisation", "x" * 121, m.ORGANISATION_TOO_LONG),
        ("title", "   ", m.TITLE_REQUIRED),
        ("description", "x" * 1001, m.DESCRIPTION_TOO_LONG),
        ("description", "see https://a.example https://b.example www.c.example", m.TOO_MANY_LINKS),
        ("category", "sweets", m.CATEGORY_REQUIRED),
        ("age_from", "fifteen", m.AGE_FROM_INVALID),
        ("age_from", "15", m.AGE_FROM_INVALID),
        ("age_to", "30", m.AGE_TO_INVALID),
        ("area", "", m.AREA_REQUIRED),
        ("how_to_claim", "", m.HOW_TO_CLAIM_REQUIRED),
        ("url", "javascript:alert(1)", m.URL_INVALID),
        ("url", "kestrel.example", m.URL_INVALID),
        ("expires_on", "2026-02-30", m.EXPIRES_INVALID),
        ("expires_on", "2020-01-01", m.EXPIRES_PAST),
        ("contact_email", "", m.CONTACT_EMAIL_REQUIRED),
        ("contact_email", "not an email", m.CONTACT_EMAIL_INVALID),
        ("council", "", m.COUNCIL_REQUIRED),
        ("council", "999999", m.COUNCIL_REQUIRED),
    ],
)
def test_bad_offers_get_a_message_beside_the_field_and_change_nothing(client, db_session, world, field, value, message):
    form = {**open_form(client), **good_form(world.a, **{field: value})}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message.replace("'", "&#39;") in response.text
    assert 'href="#' + field + '"' in response.text  # in the error summary
    if field != "organisation":
        assert "Kestrel Mobile" in response.text  # what was typed is kept
    assert pending(db_session) == []


def test_oldest_age_below_youngest_is_refused(client, db_session, world):
    form = {**open_form(client), **good_form(world.a, age_from="21", age_to="18")}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 422 and 'id="age_to-error"' in response.text and m.AGE_ORDER in response.text
    assert pending(db_session) == []


def test_the_hidden_field_catches_bots_without_telling_them(client, db_session, world):
    form = {**open_form(client), **good_form(world.a), "fax_number": "0800 000 000"}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 303 and response.headers["location"] == "/offers/sent"
    assert pending(db_session) == []


def test_a_form_sent_within_seconds_or_without_its_time_is_refused_and_kept(client, db_session, world):
    page = client.get("/offers/new")
    token = page.text.split('name="started" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": factories.csrf_from(page.text), "started": token, **good_form(world.a)}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 422 and m.FORM_TOO_FAST in response.text and "Kestrel Mobile" in response.text
    response = client.post("/offers/new", data={**form, "started": "forged"})
    assert response.status_code == 422 and m.FORM_EXPIRED.replace("'", "&#39;") in response.text
    clock.advance(timedelta(hours=7))
    response = client.post("/offers/new", data=form)
    assert response.status_code == 422 and m.FORM_EXPIRED in response.text
    assert pending(db_session) == []


def test_one_address_can_send_only_a_few_offers_in_a_short_time(client, db_session, world):
    limit = client.app.state.settings.offer_submit_limit
    for n in range(limit):
        form = {**open_form(client), **good_form(world.a, title=f"Offer {n}")}
        assert client.post("/offers/new", data=form).status_code == 303
    form = {**open_form(client), **good_form(world.a, title="One too many")}
    response = client.post("/offers/new", data=form)
    assert response.status_code == 429 and m.TOO_MANY_OFFERS in response.text
    assert len(pending(db_session)) == limit


# ------------------------------------------------------------------ review
def test_a_moderator_approves_an_offer_and_it_appears(client, db_session, world):
    offer = add_offer(db_session, world.a, title="Free bike repairs", status=PENDING)
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    queue = client.get("/staff/offers")
    assert queue.status_code == 200 and "Free bike repairs" in queue.text
    page = client.get(f"/staff/offers/{offer.id}")
    response = client.post(
        f"/staff/offers/{offer.id}/approve", data={"csrf_token": factories.csrf_from(page.text), "version": "0"}
    )
    assert response.status_code == 303
    db_session.refresh(offer)
    assert offer.status == APPROVED and offer.reviewed_by_id == world.staff_by_role["moderator"].id
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "offer.approve")).first() is not None
    factories.sign_in(client, db_session, world.yp)
    assert "Free bike repairs" in client.get("/offers").text


def test_an_admin_corrects_and_approves_in_one_go(client, db_session, world):
    offer = add_offer(db_session, world.a, title="Free bike repars", status=PENDING, contact_email="bikes@x.example")
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get(f"/staff/offers/{offer.id}")
    assert 'value="Free bike repars"' in page.text
    form = {
        "csrf_token": factories.csrf_from(page.text),
        "version": "0",
        "action": "approve",
        "organisation": offer.organisation,
        "title": "Free bike repairs",
        "description": offer.description,
        "category": "independent_living",
        "age_from": "16",
        "age_to": "25",
        "area": "Riverside",
        "how_to_claim": offer.how_to_claim,
        "url": "",
        "expires_on": "",
    }
    assert client.post(f"/staff/offers/{offer.id}", data=form).status_code == 303
    db_session.refresh(offer)
    assert (offer.title, offer.status, offer.contact_email) == ("Free bike repairs", APPROVED, "bikes@x.example")
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "offer.approve")).one()
    assert event.detail["changed"]["title"] == ["Free bike repars", "Free bike repairs"]
    # A second save from the old page is refused, not lost silently.
    response = client.post(f"/staff/offers/{offer.id}", data={**form, "title": "Old page"})
    assert response.status_code == 422 and "Someone changed this offer" in response.text
    db_session.refresh(offer)
    assert offer.title == "Free bike repairs"


def test_rejecting_needs_a_reason_and_hides_the_offer(client, db_session, world):
    offer = add_offer(db_session, world.a, title="Payday loans", status=APPROVED)
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    page = client.get(f"/staff/offers/{offer.id}")
    token = factories.csrf_from(page.text)
    response = client.post(
        f"/staff/offers/{offer.id}/reject", data={"csrf_token": token, "version": "0", "reason": " "}
    )
    assert response.status_code == 422 and m.REASON_REQUIRED in response.text
    db_session.refresh(offer)
    assert offer.status == APPROVED
    reason = "This is an advert for loans, not an offer for care leavers."
    response = client.post(
        f"/staff/offers/{offer.id}/reject", data={"csrf_token": token, "version": "0", "reason": reason}
    )
    assert response.status_code == 303
    db_session.refresh(offer)
    assert offer.status == REJECTED and offer.reject_reason == reason
    assert client.get(f"/offers/{offer.id}").status_code == 404


def test_reviewers_never_see_another_councils_offers(client, db_session, world):
    theirs = add_offer(db_session, world.b, title="Offer in B", status=PENDING)
    factories.sign_in(client, db_session, world.staff_by_role["moderator"])
    assert "Offer in B" not in client.get("/staff/offers").text
    assert client.get(f"/staff/offers/{theirs.id}").status_code == 404
    page = client.get("/staff/offers")
    response = client.post(
        f"/staff/offers/{theirs.id}/approve", data={"csrf_token": factories.csrf_from(page.text), "version": "0"}
    )
    assert response.status_code == 404
    db_session.refresh(theirs)
    assert theirs.status == PENDING


def test_the_demo_has_offers_in_every_area_for_both_councils(db_session):
    from waymark.covenant.models import CATEGORIES
    from waymark.demo import seed_demo

    seed_demo(db_session)
    offers = db_session.exec(select(Offer)).all()
    assert len(offers) >= 25
    shown = [o for o in offers if o.status == APPROVED and (o.expires_on is None or o.expires_on >= clock.today())]
    for tenant_id in {o.tenant_id for o in offers}:
        assert {o.category for o in shown if o.tenant_id == tenant_id} == set(CATEGORIES)
    assert len({o.tenant_id for o in offers}) == 2

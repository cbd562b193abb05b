"""Council settings and staff accounts: the service rules and the pages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import make_settings, oidc_sign_in
from waymark.admin import messages as m
from waymark.admin import service
from waymark.audit.models import AuditEvent
from waymark.errors import InputError
from waymark.identity import messages as im
from waymark.identity.models import AuthSession, Tenant, User, UserRole
from waymark.identity.permissions import Forbidden
from waymark.identity.service import mfa_claimed
from waymark.identity.sessions import COOKIE


def admin_actor(db_session, world):
    from waymark.identity.sessions import actor_for_token, session_create

    token = session_create(db_session, user=world.staff_by_role["admin"], settings=_settings())
    db_session.commit()
    return actor_for_token(db_session, token)


def _settings():
    return make_settings("http://127.0.0.1:1")


def good_values(tenant: Tenant) -> dict[str, str]:
    return service.settings_values(tenant)


# ------------------------------------------------------------------ settings
def test_settings_save_changes_every_field_and_audits_the_difference(db_session, world):
    actor = admin_actor(db_session, world)
    values = good_values(world.a)
    values.update(
        name="Riverside Borough Council",
        brand_colour="#6B1D5C",
        contact_interval_weeks="6",
        disclosure_threshold="6",
        export_threshold="12",
        duty_phone="0161 555 0100",
        contact_email="Leaving.Care@Riverside.example",
        website="https://riverside.example/care-leavers",
        require_mfa="yes",
        safeguarding_lead_id=str(world.staff_by_role["manager"].id),
    )
    tenant = service.settings_update(db_session, actor=actor, values=values)
    assert tenant.name == "Riverside Borough Council" and tenant.brand_colour == "#6b1d5c"
    assert tenant.contact_interval_weeks == 6 and tenant.export_threshold == 12 and tenant.require_mfa
    assert tenant.contact_email == "leaving.care@riverside.example"
    assert tenant.safeguarding_lead_id == world.staff_by_role["manager"].id
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "council.settings_update")).one()
    assert event.detail["changes"]["contact_interval_weeks"] == [8, 6]
    assert event.actor_id == world.staff_by_role["admin"].id


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", m.NAME_REQUIRED),
        ("brand_colour", "blue", m.COLOUR_INVALID),
        ("brand_colour", "#ffdd00", m.COLOUR_LOW_CONTRAST),  # yellow: white text unreadable
        ("review_interval_months", "7", m.NUMBER_RANGE),  # the law says at most 6
        ("accommodated_contact_interval_months", "3", m.NUMBER_RANGE),  # at most 2 (reg 8(2))
        ("contact_interval_weeks", "eight", m.NUMBER_INVALID),
        ("disclosure_threshold", "1", m.NUMBER_RANGE),
        ("export_threshold", "4", m.EXPORT_BELOW_SCREEN),  # below the on-screen 5
        ("contact_email", "not-an-email", m.EMAIL_INVALID),
        ("website", "http://insecure.example", m.WEBSITE_INVALID),
        ("duty_phone", "call me", m.PHONE_INVALID),
        ("safeguarding_lead_id", "999999", m.LEAD_INVALID),
        ("moderation_unread_hours", "0", m.NUMBER_RANGE),
        ("address", "x" * 301, m.TEXT_TOO_LONG),
        ("setting_up_home_from_age", "15", m.NUMBER_RANGE),
        ("setting_up_home_from_age", "19", m.NUMBER_RANGE),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(db_session, world, field, value, message):
    actor = admin_actor(db_session, world)
    before = good_values(world.a)
    values = {**before, field: value, "name": "Changed name" if field != "name" else value}
    with pytest.raises(InputError) as caught:
        service.settings_update(db_session, actor=actor, values=values)
    assert caught.value.errors[field] == message
    db_session.refresh(world.a)
    assert good_values(world.a) == before


@pytest.mark.parametrize("role", ["panel_member", "personal_adviser", "moderator", "admin"])
def test_only_a_manager_or_safeguarding_lead_may_be_named_lead_or_deputy(db_session, world, role):
    actor = admin_actor(db_session, world)
    for field in ("safeguarding_lead_id", "safeguarding_deputy_id"):
        values = {**good_values(world.a), field: str(world.staff_by_role[role].id)}
        with pytest.raises(InputError) as caught:
            service.settings_update(db_session, actor=actor, values=values)
        assert caught.value.errors[field] == m.LEAD_INVALID


def test_a_safeguarding_lead_and_a_manager_deputy_are_accepted_but_not_the_same_person_twice(db_session, world):
    actor = admin_actor(db_session, world)
    lead, manager = world.staff_by_role["safeguarding_lead"], world.staff_by_role["manager"]
    same = {**good_values(world.a), "safeguarding_lead_id": str(lead.id), "safeguarding_deputy_id": str(lead.id)}
    with pytest.raises(InputError) as caught:
        service.settings_update(db_session, actor=actor, values=same)
    assert caught.value.errors == {"safeguarding_deputy_id": m.DEPUTY_SAME}
    good = {**same, "safeguarding_deputy_id": str(manager.id), "moderation_unread_hours": "8"}
    tenant = service.settings_update(db_session, actor=actor, values=good)
    assert (tenant.safeguarding_lead_id, tenant.safeguarding_deputy_id) == (lead.id, manager.id)
    assert tenant.moderation_unread_hours == 8


def test_another_councils_staff_cannot_be_the_safeguarding_lead(db_session, world):
    actor = admin_actor(db_session, world)
    values = {**good_values(world.a), "safeguarding_lead_id": str(world.b_pa.id)}
    with pytest.raises(InputError) as caught:
        service.settings_update(db_session, actor=actor, values=values)
    assert caught.value.errors == {"safeguarding_lead_id": m.LEAD_INVALID}


def test_contrast_is_the_wcag_ratio():
    assert round(service.contrast_with_white("#000000"), 1) == 21.0
    assert round(service.contrast_with_white("#ffffff"), 1) == 1.0
    assert 4.5 <= service.contrast_with_white("#0b3d5c")


def test_settings_page_saves_and_the_header_colour_follows(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin")
    assert page.status_code == 200 and 'value="Council A"' in page.text
    form = {**good_values(world.a), "brand_colour": "#6b1d5c", "csrf_token": factories.csrf_from(page.text)}
    saved = client.post("/staff/admin", data=form)
    assert saved.status_code == 303
    home = client.get("/")
    assert '/council.css?v=6b1d5c"' in home.text
    css = client.get("/council.css?v=6b1d5c")
    assert (
        css.status_code == 200 and "--brand:#6b1d5c" in css.text and css.headers["content-type"].startswith("text/css")
    )


def test_settings_page_with_bad_input_shows_messages_and_keeps_what_was_typed(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin")
    form = {**good_values(world.a), "brand_colour": "#ffdd00", "invite_days": "90", "name": "Kept name"}
    response = client.post("/staff/admin", data={**form, "csrf_token": factories.csrf_from(page.text)})
    assert response.status_code == 422
    assert "There is a problem" in response.text and 'href="#brand_colour"' in response.text
    assert "contrast 1.3 to 1" in response.text and "Enter a number from 1 to 60" in response.text
    assert 'value="Kept name"' in response.text
    db_session.refresh(world.a)
    assert world.a.name == "Council A"


def test_only_admins_change_settings(db_session, world):
    from waymark.identity.actor import Actor

    manager = world.staff_by_role["manager"]
    actor = Actor(
        user_id=manager.id, tenant_id=manager.tenant_id, kind="staff", display_name="M", roles=frozenset({"manager"})
    )
    with pytest.raises(Forbidden):
        service.settings_update(db_session, actor=actor, values=good_values(world.a))


# --------------------------------------------------------------------- staff
def test_admin_adds_a_member_of_staff_who_can_then_sign_in(client, db_session, world, oidc_issuer):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin/staff/new")
    form = {
        "full_name": "Rosa Parkes",
        "email": "Rosa.Parkes@council-a.example",
        "roles": ["personal_adviser", "moderator"],
        "team": "Leaving care team",
        "csrf_token": factories.csrf_from(page.text),
    }
    assert client.post("/staff/admin/staff/new", data=form).status_code == 303
    user = db_session.exec(select(User).where(User.email == "rosa.parkes@council-a.example")).one()
    roles = set(db_session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    assert roles == {"personal_adviser", "moderator"} and user.tenant_id == world.a.id
    listing = client.get("/staff/admin/staff")
    assert "Rosa Parkes" in listing.text and "Leaving care team" in listing.text
    client.cookies.clear()
    claims = {"email": user.email, "email_verified": True}
    assert oidc_sign_in(client, user.email, claims, oidc_issuer).status_code == 303


def test_staff_form_refuses_bad_input_and_keeps_it(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin/staff/new")
    taken = world.b_pa.email  # another council's: emails are unique everywhere
    form = {"full_name": "Kept Name", "email": taken, "roles": ["wizard"], "csrf_token": factories.csrf_from(page.text)}
    response = client.post("/staff/admin/staff/new", data=form)
    assert response.status_code == 422
    assert m.EMAIL_TAKEN in response.text and m.ROLE_UNKNOWN in response.text and 'value="Kept Name"' in response.text
    empty = client.post("/staff/admin/staff/new", data={"csrf_token": factories.csrf_from(page.text)})
    assert m.FULL_NAME_REQUIRED in empty.text and m.EMAIL_INVALID in empty.text and m.ROLES_REQUIRED in empty.text


def test_edit_changes_roles_and_is_audited(db_session, world):
    actor = admin_actor(db_session, world)
    moderator = world.staff_by_role["moderator"]
    values = {"full_name": moderator.full_name, "email": moderator.email, "team": "Participation"}
    service.staff_save(db_session, actor=actor, values=values, roles=["participation_officer"], user_id=moderator.id)
    roles = db_session.exec(select(UserRole.role).where(UserRole.user_id == moderator.id)).all()
    assert roles == ["participation_officer"]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "staff.update")).one()
    assert event.detail["changes"]["roles"] == [["moderator"], ["participation_officer"]]
    assert event.detail["changes"]["team"] == [None, "Participation"]


def test_deactivating_ends_sessions_and_refuses_sign_in(client, db_session, world, oidc_issuer):
    actor = admin_actor(db_session, world)
    moderator = world.staff_by_role["moderator"]
    factories.sign_in(client, db_session, moderator)
    service.staff_set_active(db_session, actor=actor, user_id=moderator.id, active=False)
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == moderator.id)).all() == []
    assert client.get("/staff/moderation").status_code == 303  # signed out
    client.cookies.clear()
    claims = {"email": moderator.email, "email_verified": True}
    assert oidc_sign_in(client, moderator.email, claims, oidc_issuer).status_code == 403


def test_cannot_deactivate_self_last_admin_or_someone_with_a_caseload(db_session, world):
    actor = admin_actor(db_session, world)
    admin = world.staff_by_role["admin"]
    with pytest.raises(InputError) as caught:
        service.staff_set_active(db_session, actor=actor, user_id=admin.id, active=False)
    assert caught.value.errors == {"active": m.SELF_DEACTIVATE}
    with pytest.raises(InputError) as caught:
        service.staff_set_active(db_session, actor=actor, user_id=world.pa.id, active=False)
    assert caught.value.errors == {"active": m.HAS_CASELOAD}
    values = {"full_name": admin.full_name, "email": admin.email}
    with pytest.raises(InputError) as caught:
        service.staff_save(db_session, actor=actor, values=values, roles=["manager"], user_id=admin.id)
    assert caught.value.errors == {"roles": m.LAST_ADMIN}


def test_another_councils_staff_are_not_found(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    assert client.get(f"/staff/admin/staff/{world.b_pa.id}").status_code == 404
    page = client.get("/staff/admin/staff")
    response = client.post(
        f"/staff/admin/staff/{world.b_pa.id}/active",
        data={"active": "no", "csrf_token": factories.csrf_from(page.text)},
    )
    assert response.status_code == 404
    db_session.refresh(world.b_pa)
    assert world.b_pa.is_active


# ----------------------------------------------------------------------- MFA
@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"amr": ["pwd", "mfa"]}, True),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["hwk", "pin"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": ["otp"]}, False),
        ({"amr": "mfa"}, True),
        ({"acr": "http://schemas.openid.net/pape/policies/2007/06/multi-factor"}, True),
        ({"acr": "urn:mace:incommon:iap:silver"}, False),
        ({}, False),
        ({"amr": [{"not": "a string"}]}, False),
    ],
)
def test_mfa_is_read_from_amr_or_acr(claims, expected):
    assert mfa_claimed(claims) is expected


def test_council_requiring_mfa_refuses_a_sign_in_without_it(client, db_session, world, oidc_issuer):
    world.a.require_mfa = True
    db_session.add(world.a)
    db_session.commit()
    email = world.pa.email
    refused = oidc_sign_in(client, email, {"email": email, "email_verified": True, "amr": ["pwd"]}, oidc_issuer)
    assert refused.status_code == 403 and im.STAFF_MFA_REQUIRED in refused.text
    assert COOKIE not in client.cookies
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "session.sign_in_refused")).one()
    assert event.detail["reason"] == "no_mfa" and event.detail["amr"] == ["pwd"]
    allowed = oidc_sign_in(client, email, {"email": email, "email_verified": True, "amr": ["pwd", "mfa"]}, oidc_issuer)
    assert allowed.status_code == 303


def test_an_admin_cannot_give_themselves_a_role_and_the_other_admins_are_told(db_session, world):
    """An admin who gave themselves the manager role could then open any record."""
    from waymark.notifications.models import Notification

    actor = admin_actor(db_session, world)
    admin = world.staff_by_role["admin"]
    second = factories.make_staff(db_session, world.a, "admin")
    values = {"full_name": admin.full_name, "email": admin.email}
    with pytest.raises(InputError) as caught:
        service.staff_save(db_session, actor=actor, values=values, roles=["admin", "manager"], user_id=admin.id)
    assert caught.value.errors == {"roles": m.SELF_ROLES}
    held = db_session.exec(select(UserRole.role).where(UserRole.user_id == admin.id)).all()
    assert sorted(held) == ["admin"]
    told = db_session.exec(select(Notification).where(Notification.kind == "staff_self_roles")).all()
    assert [n.user_id for n in told] == [second.id]
    refused = db_session.exec(select(AuditEvent).where(AuditEvent.action == "staff.self_roles_refused")).one()
    assert refused.detail == {"roles": ["manager"]}
    # Another admin may make the change.
    other = factories.actor(db_session, second)
    service.staff_save(db_session, actor=other, values=values, roles=["admin", "manager"], user_id=admin.id)
    held = db_session.exec(select(UserRole.role).where(UserRole.user_id == admin.id)).all()
    assert sorted(held) == ["admin", "manager"]


def test_the_admin_turns_welsh_off_and_on(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    page = client.get("/staff/admin")
    assert 'id="welsh" name="welsh" type="checkbox" value="yes" checked' in page.text  # offered until now
    form = {**good_values(world.a), "csrf_token": factories.csrf_from(page.text)}
    form.pop("welsh")
    assert client.post("/staff/admin", data=form).status_code == 303
    db_session.refresh(world.a)
    assert world.a.languages == ["en"]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "council.settings_update")).one()
    assert event.detail["changes"]["languages"] == [["en", "cy"], ["en"]]
    factories.sign_in(client, db_session, world.yp)  # the council's people see English only
    assert 'action="/language"' not in client.get("/").text
    form["welsh"] = "yes"
    factories.sign_in(client, db_session, world.staff_by_role["admin"])
    form["csrf_token"] = factories.csrf_from(client.get("/staff/admin").text)
    assert client.post("/staff/admin", data=form).status_code == 303
    db_session.refresh(world.a)
    assert world.a.languages == ["en", "cy"]

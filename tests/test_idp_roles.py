"""Staff roles from the council's identity provider, through the real OIDC provider
process: roles follow the claims at each sign-in, an account the provider stops
granting a role is refused and signed out everywhere, hand-added staff keep working,
new staff get an account in the one council that maps their groups, and the admin
sees who has not signed in for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import make_staff, make_world, oidc_sign_in
from waymark import clock
from waymark.admin import service as admin
from waymark.audit.models import AuditEvent
from waymark.identity import idp_roles
from waymark.identity import messages as m
from waymark.identity.models import AuthSession, User, UserRole
from waymark.identity.sessions import COOKIE

MAPPING = {"grp-pa": ["personal_adviser"], "grp-mgr": ["manager"], "grp-admin": ["admin"]}


def roles_of(db_session, user_id):
    db_session.expire_all()
    return sorted(db_session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all())


def claims(email, *groups, **extra):
    return {"email": email, "email_verified": True, "name": "Sam Worker", "groups": list(groups), **extra}


@pytest.fixture
def mapped(db_session):
    world = make_world(db_session)
    world.a.role_mapping = MAPPING
    db_session.add(world.a)
    db_session.commit()
    return world


def test_roles_follow_the_claims_at_each_sign_in(client, db_session, mapped, oidc_issuer):
    sam = make_staff(db_session, mapped.a, "personal_adviser", email="sam.worker@a.example")
    signed = oidc_sign_in(client, sam.email, claims(sam.email, "grp-mgr", "not-ours"), oidc_issuer)
    assert signed.status_code == 303
    assert roles_of(db_session, sam.id) == ["manager"]
    assert db_session.get(User, sam.id).roles_from_idp and db_session.get(User, sam.id).last_signed_in_at
    change = db_session.exec(select(AuditEvent).where(AuditEvent.action == "staff.roles_from_idp")).one()
    assert change.detail == {"before": ["personal_adviser"], "after": ["manager"]}

    client.cookies.clear()
    oidc_sign_in(client, sam.email, claims(sam.email, "grp-pa", "grp-admin"), oidc_issuer)
    assert roles_of(db_session, sam.id) == ["admin", "personal_adviser"]


def test_an_account_the_provider_stops_granting_is_refused_and_signed_out_everywhere(
    client, db_session, mapped, oidc_issuer
):
    sam = make_staff(db_session, mapped.a, "personal_adviser", email="sam.worker@a.example")
    oidc_sign_in(client, sam.email, claims(sam.email, "grp-pa"), oidc_issuer)
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == sam.id)).all()
    client.cookies.clear()

    refused = oidc_sign_in(client, sam.email, claims(sam.email, "left-the-team"), oidc_issuer)
    assert refused.status_code == 403 and m.STAFF_NO_ROLE.split(",")[0] in refused.text
    assert COOKIE not in client.cookies
    db_session.expire_all()
    assert db_session.exec(select(AuthSession).where(AuthSession.user_id == sam.id)).all() == []
    assert roles_of(db_session, sam.id) == []


def test_staff_added_by_hand_keep_working_when_their_claims_map_to_nothing(client, db_session, mapped, oidc_issuer):
    pa = mapped.pa  # added by hand, never managed by the provider
    signed = oidc_sign_in(client, pa.email, claims(pa.email, "something-else"), oidc_issuer)
    assert signed.status_code == 303 and roles_of(db_session, pa.id) == ["personal_adviser"]
    assert client.get("/staff/caseload").status_code == 200


def test_without_a_mapping_claims_change_nothing(client, db_session, oidc_issuer):
    world = make_world(db_session)
    signed = oidc_sign_in(client, world.pa.email, claims(world.pa.email, "grp-admin"), oidc_issuer)
    assert signed.status_code == 303 and roles_of(db_session, world.pa.id) == ["personal_adviser"]


def test_someone_new_gets_an_account_in_the_one_council_that_maps_their_groups(client, db_session, mapped, oidc_issuer):
    email = "new.starter@a.example"
    signed = oidc_sign_in(client, email, claims(email, "grp-pa"), oidc_issuer)
    assert signed.status_code == 303
    user = db_session.exec(select(User).where(User.email == email)).one()
    assert user.tenant_id == mapped.a.id and user.full_name == "Sam Worker" and user.roles_from_idp
    assert roles_of(db_session, user.id) == ["personal_adviser"]

    # Council B maps the same group too: the provider cannot say whose staff they are.
    mapped.b.role_mapping = {"grp-shared": ["manager"]}
    mapped.a.role_mapping = {**MAPPING, "grp-shared": ["manager"]}
    db_session.add_all([mapped.a, mapped.b])
    db_session.commit()
    client.cookies.clear()
    other = "another.starter@a.example"
    refused = oidc_sign_in(client, other, claims(other, "grp-shared"), oidc_issuer)
    assert refused.status_code == 403 and m.STAFF_UNKNOWN in refused.text
    assert db_session.exec(select(User).where(User.email == other)).first() is None


def test_the_mapping_is_checked_line_by_line():
    mapping, problem = idp_roles.parse_mapping("# Entra ID groups\n1b2c-33 = personal_adviser, manager\n\nabc = admin")
    assert problem is None and mapping == {"1b2c-33": ["personal_adviser", "manager"], "abc": ["admin"]}
    assert idp_roles.parse_mapping("1b2c-33 personal_adviser")[1] == m.ROLE_MAPPING_LINE
    assert idp_roles.parse_mapping("1b2c-33 = boss")[1] == m.ROLE_MAPPING_ROLE
    assert idp_roles.parse_mapping("1b2c-33 = young_person")[1] == m.ROLE_MAPPING_ROLE  # staff roles only
    assert idp_roles.mapping_text(mapping) == "1b2c-33 = personal_adviser, manager\nabc = admin"


def test_the_admin_sets_the_mapping_and_sees_unused_accounts(client, db_session):
    world = make_world(db_session)
    sasha = make_staff(db_session, world.a, "admin", name="Sasha Admin")
    old = make_staff(db_session, world.a, "personal_adviser", name="Long Gone")
    old.last_signed_in_at = clock.now() - timedelta(days=120)
    recent = make_staff(db_session, world.a, "personal_adviser", name="Here Lately")
    recent.last_signed_in_at = clock.now() - timedelta(days=10)
    db_session.add_all([old, recent])
    db_session.commit()
    factories.sign_in(client, db_session, sasha)

    page = client.get("/staff/admin")
    form = {**admin.settings_values(world.a), "csrf_token": factories.csrf_from(page.text)}
    bad = client.post("/staff/admin", data={**form, "role_mapping": "grp-1 = boss", "role_claim": "roles"})
    assert bad.status_code == 422 and 'id="role_mapping-error"' in bad.text and "grp-1 = boss" in bad.text
    good = client.post("/staff/admin", data={**form, "role_mapping": "grp-1 = manager", "role_claim": "roles"})
    assert good.status_code == 303
    db_session.refresh(world.a)
    assert world.a.role_mapping == {"grp-1": ["manager"]} and world.a.role_claim == "roles"

    staff = client.get("/staff/admin/staff")
    assert staff.status_code == 200
    unused = staff.text.split('id="unused"', 1)[1].split("</section>", 1)[0]
    assert "Long Gone" in unused and "Here Lately" not in unused
    assert [u.full_name for u in idp_roles.stale_staff(db_session, tenant=world.a)][:1] == ["Long Gone"]

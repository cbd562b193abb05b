"""A council set up from the command line (identity/councils.py): its first admin
signs in through the identity provider and can run it, and its people see only the
languages it offers."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests import factories
from waymark.audit.models import AuditEvent
from waymark.errors import InputError
from waymark.identity import councils
from waymark.identity import service as identity_service
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import COUNCIL_ADMIN
from waymark.identity.sessions import actor_for_user


def test_the_first_admin_signs_in_and_runs_the_new_council(db_session):
    tenant, admin = councils.create(
        db_session, slug="northdale", name="Northdale  Council", admin_email="Kim.Lee@northdale.gov.uk"
    )
    assert (tenant.name, tenant.languages, tenant.is_demo) == ("Northdale Council", ["en"], False)
    assert (admin.email, admin.full_name, admin.display_name) == ("kim.lee@northdale.gov.uk", "Kim Lee", "Kim")
    signed_in = identity_service.staff_for_oidc(
        db_session, claims={"email": "kim.lee@northdale.gov.uk", "email_verified": True}
    )
    assert signed_in.id == admin.id and actor_for_user(db_session, signed_in).can(COUNCIL_ADMIN)
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "council.create")).one()
    assert event.tenant_id == tenant.id and event.detail["first_admin_id"] == admin.id
    [row] = [r for r in councils.listing(db_session) if r.slug == "northdale"]
    assert (row.admins, row.staff, row.young_people, row.languages) == (1, 1, 0, ["en"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "x"}, "slug"),
        ({"slug": "North Dale"}, "slug"),
        ({"slug": "northdale-"}, "slug"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 121}, "name"),
        ({"admin_email": "kim@"}, "admin_email"),
        ({"admin_name": "k" * 161}, "admin_name"),
    ],
)
def test_bad_set_up_is_refused_and_nothing_is_stored(db_session, changes, field):
    values = {"slug": "northdale", "name": "Northdale Council", "admin_email": "kim@northdale.gov.uk", **changes}
    before = len(db_session.exec(select(Tenant)).all()), len(db_session.exec(select(User)).all())
    with pytest.raises(InputError) as caught:
        councils.create(db_session, **values)
    assert list(caught.value.errors) == [field]
    assert (len(db_session.exec(select(Tenant)).all()), len(db_session.exec(select(User)).all())) == before


def test_a_taken_short_name_or_email_is_refused(db_session, world):
    staff_email = world.pa.email
    with pytest.raises(InputError) as caught:
        councils.create(db_session, slug=world.a.slug, name="Again", admin_email=staff_email.upper())
    assert set(caught.value.errors) == {"slug", "admin_email"}
    assert world.a.name in caught.value.errors["admin_email"]


def test_people_see_only_the_languages_their_council_offers(client, db_session):
    english, admin = councils.create(db_session, slug="northdale", name="Northdale", admin_email="kim@nd.gov.uk")
    _welsh, welsh_admin = councils.create(
        db_session, slug="glanafon", name="Glanafon", admin_email="ceri@glanafon.gov.uk", welsh=True
    )
    young = factories.make_young_person(db_session, english)
    client.cookies.set("waymark_lang", "cy")
    for person in (admin, young):
        factories.sign_in(client, db_session, person)
        page = client.get("/")
        assert page.status_code == 200 and '<html lang="en"' in page.text  # the Welsh cookie is not for them
        assert 'lang="cy"' not in page.text and 'action="/language"' not in page.text
    factories.sign_in(client, db_session, welsh_admin)
    assert '<html lang="cy"' in client.get("/").text
    client.cookies.clear()
    factories.sign_in(client, db_session, welsh_admin)
    assert 'button type="submit" class="link-button" lang="cy"' in client.get("/").text
    client.cookies.clear()
    assert 'lang="cy"' in client.get("/login").text  # not signed in: every language

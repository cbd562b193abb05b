"""The demo data DESIGN.md promises: both councils, every account, the right ages."""

from sqlmodel import select

from waymark import clock
from waymark.demo import DEMO_PASSPHRASE, seed_demo
from waymark.identity import service
from waymark.identity.models import Assignment, Tenant, User, UserRole
from waymark.settings import Settings


def age_on(birthday, today):
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))


def test_seed_demo_creates_every_account(db_session):
    counts = seed_demo(db_session)
    assert counts == {
        "councils": 2,
        "staff": 8,
        "young_people": 5,
        "plans": 5,
        "offers": 36,
        "contacts": 7,
        "consultations": 2,
        "consultation responses": 42,
        "priority rounds": 2,
        "priority ballots": 32,
    }
    tenants = {t.id: t.name for t in db_session.exec(select(Tenant)).all()}
    assert sorted(tenants.values()) == ["Hillside Council", "Riverside Council"]
    people = {u.username or u.email: u for u in db_session.exec(select(User)).all()}
    expected_ages = {"amara": 19, "kai": 17, "leah": 16, "sam": 23, "noor": 20}
    for username, age in expected_ages.items():
        assert age_on(people[username].date_of_birth, clock.today()) == age, username
    assert tenants[people["noor"].tenant_id] == "Hillside Council"
    roles = {
        (u.email, r.role)
        for u in people.values()
        for r in db_session.exec(select(UserRole).where(UserRole.user_id == u.id)).all()
        if u.email
    }
    assert ("cllr.dunbar@riverside.example", "panel_member") in roles
    assert ("dev@hillside.example", "personal_adviser") in roles
    current = db_session.exec(select(Assignment).where(Assignment.ends_on == None)).all()  # noqa: E711
    priya = people["priya@riverside.example"]
    assert sorted(people_by_id(people)[a.young_person_id] for a in current if a.worker_id == priya.id) == [
        "amara",
        "kai",
        "leah",
    ]
    user = service.young_person_sign_in(
        db_session, username="noor", passphrase=DEMO_PASSPHRASE, ip="x", settings=Settings()
    )
    assert user.username == "noor"


def people_by_id(people):
    return {u.id: key for key, u in people.items()}

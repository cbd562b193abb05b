"""Demo data (DESIGN.md): two councils and every demo account. ``waymark seed-demo``
runs only in demo mode and only on a database without demo data.

Ages are kept true by computing birthdays from today. Every demo young person's
passphrase is ``riverside demo passphrase``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from waymark import clock
from waymark.consultations.demo import seed_demo_consultations
from waymark.contacts.demo import seed_demo_contacts
from waymark.covenant.demo import seed_demo_offers
from waymark.entitlements.models import CouncilAmount, YoungPersonFacts
from waymark.identity.models import STAFF, YOUNG_PERSON, Assignment, Tenant, User, UserRole
from waymark.identity.passphrase import hash_passphrase
from waymark.insights.demo import seed_demo_insights
from waymark.pathway.demo import seed_demo_plans
from waymark.priorities.demo import seed_demo_priorities

DEMO_PASSPHRASE = "riverside demo passphrase"  # noqa: S105 (public, demo mode only)


@dataclass(frozen=True)
class DemoStaff:
    council: str
    email: str
    full_name: str
    display_name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class DemoYoungPerson:
    council: str
    username: str
    full_name: str
    age: int
    care_status: str
    adviser: str  # staff email
    days_since_birthday: int


COUNCILS = {"riverside": "Riverside Council", "hillside": "Hillside Council"}

DEMO_STAFF = (
    DemoStaff("riverside", "priya@riverside.example", "Priya Shah", "Priya", ("personal_adviser",)),
    DemoStaff("riverside", "tom@riverside.example", "Tom Evans", "Tom", ("personal_adviser",)),
    DemoStaff("riverside", "jo@riverside.example", "Jo Okafor", "Jo", ("participation_officer",)),
    DemoStaff("riverside", "morgan@riverside.example", "Morgan Lee", "Morgan", ("moderator",)),
    DemoStaff("riverside", "alex@riverside.example", "Alex Brown", "Alex", ("manager",)),
    DemoStaff("riverside", "sasha@riverside.example", "Sasha Novak", "Sasha", ("admin",)),
    DemoStaff("riverside", "cllr.dunbar@riverside.example", "Cllr Ruth Dunbar", "Cllr Dunbar", ("panel_member",)),
    DemoStaff("hillside", "dev@hillside.example", "Dev Patel", "Dev", ("personal_adviser",)),
)

DEMO_YOUNG_PEOPLE = (
    DemoYoungPerson("riverside", "amara", "Amara Mensah", 19, "former_relevant", "priya@riverside.example", 140),
    DemoYoungPerson("riverside", "kai", "Kai Walker", 17, "relevant", "priya@riverside.example", 200),
    DemoYoungPerson("riverside", "leah", "Leah Morris", 16, "eligible", "priya@riverside.example", 60),
    DemoYoungPerson("riverside", "sam", "Sam Taylor", 23, "former_relevant", "tom@riverside.example", 30),
    DemoYoungPerson("hillside", "noor", "Noor Hussain", 20, "former_relevant", "dev@hillside.example", 250),
)


# What each demo young person's adviser has recorded (None: not known yet).
DEMO_FACTS: dict[str, dict[str, bool | None]] = {
    "amara": {
        "in_education_or_training": True,
        "in_higher_education": True,
        "in_apprenticeship": False,
        "parent": False,
        "staying_put": False,
        "own_tenancy": False,
    },
    "kai": {
        "in_education_or_training": False,
        "in_higher_education": False,
        "in_apprenticeship": False,
        "parent": False,
        "staying_put": False,
        "own_tenancy": False,
    },
    "leah": {"in_education_or_training": True, "in_higher_education": False, "send": True, "parent": False},
    "sam": {
        "in_education_or_training": False,
        "in_higher_education": False,
        "in_apprenticeship": False,
        "parent": True,
        "own_tenancy": True,
        "staying_put": False,
    },
    "noor": {"in_education_or_training": False, "in_apprenticeship": False, "staying_put": True, "parent": False},
}


# Each demo council's own amounts, shown beside the national minimum.
DEMO_COUNCIL_AMOUNTS: dict[str, dict[str, str]] = {
    "riverside": {
        "setting_up_home_allowance": "£3,200",
        "higher_education_bursary": "£2,000, paid in 3 parts",
        "council_tax_reduction": "None to pay until 25 if you live in Riverside",
        "travel_help": "A free bus pass until 21",
    },
    "hillside": {
        "setting_up_home_allowance": "£3,000",
        "council_tax_reduction": "None to pay until 21, then half until 25",
    },
}


def birthday_for(age: int, days_since_birthday: int, today: date) -> date:
    last_birthday = today - timedelta(days=days_since_birthday)
    try:
        return last_birthday.replace(year=last_birthday.year - age)
    except ValueError:  # 29 February in a non-leap year
        return last_birthday.replace(year=last_birthday.year - age, day=28)


def has_demo_data(session: Session) -> bool:
    return session.exec(select(Tenant).where(Tenant.is_demo == True)).first() is not None  # noqa: E712


def seed_demo(session: Session) -> dict[str, int]:
    """Create the demo councils and accounts. Returns counts of what was made."""
    today = clock.today()
    tenants: dict[str, Tenant] = {}
    for slug, name in COUNCILS.items():
        # The development sign-in provider claims MFA for demo staff, so both councils
        # can require it; Hillside shows a council colour of its own.
        tenant = Tenant(slug=slug, name=name, is_demo=True, require_mfa=True)
        if slug == "hillside":
            tenant.brand_colour = "#5c2d6b"
        tenant.contact_email = f"leaving.care@{slug}.example"
        session.add(tenant)
        tenants[slug] = tenant
    session.flush()

    staff: dict[str, User] = {}
    for s in DEMO_STAFF:
        tenant_id = tenants[s.council].id
        assert tenant_id is not None
        user = User(tenant_id=tenant_id, kind=STAFF, display_name=s.display_name, full_name=s.full_name, email=s.email)
        session.add(user)
        session.flush()
        assert user.id is not None
        for role in s.roles:
            session.add(UserRole(user_id=user.id, role=role))
        staff[s.email] = user

    passphrase_hash = hash_passphrase(DEMO_PASSPHRASE)
    young: dict[str, User] = {}
    for y in DEMO_YOUNG_PEOPLE:
        tenant_id = tenants[y.council].id
        assert tenant_id is not None
        user = User(
            tenant_id=tenant_id,
            kind=YOUNG_PERSON,
            display_name=y.full_name.split()[0],
            full_name=y.full_name,
            username=y.username,
            passphrase_hash=passphrase_hash,
            care_status=y.care_status,
            date_of_birth=birthday_for(y.age, y.days_since_birthday, today),
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(UserRole(user_id=user.id, role=YOUNG_PERSON))
        young[y.username] = user
        adviser = staff[y.adviser]
        assert adviser.id is not None
        session.add(
            Assignment(
                tenant_id=tenant_id,
                worker_id=adviser.id,
                young_person_id=user.id,
                starts_on=today - timedelta(days=150),
            )
        )

    # Amara had Tom as her adviser before Priya: worker history has something to show.
    tom, amara = staff["tom@riverside.example"], young["amara"]
    assert tom.id is not None and amara.id is not None and amara.tenant_id is not None
    session.add(
        Assignment(
            tenant_id=amara.tenant_id,
            worker_id=tom.id,
            young_person_id=amara.id,
            starts_on=today - timedelta(days=700),
            ends_on=today - timedelta(days=151),
        )
    )
    for username, facts in DEMO_FACTS.items():
        person = young[username]
        assert person.id is not None
        session.add(YoungPersonFacts(young_person_id=person.id, tenant_id=person.tenant_id, **facts))
    advisers = {y.username: staff[y.adviser] for y in DEMO_YOUNG_PEOPLE}
    plans = seed_demo_plans(session, young_people=young, advisers=advisers, today=today)
    tenant_ids = {slug: t.id for slug, t in tenants.items() if t.id is not None}
    offers = seed_demo_offers(session, tenant_ids=tenant_ids, today=today)
    contacts = seed_demo_contacts(session, tenants=tenants, staff=staff, young=young, now=clock.now())
    alex = staff["alex@riverside.example"]
    tenants["riverside"].safeguarding_lead_id = alex.id  # the designated safeguarding lead
    session.add(tenants["riverside"])
    jo = staff["jo@riverside.example"]
    assert jo.id is not None
    open_consultation = seed_demo_consultations(
        session, tenant_id=tenant_ids["riverside"], officer_id=jo.id, today=today, now=clock.now()
    )
    morgan, dunbar = staff["morgan@riverside.example"], staff["cllr.dunbar@riverside.example"]
    assert morgan.id is not None and dunbar.id is not None and alex.id is not None
    responses = seed_demo_insights(
        session,
        tenant_id=tenant_ids["riverside"],
        officer_id=jo.id,
        moderator_id=morgan.id,
        open_consultation_id=open_consultation,
        leads={"housing": dunbar.id, "contact_with_worker": alex.id},
        named=young["kai"].id or 0,
        today=today,
        now=clock.now(),
    )

    ballots = seed_demo_priorities(
        session, tenant_id=tenant_ids["riverside"], officer_id=jo.id, today=today, now=clock.now()
    )
    for slug, amounts in DEMO_COUNCIL_AMOUNTS.items():
        for setting, amount in amounts.items():
            session.add(CouncilAmount(tenant_id=tenant_ids[slug], setting=setting, amount=amount))
    session.commit()
    return {
        "councils": len(tenants),
        "staff": len(staff),
        "young_people": len(young),
        "plans": plans,
        "offers": offers,
        "contacts": contacts,
        "consultations": 2,
        "consultation responses": responses,
        "priority rounds": 2,
        "priority ballots": ballots,
    }

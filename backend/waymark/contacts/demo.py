"""Demo contacts, staff contact details and teams. The phone numbers are made up, from
the range Ofcom keeps for drama (01632 960000 to 01632 960999)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session

from waymark.contacts.models import AWAITING, BY_WORKER, BY_YOUNG_PERSON, CONFIRMED, Contact
from waymark.contacts.service import refresh_status
from waymark.identity.models import Tenant, User
from waymark.workdays import UK

STAFF_DETAILS = {
    "priya@riverside.example": ("01632 960101", "Monday to Thursday, 9am to 5pm", "Leaving care team"),
    "tom@riverside.example": ("01632 960102", "Monday to Friday, 10am to 4pm", "Leaving care team"),
    "alex@riverside.example": ("01632 960100", "Monday to Friday, 9am to 5pm", "Leaving care team"),
    "dev@hillside.example": ("01632 960201", "Tuesday to Friday, 9am to 5pm", None),
}
DUTY_PHONES = {"riverside": "01632 960000", "hillside": "01632 960200"}

# (young person, worker, kind, days ago, logged by, state, note)
DEMO_CONTACTS = (
    ("amara", "priya@riverside.example", "call", 12, BY_WORKER, CONFIRMED, "Talked about your student loan."),
    (
        "amara",
        "priya@riverside.example",
        "visit",
        2,
        BY_WORKER,
        AWAITING,
        "Visited you at your flat. We planned the summer.",
    ),
    ("kai", "priya@riverside.example", "visit", 70, BY_WORKER, CONFIRMED, "Met at the café and talked about college."),
    (
        "leah",
        "priya@riverside.example",
        "office",
        30,
        BY_WORKER,
        CONFIRMED,
        "Met at the office with your foster carer.",
    ),
    ("sam", "tom@riverside.example", "call", 20, BY_WORKER, CONFIRMED, "Talked about nursery for your daughter."),
    ("sam", "tom@riverside.example", "text", 3, BY_YOUNG_PERSON, AWAITING, ""),
    ("noor", "dev@hillside.example", "call", 5, BY_WORKER, CONFIRMED, "Checked in about your new job."),
)


def seed_demo_contacts(
    session: Session, *, tenants: dict[str, Tenant], staff: dict[str, User], young: dict[str, User], now: datetime
) -> int:
    for email, (phone, availability, team) in STAFF_DETAILS.items():
        user = staff[email]
        user.phone, user.availability, user.team = phone, availability, team
        session.add(user)
    for slug, phone in DUTY_PHONES.items():
        tenants[slug].duty_phone = phone
        session.add(tenants[slug])
    for username, email, kind, days_ago, logged_by, state, note in DEMO_CONTACTS:
        person, worker = young[username], staff[email]
        assert person.id is not None and worker.id is not None
        day = (now - timedelta(days=days_ago)).astimezone(UK).date()
        happened = datetime.combine(day, time(11, 0), tzinfo=UK)
        session.add(
            Contact(
                tenant_id=person.tenant_id,
                young_person_id=person.id,
                worker_id=worker.id,
                kind=kind,
                happened_at=happened,
                logged_by=logged_by,
                state=state,
                note=note,
                answered_at=happened + timedelta(hours=5) if state == CONFIRMED else None,
            )
        )

    for person in young.values():
        assert person.id is not None
        refresh_status(session, young_person_id=person.id, tenant_id=person.tenant_id)
    return len(DEMO_CONTACTS)

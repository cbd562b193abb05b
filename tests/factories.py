"""Builders for tests: councils, staff, young people, assignments, signed-in clients.

Passphrases are hashed once per run (argon2id at full strength is slow on purpose).
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr
from sqlmodel import Session, select

from waymark import clock, ratelimit
from waymark.consultations import service as consultations
from waymark.consultations.models import Answer, Consultation, Response
from waymark.contacts import service as contacts
from waymark.demo import birthday_for
from waymark.entitlements import service as entitlements
from waymark.identity import service as identity
from waymark.identity.models import STAFF, YOUNG_PERSON, Assignment, Tenant, User, UserRole
from waymark.identity.passphrase import hash_passphrase
from waymark.identity.permissions import STAFF_ROLES
from waymark.identity.sessions import COOKIE, actor_for_token, session_create
from waymark.moderation import service as moderation
from waymark.notifications.models import Notification
from waymark.outbox import service as outbox
from waymark.pathway import service as pathway
from waymark.safeguarding import service as safeguarding
from waymark.settings import Settings

PASSPHRASE = "correct horse battery staple"

# Every test starts with the clock frozen at 09:00 UTC on this day (a Monday, not a bank
# holiday), or on WAYMARK_TEST_TODAY=YYYY-MM-DD when it is set, so that nothing a test
# builds depends on the day it runs.
DEFAULT_TEST_TODAY = date(2026, 11, 23)
TEST_TODAY = date.fromisoformat(os.environ.get("WAYMARK_TEST_TODAY") or DEFAULT_TEST_TODAY.isoformat())
TEST_START = datetime.combine(TEST_TODAY, time(9, 0), tzinfo=UTC)
_seq = itertools.count(1)


def born(age: int, days_since_birthday: int = 0) -> date:
    """The date of birth of someone who is ``age`` today (the test clock), their last
    birthday ``days_since_birthday`` days ago."""
    return birthday_for(age, days_since_birthday, clock.today())


@lru_cache
def passphrase_hash() -> str:
    return hash_passphrase(PASSPHRASE)


def make_tenant(session: Session, *, name: str | None = None, invite_days: int = 14) -> Tenant:
    n = next(_seq)
    tenant = Tenant(slug=f"council-{n}", name=name or f"Council {n}", invite_days=invite_days)
    session.add(tenant)
    session.commit()
    return tenant


def make_staff(
    session: Session, tenant: Tenant, *roles: str, name: str | None = None, email: str | None = None
) -> User:
    n = next(_seq)
    name = name or f"Worker {n}"
    assert tenant.id is not None
    user = User(
        tenant_id=tenant.id,
        kind=STAFF,
        display_name=name.split()[0],
        full_name=name,
        email=(email or f"worker{n}@{tenant.slug}.example").lower(),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for role in roles or ("personal_adviser",):
        session.add(UserRole(user_id=user.id, role=role))
    session.commit()
    return user


def make_young_person(
    session: Session,
    tenant: Tenant,
    *,
    name: str | None = None,
    username: str | None = "auto",
    with_passphrase: bool = True,
    date_of_birth: date | None = None,
    care_status: str = "former_relevant",
) -> User:
    n = next(_seq)
    name = name or f"Young Person{n}"
    assert tenant.id is not None
    user = User(
        tenant_id=tenant.id,
        kind=YOUNG_PERSON,
        display_name=name.split()[0],
        full_name=name,
        username=(f"yp{n}" if username == "auto" else username),
        passphrase_hash=passphrase_hash() if with_passphrase else None,
        date_of_birth=date_of_birth or born(20, 190),
        care_status=care_status,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add(UserRole(user_id=user.id, role=YOUNG_PERSON))
    session.commit()
    return user


def assign(
    session: Session, worker: User, young_person: User, *, starts_on: date | None = None, ends_on: date | None = None
) -> Assignment:
    assert worker.id is not None and young_person.id is not None
    assignment = Assignment(
        tenant_id=young_person.tenant_id,
        worker_id=worker.id,
        young_person_id=young_person.id,
        starts_on=starts_on or clock.today() - timedelta(days=30),
        ends_on=ends_on,
    )
    session.add(assignment)
    session.commit()
    return assignment


def sign_in(client: Any, session: Session, user: User) -> None:
    """Give the test client a real session for ``user`` (the sign-in flows themselves
    are tested separately)."""
    settings: Settings = client.app.state.settings
    token = session_create(session, user=user, settings=settings)
    session.commit()
    client.cookies.set(COOKIE, token)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@dataclass
class World:
    """Riverside-like council A and Hillside-like council B.

    A: adviser ``pa`` with ``yp`` on their caseload; ``other_pa`` with ``other_yp``;
       a member of staff for every other role in ``staff_by_role``.
    B: adviser ``b_pa`` with ``b_yp``.
    """

    a: Tenant
    b: Tenant
    pa: User
    yp: User
    other_pa: User
    other_yp: User
    b_pa: User
    b_yp: User
    staff_by_role: dict[str, User]


def make_world(session: Session) -> World:
    a, b = make_tenant(session, name="Council A"), make_tenant(session, name="Council B")
    pa, other_pa = make_staff(session, a, "personal_adviser"), make_staff(session, a, "personal_adviser")
    yp, other_yp = make_young_person(session, a, name="Ada Lovelace"), make_young_person(session, a, name="Ben Other")
    assign(session, pa, yp)
    assign(session, other_pa, other_yp)
    b_pa, b_yp = make_staff(session, b, "personal_adviser"), make_young_person(session, b, name="Cara Hill")
    assign(session, b_pa, b_yp)
    staff_by_role = {"personal_adviser": pa}
    for role in STAFF_ROLES[1:]:  # every role but the adviser, made above
        staff_by_role[role] = make_staff(session, a, role)
    return World(
        a=a, b=b, pa=pa, yp=yp, other_pa=other_pa, other_yp=other_yp, b_pa=b_pa, b_yp=b_yp, staff_by_role=staff_by_role
    )


# ------------------------------------------------------ shared by many tests
def actor(db_session, user):
    """The services' view of ``user``, through a real session."""
    token = session_create(db_session, user=user, settings=Settings(_env_file=None))
    db_session.commit()
    return actor_for_token(db_session, token)


def notes(db_session, kind):
    return db_session.exec(select(Notification).where(Notification.kind == kind)).all()


def make_open(session, world, *, officer=None, **overrides) -> tuple[Consultation, list]:
    officer = actor(session, officer or world.staff_by_role["participation_officer"])
    values = {
        "title": "Your worker",
        "summary": "Tell us about your worker.",
        "easy_summary": "",
        "age_bands": [],
        "statuses": [],
        "opens_on": clock.today(),
        "closes_on": clock.today() + timedelta(days=10),
    }
    values.update(overrides)
    consultation = consultations.create(session, actor=officer, data=consultations.ConsultationInput(**values))
    cid = consultation.id
    questions = [
        consultations.question_add(
            session,
            actor=officer,
            consultation_id=cid,
            data=consultations.QuestionInput(kind="feelings", text="How do you feel?", required=True),
        ),
        consultations.question_add(
            session,
            actor=officer,
            consultation_id=cid,
            data=consultations.QuestionInput(kind="single", text="How?", options=["Call", "Text"]),
        ),
        consultations.question_add(
            session,
            actor=officer,
            consultation_id=cid,
            data=consultations.QuestionInput(kind="multiple", text="Which?", options=["A", "B", "C"]),
        ),
        consultations.question_add(
            session,
            actor=officer,
            consultation_id=cid,
            data=consultations.QuestionInput(kind="text", text="Anything else?"),
        ),
    ]
    consultations.publish(session, actor=officer, consultation_id=cid)
    return consultation, questions


def answers(questions, **extra) -> dict[str, list[str]]:
    feel, single, multiple, free = questions
    fields = {
        f"q{feel.id}": ["4"],
        f"q{single.id}": ["Text"],
        f"q{multiple.id}": ["C", "A"],
        f"q{free.id}": ["More texts please"],
        "mode": ["standard"],
    }
    fields.update(extra)
    return fields


def page_key(html: str) -> str:
    return html.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0]


def approve(db_session, world, response, themes, text=None):
    moderator = actor(db_session, world.staff_by_role["moderator"])
    answer = db_session.exec(select(Answer).where(Answer.response_id == response.id, Answer.text.is_not(None))).one()
    moderation.decide(
        db_session,
        actor=moderator,
        answer_id=answer.id,
        approve=True,
        published_text=text or answer.text,
        themes=themes,
        reason="",
    )


def oidc_sign_in(client, sub, claims=None, issuer=None, host="testserver"):
    """Run the real authorisation-code flow: app -> provider form -> app callback
    (``host``: the app's host name the client uses)."""
    start = client.get("/login/staff?next=/staff/caseload")
    assert start.status_code == 302
    authorize_url = start.headers["location"]
    with httpx.Client() as provider:
        if claims is not None:
            assert provider.put(f"{issuer}/users/{quote(sub)}", json=claims).status_code == 204
        consent = provider.post(authorize_url, data={"sub": sub})
    assert consent.status_code == 302
    callback = consent.headers["location"]
    assert callback.startswith(f"http://{host}/auth/callback?")
    return client.get(callback.replace(f"http://{host}", ""))


# ------------------------------------------------------- caseload import files
HEADER = "external_id,full_name,date_of_birth,care_status,worker_email\n"


def csv_for(world, rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def good_rows(world, n: int = 3, start: int = 1) -> list[str]:
    born = date(2007, 1, 1)
    return [
        f"MOS{i:05d},Test Person {i},{(born + timedelta(days=i)).isoformat()},former relevant,{world.pa.email}"
        for i in range(start, start + n)
    ]


# --------------------------------------- a young person with something everywhere
NAME, USERNAME, BIRTHDAY = "Zephyrine Quillfeather", "zephq", date(2005, 2, 3)
STEP_TEXT = "Find a college course in September"
CONTACT_NOTE = "We talked about the college open day"
ANSWER_TEXT = f"I'm {NAME} and I want more texts from my worker"


@dataclass
class Record:
    person: User
    response: Response


def make_record(session: Session, world: World) -> Record:
    """A young person with something in every part, written through the services."""
    person = make_young_person(session, world.a, name=NAME, username=USERNAME, date_of_birth=BIRTHDAY)
    assign(session, world.pa, person)
    me, pa, manager = actor(session, person), actor(session, world.pa), actor(session, world.staff_by_role["manager"])
    assert person.id is not None

    step = pathway.step_add(session, actor=pa, young_person_id=person.id, heading="education", text=STEP_TEXT)
    pathway.words_save(session, actor=me, heading="education", text="I want to study art")
    feedback = pathway.feedback_give(session, actor=me, step_id=step.id, kind="not_sure", comment="Which college?")
    pathway.feedback_answer(session, actor=pa, young_person_id=person.id, feedback_id=feedback.id, response="Any")
    pathway.review_request_make(session, actor=me, note="Can we look again?")
    pathway.review_record(session, actor=pa, young_person_id=person.id, reviewed_on=clock.today(), summary="Good")

    entitlements.facts_update(session, actor=pa, young_person_id=person.id, values={"parent": False})
    entitlements.mark_set(session, actor=me, slug="advocacy", state="asked")
    entitlements.ask_adviser(session, actor=me, slug="advocacy")
    entitlements.facts_report(session, actor=me, note="I moved house")

    contacts.record_contact(
        session, actor=pa, young_person_id=person.id, kind="call", happened_at=clock.now(), note=CONTACT_NOTE
    )
    contacts.log_own_contact(session, actor=me, kind="visit", happened_at=clock.now())
    contacts.reach_request(session, actor=me, method="call", tried_at=clock.now(), note="No answer")
    contacts.about_me_save(session, actor=me, values={"matters": "My dog", "helps": "Texts"}, agree=True)

    consultation, questions = make_open(session, world)
    response = consultations.response_submit(
        session,
        actor=me,
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": [ANSWER_TEXT]}),
        anonymous=False,
        mode="standard",
        quotes_allowed=True,
        key=outbox.new_key(),
        secret=b"s",
    )
    safeguarding.unsafe_button(session, actor=me, note="Someone is following me")
    identity.invite_create(session, actor=pa, young_person_id=person.id)
    ratelimit.hit(session, f"signin-account:{USERNAME}", limit=5, window=timedelta(minutes=15))
    identity.young_person_for_worker(session, actor=pa, young_person_id=person.id)  # a staff view
    contacts.change_worker(session, actor=manager, young_person_id=person.id, new_worker_id=world.other_pa.id)
    return Record(person=person, response=response)


# ------------------------------------------------------------------ settings
def make_settings(oidc_issuer: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "demo_mode": False,
        "secret_key": SecretStr(secrets.token_urlsafe(48)),
        "oidc_issuer": oidc_issuer,
        "oidc_client_id": "waymark-tests",
        "oidc_client_secret": SecretStr("waymark-tests-secret"),
        "database_url": "sqlite://",
        "base_url": "http://testserver",
    }
    values.update(overrides)
    return Settings(**values)

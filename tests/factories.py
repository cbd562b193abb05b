"""Builders for tests: councils, staff, young people, assignments, signed-in clients.

Passphrases are hashed once per run (argon2id at full strength is slow on purpose).
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from waymark import clock
from waymark.demo import birthday_for
from waymark.identity.models import STAFF, YOUNG_PERSON, Assignment, Tenant, User, UserRole
from waymark.identity.passphrase import hash_passphrase
from waymark.identity.sessions import COOKIE, session_create
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
    for role in ("participation_officer", "moderator", "manager", "admin", "panel_member"):
        staff_by_role[role] = make_staff(session, a, role)
    return World(
        a=a, b=b, pa=pa, yp=yp, other_pa=other_pa, other_yp=other_yp, b_pa=b_pa, b_yp=b_yp, staff_by_role=staff_by_role
    )

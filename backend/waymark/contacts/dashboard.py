"""The managers' dashboard: contact timeliness by council, team and adviser, and the
lists that need a manager (overdue, open requests, disputes, handovers, worker changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from waymark import clock
from waymark.contacts.log import next_contact_due
from waymark.contacts.models import (
    DISPUTED,
    Contact,
    ContactStatus,
    Handover,
    ReachRequest,
)
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Assignment, Tenant, User
from waymark.identity.permissions import (
    CONTACTS_DASHBOARD,
    Forbidden,
)
from waymark.identity.service import assignment_current_on


# ------------------------------------------------------ managers' dashboard
@dataclass(frozen=True)
class Timeliness:
    label: str
    total: int
    in_time: int

    @property
    def share(self) -> int:
        """Whole per cent contacted within the interval (0 when there is nobody)."""
        return round(100 * self.in_time / self.total) if self.total else 0


@dataclass(frozen=True)
class OverdueRow:
    young_person_id: int
    name: str
    worker: str
    last: date | None
    due: date


@dataclass
class Dashboard:
    today: date
    council: Timeliness
    teams: list[Timeliness]
    advisers: list[Timeliness]
    overdue: list[OverdueRow]
    overdue_total: int
    open_requests: list[tuple[ReachRequest, str, str]]  # request, young person, worker
    disputed: list[tuple[Contact, str, str]]
    disputed_total: int
    unacknowledged: list[tuple[Handover, str, str]]
    first_contact_overdue: list[tuple[Handover, str, str]]
    changes: dict[str, int]  # "0", "1", "2", "3+" -> young people
    most_changes: list[tuple[str, int]]
    teams_available: list[str]
    team: str | None


OVERDUE_SHOWN = 50
DISPUTED_DAYS = 90


def dashboard(session: Session, *, actor: Actor, team: str | None = None) -> Dashboard:
    """Contact timeliness for the manager's council (and one team with ``team``):
    the share contacted within the interval by council, team and adviser; who is
    overdue; open "couldn't reach" requests; disputed contacts; handovers not read;
    first contacts overdue; worker changes in the last 12 months. A fixed number of
    queries, each reading at most one row per young person or per open item."""
    if not actor.can(CONTACTS_DASHBOARD):
        raise Forbidden()
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    today, now = clock.today(), clock.now()
    current = assignment_current_on(today)
    workers = {
        w.id: w
        for w in session.exec(select(User).where(User.tenant_id == actor.tenant_id, User.kind == "staff")).all()
        if w.id is not None
    }
    rows = session.exec(
        select(
            User.id,
            User.full_name,
            User.council_accommodation,
            Assignment.worker_id,
            Assignment.starts_on,
            ContactStatus.last_contact_on,
        )
        .join(Assignment, col(Assignment.young_person_id) == col(User.id))
        .join(ContactStatus, col(ContactStatus.young_person_id) == col(User.id), isouter=True)
        .where(User.tenant_id == actor.tenant_id, User.kind == YOUNG_PERSON, Assignment.tenant_id == actor.tenant_id)
        .where(current)
    ).all()
    teams_available = sorted({w.team for w in workers.values() if w.team})
    team = team if team in teams_available else None
    by_team: dict[str, list[int]] = {}
    by_adviser: dict[int, list[int]] = {}
    overdue: list[OverdueRow] = []
    seen: set[int] = set()
    council_total = council_in_time = 0
    for person_id, name, accommodated, worker_id, starts_on, last in rows:
        worker = workers.get(worker_id)
        if team and (worker is None or worker.team != team):
            continue
        since = last or starts_on
        due = next_contact_due(tenant, since, council_accommodation=accommodated)
        in_time = due >= today
        if person_id not in seen:  # a young person with two workers counts once for the council
            seen.add(person_id)
            council_total += 1
            council_in_time += in_time
            if not in_time:
                overdue.append(OverdueRow(person_id, name, worker.full_name if worker else "", last, due))
        team_name = (worker.team if worker else None) or "—"
        by_team.setdefault(team_name, [0, 0])
        by_team[team_name][0] += 1
        by_team[team_name][1] += in_time
        by_adviser.setdefault(worker_id, [0, 0])
        by_adviser[worker_id][0] += 1
        by_adviser[worker_id][1] += in_time
    overdue.sort(key=lambda r: r.due)
    names = {w_id: w.full_name for w_id, w in workers.items()}
    person_ids = seen
    young_names = {pid: n for pid, n, *_ in rows}

    def who(young_person_id: int) -> str:
        return young_names.get(young_person_id, "")

    requests = [
        (r, who(r.young_person_id), names.get(r.worker_id, ""))
        for r in session.exec(
            select(ReachRequest)
            .where(ReachRequest.tenant_id == actor.tenant_id, col(ReachRequest.answered_at).is_(None))
            .order_by(col(ReachRequest.created_at))
        ).all()
        if r.young_person_id in person_ids
    ]
    since_disputed = now - timedelta(days=DISPUTED_DAYS)
    disputed_rows = [
        c
        for c in session.exec(
            select(Contact)
            .where(
                Contact.tenant_id == actor.tenant_id, Contact.state == DISPUTED, Contact.happened_at >= since_disputed
            )
            .order_by(col(Contact.happened_at).desc())
        ).all()
        if c.young_person_id in person_ids
    ]
    handovers = [
        h
        for h in session.exec(
            select(Handover).where(
                Handover.tenant_id == actor.tenant_id,
                col(Handover.acknowledged_at).is_(None) | col(Handover.first_contact_at).is_(None),
            )
        ).all()
        if h.young_person_id in person_ids
    ]
    changes, most = _worker_changes(session, tenant_id=actor.tenant_id, person_ids=person_ids, today=today)
    return Dashboard(
        today=today,
        council=Timeliness(tenant.name if not team else team, council_total, council_in_time),
        teams=[Timeliness(k, v[0], v[1]) for k, v in sorted(by_team.items())],
        advisers=sorted(
            (Timeliness(names.get(k, ""), v[0], v[1]) for k, v in by_adviser.items()), key=lambda t: (t.share, t.label)
        ),
        overdue=overdue[:OVERDUE_SHOWN],
        overdue_total=len(overdue),
        open_requests=requests,
        disputed=[(c, who(c.young_person_id), names.get(c.worker_id, "")) for c in disputed_rows[:20]],
        disputed_total=len(disputed_rows),
        unacknowledged=[
            (h, who(h.young_person_id), names.get(h.to_worker_id, "")) for h in handovers if h.acknowledged_at is None
        ],
        first_contact_overdue=[
            (h, who(h.young_person_id), names.get(h.to_worker_id, ""))
            for h in handovers
            if h.first_contact_at is None and h.first_contact_due_at < now
        ],
        changes=changes,
        most_changes=[(who(pid), n) for pid, n in most],
        teams_available=teams_available,
        team=team,
    )


def _worker_changes(
    session: Session, *, tenant_id: int, person_ids: set[int], today: date
) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """How many times each young person's worker changed in the last 12 months: an
    assignment that started in that time after an earlier one (counted in SQL; only
    young people with a change come back)."""
    from sqlalchemy import exists, func
    from sqlalchemy.orm import aliased

    earlier = aliased(Assignment)
    changed = session.exec(
        select(Assignment.young_person_id, func.count())
        .where(
            Assignment.tenant_id == tenant_id,
            Assignment.starts_on > today - timedelta(days=365),
            exists().where(
                earlier.young_person_id == Assignment.young_person_id, earlier.starts_on < Assignment.starts_on
            ),
        )
        .group_by(col(Assignment.young_person_id))
    ).all()
    counts = {person_id: n for person_id, n in changed if person_id in person_ids}
    buckets = {"0": len(person_ids) - len(counts), "1": 0, "2": 0, "3+": 0}
    for n in counts.values():
        buckets[str(n) if n < 3 else "3+"] += 1
    most = sorted(((pid, n) for pid, n in counts.items() if n >= 3), key=lambda x: -x[1])[:20]
    return buckets, most

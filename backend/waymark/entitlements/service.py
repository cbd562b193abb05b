"""Entitlements for a young person: the content (``content/entitlements``) evaluated
by the rules engine against the facts we hold about them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.entitlements.models import CouncilAmount, EntitlementMark, FactsReport, YoungPersonFacts
from waymark.entitlements.rules import (
    AGE_SETTINGS,
    FACTS,
    Decision,
    Entitlement,
    Facts,
    Outcome,
    evaluate,
    load_entitlements,
)
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import COUNCIL_AMOUNTS_EDIT, Forbidden
from waymark.identity.service import NotFound
from waymark.notifications import service as notifications
from waymark.safeguarding import intake
from waymark.settings import ROOT

CONTENT_DIR = ROOT / "content" / "entitlements"
GROUPS = (Outcome.NOW, Outcome.FROM, Outcome.ENDING_SOON, Outcome.ASK, Outcome.COMING, Outcome.NOT_NOW)


@lru_cache
def catalogue() -> dict[str, Entitlement]:
    """Every entitlement, validated once per process (a bad file stops the app)."""
    return load_entitlements(CONTENT_DIR)


def facts_for(session: Session, *, young_person: User) -> Facts:
    held = session.get(YoungPersonFacts, young_person.id)
    extra = {name: getattr(held, name) for name in FACTS} if held is not None else {}
    return Facts(date_of_birth=young_person.date_of_birth, status=young_person.care_status, **extra)


@dataclass(frozen=True)
class Item:
    entitlement: Entitlement
    decision: Decision


@dataclass
class Checklist:
    today: date
    groups: dict[Outcome, list[Item]]

    def count(self) -> int:
        return sum(len(items) for items in self.groups.values())


def checklist(session: Session, *, actor: Actor) -> Checklist:
    """The young person's own checklist: now, coming up (dated, soonest first), ending
    soon (soonest first), ask your adviser, rights that have not started yet (dated
    ones first), and the rest."""
    if not actor.is_young_person:
        raise Forbidden()
    young_person = session.get(User, actor.user_id)
    assert young_person is not None
    facts = facts_for(session, young_person=young_person)
    today = clock.today()
    own = council_ages(session, tenant_id=actor.tenant_id)
    groups: dict[Outcome, list[Item]] = {g: [] for g in GROUPS}
    for item in catalogue().values():
        decision = evaluate(replace(item, rule=item.rule.for_council(own)), facts, today)
        groups[decision.outcome].append(Item(item, decision))
    groups[Outcome.FROM].sort(key=lambda i: i.decision.starts_on or date.max)
    groups[Outcome.ENDING_SOON].sort(key=lambda i: i.decision.ends_on or date.max)
    groups[Outcome.COMING].sort(key=lambda i: i.decision.starts_on or date.max)
    return Checklist(today=today, groups=groups)


def decision_for(session: Session, *, actor: Actor, entitlement: Entitlement) -> Decision | None:
    if not actor.is_young_person:
        return None
    young_person = session.get(User, actor.user_id)
    assert young_person is not None
    own = replace(entitlement, rule=entitlement.rule.for_council(council_ages(session, tenant_id=actor.tenant_id)))
    return evaluate(own, facts_for(session, young_person=young_person), clock.today())


def council_ages(session: Session, *, tenant_id: int) -> dict[str, int]:
    """The council's own start ages for rights whose rule names one (AGE_SETTINGS)."""
    tenant = session.get(Tenant, tenant_id)
    return {name: getattr(tenant, name) for name in AGE_SETTINGS} if tenant is not None else {}


FACT_NAMES = FACTS  # the facts the rules engine knows; one list for rules, forms and records


def facts_record(session: Session, *, young_person_id: int) -> YoungPersonFacts | None:
    return session.get(YoungPersonFacts, young_person_id)


def facts_update(
    session: Session, *, actor: Actor, young_person_id: int, values: dict[str, bool | None]
) -> YoungPersonFacts:
    """An adviser on the young person's caseload records what is true (None: not
    known). Audited with the before and after."""
    unknown = set(values) - set(FACT_NAMES)
    if unknown:
        raise ValueError(f"unknown facts {sorted(unknown)}")
    young_person = identity_service.young_person_for_current_worker(
        session, actor=actor, young_person_id=young_person_id
    )
    held = session.get(YoungPersonFacts, young_person_id)
    if held is None:
        held = YoungPersonFacts(young_person_id=young_person_id, tenant_id=young_person.tenant_id)
    before = {name: getattr(held, name) for name in FACT_NAMES}
    for name, value in values.items():
        setattr(held, name, value)
    held.updated_at, held.updated_by_id = clock.now(), actor.user_id
    session.add(held)
    audit_record(
        session,
        actor=actor,
        action="facts.update",
        subject_id=young_person_id,
        object_type="facts",
        object_id=young_person_id,
        detail={"before": before, "after": {n: getattr(held, n) for n in FACT_NAMES}},
    )
    session.commit()
    return held


MARK_STATES = ("asked", "got", "not_sure")


def marks_for(session: Session, *, young_person_id: int) -> dict[str, EntitlementMark]:
    rows = session.exec(select(EntitlementMark).where(EntitlementMark.young_person_id == young_person_id)).all()
    return {row.slug: row for row in rows}


def _own_mark(session: Session, actor: Actor, slug: str) -> EntitlementMark:
    if not actor.is_young_person:
        raise Forbidden()
    if slug not in catalogue():
        raise NotFound()
    mark = session.get(EntitlementMark, (actor.user_id, slug))
    return mark or EntitlementMark(young_person_id=actor.user_id, slug=slug, tenant_id=actor.tenant_id)


def mark_set(session: Session, *, actor: Actor, slug: str, state: str | None) -> EntitlementMark:
    """The young person's own note on an entitlement (None clears it)."""
    if state is not None and state not in MARK_STATES:
        raise ValueError(f"unknown state {state!r}")
    mark = _own_mark(session, actor, slug)
    mark.state, mark.updated_at = state, clock.now()
    session.add(mark)
    session.commit()
    return mark


def ask_adviser(session: Session, *, actor: Actor, slug: str) -> EntitlementMark:
    """Ask my adviser about this: a task on their caseload until they mark it done,
    and a note in their inbox. Asking again while it is open changes nothing."""
    mark = _own_mark(session, actor, slug)
    if mark.adviser_asked_at is not None and mark.adviser_done_at is None:
        return mark
    mark.adviser_asked_at, mark.adviser_done_at, mark.updated_at = clock.now(), None, clock.now()
    session.add(mark)
    notifications.tell_workers(session, actor=actor, kind="entitlement_question", anchor="#questions")
    session.commit()
    return mark


def open_questions(session: Session, *, young_person_ids: list[int]) -> dict[int, list[EntitlementMark]]:
    """Open "ask my adviser" tasks for these young people (one query)."""
    if not young_person_ids:
        return {}
    rows = session.exec(
        select(EntitlementMark)
        .where(
            col(EntitlementMark.young_person_id).in_(young_person_ids),
            col(EntitlementMark.adviser_asked_at).is_not(None),
            col(EntitlementMark.adviser_done_at).is_(None),
        )
        .order_by(col(EntitlementMark.adviser_asked_at))
    ).all()
    found: dict[int, list[EntitlementMark]] = {}
    for row in rows:
        found.setdefault(row.young_person_id, []).append(row)
    return found


def question_done(session: Session, *, actor: Actor, young_person_id: int, slug: str) -> None:
    """The adviser has helped: the task leaves the caseload. Audited."""
    identity_service.young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
    mark = session.get(EntitlementMark, (young_person_id, slug))
    if mark is None or mark.adviser_asked_at is None:
        raise NotFound()
    mark.adviser_done_at = clock.now()
    session.add(mark)
    audit_record(
        session,
        actor=actor,
        action="entitlement_question.done",
        subject_id=young_person_id,
        object_type="entitlement",
        object_id=slug,
    )
    session.commit()


PAGES_DIR = ROOT / "content" / "pages"


@dataclass(frozen=True)
class Page:
    title: str
    summary: str
    body: str
    sources: tuple[str, ...]
    last_checked: date


@lru_cache
def content_page(name: str) -> Page:
    """A page of plain words from content/pages (front matter: title, summary, sources,
    last_checked)."""
    import frontmatter

    post = frontmatter.load(PAGES_DIR / f"{name}.md")
    return Page(
        title=post["title"],
        summary=post["summary"],
        body=post.content.strip(),
        sources=tuple(post["sources"]),
        last_checked=post["last_checked"],
    )


# ------------------------------------------------------------ council amounts
def council_amounts(session: Session, *, tenant_id: int) -> dict[str, CouncilAmount]:
    rows = session.exec(select(CouncilAmount).where(CouncilAmount.tenant_id == tenant_id)).all()
    return {row.setting: row for row in rows}


def council_settings() -> dict[str, list[Entitlement]]:
    """Every council amount setting named by the content, with the entitlements that use it."""
    found: dict[str, list[Entitlement]] = {}
    for item in catalogue().values():
        if item.council_setting:
            found.setdefault(item.council_setting, []).append(item)
    return found


AMOUNT_MAX = 120


def council_amounts_update(session: Session, *, actor: Actor, values: dict[str, str]) -> None:
    """An admin sets their council's amounts (an empty value removes one). Audited
    with the before and after; takes effect at once."""
    if not actor.is_staff or not actor.can(COUNCIL_AMOUNTS_EDIT):
        raise Forbidden()
    unknown = set(values) - set(council_settings())
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    held = council_amounts(session, tenant_id=actor.tenant_id)
    before = {k: v.amount for k, v in held.items()}
    for setting, text in values.items():
        text = text.strip()
        row = held.get(setting)
        if not text:
            if row is not None:
                session.delete(row)
            continue
        if len(text) > AMOUNT_MAX:
            raise ValueError(f"{setting} too long")
        row = row or CouncilAmount(tenant_id=actor.tenant_id, setting=setting, amount=text)
        row.amount, row.updated_at, row.updated_by_id = text, clock.now(), actor.user_id
        session.add(row)
    after = {k: v.strip() for k, v in values.items() if v.strip()}
    audit_record(
        session,
        actor=actor,
        action="council_amounts.update",
        object_type="council_amounts",
        object_id=actor.tenant_id,
        detail={"before": before, "after": {**{k: v for k, v in before.items() if k not in values}, **after}},
    )
    session.commit()


# ------------------------------------------------------------ content status
STALE_AFTER_DAYS = 365


def stale_content(today: date | None = None) -> list[Entitlement]:
    """Entitlements whose last check against their sources is over 12 months old,
    oldest first."""
    today = today or clock.today()
    return sorted(
        (e for e in catalogue().values() if (today - e.last_checked).days > STALE_AFTER_DAYS),
        key=lambda e: e.last_checked,
    )


# ------------------------------------------------------------ "this is wrong"
NOTE_MAX = 1000


def facts_report(session: Session, *, actor: Actor, note: str) -> FactsReport:
    """The young person says something we hold is wrong: their adviser is told and sees
    it on the record page until they mark it dealt with."""
    if not actor.is_young_person:
        raise Forbidden()
    if len(note) > NOTE_MAX:
        raise ValueError("note too long")
    report = FactsReport(tenant_id=actor.tenant_id, young_person_id=actor.user_id, note=note.strip())
    session.add(report)
    intake.take(
        session, field="facts_report.note", text=report.note, tenant_id=actor.tenant_id, young_person_id=actor.user_id
    )
    notifications.tell_workers(session, actor=actor, kind="facts_reported", anchor="#facts")
    session.commit()
    return report


def open_facts_reports(session: Session, *, young_person_id: int) -> list[FactsReport]:
    return list(
        session.exec(
            select(FactsReport)
            .where(FactsReport.young_person_id == young_person_id, col(FactsReport.resolved_at).is_(None))
            .order_by(col(FactsReport.created_at))
        ).all()
    )


def facts_report_done(session: Session, *, actor: Actor, young_person_id: int, report_id: int) -> None:
    identity_service.young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
    report = session.get(FactsReport, report_id)
    if report is None or report.young_person_id != young_person_id or report.resolved_at is not None:
        raise NotFound()
    report.resolved_at, report.resolved_by_id = clock.now(), actor.user_id
    session.add(report)
    audit_record(
        session,
        actor=actor,
        action="facts_report.done",
        subject_id=young_person_id,
        object_type="facts_report",
        object_id=report_id,
    )
    session.commit()

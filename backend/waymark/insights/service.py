"""Insights for a council: themes from moderated answers, trends by quarter, feelings
and choices, representative quotes, and who we are (not) hearing from.

Every number comes from the tallies (insights/tally.py), never from scanning answers,
and passes through insights/disclosure.py once, so a count shown in two places is shown
the same way in both. Only participation officers, managers and panel members of the
council see it (checked here), and quotes only where the young person allowed them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from waymark import clock
from waymark.admin.service import council_staff
from waymark.audit.service import audit_record
from waymark.consultations.models import APPROVED, DRAFT, Answer, Consultation, Question, Response
from waymark.contacts.models import ContactStatus
from waymark.entitlements.models import YoungPersonFacts
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Tenant, User
from waymark.identity.permissions import INSIGHTS_VIEW, THEME_LEADS_EDIT, Forbidden
from waymark.identity.service import NotFound
from waymark.insights import disclosure
from waymark.insights.disclosure import Cell, Partition
from waymark.insights.models import UNKNOWN, AnswerTally, ResponseTally, ThemeGroupTally, ThemeLead, ThemeTally
from waymark.insights.tally import RECENT_CONTACT_MONTHS
from waymark.moderation import themes as theme_list
from waymark.updates.models import Update

K = TypeVar("K", str, int)
DIMENSIONS = ("age_band", "care_status", "send", "recent_contact")
GROUPS: dict[str, tuple[str, ...]] = {
    "age_band": ("under_13", "13_15", "16_17", "18_20", "21_25", UNKNOWN),
    "care_status": ("eligible", "relevant", "former_relevant", "qualifying", UNKNOWN),
    "send": ("yes", "no", UNKNOWN),
    "recent_contact": ("yes", "no", UNKNOWN),
}
QUOTES_PER_THEME = 3


def lead_names(session: Session, *, tenant_id: int) -> dict[str, str]:
    """Each theme's lead, by name (themes without one are left out)."""
    return dict(
        session.exec(
            select(ThemeLead.theme, User.full_name)
            .join(User, col(User.id) == col(ThemeLead.user_id))
            .where(ThemeLead.tenant_id == tenant_id)
        ).all()
    )


def require_viewer(actor: Actor) -> None:
    if not actor.can(INSIGHTS_VIEW):
        raise Forbidden()


@dataclass(frozen=True)
class ThemeRow:
    key: str
    lead: str | None
    total: Cell
    by_quarter: Partition[str]
    by_consultation: Partition[int]
    quotes: list[str]


@dataclass(frozen=True)
class Comparison:
    """Who answered, beside the council's young people, for one way of grouping."""

    dimension: str
    responders: Partition[str]
    cohort: Partition[str]
    missing: list[str]  # groups the council has but nobody in them answered
    fewer: list[str]  # groups whose share of answers is under half their share of the cohort


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    result: Partition[str]


@dataclass
class Insights:
    threshold: int
    consultations: list[Consultation]
    responses: Partition[int]  # responses per consultation
    selected: Consultation | None
    themes: list[ThemeRow]
    quarters: list[str]
    questions: list[QuestionResult] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def scope_total(self) -> Cell:
        """Responses in view: one consultation's, or all."""
        if self.selected is None:
            return self.responses.total
        return self.responses.parts[self.selected.id or 0]

    def theme_cell(self, row: ThemeRow) -> Cell:
        return row.total if self.selected is None else row.by_consultation.parts[self.selected.id or 0]


def _consultations(session: Session, tenant_id: int) -> list[Consultation]:
    return list(
        session.exec(
            select(Consultation)
            .where(Consultation.tenant_id == tenant_id, Consultation.state != DRAFT)
            .order_by(col(Consultation.opens_on).desc(), col(Consultation.id).desc())
        ).all()
    )


def _cohort(session: Session, tenant_id: int, today: date) -> dict[str, dict[str, int]]:
    """The council's young people (active accounts and people imported), by group."""
    band = case(
        (col(User.date_of_birth).is_(None), UNKNOWN),
        (col(User.date_of_birth) > today - relativedelta(years=13), "under_13"),
        (col(User.date_of_birth) > today - relativedelta(years=16), "13_15"),
        (col(User.date_of_birth) > today - relativedelta(years=18), "16_17"),
        (col(User.date_of_birth) > today - relativedelta(years=21), "18_20"),
        (col(User.date_of_birth) > today - relativedelta(years=26), "21_25"),
        else_="over_25",
    )
    send = case((col(YoungPersonFacts.send).is_(None), UNKNOWN), (col(YoungPersonFacts.send), "yes"), else_="no")
    recent = case(
        (col(ContactStatus.last_contact_on).is_(None), "no"),
        (col(ContactStatus.last_contact_on) >= today - relativedelta(months=RECENT_CONTACT_MONTHS), "yes"),
        else_="no",
    )
    status = func.coalesce(col(User.care_status), UNKNOWN)
    rows = session.exec(
        select(band, status, send, recent, func.count())
        .select_from(User)
        .outerjoin(YoungPersonFacts, col(YoungPersonFacts.young_person_id) == col(User.id))
        .outerjoin(ContactStatus, col(ContactStatus.young_person_id) == col(User.id))
        .where(
            User.tenant_id == tenant_id,
            User.kind == YOUNG_PERSON,
            col(User.is_active).is_(True),
            col(User.deleted_at).is_(None),
        )
        .group_by(band, status, send, recent)
    ).all()
    counts: dict[str, dict[str, int]] = {d: defaultdict(int) for d in DIMENSIONS}
    for age_band, care_status, send_value, recent_value, n in rows:
        if age_band == "over_25":
            continue
        for dimension, value in zip(DIMENSIONS, (age_band, care_status, send_value, recent_value), strict=True):
            counts[dimension][value] += n
    return counts


def limits(cells: dict[K, Cell], true_values: dict[K, int], threshold: int) -> dict[K, int]:
    """What other cells on the page say about upper limits on these counts: a shown
    count, or threshold-1 for "fewer than". Never below the true value (a wrong guess
    by a reader cannot recover anything)."""
    found = {}
    for k, cell in cells.items():
        if cell.kind == disclosure.SHOWN and cell.value is not None:
            found[k] = max(cell.value, true_values.get(k, 0))
        elif cell.kind == disclosure.FEWER:
            found[k] = max(threshold - 1, true_values.get(k, 0))
    return found


def _compare(
    dimension: str, responders: dict[str, int], cohort: dict[str, int], threshold: int, total_shown: bool
) -> Comparison:
    groups = GROUPS[dimension]
    have = disclosure.protect({g: cohort.get(g, 0) for g in groups}, threshold)
    said_counts = {g: responders.get(g, 0) for g in groups}
    said = disclosure.protect(
        said_counts,
        threshold,
        total_shown=total_shown,
        known_max=limits(have.parts, said_counts, threshold),  # a reader may assume no more answered than exist
    )
    missing, fewer = [], []
    if not said.withheld and not have.withheld and said.total.value and have.total.value:
        for g in groups:
            if g == UNKNOWN:
                continue
            answered, people = said.parts[g], have.parts[g]
            if people.kind == disclosure.SHOWN and (people.value or 0) == 0:
                continue
            if answered.kind == disclosure.SHOWN and answered.value == 0:
                missing.append(g)
            elif answered.shown and people.shown and people.value:
                share_said = (answered.value or 0) / said.total.value
                share_have = people.value / have.total.value
                if share_said < share_have / 2:
                    fewer.append(g)
    return Comparison(dimension=dimension, responders=said, cohort=have, missing=missing, fewer=fewer)


def _quotes(session: Session, tenant_id: int, consultation_id: int | None) -> dict[str, list[str]]:
    """A few recent moderated, redacted answers per theme, where quotes were allowed."""
    query = (
        select(Answer.published_text, Answer.themes)
        .join(Response, col(Response.id) == col(Answer.response_id))
        .where(
            Response.tenant_id == tenant_id,
            col(Response.quotes_allowed).is_(True),
            Answer.moderation == APPROVED,
            col(Answer.published_text).is_not(None),
        )
        .order_by(col(Answer.moderated_at).desc())
        .limit(500)
    )
    if consultation_id is not None:
        query = query.where(Response.consultation_id == consultation_id)
    quotes: dict[str, list[str]] = defaultdict(list)
    for text, answer_themes in session.exec(query):
        for theme in answer_themes or []:
            if len(quotes[theme]) < QUOTES_PER_THEME and text and text not in quotes[theme]:
                quotes[theme].append(text)
    return quotes


def insights(session: Session, *, actor: Actor, consultation_id: int | None = None, export: bool = False) -> Insights:
    """Everything on the insights page (or in its export, with the export threshold)."""
    require_viewer(actor)
    tenant = session.get(Tenant, actor.tenant_id)
    assert tenant is not None
    threshold = tenant.export_threshold if export else tenant.disclosure_threshold
    consultations = _consultations(session, actor.tenant_id)
    selected = None
    if consultation_id is not None:
        selected = next((c for c in consultations if c.id == consultation_id), None)
        if selected is None:
            raise NotFound()
    ids = [c.id or 0 for c in consultations]

    per_consultation: dict[int, int] = defaultdict(int)
    responders: dict[str, dict[str, int]] = {d: defaultdict(int) for d in DIMENSIONS}
    for row in session.exec(select(ResponseTally).where(ResponseTally.tenant_id == actor.tenant_id)):
        per_consultation[row.consultation_id] += row.responses
        if selected is None or row.consultation_id == selected.id:
            for dimension in DIMENSIONS:
                responders[dimension][getattr(row, dimension)] += row.responses
    responses = disclosure.protect({i: per_consultation.get(i, 0) for i in ids}, threshold)

    by_theme_quarter: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_theme_consultation: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for tally in session.exec(select(ThemeTally).where(ThemeTally.tenant_id == actor.tenant_id)):
        by_theme_quarter[tally.theme][tally.quarter] += tally.responses
        by_theme_consultation[tally.theme][tally.consultation_id] += tally.responses
    quarters = sorted({q for counts in by_theme_quarter.values() for q, n in counts.items() if n})
    leads = lead_names(session, tenant_id=actor.tenant_id)
    quotes = _quotes(session, actor.tenant_id, selected.id if selected else None)
    rows = []
    for key in theme_list.keys():
        counts = {i: by_theme_consultation[key].get(i, 0) for i in ids}
        # A theme's responses in a consultation are at most that consultation's responses.
        by_consultation = disclosure.protect(counts, threshold, known_max=limits(responses.parts, counts, threshold))
        by_quarter = disclosure.protect({q: by_theme_quarter[key].get(q, 0) for q in quarters}, threshold)
        rows.append(
            ThemeRow(
                key=key,
                lead=leads.get(key),
                total=by_consultation.total,
                by_quarter=by_quarter,
                by_consultation=by_consultation,
                quotes=quotes.get(key, []),
            )
        )
    result = Insights(
        threshold=threshold,
        consultations=consultations,
        responses=responses,
        selected=selected,
        themes=rows,
        quarters=quarters,
    )
    # Comparisons share the total of responses in view: shown only if it is shown exactly.
    total_shown = result.scope_total.kind == disclosure.SHOWN
    cohort = _cohort(session, actor.tenant_id, clock.today())
    result.comparisons = [_compare(d, responders[d], cohort[d], threshold, total_shown) for d in DIMENSIONS]
    if selected is not None:
        result.questions = _question_results(session, selected, threshold)
    return result


def _question_results(session: Session, consultation: Consultation, threshold: int) -> list[QuestionResult]:
    questions = session.exec(
        select(Question)
        .where(Question.consultation_id == consultation.id, col(Question.kind).in_(["feelings", "single", "multiple"]))
        .order_by(col(Question.position))
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for tally in session.exec(select(AnswerTally).where(AnswerTally.consultation_id == consultation.id)):
        counts[tally.question_id][tally.value] = tally.answers
    results = []
    for question in questions:
        values: Sequence[str] = [str(i) for i in range(1, 6)] if question.kind == "feelings" else question.options
        # Several choices per person make no total: each count stands on its own.
        if question.kind == "multiple":
            cells = {v: disclosure.single(counts[question.id or 0].get(v, 0), threshold) for v in values}
            result = Partition(total=disclosure.Cell(disclosure.HIDDEN), parts=cells, withheld=False)
        else:
            result = disclosure.protect({v: counts[question.id or 0].get(v, 0) for v in values}, threshold)
        results.append(QuestionResult(question=question, result=result))
    return results


# ------------------------------------------------------------- theme reports
@dataclass(frozen=True)
class ThemeReport:
    row: ThemeRow
    threshold: int
    quarters: list[str]
    consultations: list[Consultation]
    comparisons: list[Comparison]  # who raised this theme, beside the council's young people
    updates: list  # You Said We Did updates on this theme, newest first


def theme_report(session: Session, *, actor: Actor, theme: str) -> ThemeReport:
    """One theme for a committee paper: its counts by consultation and quarter, who
    raised it, quotes and updates, all with the same disclosure control as insights."""
    if theme not in theme_list.keys():
        raise NotFound()
    data = insights(session, actor=actor)
    row = next(r for r in data.themes if r.key == theme)
    counts: dict[str, dict[str, int]] = {d: defaultdict(int) for d in DIMENSIONS}
    for tally in session.exec(
        select(ThemeGroupTally).where(ThemeGroupTally.tenant_id == actor.tenant_id, ThemeGroupTally.theme == theme)
    ):
        if tally.dimension in counts:
            counts[tally.dimension][tally.grp] += tally.responses
    cohort = _cohort(session, actor.tenant_id, clock.today())
    shown_total = row.total.kind == disclosure.SHOWN
    comparisons = [_compare(d, counts[d], cohort[d], data.threshold, shown_total) for d in DIMENSIONS]
    updates = [
        u
        for u in session.exec(
            select(Update).where(Update.tenant_id == actor.tenant_id).order_by(col(Update.happened_on).desc())
        ).all()
        if theme in u.themes
    ]
    return ThemeReport(
        row=row,
        threshold=data.threshold,
        quarters=data.quarters,
        consultations=data.consultations,
        comparisons=comparisons,
        updates=updates,
    )


def leads_for(session: Session, *, actor: Actor) -> dict[str, int]:
    require_viewer(actor)
    rows = session.exec(select(ThemeLead.theme, ThemeLead.user_id).where(ThemeLead.tenant_id == actor.tenant_id))
    return dict(rows.all())


def set_leads(session: Session, *, actor: Actor, leads: dict[str, int | None]) -> None:
    """Name (or clear) each theme's lead: a member of the council's staff."""
    if not actor.can(THEME_LEADS_EDIT):
        raise Forbidden()

    staff = {u.id for u in council_staff(session, tenant_id=actor.tenant_id) if u.is_active}
    if any(theme not in theme_list.keys() for theme in leads) or any(
        user_id is not None and user_id not in staff for user_id in leads.values()
    ):
        raise NotFound()
    held = {t.theme: t for t in session.exec(select(ThemeLead).where(ThemeLead.tenant_id == actor.tenant_id))}
    changes = {}
    for theme, user_id in leads.items():
        row = held.get(theme)
        before = row.user_id if row else None
        if before == user_id:
            continue
        changes[theme] = [before, user_id]
        if user_id is None and row is not None:
            session.delete(row)
        elif row is None:
            session.add(ThemeLead(tenant_id=actor.tenant_id, theme=theme, user_id=user_id or 0))
        else:
            row.user_id = user_id or 0
            session.add(row)
    if changes:
        audit_record(
            session, actor=actor, action="theme_leads.update", object_type="theme_lead", detail={"changes": changes}
        )
    session.commit()

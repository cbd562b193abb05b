"""Insights for a council: themes from moderated answers, trends by quarter, feelings
and choices, representative quotes, and who we are (not) hearing from.

Every number comes from the tallies (insights/tally.py), never from scanning answers.
All of a council's counts, and how they add up, form one publication (``published``)
that insights/disclosure.py decides once for the screen and once for the export; the
overview, each consultation's view, each theme report, the print layout and the CSV all
read those two decisions, so no page can show what another hides. Only participation
officers, managers and panel members of the council see it (checked here), and quotes
only where the young person allowed them.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

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
from waymark.insights import disclosure, tally
from waymark.insights.disclosure import Cell, Partition
from waymark.insights.models import UNKNOWN, AnswerTally, ResponseTally, ThemeGroupTally, ThemeLead, ThemeTally
from waymark.moderation import themes as theme_list
from waymark.updates.models import Update

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
    decision: disclosure.Decision | None = field(default=None, repr=False)  # what every figure above reads

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
        (col(ContactStatus.last_contact_on) >= today - relativedelta(months=tally.RECENT_CONTACT_MONTHS), "yes"),
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


def _comparison(dimension: str, responders: Partition[str], cohort: Partition[str]) -> Comparison:
    """Who answered beside the council's young people, and which groups we are missing."""
    missing, fewer = [], []
    said, have = responders, cohort
    if not said.withheld and not have.withheld and said.total.value and have.total.value:
        for g in GROUPS[dimension]:
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


# ------------------------------------------------------------- the publication
@dataclass(frozen=True)
class Published:
    """Every count the council's insights pages and export may show, decided once per
    threshold (insights/disclosure.py), with what the pages need to lay them out."""

    consultations: list[Consultation]
    quarters: list[str]  # quarters in which some theme was raised
    questions: dict[int, list[Question]]  # feelings and choice questions, by consultation
    screen: disclosure.Decision
    export: disclosure.Decision


def _quarters(start: date, end: date) -> list[str]:
    found, moment = [], date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while moment <= end:
        found.append(tally.quarter_of(moment))
        moment += relativedelta(months=3)
    return found


def _group(dimension: str, value: str) -> str:
    return value if value in GROUPS[dimension] else UNKNOWN


@dataclass(frozen=True)
class _Reading:
    """What the decision depends on, as plain values (its cache key)."""

    today: date
    thresholds: tuple[int, int]
    consultations: tuple[tuple[int, date, date], ...]
    responses: tuple[tuple[int, str, str, str, str, int], ...]
    cohort: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    themes: tuple[tuple[str, int, str, int], ...]
    theme_groups: tuple[tuple[str, str, str, int], ...]
    questions: tuple[tuple[int, int, str, tuple[str, ...]], ...]
    answers: tuple[tuple[int, str, int], ...]


def _read(session: Session, tenant: Tenant, consultations: list[Consultation], questions, today: date) -> _Reading:
    tenant_id = tenant.id or 0
    cohort = _cohort(session, tenant_id, today)
    return _Reading(
        today=today,
        thresholds=(tenant.disclosure_threshold, max(tenant.export_threshold, tenant.disclosure_threshold)),
        consultations=tuple((c.id or 0, c.opens_on, c.closes_on) for c in consultations),
        responses=tuple(
            sorted(
                (r.consultation_id, r.age_band, r.care_status, r.send, r.recent_contact, r.responses)
                for r in session.exec(select(ResponseTally).where(ResponseTally.tenant_id == tenant_id))
            )
        ),
        cohort=tuple((d, tuple(sorted(cohort[d].items()))) for d in DIMENSIONS),
        themes=tuple(
            sorted(
                (t.theme, t.consultation_id, t.quarter, t.responses)
                for t in session.exec(select(ThemeTally).where(ThemeTally.tenant_id == tenant_id))
            )
        ),
        theme_groups=tuple(
            sorted(
                (g.theme, g.dimension, g.grp, g.responses)
                for g in session.exec(select(ThemeGroupTally).where(ThemeGroupTally.tenant_id == tenant_id))
            )
        ),
        questions=tuple(
            (q.consultation_id, q.id or 0, q.kind, tuple(_values(q))) for listed in questions.values() for q in listed
        ),
        answers=tuple(
            sorted(
                (a.question_id, a.value, a.answers)
                for a in session.exec(select(AnswerTally).where(AnswerTally.tenant_id == tenant_id))
            )
        ),
    )


def _spans(reading: _Reading) -> dict[int, set[str]]:
    """The quarters each consultation was open in (and any its answers are counted in)."""
    spans = {c: set(_quarters(opens, min(closes, reading.today))) for c, opens, closes in reading.consultations}
    for _t, c, q, n in reading.themes:
        if c in spans and n:
            spans[c].add(q)
    return spans


def _publication(reading: _Reading) -> disclosure.Publication:
    """Every count about the council's responses, themes, answers and young people, as
    one linked publication: how the tables add up and what a reader can infer."""
    ids = [c for c, _o, _c in reading.consultations]
    known = set(ids)
    pub = disclosure.Publication()

    # Responses: by consultation, and by group overall and in each consultation.
    cells: dict[tuple, int] = defaultdict(int)
    for cid, *values, n in reading.responses:
        if cid not in known:
            continue
        cells[("R", cid)] += n
        for d, value in zip(DIMENSIONS, values, strict=True):
            cells[("X", cid, d, _group(d, value))] += n
    pub.count(("N",), sum(cells[("R", c)] for c in ids))
    for c in ids:
        pub.count(("R", c), cells[("R", c)])
    pub.table(("N",), [("R", c) for c in ids])
    for d in DIMENSIONS:
        for g in GROUPS[d]:
            pub.count(("G", d, g), sum(cells[("X", c, d, g)] for c in ids))
            for c in ids:
                pub.count(("X", c, d, g), cells[("X", c, d, g)])
            pub.table(("G", d, g), [("X", c, d, g) for c in ids], displayed=False)
        pub.table(("N",), [("G", d, g) for g in GROUPS[d]])
        for c in ids:
            pub.table(("R", c), [("X", c, d, g) for g in GROUPS[d]])

    # The council's young people, by group (a reader may take it that no more of a
    # group answered a consultation than the council has).
    cohort = {d: dict(items) for d, items in reading.cohort}
    pub.count(("PN",), sum(cohort["age_band"].values()))
    for d in DIMENSIONS:
        for g in GROUPS[d]:
            pub.count(("P", d, g), cohort[d].get(g, 0))
            for c in ids:
                pub.at_most(("X", c, d, g), ("P", d, g))
        pub.table(("PN",), [("P", d, g) for g in GROUPS[d]])

    # Themes: by consultation, by quarter (through the unpublished counts of each
    # consultation in each quarter it was open), and by group.
    spans = _spans(reading)
    every_quarter = sorted(set().union(*spans.values())) if spans else []
    by_cq: dict[tuple[str, int, str], int] = defaultdict(int)
    by_c: dict[tuple[str, int], int] = defaultdict(int)
    by_q: dict[tuple[str, str], int] = defaultdict(int)
    for theme, c, q, n in reading.themes:
        if c in known and n:
            by_cq[(theme, c, q)] += n
            by_c[(theme, c)] += n
            by_q[(theme, q)] += n
    groups: dict[tuple[str, str, str], int] = defaultdict(int)
    for theme, dimension, grp, n in reading.theme_groups:
        if dimension in GROUPS:
            groups[(theme, dimension, _group(dimension, grp))] += n
    for key in theme_list.keys():
        theme_total = sum(by_c[(key, c)] for c in ids)
        pub.count(("T", key), theme_total)
        pub.at_most(("T", key), ("N",))
        for c in ids:
            pub.count(("TC", key, c), by_c[(key, c)])
            pub.at_most(("TC", key, c), ("R", c))
            for q in sorted(spans[c]):
                pub.count(("TCQ", key, c, q), by_cq.get((key, c, q), 0), published=False)
            pub.table(("TC", key, c), [("TCQ", key, c, q) for q in sorted(spans[c])], displayed=False)
        for q in every_quarter:
            pub.count(("TQ", key, q), by_q[(key, q)])
            pub.table(("TQ", key, q), [("TCQ", key, c, q) for c in ids if q in spans[c]], displayed=False)
        pub.table(("T", key), [("TC", key, c) for c in ids])
        pub.table(("T", key), [("TQ", key, q) for q in every_quarter])
        for d in DIMENSIONS:
            parts = {g: groups.get((key, d, g), 0) for g in GROUPS[d]}
            in_step = sum(parts.values()) == theme_total  # else the tallies are out of step: show no groups
            for g, n in parts.items():
                pub.count(("TG", key, d, g), n, published=in_step)
                pub.at_most(("TG", key, d, g), ("G", d, g))
            if in_step:
                pub.table(("T", key), [("TG", key, d, g) for g in GROUPS[d]])
                # What links a theme's groups to each consultation's groups: the theme's
                # responses from one consultation and one group (never kept or shown)
                # are at most that consultation's responses from the group.
                raised_in = [c for c in ids if by_c[(key, c)]]
                for c in raised_in:
                    for g in GROUPS[d]:
                        pub.count(("Y", key, c, d, g), None, published=False)
                        pub.at_most(("Y", key, c, d, g), ("X", c, d, g))
                    pub.table(("TC", key, c), [("Y", key, c, d, g) for g in GROUPS[d]], displayed=False)
                for g in GROUPS[d]:
                    pub.table(("TG", key, d, g), [("Y", key, c, d, g) for c in raised_in], displayed=False)

    # Feelings and choices, by consultation.
    answers = {(qid, value): n for qid, value, n in reading.answers}
    for c, qid, kind, values in reading.questions:
        keys = [("A", qid, v) for v in values]
        for key in keys:
            pub.count(key, answers.get((qid, key[2]), 0))
            pub.at_most(key, ("R", c))
        if kind != "multiple":
            pub.count(("AN", qid), sum(pub.values[k] for k in keys))
            pub.at_most(("AN", qid), ("R", c))
            pub.table(("AN", qid), keys)
    return pub


def _values(question: Question) -> Sequence[str]:
    return [str(i) for i in range(1, 6)] if question.kind == "feelings" else question.options


_DECIDED: OrderedDict[str, tuple[disclosure.Decision, disclosure.Decision]] = OrderedDict()


def published(session: Session, *, tenant_id: int) -> Published:
    """The council's insights, decided once for the screen and once for the export
    (which also keeps safe whatever the screen hides, for someone who has both).
    Decisions are kept in memory while the counts stay the same."""
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    consultations = _consultations(session, tenant_id)
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in session.exec(
        select(Question)
        .where(
            col(Question.consultation_id).in_([c.id for c in consultations]),
            col(Question.kind).in_(["feelings", "single", "multiple"]),
        )
        .order_by(col(Question.consultation_id), col(Question.position))
    ):
        questions[question.consultation_id].append(question)
    reading = _read(session, tenant, consultations, questions, clock.today())
    fingerprint = hashlib.sha256(repr(reading).encode()).hexdigest()
    if fingerprint in _DECIDED:
        _DECIDED.move_to_end(fingerprint)
        screen, export = _DECIDED[fingerprint]
    else:
        pub = _publication(reading)
        low, high = reading.thresholds
        screen = pub.decide(low)
        export = pub.decide(high, prior=screen) if high > low else screen
        _DECIDED[fingerprint] = (screen, export)
        while len(_DECIDED) > 32:
            _DECIDED.popitem(last=False)
    ids = {c.id for c in consultations}
    quarters = sorted({q for _t, c, q, n in reading.themes if n and c in ids})
    return Published(
        consultations=consultations, quarters=quarters, questions=dict(questions), screen=screen, export=export
    )


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
    shared = published(session, tenant_id=actor.tenant_id)
    decision = shared.export if export else shared.screen
    consultations = shared.consultations
    selected = None
    if consultation_id is not None:
        selected = next((c for c in consultations if c.id == consultation_id), None)
        if selected is None:
            raise NotFound()
    ids = [c.id or 0 for c in consultations]
    leads = lead_names(session, tenant_id=actor.tenant_id)
    quotes = _quotes(session, actor.tenant_id, selected.id if selected else None)
    rows = [
        ThemeRow(
            key=key,
            lead=leads.get(key),
            total=decision.cell(("T", key)),
            by_quarter=decision.partition(("T", key), {q: ("TQ", key, q) for q in shared.quarters}),
            by_consultation=decision.partition(("T", key), {c: ("TC", key, c) for c in ids}),
            quotes=quotes.get(key, []),
        )
        for key in theme_list.keys()
    ]
    scope = ("N",) if selected is None else ("R", selected.id)
    comparisons = [
        _comparison(
            d,
            decision.partition(
                scope, {g: ("G", d, g) if selected is None else ("X", selected.id, d, g) for g in GROUPS[d]}
            ),
            decision.partition(("PN",), {g: ("P", d, g) for g in GROUPS[d]}),
        )
        for d in DIMENSIONS
    ]
    questions = []
    if selected is not None:
        for question in shared.questions.get(selected.id or 0, []):
            parts = {v: ("A", question.id, v) for v in _values(question)}
            if question.kind == "multiple":  # several choices per person make no total
                result = Partition(
                    total=Cell(disclosure.HIDDEN), parts={v: decision.cell(k) for v, k in parts.items()}, withheld=False
                )
            else:
                result = decision.partition(("AN", question.id), parts)
            questions.append(QuestionResult(question=question, result=result))
    return Insights(
        threshold=decision.threshold,
        consultations=consultations,
        responses=decision.partition(("N",), {c: ("R", c) for c in ids}),
        selected=selected,
        themes=rows,
        quarters=shared.quarters,
        questions=questions,
        comparisons=comparisons,
        decision=decision,
    )


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
    decision = data.decision
    assert decision is not None
    comparisons = [
        _comparison(
            d,
            decision.partition(("T", theme), {g: ("TG", theme, d, g) for g in GROUPS[d]}),
            decision.partition(("PN",), {g: ("P", d, g) for g in GROUPS[d]}),
        )
        for d in DIMENSIONS
    ]
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

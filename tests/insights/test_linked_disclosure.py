"""Disclosure across every page and the export, against a reader who has them all.

The attacker here is written without the service's model of how the tables link: it
knows only that the council's responses are records (a consultation, a quarter that
consultation was open in, its themes, its answer to a choice question, and a group in
each way of grouping) and reads every figure published about them: the overview and
its print layout (the same page), every consultation's page, every theme report, and
the CSV export of each (at the export threshold). Each figure is a sum of record
counts; an integer program (scipy's milp) then finds the least and most each count
could be. A count under a threshold that is not shown must still have two possible
values: the screen's from everything together, the export's from the export alone.

Because no figure crosses two ways of grouping, the records can be counted per
(consultation, quarter, themes, choice) with a separate split into groups for each way
of grouping: any such splits fit together into whole records, so this loses nothing.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from tests import factories
from tests.factories import actor
from waymark.consultations.models import CLOSED, Consultation, Question
from waymark.identity.models import Tenant
from waymark.insights import disclosure, service, tally
from waymark.insights.models import AnswerTally, ResponseTally, ThemeGroupTally, ThemeTally
from waymark.insights.service import DIMENSIONS, GROUPS

THEMES = ("housing", "money")
CHOICES = (None, "Yes", "No")
QUARTER_STARTS = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)]


@st.composite
def councils(draw):
    """A few consultations (open in one or two quarters) and the responses to them."""
    n_consultations = draw(st.integers(1, 3))
    spans = []
    for _ in range(n_consultations):
        first = draw(st.integers(0, 2))
        spans.append(list(range(first, first + draw(st.integers(1, 2)))))
    record = st.tuples(
        st.integers(0, n_consultations - 1),
        st.integers(0, 1),  # which quarter of its consultation's span
        st.frozensets(st.sampled_from(THEMES)),
        st.sampled_from(CHOICES),
        *[st.sampled_from((*GROUPS[d][:3], GROUPS[d][-1])) for d in DIMENSIONS],
    )
    records = draw(st.lists(record, min_size=0, max_size=28))
    fixed = [
        (c, spans[c][min(q, len(spans[c]) - 1)], themes, choice, *groups) for c, q, themes, choice, *groups in records
    ]
    return spans, fixed


def _seed(db_session, spans, records):
    """A council holding these responses, as the tallies the service reads."""
    tenant = factories.make_tenant(db_session)
    officer = factories.make_staff(db_session, tenant, "participation_officer")
    consultations, questions = [], []
    for i, span in enumerate(spans):
        c = Consultation(
            tenant_id=tenant.id,
            title=f"Consultation {i}",
            summary="",
            opens_on=QUARTER_STARTS[span[0]],
            closes_on=QUARTER_STARTS[span[-1]].replace(day=20),
            state=CLOSED,
            created_by_id=officer.id,
        )
        db_session.add(c)
        db_session.flush()
        q = Question(consultation_id=c.id, kind="single", text="Did it help?", options=["Yes", "No"])
        db_session.add(q)
        db_session.flush()
        consultations.append(c)
        questions.append(q)
    responses, themes, theme_groups, answers = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    for c, quarter, record_themes, choice, *groups in records:
        responses[(c, *groups)] += 1
        for theme in record_themes:
            themes[(c, theme, tally.quarter_of(QUARTER_STARTS[quarter]))] += 1
            for d, g in zip(DIMENSIONS, groups, strict=True):
                theme_groups[(theme, d, g)] += 1
        if choice:
            answers[(c, choice)] += 1
    for (c, *groups), n in responses.items():
        db_session.add(
            ResponseTally(
                tenant_id=tenant.id,
                consultation_id=consultations[c].id,
                **dict(zip(DIMENSIONS, groups, strict=True)),
                responses=n,
            )
        )
    for (c, theme, quarter), n in themes.items():
        db_session.add(
            ThemeTally(
                tenant_id=tenant.id, consultation_id=consultations[c].id, theme=theme, quarter=quarter, responses=n
            )
        )
    for (theme, d, g), n in theme_groups.items():
        db_session.add(ThemeGroupTally(tenant_id=tenant.id, theme=theme, dimension=d, grp=g, responses=n))
    for (c, choice), n in answers.items():
        db_session.add(
            AnswerTally(
                tenant_id=tenant.id,
                consultation_id=consultations[c].id,
                question_id=questions[c].id,
                value=choice,
                answers=n,
            )
        )
    db_session.commit()
    return actor(db_session, officer), consultations


# ------------------------------------------------------------------ the reader
class Reader:
    """Every figure published, as (what it counts, the least and most it can be)."""

    def __init__(self) -> None:
        self.known: dict[tuple, list[tuple[float, float]]] = defaultdict(list)

    def cell(self, figure: tuple, cell: disclosure.Cell, *, any_value: bool = False) -> None:
        if cell.kind == disclosure.SHOWN:
            self.known[figure].append((cell.value, cell.value))
        elif cell.kind == disclosure.FEWER:
            self.known[figure].append((1, cell.threshold - 1))
        else:  # hidden: at least the threshold, unless its whole table is withheld
            self.known[figure].append((0, np.inf) if any_value else (cell.threshold, np.inf))

    def partition(self, total: tuple, parts: dict[tuple, disclosure.Cell], result: disclosure.Partition) -> None:
        self.cell(total, result.total, any_value=True)
        for figure, cell in parts.items():
            self.cell(figure, cell, any_value=result.withheld)
        if not result.withheld and result.total.shown:
            self.known[("sum", total, tuple(parts))].append((0, 0))  # the parts add up to the total

    def bounds(self, figure: tuple) -> tuple[float, float]:
        lows, highs = zip(*self.known[figure], strict=True)
        return max(lows), min(highs)


def read_everything(db_session, officer, consultations, *, export: bool) -> Reader:
    reader = Reader()
    overview = service.insights(db_session, actor=officer, export=export)
    ids = [c.id for c in consultations]
    reader.partition(("N",), {("R", c): overview.responses.parts[c] for c in ids}, overview.responses)
    for row in overview.themes:
        reader.cell(("T", row.key), row.total, any_value=True)
        reader.partition(
            ("T", row.key), {("TC", row.key, c): row.by_consultation.parts[c] for c in ids}, row.by_consultation
        )
        reader.partition(
            ("T", row.key),
            {("TQ", row.key, q): row.by_quarter.parts[q] for q in overview.quarters},
            row.by_quarter,
        )
    for comparison in overview.comparisons:
        d = comparison.dimension
        reader.partition(
            ("N",), {("G", d, g): comparison.responders.parts[g] for g in GROUPS[d]}, comparison.responders
        )
    for c in ids:
        page = service.insights(db_session, actor=officer, consultation_id=c, export=export)
        reader.cell(("R", c), page.scope_total, any_value=True)
        for row in page.themes:
            reader.cell(("TC", row.key, c), page.theme_cell(row), any_value=True)
        for comparison in page.comparisons:
            d = comparison.dimension
            reader.partition(
                ("R", c), {("X", c, d, g): comparison.responders.parts[g] for g in GROUPS[d]}, comparison.responders
            )
        for result in page.questions:
            reader.partition(("AN", c), {("A", c, v): result.result.parts[v] for v in ("Yes", "No")}, result.result)
    if not export:  # theme reports are pages only
        for theme in THEMES:
            report = service.theme_report(db_session, actor=officer, theme=theme)
            for comparison in report.comparisons:
                d = comparison.dimension
                reader.partition(
                    ("T", theme),
                    {("TG", theme, d, g): comparison.responders.parts[g] for g in GROUPS[d]},
                    comparison.responders,
                )
    return reader


# ---------------------------------------------------------------- the attacker
class Attacker:
    """Record counts that fit what a reader saw, found with integer programs."""

    def __init__(self, spans, ids, readers: list[Reader]) -> None:
        self.ids = ids
        themesets = [frozenset(s) for r in range(len(THEMES) + 1) for s in itertools.combinations(THEMES, r)]
        self.types = [
            (c, q, ts, ch) for c, span in enumerate(spans) for q in span for ts in themesets for ch in CHOICES
        ]
        names = [("n", t) for t in self.types]
        names += [("z", d, t, g) for d in DIMENSIONS for t in self.types for g in GROUPS[d]]
        self.index = {name: i for i, name in enumerate(names)}
        rows, low, high = [], [], []
        for t in self.types:  # each record type splits into groups, one way of grouping at a time
            for d in DIMENSIONS:
                row = {("n", t): 1, **{("z", d, t, g): -1 for g in GROUPS[d]}}
                rows.append(row), low.append(0), high.append(0)
        for reader in readers:
            for figure in reader.known:
                if figure[0] == "sum":
                    _s, total, parts = figure
                    row = defaultdict(int, self.expression(total))
                    for part in parts:
                        for k, v in self.expression(part).items():
                            row[k] -= v
                    rows.append(dict(row)), low.append(0), high.append(0)
        self.figures: dict[tuple, tuple[float, float]] = {}
        for reader in readers:
            for figure in reader.known:
                if figure[0] != "sum":
                    a, b = reader.bounds(figure)
                    old = self.figures.get(figure, (0, np.inf))
                    self.figures[figure] = (max(a, old[0]), min(b, old[1]))
        for figure, (a, b) in self.figures.items():
            rows.append(self.expression(figure)), low.append(a), high.append(b)
        matrix = np.zeros((len(rows), len(names)))
        for i, row in enumerate(rows):
            for k, v in row.items():
                matrix[i, self.index[k]] = v
        self.constraint = LinearConstraint(matrix, np.array(low, dtype=float), np.array(high, dtype=float))

    def expression(self, figure: tuple) -> dict[tuple, int]:
        """The record counts a figure adds up."""
        kind, *args = figure
        n = lambda keep: {("n", t): 1 for t in self.types if keep(*t)}  # noqa: E731
        z = lambda d, g, keep: {("z", d, t, g): 1 for t in self.types if keep(*t)}  # noqa: E731
        pos = {cid: i for i, cid in enumerate(self.ids)}
        if kind == "N":
            return n(lambda c, q, ts, ch: True)
        if kind == "R":
            return n(lambda c, q, ts, ch: c == pos[args[0]])
        if kind == "G":
            return z(args[0], args[1], lambda c, q, ts, ch: True)
        if kind == "X":
            return z(args[1], args[2], lambda c, q, ts, ch: c == pos[args[0]])
        if kind == "T":
            return n(lambda c, q, ts, ch: args[0] in ts)
        if kind == "TC":
            return n(lambda c, q, ts, ch: args[0] in ts and c == pos[args[1]])
        if kind == "TQ":
            return n(lambda c, q, ts, ch: args[0] in ts and tally.quarter_of(QUARTER_STARTS[q]) == args[1])
        if kind == "TG":
            return z(args[1], args[2], lambda c, q, ts, ch: args[0] in ts)
        if kind == "AN":
            return n(lambda c, q, ts, ch: c == pos[args[0]] and ch is not None)
        if kind == "A":
            return n(lambda c, q, ts, ch: c == pos[args[0]] and ch == args[1])
        raise AssertionError(figure)

    def _solve(self, weights: dict[tuple, int]) -> np.ndarray:
        objective = np.zeros(len(self.index))
        for figure, w in weights.items():
            for k, v in self.expression(figure).items():
                objective[self.index[k]] += w * v
        result = milp(
            objective, constraints=[self.constraint], integrality=np.ones(len(self.index)), bounds=Bounds(0, np.inf)
        )
        assert result.status == 0, result.message  # the true records always fit
        return result.x

    def value(self, figure: tuple, x: np.ndarray) -> int:
        return round(sum(v * x[self.index[k]] for k, v in self.expression(figure).items()))

    def possible(self, figure: tuple) -> tuple[int, int]:
        """The least and the most the figure could be."""
        return self.value(figure, self._solve({figure: 1})), self.value(figure, self._solve({figure: -1}))

    def unique(self, figures: dict[tuple, int]) -> list[tuple]:
        """The figures (with their true values) that could be nothing else: a few
        solutions pulling them all up or down rule most out at once, then each of the
        rest is minimised and maximised."""
        left = dict(figures)
        for sign in (1, -1):
            if left:
                x = self._solve(dict.fromkeys(left, sign))
                left = {f: v for f, v in left.items() if self.value(f, x) == v}
        found = []
        for figure, value in left.items():
            least, most = self.possible(figure)
            assert least <= value <= most
            if least == most:
                found.append(figure)
        return found


def truth(figure: tuple, records, ids) -> int:
    """What the figure really is, from the records themselves."""
    pos = {cid: i for i, cid in enumerate(ids)}
    kind, *args = figure
    count = 0
    for c, quarter, themes, choice, *groups in records:
        grp = dict(zip(DIMENSIONS, groups, strict=True))
        if kind == "N":
            count += 1
        elif kind == "R":
            count += c == pos[args[0]]
        elif kind == "G":
            count += grp[args[0]] == args[1]
        elif kind == "X":
            count += c == pos[args[0]] and grp[args[1]] == args[2]
        elif kind == "T":
            count += args[0] in themes
        elif kind == "TC":
            count += args[0] in themes and c == pos[args[1]]
        elif kind == "TQ":
            count += args[0] in themes and tally.quarter_of(QUARTER_STARTS[quarter]) == args[1]
        elif kind == "TG":
            count += args[0] in themes and grp[args[1]] == args[2]
        elif kind == "AN":
            count += c == pos[args[0]] and choice is not None
        elif kind == "A":
            count += c == pos[args[0]] and choice == args[1]
    return count


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(councils())
def test_no_small_count_can_be_worked_out_from_every_page_and_the_export(db_session, council):
    spans, records = council
    officer, consultations = _seed(db_session, spans, records)
    ids = [c.id for c in consultations]
    screen = read_everything(db_session, officer, consultations, export=False)
    export = read_everything(db_session, officer, consultations, export=True)
    for name, readers, threshold in (("screen", [screen, export], 5), ("export", [export], 10)):
        own = readers[0]
        small = {}
        for figure in own.known:
            if figure[0] == "sum":
                continue
            value = truth(figure, records, ids)
            low, high = own.bounds(figure)
            if low == high:
                assert low == value, f"{figure} is shown wrongly"
                assert value == 0 or value >= threshold, f"{figure} = {value} is shown on the {name}"
            elif 0 < value < threshold:
                small[figure] = value
        found = Attacker(spans, ids, readers).unique(small)
        assert not found, f"{found} can be worked out ({name}, {len(records)} records)"


def test_a_column_hidden_on_one_page_cannot_be_added_up_from_the_others(db_session):
    """Found in issue 16's attack, in the shape it took: the overview hid a group that
    each consultation's page showed, so adding the pages up gave it back, and then the
    overview's total gave away the small group. Two consultations, by age: the first
    has 3 aged 16-17 and 10 aged 18-20; the second 6 aged 18-20 and 6 aged 21-25."""
    base = ("relevant", "no", "yes")
    records = [(0, 0, frozenset(), None, "16_17", *base)] * 3 + [(0, 0, frozenset(), None, "18_20", *base)] * 10
    records += [(1, 0, frozenset(), None, "18_20", *base)] * 6 + [(1, 0, frozenset(), None, "21_25", *base)] * 6
    officer, consultations = _seed(db_session, [[0], [0]], records)
    tenant = db_session.get(Tenant, officer.tenant_id)
    for age in (17, 19, 23):  # the council's young people: a dozen of each age
        for _ in range(12):
            factories.make_young_person(db_session, tenant, date_of_birth=factories.born(age, 100))
    ids = [c.id for c in consultations]
    screen = read_everything(db_session, officer, consultations, export=False)
    small = ("G", "age_band", "16_17")
    assert screen.bounds(small) == (1, 4)
    least, most = Attacker([[0], [0]], ids, [screen]).possible(small)
    assert least < most, f"16-17 overall is {least}"

"""Disclosure control: every number on an insights page or export passes through here.

The unit is a *partition*: counts that add up to a total shown beside them (young people
by age band; a theme's answers by quarter). Rules, with ``n`` the council's threshold
(5 on screen, 10 in exports by default):

1. A total below ``n`` is shown as "fewer than n" and its breakdown is not shown at all.
2. A part from 1 to n-1 is shown as "fewer than n" (primary suppression). Zero is shown.
3. If the total and the other parts would let someone work a suppressed part out
   (subtraction, or because it could only be one value), more parts are hidden
   (secondary suppression: the smallest parts of n or more first) until each suppressed
   part could be at least two values. If that cannot be done, no part is shown.
4. A partition whose total is not shown exactly (it is suppressed in another table)
   shows no breakdown either: its parts would add up to the hidden total.

Someone who knows these rules knows a "fewer than n" part is 1..n-1 and a hidden part
is n..total, or less where another table shows a limit (``known_max``: a theme's
answers in a consultation are at most that consultation's responses). With one equation
(the parts add up to the total) and these bounds, the values a part can take are
exactly an integer interval, so ``_ranges`` below is exact, not an estimate.
tests/insights/test_disclosure.py checks, by trying every possible value, that no
suppressed part can be recovered.

``protect`` decides one table on its own (priority rounds use it). Insights use
``Publication`` below, which decides every table about a council's people together.
tests/insights/test_linked_disclosure.py attacks it with a reader who has every page
and the export.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
logger = logging.getLogger(__name__)

SHOWN, FEWER, HIDDEN = "shown", "fewer", "hidden"


@dataclass(frozen=True)
class Cell:
    """A count as it may be shown: the number, "fewer than ``threshold``", or hidden."""

    kind: str  # SHOWN, FEWER or HIDDEN
    value: int | None = None  # only when SHOWN
    threshold: int = 0

    @property
    def shown(self) -> bool:
        return self.kind == SHOWN

    def export(self) -> str:
        """As written in a CSV export (English; the pages translate their own)."""
        if self.kind == SHOWN:
            return str(self.value)
        return f"fewer than {self.threshold}" if self.kind == FEWER else "hidden"


@dataclass(frozen=True)
class Partition(Generic[K]):
    total: Cell
    parts: dict[K, Cell]
    withheld: bool  # no breakdown is shown (rules 1, 3 and 4)


def shown(value: int) -> Cell:
    return Cell(SHOWN, value)


def single(value: int, threshold: int) -> Cell:
    """A count shown on its own, with no parts or total beside it."""
    _check(threshold)
    return Cell(FEWER, None, threshold) if 0 < value < threshold else shown(value)


def _check(threshold: int) -> None:
    if threshold < 2:
        raise ValueError("a threshold below 2 protects nothing")


def _ranges(
    parts: Mapping[K, int],
    fewer: set[K],
    hidden: set[K],
    total: int,
    threshold: int,
    known_max: Mapping[K, int],
) -> dict[K, tuple[int, int]]:
    """For each suppressed part, the smallest and largest value it could have, given
    what is shown: the total, the shown parts, and the bounds the rules give."""
    suppressed = fewer | hidden
    remaining = total - sum(v for k, v in parts.items() if k not in suppressed)
    low = {k: 1 if k in fewer else threshold for k in suppressed}
    high = {k: min(threshold - 1 if k in fewer else total, known_max.get(k, total)) for k in suppressed}
    sum_low, sum_high = sum(low.values()), sum(high.values())
    return {
        k: (max(low[k], remaining - (sum_high - high[k])), min(high[k], remaining - (sum_low - low[k])))
        for k in suppressed
    }


def _safe(
    parts: Mapping[K, int], fewer: set[K], hidden: set[K], total: int, threshold: int, known_max: Mapping[K, int]
) -> bool:
    ranges = _ranges(parts, fewer, hidden, total, threshold, known_max)
    return all(ranges[k][1] > ranges[k][0] for k in fewer)


def protect(
    parts: Mapping[K, int],
    threshold: int,
    *,
    total_shown: bool = True,
    known_max: Mapping[K, int] | None = None,
) -> Partition[K]:
    """The parts of a partition and their total, as they may be shown.

    ``total_shown`` False: the total is suppressed in another table, so it is hidden
    here too and no part is shown (rule 4). ``known_max``: limits on parts that other
    tables on the page show (never below the part's true value)."""
    _check(threshold)
    if any(v < 0 for v in parts.values()):
        raise ValueError("counts cannot be negative")
    total = sum(parts.values())
    withheld = {k: Cell(HIDDEN, None, threshold) for k in parts}
    if not total_shown:
        return Partition(Cell(HIDDEN, None, threshold), withheld, True)
    if 0 < total < threshold:
        return Partition(Cell(FEWER, None, threshold), withheld, True)
    fewer = {k for k, v in parts.items() if 0 < v < threshold}
    hidden: set[K] = set()
    candidates = sorted((k for k, v in parts.items() if v >= threshold), key=lambda k: (parts[k], str(k)))
    limits = dict(known_max or {})
    while fewer and not _safe(parts, fewer, hidden, total, threshold, limits):
        if not candidates:
            return Partition(shown(total), withheld, True)
        hidden.add(candidates.pop(0))
    cells = {
        k: Cell(FEWER, None, threshold) if k in fewer else Cell(HIDDEN, None, threshold) if k in hidden else shown(v)
        for k, v in parts.items()
    }
    return Partition(shown(total), cells, False)


# --------------------------------------------------------------- linked tables
# A council's insights are many tables about the same people: responses by
# consultation, by group overall and by group in each consultation, each theme by
# consultation, by quarter and by group, and the same again in the CSV export with a
# higher threshold. Deciding each table on its own lets a reader combine them (sum a
# column that one page hides from the rows another page shows). So the whole council is
# one ``Publication``: every count is a variable, every table an equation, and what a
# reader knows from other facts (a theme in a consultation is at most that
# consultation's responses) an inequality. ``decide`` suppresses, then proves with an
# integer program (scipy's milp, HiGHS) that every "fewer than n" count could still be
# at least two values given everything published, hiding more until it can. Every page
# and the export read one ``Decision``.

FREE = "free"  # a count no page shows (a theme in one consultation and one quarter)
WITHHELD = "withheld"  # a part of a table whose breakdown is not shown: any value


@dataclass(frozen=True)
class _Table:
    total: Hashable
    parts: tuple[Hashable, ...]
    displayed: bool  # shown as a table: rules 1 and 4 apply, its parts may be hidden


@dataclass
class Publication:
    """Every count about a council's people that a page or export may show, and how
    they add up. Build it, then ``decide`` once per threshold."""

    values: dict[Hashable, int] = field(default_factory=dict)
    published: set[Hashable] = field(default_factory=set)
    tables: list[_Table] = field(default_factory=list)
    bounds: list[tuple[Hashable, Hashable, int]] = field(default_factory=list)  # (a, b, f): a <= f * b

    def count(self, key: Hashable, value: int | None, *, published: bool = True) -> None:
        """A count; ``value`` None for one that is never published and not kept (a
        theme's responses in one consultation from one group)."""
        if value is None and published:
            raise ValueError("a published count needs its value")
        if value is not None and value < 0:
            raise ValueError("counts cannot be negative")
        self.values[key] = value  # type: ignore[assignment]
        if published:
            self.published.add(key)

    def table(self, total: Hashable, parts: Sequence[Hashable], *, displayed: bool = True) -> None:
        """``total`` is the sum of ``parts`` (all counted already)."""
        known = [self.values[p] for p in (total, *parts)]
        if None not in known and sum(known[1:]) != known[0]:
            raise ValueError(f"parts of {total!r} do not add up")
        self.tables.append(_Table(total, tuple(parts), displayed))

    def at_most(self, small: Hashable, big: Hashable, *, times: int = 1) -> None:
        """A reader knows ``small`` <= ``times`` x ``big`` (only recorded where it is
        true): a theme's answers are at most the consultation's responses, a round's
        votes at most the voters times the votes each."""
        a, b = self.values[small], self.values[big]
        if a is None or b is None or a <= times * b:
            self.bounds.append((small, big, times))

    def decide(self, threshold: int, *, prior: Decision | None = None) -> Decision:
        return _decide(self, threshold, prior)


@dataclass(frozen=True)
class Decision:
    """What may be shown of each count, at one threshold, for every page and export.
    ``_decide`` fills ``states`` in while it audits; once returned, nothing changes it."""

    threshold: int
    states: dict[Hashable, str]  # SHOWN, FEWER, HIDDEN, WITHHELD (FREE: never shown)
    values: dict[Hashable, int]

    def cell(self, key: Hashable) -> Cell:
        state = self.states[key]
        if state == SHOWN:
            return Cell(SHOWN, self.values[key])
        return Cell(FEWER if state == FEWER else HIDDEN, None, self.threshold)

    def partition(self, total: Hashable, parts: Mapping[K, Hashable]) -> Partition[K]:
        cells = {name: self.cell(key) for name, key in parts.items()}
        withheld = self.states[total] != SHOWN or any(self.states[key] == WITHHELD for key in parts.values())
        return Partition(self.cell(total), cells, withheld)

    def bounds(self, key: Hashable) -> tuple[float, float]:
        """What a reader who knows the rules can say about a count from this decision."""
        state, n = self.states[key], self.threshold
        if state == SHOWN:
            return self.values[key], self.values[key]
        if state == FEWER:
            return 1, n - 1
        return (n, math.inf) if state == HIDDEN else (0, math.inf)


def _decide(pub: Publication, threshold: int, prior: Decision | None) -> Decision:
    _check(threshold)
    if prior is not None and prior.threshold > threshold:
        raise ValueError("decide the lower threshold first")
    values = pub.values
    states = {k: FREE if k not in pub.published else FEWER if 0 < v < threshold else SHOWN for k, v in values.items()}
    displayed = [t for t in pub.tables if t.displayed]
    table_of = {p: t for t in displayed for p in t.parts}
    constraints: list[tuple[dict[Hashable, int], int]] = [
        ({**{p: 1 for p in t.parts}, t.total: -1}, 0) for t in pub.tables
    ]  # sum(coefficient * count) == 0
    inequalities = [({a: 1, b: -times}, 0) for a, b, times in pub.bounds]  # a - times * b <= 0
    neighbours: dict[Hashable, set[Hashable]] = defaultdict(set)
    for terms, _ in constraints + inequalities:
        for k in terms:
            neighbours[k].update(terms)
    decision = Decision(threshold, states, values)

    def withhold_breakdowns() -> None:
        changed = True
        while changed:
            changed = False
            for t in displayed:
                if states[t.total] != SHOWN and any(states[p] != WITHHELD for p in t.parts):
                    changed = True
                    for p in t.parts:
                        states[p] = WITHHELD

    def targets(together: bool) -> list[Hashable]:
        """Published counts under the threshold that are not shown, and so must not be
        worked out: this decision's, from it alone, and (``together``) the prior
        decision's, from both."""
        if together and prior is None:
            return []
        source, n = (prior, prior.threshold) if together and prior is not None else (decision, threshold)
        return [k for k in pub.published if 0 < values[k] < n and source.states[k] != SHOWN]

    proved: set[tuple[Hashable, bool]] = set()  # hiding more never makes a proved count unsafe
    abandoned: set[Hashable] = set()
    totals = {t.total for t in displayed}
    system = _System(constraints, inequalities, neighbours, values)
    while True:
        withhold_breakdowns()
        unsafe: list[Hashable] = []
        for together in (False, True):
            pending = [k for k in targets(together) if (k, together) not in proved and k not in abandoned]
            if not pending:
                continue
            limits = _knowledge(decision, prior if together else None)
            for key in system.prove(pending, limits):
                proved.add((key, together))
            unsafe = [k for k in pending if (k, together) not in proved]
            if unsafe:
                break
        if not unsafe:
            return decision

        def part(k: Hashable) -> bool:
            return states[k] == SHOWN and values[k] >= threshold and k in table_of

        def anything(k: Hashable) -> bool:
            return k in pub.published and states[k] == SHOWN and values[k] >= threshold

        # One change near each unsafe count, then check again (a change made for one
        # may be enough for another in the same table).
        changed: set[Hashable] = set()
        for key in unsafe:
            if neighbours.get(key, set()) & changed:
                continue
            candidate = _to_hide(key, limits, constraints, neighbours, part, values, totals)
            if candidate is None and key in table_of and states[key] == FEWER:
                for p in table_of[key].parts:
                    states[p] = WITHHELD
                changed.update(table_of[key].parts)
                continue
            if candidate is None:
                candidate = _to_hide(key, limits, constraints, neighbours, anything, values, totals)
            if candidate is not None:
                states[candidate] = HIDDEN
                changed.add(candidate)
            else:  # nothing left to hide near it (never seen in tests): say so in the log
                abandoned.add(key)
                logger.warning("disclosure: a small count could not be protected further")


def _knowledge(decision: Decision, also: Decision | None) -> dict[Hashable, tuple[float, float]]:
    """The least and most each count could be, from one decision or two together."""
    limits = {}
    for k in decision.states:
        low, high = decision.bounds(k)
        if also is not None:
            other = also.bounds(k)
            low, high = max(low, other[0]), min(high, other[1])
        limits[k] = (low, high)
    return limits


def _component(key: Hashable, limits: Mapping, neighbours: Mapping[Hashable, set[Hashable]]) -> set[Hashable]:
    """The unknown counts linked to ``key`` through equations with unknowns in them."""
    component, frontier = {key}, [key]
    while frontier:
        frontier = [
            n for k in frontier for n in neighbours.get(k, ()) if n not in component and limits[n][0] != limits[n][1]
        ]
        component.update(frontier)
    return component


def _to_hide(
    unsafe: Hashable,
    limits: Mapping[Hashable, tuple[float, float]],
    constraints: list[tuple[dict[Hashable, int], int]],
    neighbours: Mapping[Hashable, set[Hashable]],
    hideable,
    values: Mapping[Hashable, int],
    totals: set[Hashable],
) -> Hashable | None:
    """The shown count to hide next. An equation with only one unknown in it gives that
    unknown away, so first hide another count in such an equation (the one holding the
    unsafe count first); else the closest shown count. Smallest first, and counts that
    are not the total of a shown table (hiding one withholds its breakdown) first."""
    component = _component(unsafe, limits, neighbours)

    def best(keys) -> Hashable | None:
        found = [k for k in keys if hideable(k)]
        return min(found, key=lambda k: (k in totals, values[k], repr(k))) if found else None

    singles = []
    for terms, _ in constraints:
        unknown = [k for k in terms if limits[k][0] != limits[k][1]]
        if len(unknown) == 1 and unknown[0] in component:
            singles.append((unknown[0] != unsafe, terms))
    for _, terms in sorted(singles, key=lambda pair: pair[0]):
        choice = best(terms)
        if choice is not None:
            return choice
    seen, frontier = {unsafe}, [unsafe]
    while frontier:
        choice = best(k for k in frontier if k != unsafe)
        if choice is not None:
            return choice
        frontier = [n for k in frontier for n in neighbours.get(k, ()) if n not in seen]
        seen.update(frontier)
    return None


class _System:
    """The equations and inequalities of a publication, as integer programs over the
    unknown counts linked to the ones being checked."""

    def __init__(self, constraints, inequalities, neighbours, values) -> None:
        self.constraints, self.inequalities = constraints, inequalities
        self.neighbours, self.values = neighbours, values
        self.every = constraints + inequalities
        self.touching: dict[Hashable, list[int]] = defaultdict(list)  # count -> equations with it
        for i, (terms, _) in enumerate(self.every):
            for k in terms:
                self.touching[k].append(i)

    def prove(self, keys: list[Hashable], limits: Mapping[Hashable, tuple[float, float]]) -> set[Hashable]:
        """The counts among ``keys`` that could be another value, given ``limits``: each
        shown by a solution that fits everything published (found with milp, exactly).
        A few solutions that pull every count in a component away from its true value
        prove most of them at once; the rest are checked one by one, largest then
        smallest."""
        proved: set[Hashable] = set()
        seen: set[Hashable] = set()
        for key in keys:
            if key in seen or limits[key][0] == limits[key][1]:
                continue
            component = _component(key, limits, self.neighbours)
            seen |= component
            members = [k for k in keys if k in component]
            program = self._program(component, limits)
            for attempt in range(3):
                open_ = [k for k in members if k not in proved]
                if not open_:
                    break
                # Pull each count towards its farther bound, then the nearer, then mixed
                # (down only, for counts with no upper limit).
                weights = {k: 1.0 if self._room_up(k, limits) != (attempt == 1) else -1.0 for k in open_}
                if attempt == 2:
                    weights = {k: w * (1 if i % 2 else -1) for i, (k, w) in enumerate(weights.items())}
                weights = {k: -1.0 if limits[k][1] == math.inf else w for k, w in weights.items()}
                solution = program(weights)
                if solution is not None:
                    proved.update(k for k in open_ if solution[k] != self.values[k])
            for k in members:
                if k in proved:
                    continue
                for sign in (-1.0, 1.0):
                    solution = program({k: sign})
                    if solution is None or solution[k] != self.values[k]:  # None: no upper limit
                        proved.add(k)
                        break
        return proved

    def _room_up(self, key: Hashable, limits: Mapping[Hashable, tuple[float, float]]) -> bool:
        return self.values[key] - limits[key][0] <= limits[key][1] - self.values[key]

    def _program(self, component: set[Hashable], limits: Mapping[Hashable, tuple[float, float]]):
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        order = sorted(component, key=repr)
        index = {k: i for i, k in enumerate(order)}
        rows = sorted({i for k in order for i in self.touching.get(k, ())})
        n_eq = len(self.constraints)
        eq, eq_rhs, le, le_rhs = [], [], [], []
        for i in rows:
            terms, constant = self.every[i]
            row = np.zeros(len(order))
            value = float(constant)
            for k, coefficient in terms.items():
                if k in index:
                    row[index[k]] = coefficient
                else:
                    value -= coefficient * limits[k][0]  # known exactly (else it would be in the component)
            (eq if i < n_eq else le).append(row)
            (eq_rhs if i < n_eq else le_rhs).append(value)
        linear = []
        if eq:
            linear.append(LinearConstraint(np.array(eq), np.array(eq_rhs), np.array(eq_rhs)))
        if le:
            linear.append(LinearConstraint(np.array(le), -np.inf, np.array(le_rhs)))
        box = Bounds([limits[k][0] for k in order], [limits[k][1] for k in order])
        integrality = np.ones(len(order))

        def solve(weights: Mapping[Hashable, float]) -> dict[Hashable, int] | None:
            """A solution that maximises the weighted sum of counts; None if it has no
            maximum (a count that could be as large as you like)."""
            objective = np.zeros(len(order))
            for k, w in weights.items():
                objective[index[k]] = -w
            result = milp(objective, constraints=linear, integrality=integrality, bounds=box)
            if result.status == 3:
                return None
            if result.status != 0:
                raise RuntimeError(f"disclosure audit failed: {result.message}")
            return {k: round(result.x[index[k]]) for k in order}

        return solve

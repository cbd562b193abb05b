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
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

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

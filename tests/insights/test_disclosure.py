"""Disclosure control, proved by trying every possibility: for any counts and any
threshold, what is shown never lets someone work out a suppressed count."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waymark.insights.disclosure import FEWER, HIDDEN, SHOWN, protect, single

counts = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=5)
thresholds = st.integers(min_value=2, max_value=10)


def possible_values(result, threshold: int, known_max=None) -> dict[int, set[int]]:
    """What an attacker who knows the rules can say each suppressed part might be:
    every assignment of values to the suppressed parts that fits what is shown (and
    the limits other tables show, ``known_max``)."""
    known_max = known_max or {}
    total = result.total.value
    suppressed = [k for k, cell in result.parts.items() if not cell.shown]
    known = sum(cell.value for cell in result.parts.values() if cell.shown)
    choices = []
    for k in suppressed:
        kind = result.parts[k].kind
        low, high = (1, threshold - 1) if kind == FEWER else (threshold, total)
        if result.withheld:
            low, high = 0, total  # withheld parts carry no mark: anything up to the total
        choices.append(range(low, min(high, known_max.get(k, high)) + 1))
    seen: dict[int, set[int]] = {k: set() for k in suppressed}

    def search(i: int, left: int, chosen: list[int]) -> bool:
        """Depth-first over every assignment, skipping branches that cannot add up."""
        if i == len(suppressed):
            if left == 0:
                for k, v in zip(suppressed, chosen, strict=True):
                    seen[k].add(v)
            return left == 0
        found = False
        for v in choices[i]:
            if v > left:
                break
            if left - v > most_after[i]:
                continue  # the parts after this one could not make up the rest
            found = search(i + 1, left - v, [*chosen, v]) or found
        return found

    most_after = [sum(c[-1] for c in choices[i + 1 :]) if choices[i + 1 :] else 0 for i in range(len(choices))]

    search(0, total - known, [])
    return seen


@settings(max_examples=400, deadline=None)
@given(counts, thresholds)
def test_no_suppressed_count_can_be_recovered(values, threshold):
    parts = dict(enumerate(values))
    result = protect(parts, threshold)
    total = sum(values)
    if 0 < total < threshold:
        assert result.total.kind == FEWER and result.withheld
        assert all(cell.kind == HIDDEN for cell in result.parts.values())
        return
    assert result.total == result.total.__class__(SHOWN, total)
    for k, cell in result.parts.items():
        if cell.shown:
            assert cell.value == parts[k]
            assert cell.value == 0 or cell.value >= threshold  # nothing small is ever shown
    seen = possible_values(result, threshold)
    for k, cell in result.parts.items():
        if 0 < parts[k] < threshold:
            assert not cell.shown
            assert parts[k] in seen[k], "the true value must be among the possibilities"
            assert len(seen[k]) >= 2, f"part {k} ({parts[k]}) can be worked out from {result}"


@settings(max_examples=300, deadline=None)
@given(counts, thresholds, st.data())
def test_limits_shown_elsewhere_are_taken_into_account(values, threshold, data):
    """A theme's count in a consultation is at most that consultation's responses,
    which the page shows: an attacker may use those limits too."""
    parts = dict(enumerate(values))
    slack = data.draw(st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values)))
    known_max = {k: v + s for (k, v), s in zip(parts.items(), slack, strict=True)}
    result = protect(parts, threshold, known_max=known_max)
    if result.withheld:
        return
    seen = possible_values(result, threshold, known_max)
    for k in result.parts:
        if 0 < parts[k] < threshold:
            assert parts[k] in seen[k] and len(seen[k]) >= 2, f"part {k} ({parts[k]}) found from {result}"


@settings(max_examples=200, deadline=None)
@given(counts, thresholds)
def test_a_total_hidden_elsewhere_hides_the_breakdown(values, threshold):
    result = protect(dict(enumerate(values)), threshold, total_shown=False)
    assert result.withheld and result.total.kind == HIDDEN
    assert all(cell.kind == HIDDEN for cell in result.parts.values())


def test_examples_read_as_a_person_would_expect():
    # One small part beside a total: hiding it alone would let subtraction find it.
    result = protect({"a": 3, "b": 10, "c": 12}, 5)
    assert [result.parts[k].kind for k in "abc"] == [FEWER, HIDDEN, SHOWN]
    # Nothing to hide.
    result = protect({"a": 0, "b": 7}, 5)
    assert [c.value for c in result.parts.values()] == [0, 7] and not result.withheld
    # 1 beside 5 (total 6): with "b" hidden it could still only be 1, so no breakdown.
    result = protect({"a": 1, "b": 5}, 5)
    assert result.withheld and result.total.value == 6


@pytest.mark.parametrize(("value", "kind"), [(0, SHOWN), (1, FEWER), (4, FEWER), (5, SHOWN), (99, SHOWN)])
def test_a_count_on_its_own(value, kind):
    assert single(value, 5).kind == kind


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        protect({"a": -1}, 5)
    with pytest.raises(ValueError):
        protect({"a": 1}, 1)

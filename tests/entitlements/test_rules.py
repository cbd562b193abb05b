"""The entitlements rules engine: exact birthdays (leap days too), every outcome, and
content validation. Pure: no database, no HTTP."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.entitlements.rules import (
    ContentError,
    Decision,
    Entitlement,
    Facts,
    Outcome,
    Reason,
    Rule,
    birthday,
    evaluate,
    load_entitlement,
)


def entitlement(**rule) -> Entitlement:
    return Entitlement(
        slug="x",
        title="X",
        summary="x",
        category="money",
        rule=Rule(**rule),
        how_to_get=("Ask",),
        easy_read="x",
        body="x",
        sources=("https://example.org",),
        last_checked=date(2026, 11, 24),
    )


PA_TO_25 = entitlement(statuses=("former_relevant",), age_until=25)
FROM_18 = entitlement(age_from=18, age_until=21)
HE_BURSARY = entitlement(statuses=("former_relevant",), facts=(("in_higher_education", True),))


def age_on(born: date, day: date) -> int:
    """An independent oracle: whole years, with the month-and-day comparison."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@pytest.mark.parametrize(
    ("born", "age", "expected"),
    [
        (date(2008, 5, 17), 18, date(2026, 5, 17)),
        (date(2008, 2, 29), 18, date(2026, 3, 1)),  # not a leap year: 1 March
        (date(2008, 2, 29), 16, date(2024, 2, 29)),  # a leap year: 29 February
        (date(2007, 12, 31), 25, date(2032, 12, 31)),
    ],
)
def test_birthdays(born, age, expected):
    assert birthday(born, age) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31)), st.integers(min_value=1, max_value=30))
def test_you_reach_an_age_on_that_birthday_and_not_the_day_before(born, age):
    day = birthday(born, age)
    assert age_on(born, day) == age
    assert age_on(born, day - timedelta(days=1)) == age - 1


@pytest.mark.parametrize(
    ("today", "outcome"),
    [
        (date(2032, 5, 16), Outcome.ENDING_SOON),  # the day before the 25th birthday: last day
        (date(2032, 5, 17), Outcome.NOT_NOW),  # on the birthday it has ended
        (date(2031, 11, 15), Outcome.NOW),  # more than 6 months left
        (date(2031, 11, 16), Outcome.ENDING_SOON),  # exactly 6 months left
    ],
)
def test_adviser_support_ends_the_day_before_the_25th_birthday(today, outcome):
    facts = Facts(date_of_birth=date(2007, 5, 17), status="former_relevant")
    decision = evaluate(PA_TO_25, facts, today)
    assert decision.outcome == outcome
    assert decision.ends_on == date(2032, 5, 16)
    if outcome == Outcome.NOT_NOW:
        assert decision.reason == Reason.TOO_OLD


@pytest.mark.parametrize(
    ("today", "outcome"),
    [(date(2026, 5, 16), Outcome.FROM), (date(2026, 5, 17), Outcome.NOW), (date(2026, 5, 18), Outcome.NOW)],
)
def test_day_before_on_and_after_the_18th_birthday(today, outcome):
    decision = evaluate(FROM_18, Facts(date_of_birth=date(2008, 5, 17)), today)
    assert decision.outcome == outcome and decision.starts_on == date(2026, 5, 17)


def test_leap_day_birthday_starts_on_1_march_in_an_ordinary_year():
    facts = Facts(date_of_birth=date(2008, 2, 29))
    assert evaluate(FROM_18, facts, date(2026, 2, 28)).outcome == Outcome.FROM
    assert evaluate(FROM_18, facts, date(2026, 3, 1)) == Decision(
        Outcome.NOW, starts_on=date(2026, 3, 1), ends_on=date(2029, 2, 28)
    )


def test_unknown_facts_mean_ask_your_adviser_naming_them():
    assert evaluate(HE_BURSARY, Facts(status="former_relevant"), date(2026, 1, 1)) == Decision(
        Outcome.ASK, missing=("in_higher_education",)
    )
    assert evaluate(PA_TO_25, Facts(), date(2026, 1, 1)).missing == ("status", "date_of_birth")


def test_a_fact_that_does_not_match_says_why():
    decision = evaluate(HE_BURSARY, Facts(status="former_relevant", in_higher_education=False), date(2026, 1, 1))
    assert (decision.outcome, decision.reason, decision.fact) == (Outcome.NOT_NOW, Reason.FACT, "in_higher_education")
    assert evaluate(HE_BURSARY, Facts(status="relevant", in_higher_education=True), date(2026, 1, 1)).reason == (
        Reason.STATUS
    )


def test_a_rule_for_everyone_is_always_now():
    assert evaluate(entitlement(), Facts(), date(2026, 1, 1)).outcome == Outcome.NOW


@given(
    born=st.dates(min_value=date(2000, 1, 1), max_value=date(2012, 12, 31)),
    today=st.dates(min_value=date(2016, 1, 1), max_value=date(2040, 12, 31)),
)
def test_outcome_agrees_with_age_arithmetic(born, today):
    decision = evaluate(FROM_18, Facts(date_of_birth=born), today)
    age = age_on(born, today)
    expected = Outcome.FROM if age < 18 else Outcome.NOT_NOW if age >= 21 else None
    if expected:
        assert decision.outcome == expected
    else:
        assert decision.outcome in (Outcome.NOW, Outcome.ENDING_SOON)


# ------------------------------------------------------------------ content
GOOD = """---
title: Test
summary: A test.
category: money
who: {statuses: [former_relevant], age_until: 25, facts: {parent: true}}
amount: {national: "£10", council_setting: test_amount}
how_to_get: [Ask your adviser]
easy_read: A test.
sources: [https://www.gov.uk/]
last_checked: 2026-11-24
---
Body text.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test-item.md"
    path.write_text(text)
    return path


def test_a_good_file_loads(tmp_path):
    item = load_entitlement(write(tmp_path, GOOD))
    assert item.rule == Rule(statuses=("former_relevant",), age_until=25, facts=(("parent", True),))
    assert (item.national_amount, item.council_setting) == ("£10", "test_amount")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("category: money", "category: sweets"), "'category' must be one of"),
        (("summary: A test.\n", "summary: A test.\ncolour: red\n"), "unknown field 'colour'"),
        (("age_until: 25", "age_until: soon"), "'who.age_until' must be a whole number"),
        (("facts: {parent: true}", "facts: {famous: true}"), "unknown fact 'who.facts.famous'"),
        (("statuses: [former_relevant]", "statuses: [adult]"), "'who.statuses' must be a list"),
        (("last_checked: 2026-11-24", "last_checked: last week"), "'last_checked' must be a date"),
        (("last_checked: 2026-11-24", "last_checked: 2026-13-45"), "the front matter is not valid YAML"),
        (("sources: [https://www.gov.uk/]", "sources: [http://www.gov.uk/]"), "'sources' must be a list of https"),
        (("sources: [https://www.gov.uk/]\n", ""), "missing 'sources'"),
        (("age_until: 25", "age_from: 21, age_until: 18"), "'who.age_from' must be less than"),
        (("age_until: 25", "age_until: 25, age_from_setting: pocket_money"), "'who.age_from_setting' must be one of"),
        (
            ("age_until: 25", "age_until: 25, age_from_setting: setting_up_home_from_age"),
            "'who.age_from_setting' needs",
        ),
        (("last_checked: 2026-11-24\n", "last_checked: 2026-11-24\nstarts: soon\n"), "'starts' must be a date"),
        (("last_checked: 2026-11-24\n", "last_checked: 2026-11-24\nends: never\n"), "'ends' must be a date"),
        (
            ("last_checked: 2026-11-24\n", "last_checked: 2026-11-24\nstarts: 2027-04-01\nends: 2027-01-01\n"),
            "'ends' must be after 'starts'",
        ),
    ],
)
def test_a_bad_file_fails_naming_the_file_and_field(tmp_path, change, message):
    with pytest.raises(ContentError, match=rf"^test-item\.md: ({message})"):
        load_entitlement(write(tmp_path, GOOD.replace(*change)))


def test_decisions_are_values(tmp_path):
    item = load_entitlement(write(tmp_path, GOOD))
    facts = Facts(date_of_birth=date(2004, 1, 1), status="former_relevant", parent=True)
    assert evaluate(item, facts, date(2026, 1, 1)) == evaluate(replace(item), facts, date(2026, 1, 1))


def test_the_facts_table_holds_exactly_the_facts_the_rules_use():
    from waymark.entitlements.models import YoungPersonFacts
    from waymark.entitlements.rules import FACTS

    columns = set(YoungPersonFacts.model_fields) - {"young_person_id", "tenant_id", "updated_at", "updated_by_id"}
    assert columns == set(FACTS)


def test_every_fact_has_words_for_the_young_person_and_for_staff():
    from waymark.entitlements import messages
    from waymark.entitlements.rules import FACTS

    for labels in (messages.MY_FACT_LABELS, messages.STAFF_FACT_LABELS):
        assert set(labels) == set(FACTS)
    assert set(FACTS) <= set(messages.FACT_LABELS)


# ------------------------------------------------------- rights that have not started
TODAY = date(2026, 12, 4)
AMARA = Facts(date_of_birth=date(2007, 5, 1), status="former_relevant")  # 19 today


def test_a_right_with_no_start_date_is_coming_for_those_it_will_apply_to(tmp_path):
    item = load_entitlement(
        write(tmp_path, GOOD.replace("last_checked: 2026-11-24", "last_checked: 2026-11-24\nstarts: not set"))
    )
    assert item.starts_not_set and item.coming(TODAY)
    decision = evaluate(item, replace(AMARA, parent=True), TODAY)
    assert decision == Decision(Outcome.COMING, ends_on=date(2032, 4, 30))  # no start date to give
    # Not for them whatever happens: still "not for you", not "coming".
    assert evaluate(item, replace(AMARA, status="qualifying", parent=True), TODAY).outcome == Outcome.NOT_NOW
    # A fact we do not hold: coming, and still says what we need to know.
    assert evaluate(item, AMARA, TODAY).missing == ("parent",)


def test_a_dated_right_is_coming_until_its_day_then_follows_the_rule():
    item = replace(entitlement(statuses=("former_relevant",), age_until=25), starts=date(2027, 4, 1))
    assert evaluate(item, AMARA, TODAY) == Decision(
        Outcome.COMING, starts_on=date(2027, 4, 1), ends_on=date(2032, 4, 30)
    )
    assert evaluate(item, AMARA, date(2027, 3, 31)).outcome == Outcome.COMING
    assert evaluate(item, AMARA, date(2027, 4, 1)).outcome == Outcome.NOW
    # Someone whose own start is later than the law's is told the later day.
    kai = Facts(date_of_birth=date(2009, 9, 1), status="former_relevant")
    later = replace(entitlement(age_from=18), starts=date(2027, 4, 1))
    assert evaluate(later, kai, TODAY) == Decision(Outcome.COMING, starts_on=date(2027, 9, 1))


def test_a_scheme_that_closes_ends_soon_then_is_closed():
    item = replace(entitlement(), ends=date(2027, 3, 31))
    assert evaluate(item, AMARA, date(2026, 6, 1)) == Decision(Outcome.NOW, ends_on=date(2027, 3, 31))
    assert evaluate(item, AMARA, TODAY) == Decision(Outcome.ENDING_SOON, ends_on=date(2027, 3, 31))
    assert evaluate(item, AMARA, date(2027, 4, 1)) == Decision(
        Outcome.NOT_NOW, ends_on=date(2027, 3, 31), reason=Reason.CLOSED
    )

"""The entitlements rules engine: pure, no database, no HTTP.

``load_entitlements(directory)`` reads ``content/entitlements/*.md`` and validates the
front matter (a bad file raises ``ContentError`` naming the file and the field).
``evaluate(entitlement, facts, today)`` turns a young person's facts into a
``Decision``: now, from a date, ending soon, ask your adviser (naming the facts we do
not hold), coming (announced or in law but not started: a date, or none yet), or not
for you now (with the reason, which includes a scheme that has closed).

Ages follow the law in England and Wales: you reach an age on your birthday, and
someone born on 29 February reaches it on 1 March in a year that is not a leap year.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import frontmatter

from waymark.clock import add_months

CATEGORIES = ("money", "home", "education", "work", "health", "travel", "support", "rights")
STATUSES = ("eligible", "relevant", "former_relevant", "qualifying")
FACTS = (
    "in_education_or_training",
    "in_higher_education",
    "in_apprenticeship",
    "parent",
    "send",
    "staying_put",
    "own_tenancy",
)
ENDING_SOON_MONTHS = 6
_KEYS = {
    "title",
    "summary",
    "category",
    "who",
    "amount",
    "how_to_get",
    "easy_read",
    "unconfirmed",
    "sources",
    "last_checked",
    "slug",
    "starts",
    "ends",
}
NOT_SET = "not set"  # `starts: not set`: announced or in law, waiting for a start date
_REQUIRED = ("title", "summary", "category", "who", "how_to_get", "easy_read", "sources", "last_checked")
_WHO_KEYS = {"statuses", "age_from", "age_until", "facts", "age_from_setting"}
# Council settings (identity.models.Tenant) that may move a right's start age:
# `who.age_from_setting` names one, and `who.age_from` is the age without it.
AGE_SETTINGS = ("setting_up_home_from_age",)
_AMOUNT_KEYS = {"national", "council_setting"}


class ContentError(ValueError):
    """A content file is wrong; the message names the file and the field."""


# ------------------------------------------------------------------- model
@dataclass(frozen=True)
class Rule:
    statuses: tuple[str, ...] = ()
    age_from: int | None = None
    age_until: int | None = None
    facts: tuple[tuple[str, bool], ...] = ()
    age_from_setting: str | None = None  # a council setting that replaces age_from (AGE_SETTINGS)

    def for_council(self, settings: dict[str, int]) -> Rule:
        """The rule with the council's own start age, where it sets one."""
        age = settings.get(self.age_from_setting or "")
        return replace(self, age_from=age) if age is not None else self


@dataclass(frozen=True)
class Entitlement:
    slug: str
    title: str
    summary: str
    category: str
    rule: Rule
    how_to_get: tuple[str, ...]
    easy_read: str
    body: str
    sources: tuple[str, ...]
    last_checked: date
    national_amount: str | None = None
    council_setting: str | None = None
    unconfirmed: bool = False
    starts: date | None = None  # the day it comes into force (none: in force, or not set)
    starts_not_set: bool = False  # announced or legislated, start date not set yet
    ends: date | None = None  # the last day of a scheme that closes

    def coming(self, today: date) -> bool:
        """Not started yet: nobody can get it today, whatever their facts."""
        return self.starts_not_set or (self.starts is not None and today < self.starts)


@dataclass(frozen=True)
class Facts:
    """What we hold about a young person. ``None`` means we do not know."""

    date_of_birth: date | None = None
    status: str | None = None
    in_education_or_training: bool | None = None
    in_higher_education: bool | None = None
    in_apprenticeship: bool | None = None
    parent: bool | None = None
    send: bool | None = None
    staying_put: bool | None = None
    own_tenancy: bool | None = None


class Outcome(StrEnum):
    NOW = "now"
    ENDING_SOON = "ending_soon"
    FROM = "from"
    ASK = "ask"
    COMING = "coming"
    NOT_NOW = "not_now"


class Reason(StrEnum):
    STATUS = "status"  # for young people with another leaving-care status
    TOO_OLD = "too_old"  # it ended on ends_on
    FACT = "fact"  # a fact does not match (named in ``fact``)
    CLOSED = "closed"  # the scheme closed on ends_on


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    starts_on: date | None = None
    ends_on: date | None = None
    missing: tuple[str, ...] = ()
    reason: Reason | None = None
    fact: str | None = None
    required: dict[str, bool] = field(default_factory=dict)


# -------------------------------------------------------------------- dates
def birthday(date_of_birth: date, age: int) -> date:
    """The day someone reaches ``age`` (29 February birthdays: 1 March in other years)."""
    year = date_of_birth.year + age
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


# ----------------------------------------------------------------- evaluate
def evaluate(entitlement: Entitlement, facts: Facts, today: date) -> Decision:
    """The decision for this person today. A right that has not started is ``COMING``
    for everyone it will apply to (from the later of its start and their own start
    date; ``starts_on`` None when no start date is set); a closed one is ``NOT_NOW``."""
    if entitlement.ends is not None and today > entitlement.ends:
        return Decision(Outcome.NOT_NOW, ends_on=entitlement.ends, reason=Reason.CLOSED)
    decision = _for_person(entitlement.rule, facts, today)
    if entitlement.ends is not None and decision.outcome != Outcome.NOT_NOW:
        ends_on = min(entitlement.ends, decision.ends_on or entitlement.ends)
        outcome = decision.outcome
        if outcome == Outcome.NOW and ends_on <= add_months(today, ENDING_SOON_MONTHS):
            outcome = Outcome.ENDING_SOON
        decision = replace(decision, outcome=outcome, ends_on=ends_on)
    if decision.outcome == Outcome.NOT_NOW or not entitlement.coming(today):
        return decision
    starts_on = None
    if not entitlement.starts_not_set and entitlement.starts is not None:
        starts_on = max(entitlement.starts, decision.starts_on or entitlement.starts)
    return Decision(Outcome.COMING, starts_on=starts_on, ends_on=decision.ends_on, missing=decision.missing)


def _for_person(rule: Rule, facts: Facts, today: date) -> Decision:
    missing: list[str] = []

    if rule.statuses:
        if facts.status is None:
            missing.append("status")
        elif facts.status not in rule.statuses:
            return Decision(Outcome.NOT_NOW, reason=Reason.STATUS)

    starts_on = ends_on = None
    if rule.age_from is not None or rule.age_until is not None:
        if facts.date_of_birth is None:
            missing.append("date_of_birth")
        else:
            if rule.age_from is not None:
                starts_on = birthday(facts.date_of_birth, rule.age_from)
            if rule.age_until is not None:
                ends_on = birthday(facts.date_of_birth, rule.age_until) - timedelta(days=1)
                if today > ends_on:
                    return Decision(Outcome.NOT_NOW, starts_on=starts_on, ends_on=ends_on, reason=Reason.TOO_OLD)

    for name, wanted in rule.facts:
        value = getattr(facts, name)
        if value is None:
            missing.append(name)
        elif value != wanted:
            return Decision(
                Outcome.NOT_NOW,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=Reason.FACT,
                fact=name,
                required={name: wanted},
            )

    if missing:
        return Decision(Outcome.ASK, starts_on=starts_on, ends_on=ends_on, missing=tuple(missing))
    if starts_on is not None and today < starts_on:
        return Decision(Outcome.FROM, starts_on=starts_on, ends_on=ends_on)
    if ends_on is not None and ends_on <= add_months(today, ENDING_SOON_MONTHS):
        return Decision(Outcome.ENDING_SOON, starts_on=starts_on, ends_on=ends_on)
    return Decision(Outcome.NOW, starts_on=starts_on, ends_on=ends_on)


# --------------------------------------------------------------------- load
def _fail(name: str, message: str) -> ContentError:
    return ContentError(f"{name}: {message}")


def _text(meta: dict[str, Any], key: str, name: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(name, f"{key!r} must be text")
    return value.strip()


def _rule(who: Any, name: str) -> Rule:
    if not isinstance(who, dict):
        raise _fail(name, "'who' must be a mapping ({} for every care leaver)")
    unknown = set(who) - _WHO_KEYS
    if unknown:
        raise _fail(name, f"unknown field 'who.{sorted(unknown)[0]}'")
    statuses = who.get("statuses", [])
    if not isinstance(statuses, list) or any(s not in STATUSES for s in statuses):
        raise _fail(name, f"'who.statuses' must be a list of {', '.join(STATUSES)}")
    ages = {}
    for key in ("age_from", "age_until"):
        value = who.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30):
            raise _fail(name, f"'who.{key}' must be a whole number of years from 0 to 30")
        ages[key] = value
    if ages["age_from"] is not None and ages["age_until"] is not None and ages["age_from"] >= ages["age_until"]:
        raise _fail(name, "'who.age_from' must be less than 'who.age_until'")
    setting = who.get("age_from_setting")
    if setting is not None and setting not in AGE_SETTINGS:
        raise _fail(name, f"'who.age_from_setting' must be one of {', '.join(AGE_SETTINGS)}")
    if setting is not None and ages["age_from"] is None:
        raise _fail(name, "'who.age_from_setting' needs 'who.age_from' (the age without the setting)")
    facts = who.get("facts", {})
    if not isinstance(facts, dict):
        raise _fail(name, "'who.facts' must be a mapping of fact: true/false")
    for fact, wanted in facts.items():
        if fact not in FACTS:
            raise _fail(name, f"unknown fact 'who.facts.{fact}'")
        if not isinstance(wanted, bool):
            raise _fail(name, f"'who.facts.{fact}' must be true or false")
    return Rule(
        statuses=tuple(statuses),
        age_from=ages["age_from"],
        age_until=ages["age_until"],
        facts=tuple(sorted(facts.items())),
        age_from_setting=setting,
    )


def load_entitlement(path: Path) -> Entitlement:
    name = path.name
    try:
        post = frontmatter.load(path)
    except Exception as exc:  # YAML errors: say which file
        raise _fail(name, f"the front matter is not valid YAML ({exc.__class__.__name__})") from exc
    meta = post.metadata
    unknown = set(meta) - _KEYS
    if unknown:
        raise _fail(name, f"unknown field {sorted(unknown)[0]!r}")
    for key in _REQUIRED:
        if key not in meta:
            raise _fail(name, f"missing {key!r}")
    if meta.get("slug", path.stem) != path.stem:
        raise _fail(name, "'slug' must match the file name")
    if meta["category"] not in CATEGORIES:
        raise _fail(name, f"'category' must be one of {', '.join(CATEGORIES)}")
    steps = meta["how_to_get"]
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s.strip() for s in steps):
        raise _fail(name, "'how_to_get' must be a list of steps")
    sources = meta["sources"]
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.startswith("https://") for s in sources)
    ):
        raise _fail(name, "'sources' must be a list of https:// addresses")
    if not isinstance(meta["last_checked"], date):
        raise _fail(name, "'last_checked' must be a date like 2026-11-24")
    amount = meta.get("amount") or {}
    if not isinstance(amount, dict) or set(amount) - _AMOUNT_KEYS:
        raise _fail(name, "'amount' may only have 'national' and 'council_setting'")
    if not post.content.strip():
        raise _fail(name, "the explanation (the text under the front matter) is empty")
    unconfirmed = meta.get("unconfirmed", False)
    if not isinstance(unconfirmed, bool):
        raise _fail(name, "'unconfirmed' must be true or false")
    starts = meta.get("starts")
    if starts is not None and starts != NOT_SET and not isinstance(starts, date):
        raise _fail(name, f"'starts' must be a date like 2027-04-01, or {NOT_SET!r}")
    ends = meta.get("ends")
    if ends is not None and not isinstance(ends, date):
        raise _fail(name, "'ends' must be a date like 2027-03-31")
    if isinstance(starts, date) and ends is not None and ends <= starts:
        raise _fail(name, "'ends' must be after 'starts'")
    return Entitlement(
        slug=path.stem,
        title=_text(meta, "title", name),
        summary=_text(meta, "summary", name),
        category=meta["category"],
        rule=_rule(meta["who"], name),
        how_to_get=tuple(s.strip() for s in steps),
        easy_read=_text(meta, "easy_read", name),
        body=post.content.strip(),
        sources=tuple(sources),
        last_checked=meta["last_checked"],
        national_amount=str(amount["national"]) if amount.get("national") else None,
        council_setting=str(amount["council_setting"]) if amount.get("council_setting") else None,
        unconfirmed=unconfirmed,
        starts=starts if isinstance(starts, date) else None,
        starts_not_set=starts == NOT_SET,
        ends=ends,
    )


def load_entitlements(directory: Path) -> dict[str, Entitlement]:
    """Every entitlement by slug, in title order. Raises ``ContentError`` on a bad file."""
    items = [load_entitlement(p) for p in sorted(directory.glob("*.md")) if p.name.lower() != "readme.md"]
    return {e.slug: e for e in sorted(items, key=lambda e: e.title.lower())}

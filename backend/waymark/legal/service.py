"""What the pages a public service must publish say: the privacy notice (per council,
from its settings and retention policy), the accessibility statement (from the
project's own axe results and known issues, content/accessibility/) and the cookies.

The privacy notice is the council's: a signed-in person reads their own council's; a
visitor reads the notice with every council's contact details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from waymark.identity.actor import Actor
from waymark.identity.models import Tenant
from waymark.settings import ROOT
from waymark.web.i18n import N_

ACCESSIBILITY_DIR = ROOT / "content" / "accessibility"
# When the notice and the statement were last written or checked (shown on the pages).
PRIVACY_UPDATED = date(2026, 12, 4)
STATEMENT_PREPARED = date(2026, 12, 4)
STANDARD = "WCAG 2.2 AA"

# The law the privacy notice relies on (primary sources, checked 2026-12-04).
PRIVACY_SOURCES = (
    "https://www.legislation.gov.uk/eur/2016/679/article/6",
    "https://www.legislation.gov.uk/eur/2016/679/article/9",
    "https://www.legislation.gov.uk/eur/2016/679/article/13",
    "https://www.legislation.gov.uk/ukpga/2018/12/schedule/1",
    "https://www.legislation.gov.uk/ukpga/1989/41/part/III",
    "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/the-right-to-be-informed/",
)


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str  # msgid
    lasts: str  # msgid


# Every cookie Waymark sets (tests/test_legal.py fails on one that is not here). All
# are strictly necessary, so none needs consent (PECR reg 6(4)); none is for tracking.
COOKIES = (
    Cookie(
        "waymark_session",
        N_("Keeps you signed in."),
        N_("Young people: until you sign out, or 90 days. Staff: until the browser closes."),
    ),
    Cookie("waymark_csrf", N_("Stops other websites sending forms as you."), N_("Until you close the browser")),
    Cookie(
        "waymark_device",
        N_("Remembers that this phone has signed in before, so someone guessing passphrases cannot lock you out."),
        N_("1 year"),
    ),
    Cookie("waymark_lang", N_("Remembers the language you chose."), N_("1 year")),
    Cookie(
        "waymark_thanks",
        N_("Lets only the phone that sent an answer open its thank-you page."),
        N_("1 hour"),
    ),
    Cookie(
        "waymark_oidc",
        N_("Staff only: checks a sign-in came back from the council's sign-in service."),
        N_("10 minutes"),
    ),
)


@dataclass(frozen=True)
class CouncilPrivacy:
    name: str
    contact: str  # the data protection officer's email, or the council's
    dpo: bool  # whether ``contact`` is the DPO's own
    website: str | None
    address: str | None
    ico_registration: str | None
    months_after_support: int
    unused_words_months: int
    audit_years: int


def privacy(session: Session, actor: Actor | None, council: str | None = None) -> list[CouncilPrivacy]:
    """The signed-in person's council; on a council's own host, that council; for a
    visitor, every council (demo councils only where there are no others)."""
    query = select(Tenant).order_by(col(Tenant.name))
    if actor is not None:
        query = query.where(Tenant.id == actor.tenant_id)
    elif council is not None:
        query = query.where(Tenant.slug == council)
    tenants = list(session.exec(query).all())
    if actor is None and any(not t.is_demo for t in tenants):
        tenants = [t for t in tenants if not t.is_demo]
    return [
        CouncilPrivacy(
            name=t.name,
            contact=t.dpo_email or t.contact_email or "",
            dpo=bool(t.dpo_email),
            website=t.website,
            address=t.address,
            ico_registration=t.ico_registration,
            months_after_support=t.retention_months_after_support,
            unused_words_months=t.retention_unused_words_months,
            audit_years=t.retention_audit_years,
        )
        for t in tenants
    ]


# ------------------------------------------------------------ accessibility
@dataclass(frozen=True)
class KnownIssue:
    criterion: str  # e.g. "2.5.8 Target Size (Minimum)"
    problem: str
    plan: str
    fix_by: date | None


@dataclass(frozen=True)
class Statement:
    tested_on: date | None  # None: the crawl has not written its results yet
    tool: str
    pages: int
    page_kinds: int
    roles: list[str]
    languages: list[str]
    violations: int
    issues: list[KnownIssue]
    not_tested: list[str]

    @property
    def compliance(self) -> str:
        """ "full" only with no automated failures and no known non-compliance."""
        return "full" if not self.violations and not self.issues else "partial"


# What we know fails the standard, and how we plan to fix it (kept here, beside the
# code, so each string goes through translation). Remove an entry when it is fixed.
KNOWN_ISSUES = (
    KnownIssue(
        criterion="2.2.1 Timing Adjustable",
        problem=N_(
            "Staff are signed out after 30 minutes without using Waymark. They are not warned first, "
            "and cannot ask for more time, so something they were typing can be lost."
        ),
        plan=N_("We will warn staff 2 minutes before, with a button to stay signed in."),
        fix_by=date(2027, 3, 31),
    ),
)
# What the automated tests cannot tell us, said plainly.
NOT_TESTED = (
    N_("An accessibility specialist has not yet checked Waymark, and we have not yet tested it with disabled people."),
    N_("We have not tested Waymark with screen readers (such as JAWS, NVDA, VoiceOver or TalkBack), or in Safari."),
    N_("Automated checks find only some kinds of problem. Many need a person to check them."),
)


@lru_cache
def statement(directory: Path = ACCESSIBILITY_DIR) -> Statement:
    """The statement's facts: ``axe-results.json`` (written by the browser tests'
    accessibility crawl: ``make accessibility-results``), and the known issues above."""
    file = directory / "axe-results.json"
    results: dict[str, Any] = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
    return Statement(
        tested_on=date.fromisoformat(results["tested_on"]) if results else None,
        tool=results.get("tool", "axe-core"),
        pages=int(results.get("pages", 0)),
        page_kinds=int(results.get("page_kinds", 0)),
        roles=list(results.get("roles", [])),
        languages=list(results.get("languages", [])),
        violations=int(results.get("violations", 0)),
        issues=list(KNOWN_ISSUES),
        not_tested=list(NOT_TESTED),
    )

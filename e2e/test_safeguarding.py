"""Safeguarding from every form, in the browser: Jess, a young person this test makes
in Riverside (so no other test sees her help banner), writes risk words into "my
words" on her plan and into "I couldn't reach my worker". Each time she is told the
safeguarding lead knows and sees where to get help now; Alex (the lead's manager) finds
both on the duty list, grouped as one alert from one person, and gets one email through
the real SMTP server that never holds the words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from e2e.conftest import LIVE
from e2e.helpers import sign_in_staff, sign_in_young_person
from tests import factories
from tests.factories import PASSPHRASE
from waymark import clock
from waymark.identity.models import Assignment, Tenant, User
from waymark.pathway.models import PathwayPlan

ALEX = "alex@riverside.example"
MY_WORDS = "i dont want a flat. i wont be around long enough to need one, ive got the tablets ready"
REACH_NOTE = "I want to kill myself and no one is picking up"
TOLD = "We have told the council's safeguarding lead straight away"


@pytest.fixture(scope="module")
def jess(live_server: str) -> Iterator[str]:
    """A Riverside young person with a plan and Priya as her adviser, until the end of
    this module (Priya's caseload is the demo's three again afterwards)."""
    with LIVE["database"].session() as session:
        riverside = session.exec(select(Tenant).where(Tenant.slug == "riverside")).one()
        priya = session.exec(select(User).where(User.email == "priya@riverside.example")).one()
        person = factories.make_young_person(session, riverside, name="Jess Carter", username="jess")
        session.add(PathwayPlan(tenant_id=riverside.id, young_person_id=person.id))
        session.commit()
        assignment = factories.assign(session, priya, person)
    yield "jess"
    with LIVE["database"].session() as session:
        assignment = session.get(Assignment, assignment.id)
        assert assignment is not None
        assignment.ends_on = clock.today() - timedelta(days=1)
        session.add(assignment)
        session.commit()


def told_and_helped(page: Page) -> None:
    worried = page.locator("section.worried")
    expect(worried).to_contain_text(TOLD)
    expect(worried.locator(".help-now")).to_contain_text("0800 1111")
    expect(worried.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")


def test_risk_in_my_words_and_couldnt_reach_reaches_alex_and_jess_sees_help(
    base_url: str, make_context: Callable[..., BrowserContext], smtp_inbox: Any, jess: str
) -> None:
    before = len(smtp_inbox.messages)
    page = make_context().new_page()
    sign_in_young_person(page, jess, PASSPHRASE)
    expect(page.locator("section.worried")).to_have_count(0)  # nothing yet

    page.goto("/plan/words/accommodation")
    page.get_by_label("What do you want from this part of your plan?").fill(MY_WORDS)
    page.get_by_role("button", name="Save my words").click()
    expect(page).to_have_url(f"{base_url}/plan?sent=words#accommodation")
    told_and_helped(page)

    page.goto("/contacts")
    page.get_by_label("I phoned").check()
    page.get_by_label("Anything else? (you can leave this empty)").fill(REACH_NOTE)
    page.get_by_role("button", name="Tell us").click()
    expect(page.get_by_role("status")).to_contain_text("We have told your worker")
    told_and_helped(page)

    alex = make_context().new_page()
    sign_in_staff(alex, ALEX, base_url)
    alex.goto("/staff/safeguarding")
    alert = alex.locator("section.card", has_text="Jess Carter")
    expect(alert).to_have_count(1)  # the second joined the first: one alert, counted
    expect(alert).to_contain_text("Their words in their pathway plan")
    expect(alert.locator("blockquote")).to_contain_text("tablets ready")
    alert.locator("summary").click()
    expect(alert.locator("details")).to_contain_text("kill myself")
    expect(alert.get_by_role("link", name="Open Jess Carter's record")).to_have_attribute(
        "href", f"/staff/young-people/{_id('jess')}#words"
    )

    def emails_to_alex() -> list[str]:
        return [c for to, c in smtp_inbox.messages[before:] if ALEX in to and "Waymark safeguarding alert" in c]

    for _ in range(40):  # the in-process job runner sends within a second or so
        if emails_to_alex():
            break
        alex.wait_for_timeout(250)
    sent = emails_to_alex()
    assert len(sent) == 1, sent  # told once, not once per form
    assert "tablets" not in sent[0] and "kill" not in sent[0]  # never the words
    assert re.search(r"https?://[\w.:-]+/staff/safeguarding#alert-\d+", sent[0]), sent[0]  # an address, not a path

    alert.get_by_label("What you are doing about it").fill("Rang Jess, Priya visiting today")
    alert.get_by_role("button", name="I have this").click()
    expect(alex.locator("section.card", has_text="Jess Carter")).to_have_count(0)


def _id(username: str) -> int:
    with LIVE["database"].session() as session:
        found = session.exec(select(User.id).where(User.username == username)).one()
    assert found is not None
    return found

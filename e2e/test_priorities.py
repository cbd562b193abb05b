"""Priority rounds end to end: Amara votes in easy read (too many votes first, then
right), Jo starts and opens a round, Alex reads a closed round's results with small
counts suppressed and prints them. axe finds nothing on these pages in English and
Welsh, charts included."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import accessibility_problems, sign_in_staff, sign_in_young_person, switch_to_welsh
from waymark import clock


def test_young_people_vote_and_staff_read_protected_results(
    page: Page, base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    problems: list[str] = []
    page.set_viewport_size({"width": 320, "height": 740})  # the narrowest phone: nothing may scroll sideways
    sign_in_young_person(page, "amara")
    page.goto("/consultations")
    page.get_by_role("link", name="Choose what matters most: vote on what the council works on first").click()
    expect(page.locator("h1")).to_have_text("Choose what matters most")
    problems += accessibility_problems(page, "priority rounds", "en")
    page.get_by_role("listitem").filter(has_text="Priorities for 2027").get_by_role(
        "link", name=re.compile("^Easy read version")
    ).click()
    expect(page.locator("p.lead")).to_have_text("What should we do first next year? You have 3 votes.")
    page.get_by_label("Where I live").fill("2")
    page.get_by_label("Money").fill("2")
    expect(page.locator("[data-votes-left]")).to_have_text("Votes left: -1")
    page.get_by_role("button", name="Send my votes").click()
    expect(page.get_by_role("alert")).to_contain_text("You have 3 votes. You used 4. Take some away")
    expect(page.get_by_label("Where I live")).to_have_value("2")  # nothing typed is lost
    problems += accessibility_problems(page, "vote with an error (easy read)", "en", reflow=True)
    page.get_by_label("Money").fill("1")
    page.get_by_label("Add my name to my votes").check()
    page.get_by_role("button", name="Send my votes").click()
    expect(page.get_by_role("status")).to_have_text("Thanks. Your votes are counted.")
    expect(page.get_by_text("Where I live: 2 votes")).to_be_visible()
    problems += accessibility_problems(page, "voted", "en")
    switch_to_welsh(page)
    problems += accessibility_problems(page, "voted (cy)", "cy")

    # Jo starts a round: a mistake first, then opens it.
    jo = make_context().new_page()
    sign_in_staff(jo, "jo@riverside.example", base_url)
    jo.get_by_role("navigation", name="Main").get_by_role("link", name="Priorities").click()
    jo.get_by_role("link", name="Start a priority round").click()
    jo.get_by_label("Title").fill("Spring 2027: what next?")
    jo.get_by_role("button", name="Save draft").click()
    expect(jo.get_by_role("alert")).to_contain_text("Say in a sentence or two what young people are choosing")
    expect(jo.get_by_label("Title")).to_have_value("Spring 2027: what next?")
    problems += accessibility_problems(jo, "new round with errors", "en")
    jo.get_by_label("What young people are choosing, and why").fill("Pick the three things we should start on.")
    jo.get_by_label("Closes on").fill((clock.today() + timedelta(days=30)).isoformat())
    jo.get_by_role("button", name="Save draft").click()
    expect(jo.get_by_role("status")).to_have_text("Saved.")
    jo.get_by_role("button", name="Open the round").click()
    expect(jo.get_by_role("status")).to_have_text("The round is open. Young people can vote now.")
    problems += accessibility_problems(jo, "priority rounds (staff)", "en")

    # Alex reads last quarter's results: small counts are not shown.
    alex = make_context().new_page()
    sign_in_staff(alex, "alex@riverside.example", base_url)
    alex.goto("/staff/priorities")
    alex.get_by_role("link", name="What should we work on first this year?").click()
    expect(alex.locator("h1")).to_have_text("What should we work on first this year?")
    expect(alex.get_by_text(re.compile(r"Young people who voted:\s*23"))).to_be_visible()
    table = alex.get_by_role("table", name="Votes for each thing")
    expect(table.get_by_role("row", name=re.compile(r"^Where I live \d+$"))).to_be_visible()
    expect(table.get_by_role("cell", name=re.compile("fewer than 5|hidden")).first).to_be_visible()
    chart = alex.get_by_role("img", name="Votes for each thing, most first")
    assert chart.evaluate("el => el.tagName.toLowerCase()") == "svg"
    problems += accessibility_problems(alex, "round results", "en")
    alex.emulate_media(media="print")
    expect(alex.get_by_role("button", name="Print for a committee paper")).to_be_hidden()
    alex.emulate_media(media="screen")
    switch_to_welsh(alex)
    problems += accessibility_problems(alex, "round results (cy)", "cy")
    alex.goto("/staff/priorities")
    problems += accessibility_problems(alex, "priority rounds (cy)", "cy")
    assert not problems, "\n".join(problems)

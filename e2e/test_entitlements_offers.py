"""What I can get, and offers, in the browser: Amara's bursary and adviser support to
her 25th birthday; Kai's setting-up-home allowance coming up; Sam's items ending soon;
Leah's offers "for me"; an organisation's offer that Sasha approves; axe in English
and Welsh on every page of the feature.

Tests change only what they own: the organisation test adds one offer with a unique
title. Sam's test moves the server's clock (in this process) and puts it back."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import date, timedelta

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    NARROW,
    NEW_PASSPHRASE,
    PASSPHRASE,
    accessibility_problems,
    clock_moved,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
)
from waymark import clock
from waymark.entitlements.rules import birthday

SASHA = "sasha@riverside.example"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def date_of_birth(page: Page) -> date:
    """The signed-in young person's date of birth, as /my-facts shows it."""
    page.goto("/my-facts")
    text = page.locator("dl.summary dd").first.inner_text()
    day, month, year = text.split()
    return date(int(year), [f"{date(2000, m, 1):%B}" for m in range(1, 13)].index(month) + 1, int(day))


def group(page: Page, title: str):
    return page.locator("section.card", has=page.get_by_role("heading", name=title, exact=True))


def test_amara_at_university_sees_her_bursary_now_and_adviser_support_to_25(page: Page) -> None:
    sign_in_young_person(page, "amara")
    born = date_of_birth(page)
    page.goto("/entitlements")
    now = group(page, "You can get these now")
    bursary = now.locator("li", has=page.get_by_role("link", name="Higher education bursary"))
    expect(bursary).to_contain_text("£2,000")
    expect(bursary).to_contain_text("You can get this now")
    adviser = now.locator("li", has=page.get_by_role("link", name="A personal adviser up to 25"))
    last_day = birthday(born, 25) - timedelta(days=1)
    expect(adviser).to_contain_text(f"You can get this until {long_date(last_day)}")
    # Her council's own amount beside the national minimum.
    home = now.locator("li", has=page.get_by_role("link", name="Setting-up-home allowance"))
    expect(home).to_contain_text("At least £3,000")
    expect(home).to_contain_text("Riverside Council")
    expect(home).to_contain_text("£3,200")


def test_kai_at_17_sees_the_setting_up_home_allowance_coming_up(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", "kai")
    # test_staff's invite journey may already have given Kai a passphrase of his own.
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE):
        page.fill("#passphrase", passphrase)
        page.locator("main form button[type=submit]").click()
        if page.locator("h1").inner_text() == "Hello, Kai":
            break
    expect(page.locator("h1")).to_have_text("Hello, Kai")
    born = date_of_birth(page)
    page.goto("/entitlements")
    coming = group(page, "Coming up")
    item = coming.locator("li", has=page.get_by_role("link", name="Setting-up-home allowance"))
    expect(item).to_contain_text(f"From {long_date(birthday(born, 18))}")
    expect(group(page, "You can get these now")).not_to_contain_text("Setting-up-home allowance")


def test_sam_sees_what_is_ending_soon(page: Page) -> None:
    """Sam is 23, so support that lasts to 25 is not ending yet; with the clock moved
    to 4 months before his 25th birthday it is."""
    sign_in_young_person(page, "sam")
    born = date_of_birth(page)
    page.goto("/entitlements")
    expect(page.get_by_role("heading", name="Ending soon")).to_have_count(0)
    last_day = birthday(born, 25) - timedelta(days=1)
    with clock_moved(last_day - timedelta(days=120) - clock.today()):
        sign_in_young_person(page, "sam")  # the move outlasts his session
        page.goto("/entitlements")
        ending = group(page, "Ending soon")
        item = ending.locator("li", has=page.get_by_role("link", name="A personal adviser up to 25"))
        expect(item).to_contain_text(f"You can get this until {long_date(last_day)}")
        expect(ending.locator("li", has=page.get_by_role("link", name="Help if you are a parent"))).to_have_count(0)


def test_leah_filters_offers_for_her(page: Page) -> None:
    sign_in_young_person(page, "leah")
    page.goto("/offers")
    results = page.locator("#results")
    expect(results).to_contain_text("Five free driving lessons")  # for 17 and over
    expect(results).to_contain_text("Free gym and swim pass for a year")  # for 18 and over
    expect(results).not_to_contain_text("Quickfix Bike Workshop")  # waiting for a moderator
    page.get_by_label("Only offers for me").check()  # htmx swaps the results, no reload
    expect(results).not_to_contain_text("Five free driving lessons")
    expect(results).not_to_contain_text("Free gym and swim pass for a year")
    expect(results).to_contain_text("Free home fire safety visit and smoke alarm")
    assert "for_me=1" in page.url
    page.select_option("#category", "finance")
    expect(results).not_to_contain_text("Free home fire safety visit and smoke alarm")
    expect(results).to_contain_text("Free money and budgeting course")
    page.get_by_label("Only offers for me").uncheck()
    page.select_option("#category", "")
    page.fill("#q", "driving")
    page.locator("#q").press("Enter")
    expect(results.locator("li")).to_have_count(1)
    results.get_by_role("link", name="Five free driving lessons").click()
    expect(page.locator("h1")).to_have_text("Five free driving lessons")
    expect(page.locator("main")).to_contain_text("How to get it")


def test_an_organisation_sends_an_offer_and_sasha_approves_it(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    title = f"Free bike lights {secrets.token_hex(3)}"
    org = make_context().new_page()
    org.goto("/offers/new")
    org.get_by_role("button", name="Send the offer").click()
    expect(org.locator(".error-summary")).to_be_focused()
    expect(org.locator("#organisation")).to_have_attribute("aria-invalid", "true")
    org.select_option("#council", label="Riverside Council")
    org.fill("#organisation", "Brightspoke Cycles")
    org.fill("#title", title)
    org.fill("#description", "Free front and back lights for your bike, fitted while you wait.")
    org.select_option("#category", "safety_security")
    org.fill("#area", "Riverside")
    org.fill("#how_to_claim", "Come to the shop with your care leaver letter.")
    org.fill("#url", "not a web address")
    org.fill("#contact_email", "hello@brightspoke.example")
    time.sleep(3.2)  # a person takes a few seconds; the form refuses faster sends
    org.get_by_role("button", name="Send the offer").click()
    expect(org.locator("#url-error")).to_be_visible()
    expect(org.locator("#title")).to_have_value(title)  # what was typed is kept
    org.fill("#url", "https://brightspoke.example/lights")
    time.sleep(3.2)
    org.get_by_role("button", name="Send the offer").click()
    expect(org.locator("h1")).to_have_text("Thank you, we have your offer")
    org.goto(f"/offers?q={title.replace(' ', '+')}")
    expect(org.locator("#results li")).to_have_count(0)  # not shown until approved

    sasha = make_context().new_page()
    sign_in_staff(sasha, SASHA, base_url)
    sasha.goto("/staff/offers")
    sasha.get_by_role("link", name=title).click()
    expect(sasha.locator("#title")).to_have_value(title)
    sasha.fill("#description", "Free front and back lights for your bike. We fit them while you wait.")
    sasha.get_by_role("button", name="Save and show to young people").click()
    expect(sasha.get_by_role("status")).to_contain_text("The offer is now shown to young people.")

    org.goto(f"/offers?q={title.replace(' ', '+')}")
    expect(org.locator("#results li")).to_have_count(1)
    org.get_by_role("link", name=title).click()
    expect(org.locator("main")).to_contain_text("We fit them while you wait.")


def test_axe_finds_nothing_on_entitlement_and_offer_pages_in_english_and_welsh(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    problems: list[str] = []
    young = make_context(**NARROW).new_page()
    sign_in_young_person(young, "amara")
    young.goto("/offers")
    offer_path = young.locator("#results li a").first.get_attribute("href")
    young_pages = ["/entitlements", "/entitlements/higher-education-bursary", "/my-facts", "/offers", offer_path]
    staff = make_context(**NARROW).new_page()
    sign_in_staff(staff, SASHA, base_url)
    staff.goto("/staff/offers")
    review_path = staff.locator("main li a").first.get_attribute("href")
    staff_pages = ["/staff/offers", review_path, "/staff/council-amounts", "/staff/content"]
    visitor = make_context(**NARROW).new_page()
    visitor_pages = ["/offers", "/offers/new", "/entitlements"]

    for lang in ("en", "cy"):
        for page, paths in ((young, young_pages), (staff, staff_pages), (visitor, visitor_pages)):
            if lang == "cy":
                page.goto("/")
                switch_to_welsh(page)
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                problems += accessibility_problems(page, f"{lang} {path}", lang, reflow=True)
        # The public form with its errors showing.
        visitor.goto("/offers/new")
        visitor.locator("main form button[type=submit]").click()
        expect(visitor.locator(".error-summary")).to_be_visible()
        problems += accessibility_problems(visitor, f"{lang} /offers/new with errors", lang, reflow=True)
    # Pages due a check are listed with their sources only once a page is over 12
    # months old: move the clock past that so the table is checked too.
    with clock_moved(timedelta(days=400)):
        checker = make_context(**NARROW).new_page()
        sign_in_staff(checker, SASHA, base_url)
        checker.goto("/staff/content")
        expect(checker.get_by_role("region", name="Pages to check, oldest first")).to_be_visible()
        problems += accessibility_problems(checker, "en /staff/content, pages due a check", "en", reflow=True)
    assert not problems, "\n\n".join(problems)

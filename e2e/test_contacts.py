"""Contact with my worker in the browser: Kai couldn't reach Priya and she answers;
Leah's request goes unanswered and Alex, the manager, sees it passed on (the clock is
moved in this process, where the live server and its job runner run); Amara confirms
a contact; axe in English and Welsh.

Tests change only what they own: Kai's and Leah's requests, Amara's awaiting visit.
The escalation test moves the clock and puts it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    NARROW,
    accessibility_problems,
    clock_moved,
    sign_in_kai,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
)

PRIYA, ALEX, SASHA = "priya@riverside.example", "alex@riverside.example", "sasha@riverside.example"


def tell_couldnt_reach(page: Page, how: str, note: str) -> None:
    page.goto("/contacts")
    page.get_by_label(how).check()
    page.get_by_label("Anything else? (you can leave this empty)").fill(note)
    page.get_by_role("button", name="Tell us").click()
    expect(page.get_by_role("status")).to_contain_text("We have told your worker")
    expect(page.locator("#reach")).to_contain_text("Waiting for an answer")


def test_kai_couldnt_reach_priya_and_she_answers(base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    kai = make_context().new_page()
    sign_in_kai(kai)
    tell_couldnt_reach(kai, "I phoned", "I rang on Monday and Tuesday.")
    expect(kai.locator("#reach")).to_contain_text("01632 960000")  # who else he can call now

    priya = make_context().new_page()
    sign_in_staff(priya, PRIYA, base_url)
    priya.goto("/inbox")
    priya.get_by_role("link", name="Kai couldn't reach you").first.click()
    request = priya.locator("[id^=reach-]", has_text="I rang on Monday and Tuesday.")
    request.get_by_label("Your answer (they will see it)").fill("Sorry Kai, I was on a course. I will ring you at 4pm.")
    request.get_by_role("button", name="Send answer").click()
    expect(priya.locator("#contacts")).to_contain_text("I will ring you at 4pm.")

    kai.goto("/contacts")
    answered = kai.locator("#reach li", has_text="I phoned").first
    expect(answered).to_contain_text("Answered")
    expect(answered).to_contain_text("I will ring you at 4pm.")


def test_an_unanswered_request_reaches_the_manager(base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    leah = make_context().new_page()
    sign_in_young_person(leah, "leah")
    tell_couldnt_reach(leah, "I sent a text or message", "No reply to my texts this week.")
    with clock_moved(timedelta(days=6)):  # past 2 working days, whatever today is
        alex = make_context().new_page()
        sign_in_staff(alex, ALEX, base_url)
        alex.goto("/inbox")
        passed_on = "Leah Morris couldn't reach Priya Shah, and has had no answer in time"
        escalation = alex.get_by_role("link", name=passed_on)
        expect(escalation).to_have_count(1, timeout=10_000)  # the job runner looks every half second
        escalation.click()
        expect(alex.locator("h1")).to_have_text("Leah Morris")
        expect(alex.locator("#contacts")).to_contain_text("Passed to a manager")
        sign_in_young_person(leah, "leah")
        leah.goto("/contacts")
        expect(leah.locator("#reach li", has_text="No reply").first).to_contain_text("Passed to a manager")


def test_amara_confirms_a_contact(page: Page) -> None:
    sign_in_young_person(page, "amara")
    page.goto("/contacts")
    visit = page.locator("#contacts li", has_text="Visited you at your flat.")
    expect(visit).to_contain_text("Not checked yet")
    visit.get_by_role("button", name="Yes, we spoke").click()
    expect(page.locator("#contacts li", has_text="Visited you at your flat.")).to_contain_text("Both agree")


def test_sasha_moves_sam_to_priya_who_acknowledges_the_handover(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    sam = make_context().new_page()
    sign_in_young_person(sam, "sam")
    sam.goto("/contacts/about-me")
    sam.get_by_label("What matters to me").fill("My daughter Mia, and keeping my job.")
    sam.get_by_label("I am happy for my workers to read this").check()
    sam.get_by_role("button", name="Save").click()
    expect(sam.get_by_role("status")).to_have_text("Saved.")

    sasha = make_context().new_page()
    sign_in_staff(sasha, SASHA, base_url)
    sasha.goto("/staff/assignments")
    row = sasha.locator("tr", has_text="Sam Taylor")
    expect(row).to_contain_text("Tom Evans")
    row.get_by_role("link", name="Change worker").click()
    sasha.get_by_label("New worker").select_option(label="Priya Shah")
    sasha.get_by_role("button", name="Change worker").click()
    expect(sasha.get_by_role("status")).to_contain_text("Worker changed")
    expect(sasha.locator("tr", has_text="Sam Taylor")).to_contain_text("Priya Shah")

    priya = make_context().new_page()
    sign_in_staff(priya, PRIYA, base_url)
    priya.goto("/staff/caseload")
    priya.get_by_role("link", name="Handover: Sam Taylor").click()
    expect(priya.locator("main")).to_contain_text("My daughter Mia, and keeping my job.")
    expect(priya.locator("main")).to_contain_text("Talked about nursery for your daughter.")  # recent contacts
    priya.get_by_role("button", name="I have read this handover").click()
    expect(priya.locator("main")).to_contain_text("Read and acknowledged")

    sam.goto("/contacts")
    expect(sam.locator("main")).to_contain_text("Priya Shah, your personal adviser")
    expect(sam.locator("main")).to_contain_text("You have had 1 change of worker.")
    sam.goto("/inbox")
    expect(sam.get_by_role("link", name="Your new worker is Priya Shah")).to_be_visible()


def test_axe_finds_nothing_on_contact_pages_in_english_and_welsh(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    problems: list[str] = []
    young = make_context(**NARROW).new_page()
    sign_in_young_person(young, "sam")
    staff = make_context(**NARROW).new_page()
    sign_in_staff(staff, PRIYA, base_url)
    staff.goto("/staff/caseload")
    record = staff.get_by_role("link", name="Amara Mensah", exact=True).get_attribute("href")
    manager = make_context(**NARROW).new_page()
    sign_in_staff(manager, ALEX, base_url)
    for lang in ("en", "cy"):
        if lang == "cy":
            for page in (young, staff, manager):
                page.goto("/")
                switch_to_welsh(page)
        for page, paths in (
            (young, ["/contacts", "/contacts/about-me"]),
            (staff, ["/staff/caseload", record, f"{record}/contacts/new"]),
            (manager, ["/staff/assignments", f"{record}/worker"]),
        ):
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                problems += accessibility_problems(page, f"{lang} {path}", lang, reflow=True)
        # Forms sent empty show their errors.
        young.goto("/contacts")
        young.locator("#log button[type=submit]").click()
        expect(young.locator(".error-summary")).to_be_visible()
        problems += accessibility_problems(young, f"{lang} /contacts with errors", lang, reflow=True)
    assert not problems, "\n\n".join(problems)

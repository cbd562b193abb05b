"""Consultations in the browser: Leah answers the easy-read version one question at a
time, going back without losing answers and keeping a draft on the phone; Jo drafts
and publishes one; axe in English and Welsh.

Tests change only what they own: Leah's anonymous answer, Jo's new consultation."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    NARROW,
    TITLE,
    accessibility_problems,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
    visible_step,
    wait_for_service_worker,
)
from waymark import clock

JO = "jo@riverside.example"


@pytest.mark.usefixtures("answered_forgotten")
def test_leah_answers_the_easy_read_version_one_question_at_a_time(page: Page) -> None:
    sign_in_young_person(page, "leah")
    page.goto("/consultations")
    page.locator("a[href$='?mode=easy']", has_text="Easy read version").first.click()
    expect(page.locator(".lead")).to_have_text("Tell us about your worker. What is good? What could be better?")
    step = visible_step(page)
    expect(step).to_have_count(1)
    expect(step).to_contain_text("Question 1 of 4")
    expect(step).to_contain_text("How do you feel about seeing your worker?")
    step.get_by_role("radio", name="Happy", exact=True).check()
    step.get_by_role("button", name="Next").click()
    visible_step(page).get_by_label("Text or message").check()
    visible_step(page).get_by_role("button", name="Back").click()
    expect(visible_step(page).get_by_role("radio", name="Happy", exact=True)).to_be_checked()  # nothing lost going back
    visible_step(page).get_by_role("button", name="Next").click()
    expect(visible_step(page).get_by_label("Text or message")).to_be_checked()
    # The draft survives a reload on the phone.
    page.reload()
    expect(page.get_by_label("Text or message")).to_be_checked()
    for _ in range(4):  # the page starts at the first question again
        visible_step(page).get_by_role("button", name="Next").click()
    expect(visible_step(page)).to_contain_text("Do you want to give your name?")
    visible_step(page).get_by_label("No, send it without my name. I get a code to hear back.").check()
    visible_step(page).get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Thank you for your answers")
    expect(page.locator(".invite-code")).to_have_text(re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$"))
    problems = accessibility_problems(page, "thanks page", "en")
    assert not problems, "\n\n".join(problems)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('waymark-draft-')).length") == 0


def test_jo_drafts_and_publishes_a_consultation(base_url: str, page: Page) -> None:
    title = f"Your home {secrets.token_hex(2)}"
    sign_in_staff(page, JO, base_url)
    page.goto("/staff/consultations/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary young people read first").fill("Tell us about where you live.")
    page.get_by_label("Opens on").fill(clock.today().isoformat())
    page.get_by_label("Closes on").fill((clock.today() + timedelta(days=14)).isoformat())
    page.get_by_label("18 to 20").check()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator("h1")).to_have_text(title)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#actions")).to_have_text("Add at least one question before you publish")
    page.get_by_label("Type of question").select_option("feelings")
    page.get_by_label("Question", exact=True).fill("How do you feel about your home?")
    page.get_by_role("button", name="Add question").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published.")
    expect(page.locator("main")).to_contain_text("This consultation is open, so its questions cannot change")


def test_axe_finds_nothing_on_consultation_pages_in_english_and_welsh(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    problems: list[str] = []
    young = make_context(**NARROW).new_page()
    sign_in_young_person(young, "amara")
    young.goto("/consultations")
    answer = young.get_by_role("link", name=TITLE, exact=True).get_attribute("href")
    staff = make_context(**NARROW).new_page()
    sign_in_staff(staff, JO, base_url)
    staff.goto("/staff/consultations")
    edit = staff.get_by_role("link", name=TITLE, exact=True).get_attribute("href")
    for lang in ("en", "cy"):
        if lang == "cy":
            for page in (young, staff):
                page.goto("/")
                switch_to_welsh(page)
        for page, paths in (
            (young, ["/consultations", answer, f"{answer}?mode=easy"]),
            (staff, ["/staff/consultations", "/staff/consultations/new", edit]),
        ):
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                problems += accessibility_problems(page, f"{lang} {path}", lang, reflow=True)
    assert not problems, "\n\n".join(problems)


# ------------------------------------------------------------------ offline
def response_count(staff: Page) -> int:
    staff.goto("/staff/consultations")
    text = staff.locator("li.card", has_text=TITLE).first.inner_text()
    return int(re.search(r"(\d+) respons", text).group(1))  # type: ignore[union-attr]


def answer_offline(page: Page, context: BrowserContext, consultation_path: str) -> None:
    """Open the consultation online (so the page and worker are ready), go offline,
    answer it all and send: the worker keeps it and shows "Saved on this phone"."""
    page.goto(consultation_path)
    wait_for_service_worker(page)
    page.goto(consultation_path)
    context.set_offline(True)
    visible_step(page).get_by_role("radio", name="Unhappy", exact=True).check()
    for _ in range(4):
        visible_step(page).get_by_role("button", name="Next").click()
    visible_step(page).get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Saved on this phone")
    expect(page.locator("[data-outbox-status]")).to_contain_text("waiting to send: 1")
    problems = accessibility_problems(page, "saved on this phone", "en")
    assert not problems, "\n\n".join(problems)


def wait_for_count(staff: Page, expected: int) -> None:
    for _ in range(40):
        if response_count(staff) == expected:
            return
        staff.wait_for_timeout(250)
    assert response_count(staff) == expected


def test_kai_answers_offline_and_one_response_arrives_without_background_sync(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    """The fallback path (iPhones): the answer is sent on the next page load."""
    staff = make_context().new_page()
    sign_in_staff(staff, JO, base_url)
    before = response_count(staff)
    context = make_context()
    kai = context.new_page()
    from e2e.test_contacts import sign_in_kai

    sign_in_kai(kai)
    # As on a browser without background sync, registering for it fails.
    session = context.new_cdp_session(kai)
    context_id = session.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    session.send(
        "Browser.setPermission",
        {
            "permission": {"name": "background-sync"},
            "setting": "denied",
            "origin": base_url,
            "browserContextId": context_id,
        },
    )
    kai.goto("/consultations")
    path = kai.get_by_role("link", name=TITLE, exact=True).get_attribute("href")
    answer_offline(kai, context, path)
    assert kai.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())") == []
    kai.close()  # the phone is put away: no page sees the "online" event
    assert response_count(staff) == before  # nothing arrived while offline
    context.set_offline(False)
    page = context.new_page()
    page.goto("/")  # the next page load asks the worker to send
    expect(page.locator("[data-outbox-banner]")).to_have_text("Sent. Thank you!")
    assert response_count(staff) == before + 1
    for _ in range(2):  # asking again sends nothing more
        page.reload()
        page.wait_for_timeout(300)
    assert response_count(staff) == before + 1
    page.goto(path)
    expect(page.locator("main")).to_contain_text("You have already answered this consultation")


def test_amara_answers_offline_and_background_sync_sends_it_once(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    """Where the browser has background sync, the worker sends it with no page open."""
    staff = make_context().new_page()
    sign_in_staff(staff, JO, base_url)
    before = response_count(staff)
    context = make_context()
    amara = context.new_page()
    sign_in_young_person(amara, "amara")
    amara.goto("/consultations")
    path = amara.get_by_role("link", name=TITLE, exact=True).get_attribute("href")
    devtools_page = context.new_page()  # stays open (uncontrolled) to reach the worker through DevTools
    cdp = context.new_cdp_session(devtools_page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(r["registrationId"] for r in e["registrations"] if not r["isDeleted"]),
    )
    cdp.send("ServiceWorker.enable")
    answer_offline(amara, context, path)
    assert amara.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())") == ["waymark-outbox"]
    amara.close()
    assert response_count(staff) == before
    context.set_offline(False)  # Chromium fires "sync" when it is back online; no page is open
    wait_for_count(staff, before + 1)
    # A second sync event (DevTools fires one) finds nothing left to send.
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": base_url, "registrationId": registrations[-1], "tag": "waymark-outbox", "lastChance": False},
    )
    devtools_page.wait_for_timeout(500)
    assert response_count(staff) == before + 1

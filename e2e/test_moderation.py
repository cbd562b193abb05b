"""Moderation in the browser: Sam writes an answer naming his adviser; Morgan sees the
name marked, keeps it out of the text to use, confirms the themes and approves; Alex
reads the moderation log; axe in English and Welsh.

Tests change only what they own: Sam's answer to the demo consultation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, expect

from e2e.helpers import (
    NARROW,
    TITLE,
    accessibility_problems,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
    visible_step,
)

MORGAN, ALEX = "morgan@riverside.example", "alex@riverside.example"
WORDS = "My PA Tom is kind but I only see him every few months"
RISK = "honestly nobody would notice if i wasnt here anymore"


def test_morgan_redacts_a_name_and_confirms_themes(base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    sam = make_context().new_page()
    sign_in_young_person(sam, "sam")
    sam.goto("/consultations")
    sam.get_by_role("link", name=TITLE, exact=True).click()
    visible_step(sam).get_by_role("radio", name="Not sure", exact=True).check()
    for _ in range(3):
        visible_step(sam).get_by_role("button", name="Next").click()
    visible_step(sam).get_by_role("textbox").fill(WORDS)
    visible_step(sam).get_by_role("button", name="Next").click()
    visible_step(sam).get_by_role("button", name="Send my answers").click()
    expect(sam.locator("h1")).to_have_text("Thank you for your answers")

    morgan = make_context().new_page()
    sign_in_staff(morgan, MORGAN, base_url)
    morgan.goto("/staff/moderation")
    card = morgan.locator("section.card", has_text="every few months")
    expect(card.locator("mark")).to_have_text("Tom (name)")
    text = card.get_by_label("Text to use (personal details taken out)")
    expect(text).to_have_value("My PA [name] is kind but I only see him every few months")
    expect(card.get_by_label("Contact with my worker")).to_be_checked()  # suggested
    card.get_by_label("Moving to adult life").check()
    card.get_by_label("Moving to adult life").uncheck()
    problems = accessibility_problems(morgan, "queue with an answer", "en")
    assert not problems, "\n\n".join(problems)
    card.get_by_role("button", name="Approve").click()
    expect(morgan.get_by_role("status")).to_contain_text("Approved")
    expect(morgan.locator("main")).not_to_contain_text("every few months")

    alex = make_context().new_page()
    sign_in_staff(alex, ALEX, base_url)
    alex.goto("/staff/moderation/log")
    row = alex.locator("tbody tr").first
    expect(row).to_contain_text("Morgan Lee")
    expect(row).to_contain_text("Approved (redacted)")
    expect(row).to_contain_text("Contact with my worker")


def test_axe_finds_nothing_on_moderation_pages_in_english_and_welsh(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    problems: list[str] = []
    morgan = make_context(**NARROW).new_page()
    sign_in_staff(morgan, MORGAN, base_url)
    alex = make_context(**NARROW).new_page()
    sign_in_staff(alex, ALEX, base_url)
    visitor = make_context(**NARROW).new_page()
    young = make_context(**NARROW).new_page()
    sign_in_young_person(young, "amara")
    for lang in ("en", "cy"):
        if lang == "cy":
            for page in (morgan, alex, visitor, young):
                page.goto("/")
                switch_to_welsh(page)
        for page, paths in (
            (morgan, ["/staff/moderation"]),
            (alex, ["/staff/moderation/log"]),
            (visitor, ["/moderation-policy"]),
            (young, ["/unsafe"]),
        ):
            for path in paths:
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                problems += accessibility_problems(page, f"{lang} {path}", lang, reflow=True)
    assert not problems, "\n\n".join(problems)


@pytest.mark.usefixtures("answered_forgotten")
def test_a_risk_statement_reaches_alexs_duty_list_and_email(
    base_url: str, make_context: Callable[..., BrowserContext], smtp_inbox: Any
) -> None:
    leah = make_context().new_page()
    sign_in_young_person(leah, "leah")
    leah.goto("/consultations")
    leah.get_by_role("link", name=TITLE, exact=True).click()
    visible_step(leah).get_by_role("radio", name="Very unhappy", exact=True).check()
    for _ in range(3):
        visible_step(leah).get_by_role("button", name="Next").click()
    visible_step(leah).get_by_role("textbox").fill(RISK)
    visible_step(leah).get_by_role("button", name="Next").click()
    visible_step(leah).get_by_label("No, send it without my name. I get a code to hear back.").check()
    visible_step(leah).get_by_role("button", name="Send my answers").click()
    expect(leah.locator("main")).to_contain_text("told the council's safeguarding lead straight away")
    expect(leah.locator(".help-now")).to_contain_text("0800 1111")

    alex = make_context().new_page()
    sign_in_staff(alex, ALEX, base_url)
    alex.goto("/staff/safeguarding")
    alert = alex.locator("section.card", has_text="nobody would notice")
    expect(alert).to_contain_text("Anonymous young person")

    def urgent_emails() -> list[str]:
        return [c for to, c in smtp_inbox.messages if ALEX in to and "Waymark safeguarding alert" in c]

    for _ in range(40):  # the in-process job runner sends the email within a second or so
        if urgent_emails():
            break
        alex.wait_for_timeout(250)
    sent = urgent_emails()
    assert sent and all("notice" not in content for content in sent)  # never the words
    alert.get_by_label("What you are doing about it").fill("Asked Priya to check on the young people she works with")
    alert.get_by_role("button", name="I have this").click()
    # Other tests' alerts may be open too: this one is no longer among them.
    expect(alex.locator("section.card", has_text="nobody would notice")).to_have_count(0)
    # Morgan never sees it in the moderation queue.
    morgan = make_context().new_page()
    sign_in_staff(morgan, MORGAN, base_url)
    morgan.goto("/staff/moderation")
    expect(morgan.locator("main")).not_to_contain_text("nobody would notice")

"""You Said We Did end to end: Leah answers without her name and keeps the code on her
phone; Kai turns on messages; Jo publishes an update on housing and on Leah's
consultation; Kai gets a real encrypted push (sent by the job worker to a fake push
service, decrypted there, then delivered to his service worker) and an inbox item, and
opens the update, reacts and says more; Leah sees the news on her next visit. axe checks these pages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    accessibility_problems,
    sign_in_kai,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
    visible_step,
    wait_for_service_worker,
)

OPEN = "Keeping in touch with your worker"


def answer_anonymously(page: Page) -> str:
    page.goto("/consultations")
    page.get_by_role("link", name=OPEN, exact=True).click()
    visible_step(page).get_by_role("radio", name="Not sure", exact=True).check()
    for _ in range(4):
        visible_step(page).get_by_role("button", name="Next").click()
    visible_step(page).get_by_label("No, send it without my name. I get a code to hear back.").check()
    visible_step(page).get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_have_text("Thank you for your answers")
    code = page.locator("[data-resume-code]")
    expect(code).to_have_text(re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$"))
    return code.inner_text()


def stub_push_subscribe(context: BrowserContext, subscription: dict[str, Any]) -> None:
    """Headless Chromium cannot reach a real push service; the page gets a subscription
    whose endpoint is the fake push service and whose keys the test holds."""
    context.add_init_script(
        "(() => { const FAKE = " + json.dumps(subscription) + ";"
        "PushManager.prototype.subscribe = async function (options) {"
        " return {endpoint: FAKE.endpoint, expirationTime: null, options, toJSON: () => FAKE,"
        " unsubscribe: async () => true}; };"
        "PushManager.prototype.getSubscription = async function () { return null; }; })();"
    )


@pytest.mark.usefixtures("answered_forgotten")
def test_update_reaches_kai_by_push_and_leah_through_her_code(
    page: Page, base_url: str, make_context: Callable[..., BrowserContext], push_service: Any
) -> None:
    problems: list[str] = []
    leah = make_context().new_page()
    sign_in_young_person(leah, "leah")
    code = answer_anonymously(leah)

    kai_context = make_context()
    kai_context.grant_permissions(["notifications"], origin=base_url)
    browser = push_service.browser("kai-phone")
    stub_push_subscribe(kai_context, browser.subscription())
    kai = kai_context.new_page()
    sign_in_kai(kai)
    wait_for_service_worker(kai)
    kai.goto("/inbox")
    kai.get_by_role("button", name="Turn on messages").click()
    expect(kai.get_by_role("status").first).to_have_text("Messages on this phone are on.")
    problems += accessibility_problems(kai, "inbox with messages on", "en")

    # Jo publishes, with a mistake first.
    sign_in_staff(page, "jo@riverside.example", base_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="You Said We Did").click()
    page.get_by_role("link", name="Publish an update").click()
    page.get_by_label("Title").fill("Help with damp homes")
    page.get_by_label("What young people said").fill("You said damp and cold flats make you ill.")
    page.get_by_label("We are doing it").check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter what the council did or will do")
    expect(page.get_by_label("Title")).to_have_value("Help with damp homes")
    problems += accessibility_problems(page, "update form with errors", "en")
    page.get_by_label("What the council did or will do").fill("Housing officers now visit within 5 days of a report.")
    page.get_by_label("Where I live").check()
    page.get_by_label(OPEN).check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    problems += accessibility_problems(page, "updates list", "en")

    # The worker sends Kai's push; the fake push service decrypts it.
    page.wait_for_timeout(200)
    deadline = 40
    while not push_service.received and deadline:
        page.wait_for_timeout(250)
        deadline -= 1
    assert push_service.received, "no push arrived at the push service"
    pushed = push_service.received[-1]
    assert pushed.path == "/push/kai-phone"
    assert pushed.payload["title"] == "News about something you told us"
    assert re.fullmatch(r"/updates/\d+", pushed.payload["url"]), pushed.payload

    # The push reaches Kai's real service worker, which shows the notification.
    cdp = kai_context.new_cdp_session(kai)
    registrations: dict[str, str] = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.update({r["scopeURL"]: r["registrationId"] for r in e["registrations"]}),
    )
    cdp.send("ServiceWorker.enable")
    kai.goto("/")
    kai.evaluate("navigator.serviceWorker.ready.then(() => true)")
    kai.wait_for_timeout(300)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base_url, "registrationId": registrations[base_url + "/"], "data": json.dumps(pushed.payload)},
    )
    shown = kai.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            for (let i = 0; i < 40; i++) {
                const found = await reg.getNotifications();
                if (found.length) return found.map(n => ({title: n.title, url: n.data && n.data.url}));
                await new Promise(r => setTimeout(r, 100));
            }
            return [];
        }"""
    )
    assert {"title": "News about something you told us", "url": pushed.payload["url"]} in shown

    # The inbox has it too, and it opens the update.
    kai.goto("/inbox")
    kai.get_by_role("link", name="News about something you told us: Help with damp homes").click()
    expect(kai.locator("h1")).to_have_text("Help with damp homes")
    assert kai.url == base_url + pushed.payload["url"]
    kai.get_by_role("button", name="This helps").click()
    expect(kai.get_by_role("status")).to_contain_text("Thanks")
    problems += accessibility_problems(kai, "update", "en")
    # He says more: an empty send is explained, then his words wait for a moderator.
    kai.get_by_role("button", name="Send").click()
    expect(kai.get_by_role("alert")).to_contain_text("Write what you want to say")
    problems += accessibility_problems(kai, "say more with an error", "en")
    kai.get_by_label("What do you want to say?").fill("Five days is still long when the mould is bad")
    kai.get_by_label("The council can use my words as a quote, without my name").check()
    kai.get_by_role("button", name="Send").click()
    expect(kai.get_by_role("status")).to_contain_text("Someone will check it first")
    expect(kai.get_by_text("Waiting to be checked")).to_be_visible()
    switch_to_welsh(kai)
    problems += accessibility_problems(kai, "update with a comment (cy)", "cy")

    # Leah, next time she opens the app, sees the news about what she said.
    leah.goto("/")
    news = leah.locator("[data-hear-back]")
    expect(news).to_contain_text("Help with damp homes")
    news.get_by_role("link", name="Help with damp homes").click()
    expect(leah.locator("h1")).to_have_text("Help with damp homes")
    leah.goto(f"/updates/hear-back?code={code}")
    expect(leah.get_by_role("link", name="Help with damp homes")).to_be_visible()
    leah.goto("/updates")
    problems += accessibility_problems(leah, "news feed", "en")
    switch_to_welsh(leah)
    problems += accessibility_problems(leah, "news feed (cy)", "cy")
    page.goto("/staff/updates")
    switch_to_welsh(page)
    problems += accessibility_problems(page, "updates list (cy)", "cy")
    assert not problems, "\n".join(problems)

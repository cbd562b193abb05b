"""The pathway plan in the browser: the adviser changes it inline (htmx), the young
person sees what changed, asks and gets answers; the plain-language helper; reading
the plan offline; axe in English and Welsh; the /plan HTML budget.

Tests change only what they own: test 1 changes Amara's cooking step, answers her
disagreement and makes her review request; the others only read or submit forms that
fail. Each test signs in afresh, so they pass in any order. Kai is never used (the
invite test changes his passphrase)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Request, expect

from e2e.helpers import (
    HTML_BUDGET,
    NARROW,
    accessibility_problems,
    open_record,
    report_budget,
    sign_in_staff,
    sign_in_young_person,
    switch_to_welsh,
    wait_for_service_worker,
)

PRIYA = "priya@riverside.example"
AMARA_NAME = "Amara Mensah"
DISPUTED_STEP = "Sort out where you live in the summer holidays."
COOKING_STEP = "Cook three meals a week on a budget."
JARGON_SENTENCE = (
    "The local authority will undertake a comprehensive assessment"
    " regarding your Staying Put arrangement and EET status."
)

# The innermost element reaching furthest right, to say what makes a page too wide.


# ------------------------------------------------------------------- helpers


def step_item(page: Page, text: str) -> Locator:
    """The plan's <li class="step"> holding ``text`` (under "All of my plan" on /plan)."""
    return page.locator("li.step[id^='step-']").filter(has=page.locator(".step-text", has_text=text))


def watch_navigations(page: Page) -> list[str]:
    """Marks the document and lists main-frame navigations from now on."""
    page.evaluate("window.__samePage = true")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    return navigations


def assert_same_document(page: Page, navigations: list[str], what: str) -> None:
    assert navigations == [], f"{what} navigated: {navigations}"
    assert page.evaluate("window.__samePage === true"), f"{what} loaded a new document"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _page_is_kept(page: Page, path: str) -> bool:
    return page.evaluate(
        """async (path) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith('waymark-pages-')) continue;
                if (await (await caches.open(name)).match(path, {ignoreVary: true})) return true;
            }
            return false;
        }""",
        path,
    )


# --------------------------------------------------------------------- tests
def test_adviser_changes_plan_and_young_person_responds(
    base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    # Amara has looked at her plan before: what Priya changes after this is "new".
    amara = make_context().new_page()
    sign_in_young_person(amara, "amara")
    amara.goto("/plan")
    expect(amara.locator("h1")).to_have_text("My plan")
    expect(step_item(amara, COOKING_STEP).locator(".new-label")).to_have_count(0)

    # Priya changes the cooking step inline.
    priya = make_context().new_page()
    sign_in_staff(priya, PRIYA, base_url)
    record = open_record(priya, AMARA_NAME)
    cooking = step_item(priya, COOKING_STEP)
    expect(cooking).to_have_count(1)
    step_id = cooking.get_attribute("id")
    assert step_id and step_id.startswith("step-")
    new_text = "Cook three meals a week on a budget. Use the shopping list we made."
    navigations = watch_navigations(priya)

    with priya.expect_request(lambda r: r.url.endswith(f"{record}/plan/steps/{step_id[5:]}")) as opened:
        cooking.get_by_role("link", name=re.compile(r"^Change")).click()
    assert opened.value.method == "GET" and is_htmx(opened.value)
    form = priya.locator(f"#{step_id} form.step-form")
    expect(form).to_be_visible()
    textarea = priya.locator(f"#{step_id}-text")
    expect(textarea).to_have_value(COOKING_STEP)
    textarea.fill(new_text)
    with priya.expect_request(
        lambda r: r.method == "POST" and r.url.endswith(f"{record}/plan/steps/{step_id[5:]}")
    ) as saved:
        form.get_by_role("button", name="Save the step").click()
    assert is_htmx(saved.value), "the step was saved by a plain form post, not htmx"
    expect(priya.locator(f"#{step_id} .step-text")).to_have_text(new_text)
    expect(priya.locator(f"#{step_id} form.step-form")).to_have_count(0)
    expect(priya.locator(".error-summary")).to_have_count(0)

    # ...and answers Amara's disagreement, also without leaving the page.
    waiting = priya.locator("#to-answer")
    disputed = waiting.locator(".answer-item").filter(has_text=DISPUTED_STEP)
    expect(disputed).to_contain_text("I disagree")
    answer = "You can stay in your uni flat. I will ask the council to pay the summer rent."
    disputed.get_by_label("Your answer").fill(answer)
    with priya.expect_request(lambda r: r.method == "POST" and "/plan/feedback/" in r.url) as sent:
        disputed.get_by_role("button", name="Send the answer").click()
    assert is_htmx(sent.value)
    expect(priya.locator(".answer-item").filter(has_text=DISPUTED_STEP)).to_have_count(0)
    assert_same_document(priya, navigations, "changing the step and answering")
    expect(priya.locator("h1")).to_have_text(AMARA_NAME)

    # Amara comes back to her plan: the changed step is marked, the others are not.
    amara.goto("/plan")
    changed = step_item(amara, new_text)
    expect(changed).to_have_attribute("id", step_id)
    expect(changed.locator(".new-label")).to_have_text("New or changed")
    expect(step_item(amara, DISPUTED_STEP).locator(".new-label")).to_have_count(0)
    expect(amara.locator(".new-label")).to_have_count(1)
    expect(step_item(amara, DISPUTED_STEP)).to_contain_text(answer)

    # The disputed step's own page shows Priya's answer.
    step_item(amara, DISPUTED_STEP).get_by_role("link", name="Not sure about this step? Tell your adviser").click()
    amara.wait_for_url(re.compile(r"/plan/steps/\d+$"))
    expect(amara.locator("h1")).to_have_text("Tell your adviser what you think")
    expect(amara.locator("main .card .step-text")).to_have_text(DISPUTED_STEP)
    said = amara.locator("main li.card").filter(has_text="I want to stay in my uni flat in the summer.")
    expect(said).to_contain_text("Your adviser said:")
    expect(said.locator("q").last).to_have_text(answer)
    expect(amara.locator("main")).not_to_contain_text("Waiting for your adviser to answer.")

    # She asks for a review.
    amara.goto("/plan")
    review = amara.locator("#review")
    note = "Can we talk about my second year before the summer?"
    review.get_by_label("Want a review? You can ask at any time.").fill(note)
    review.get_by_role("button", name="Ask for a review").click()
    amara.wait_for_url(re.compile(r"/plan\?sent=review#review$"))
    expect(amara.get_by_role("status")).to_have_text("Done. We told your adviser you want a review.")
    expect(amara.locator("#review .notice")).to_contain_text("You asked for a review on")
    expect(amara.get_by_role("button", name="Ask for a review")).to_have_count(0)

    # Priya sees it waiting for her answer.
    priya.goto(record)
    request_item = priya.locator("#to-answer .answer-item").filter(has_text="Amara asked for a review on")
    expect(request_item).to_have_count(1)
    expect(request_item.locator("q")).to_have_text(note)
    expect(priya.locator("#to-answer h2")).to_have_text("Waiting for your answer")


def test_adviser_checks_plain_language_of_new_step(base_url: str, page: Page) -> None:
    sign_in_staff(page, PRIYA, base_url)
    record = open_record(page, AMARA_NAME)
    steps_before = page.locator("li.step").count()
    posted_steps: list[Request] = []
    page.on("request", lambda r: posted_steps.append(r) if r.method == "POST" and "/plan/steps" in r.url else None)
    navigations = watch_navigations(page)

    help_box = page.locator("#add-help")
    expect(help_box).to_be_empty()
    text = page.locator("#add-text")
    expect(text).to_have_attribute("aria-describedby", re.compile(r"\badd-help\b"))
    with page.expect_request(lambda r: r.url.endswith("/staff/plain-language")) as checked:
        text.press_sequentially(JARGON_SENTENCE)
        expect(help_box).to_contain_text("Reads above age 12")
    assert checked.value.method == "POST" and is_htmx(checked.value)
    assert parse_qs(checked.value.post_data or "").get("text") == [JARGON_SENTENCE]
    expect(help_box.locator("li strong")).to_have_text(["Staying Put", "EET"])
    expect(help_box.locator("li").first).to_contain_text("Living on with your foster carers")
    expect(help_box.locator("h1")).to_have_count(0)  # the fragment, not a page inside the page
    assert posted_steps == [], "typing submitted the form"
    assert_same_document(page, navigations, "the plain-language helper")

    # An empty step is refused; what else she entered is kept.
    page.locator("#add-heading").select_option("money")
    page.locator("#add-owner-named").check()
    page.locator("#add-owner_name").fill("Sue at the housing office")
    page.locator("#add-due_on").fill("2030-03-27")
    text.fill("")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"{record}/plan/steps")) as sent:
        page.get_by_role("button", name="Add the step").click()
    assert sent.value.status == 422 and is_htmx(sent.value.request)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name="Enter what the step is")
    expect(link).to_have_attribute("href", "#add-text")
    error = page.locator("#add-text-error")
    expect(error).to_have_text("Error: Enter what the step is")
    expect(page.locator("#add-text")).to_have_attribute("aria-describedby", re.compile(r"\badd-text-error\b"))
    expect(page.locator("#add-heading")).to_have_value("money")
    expect(page.locator("#add-owner-named")).to_be_checked()
    expect(page.locator("#add-owner_name")).to_have_value("Sue at the housing office")
    expect(page.locator("#add-due_on")).to_have_value("2030-03-27")
    expect(page.locator("li.step")).to_have_count(steps_before)
    assert_same_document(page, navigations, "the failed submit")
    link.click()  # a jump within the page, to the field
    expect(page.locator("#add-text")).to_be_focused()


def test_young_person_reads_plan_offline(page: Page, context: BrowserContext) -> None:
    sign_in_young_person(page, "amara")
    page.goto("/plan")
    wait_for_service_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    response = page.reload()  # through the worker, which keeps a copy
    assert response is not None and response.from_service_worker
    expect(page.locator("h1")).to_have_text("My plan")
    steps = page.locator("li.step[id^='step-'] .step-text").all_inner_texts()
    assert len(steps) == 10 and DISPUTED_STEP in steps, steps
    deadline = time.monotonic() + 10
    while not _page_is_kept(page, "/plan"):
        assert time.monotonic() < deadline, "the service worker never kept /plan"
        page.wait_for_timeout(50)

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("h1")).to_have_text("My plan")
    expect(page.locator("li.step[id^='step-'] .step-text")).to_have_text(steps)
    expect(page.locator("#next-heading")).to_have_text("What happens next")
    assert page.evaluate("navigator.onLine") is False


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_young_person_reads_accessible_plan_pages(lang: str, make_context: Callable[..., BrowserContext]) -> None:
    page = make_context(**NARROW).new_page()
    sign_in_young_person(page, "amara")
    page.goto("/plan")
    if lang == "cy":
        switch_to_welsh(page)
    step_link = page.locator("li.step[id^='step-'] a[href^='/plan/steps/']").first.get_attribute("href")
    words_link = page.locator("a[href='/plan/words/accommodation']").get_attribute("href")
    assert step_link and words_link

    problems: list[str] = []
    for path in ("/plan", "/plan/print", step_link, words_link, "/glossary", "/glossary/staying-put"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        problems += accessibility_problems(page, f"amara ({lang}) {path}", lang, reflow=path == "/plan")

    # The feedback form, sent without a choice.
    page.goto(step_link)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    problems += accessibility_problems(page, f"amara ({lang}) {step_link} with an error", lang)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_adviser_uses_accessible_plan_record(
    lang: str, base_url: str, make_context: Callable[..., BrowserContext]
) -> None:
    page = make_context(**NARROW).new_page()
    sign_in_staff(page, PRIYA, base_url)
    record = open_record(page, AMARA_NAME)
    if lang == "cy":
        switch_to_welsh(page)
        assert page.url.endswith(record)
    problems = accessibility_problems(page, f"priya ({lang}) {record}", lang, reflow=True)

    # A step's edit form, opened in place.
    step = page.locator("li.step[id^='step-']").nth(1)
    step_id = step.get_attribute("id")
    step.locator("a[hx-get]").click()
    expect(page.locator(f"#{step_id} form.step-form")).to_be_visible()
    problems += accessibility_problems(page, f"priya ({lang}) {record} editing {step_id}", lang, reflow=True)

    # The edit form, saved empty: refused, with errors.
    page.locator(f"#{step_id}-text").fill("")
    page.locator(f"#{step_id} form.step-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(f"#{step_id}-text-error")).to_be_visible()
    problems += accessibility_problems(page, f"priya ({lang}) {record} failed edit of {step_id}", lang, reflow=True)

    # The add form, sent empty.
    page.goto(record)
    page.locator("#add-text").fill("")
    page.locator("#add-text").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator("#add-text-error")).to_be_visible()
    problems += accessibility_problems(page, f"priya ({lang}) {record} failed add", lang, reflow=True)

    # "Record a review" opened, and sent without a summary.
    page.goto(record)
    page.locator("#review details summary").click()
    problems += accessibility_problems(page, f"priya ({lang}) {record} review form open", lang, reflow=True)
    page.locator("#review-summary").fill("")
    page.locator("#review details form button[type=submit]").click()
    expect(page.locator("#review-summary-error")).to_be_visible()
    problems += accessibility_problems(page, f"priya ({lang}) {record} failed review", lang, reflow=True)

    page.goto(record)
    page.locator(f"a[href='{record}/plan/history']").click()
    page.wait_for_url(re.compile(r"/plan/history$"))
    problems += accessibility_problems(page, f"priya ({lang}) {record}/plan/history", lang)

    for path in ("/glossary", "/glossary/staying-put"):
        page.goto(path)
        problems += accessibility_problems(page, f"priya ({lang}) {path}", lang)
    assert not problems, "\n\n".join(problems)


def test_young_person_loads_plan_within_budget(make_context: Callable[..., BrowserContext]) -> None:
    # No service worker: the page comes from the server and its size is reported.
    page = make_context(service_workers="block").new_page()
    sign_in_young_person(page, "amara")
    response = page.goto("/plan")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("My plan")
    response.finished()
    size = response.request.sizes()["responseBodySize"]
    encoding = response.headers.get("content-encoding")
    raw = len(response.body())
    report_budget(
        f"HTML /plan (Amara): {size} bytes on the wire ({encoding or 'identity'}), {raw} bytes uncompressed"
        f" (budget {HTML_BUDGET})"
    )
    assert "gzip" in response.request.all_headers().get("accept-encoding", "")
    assert encoding == "gzip", f"/plan sent with content-encoding {encoding!r}"
    assert 0 < size < raw
    assert size <= HTML_BUDGET, f"/plan is {size} bytes compressed, over the {HTML_BUDGET} byte budget"

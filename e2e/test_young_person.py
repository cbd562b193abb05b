"""A young person's journeys: sign in, language, sign out, keyboard only, offline."""

from __future__ import annotations

import time

from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    PASSPHRASE,
    sign_in_young_person,
    sign_out,
    wait_for_service_worker,
)


def _cookie(context: BrowserContext, name: str) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == name), None)


def test_young_person_switches_language_and_signs_out(page: Page, context: BrowserContext, base_url: str) -> None:
    sign_in_young_person(page, "amara")
    assert page.url == base_url + "/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _cookie(context, "waymark_session")

    page.locator("header button[lang=cy]").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert page.url == base_url + "/", "the language switch should come back to the same page"
    assert _cookie(context, "waymark_lang") == "cy"
    expect(page.locator("h1")).to_contain_text("Amara")
    expect(page.locator("header button[lang=cy]")).to_have_count(0)

    page.locator("header button[lang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _cookie(context, "waymark_lang") == "en"
    expect(page.locator("h1")).to_have_text("Hello, Amara")

    sign_out(page)
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    assert _cookie(context, "waymark_session") is None

    page.goto("/")
    expect(page.locator("h1")).to_have_text("Welcome to Waymark")
    assert "Amara" not in page.locator("body").inner_text()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_young_person_signs_in_with_keyboard_only(page: Page) -> None:
    page.goto("/login")
    focused_id = "document.activeElement && document.activeElement.id"

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to main content")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"

    page.keyboard.press("Enter")
    page.wait_for_function(f"{focused_id} === 'main'")
    assert page.url.endswith("/login#main")

    page.keyboard.press("Tab")
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type("amara")
    page.keyboard.press("Tab")
    expect(page.locator("#passphrase")).to_be_focused()
    page.keyboard.type(PASSPHRASE)
    page.keyboard.press("Tab")
    submit = page.locator("main form button[type=submit]")
    expect(submit).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Hello, Amara")


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


def _wait_until_kept(page: Page, path: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not _page_is_kept(page, path):
        assert time.monotonic() < deadline, f"the service worker never kept {path}"
        page.wait_for_timeout(50)


def test_young_person_reads_home_offline(page: Page, context: BrowserContext) -> None:
    sign_in_young_person(page, "amara")
    wait_for_service_worker(page)
    page.reload()  # a navigation through the worker, which keeps a copy
    expect(page.locator("h1")).to_have_text("Hello, Amara")
    _wait_until_kept(page, "/")

    context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("h1")).to_have_text("Hello, Amara")

    for unvisited in ("/staff/caseload", "/some-unvisited"):
        response = page.goto(unvisited)
        assert response is not None and response.from_service_worker, unvisited
        expect(page.locator("h1")).to_have_text("You are offline")
        assert page.title() == "You are offline – Waymark"
        assert "Amara" not in page.locator("body").inner_text()

    # Back online, sign out; offline again, her home page must be gone from the phone.
    context.set_offline(False)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Hello, Amara")
    sign_out(page)
    context.set_offline(True)
    page.goto("/")
    body = page.locator("body").inner_text()
    assert "Amara" not in body, "after sign-out, Amara's home page is still readable offline"
    expect(page.locator("h1")).to_have_text("You are offline")
    assert not _page_is_kept(page, "/")

"""Staff journeys: sign in through the council's OIDC provider, and invites."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import NEW_PASSPHRASE, STAFF, sign_in_staff, sign_out


@pytest.mark.parametrize("email", list(STAFF))
def test_staff_signs_in_and_out(page: Page, context: BrowserContext, base_url: str, email: str) -> None:
    sign_in_staff(page, email, base_url)
    council = "Hillside Council" if email.endswith("@hillside.example") else "Riverside Council"
    expect(page.locator("p.lead")).to_have_text(council)
    assert page.title() == "Home – Waymark"
    assert any(c["name"] == "waymark_session" for c in context.cookies())

    sign_out(page)
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    assert not any(c["name"] == "waymark_session" for c in context.cookies())
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Welcome to Waymark")
    assert STAFF[email] not in page.locator("main").inner_text()


def test_adviser_invites_young_person(page: Page, base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    sign_in_staff(page, "priya@riverside.example", base_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Caseload").click()
    expect(page.locator("h1")).to_have_text("Your caseload")
    page.get_by_role("link", name="Kai Walker", exact=True).click()
    expect(page.locator("h1")).to_have_text("Kai Walker")

    # The invite comes back as an htmx fragment: no new document is loaded.
    page.evaluate("window.__samePage = true")
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    with page.expect_response(re.compile(r"/staff/young-people/\d+/invites$")) as invite:
        page.get_by_role("button", name="Make an invite").click()
    response = invite.value
    assert response.request.method == "POST"
    assert response.request.headers.get("hx-request") == "true"
    assert response.status == 200
    code = page.locator("#invite-panel .invite-code")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4})+$"))
    assert page.evaluate("window.__samePage === true"), "making an invite reloaded the page"
    assert navigations == [], f"making an invite navigated: {navigations}"
    expect(page.locator("h1")).to_have_text("Kai Walker")
    expect(page.get_by_role("button", name="Make another invite")).to_be_visible()
    expect(page.locator("#invite-panel h2")).to_have_count(1)  # swapped inside, not nested

    link = page.locator("#invite-panel a[href*='/join/']")
    invite_url = link.get_attribute("href")
    assert invite_url is not None and invite_url.startswith(base_url + "/join/")
    expect(link).to_have_text(invite_url)

    # Kai, on his own phone.
    kai = make_context().new_page()
    kai.goto(invite_url)
    expect(kai.locator("h1")).to_have_text("Hello, Kai")
    expect(kai.locator("main")).to_contain_text("Your username is kai")
    expect(kai.locator("#username")).to_have_count(0)
    kai.fill("#passphrase", NEW_PASSPHRASE)
    kai.fill("#confirm", NEW_PASSPHRASE)
    kai.get_by_role("button", name="Save and sign in").click()
    kai.wait_for_url(base_url + "/?welcome=1")
    expect(kai.locator("h1")).to_have_text("Hello, Kai")
    expect(kai.get_by_role("status")).to_contain_text("You are signed in")

    response = kai.goto(invite_url)
    assert response is not None and response.status == 404
    expect(kai.locator("h1")).to_have_text("This invite does not work")
    expect(kai.locator("main")).to_contain_text("already been used")

    # The passphrase he chose is the one that works now.
    kai.goto("/")
    sign_out(kai)
    kai.fill("#username", "kai")
    kai.fill("#passphrase", NEW_PASSPHRASE)
    kai.locator("main form button[type=submit]").click()
    expect(kai.locator("h1")).to_have_text("Hello, Kai")

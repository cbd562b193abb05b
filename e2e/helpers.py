"""Constants and helpers shared by the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request, expect

from waymark import clock

CHROMIUM = "/usr/bin/chromium"
PASSPHRASE = "riverside demo passphrase"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}

# Demo accounts (waymark/demo.py): username or email -> the name the home page greets.
YOUNG_PEOPLE = {
    "amara": "Amara",
    "kai": "Kai",
    "leah": "Leah",
    "sam": "Sam",
    "noor": "Noor",
}
STAFF = {
    "priya@riverside.example": "Priya",
    "tom@riverside.example": "Tom",
    "jo@riverside.example": "Jo",
    "morgan@riverside.example": "Morgan",
    "alex@riverside.example": "Alex",
    "sasha@riverside.example": "Sasha",
    "cllr.dunbar@riverside.example": "Cllr Dunbar",
    "dev@hillside.example": "Dev",
}

BUDGET_LINES: list[str] = []  # measured figures, printed again at the end of the run


@contextmanager
def clock_moved(delta: timedelta) -> Iterator[None]:
    """Move the live server's clock (it runs in this process) by ``delta``, and back."""
    clock.advance(delta)
    try:
        yield
    finally:
        clock.advance(-delta)


def report_budget(line: str) -> None:
    print(line)
    BUDGET_LINES.append(line)


# ------------------------------------------------------------------- helpers
def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(context: BrowserContext) -> list[Request]:
    """Every request the context makes from now on (pages and service workers)."""
    seen: list[Request] = []
    context.on("request", lambda request: seen.append(request))
    return seen


def foreign_requests(requests: list[Request], base_url: str) -> list[str]:
    app_origin = origin_of(base_url)
    return [
        r.url
        for r in requests
        if urlsplit(r.url).scheme in ("http", "https", "ws", "wss") and origin_of(r.url) != app_origin
    ]


def sign_in_young_person(page: Page, username: str, passphrase: str = PASSPHRASE) -> None:
    """Through the real sign-in form at /login; ends on the young person's home page."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#passphrase", passphrase)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(f"Hello, {YOUNG_PEOPLE.get(username, username.title())}")


def sign_in_staff(page: Page, email: str, base_url: str) -> None:
    """Through the real OIDC flow: /login/staff, the provider's page, back to Waymark.

    The provider's page links a CDN stylesheet; there is no network here, so that one
    request is answered empty (it is the provider's page, not Waymark's)."""
    page.route(
        "https://cdn.jsdelivr.net/**",
        lambda route: route.fulfill(status=200, body="", content_type="text/css"),
    )
    try:
        page.goto("/login/staff")
        page.locator(f'button[name=sub][value="{email}"]').click()
        page.wait_for_url(base_url + "/")
    finally:
        page.unroute("https://cdn.jsdelivr.net/**")
    expect(page.locator("h1")).to_have_text(f"Hello, {STAFF[email]}")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login?signed_out=1")


def wait_for_service_worker(page: Page) -> None:
    """Until the service worker is active and controls this page (reloads once if the
    worker activated after the page loaded)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function(
        "navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === 'activated'"
    )

"""Constants and helpers shared by the browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
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


AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    }
}


NARROW = {"viewport": {"width": 320, "height": 640}}


HTML_BUDGET = 14 * 1024


RECORD_PATH = re.compile(r"/staff/young-people/(\d+)$")


_axe = Axe()


WIDEST_ELEMENT = """() => {
    let found = null, right = 0;
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect().right;
        if (r >= right) { right = r; found = el; }
    }
    return found ? `<${found.tagName.toLowerCase()} class="${found.className}"> right edge ${Math.round(right)} px:`
        + ` ${(found.textContent || '').trim().slice(0, 60)}` : null;
}"""


def open_record(page: Page, full_name: str) -> str:
    """From the caseload to the young person's record; returns the record's path."""
    page.goto("/staff/caseload")
    page.get_by_role("link", name=full_name, exact=True).click()
    page.wait_for_url(RECORD_PATH)
    expect(page.locator("h1")).to_have_text(full_name)
    return RECORD_PATH.search(page.url).group(0)  # type: ignore[union-attr]


def switch_to_welsh(page: Page) -> None:
    page.locator("header button[lang=cy]").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def accessibility_problems(page: Page, label: str, lang: str, *, reflow: bool = False) -> list[str]:
    """axe (the same rules as test_accessibility) and the page's language; with
    ``reflow``, also no sideways scrolling at the 320 px viewport these tests use (on
    other pages a wider page is only printed: a data table may need two dimensions)."""
    problems = []
    actual = page.locator("html").get_attribute("lang")
    if actual != lang:
        problems.append(f"{label}: <html lang={actual!r}>, expected {lang!r}")
    results = _axe.run(page, options=AXE_OPTIONS)
    if results.violations_count:
        problems.append(f"{label}: axe found {results.violations_count} violation(s)\n{results.generate_report()}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        widest = page.evaluate(WIDEST_ELEMENT)
        message = f"{label}: page is {width} px wide at a 320 px viewport (scrolls sideways); widest: {widest}"
        if reflow:
            problems.append(message)
        else:
            print(f"note: {message}")
    return problems


NEW_PASSPHRASE = "purple bus river teapot"


TITLE = "Keeping in touch with your worker"


def visible_step(page: Page):
    return page.locator("[data-step]:not(.is-hidden-step)")


def sign_in_kai(page: Page) -> None:
    page.goto("/login")
    page.fill("#username", "kai")
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE):  # test_staff may have changed it
        page.fill("#passphrase", passphrase)
        page.locator("main form button[type=submit]").click()
        if page.locator("h1").inner_text() == "Hello, Kai":
            return
    raise AssertionError("Kai could not sign in")

"""Every page each role can reach: axe (WCAG 2.2 AA + best practice), no sideways
scrolling at 320 px, nothing from another origin, and the HTML budget (14 KB
compressed, one round trip on a slow phone connection)."""

from __future__ import annotations

import json
import os
import re
from collections import deque
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Response, expect

from e2e.helpers import (
    AXE_OPTIONS,
    HTML_BUDGET,
    NARROW,
    STAFF,
    foreign_requests,
    origin_of,
    record_requests,
    report_budget,
    sign_in_staff,
    sign_in_young_person,
)

SKIP_PREFIXES = ("/logout", "/login/staff", "/auth/", "/static/", "/join/")
MAX_PAGES = 60  # a safety stop: the crawl must finish before it (asserted), so no page kind is skipped
PER_SHAPE = 3  # pages of the same kind (e.g. /glossary/<term>, /plan/steps/<id>) visited at most


def page_shape(path: str) -> str:
    """/plan/steps/12 and /plan/steps/13 are the same kind of page, as are
    /entitlements/staying-put and /entitlements/bursary (every route with a {slug})."""
    shape = re.sub(r"/\d+", "/{n}", path.split("?")[0])
    return re.sub(r"^(/glossary|/plan/words|/entitlements|/staff/insights/themes)/[^/]+$", r"\1/{x}", shape)


ROLES = ["anonymous", "amara", *STAFF]

_axe = Axe()
# What the crawl saw, for the accessibility statement (make accessibility-results
# writes it to content/accessibility/axe-results.json, which /accessibility reads).
RESULTS: dict = {"pages": 0, "shapes": set(), "roles": [], "violations": 0, "tool": ""}


@pytest.fixture(scope="module", autouse=True)
def _write_results():
    yield
    target = os.environ.get("WAYMARK_AXE_RESULTS")
    if target and RESULTS["roles"] == ROLES:  # every role's crawl passed
        summary = {
            "tested_on": date.today().isoformat(),
            "tool": RESULTS["tool"],
            "pages": RESULTS["pages"],
            "page_kinds": len(RESULTS["shapes"]),
            "roles": RESULTS["roles"],
            "languages": ["en"],
            "violations": RESULTS["violations"],
            "rules": AXE_OPTIONS["runOnly"]["values"],
            "viewport": NARROW["viewport"],
        }
        Path(target).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def check_page(page: Page, response: Response | None, label: str) -> list[str]:
    """Problems on the page now showing: axe violations, overflow at 320 px, HTML size."""
    problems = []
    results = _axe.run(page, options=AXE_OPTIONS)
    RESULTS["violations"] += results.violations_count
    RESULTS["tool"] = RESULTS["tool"] or "axe-core " + page.evaluate("window.axe.version")
    if results.violations_count:
        problems.append(f"{label}: axe found {results.violations_count} violation(s)\n{results.generate_report()}")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > 320:
        problems.append(f"{label}: page is {widths[0]} px wide at a 320 px viewport (scrolls sideways)")
    if response is not None:
        size = response.request.sizes()["responseBodySize"]
        encoding = response.headers.get("content-encoding")
        report_budget(f"HTML {label}: {size} bytes ({encoding or 'identity'}), status {response.status}")
        if size > HTML_BUDGET:
            problems.append(f"{label}: HTML is {size} bytes compressed, over the {HTML_BUDGET} byte budget")
        if size >= 500 and encoding != "gzip":
            problems.append(f"{label}: HTML sent without gzip (content-encoding {encoding!r})")
    return problems


def crawl(page: Page, base_url: str, label: str) -> tuple[list[str], list[str]]:
    """Breadth-first over same-origin GET links from /. Returns (pages, problems)."""
    start = base_url + "/"
    queue, seen, visited, problems = deque([start]), {start}, [], []
    shapes: dict[str, int] = {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)
        assert response is not None, url
        path = url.removeprefix(base_url)
        visited.append(path)
        if response.status != 200:
            problems.append(f"{label} {path}: a link leads to a page with status {response.status}")
        problems += check_page(page, response, f"{label} {path}")
        # Links that download a file (e.g. /me/data.json) are not pages to check.
        for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if origin_of(target) != origin_of(base_url) or parts.path.startswith(SKIP_PREFIXES):
                continue
            shape = page_shape(parts.path)
            if target not in seen and shapes.get(shape, 0) < PER_SHAPE:
                seen.add(target)
                shapes[shape] = shapes.get(shape, 0) + 1
                queue.append(target)
    if queue:
        problems.append(f"{label}: the crawl stopped at {MAX_PAGES} pages with {len(queue)} still to visit")
    return visited, problems


@pytest.mark.parametrize("role", ROLES)
def test_person_browses_accessible_pages(role: str, base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    # The service worker is blocked so every page comes from the server and is measured.
    context = make_context(**NARROW, service_workers="block")
    requests = record_requests(context)
    page = context.new_page()
    if role == "amara":
        sign_in_young_person(page, role)
    elif role in STAFF:
        sign_in_staff(page, role, base_url)
    requests.clear()  # the provider's page is another origin on purpose

    visited, problems = crawl(page, base_url, role)
    RESULTS["pages"] += len(visited)
    RESULTS["shapes"].update(page_shape(p) for p in visited)
    print(f"{role}: crawled {len(visited)} page(s): {', '.join(visited)}")
    assert visited[0] == "/"
    if role == "anonymous":
        assert "/login" in visited
    if role == "priya@riverside.example":
        records = [p for p in visited if re.fullmatch(r"/staff/young-people/\d+", p)]
        assert "/staff/caseload" in visited and len(records) == 3, records
    if role == "alex@riverside.example":
        assert "/staff/audit" in visited
    assert not problems, "\n\n".join(problems)
    assert not foreign_requests(requests, base_url), foreign_requests(requests, base_url)
    RESULTS["roles"].append(role)  # only a role whose crawl passed counts


def test_visitor_sees_accessible_error_states(base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    context = make_context(**NARROW, service_workers="block")
    requests = record_requests(context)
    page = context.new_page()
    problems = []

    page.goto("/login")
    page.fill("#username", "leah")
    page.fill("#passphrase", "not her passphrase at all")
    with page.expect_response(lambda r: r.url == base_url + "/login" and r.request.method == "POST") as posted:
        page.locator("main form button[type=submit]").click()
    assert posted.value.status == 422
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#passphrase")).to_have_attribute("aria-invalid", "true")
    assert page.title().startswith("Error:")
    problems += check_page(page, None, "wrong passphrase /login")

    page.goto("/login")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check_page(page, None, "empty form /login")

    for path, status, heading in (
        ("/no-such-page", 404, "Page not found"),
        ("/join/NOTAREALCODE", 404, "This invite does not work"),
        ("/offline", 200, "You are offline"),
    ):
        response = page.goto(path)
        assert response is not None and response.status == status, path
        expect(page.locator("h1")).to_have_text(heading)
        problems += check_page(page, response, path)

    # A signed-in young person on a staff page.
    page.goto("/login")
    page.fill("#username", "amara")
    page.fill("#passphrase", "riverside demo passphrase")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Hello, Amara")
    response = page.goto("/staff/caseload")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("You cannot see this page")
    problems += check_page(page, response, "403 /staff/caseload")

    assert not problems, "\n\n".join(problems)
    assert not foreign_requests(requests, base_url), foreign_requests(requests, base_url)

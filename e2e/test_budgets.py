"""Page weight: a young person's first visit to / on a phone with an empty cache."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Request

from e2e.helpers import (
    foreign_requests,
    record_requests,
    report_budget,
    sign_in_young_person,
)

FIRST_VISIT_BUDGET = 60 * 1024


def _kind(request: Request) -> str:
    content_type = request.response().headers.get("content-type", "") if request.response() else ""
    if request.resource_type == "document" or content_type.startswith("text/html"):
        return "html"
    if request.resource_type == "stylesheet" or content_type.startswith("text/css"):
        return "css"
    if request.resource_type == "script" or "javascript" in content_type:
        return "js"
    return "other"


def test_young_person_loads_home_within_budget(base_url: str, make_context: Callable[..., BrowserContext]) -> None:
    signer = make_context(service_workers="block")
    sign_in_young_person(signer.new_page(), "amara")
    cookies = [c for c in signer.cookies() if c["name"].startswith("waymark_")]
    assert any(c["name"] == "waymark_session" for c in cookies)

    # A new context: the same signed-in cookie, an empty HTTP cache, no service worker yet.
    context = make_context(storage_state={"cookies": cookies, "origins": []})
    requests = record_requests(context)
    page = context.new_page()
    response = page.goto("/", wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "Hello, Amara"
    # Let the service worker install (it fetches /sw.js and precaches the shell).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")

    # The page's own load counts. The worker's precache then re-reads the same static
    # files from the HTTP cache (Playwright reports those as negative sizes) and
    # fetches /sw.js and /offline: those are listed for information.
    totals: dict[str, int] = {"html": 0, "css": 0, "js": 0, "other": 0}
    lines, unzipped = [], []
    for request in requests:
        response = request.response()
        if response is None:
            continue
        response.finished()
        size = request.sizes()["responseBodySize"]
        kind = _kind(request)
        encoding = response.headers.get("content-encoding")
        if request.service_worker:
            source = "service worker" + (" (size not reported)" if size <= 0 else "")
        else:
            source = "page"
            totals[kind] += max(size, 0)
            if kind != "other" and size >= 500 and encoding != "gzip":
                unzipped.append(request.url)
        try:
            raw = len(response.body())
        except Exception:
            raw = -1
        lines.append(
            f"  {kind:5} {max(size, 0):6} bytes {encoding or 'identity':8} (raw {raw:6}) {source:27} {request.url}"
        )
    assert request_headers_accept_gzip(requests)
    counted = totals["html"] + totals["css"] + totals["js"]
    report_budget(
        f"First visit to / (young person, empty cache): HTML {totals['html']} + CSS {totals['css']}"
        f" + JS {totals['js']} = {counted} bytes (budget {FIRST_VISIT_BUDGET}); other {totals['other']} bytes;"
        f" {len(lines)} responses"
    )
    for line in lines:
        report_budget(line)
    assert totals["html"] > 0 and totals["css"] > 0 and totals["js"] > 0, totals
    assert not unzipped, f"sent without gzip: {unzipped}"
    assert counted <= FIRST_VISIT_BUDGET, f"{counted} bytes of HTML+CSS+JS, over {FIRST_VISIT_BUDGET}"
    assert not foreign_requests(requests, base_url), foreign_requests(requests, base_url)


def request_headers_accept_gzip(requests: list[Request]) -> bool:
    documents = [r for r in requests if r.resource_type == "document"]
    return bool(documents) and all("gzip" in r.all_headers().get("accept-encoding", "") for r in documents)

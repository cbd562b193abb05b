"""The page checker every HTTP test goes through (after GOV.UK Notify's).

``PageClient`` is a TestClient that checks each HTML response it receives:
- every <form> has an action; forms that change data use POST and carry the CSRF field;
- one <h1>, and a non-empty <title>;
- no id is used twice; every aria-describedby / label[for] / href="#id" points at an id;
- no inline <script> and no inline event handlers or style attributes (strict CSP);
- nothing (script, style, image, font, frame, form action) from another origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from starlette.testclient import TestClient


class PageProblem(AssertionError):
    pass


def check_page(html: str, *, url: str = "") -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    problems: list[str] = []

    title = soup.find("title")
    if title is None or not title.get_text(strip=True):
        problems.append("no <title>")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements (want exactly 1)")
    html_tag = soup.find("html")
    if html_tag is None or not html_tag.get("lang"):
        problems.append("<html> has no lang")

    ids = [el["id"] for el in soup.find_all(id=True)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    known = set(ids)
    for el in soup.find_all(attrs={"aria-describedby": True}):
        for ref in el["aria-describedby"].split():
            if ref not in known:
                problems.append(f"aria-describedby points at missing id {ref!r}")
    for label in soup.find_all("label", attrs={"for": True}):
        if label["for"] not in known:
            problems.append(f"label for missing id {label['for']!r}")
    for a in soup.find_all("a", href=True):
        if a["href"].startswith("#") and len(a["href"]) > 1 and a["href"][1:] not in known:
            problems.append(f"link to missing id {a['href']!r}")

    for form in soup.find_all("form"):
        action = form.get("action")
        method = (form.get("method") or "get").lower()
        if not action:
            problems.append(f"form without action: {str(form)[:80]}")
        if method not in ("get", "post"):
            problems.append(f"form method {method!r}")
        if method == "post" and not form.find("input", attrs={"type": "hidden", "name": "csrf_token"}):
            problems.append(f"POST form without csrf_token: {action}")
        if action and _foreign(action):
            problems.append(f"form posts to another origin: {action}")

    for script in soup.find_all("script"):
        if not script.get("src"):
            problems.append("inline <script>")
        elif _foreign(script["src"]):
            problems.append(f"script from another origin: {script['src']}")
    if soup.find("style"):
        problems.append("inline <style> (the CSP forbids it)")
    for el in soup.find_all(True):
        if el.get("style") is not None:
            problems.append(f"style attribute on <{el.name}>")
        handlers = [a for a in el.attrs if a.startswith("on") or a.startswith("hx-on")]
        if handlers:
            problems.append(f"inline handler {handlers} on <{el.name}>")
    for tag, attr in (
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("audio", "src"),
        ("video", "src"),
    ):
        for el in soup.find_all(tag, attrs={attr: True}):
            if _foreign(el[attr]):
                problems.append(f"<{tag}> from another origin: {el[attr]}")

    if problems:
        raise PageProblem(f"page check failed for {url}:\n  - " + "\n  - ".join(problems))
    return soup


def _foreign(url: str) -> bool:
    """True for anything but this app: another host, or a javascript: style scheme."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return False
    if parsed.scheme in ("http", "https"):
        return parsed.hostname != "testserver"
    return bool(parsed.scheme or parsed.netloc)


class PageClient(TestClient):
    """TestClient that runs ``check_page`` on every HTML response, and does not follow
    redirects unless asked."""

    def __init__(self, app: Any, **kwargs: Any):
        kwargs.setdefault("follow_redirects", False)
        super().__init__(app, **kwargs)

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html") and not response.request.headers.get(
            "hx-request"
        ):
            check_page(response.text, url=f"{method} {url}")
        return response

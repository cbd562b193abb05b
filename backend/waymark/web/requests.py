"""Small facts about a request that many features need: where to send someone after
sign-in, the public address, the council whose host it came to, and the caller's IP for rate limits."""

from __future__ import annotations

from urllib.parse import urlparse

from starlette.requests import Request


def safe_next(value: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if not value or len(value) > 500:
        return "/"
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def council_slug(request: Request) -> str | None:
    """The council whose own host this request came to (WAYMARK_COUNCIL_HOSTS), or
    None on the shared address. The host was already checked by KnownHosts."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip().lower()
    return request.app.state.settings.council_by_host.get(host)


def public_base_url(request: Request) -> str:
    """The council's own address on a council host; else WAYMARK_BASE_URL when set
    (behind a proxy), else the address this request used."""
    settings = request.app.state.settings
    slug = council_slug(request)
    if slug is not None:
        return settings.url_for(slug)
    return (settings.base_url or str(request.base_url)).rstrip("/")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def address_for(request: Request, council: str) -> str:
    """Where one council's people are sent (invite links and letters): its own host
    where it has one, whichever address the staff member is using."""
    settings = request.app.state.settings
    if council in settings.council_by_host.values():
        return settings.url_for(council)
    return public_base_url(request)

"""Small facts about a request that many features need: where to send someone after
sign-in, the public address, and the caller's IP for rate limits."""

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


def public_base_url(request: Request) -> str:
    """WAYMARK_BASE_URL when set (behind a proxy), else the address this request used."""
    return (request.app.state.settings.base_url or str(request.base_url)).rstrip("/")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"

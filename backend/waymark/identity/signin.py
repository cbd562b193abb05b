"""The response that signs a person in on this browser: a new session, its cookie,
and for a young person the device cookie (this browser is one the account trusts, so
guesses from elsewhere never lock it out). Used by every way of signing in."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from waymark.identity import service
from waymark.identity.models import YOUNG_PERSON
from waymark.identity.sessions import session_create, set_session_cookie


def signed_in_redirect(request: Request, user: Any, next_url: str) -> Response:
    settings = request.app.state.settings
    with request.app.state.db.session() as session:
        token = session_create(session, user=user, settings=settings, device=request.headers.get("user-agent", ""))
        session.commit()
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, token, user=user, settings=settings)
    if user.kind == YOUNG_PERSON:
        response.set_cookie(
            service.DEVICE_COOKIE,
            service.device_token(user, settings=settings),
            max_age=365 * 24 * 60 * 60,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/login",
        )
    return response

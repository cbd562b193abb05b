"""Sign-in and sign-out: young people (username + passphrase, /join invites) and staff
(OIDC). Thin handlers: parse, call the service, render or redirect."""

from __future__ import annotations

from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator
from starlette.responses import RedirectResponse, Response

from waymark.audit.service import audit_record
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity import messages as m
from waymark.identity import service
from waymark.identity.oidc import provider_for
from waymark.identity.passphrase import HasherBusy
from waymark.identity.permissions import MY_DATA, PUBLIC, current_actor, requires, signed_in_actor
from waymark.identity.sessions import (
    COOKIE,
    clear_session_cookie,
    handle,
    session_end,
    sessions_end_others,
    sessions_of,
)
from waymark.identity.signin import signed_in_redirect
from waymark.web.forms import FieldError, RawFormDep, parse_form
from waymark.web.requests import client_ip, council_slug, public_base_url, safe_next
from waymark.web.templating import render

router = APIRouter()
NEXT_KEY = "waymark_next"


# ------------------------------------------------------------- young people
class LoginForm(BaseModel):
    username: str = Field(min_length=1, max_length=40)
    passphrase: str = Field(min_length=1, max_length=128)
    next: str = ""


LOGIN_MESSAGES = {
    "username": {"string_too_short": m.USERNAME_REQUIRED, "missing": m.USERNAME_REQUIRED, "default": m.SIGN_IN_FAILED},
    "passphrase": {
        "string_too_short": m.PASSPHRASE_REQUIRED,
        "missing": m.PASSPHRASE_REQUIRED,
        "default": m.SIGN_IN_FAILED,
    },
}


@router.get("/login", dependencies=[requires(PUBLIC)])
def login_page(request: Request, next: str = "", signed_out: bool = False) -> Response:
    return render(request, "identity/login.html", {"form": None, "next": safe_next(next), "signed_out": signed_out})


@router.post("/login", dependencies=[requires(PUBLIC)])
def login_submit(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    form = parse_form(LoginForm, raw, messages=LOGIN_MESSAGES)
    next_url = safe_next(form.values.get("next"))
    status, headers = 422, {}
    if form.ok and form.data is not None:
        try:
            user = service.young_person_sign_in(
                session,
                username=form.data.username,
                passphrase=form.data.passphrase,
                ip=client_ip(request),
                settings=request.app.state.settings,
                device=request.cookies.get(service.DEVICE_COOKIE),
                council=council_slug(request),
            )
            session.commit()
            return signed_in_redirect(request, user, next_url)
        except service.Throttled as exc:
            form.add_error("passphrase", exc.message)
            status, headers = 429, {"retry-after": str(exc.retry_after)}
        except HasherBusy:
            form.add_error("passphrase", m.SIGN_IN_BUSY)
            status, headers = 503, {"retry-after": "30"}
        except service.SignInFailed as exc:
            form.add_error("passphrase", exc.message)
    form.values.pop("passphrase", None)  # never echo a passphrase back
    response = render(
        request, "identity/login.html", {"form": form, "next": next_url, "signed_out": False}, status_code=status
    )
    response.headers.update(headers)
    return response


@router.post("/logout", dependencies=[requires(PUBLIC)])
def logout(request: Request, session: SessionDep) -> Response:
    actor = current_actor(request)
    if actor is not None:
        audit_record(session, action="session.sign_out", actor=actor)
    session_end(session, token=request.cookies.get(COOKIE))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    clear_session_cookie(response, settings=request.app.state.settings)
    return response


# -------------------------------------------------------------------- staff
@router.get("/login/staff", dependencies=[requires(PUBLIC)])
async def staff_login(request: Request, next: str = "") -> Response:
    request.session.clear()
    request.session[NEXT_KEY] = safe_next(next)
    client = request.app.state.oauth.create_client(provider_for(request.app.state.settings, council_slug(request)))
    redirect_uri = public_base_url(request) + "/auth/callback"
    try:
        return await client.authorize_redirect(request, redirect_uri)
    except Exception:  # provider unreachable: say so, never a 500
        return render(request, "identity/staff_problem.html", {"message": m.SIGN_IN_NOT_FINISHED}, status_code=503)


@router.get("/auth/callback", dependencies=[requires(PUBLIC)])
async def staff_callback(request: Request) -> Response:
    settings = request.app.state.settings
    council = council_slug(request)
    client = request.app.state.oauth.create_client(provider_for(settings, council))
    next_url = safe_next(request.session.get(NEXT_KEY))
    try:
        token = await client.authorize_access_token(request)
    except (OAuthError, KeyError, ValueError):
        request.session.clear()
        return render(request, "identity/staff_problem.html", {"message": m.SIGN_IN_NOT_FINISHED}, status_code=400)
    request.session.clear()
    claims = dict(token.get("userinfo") or {})
    with request.app.state.db.session() as session:
        try:
            user = service.staff_for_oidc(
                session, claims=claims, council=council, own_idp=frozenset(settings.council_oidc)
            )
            session.commit()
        except service.StaffNotRecognised as exc:
            return render(request, "identity/staff_problem.html", {"message": exc.message}, status_code=403)
    return signed_in_redirect(request, user, next_url)


# -------------------------------------------------------------------- invites
class JoinForm(BaseModel):
    username: str = Field(default="", max_length=40)
    passphrase: str = Field(min_length=1, max_length=128)
    confirm: str = Field(min_length=1, max_length=128)

    @field_validator("confirm")
    @classmethod
    def _same(cls, value: str, info: Any) -> str:
        if "passphrase" in info.data and value != info.data["passphrase"]:
            raise FieldError(m.PASSPHRASE_MISMATCH)
        return value


JOIN_MESSAGES = {
    "passphrase": {
        "string_too_short": m.PASSPHRASE_REQUIRED,
        "missing": m.PASSPHRASE_REQUIRED,
        "string_too_long": m.PASSPHRASE_TOO_LONG,
    },
    "confirm": {
        "string_too_short": m.CONFIRM_REQUIRED,
        "missing": m.CONFIRM_REQUIRED,
        "string_too_long": m.PASSPHRASE_TOO_LONG,
    },
    "username": {"string_too_long": m.USERNAME_INVALID},
}


def _join_throttle(session: Any, request: Request) -> None:
    """Every look at an invite code counts, shown (GET) or sent (POST), so codes
    cannot be guessed by either."""
    settings = request.app.state.settings
    service.throttle(session, key=f"join:{client_ip(request)}", limit=settings.login_ip_limit, settings=settings)


@router.get("/join/{code}", dependencies=[requires(PUBLIC)])
def join_page(request: Request, code: str, session: SessionDep) -> Response:
    try:
        _join_throttle(session, request)
        _invite, user = service.invite_open(session, code=code, council=council_slug(request))
    except service.IdentityError as exc:
        return render(
            request,
            "identity/join_problem.html",
            {"message": exc.message},
            status_code=429 if isinstance(exc, service.Throttled) else 404,
        )
    return render(request, "identity/join.html", {"form": None, "young_person": user, "code": code})


@router.post("/join/{code}", dependencies=[requires(PUBLIC)])
def join_submit(request: Request, code: str, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    try:
        _join_throttle(session, request)
        _invite, user = service.invite_open(session, code=code, council=council_slug(request))
    except service.IdentityError as exc:
        return render(
            request,
            "identity/join_problem.html",
            {"message": exc.message},
            status_code=429 if isinstance(exc, service.Throttled) else 404,
        )
    form = parse_form(JoinForm, raw, messages=JOIN_MESSAGES)
    if form.ok and form.data is not None:
        try:
            user = service.invite_accept(
                session,
                code=code,
                username=form.data.username,
                passphrase=form.data.passphrase,
                council=council_slug(request),
            )
            return signed_in_redirect(request, user, "/?welcome=1")
        except service.InviteInvalid as exc:
            return render(request, "identity/join_problem.html", {"message": exc.message}, status_code=404)
        except HasherBusy:
            form.add_error("passphrase", m.SIGN_IN_BUSY)
        except InputError as exc:
            form.add_error(exc.field, exc.message)
    for secret in ("passphrase", "confirm"):
        form.values.pop(secret, None)
    return render(request, "identity/join.html", {"form": form, "young_person": user, "code": code}, status_code=422)


# -------------------------------------------------------------- own devices
@router.get("/me/devices", dependencies=[requires(MY_DATA)])
def devices(request: Request, session: SessionDep, ended: int = 0) -> Response:
    """A young person's signed-in phones and computers, each of which they can sign out."""
    actor = signed_in_actor(request)
    rows = sessions_of(session, user_id=actor.user_id)
    return render(
        request,
        "identity/devices.html",
        {"sessions": rows, "current": actor.session_hash, "handle": handle, "ended": min(max(ended, 0), 99)},
    )


@router.post("/me/devices/end", dependencies=[requires(MY_DATA)])
def devices_end(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    actor = signed_in_actor(request)
    chosen = str(raw.get("device", ""))[:20]
    ended = sessions_end_others(
        session, user_id=actor.user_id, keep_hash=actor.session_hash, only=None if chosen == "others" else chosen
    )
    audit_record(session, actor=actor, action="session.end_others", detail={"ended": ended})
    session.commit()
    return RedirectResponse(f"/me/devices?ended={ended}", status_code=303)

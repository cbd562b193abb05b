"""Forgotten passphrase (/login/forgot, /login/reset): public pages over
recovery/service.py. Neither page says whether a username exists."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import PUBLIC, requires
from waymark.identity.signin import signed_in_redirect
from waymark.notifications import contact_points
from waymark.recovery import service
from waymark.web.forms import ParsedForm, RawFormDep, input_error_messages
from waymark.web.requests import client_ip, council_slug
from waymark.web.templating import render

router = APIRouter()


@router.get("/login/forgot", dependencies=[requires(PUBLIC)])
def forgot_page(request: Request) -> Response:
    return _forgot(request, ParsedForm(values={}))


def _forgot(request: Request, form: ParsedForm[Any], status_code: int = 200) -> Response:
    available = contact_points.notify_configured(request.app.state.settings)
    return render(request, "recovery/forgot.html", {"form": form, "available": available}, status_code=status_code)


@router.post("/login/forgot", dependencies=[requires(PUBLIC)])
def forgot_submit(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    username = str(raw.get("username", ""))[:60]
    if not contact_points.notify_configured(request.app.state.settings):
        return RedirectResponse("/login/forgot", status_code=303)  # the page says to ask the adviser
    try:
        service.request_code(
            session,
            username=username,
            ip=client_ip(request),
            settings=request.app.state.settings,
            council=council_slug(request),
        )
    except InputError as exc:
        form: ParsedForm[Any] = ParsedForm(values={"username": username}, errors=input_error_messages(request, exc))
        return _forgot(request, form, status_code=422)
    return RedirectResponse("/login/reset", status_code=303)


@router.get("/login/reset", dependencies=[requires(PUBLIC)])
def reset_page(request: Request) -> Response:
    return render(request, "recovery/reset.html", {"form": ParsedForm(values={})})


@router.post("/login/reset", dependencies=[requires(PUBLIC)])
def reset_submit(request: Request, session: SessionDep, raw: dict[str, Any] = RawFormDep) -> Response:
    values = {k: str(raw.get(k, ""))[:128] for k in ("username", "code", "passphrase", "confirm")}
    try:
        user = service.reset_passphrase(
            session, settings=request.app.state.settings, council=council_slug(request), **values
        )
    except InputError as exc:
        kept = {"username": values["username"], "code": values["code"]}  # never the passphrases
        form: ParsedForm[Any] = ParsedForm(values=kept, errors=input_error_messages(request, exc))
        return render(request, "recovery/reset.html", {"form": form}, status_code=422)
    return signed_in_redirect(request, user, "/?passphrase=new")

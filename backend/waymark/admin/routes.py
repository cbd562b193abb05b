"""Council administration pages (/staff/admin): settings, staff accounts, and the
council's brand colour stylesheet. Thin handlers over admin/service.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from waymark.admin import service
from waymark.db import SessionDep
from waymark.errors import InputError
from waymark.identity.permissions import (
    COUNCIL_ADMIN,
    NEW_STAFF_ROLES,
    ROLE_LABELS,
    SIGNED_IN,
    STAFF_ROLES,
    current_actor,
    requires,
    signed_in_actor,
)
from waymark.identity.service import tenant_get
from waymark.safeguarding import service as safeguarding
from waymark.web.forms import ParsedForm, input_error_messages
from waymark.web.params import RecordId
from waymark.web.templating import render

router = APIRouter()


async def _form_lists(request: Request) -> tuple[dict[str, str], list[str]]:
    """Text fields (first value each) and the ticked roles."""
    form = await request.form(max_files=0, max_fields=100)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("csrf_token", "roles")}
    roles = [v for v in form.getlist("roles") if isinstance(v, str)][:20]
    return values, roles


# ----------------------------------------------------------------- settings
@router.get("/staff/admin", dependencies=[requires(COUNCIL_ADMIN)])
def settings_page(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    tenant = tenant_get(session, tenant_id=actor.tenant_id)
    return _settings_page(request, session, ParsedForm(values=service.settings_values(tenant)))


def _settings_page(request: Request, session: Any, form: ParsedForm[Any], status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    fit = safeguarding.lead_candidates(session, tenant_id=actor.tenant_id)
    return render(
        request,
        "admin/settings.html",
        {
            "form": form,
            "ranges": service.NUMBER_RANGES,
            "lead_options": [("", "—")] + [(str(u.id), u.full_name) for u in fit],
            "saved": request.query_params.get("saved"),
            "retention": service.retention_preview(session, actor=actor),
            "staff_role_names": ", ".join(STAFF_ROLES),
        },
        status_code=status_code,
    )


@router.post("/staff/admin", dependencies=[requires(COUNCIL_ADMIN)])
async def settings_save(request: Request, session: SessionDep) -> Response:
    values, _roles = await _form_lists(request)
    try:
        service.settings_update(session, actor=signed_in_actor(request), values=values)
    except InputError as exc:
        form: ParsedForm[Any] = ParsedForm(values=values, errors=input_error_messages(request, exc))
        return _settings_page(request, session, form, status_code=422)
    return RedirectResponse("/staff/admin?saved=1", status_code=303)


@router.get("/council.css", dependencies=[requires(SIGNED_IN)])
def council_css(request: Request, session: SessionDep) -> Response:
    """The signed-in person's council colour (checked for contrast when saved). A
    stylesheet, not a style attribute, so the CSP stays strict."""
    actor = current_actor(request)
    assert actor is not None
    colour = tenant_get(session, tenant_id=actor.tenant_id).brand_colour
    return Response(
        f":root{{--brand:{colour}}}\n",
        media_type="text/css",
        headers={"cache-control": "private, max-age=31536000, immutable"},
    )


# -------------------------------------------------------------------- staff
def _role_options() -> list[tuple[str, str]]:
    return [(role, ROLE_LABELS[role]) for role in STAFF_ROLES]


@router.get("/staff/admin/staff", dependencies=[requires(COUNCIL_ADMIN)])
def staff_list(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    rows = service.staff_rows(session, actor=actor)
    days, unused = service.unused_staff(session, actor=actor)
    return render(
        request,
        "admin/staff_list.html",
        {
            "rows": rows,
            "role_labels": ROLE_LABELS,
            "saved": request.query_params.get("saved"),
            "unused": unused,
            "unused_days": days,
        },
    )


def _staff_form(
    request: Request,
    form: ParsedForm[Any],
    roles: list[str],
    row: service.StaffRow | None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin/staff_form.html",
        {"form": form, "roles": roles, "role_options": _role_options(), "row": row},
        status_code=status_code,
    )


def _staff_values(user: Any) -> dict[str, str]:
    return {name: getattr(user, name) or "" for name in ("full_name", "email", *service.STAFF_TEXT_LIMITS)}


@router.get("/staff/admin/staff/new", dependencies=[requires(COUNCIL_ADMIN)])
def staff_new(request: Request) -> Response:
    return _staff_form(request, ParsedForm(values={}), list(NEW_STAFF_ROLES), None)


@router.post("/staff/admin/staff/new", dependencies=[requires(COUNCIL_ADMIN)])
async def staff_create(request: Request, session: SessionDep) -> Response:
    values, roles = await _form_lists(request)
    try:
        service.staff_save(session, actor=signed_in_actor(request), values=values, roles=roles)
    except InputError as exc:
        return _staff_form(
            request, ParsedForm(values=values, errors=input_error_messages(request, exc)), roles, None, status_code=422
        )
    return RedirectResponse("/staff/admin/staff?saved=1", status_code=303)


@router.get("/staff/admin/staff/{user_id}", dependencies=[requires(COUNCIL_ADMIN)])
def staff_edit(request: Request, user_id: RecordId, session: SessionDep) -> Response:
    row = service.staff_get(session, actor=signed_in_actor(request), user_id=user_id)
    return _staff_form(request, ParsedForm(values=_staff_values(row.user)), row.roles, row)


@router.post("/staff/admin/staff/{user_id}", dependencies=[requires(COUNCIL_ADMIN)])
async def staff_update(request: Request, user_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    values, roles = await _form_lists(request)
    try:
        service.staff_save(session, actor=actor, values=values, roles=roles, user_id=user_id)
    except InputError as exc:
        row = service.staff_get(session, actor=actor, user_id=user_id)
        return _staff_form(
            request, ParsedForm(values=values, errors=input_error_messages(request, exc)), roles, row, status_code=422
        )
    return RedirectResponse("/staff/admin/staff?saved=1", status_code=303)


@router.post("/staff/admin/staff/{user_id}/active", dependencies=[requires(COUNCIL_ADMIN)])
async def staff_active(request: Request, user_id: RecordId, session: SessionDep) -> Response:
    """Turn an account off or on (``active`` = "yes" or "no")."""
    actor = signed_in_actor(request)
    values, _roles = await _form_lists(request)
    try:
        row = service.staff_get(session, actor=actor, user_id=user_id)
        service.staff_set_active(session, actor=actor, user_id=user_id, active=values.get("active") == "yes")
    except InputError as exc:
        form: ParsedForm[Any] = ParsedForm(values=_staff_values(row.user), errors=input_error_messages(request, exc))
        return _staff_form(request, form, row.roles, row, status_code=422)
    return RedirectResponse(f"/staff/admin/staff/{user_id}?saved=1", status_code=303)

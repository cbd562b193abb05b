"""Caseload import pages (upload, dry-run report, progress) and invite letters.
Thin handlers over admin/importer.py and admin/invites.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from waymark.admin import importer, invites, progress
from waymark.admin import messages as m
from waymark.admin.models import RUNNING, ImportRun
from waymark.audit.service import audit_list_view
from waymark.db import SessionDep
from waymark.identity.actor import Actor
from waymark.identity.permissions import COUNCIL_ADMIN, requires, signed_in_actor
from waymark.identity.service import tenant_get
from waymark.web.csvfile import csv_response
from waymark.web.forms import ParsedForm
from waymark.web.i18n import request_locale, translations
from waymark.web.params import RecordId
from waymark.web.requests import address_for
from waymark.web.templating import render

router = APIRouter(prefix="/staff/admin")
PROBLEMS_SHOWN = 200  # on the page; the download has them all
ROWS_SHOWN = 200  # young people on the invites page (letters are printed in batches anyway)


def _problem_text(request: Request, problem: dict[str, Any]) -> str:
    return importer.problem_text(problem, translations(request_locale(request)).gettext)


def _run_or_404(session: Any, actor: Actor, run_id: int) -> ImportRun:
    return importer.run_for(session, actor=actor, run_id=run_id)


# -------------------------------------------------------------------- upload
def _upload_page(request: Request, session: Any, form: ParsedForm[Any] | None, status_code: int = 200) -> Response:
    actor = signed_in_actor(request)
    return render(
        request,
        "admin/import.html",
        {
            "form": form,
            "runs": importer.recent_runs(session, actor=actor),
            "required": importer.REQUIRED_COLUMNS,
            "optional": importer.OPTIONAL_COLUMNS,
        },
        status_code=status_code,
    )


@router.get("/import", dependencies=[requires(COUNCIL_ADMIN)])
def import_page(request: Request, session: SessionDep) -> Response:
    return _upload_page(request, session, None)


@router.post("/import", dependencies=[requires(COUNCIL_ADMIN)])
async def import_upload(request: Request, session: SessionDep) -> Response:
    """Check the file (the dry run) and show its report."""
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _upload_page(request, session, ParsedForm(values={}, errors={"file": m.FILE_REQUIRED}), 422)
    data = await upload.read()
    await form.close()
    run = importer.check_file(session, actor=signed_in_actor(request), filename=upload.filename, data=data)
    return RedirectResponse(f"/staff/admin/import/{run.id}", status_code=303)


# -------------------------------------------------------------------- report
@router.get("/import/{run_id}", dependencies=[requires(COUNCIL_ADMIN)])
def import_run(request: Request, run_id: RecordId, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    run = _run_or_404(session, actor, run_id)
    problems = [{**p, "text": _problem_text(request, p)} for p in run.problems[:PROBLEMS_SHOWN]]
    without_account = 0
    if run.status == "done":
        without_account = len(invites.invite_rows(session, actor=actor))
    return render(
        request,
        "admin/import_run.html",
        {
            "run": run,
            "problems": problems,
            "more_problems": max(0, len(run.problems) - PROBLEMS_SHOWN),
            "can_import": importer.can_import(run),
            "progress": progress.get(run.id or 0),
            "error": _problem_text(request, {"problem": run.error}) if run.error else None,
            "without_account": without_account,
        },
    )


@router.get("/import/{run_id}/report.csv", dependencies=[requires(COUNCIL_ADMIN)])
def import_report(request: Request, run_id: RecordId, session: SessionDep) -> Response:
    """Every problem, one a line, to fix in the spreadsheet (cells made safe to open)."""
    run = _run_or_404(session, signed_in_actor(request), run_id)
    header, rows = importer.report(run.problems, translations(request_locale(request)).gettext)
    return csv_response(f"caseload-check-{run.id}.csv", header, rows)


# ------------------------------------------------------------ import, progress
def _run_import(database: Any, run_id: int, actor: Actor) -> None:
    """The background task: the import in its own session, reporting progress."""
    try:
        importer.execute(
            database.session,
            run_id=run_id,
            actor=actor,
            progress=lambda phase, done, total: progress.report(run_id, phase, done, total),
        )
    finally:
        progress.forget(run_id)


@router.post("/import/{run_id}/start", dependencies=[requires(COUNCIL_ADMIN)])
def import_start(request: Request, run_id: RecordId, session: SessionDep) -> Response:
    """Start the import after the response is sent; the run page shows its progress."""
    actor = signed_in_actor(request)
    try:
        total = importer.start(session, actor=actor, run_id=run_id)
    except importer.FileRefused:
        return RedirectResponse(f"/staff/admin/import/{run_id}", status_code=303)
    progress.report(run_id, "checking", 0, total)
    return RedirectResponse(
        f"/staff/admin/import/{run_id}",
        status_code=303,
        background=BackgroundTask(_run_import, request.app.state.db, run_id, actor),
    )


@router.get("/import/{run_id}/progress", dependencies=[requires(COUNCIL_ADMIN)])
def import_progress(request: Request, run_id: RecordId, session: SessionDep) -> Response:
    """The progress bar (htmx polls it each second). When the run has finished, htmx is
    told to load the result page."""
    run = _run_or_404(session, signed_in_actor(request), run_id)
    if run.status != RUNNING:
        return Response(status_code=204, headers={"HX-Redirect": f"/staff/admin/import/{run_id}"})
    return render(
        request,
        "admin/import_run.html",
        {"run": run, "progress": progress.get(run_id)},
        block="progress",
    )


# ------------------------------------------------------------------- invites
@router.get("/invites", dependencies=[requires(COUNCIL_ADMIN)])
def invites_page(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    show_all = request.query_params.get("show") == "all"
    rows = invites.invite_rows(session, actor=actor, only_without_account=not show_all)
    shown = rows[:ROWS_SHOWN]
    audit_list_view(session, actor=actor, page="invites", young_person_ids=[r.young_person.id for r in shown])
    return render(
        request,
        "admin/invites.html",
        {
            "rows": shown,
            "total": len(rows),
            "show_all": show_all,
            "batch": invites.BATCH,
            "next_batch": [r.young_person.id for r in rows if r.state in ("none", "expired", "cancelled")][
                : invites.BATCH
            ],
            "cancelled": request.query_params.get("cancelled"),
        },
    )


@router.post("/invites/letters", dependencies=[requires(COUNCIL_ADMIN)])
async def invite_letters(request: Request, session: SessionDep) -> Response:
    """Make invites and show their letters, ready to print. Codes are shown only here."""
    actor = signed_in_actor(request)
    form = await request.form(max_files=0, max_fields=invites.BATCH + 5)
    ids = [int(v) for v in form.getlist("young_person_id") if isinstance(v, str) and v.isdigit() and len(v) < 10]
    t = translations(request_locale(request))
    made = invites.letters(
        session,
        actor=actor,
        young_person_ids=ids,
        base_url=address_for(request, tenant_get(session, tenant_id=actor.tenant_id).slug),
        qr_label=t.gettext("QR code for your invite link"),
    )
    if not made:
        return RedirectResponse("/staff/admin/invites", status_code=303)
    return render(
        request,
        "admin/letters.html",
        {"letters": made, "tenant": tenant_get(session, tenant_id=actor.tenant_id)},
        headers={"cache-control": "no-store"},
    )


@router.post("/invites/{invite_id}/cancel", dependencies=[requires(COUNCIL_ADMIN)])
def invite_cancel(request: Request, invite_id: RecordId, session: SessionDep) -> Response:
    invites.cancel(session, actor=signed_in_actor(request), invite_id=invite_id)
    return RedirectResponse("/staff/admin/invites?cancelled=1", status_code=303)

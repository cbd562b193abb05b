"""Insights pages: /staff/insights (with a print layout) and its CSV export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from waymark.admin.service import council_staff
from waymark.consultations.messages import FEELINGS
from waymark.consultations.models import Question
from waymark.db import SessionDep
from waymark.identity.permissions import INSIGHTS_VIEW, THEME_LEADS_EDIT, requires, signed_in_actor
from waymark.identity.service import NotFound
from waymark.insights import messages as m
from waymark.insights import service
from waymark.moderation import themes as theme_list
from waymark.priorities import service as priorities
from waymark.updates import messages as update_messages
from waymark.web.csvfile import csv_response
from waymark.web.i18n import request_locale, translations
from waymark.web.templating import render

router = APIRouter(prefix="/staff/insights")
ConsultationParam = Annotated[int | None, Query(ge=1, le=2_147_483_647)]


def _insights(request: Request, session: SessionDep, consultation: int | None, export: bool) -> service.Insights:
    return service.insights(session, actor=signed_in_actor(request), consultation_id=consultation, export=export)


def prompts(comparisons: list[service.Comparison], gettext: Callable[[str], str]) -> list[str]:
    """What to do about the groups we are not hearing from, in the reader's language."""
    found = []
    for comparison in comparisons:
        for group in comparison.missing:
            key = group if comparison.dimension == "age_band" else f"{comparison.dimension}:{group}"
            label = gettext(m.DIMENSION_LABELS[comparison.dimension]) + " – " + gettext(m.GROUP_LABELS[group])
            found.append(
                gettext(m.MISSING_PROMPTS[key])
                if key in m.MISSING_PROMPTS
                else gettext(m.MISSING_DEFAULT) % {"group": label}
            )
        for group in comparison.fewer:
            label = gettext(m.DIMENSION_LABELS[comparison.dimension]) + " – " + gettext(m.GROUP_LABELS[group])
            found.append(gettext(m.FEWER_PROMPT) % {"group": label})
    return found


def _answer_label(question: Question, value: str, gettext: Callable[[str], str]) -> str:
    if question.kind == "feelings":
        words, face = FEELINGS[int(value)]
        return f"{face} {gettext(words)}"
    return value


def _page(request: Request, session: Any, data: service.Insights, *, empty_export: bool = False) -> Response:
    locale = request_locale(request)
    gettext = translations(locale).gettext
    titles = theme_list.titles(locale)
    return render(
        request,
        "insights/insights.html",
        {
            "data": data,
            "theme_titles": titles,
            "theme_pairs": [(titles.get(row.key, row.key), data.theme_cell(row)) for row in data.themes],
            "question_pairs": {
                r.question.id: [(_answer_label(r.question, v, gettext), c) for v, c in r.result.parts.items()]
                for r in data.questions
            },
            "prompts": prompts(data.comparisons, gettext),
            "dimension_labels": m.DIMENSION_LABELS,
            "group_labels": m.GROUP_LABELS,
            "empty_export": empty_export,
            "priorities": None
            if data.selected
            else priorities.latest_results(session, tenant_id=signed_in_actor(request).tenant_id),
        },
        status_code=422 if empty_export else 200,
    )


@router.get("", dependencies=[requires(INSIGHTS_VIEW)])
def insights_page(request: Request, session: SessionDep, consultation: ConsultationParam = None) -> Response:
    return _page(request, session, _insights(request, session, consultation, export=False))


@router.get("/export.csv", dependencies=[requires(INSIGHTS_VIEW)])
def insights_export(request: Request, session: SessionDep, consultation: ConsultationParam = None) -> Response:
    """The same figures with the export threshold (10 by default), one a line."""
    data = _insights(request, session, consultation, export=True)
    total = data.scope_total
    if total.kind == "shown" and not total.value:
        return _page(request, session, _insights(request, session, consultation, export=False), empty_export=True)
    t = translations(request_locale(request))
    titles = theme_list.titles(request_locale(request))
    scope = data.selected.title if data.selected else t.gettext("All consultations")
    rows: list[tuple[str, str, str, str]] = [(scope, t.gettext("Responses"), "", total.export())]
    for row in data.themes:
        rows.append((scope, t.gettext("Theme"), titles.get(row.key, row.key), data.theme_cell(row).export()))
        if data.selected is None:
            for quarter, cell in row.by_quarter.parts.items():
                rows.append(
                    (scope, t.gettext("Theme by quarter"), f"{titles.get(row.key, row.key)} {quarter}", cell.export())
                )
    for result in data.questions:
        for value, cell in result.result.parts.items():
            rows.append((scope, result.question.text, _answer_label(result.question, value, t.gettext), cell.export()))
    for comparison in data.comparisons:
        name = t.gettext(m.DIMENSION_LABELS[comparison.dimension])
        for group, cell in comparison.responders.parts.items():
            label = t.gettext(m.GROUP_LABELS[group])
            rows.append((scope, name + " – " + t.gettext("answered"), label, cell.export()))
            rows.append(
                (scope, name + " – " + t.gettext("young people"), label, comparison.cohort.parts[group].export())
            )
    if data.selected is None:
        latest = priorities.latest_results(session, tenant_id=signed_in_actor(request).tenant_id, export=True)
        if latest is not None:
            rows.append((latest.round.title, t.gettext("Young people who voted:"), "", latest.voters.export()))
            for theme in latest.order:
                rows.append(
                    (
                        latest.round.title,
                        t.gettext("Votes"),
                        titles.get(theme, theme),
                        latest.votes.parts[theme].export(),
                    )
                )
    header = [t.gettext("Scope"), t.gettext("Measure"), t.gettext("Group"), t.gettext("Count")]
    name = f"insights-{data.selected.id}.csv" if data.selected else "insights.csv"
    return csv_response(name, header, rows)


# ------------------------------------------------------------ theme reports
@router.get("/themes/{theme}", dependencies=[requires(INSIGHTS_VIEW)])
def theme_report(request: Request, theme: Annotated[str, Path(max_length=40)], session: SessionDep) -> Response:
    """One theme as a committee paper (prints cleanly)."""
    report = service.theme_report(session, actor=signed_in_actor(request), theme=theme)
    locale = request_locale(request)
    gettext = translations(locale).gettext
    titles = theme_list.titles(locale)

    return render(
        request,
        "insights/theme_report.html",
        {
            "report": report,
            "title": titles.get(theme, theme),
            "quarter_pairs": [(q, report.row.by_quarter.parts[q]) for q in report.quarters],
            "prompts": prompts(report.comparisons, gettext),
            "dimension_labels": m.DIMENSION_LABELS,
            "group_labels": m.GROUP_LABELS,
            "status_labels": update_messages.STATUS_LABELS,
        },
    )


@router.get("/leads", dependencies=[requires(THEME_LEADS_EDIT)])
def leads_page(request: Request, session: SessionDep) -> Response:
    actor = signed_in_actor(request)
    staff = [u for u in council_staff(session, tenant_id=actor.tenant_id) if u.is_active]
    return render(
        request,
        "insights/leads.html",
        {
            "leads": service.leads_for(session, actor=actor),
            "theme_titles": theme_list.titles(request_locale(request)),
            "options": [("", "—")] + [(str(u.id), u.full_name) for u in staff],
            "saved": request.query_params.get("saved"),
        },
    )


@router.post("/leads", dependencies=[requires(THEME_LEADS_EDIT)])
async def leads_save(request: Request, session: SessionDep) -> Response:
    form = await request.form(max_files=0, max_fields=50)
    leads: dict[str, int | None] = {}
    for key in theme_list.keys():
        value = form.get(f"lead_{key}")
        if isinstance(value, str):
            leads[key] = int(value) if value.isdigit() and len(value) < 10 else None
    try:
        service.set_leads(session, actor=signed_in_actor(request), leads=leads)
    except NotFound:
        raise HTTPException(422) from None
    return RedirectResponse("/staff/insights/leads?saved=1", status_code=303)

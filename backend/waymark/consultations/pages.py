"""What the consultation pages of every audience share: their template context and
reading a form with repeated fields."""

from __future__ import annotations

from starlette.requests import Request

from waymark.consultations import messages as m
from waymark.consultations import service
from waymark.consultations.models import AGE_BANDS, QUESTION_KINDS

CONTEXT = {
    "kind_labels": m.KIND_LABELS,
    "feelings": m.FEELINGS,
    "band_labels": m.BAND_LABELS,
    "status_labels": m.STATUS_LABELS,
    "age_bands": AGE_BANDS,
    "care_statuses": service.STATUSES,
    "question_kinds": QUESTION_KINDS,
    "status_of": service.status,
}


async def multi_form(request: Request) -> dict[str, list[str]]:
    """Every value of every field (checkboxes send one name many times)."""
    form = await request.form(max_fields=400)
    found: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            found.setdefault(name, []).append(value)
    return found

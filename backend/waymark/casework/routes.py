"""The caseload (/staff/caseload) and a young person's record page
(/staff/young-people/{id}); the forms on the record page post to each feature's routes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from waymark.casework.pages import caseload_page, record_page
from waymark.db import SessionDep
from waymark.identity.permissions import CASELOAD_VIEW, YOUNG_PERSON_RECORD_VIEW, requires
from waymark.web.params import RecordId

router = APIRouter(prefix="/staff")


@router.get("/caseload", dependencies=[requires(CASELOAD_VIEW)])
def caseload(request: Request, session: SessionDep) -> Response:
    return caseload_page(request, session)


@router.get("/young-people/{young_person_id}", dependencies=[requires(YOUNG_PERSON_RECORD_VIEW)])
def young_person_record(request: Request, young_person_id: RecordId, session: SessionDep) -> Response:
    return record_page(request, session, young_person_id)

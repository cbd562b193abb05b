"""The glossary: plain explanations of the words care leavers meet."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from waymark.glossary.service import glossary
from waymark.identity.permissions import PUBLIC, requires
from waymark.web.templating import render

router = APIRouter()


@router.get("/glossary", dependencies=[requires(PUBLIC)])
def glossary_index(request: Request) -> Response:
    return render(request, "glossary/index.html", {"terms": list(glossary().values())})


@router.get("/glossary/{slug}", dependencies=[requires(PUBLIC)])
def glossary_term(request: Request, slug: str) -> Response:
    term = glossary().get(slug)
    if term is None:
        raise HTTPException(404)
    return render(request, "glossary/term.html", {"term": term})

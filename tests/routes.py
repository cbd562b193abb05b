"""What the route tests share: every route the app serves, and the authorisation matrix
(tests/authz_matrix.toml) with sample values for the path's parameters."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from tests import factories

MATRIX = tomllib.loads((Path(__file__).parent / "authz_matrix.toml").read_text())["route"]

SAMPLE_PARAMS = {
    "{code}": "NOSUCHCODE",
    "{kind}": "sms",
    "{step_id}": "999999",
    "{feedback_id}": "999999",
    "{request_id}": "999999",
    "{heading}": "money",
    "{offer_id}": "999999",
    "{report_id}": "999999",
    "{contact_id}": "999999",
    "{handover_id}": "999999",
    "{consultation_id}": "999999",
    "{question_id}": "999999",
    "{answer_id}": "999999",
    "{alert_id}": "999999",
    "{user_id}": "999999",
    "{run_id}": "999999",
    "{invite_id}": "999999",
    "{update_id}": "999999",
    "{comment_id}": "999999",
    "{round_id}": "999999",
    "{theme}": "housing",
    "{slug}": "pathway-plan",  # a glossary term; /entitlements/pathway-plan is a 404, which is still allowed
}


def iter_routes(routes: list[Any], prefix: str = "", deps: tuple[Any, ...] = ()) -> Iterator[tuple[str, Any, tuple]]:
    """(full path, route, router-level dependencies) for every route, also inside
    included routers (FastAPI keeps those as lazy ``_IncludedRouter`` entries)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route, deps
        elif hasattr(route, "original_router"):
            context = route.include_context
            yield from iter_routes(
                route.original_router.routes, prefix + context.prefix, deps + tuple(context.dependencies)
            )
        else:
            yield prefix + route.path, route, deps


def app_routes(app: Any) -> set[tuple[str, str]]:
    return {
        (m, path) for path, r, _ in iter_routes(app.routes) if isinstance(r, APIRoute) for m in r.methods if m != "HEAD"
    }


def call_route(client: Any, row: dict[str, Any], url: str) -> Any:
    if row["method"] == "GET":
        return client.get(url)
    token = factories.csrf_from(client.get("/login").text)
    return client.request(row["method"], url, data={"csrf_token": token, **row.get("form", {})})

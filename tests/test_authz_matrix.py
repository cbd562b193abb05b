"""The authorisation matrix (tests/authz_matrix.toml) tried for real: every route, as
every role and signed out; object routes also with another adviser's young person
(403) and another council's (404)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.routes import MATRIX, SAMPLE_PARAMS, app_routes, call_route
from waymark.app import create_app
from waymark.identity.permissions import ROLES

WHO = ["anonymous", *ROLES]


def test_every_route_has_a_row_and_every_row_a_route(settings: Any) -> None:
    in_matrix = {(r["method"], r["path"]) for r in MATRIX}
    assert len(in_matrix) == len(MATRIX), "a route is listed twice"
    assert app_routes(create_app(settings)) == in_matrix


def _url(row: dict[str, Any], young_person_id: int) -> str:
    url = row["path"].replace("{young_person_id}", str(young_person_id))
    for name, value in SAMPLE_PARAMS.items():
        url = url.replace(name, value)
    assert "{" not in url, f"add a sample value for {url} to SAMPLE_PARAMS"
    return url


def _denied(response: Any, who: str) -> bool:
    if who == "anonymous":
        if response.request.url.path.startswith("/api/"):
            return response.status_code == 401
        return response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    return response.status_code == 403


@pytest.mark.parametrize("who", WHO)
def test_matrix(client: Any, db_session: Any, world: factories.World, who: str) -> None:
    if who == "young_person":
        factories.sign_in(client, db_session, world.yp)
    elif who != "anonymous":
        factories.sign_in(client, db_session, world.staff_by_role[who])
    problems = []
    # Sign-out last: it ends the session the other rows need.
    for row in sorted(MATRIX, key=lambda r: r["path"] == "/logout"):
        allowed = "anyone" in row["allow"] or (
            who != "anonymous" and ("signed_in" in row["allow"] or who in row["allow"])
        )
        response = call_route(client, row, _url(row, world.yp.id))
        if allowed and (_denied(response, who) or response.status_code >= 500):
            problems.append(f"{who} refused {row['method']} {row['path']}: {response.status_code}")
        if not allowed and not _denied(response, who):
            problems.append(f"{who} allowed {row['method']} {row['path']}: {response.status_code}")
        if allowed and row.get("object") == "young_person" and who != "anonymous":
            other = call_route(client, row, _url(row, world.other_yp.id))
            if who in row.get("same_council", []):
                if _denied(other, who) or other.status_code >= 500:
                    problems.append(
                        f"{who} {row['method']} {row['path']} refused in their own council: {other.status_code}"
                    )
            elif other.status_code != 403:
                problems.append(
                    f"{who} {row['method']} {row['path']} with another adviser's young person: "
                    f"{other.status_code}, want 403"
                )
            elsewhere = call_route(client, row, _url(row, world.b_yp.id))
            if elsewhere.status_code != 404:
                problems.append(
                    f"{who} {row['method']} {row['path']} with another council's young person: "
                    f"{elsewhere.status_code}, want 404"
                )
    assert not problems, "\n".join(problems)

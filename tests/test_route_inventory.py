"""Every route declares a permission (or is explicitly public), and no route
disappears silently: tests/route-list.json is the snapshot. After adding a route, add
it to route-list.json, tests/authz_matrix.toml and, if public, PUBLIC_ROUTES."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from tests.routes import app_routes, iter_routes
from waymark.app import create_app
from waymark.identity.permissions import PUBLIC, PUBLIC_ROUTES

SNAPSHOT = Path(__file__).parent / "route-list.json"


def declared_permissions(route: APIRoute, router_deps: tuple[Any, ...] = ()) -> set[str]:
    found = {getattr(d.dependency, "permission", None) for d in router_deps} - {None}
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        permission = getattr(dep.call, "permission", None)
        if permission:
            found.add(permission)
        stack.extend(dep.dependencies)
    return found


def test_every_route_declares_exactly_one_permission(settings: Any) -> None:
    app = create_app(settings)
    problems = []
    seen = 0
    for path, route, router_deps in iter_routes(app.routes):
        if not isinstance(route, APIRoute):
            assert path == "/static", f"unexpected non-API route {path}: it would have no permission check"
            continue
        permissions = declared_permissions(route, router_deps)
        for method in route.methods - {"HEAD"}:
            seen += 1
            if len(permissions) != 1:
                problems.append(f"{method} {path}: permissions {sorted(permissions) or 'none'}")
            elif PUBLIC in permissions and (method, path) not in PUBLIC_ROUTES:
                problems.append(f"{method} {path} is public but not in PUBLIC_ROUTES")
            elif PUBLIC not in permissions and (method, path) in PUBLIC_ROUTES:
                problems.append(f"{method} {path} is in PUBLIC_ROUTES but requires {permissions}")
    assert seen >= len(PUBLIC_ROUTES), "the route walk found too few routes"
    assert not problems, "\n".join(problems)


def test_no_route_disappears_silently(settings: Any) -> None:
    current = sorted(f"{m} {p}" for m, p in app_routes(create_app(settings)))
    snapshot = json.loads(SNAPSHOT.read_text())
    missing = sorted(set(snapshot) - set(current))
    added = sorted(set(current) - set(snapshot))
    assert not missing, f"routes removed (links and installed apps depend on them): {missing}"
    assert not added, f"new routes: add them to {SNAPSHOT.name} and authz_matrix.toml: {added}"

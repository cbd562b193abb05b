"""How the code is cut, kept by tests (docs/adr/0006-dependency-rules.md).

- Only ``identity/permissions.py`` knows which role may do what: elsewhere code asks
  ``actor.can(PERMISSION)`` or ``roles_with(PERMISSION)``, never names a staff role.
- A service's ``NotFound`` becomes the 404 page in one handler, not in each route.
- Imports go one way: plumbing -> identity (and audit) -> features -> app, cli and
  demo data, at the top of each module (function-local only in cli.py), with no circle;
  no feature's routes import another feature's routes.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from waymark.identity.models import YOUNG_PERSON
from waymark.identity.permissions import STAFF_ROLES

PACKAGE = Path(__file__).resolve().parents[1] / "backend" / "waymark"
# Where roles are defined, the column that stores one, and demo data that seeds accounts.
ROLE_NAMES_ALLOWED = {"identity/permissions.py", "identity/models.py", "demo.py"}


def modules(*, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith(("migrations/", *skip)):
            continue
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def _literals(node: ast.AST) -> Iterator[ast.Constant]:
    """String constants in ``node`` itself or in a tuple, list or set literal it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _literals(element)


def role_name_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Where a module names a staff role, or compares with "young_person"."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in STAFF_ROLES:
            yield node.lineno, node.value
        elif isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                for literal in _literals(operand):
                    if literal.value == YOUNG_PERSON:
                        yield literal.lineno, literal.value


def test_role_names_are_known_only_to_identity() -> None:
    found = [
        f"{name}:{line}: {role!r}"
        for name, tree in modules()
        if name not in ROLE_NAMES_ALLOWED
        for line, role in role_name_uses(tree)
    ]
    assert not found, "ask identity/permissions.py (actor.can, roles_with) instead of naming a role:\n" + "\n".join(
        found
    )


def test_the_role_check_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        'if "manager" not in actor.roles: pass\n'
        "x = frozenset({'moderator', 'admin'})\n"
        'if person.kind != "young_person": pass\n'
        'staff_with_roles(s, roles=["panel_member"])\n'
        'context = {"young_person": person}\n'
    )
    assert sorted(line for line, _ in role_name_uses(tree)) == [1, 2, 2, 3, 4]


def _converts_not_found(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", "")
    if name != "NotFound" or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Raise):
        return False
    raised = handler.body[0].exc
    return (
        isinstance(raised, ast.Call)
        and getattr(raised.func, "id", "") == "HTTPException"
        and [getattr(a, "value", None) for a in raised.args] == [404]
    )


def test_routes_leave_not_found_to_the_one_handler() -> None:
    """web/errors.py answers a service's NotFound with the 404 page; routes do not."""
    found = [
        f"{name}:{node.lineno}"
        for name, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _converts_not_found(node)
    ]
    assert not found, "let NotFound reach web/errors.py:\n" + "\n".join(found)
    example = ast.parse("try:\n    f()\nexcept service.NotFound:\n    raise HTTPException(404) from None\n")
    assert any(_converts_not_found(n) for n in ast.walk(example) if isinstance(n, ast.ExceptHandler))


# ------------------------------------------------------------------ imports
PLUMBING = {"settings", "db", "clock", "errors", "workdays", "vapid", "ratelimit", "web", "jobs"}
IDENTITY = {"identity", "audit"}
TOP = {"app", "cli", "demo", "dev_idp", "content_report"}
# Function-local imports of waymark modules allowed outside cli.py (with the reason).
LOCAL_IMPORTS_ALLOWED: set[str] = set()


def layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return 0 if part in PLUMBING else 1 if part in IDENTITY else 3 if part in TOP else 2


def module_name(relative: str) -> str:
    parts = ["waymark", *Path(relative).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


KNOWN = {module_name(name) for name, _ in modules()}


def _type_checking_only(tree: ast.Module) -> set[int]:
    return {
        id(node)
        for block in tree.body
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }


def imports(tree: ast.Module) -> Iterator[tuple[ast.stmt, str, bool]]:
    """(statement, waymark module imported, whether at the top of the module) for
    every runtime import (``if TYPE_CHECKING`` blocks are left out)."""
    top = {id(node) for node in tree.body}
    skip = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "waymark":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield node, (full if full in KNOWN else node.module), id(node) in top
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "waymark":
                    yield node, alias.name, id(node) in top


def test_waymark_imports_are_at_the_top_outside_cli() -> None:
    found = [
        f"{name}:{node.lineno} imports {target} inside a function"
        for name, tree in modules()
        if name != "cli.py"
        for node, target, at_top in imports(tree)
        if not at_top and f"{name}:{target}" not in LOCAL_IMPORTS_ALLOWED
    ]
    assert not found, "\n".join(found)


def test_imports_go_one_way_between_layers() -> None:
    found = [
        f"{name}:{node.lineno} ({layer(module_name(name))}) imports {target} ({layer(target)})"
        for name, tree in modules()
        for node, target, _ in imports(tree)
        if target != "waymark" and layer(target) > layer(module_name(name))
    ]
    assert not found, "plumbing -> identity -> features -> app/cli, never upward:\n" + "\n".join(found)


def test_no_feature_routes_import_another_features_routes() -> None:
    found = [
        f"{name}:{node.lineno} imports {target}"
        for name, tree in modules()
        if "routes" in Path(name).stem and layer(module_name(name)) == 2
        for node, target, _ in imports(tree)
        if "routes" in target.rsplit(".", 1)[-1] and target.split(".")[1] != module_name(name).split(".")[1]
    ]
    assert not found, "share a page builder (as casework/pages.py does), not another feature's routes:\n" + "\n".join(
        found
    )


def find_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import circles in ``graph`` (module -> modules it imports), by depth-first search."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    state: dict[str, int] = {}  # 1 visiting, 2 done
    path: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if target == module or target == module.rsplit(".", 1)[0]:
                continue  # a package's own __init__
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return circles


def test_there_is_no_import_circle() -> None:
    graph = {module_name(name): {t for _, t, _ in imports(tree) if t in KNOWN} for name, tree in modules()}
    circles = find_circles(graph)
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_the_import_checks_find_what_they_look_for() -> None:
    tree = ast.parse(
        "from waymark.contacts import service\n"
        "def f():\n    from waymark.pathway.service import plan_for\n"
        "if TYPE_CHECKING:\n    from waymark.identity.actor import Actor\n"
    )
    found = [(target, at_top) for _, target, at_top in imports(tree)]
    assert found == [("waymark.contacts.service", True), ("waymark.pathway.service", False)]
    assert layer("waymark.web.forms") < layer("waymark.identity.service") < layer("waymark.contacts.service")
    assert layer("waymark.contacts.service") < layer("waymark.app")
    assert find_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]

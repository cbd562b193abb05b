"""How the code is cut, kept by tests (docs/adr/0006-dependency-rules.md).

- Only ``identity/permissions.py`` knows which role may do what: elsewhere code asks
  ``actor.can(PERMISSION)`` or ``roles_with(PERMISSION)``, never names a staff role.
- A service's ``NotFound`` becomes the 404 page in one handler, not in each route.
"""

from __future__ import annotations

import ast
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

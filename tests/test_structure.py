"""How the code is cut, kept by tests (docs/adr/0006-dependency-rules.md).

- Only ``identity/permissions.py`` knows which role may do what: elsewhere code asks
  ``actor.can(PERMISSION)`` or ``roles_with(PERMISSION)``, never names a staff role.
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

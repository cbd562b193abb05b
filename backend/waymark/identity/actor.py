"""The signed-in person as services see them: who, which council, which roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from waymark.identity.models import YOUNG_PERSON
from waymark.identity.permissions import roles_grant


@dataclass(frozen=True)
class Actor:
    user_id: int
    tenant_id: int
    kind: str
    display_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    session_hash: str = ""
    brand_colour: str = ""  # the council's header colour (admin setting)
    languages: tuple[str, ...] = ()  # the council's languages (empty: every language)

    @property
    def is_young_person(self) -> bool:
        return self.kind == YOUNG_PERSON

    @property
    def is_staff(self) -> bool:
        return not self.is_young_person

    def can(self, permission: str) -> bool:
        return roles_grant(self.roles, permission)

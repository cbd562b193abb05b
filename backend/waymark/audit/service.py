"""Write and read the audit log. Entries are never changed; only the council's
retention policy removes them, by age (retention/service.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from waymark.audit.models import AuditEvent
from waymark.identity.actor import Actor


def audit_record(
    session: Session,
    *,
    action: str,
    actor: Actor | None = None,
    tenant_id: int | None = None,
    subject_id: int | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an entry to the current transaction (the caller commits with its change)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.user_id if actor else None,
        tenant_id=tenant_id if tenant_id is not None else (actor.tenant_id if actor else None),
        subject_id=subject_id,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        detail=detail or {},
    )
    session.add(event)
    return event


LIST_IDS_KEPT = 1000  # ids named in one list-view entry; the count is always exact


def audit_list_view(session: Session, *, actor: Actor, page: str, young_person_ids: Sequence[int | None]) -> None:
    """A page that lists young people's names was read: one entry naming the page and
    whose names it showed. Commits (pages that only show have nothing else to commit)."""
    ids = sorted({i for i in young_person_ids if i is not None})
    audit_record(
        session,
        actor=actor,
        action="young_people.list_view",
        object_type="page",
        object_id=page,
        detail={"count": len(ids), "young_person_ids": ids[:LIST_IDS_KEPT]},
    )
    session.commit()


def audit_events_for_tenant(
    session: Session, *, actor: Actor, subject_id: int | None = None, limit: int = 100
) -> Sequence[AuditEvent]:
    """Newest first, only the actor's own council."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == actor.tenant_id)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()

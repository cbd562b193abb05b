"""Write and read the audit log. Entries are never changed or removed."""

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


def audit_events_for_tenant(
    session: Session, *, actor: Actor, subject_id: int | None = None, limit: int = 100
) -> Sequence[AuditEvent]:
    """Newest first, only the actor's own council."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == actor.tenant_id)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()

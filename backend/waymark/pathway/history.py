"""A plan's history: every change kept with its before and after (``plan_change``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from waymark.audit.service import audit_record
from waymark.identity.actor import Actor
from waymark.pathway.models import (
    PathwayPlan,
    PlanChange,
)
from waymark.pathway.plans import PlanView


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        value = getattr(record, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


STEP_FIELDS = ("heading", "text", "owner", "owner_name", "due_on", "status", "position", "version")


def record_change(
    session: Session,
    *,
    plan: PathwayPlan,
    actor: Actor,
    object_type: str,
    object_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Keep the change in the plan's history and the audit log (same transaction)."""
    assert plan.id is not None
    session.add(
        PlanChange(
            plan_id=plan.id,
            actor_id=actor.user_id,
            object_type=object_type,
            object_id=object_id,
            action=action,
            before=before,
            after=after,
        )
    )
    audit_record(
        session,
        actor=actor,
        action=f"plan.{object_type}.{action}",
        subject_id=plan.young_person_id,
        object_type=object_type,
        object_id=object_id,
    )


def plan_history(session: Session, *, view: PlanView) -> list[PlanChange]:
    return list(
        session.exec(
            select(PlanChange).where(PlanChange.plan_id == view.plan.id).order_by(col(PlanChange.id).desc())
        ).all()
    )

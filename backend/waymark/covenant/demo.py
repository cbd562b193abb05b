"""Demo offers for the two demo councils, from ``demo_offers.yaml`` (made-up
organisations; expiry dates relative to the day the demo is seeded)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlmodel import Session

from waymark.covenant.models import CATEGORIES, STATES, Offer

DEMO_FILE = Path(__file__).with_name("demo_offers.yaml")


def seed_demo_offers(session: Session, *, tenant_ids: dict[str, int], today: date) -> int:
    rows = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    for row in rows:
        row = dict(row)
        council = row.pop("council")
        days = row.pop("expires_in_days", None)
        assert row["category"] in CATEGORIES and row.get("status", "approved") in STATES, row
        session.add(
            Offer(
                tenant_id=tenant_ids[council],
                expires_on=today + timedelta(days=days) if days is not None else None,
                **row,
            )
        )
    return len(rows)

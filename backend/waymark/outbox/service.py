"""Idempotent intake: whatever arrives under one key is acted on exactly once.

The form carries a key the server made when it rendered it; the plain POST and the
service worker's replay (``POST /api/outbox``) both come through ``submit_once``. The
receipt is written in the same transaction as the change it records, so a crash never
leaves one without the other; two replays racing each other meet at the receipt's
primary key and the loser gets the winner's result. Following the IETF
Idempotency-Key draft, a key reused with a different payload is refused (422)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from waymark.outbox.models import SubmissionReceipt

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


class BadKey(Exception):
    """The key is missing or not one the server could have made."""


class KeyReused(Exception):
    """The key was used before for a different submission."""


def payload_hash(action: str, fields: Mapping[str, Any]) -> str:
    """A stable fingerprint of what was submitted (CSRF token and key left out)."""
    clean = {k: v for k, v in fields.items() if k not in ("csrf_token", "idempotency_key")}
    data = json.dumps({"action": action, "fields": clean}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def submit_once(
    session: Session,
    *,
    key: str,
    action: str,
    fields: Mapping[str, Any],
    result_url: str,
    run: Callable[[], object],
) -> tuple[str, bool]:
    """Run ``run`` once for this key. Returns (where to go next, whether this was a
    replay). ``run`` adds its rows to the session and commits; the receipt goes in
    the same transaction."""
    if not KEY_PATTERN.fullmatch(key or ""):
        raise BadKey()
    fingerprint = payload_hash(action, fields)
    existing = session.get(SubmissionReceipt, key)
    if existing is not None:
        return _replayed(existing, fingerprint)
    session.add(SubmissionReceipt(key=key, action=action, payload_hash=fingerprint, result_url=result_url))
    try:
        session.flush()
        run()
    except IntegrityError:
        session.rollback()
        existing = session.get(SubmissionReceipt, key)
        if existing is None:
            raise
        return _replayed(existing, fingerprint)
    except Exception:
        session.rollback()
        raise
    return result_url, False


def _replayed(receipt: SubmissionReceipt, fingerprint: str) -> tuple[str, bool]:
    if receipt.payload_hash != fingerprint:
        raise KeyReused()
    return receipt.result_url, True


def new_key() -> str:
    import secrets

    return secrets.token_hex(16)

"""Web push on top of the inbox (pywebpush: VAPID and aes128gcm encryption).

A person turns push on at /inbox and chooses which kinds they want. Each inbox note of
a kind they chose queues one job per browser; the job sends outside any request, with a
TTL and an urgency. The push service's answer decides what happens next: 404 or 410
means the browser has gone, so its subscription is deleted; 429, 5xx or no answer
raise, so the job is tried again with backoff; other refusals are logged and dropped.
A failed push never undoes the note, which is already in the inbox.

Payloads carry no personal details: a general title in the person's language and a
link; the page itself is behind sign-in.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from sqlmodel import Session, select

from waymark import clock
from waymark.jobs import service as jobs
from waymark.notifications import outbound
from waymark.notifications.models import PUSH_KINDS, Notification, PushSubscription
from waymark.settings import Settings
from waymark.vapid import VapidKeys, new_vapid_keys  # noqa: F401 (where the keys are made)
from waymark.web.i18n import N_, translations

log = logging.getLogger(__name__)
PUSH_JOB = "push.send"

# Which of the choices on /inbox each inbox note belongs to.
KIND_GROUPS = {
    "plan": ("plan_changed", "plan_feedback_answered", "plan_reviewed", "plan_review_request_answered"),
    "updates": ("update_published",),
    "contact": (
        "reach_request_passed_on",
        "reach_request_answered",
        "new_worker",
        "contact_logged",
        "comment_not_used",
    ),
}
# What the notification says on the lock screen: never a name or anything written.
TITLES = {
    "plan": N_("Your plan has changed"),
    "updates": N_("News about something you told us"),
    "contact": N_("News about you and your worker"),
    "offers": N_("A new offer for you"),
    "other": N_("You have a new message on Waymark"),
}
# How long a push service should keep trying, and how urgent it is (RFC 8030).
TTL_SECONDS = {"plan": 3 * 86400, "updates": 7 * 86400, "contact": 86400, "offers": 3 * 86400, "other": 86400}
URGENCY = {"contact": "high", "plan": "normal", "updates": "normal", "offers": "low", "other": "normal"}


def group_of(kind: str) -> str:
    return next((group for group, kinds in KIND_GROUPS.items() if kind in kinds), "other")


def enabled(settings: Settings) -> bool:
    return bool(settings.vapid_private_key and settings.vapid_public_key)


# ----------------------------------------------------------- subscriptions
class BadSubscription(ValueError):
    """A subscription without a usable https endpoint or keys."""


def _check_key(value: Any, length: int) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise BadSubscription("key")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raise BadSubscription("key") from None
    if len(raw) != length:
        raise BadSubscription("key")
    return value


def _allow_local(settings: Settings) -> bool:
    return settings.demo_mode or settings.push_allow_local


def subscribe(
    session: Session,
    *,
    tenant_id: int,
    user_id: int,
    data: dict[str, Any],
    kinds: list[str],
    lang: str,
    settings: Settings,
) -> PushSubscription:
    """Store (or refresh) a browser's subscription for this person."""
    endpoint = data.get("endpoint")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        raise BadSubscription("endpoint")
    if outbound.endpoint_problem(endpoint, allow_local=_allow_local(settings)):
        raise BadSubscription("endpoint")
    p256dh, auth = _check_key(keys.get("p256dh"), 65), _check_key(keys.get("auth"), 16)
    chosen = [k for k in PUSH_KINDS if k in set(kinds)]
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()
    if row is None:
        row = PushSubscription(tenant_id=tenant_id, user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    row.tenant_id, row.user_id, row.p256dh, row.auth, row.kinds, row.lang = (
        tenant_id,
        user_id,
        p256dh,
        auth,
        chosen,
        lang,
    )
    session.add(row)
    session.commit()
    return row


def subscriptions_of(session: Session, *, user_id: int) -> list[PushSubscription]:
    return list(session.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)).all())


def unsubscribe(session: Session, *, user_id: int, endpoint: str | None = None) -> int:
    """Turn push off for one browser (its endpoint) or all of this person's."""
    rows = [s for s in subscriptions_of(session, user_id=user_id) if endpoint is None or s.endpoint == endpoint]
    for row in rows:
        session.delete(row)
    session.commit()
    return len(rows)


# -------------------------------------------------------------------- sending
def queue_for(session: Session, notification: Notification) -> None:
    """Queue a push to each of the person's browsers that wants this kind (the caller
    commits, with the inbox note)."""
    group = group_of(notification.kind)
    for row in subscriptions_of(session, user_id=notification.user_id):
        if group in row.kinds:
            jobs.enqueue(
                session,
                kind=PUSH_JOB,
                payload={"subscription_id": row.id, "group": group, "link": notification.link},
            )


class PushFailed(RuntimeError):
    """The push service was busy or failing: the job is tried again later."""


@jobs.handler(PUSH_JOB)
def _send(session: Session, payload: dict[str, Any]) -> None:
    from pywebpush import WebPushException, webpush

    settings = Settings()  # as the worker was started (WAYMARK_VAPID_*, or demo keys)
    if settings.demo_mode:
        settings.check()
    row = session.get(PushSubscription, int(payload["subscription_id"]))
    if row is None or not enabled(settings):
        return
    group = str(payload.get("group", "other"))
    title = translations(row.lang or "en").gettext(TITLES.get(group, TITLES["other"]))
    message = json.dumps({"title": title, "url": str(payload.get("link", "/inbox"))[:200]})
    allow_local = _allow_local(settings)
    try:
        if outbound.endpoint_problem(row.endpoint, allow_local=allow_local):
            raise outbound.BlockedEndpoint("push endpoint is not a public https address")
        webpush(
            {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}},
            data=message,
            vapid_private_key=settings.vapid_private_key.get_secret_value() if settings.vapid_private_key else None,
            vapid_claims={"sub": settings.vapid_subject},
            ttl=TTL_SECONDS.get(group, 86400),
            headers={"Urgency": URGENCY.get(group, "normal")},
            timeout=10,
            requests_session=outbound.guarded_session(allow_local=allow_local),
        )
    except outbound.BlockedEndpoint:
        log.warning("push endpoint for subscription %s is not a public address; subscription removed", row.id)
        session.delete(row)
        return
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            session.delete(row)  # the browser unsubscribed or the subscription expired
            return
        if status is None or status == 429 or status >= 500:
            raise PushFailed(f"push service answered {status}") from exc
        log.warning("push refused with %s for subscription %s; not retried", status, row.id)
        return
    except OSError as exc:  # could not reach the push service
        raise PushFailed(str(exc)) from exc
    row.last_sent_at = clock.now()
    session.add(row)

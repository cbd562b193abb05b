"""Server-side sessions: a 256-bit random token in an HttpOnly cookie, its SHA-256 in
the database. Staff sessions end after 30 minutes idle or 12 hours; young people's
last longer (settings). Sessions live in the database so any app instance can serve
any request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, delete, select
from starlette.requests import Request
from starlette.responses import Response

from waymark import clock
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, AuthSession, Tenant, User, UserRole
from waymark.settings import Settings

COOKIE = "waymark_session"
# Write last_seen_at at most this often, not on every request.
_TOUCH_EVERY = timedelta(seconds=60)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent: str) -> str:
    """A coarse name for a browser, so a young person can tell their devices apart
    ("Chrome on Android"); never the full user-agent string."""
    ua = user_agent.lower()
    system = next(
        (
            name
            for key, name in (
                ("android", "Android"),
                ("iphone", "iPhone"),
                ("ipad", "iPad"),
                ("windows", "Windows"),
                ("mac os", "Mac"),
                ("cros", "Chromebook"),
                ("linux", "Linux"),
            )
            if key in ua
        ),
        "",
    )
    browser = next(
        (
            name
            for key, name in (
                ("edg/", "Edge"),
                ("samsungbrowser", "Samsung Internet"),
                ("firefox", "Firefox"),
                ("crios", "Chrome"),
                ("chrome", "Chrome"),
                ("safari", "Safari"),
            )
            if key in ua
        ),
        "",
    )
    if browser and system:
        return f"{browser} · {system}"
    return browser or system


def session_create(session: Session, *, user: User, settings: Settings, device: str = "") -> str:
    """Start a session for ``user``; returns the token for the cookie. Caller commits.
    ``device`` is the browser's user-agent; only a coarse label is kept."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    if user.kind == YOUNG_PERSON:
        idle, absolute = settings.young_person_idle_timeout, settings.young_person_absolute_timeout
    else:
        idle, absolute = settings.staff_idle_timeout, settings.staff_absolute_timeout
    assert user.id is not None
    session.add(
        AuthSession(
            id_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=absolute),
            idle_seconds=idle,
            device=device_label(device),
        )
    )
    return token


def sessions_of(session: Session, *, user_id: int) -> list[AuthSession]:
    """A person's signed-in browsers that have not expired, most recently used first."""
    now = clock.now()
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id).order_by(col(AuthSession.last_seen_at).desc())
    ).all()
    return [r for r in rows if now < r.expires_at and now < r.last_seen_at + timedelta(seconds=r.idle_seconds)]


def handle(row: AuthSession) -> str:
    """How a page names one session: the start of its token's hash (the hash itself
    cannot be turned back into a token)."""
    return row.id_hash[:16]


def sessions_end_others(session: Session, *, user_id: int, keep_hash: str, only: str | None = None) -> int:
    """End the person's other sessions (or only the one whose handle is ``only``).
    Never the current one. Returns how many ended; the caller commits."""
    ended = 0
    for row in session.exec(select(AuthSession).where(AuthSession.user_id == user_id)).all():
        if row.id_hash == keep_hash or (only is not None and handle(row) != only):
            continue
        session.delete(row)
        ended += 1
    return ended


def session_end(session: Session, *, token: str | None) -> None:
    if token:
        session.exec(delete(AuthSession).where(col(AuthSession.id_hash) == hash_token(token)))  # type: ignore[call-overload]
        session.commit()


def actor_for_token(session: Session, token: str) -> Actor | None:
    if not token or len(token) > 100:
        return None
    id_hash = hash_token(token)
    found = session.exec(
        select(AuthSession, User, Tenant.brand_colour, Tenant.languages)
        .join(User, col(User.id) == col(AuthSession.user_id))
        .join(Tenant, col(Tenant.id) == col(User.tenant_id))
        .where(AuthSession.id_hash == id_hash)
    ).first()
    if found is None:
        return None
    row, user, brand_colour, languages = found
    now = clock.now()
    if now >= row.expires_at or now >= row.last_seen_at + timedelta(seconds=row.idle_seconds):
        session.delete(row)
        session.commit()
        return None
    if not user.is_active:
        return None
    if user.kind == YOUNG_PERSON:
        # Kept to the day, written at most once a day: a young person's session row must
        # not record when they used Waymark, or its time could be matched to an
        # anonymous answer sent in the same request (their idle limit is 30 days).
        if row.last_seen_at < clock.start_of_day():
            row.last_seen_at = clock.start_of_day()
            session.add(row)
            session.commit()
    elif now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.commit()
    roles = frozenset(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    assert user.id is not None
    return Actor(
        user_id=user.id,
        tenant_id=user.tenant_id,
        kind=user.kind,
        display_name=user.display_name,
        roles=roles,
        session_hash=id_hash,
        brand_colour=brand_colour,
        languages=tuple(languages or ()),
    )


def actor_for_user(session: Session, user: User) -> Actor:
    """The actor for a user outside a web request (command-line tools)."""
    roles = frozenset(session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all())
    assert user.id is not None
    return Actor(user_id=user.id, tenant_id=user.tenant_id, kind=user.kind, display_name=user.display_name, roles=roles)


def load_actor(request: Request, session: Session | None = None) -> Actor | None:
    """The signed-in person for this request (cached on request.state). Routes pass
    their own database session (FastAPI gives the route and its dependencies the same
    one); error pages let this open one."""
    if hasattr(request.state, "actor"):
        return request.state.actor
    token = request.cookies.get(COOKIE)
    actor = None
    if token:
        if session is not None:
            actor = actor_for_token(session, token)
        else:
            with request.app.state.db.session() as own:
                actor = actor_for_token(own, token)
    request.state.actor = actor
    return actor


def set_session_cookie(response: Response, token: str, *, user: User, settings: Settings) -> None:
    max_age = settings.young_person_absolute_timeout if user.kind == YOUNG_PERSON else None
    response.set_cookie(
        COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )


def clear_session_cookie(response: Response, *, settings: Settings) -> None:
    response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/")

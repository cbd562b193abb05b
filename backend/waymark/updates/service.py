"""You Said We Did: publishing and revising updates, the young person's feed and
reactions, and telling the young people who spoke.

When an update is published, a job finds every response in its consultations, or
counted under its themes: named young people get an inbox note (and a push, if they
asked for them); anonymous ones hear through their resume code the next time they open
the app (``updates_for_code``). Nothing here says who an anonymous young person is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.consultations.models import APPROVED, DRAFT, PENDING, SAFEGUARDING, Consultation, Response
from waymark.consultations.service import token_hash
from waymark.errors import InputError
from waymark.identity.actor import Actor
from waymark.identity.permissions import UPDATE_COMMENTS_ALL, UPDATES_PUBLISH, UPDATES_STAFF_VIEW, Forbidden
from waymark.identity.service import NotFound
from waymark.insights.service import lead_names
from waymark.jobs import service as jobs
from waymark.moderation import themes as theme_list
from waymark.notifications import service as notifications
from waymark.safeguarding import intake
from waymark.safeguarding import service as safeguarding
from waymark.updates import messages as m
from waymark.updates.models import (
    COMMENT_MAX,
    REACTIONS,
    STATUSES,
    Update,
    UpdateComment,
    UpdateReaction,
    UpdateRevision,
)

NOTIFY_JOB = "updates.notify"
COMMENTS_PER_UPDATE = 5  # a young person's comments on one update, to keep the queue usable
TITLE_MAX, SAID_MAX, DID_MAX, REASON_MAX = 120, 1000, 2000, 1000
_SNAPSHOT = ("title", "said", "did", "status", "reason", "happened_on", "themes", "consultation_ids")


@dataclass
class UpdateInput:
    title: str = ""
    said: str = ""
    did: str = ""
    status: str = ""
    reason: str = ""
    happened_on: str = ""
    themes: list[str] = field(default_factory=list)
    consultation_ids: list[str] = field(default_factory=list)


def _require_officer(actor: Actor) -> None:
    if not actor.can(UPDATES_PUBLISH):
        raise Forbidden()


def _clean(session: Session, actor: Actor, data: UpdateInput) -> dict[str, Any]:
    """The update's fields, checked; raises ``InputError`` with a message per field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, limit, required, too_long in (
        ("title", TITLE_MAX, m.TITLE_REQUIRED, m.TITLE_TOO_LONG),
        ("said", SAID_MAX, m.SAID_REQUIRED, m.SAID_TOO_LONG),
        ("did", DID_MAX, m.DID_REQUIRED, m.DID_TOO_LONG),
    ):
        text = getattr(data, name).strip()
        if not text:
            errors[name] = required
        elif len(text) > limit:
            errors[name] = too_long
        clean[name] = text
    if data.status not in STATUSES:
        errors["status"] = m.STATUS_REQUIRED
    clean["status"] = data.status
    reason = data.reason.strip()
    if data.status == "cant" and not reason:
        errors["reason"] = m.REASON_REQUIRED
    elif len(reason) > REASON_MAX:
        errors["reason"] = m.REASON_TOO_LONG
    clean["reason"] = reason
    day = clock.parse_iso_day(data.happened_on)
    if day is None:
        errors["happened_on"] = m.DATE_INVALID
    clean["happened_on"] = day
    known = set(theme_list.keys())
    chosen = [t for t in theme_list.keys() if t in set(data.themes)]
    if not data.themes:
        errors["themes"] = m.THEME_REQUIRED
    elif set(data.themes) - known:
        errors["themes"] = m.THEME_UNKNOWN
    clean["themes"] = chosen
    ids = {int(v) for v in data.consultation_ids if v.isdigit() and len(v) < 10}
    if len(ids) != len(set(data.consultation_ids)):
        errors["consultation_ids"] = m.CONSULTATION_UNKNOWN
    own = set(
        session.exec(
            select(Consultation.id).where(
                Consultation.tenant_id == actor.tenant_id, Consultation.state != DRAFT, col(Consultation.id).in_(ids)
            )
        ).all()
    )
    if ids - own:
        errors["consultation_ids"] = m.CONSULTATION_UNKNOWN
    clean["consultation_ids"] = sorted(ids)
    if errors:
        raise InputError.of(errors)
    return clean


def _snapshot(update: Update) -> dict[str, Any]:
    values = {name: getattr(update, name) for name in _SNAPSHOT}
    values["happened_on"] = update.happened_on.isoformat()
    return values


def publish(session: Session, *, actor: Actor, data: UpdateInput) -> Update:
    """Publish a new update; a job tells the young people who spoke."""
    _require_officer(actor)
    clean = _clean(session, actor, data)
    now = clock.now()
    update = Update(tenant_id=actor.tenant_id, created_by_id=actor.user_id, created_at=now, updated_at=now, **clean)
    session.add(update)
    session.flush()
    session.add(
        UpdateRevision(
            update_id=update.id or 0, version=1, snapshot=_snapshot(update), changed_by_id=actor.user_id, changed_at=now
        )
    )
    audit_record(session, actor=actor, action="update.publish", object_type="update", object_id=update.id)
    jobs.enqueue(session, kind=NOTIFY_JOB, payload={"update_id": update.id}, key=f"update-notify:{update.id}")
    session.commit()
    return update


def revise(session: Session, *, actor: Actor, update_id: int, data: UpdateInput, version: int) -> Update:
    """Change an update; the old version stays in its history. ``version`` is the one
    the form was made from: a stale form is refused."""
    _require_officer(actor)
    update = _own(session, actor, update_id)
    clean = _clean(session, actor, data)
    if update.version != version:
        raise InputError.of({"form": m.STALE})
    if all(getattr(update, k) == v for k, v in clean.items()):
        return update
    for name, value in clean.items():
        setattr(update, name, value)
    update.version += 1
    update.updated_at = clock.now()
    session.add(update)
    session.add(
        UpdateRevision(
            update_id=update_id,
            version=update.version,
            snapshot=_snapshot(update),
            changed_by_id=actor.user_id,
            changed_at=update.updated_at,
        )
    )
    audit_record(
        session,
        actor=actor,
        action="update.revise",
        object_type="update",
        object_id=update_id,
        detail={"version": update.version},
    )
    session.commit()
    return update


def _own(session: Session, actor: Actor, update_id: int) -> Update:
    update = session.get(Update, update_id)
    if update is None or update.tenant_id != actor.tenant_id:
        raise NotFound()
    return update


# ---------------------------------------------------------------- reading
@dataclass(frozen=True)
class Change:
    version: int
    changed_at: Any
    fields: list[str]  # what changed from the version before
    before: dict[str, Any]


@dataclass(frozen=True)
class UpdateView:
    update: Update
    leads: dict[str, str]  # theme -> lead's name
    changes: list[Change]
    my_reaction: str | None = None
    reactions: dict[str, int] = field(default_factory=dict)
    my_comments: list[UpdateComment] = field(default_factory=list)  # the young person's own, newest first
    # Staff: approved comments' checked text (the participation officer reads them all;
    # managers and panel members only those the young person let us quote), and how
    # many approved comments there are.
    quotes: list[str] = field(default_factory=list)
    approved_comments: int = 0


def _changes(session: Session, update_ids: Sequence[int]) -> dict[int, list[Change]]:
    found: dict[int, list[Change]] = {}
    rows = session.exec(
        select(UpdateRevision)
        .where(col(UpdateRevision.update_id).in_(list(update_ids)))
        .order_by(col(UpdateRevision.update_id), col(UpdateRevision.version))
    ).all()
    previous: dict[int, UpdateRevision] = {}
    for row in rows:
        before = previous.get(row.update_id)
        if before is not None:
            fields = [k for k in _SNAPSHOT if before.snapshot.get(k) != row.snapshot.get(k)]
            found.setdefault(row.update_id, []).append(
                Change(version=row.version, changed_at=row.changed_at, fields=fields, before=before.snapshot)
            )
        previous[row.update_id] = row
    return {k: list(reversed(v)) for k, v in found.items()}


def _views(session: Session, actor: Actor, updates: Sequence[Update]) -> list[UpdateView]:
    ids = [u.id or 0 for u in updates]
    leads = lead_names(session, tenant_id=actor.tenant_id)
    changes = _changes(session, ids)
    mine: dict[int, str] = {}
    counts: dict[int, dict[str, int]] = {}
    for update_id, person, reaction in session.exec(
        select(UpdateReaction.update_id, UpdateReaction.young_person_id, UpdateReaction.reaction).where(
            col(UpdateReaction.update_id).in_(ids)
        )
    ):
        counts.setdefault(update_id, {}).setdefault(reaction, 0)
        counts[update_id][reaction] += 1
        if person == actor.user_id:
            mine[update_id] = reaction
    my_comments: dict[int, list[UpdateComment]] = {}
    quotes: dict[int, list[str]] = {}
    approved: dict[int, int] = {}
    if actor.is_young_person:
        for row in session.exec(
            select(UpdateComment)
            .where(col(UpdateComment.update_id).in_(ids), UpdateComment.young_person_id == actor.user_id)
            .order_by(col(UpdateComment.created_at).desc(), col(UpdateComment.id).desc())
        ):
            my_comments.setdefault(row.update_id, []).append(row)
    else:
        for update_id, text, allowed in session.exec(
            select(UpdateComment.update_id, UpdateComment.published_text, UpdateComment.quotes_allowed)
            .where(col(UpdateComment.update_id).in_(ids), UpdateComment.moderation == APPROVED)
            .order_by(col(UpdateComment.moderated_at), col(UpdateComment.id))
        ):
            approved[update_id] = approved.get(update_id, 0) + 1
            if text and (allowed or actor.can(UPDATE_COMMENTS_ALL)):
                quotes.setdefault(update_id, []).append(text)
    return [
        UpdateView(
            update=u,
            leads={t: leads[t] for t in u.themes if t in leads},
            changes=changes.get(u.id or 0, []),
            my_reaction=mine.get(u.id or 0),
            reactions=counts.get(u.id or 0, {}) if actor.is_staff else {},
            my_comments=my_comments.get(u.id or 0, []),
            quotes=quotes.get(u.id or 0, []),
            approved_comments=approved.get(u.id or 0, 0),
        )
        for u in updates
    ]


def feed(session: Session, *, actor: Actor, limit: int = 50) -> list[UpdateView]:
    """The council's updates, newest first (young people, and staff who may see them)."""
    if actor.is_staff and not actor.can(UPDATES_STAFF_VIEW):
        raise Forbidden()
    updates = session.exec(
        select(Update)
        .where(Update.tenant_id == actor.tenant_id)
        .order_by(col(Update.happened_on).desc(), col(Update.id).desc())
        .limit(limit)
    ).all()
    return _views(session, actor, updates)


def view(session: Session, *, actor: Actor, update_id: int) -> UpdateView:
    if actor.is_staff and not actor.can(UPDATES_STAFF_VIEW):
        raise Forbidden()
    return _views(session, actor, [_own(session, actor, update_id)])[0]


def react(session: Session, *, actor: Actor, update_id: int, reaction: str) -> UpdateReaction:
    if not actor.is_young_person:
        raise Forbidden()
    _own(session, actor, update_id)
    if reaction not in REACTIONS:
        raise InputError.of({"reaction": m.REACTION_INVALID})
    row = session.exec(
        select(UpdateReaction).where(
            UpdateReaction.update_id == update_id, UpdateReaction.young_person_id == actor.user_id
        )
    ).first()
    if row is None:
        row = UpdateReaction(update_id=update_id, young_person_id=actor.user_id, reaction=reaction)
    row.reaction, row.created_at = reaction, clock.now()
    session.add(row)
    session.commit()
    return row


def comment(session: Session, *, actor: Actor, update_id: int, text: str, quotes_allowed: bool) -> UpdateComment:
    """A young person says more about an update. The words wait for a moderator (or go
    straight to the safeguarding lead if they show a risk, like any answer). Sending
    the same words again returns the first comment."""
    if not actor.is_young_person:
        raise Forbidden()
    _own(session, actor, update_id)
    text = text.strip()
    if not text:
        raise InputError.of({"comment": m.COMMENT_REQUIRED})
    if len(text) > COMMENT_MAX:
        raise InputError.of({"comment": m.COMMENT_TOO_LONG})
    earlier = session.exec(
        select(UpdateComment).where(
            UpdateComment.update_id == update_id, UpdateComment.young_person_id == actor.user_id
        )
    ).all()
    for row in earlier:
        if row.text == text:
            return row
    if len(earlier) >= COMMENTS_PER_UPDATE:
        raise InputError.of({"comment": m.COMMENT_LIMIT})
    reaction = session.exec(
        select(UpdateReaction.reaction).where(
            UpdateReaction.update_id == update_id, UpdateReaction.young_person_id == actor.user_id
        )
    ).first()

    row = UpdateComment(
        update_id=update_id,
        tenant_id=actor.tenant_id,
        young_person_id=actor.user_id,
        reaction=reaction,
        text=text,
        quotes_allowed=quotes_allowed,
        moderation=PENDING,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()  # the alert names the comment, so "not a risk" can send it back to the queue
    signal = intake.take(
        session,
        field="council_update_comment.text",
        text=text,
        tenant_id=actor.tenant_id,
        young_person_id=actor.user_id,
        comment_id=row.id,
    )
    if signal.urgent:  # never waits in the queue, never shown to anyone but the lead
        row.moderation = SAFEGUARDING
    else:
        row.suggested_themes = theme_list.suggest(text)
    session.add(row)
    if row.moderation == PENDING:
        safeguarding.schedule_backstop(
            session, tenant_id=actor.tenant_id, kind="comment", item_id=row.id or 0, queued_at=row.created_at
        )
    session.commit()
    return row


# ------------------------------------------------------------ telling people
def _linked(update: Update, response_consultation: int, response_themes: Sequence[str]) -> bool:
    return response_consultation in update.consultation_ids or bool(set(update.themes) & set(response_themes))


@jobs.handler(NOTIFY_JOB)
def _notify_contributors(session: Session, payload: dict[str, Any]) -> None:
    """Every named young person who answered a linked consultation, or was counted under
    one of the update's themes, gets one inbox note (and a push if they chose it)."""
    update = session.get(Update, int(payload["update_id"]))
    if update is None:
        return
    people: set[int] = set()
    for person, consultation_id, themes in session.exec(
        select(Response.young_person_id, Response.consultation_id, Response.tallied_themes).where(
            Response.tenant_id == update.tenant_id, col(Response.young_person_id).is_not(None)
        )
    ):
        if person is not None and _linked(update, consultation_id, themes or []):
            people.add(person)
    for person in sorted(people):
        notifications.notify(
            session,
            tenant_id=update.tenant_id,
            user_id=person,
            kind="update_published",
            link=f"/updates/{update.id}",
            params={"title": update.title},
        )


def updates_for_code(session: Session, *, code: str) -> list[Update]:
    """Updates about what an anonymous young person said, found from their resume code
    (only its hash is stored with the response). Nothing is written."""
    normal = code.strip().upper()
    if not re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", normal):
        return []
    response = session.exec(select(Response).where(Response.resume_token_hash == token_hash(normal))).first()
    if response is None:
        return []
    updates = session.exec(
        select(Update).where(Update.tenant_id == response.tenant_id).order_by(col(Update.id).desc()).limit(200)
    ).all()
    return [u for u in updates if _linked(u, response.consultation_id, response.tallied_themes or [])]

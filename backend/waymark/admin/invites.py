"""Invites in bulk for a council's admin: who has no account yet, printable letters
with a link and QR code, resend (a new letter) and cancel.

Only a hash of each code is stored, so a letter can be printed only when its invite is
made; printing again makes a new code and the old letter stops working.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import segno
from markupsafe import Markup, escape
from sqlmodel import Session, col, select

from waymark import clock
from waymark.admin.service import require_admin
from waymark.audit.service import audit_record
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Invite, User
from waymark.identity.service import NotFound, current_workers, format_code, invite_issue

BATCH = 100  # letters printed at once


@dataclass(frozen=True)
class InviteRow:
    young_person: User
    invite: Invite | None  # their latest invite, if any

    @property
    def state(self) -> str:
        """joined, waiting (an invite that still works), expired, cancelled, none."""
        if self.young_person.passphrase_hash is not None:
            return "joined"
        if self.invite is None:
            return "none"
        if self.invite.cancelled_at is not None:
            return "cancelled"
        if self.invite.used_at is None and self.invite.expires_at > clock.now():
            return "waiting"
        return "expired"


def invite_rows(session: Session, *, actor: Actor, only_without_account: bool = True) -> list[InviteRow]:
    """The council's young people (not deleted) with their latest invite, by name."""
    require_admin(actor)
    query = select(User).where(
        User.tenant_id == actor.tenant_id, User.kind == YOUNG_PERSON, col(User.deleted_at).is_(None)
    )
    if only_without_account:
        query = query.where(col(User.passphrase_hash).is_(None))
    people = list(session.exec(query.order_by(col(User.full_name), col(User.id))).all())
    latest: dict[int, Invite] = {}
    for invite in session.exec(
        select(Invite).where(Invite.tenant_id == actor.tenant_id).order_by(col(Invite.id))
    ).all():
        latest[invite.young_person_id] = invite
    return [InviteRow(young_person=p, invite=latest.get(p.id or 0)) for p in people]


@dataclass(frozen=True)
class Letter:
    young_person: User
    code: str  # formatted for reading, e.g. ABCD-EFGH-JKMN
    url: str
    qr_svg: Markup
    expires_at: object
    worker_names: list[str]


def _qr(url: str, label: str) -> Markup:
    """The QR code as inline SVG (no image to host, prints sharp). segno draws it from
    our own URL; the label is escaped."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S704


def letters(
    session: Session, *, actor: Actor, young_person_ids: Sequence[int], base_url: str, qr_label: str
) -> list[Letter]:
    """New invites, and their letters, for these young people in the admin's council
    who have no account yet (others are skipped). At most ``BATCH`` at once."""
    require_admin(actor)
    wanted = list(dict.fromkeys(young_person_ids))[:BATCH]
    people = session.exec(
        select(User).where(
            col(User.id).in_(wanted),
            User.tenant_id == actor.tenant_id,
            User.kind == YOUNG_PERSON,
            col(User.passphrase_hash).is_(None),
            col(User.deleted_at).is_(None),
            col(User.is_active).is_(True),
        )
    ).all()
    by_id = {p.id: p for p in people}
    made = []
    for young_person_id in wanted:
        person = by_id.get(young_person_id)
        if person is None:
            continue
        invite, code = invite_issue(session, actor=actor, young_person=person)
        url = f"{base_url}/join/{code}"
        made.append(
            Letter(
                young_person=person,
                code=format_code(code),
                url=url,
                qr_svg=_qr(url, qr_label),
                expires_at=invite.expires_at,
                worker_names=[w.full_name for w in current_workers(session, young_person_id=young_person_id)],
            )
        )
    session.commit()
    return made


def cancel(session: Session, *, actor: Actor, invite_id: int) -> Invite:
    """Stop an invite working (a lost letter, or the wrong person)."""
    require_admin(actor)
    invite = session.get(Invite, invite_id)
    if invite is None or invite.tenant_id != actor.tenant_id:
        raise NotFound()
    if invite.cancelled_at is None and invite.used_at is None:
        invite.cancelled_at = clock.now()
        session.add(invite)
        audit_record(
            session,
            actor=actor,
            action="invite.cancel",
            subject_id=invite.young_person_id,
            object_type="invite",
            object_id=invite.id,
        )
        session.commit()
    return invite

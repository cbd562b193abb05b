"""The offers directory: what young people see (approved, not expired, their council),
what organisations send in (pending until a moderator or admin decides), and the
review. Council checks live here: staff only ever see their own council's offers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.covenant.models import APPROVED, CATEGORIES, PENDING, REJECTED, Offer
from waymark.identity.actor import Actor
from waymark.identity.ages import age_on
from waymark.identity.models import Tenant, User
from waymark.identity.permissions import OFFERS_REVIEW, Forbidden, roles_with
from waymark.identity.service import NotFound, staff_with_roles
from waymark.notifications import service as notifications

MAX_QUERY = 80


@dataclass(frozen=True)
class OfferInput:
    """An offer as typed into the form (checked by the form before it gets here)."""

    organisation: str
    title: str
    description: str
    category: str
    age_from: int
    age_until: int  # the birthday it ends before
    area: str
    how_to_claim: str
    url: str | None
    expires_on: date | None
    national: bool = False
    contact_email: str | None = None


class StaleOffer(Exception):
    """Someone changed the offer after this page was opened."""


def councils(session: Session) -> Sequence[Tenant]:
    return session.exec(select(Tenant).order_by(col(Tenant.name))).all()


def _like(query: str) -> str:
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def directory(
    session: Session,
    *,
    tenant_id: int | None,
    category: str | None = None,
    query: str = "",
    age: int | None = None,
) -> list[Offer]:
    """Approved offers that have not expired, newest first; ``tenant_id`` None means
    every council (the signed-out directory). ``age`` keeps offers for that age."""
    today = clock.today()
    statement = select(Offer).where(
        Offer.status == APPROVED, or_(col(Offer.expires_on).is_(None), col(Offer.expires_on) >= today)
    )
    if tenant_id is not None:
        statement = statement.where(Offer.tenant_id == tenant_id)
    if category in CATEGORIES:
        statement = statement.where(Offer.category == category)
    if age is not None:
        statement = statement.where(Offer.age_from <= age, Offer.age_until > age)
    for word in query.split()[:8]:
        pattern = _like(word)
        statement = statement.where(
            or_(
                func.lower(Offer.title).like(pattern, escape="\\"),
                func.lower(Offer.organisation).like(pattern, escape="\\"),
                func.lower(Offer.description).like(pattern, escape="\\"),
            )
        )
    statement = statement.order_by(col(Offer.national), col(Offer.title), col(Offer.id))
    return list(session.exec(statement).all())


def age_of(session: Session, *, actor: Actor | None) -> int | None:
    """A signed-in young person's age today (for "for me"), if we know their birthday."""
    if actor is None or not actor.is_young_person:
        return None
    person = session.get(User, actor.user_id)
    if person is None or person.date_of_birth is None:
        return None
    return age_on(person.date_of_birth, clock.today())


def visible_offer(session: Session, *, actor: Actor | None, offer_id: int) -> Offer:
    """An offer anyone may read: approved, not expired, and (when signed in) from the
    person's own council."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.status != APPROVED:
        raise NotFound()
    if offer.expires_on is not None and offer.expires_on < clock.today():
        raise NotFound()
    if actor is not None and actor.tenant_id != offer.tenant_id:
        raise NotFound()
    return offer


def submit(session: Session, *, tenant_id: int, data: OfferInput) -> Offer:
    """An organisation's offer, waiting for the council's moderators and admins, who
    each get a note in their inbox."""
    if session.get(Tenant, tenant_id) is None:
        raise NotFound()
    offer = Offer(tenant_id=tenant_id, status=PENDING, submitted_at=clock.now(), **_fields(data))
    session.add(offer)
    session.flush()
    for reviewer_id in _reviewers(session, tenant_id):
        notifications.notify(
            session,
            tenant_id=tenant_id,
            user_id=reviewer_id,
            kind="offer_submitted",
            link=f"/staff/offers/{offer.id}",
            params={"organisation": data.organisation},
        )
    session.commit()
    return offer


def _fields(data: OfferInput) -> dict[str, object]:
    return {
        "organisation": data.organisation,
        "title": data.title,
        "description": data.description,
        "category": data.category,
        "age_from": data.age_from,
        "age_until": data.age_until,
        "area": data.area,
        "how_to_claim": data.how_to_claim,
        "url": data.url,
        "expires_on": data.expires_on,
        "national": data.national,
        "contact_email": data.contact_email,
    }


def _reviewers(session: Session, tenant_id: int) -> list[int]:
    return [
        u.id
        for u in staff_with_roles(session, tenant_id=tenant_id, roles=roles_with(OFFERS_REVIEW))
        if u.id is not None
    ]


# ------------------------------------------------------------------- review
def _require_reviewer(actor: Actor) -> None:
    if not actor.can(OFFERS_REVIEW):
        raise Forbidden()


def for_review(session: Session, *, actor: Actor, offer_id: int) -> Offer:
    _require_reviewer(actor)
    offer = session.get(Offer, offer_id)
    if offer is None or offer.tenant_id != actor.tenant_id:
        raise NotFound()
    return offer


@dataclass(frozen=True)
class ReviewQueue:
    pending: list[Offer]
    approved: list[Offer]
    rejected: list[Offer]


def review_queue(session: Session, *, actor: Actor) -> ReviewQueue:
    """The council's offers: waiting (oldest first), shown now, and recently turned down."""
    _require_reviewer(actor)
    rows = session.exec(
        select(Offer).where(Offer.tenant_id == actor.tenant_id).order_by(col(Offer.submitted_at), col(Offer.id))
    ).all()
    today = clock.today()
    return ReviewQueue(
        pending=[o for o in rows if o.status == PENDING],
        approved=[o for o in rows if o.status == APPROVED and (o.expires_on is None or o.expires_on >= today)],
        rejected=sorted((o for o in rows if o.status == REJECTED), key=lambda o: o.reviewed_at or o.submitted_at)[::-1][
            :20
        ],
    )


def _decide(session: Session, actor: Actor, offer: Offer, status: str, action: str, detail: dict[str, object]) -> None:
    offer.status, offer.reviewed_at, offer.reviewed_by_id = status, clock.now(), actor.user_id
    offer.version += 1
    session.add(offer)
    audit_record(session, actor=actor, action=action, object_type="offer", object_id=offer.id, detail=detail)
    session.commit()


def _check_version(offer: Offer, expected_version: int) -> None:
    if offer.version != expected_version:
        raise StaleOffer()


def update(
    session: Session, *, actor: Actor, offer_id: int, expected_version: int, data: OfferInput, approve: bool
) -> Offer:
    """A reviewer corrects the offer (and, with ``approve``, publishes it). Audited
    with the fields that changed."""
    offer = for_review(session, actor=actor, offer_id=offer_id)
    _check_version(offer, expected_version)
    new = _fields(data)
    new["contact_email"] = offer.contact_email  # the organisation's address is theirs to give
    changed = {k: [str(getattr(offer, k)), str(v)] for k, v in new.items() if getattr(offer, k) != v}
    for key, value in new.items():
        setattr(offer, key, value)
    status = APPROVED if approve else offer.status
    if approve:
        offer.reject_reason = None
    _decide(session, actor, offer, status, "offer.approve" if approve else "offer.edit", {"changed": changed})
    return offer


def approve(session: Session, *, actor: Actor, offer_id: int, expected_version: int) -> Offer:
    offer = for_review(session, actor=actor, offer_id=offer_id)
    _check_version(offer, expected_version)
    offer.reject_reason = None
    _decide(session, actor, offer, APPROVED, "offer.approve", {})
    return offer


def reject(session: Session, *, actor: Actor, offer_id: int, expected_version: int, reason: str) -> Offer:
    """Turn an offer down (or take a shown one down) with a reason."""
    offer = for_review(session, actor=actor, offer_id=offer_id)
    _check_version(offer, expected_version)
    offer.reject_reason = reason
    _decide(session, actor, offer, REJECTED, "offer.reject", {"reason": reason})
    return offer

"""Priority rounds: the participation officer's drafts, opening and closing; young
people's votes (standard, easy read, or assisted by their worker); and the results,
through the same disclosure control as every insight.

Votes are a partition: the votes for each theme add up to the votes cast, and
``disclosure.Publication`` decides once what the screen and the export show. Results are listed by the votes shown,
and suppressed themes after them in ballot order, so the order never hints at a hidden
number."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.consultations.service import status
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.models import User
from waymark.identity.permissions import CONSULTATIONS_RUN, INSIGHTS_VIEW, Forbidden
from waymark.identity.service import NotFound, tenant_get
from waymark.insights import disclosure, tally
from waymark.moderation import themes as theme_list
from waymark.priorities import messages as m
from waymark.priorities.models import (
    VOTES_MAX,
    VOTES_MIN,
    PriorityBallot,
    PriorityRound,
    PriorityVote,
    PriorityVoter,
)

TITLE_MAX, SUMMARY_MAX = 120, 2000


# ------------------------------------------------------------- the officer
def _require_officer(actor: Actor) -> None:
    if not actor.can(CONSULTATIONS_RUN):
        raise Forbidden()


@dataclass
class RoundInput:
    title: str = ""
    summary: str = ""
    easy_summary: str = ""
    themes: list[str] = field(default_factory=list)
    votes: str = "3"
    opens_on: str = ""
    closes_on: str = ""


def _clean(data: RoundInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    title, summary, easy = data.title.strip(), data.summary.strip(), data.easy_summary.strip()
    if not title:
        errors["title"] = m.TITLE_REQUIRED
    elif len(title) > TITLE_MAX:
        errors["title"] = m.TITLE_TOO_LONG
    if not summary:
        errors["summary"] = m.SUMMARY_REQUIRED
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = m.SUMMARY_TOO_LONG
    if len(easy) > SUMMARY_MAX:
        errors["easy_summary"] = m.SUMMARY_TOO_LONG
    known = theme_list.keys()
    if set(data.themes) - set(known):
        errors["themes"] = m.THEME_UNKNOWN
    elif len(set(data.themes)) < 2:
        errors["themes"] = m.THEMES_TOO_FEW
    votes = int(data.votes) if data.votes.strip().isdigit() and len(data.votes.strip()) < 3 else 0
    if not VOTES_MIN <= votes <= VOTES_MAX:
        errors["votes"] = m.VOTES_INVALID
    opens, closes = clock.parse_iso_day(data.opens_on), clock.parse_iso_day(data.closes_on)
    if opens is None:
        errors["opens_on"] = m.DATE_INVALID
    if closes is None:
        errors["closes_on"] = m.DATE_INVALID
    elif opens is not None and closes < opens:
        errors["closes_on"] = m.CLOSES_BEFORE_OPENS
    if errors:
        raise InputError.of(errors)
    return {
        "title": title,
        "summary": summary,
        "easy_summary": easy,
        "themes": [t for t in known if t in set(data.themes)],
        "votes": votes,
        "opens_on": opens,
        "closes_on": closes,
    }


def for_officer(session: Session, *, actor: Actor, round_id: int) -> PriorityRound:
    _require_officer(actor)
    return _own(session, actor, round_id)


def _own(session: Session, actor: Actor, round_id: int) -> PriorityRound:
    found = session.get(PriorityRound, round_id)
    if found is None or found.tenant_id != actor.tenant_id:
        raise NotFound()
    return found


def create(session: Session, *, actor: Actor, data: RoundInput) -> PriorityRound:
    _require_officer(actor)
    round_ = PriorityRound(tenant_id=actor.tenant_id, created_by_id=actor.user_id, **_clean(data))  # type: ignore[arg-type]
    session.add(round_)
    session.flush()
    audit_record(session, actor=actor, action="priorities.create", object_type="priority_round", object_id=round_.id)
    session.commit()
    return round_


def update(session: Session, *, actor: Actor, round_id: int, data: RoundInput) -> PriorityRound:
    """Change a draft (an open round's ballot never changes under people voting)."""
    round_ = for_officer(session, actor=actor, round_id=round_id)
    if round_.state != "draft":
        raise InputError.of({"form": m.LOCKED})
    for name, value in _clean(data).items():
        setattr(round_, name, value)
    session.add(round_)
    session.commit()
    return round_


def open_round(session: Session, *, actor: Actor, round_id: int) -> PriorityRound:
    round_ = for_officer(session, actor=actor, round_id=round_id)
    if round_.state != "draft":
        raise InputError.of({"form": m.LOCKED})
    if round_.closes_on < clock.today():
        raise InputError.of({"closes_on": m.CLOSES_IN_PAST})
    round_.state, round_.published_at = "open", clock.now()
    session.add(round_)
    audit_record(session, actor=actor, action="priorities.open", object_type="priority_round", object_id=round_id)
    session.commit()
    return round_


def close(session: Session, *, actor: Actor, round_id: int) -> PriorityRound:
    round_ = for_officer(session, actor=actor, round_id=round_id)
    if status(round_) not in ("open", "scheduled"):
        raise InputError.of({"form": m.NOT_OPEN})
    round_.state, round_.closed_at = "closed", clock.now()
    session.add(round_)
    audit_record(session, actor=actor, action="priorities.close", object_type="priority_round", object_id=round_id)
    session.commit()
    return round_


def council_rounds(session: Session, *, actor: Actor) -> list[PriorityRound]:
    """Every round of the council (drafts only for the officer)."""
    if not actor.can(INSIGHTS_VIEW):
        raise Forbidden()
    query = select(PriorityRound).where(PriorityRound.tenant_id == actor.tenant_id)
    if not actor.can(CONSULTATIONS_RUN):
        query = query.where(PriorityRound.state != "draft")
    return list(session.exec(query.order_by(col(PriorityRound.opens_on).desc(), col(PriorityRound.id).desc())).all())


# ------------------------------------------------------------ young people
def rounds_for(session: Session, *, actor: Actor) -> list[PriorityRound]:
    """Open and closed rounds a young person can see (newest first)."""
    if not actor.is_young_person:
        raise Forbidden()
    rows = session.exec(
        select(PriorityRound)
        .where(PriorityRound.tenant_id == actor.tenant_id, PriorityRound.state != "draft")
        .order_by(col(PriorityRound.closes_on).desc(), col(PriorityRound.id).desc())
    ).all()
    return [r for r in rows if status(r) != "scheduled"]


def open_rounds(session: Session, *, tenant_id: int) -> list[PriorityRound]:
    """Rounds open for voting now (for a worker's record page)."""
    rows = session.exec(
        select(PriorityRound).where(PriorityRound.tenant_id == tenant_id, PriorityRound.state == "open")
    ).all()
    return [r for r in rows if status(r) == "open"]


def for_young_person(session: Session, *, actor: Actor, round_id: int) -> PriorityRound:
    if not actor.is_young_person:
        raise Forbidden()
    round_ = _own(session, actor, round_id)
    if status(round_) in ("draft", "scheduled"):
        raise NotFound()
    return round_


def for_assisting(session: Session, *, actor: Actor, round_id: int) -> PriorityRound:
    """A round of the worker's council that has been opened (to vote with a young person)."""
    round_ = _own(session, actor, round_id)
    if round_.state == "draft":
        raise NotFound()
    return round_


def has_voted(session: Session, *, round_id: int, young_person_id: int) -> bool:
    return session.get(PriorityVoter, (round_id, young_person_id)) is not None


def voted_in(session: Session, *, young_person_id: int, round_ids: Sequence[int]) -> set[int]:
    if not round_ids:
        return set()
    return set(
        session.exec(
            select(PriorityVoter.round_id).where(
                PriorityVoter.young_person_id == young_person_id, col(PriorityVoter.round_id).in_(list(round_ids))
            )
        ).all()
    )


def parse_votes(round_: PriorityRound, raw: Mapping[str, str]) -> dict[str, int]:
    """Votes from form fields ``v-<theme>`` (blank is 0). Raises ``InputError``
    for a field that is not a whole number, a theme not on the ballot, one theme given
    more than the round's votes, no votes at all, or more votes than the round gives."""
    errors: dict[str, str] = {}
    votes: dict[str, int] = {}
    for name, value in raw.items():
        if not name.startswith("v-"):
            continue
        theme, text = name[2:], value.strip()
        if theme not in round_.themes:
            raise InputError.of({"votes": m.THEME_NOT_ON_BALLOT})
        if text == "":
            continue
        if not text.isdigit() or len(text) > 3:
            errors[name] = m.VOTE_NOT_A_NUMBER
        elif int(text) > round_.votes:
            errors[name] = m.VOTE_TOO_MANY_ONE
        elif int(text):
            votes[theme] = int(text)
    if errors:
        raise InputError.of(errors, {field: {"max": round_.votes} for field in errors})
    used = sum(votes.values())
    if used == 0:
        raise InputError.of({"votes": m.VOTES_NONE})
    if used > round_.votes:
        raise InputError("votes", m.VOTES_TOO_MANY, max=round_.votes, used=used)
    return votes


def vote(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    raw: Mapping[str, str],
    anonymous: bool,
    mode: str,
    young_person_id: int | None = None,
) -> PriorityBallot | None:
    """Cast one ballot. A young person votes for themselves (named or anonymous); a
    worker records an assisted ballot with a young person on their caseload (always
    named, marked assisted, audited). Returns None if this person has voted already:
    their first votes stand (a second tap on "Send" changes nothing)."""
    if actor.is_young_person:
        round_ = for_young_person(session, actor=actor, round_id=round_id)
        person = session.get(User, actor.user_id)
        if mode not in ("standard", "easy"):
            mode = "standard"
    else:
        if young_person_id is None:
            raise Forbidden()
        person = identity_service.young_person_for_current_worker(session, actor=actor, young_person_id=young_person_id)
        round_ = for_assisting(session, actor=actor, round_id=round_id)
        mode, anonymous = "assisted", False
    assert person is not None and person.id is not None
    if status(round_) != "open":
        raise InputError.of({"form": m.CLOSED_NOW})
    votes = parse_votes(round_, raw)
    if has_voted(session, round_id=round_id, young_person_id=person.id):
        return None

    ballot = PriorityBallot(
        round_id=round_id,
        tenant_id=round_.tenant_id,
        young_person_id=None if anonymous else person.id,
        mode=mode,
        assisted_by_id=actor.user_id if mode == "assisted" else None,
        cast_on=clock.today(),
        **tally.respondent_groups(session, person),
    )
    session.add(ballot)
    session.add(PriorityVoter(round_id=round_id, young_person_id=person.id))
    session.flush()
    for theme, count in votes.items():
        session.add(PriorityVote(ballot_id=ballot.id or 0, round_id=round_id, theme=theme, votes=count))
    if mode == "assisted":
        audit_record(
            session,
            actor=actor,
            action="priorities.assisted_vote",
            subject_id=person.id,
            object_type="priority_round",
            object_id=round_id,
        )
    session.commit()
    return ballot


def my_votes(session: Session, *, actor: Actor, round_id: int) -> dict[str, int]:
    """A named voter's own votes (empty for an anonymous ballot: it is not theirs to find)."""
    rows = session.exec(
        select(PriorityVote.theme, PriorityVote.votes)
        .join(PriorityBallot, col(PriorityBallot.id) == col(PriorityVote.ballot_id))
        .where(PriorityBallot.round_id == round_id, PriorityBallot.young_person_id == actor.user_id)
    ).all()
    return dict(rows)


# ----------------------------------------------------------------- results
@dataclass(frozen=True)
class Results:
    round: PriorityRound
    voters: disclosure.Cell
    votes: disclosure.Partition[str]
    order: list[str]  # themes as listed: by shown votes, then the suppressed in ballot order
    threshold: int

    @property
    def withheld(self) -> bool:
        """No breakdown can be shown."""
        return self.votes.withheld


def results(session: Session, *, actor: Actor, round_id: int, export: bool = False) -> Results:
    """Votes per theme with disclosure control (the council's screen or export
    threshold). Staff who may see insights, and young people once a round is open."""
    if actor.is_young_person:
        round_ = for_young_person(session, actor=actor, round_id=round_id)
        if status(round_) != "closed":  # running totals could sway the votes still to come
            raise NotFound()
    elif actor.can(INSIGHTS_VIEW):
        round_ = _own(session, actor, round_id)
    else:
        raise Forbidden()
    return tally_round(session, round_, export=export)


def tally_round(session: Session, round_: PriorityRound, *, export: bool = False) -> Results:
    """The round's results as the screen (or the export) shows them. Both come from one
    joint decision, so someone holding both can work out no small count."""
    tenant = tenant_get(session, tenant_id=round_.tenant_id)
    voters = session.exec(select(func.count()).where(PriorityBallot.round_id == round_.id)).one()
    counts = dict.fromkeys(round_.themes, 0)
    for theme, total in session.exec(
        select(PriorityVote.theme, func.sum(PriorityVote.votes))
        .where(PriorityVote.round_id == round_.id)
        .group_by(col(PriorityVote.theme))
    ).all():
        if theme in counts:
            counts[theme] = int(total or 0)
    screen, for_export = _decided(
        voters, tuple(counts.items()), round_.votes, tenant.disclosure_threshold, tenant.export_threshold
    )
    voters_cell, partition = for_export if export else screen
    shown = [t for t in round_.themes if partition.parts[t].shown]
    shown.sort(key=lambda t: -(partition.parts[t].value or 0))
    order = shown + [t for t in round_.themes if t not in shown]
    return Results(
        round=round_,
        voters=voters_cell,
        votes=partition,
        order=order,
        threshold=tenant.export_threshold if export else tenant.disclosure_threshold,
    )


_Shown = tuple[disclosure.Cell, disclosure.Partition[str]]


@functools.lru_cache(maxsize=256)
def _decided(voters: int, counts: tuple[tuple[str, int], ...], each: int, low: int, high: int) -> tuple[_Shown, _Shown]:
    """The voters and votes per theme, for the screen (``low``) and the export (``high``).

    One ``disclosure.Publication``: the votes per theme add up to the votes cast, and a
    reader knows the votes cast are at least the voters and at most voters x votes each
    (so is any theme's). The export is decided with the screen as prior, so the two
    together give nothing away. With fewer voters than a threshold, that threshold's
    view shows no breakdown at all."""
    pub = disclosure.Publication()
    pub.count("voters", voters)
    pub.count("votes", sum(v for _t, v in counts))
    for theme, value in counts:
        pub.count(("votes", theme), value)
    pub.table("votes", [("votes", t) for t, _v in counts])
    pub.at_most("voters", "votes")
    pub.at_most("votes", "voters", times=each)
    for theme, _v in counts:
        pub.at_most(("votes", theme), "voters", times=each)
    themes = {t: ("votes", t) for t, _v in counts}

    def view(threshold: int, prior: disclosure.Decision | None) -> tuple[_Shown, disclosure.Decision | None]:
        voters_cell = disclosure.single(voters, threshold)
        if not voters_cell.shown:
            hidden = disclosure.Cell(disclosure.HIDDEN, None, threshold)
            return (voters_cell, disclosure.Partition(hidden, dict.fromkeys(themes, hidden), True)), prior
        decision = pub.decide(threshold, prior=prior)
        return (voters_cell, decision.partition("votes", themes)), decision

    screen, prior = view(low, None)
    export, _ = view(high, prior) if high > low else (screen, None)
    return screen, export


def latest_results(session: Session, *, tenant_id: int, export: bool = False) -> Results | None:
    """The newest round that has opened, for the insights page."""
    found = session.exec(
        select(PriorityRound)
        .where(PriorityRound.tenant_id == tenant_id, PriorityRound.state != "draft")
        .order_by(col(PriorityRound.opens_on).desc(), col(PriorityRound.id).desc())
    ).first()
    return tally_round(session, found, export=export) if found is not None else None

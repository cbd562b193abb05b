"""Demo priority rounds (Riverside): one closed last quarter with 23 ballots, and one
open now with 9, so the results show both a full breakdown and suppressed counts. The
ballots are anonymous and made up; demo young people can still vote in the open round."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlmodel import Session

from waymark.priorities.models import PriorityBallot, PriorityRound, PriorityVote

GROUPS = [  # age band, leaving-care status, SEND, in touch lately
    ("18_20", "former_relevant", False, True),
    ("21_25", "former_relevant", False, False),
    ("16_17", "relevant", True, True),
    ("13_15", "eligible", False, True),
]
# Each ballot spreads 3 votes; these weights make housing and money come first.
WEIGHTS = {
    "housing": 6,
    "money": 5,
    "contact_with_worker": 4,
    "health_mental_health": 3,
    "education_work": 2,
    "feeling_safe": 1,
}


def _ballots(session: Session, round_: PriorityRound, count: int, rng: random.Random, day: date) -> None:
    themes, weights = list(WEIGHTS), list(WEIGHTS.values())
    for _ in range(count):
        band, status, send, recent = rng.choice(GROUPS)
        ballot = PriorityBallot(
            round_id=round_.id or 0,
            tenant_id=round_.tenant_id,
            mode=rng.choice(["standard", "standard", "easy"]),
            age_band=band,
            care_status=status,
            send=send,
            recent_contact=recent,
            cast_on=day,
        )
        session.add(ballot)
        session.flush()
        votes: dict[str, int] = {}
        for theme in rng.choices(themes, weights=weights, k=3):
            votes[theme] = votes.get(theme, 0) + 1
        for theme, n in votes.items():
            session.add(PriorityVote(ballot_id=ballot.id or 0, round_id=round_.id or 0, theme=theme, votes=n))


def seed_demo_priorities(session: Session, *, tenant_id: int, officer_id: int, today: date, now: datetime) -> int:
    """Returns the number of ballots made."""
    rng = random.Random(2027)  # noqa: S311  (repeatable demo data)
    closed = PriorityRound(
        tenant_id=tenant_id,
        title="What should we work on first this year?",
        summary="Spread your 3 votes across the things you want the council to work on first.",
        easy_summary="You have 3 votes. Give them to what matters most to you.",
        themes=list(WEIGHTS),
        votes=3,
        opens_on=today - timedelta(days=120),
        closes_on=today - timedelta(days=90),
        state="open",
        created_by_id=officer_id,
        published_at=now - timedelta(days=120),
    )
    current = PriorityRound(
        tenant_id=tenant_id,
        title="Priorities for 2027",
        summary="Next year the council can take on a few big things. Spread your 3 votes to tell us which.",
        easy_summary="What should we do first next year? You have 3 votes.",
        themes=["housing", "money", "contact_with_worker", "health_mental_health", "education_work"],
        votes=3,
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=21),
        state="open",
        created_by_id=officer_id,
        published_at=now - timedelta(days=7),
    )
    session.add_all([closed, current])
    session.flush()
    _ballots(session, closed, 23, rng, today - timedelta(days=100))
    _ballots(session, current, 9, rng, today - timedelta(days=3))
    return 23 + 9

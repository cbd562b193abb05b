"""Insights at scale, on SQLite and PostgreSQL: one council with 10,000 young people,
20 consultations and 100,000 responses (200,000 answers: a feelings face and a free-text
answer, half of them approved with themes), with the tallies the app keeps as answers
arrive, and a priority round with 10,000 ballots (its results are on the page too).
GET /staff/insights (all consultations, and one consultation) is timed against
GET /healthz through the same stack in the same run. The issue's bar: under 300 ms.
The first view after the counts change also decides disclosure for every page at once
(integer programs; later views reuse it), timed on its own.

Run: make bench (or .venv/bin/python bench/insights.py); RESPONSES changes the size.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from benchdb import on_each_database, time_pages  # bench/benchdb.py, beside this script
from sqlalchemy import insert, select, text

from waymark import db
from waymark.consultations.models import APPROVED, Answer, Consultation, Question, Response
from waymark.identity.models import Tenant, User, UserRole
from waymark.insights import service as insights_service
from waymark.insights.models import AnswerTally, ResponseTally, ThemeGroupTally, ThemeTally
from waymark.insights.tally import quarter_of
from waymark.moderation.themes import keys as theme_keys
from waymark.priorities.models import PriorityBallot, PriorityRound, PriorityVote

RESPONSES = int(os.environ.get("RESPONSES", "100000"))
YOUNG_PEOPLE, CONSULTATIONS, REPEAT = 10_000, 20, 20
PRIORITY_BALLOTS = int(os.environ.get("PRIORITY_BALLOTS", "10000"))
BANDS = ("13_15", "16_17", "18_20", "21_25")
STATUSES = ("eligible", "relevant", "former_relevant", "qualifying")
# Every answer row names the same columns (one executemany).
BLANK = {"text": None, "feeling": None, "moderation": None, "published_text": None, "moderated_at": None}


def fill(engine: db.Engine) -> tuple[int, int]:
    """Bulk-load; returns the manager's id and one consultation's id."""
    rng = random.Random(8)  # noqa: S311  (repeatable test data)
    now = datetime.now(UTC)
    themes = list(theme_keys())
    with engine.begin() as conn:
        tenant_id = conn.execute(
            insert(Tenant).values(slug="bench", name="Bench", created_at=now).returning(Tenant.id)
        ).scalar()
        manager_id = conn.execute(
            insert(User)
            .values(
                tenant_id=tenant_id,
                kind="staff",
                display_name="M",
                full_name="Manager",
                email="m@bench.example",
                created_at=now,
            )
            .returning(User.id)
        ).scalar()
        conn.execute(insert(UserRole).values(user_id=manager_id, role="manager"))
        conn.execute(
            insert(User),
            [
                {
                    "tenant_id": tenant_id,
                    "kind": "young_person",
                    "display_name": "Y",
                    "full_name": f"Young {i}",
                    "date_of_birth": date(2001, 1, 1) + timedelta(days=rng.randint(0, 4000)),
                    "care_status": rng.choice(STATUSES),
                    "created_at": now,
                }
                for i in range(YOUNG_PEOPLE)
            ],
        )
        consultations, questions = [], {}
        for c in range(CONSULTATIONS):
            cid = conn.execute(
                insert(Consultation)
                .values(
                    tenant_id=tenant_id,
                    title=f"Consultation {c}",
                    summary="s",
                    easy_summary="",
                    age_bands=[],
                    statuses=[],
                    opens_on=date(2024, 1, 1),
                    closes_on=date(2027, 1, 1),
                    state="open",
                    created_by_id=manager_id,
                    created_at=now,
                )
                .returning(Consultation.id)
            ).scalar()
            feel = conn.execute(
                insert(Question)
                .values(
                    consultation_id=cid,
                    position=0,
                    kind="feelings",
                    text="How?",
                    easy_text="",
                    options=[],
                    required=True,
                )
                .returning(Question.id)
            ).scalar()
            words = conn.execute(
                insert(Question)
                .values(
                    consultation_id=cid, position=1, kind="text", text="Why?", easy_text="", options=[], required=False
                )
                .returning(Question.id)
            ).scalar()
            consultations.append(cid)
            questions[cid] = (feel, words)
        response_tally: Counter = Counter()
        theme_tally: Counter = Counter()
        theme_groups: Counter = Counter()
        answer_tally: Counter = Counter()
        for start in range(0, RESPONSES, 5000):
            batch = []
            for i in range(start, min(start + 5000, RESPONSES)):
                cid = consultations[i % CONSULTATIONS]
                at = now - timedelta(days=rng.randint(0, 700))
                group = (rng.choice(BANDS), rng.choice(STATUSES), rng.choice(("yes", "no")), rng.choice(("yes", "no")))
                batch.append(
                    {
                        "consultation_id": cid,
                        "tenant_id": tenant_id,
                        "mode": "standard",
                        "age_band": group[0],
                        "care_status": group[1],
                        "send": group[2] == "yes",
                        "recent_contact": group[3] == "yes",
                        "quotes_allowed": rng.random() < 0.5,
                        "tallied_themes": [],
                        "created_at": at,
                    }
                )
            ids = conn.execute(
                insert(Response).returning(
                    Response.id,
                    Response.consultation_id,
                    Response.created_at,
                    Response.age_band,
                    Response.care_status,
                    Response.send,
                    Response.recent_contact,
                ),
                batch,
            ).all()
            answers = []
            for rid, cid, at, band, status, send, recent in ids:
                response_tally[(cid, band, status, "yes" if send else "no", "yes" if recent else "no")] += 1
                feeling = rng.randint(1, 5)
                answer_tally[(cid, questions[cid][0], str(feeling))] += 1
                answers.append(
                    {
                        **BLANK,
                        "response_id": rid,
                        "question_id": questions[cid][0],
                        "feeling": feeling,
                        "choices": [],
                        "extra": {},
                        "themes": [],
                        "suggested_themes": [],
                    }
                )
                approved = rng.random() < 0.5
                chosen = rng.sample(themes, k=rng.randint(1, 2)) if approved else []
                for theme in chosen:
                    theme_tally[(cid, theme, quarter_of(at))] += 1
                    for dimension, grp in zip(
                        ("age_band", "care_status", "send", "recent_contact"),
                        (band, status, "yes" if send else "no", "yes" if recent else "no"),
                        strict=True,
                    ):
                        theme_groups[(theme, dimension, grp)] += 1
                answers.append(
                    {
                        **BLANK,
                        "response_id": rid,
                        "question_id": questions[cid][1],
                        "text": "words",
                        "choices": [],
                        "extra": {},
                        "moderation": APPROVED if approved else "pending",
                        "published_text": "Words a moderator checked." if approved else None,
                        "themes": chosen,
                        "suggested_themes": [],
                        "moderated_at": at if approved else None,
                    }
                )
            conn.execute(insert(Answer), answers)
        conn.execute(
            insert(ResponseTally),
            [
                {
                    "tenant_id": tenant_id,
                    "consultation_id": k[0],
                    "age_band": k[1],
                    "care_status": k[2],
                    "send": k[3],
                    "recent_contact": k[4],
                    "responses": n,
                }
                for k, n in response_tally.items()
            ],
        )
        conn.execute(
            insert(ThemeTally),
            [
                {"tenant_id": tenant_id, "consultation_id": k[0], "theme": k[1], "quarter": k[2], "responses": n}
                for k, n in theme_tally.items()
            ],
        )
        conn.execute(
            insert(ThemeGroupTally),
            [
                {"tenant_id": tenant_id, "theme": k[0], "dimension": k[1], "grp": k[2], "responses": n}
                for k, n in theme_groups.items()
            ],
        )
        conn.execute(
            insert(AnswerTally),
            [
                {"tenant_id": tenant_id, "consultation_id": k[0], "question_id": k[1], "value": k[2], "answers": n}
                for k, n in answer_tally.items()
            ],
        )
        assert conn.execute(select(text("count(*)")).select_from(Response.__table__)).scalar() == RESPONSES
        fill_priorities(conn, rng, tenant_id=tenant_id, manager_id=manager_id, themes=themes, now=now)
    return manager_id, consultations[0]


def fill_priorities(
    conn: object, rng: random.Random, *, tenant_id: int, manager_id: int, themes: list, now: datetime
) -> None:
    """An open priority round with PRIORITY_BALLOTS ballots (3 votes each), so the
    insights page tallies them too. PRIORITY_BALLOTS=0 leaves the round out."""
    if not PRIORITY_BALLOTS:
        return
    round_id = conn.execute(  # type: ignore[attr-defined]
        insert(PriorityRound)
        .values(
            tenant_id=tenant_id,
            title="Priorities",
            summary="s",
            easy_summary="",
            themes=themes,
            votes=3,
            opens_on=date(2026, 1, 1),
            closes_on=date(2027, 1, 1),
            state="open",
            created_by_id=manager_id,
            created_at=now,
        )
        .returning(PriorityRound.id)
    ).scalar()
    ballots = conn.execute(  # type: ignore[attr-defined]
        insert(PriorityBallot).returning(PriorityBallot.id),
        [
            {"round_id": round_id, "tenant_id": tenant_id, "mode": "standard", "cast_on": date(2026, 6, 1)}
            for _ in range(PRIORITY_BALLOTS)
        ],
    ).all()
    votes = []
    for (ballot_id,) in ballots:
        spread = Counter(rng.choices(themes, k=3))
        votes += [{"ballot_id": ballot_id, "round_id": round_id, "theme": t, "votes": n} for t, n in spread.items()]
    conn.execute(insert(PriorityVote), votes)  # type: ignore[attr-defined]


def decide_once(engine: db.Engine, manager_id: int) -> float:
    """Milliseconds to decide disclosure for every page, as the first view after the
    counts change does (later views reuse the decision)."""
    from sqlmodel import Session

    with Session(engine) as session:
        tenant_id = session.get(User, manager_id).tenant_id
        insights_service._DECIDED.clear()
        t0 = time.perf_counter()
        insights_service.published(session, tenant_id=tenant_id)
        return (time.perf_counter() - t0) * 1000


def report(name: str, engine: db.Engine) -> None:
    t0 = time.perf_counter()
    db.migrate(engine)
    manager_id, consultation_id = fill(engine)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    filled = time.perf_counter() - t0
    one = f"/staff/insights?consultation={consultation_id}"
    first = decide_once(engine, manager_id)
    timed = time_pages(engine, manager_id, ["/healthz", "/staff/insights", one], REPEAT)
    base = statistics.median(timed["/healthz"][0])
    parts = []
    worst = 0.0
    for label, path in (("all", "/staff/insights"), ("one consultation", one)):
        times = sorted(timed[path][0])
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        worst = max(worst, p95)
        parts.append(f"{label} p50 {p50:6.1f} ms p95 {p95:6.1f} ms ({p50 / base:4.1f}x baseline)")
    print(
        f"{name:11} {RESPONSES:,} responses (filled in {filled:3.0f} s): /healthz p50 {base:5.1f} ms | "
        + " | ".join(parts)
        + f" {'OK' if worst < 300 else 'OVER 300 ms'}"
        + f" | first view after a change (disclosure decided): {first:6.1f} ms ({first / base:5.1f}x baseline)"
    )


def main() -> int:
    print(f"Insights, {REPEAT} requests each, in-process through the whole app")
    on_each_database(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Demo answers for insights (Riverside): a closed consultation from last quarter about
where young people live (Kai's answer among them, with his name: an update on housing
reaches him), and answers to the open one, all already moderated; theme leads (Cllr
Dunbar leads housing). Made-up statements, no real people."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlmodel import Session

from waymark.consultations.models import APPROVED, CLOSED, Answer, Consultation, Question, Response
from waymark.consultations.service import questions_of
from waymark.insights import tally
from waymark.insights.models import ThemeLead

# (what was said, after moderation; its themes)
HOUSING_SAYINGS = [
    ("My flat has had damp for months and nobody comes to fix it.", ["housing", "health_mental_health"]),
    ("I did not know I could ask for help with the deposit.", ["housing", "money", "pathway_plan_entitlements"]),
    ("Moving out at 18 was too fast. I was not ready.", ["housing", "adult_life"]),
    ("The setting-up-home money did not cover a bed and a cooker.", ["housing", "money"]),
    ("I want to stay near my friends and my college.", ["housing", "education_work", "family_friends"]),
    ("Supported lodgings was good because someone was there in the evenings.", ["housing"]),
    ("I felt scared in the hostel at night.", ["housing", "feeling_safe"]),
    ("Bills were confusing. Nobody showed me how gas and electric work.", ["money", "adult_life"]),
    ("My worker helped me get on the housing list.", ["housing", "contact_with_worker"]),
    ("Council tax letters made me panic.", ["money"]),
]
CONTACT_SAYINGS = [
    ("Text me first, I do not always answer calls.", ["contact_with_worker"]),
    ("I had three workers in one year and had to tell my story again.", ["contact_with_worker"]),
    ("My worker always comes back to me the same day.", ["contact_with_worker"]),
    ("Evening times would help because I work in the day.", ["contact_with_worker", "education_work"]),
]
GROUPS = [  # age band, leaving-care status, SEND, in touch lately
    ("18_20", "former_relevant", False, True),
    ("21_25", "former_relevant", False, True),
    ("16_17", "relevant", False, True),
    ("18_20", "former_relevant", True, False),
    ("21_25", "qualifying", False, False),
]


def _respond(
    session: Session,
    *,
    consultation: Consultation,
    questions: list[Question],
    saying: tuple[str, list[str]],
    rng: random.Random,
    moderator_id: int,
    at: datetime,
    young_person_id: int | None = None,
) -> None:
    band, status, send, recent = rng.choice(GROUPS)
    response = Response(
        consultation_id=consultation.id or 0,
        tenant_id=consultation.tenant_id,
        young_person_id=young_person_id,
        mode=rng.choice(["standard", "standard", "easy"]),
        age_band=band,
        care_status=status,
        send=send,
        recent_contact=recent,
        quotes_allowed=rng.random() < 0.7,
        created_at=at,
    )
    session.add(response)
    session.flush()
    made = []
    for question in questions:
        answer = Answer(response_id=response.id or 0, question_id=question.id or 0)
        if question.kind == "feelings":
            answer.feeling = rng.choice([1, 2, 2, 3, 3, 4, 4, 5])
        elif question.kind == "single":
            answer.choices = [rng.choice(question.options)]
        elif question.kind == "multiple":
            answer.choices = rng.sample(question.options[:3], k=rng.randint(1, 2))
        else:
            text, themes = saying
            answer.text = answer.published_text = text
            answer.moderation, answer.themes, answer.suggested_themes = APPROVED, themes, themes
            answer.moderated_by_id, answer.moderated_at = moderator_id, at + timedelta(days=1)
        session.add(answer)
        made.append(answer)
    session.flush()
    tally.on_response(session, response=response, answers=made, questions=questions)
    tally.recount_themes(session, response_id=response.id or 0)


def seed_demo_insights(
    session: Session,
    *,
    tenant_id: int,
    officer_id: int,
    moderator_id: int,
    open_consultation_id: int,
    leads: dict[str, int],
    named: int,
    today: date,
    now: datetime,
) -> int:
    """Returns the number of responses made."""
    rng = random.Random(2026)  # noqa: S311  (repeatable demo data)
    closed = Consultation(
        tenant_id=tenant_id,
        title="Where you live",
        summary="Tell us about moving into your own place and what helped or did not.",
        easy_summary="Tell us about your home.",
        opens_on=today - timedelta(days=150),
        closes_on=today - timedelta(days=100),
        state=CLOSED,
        created_by_id=officer_id,
        published_at=now - timedelta(days=150),
        closed_at=now - timedelta(days=100),
    )
    session.add(closed)
    session.flush()
    closed_questions = [
        Question(
            consultation_id=closed.id or 0, position=0, kind="feelings", text="How do you feel about where you live?"
        ),
        Question(consultation_id=closed.id or 0, position=1, kind="text", text="What would make moving out better?"),
    ]
    session.add_all(closed_questions)
    session.flush()
    made = 0
    for n in range(34):
        saying = HOUSING_SAYINGS[n % len(HOUSING_SAYINGS)]
        when = now - timedelta(days=140 - n * 1)
        _respond(
            session,
            consultation=closed,
            questions=closed_questions,
            saying=saying,
            rng=rng,
            moderator_id=moderator_id,
            at=when,
            young_person_id=named if n == 0 else None,
        )
        made += 1
    open_consultation = session.get(Consultation, open_consultation_id)
    assert open_consultation is not None

    open_questions = questions_of(session, open_consultation_id)
    for n in range(8):
        _respond(
            session,
            consultation=open_consultation,
            questions=open_questions,
            saying=CONTACT_SAYINGS[n % len(CONTACT_SAYINGS)],
            rng=rng,
            moderator_id=moderator_id,
            at=now - timedelta(days=6 - n * 0.5),
        )
        made += 1
    for theme, user_id in leads.items():
        session.add(ThemeLead(tenant_id=tenant_id, theme=theme, user_id=user_id))
    return made

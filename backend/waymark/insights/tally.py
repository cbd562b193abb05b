"""Keeping the insights tallies up to date: when a response is sent (who sent it, in
coarse groups; feelings and choices) and when a moderator approves or changes an
answer's themes. Each call adds to the caller's transaction; the caller commits.

Counts are changed with one upsert each (INSERT ... ON CONFLICT DO UPDATE, on SQLite
and PostgreSQL alike), so two answers at once cannot lose a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from waymark import clock
from waymark.consultations.models import APPROVED, Answer, Question, Response, age_band
from waymark.contacts.models import ContactStatus
from waymark.entitlements.models import YoungPersonFacts
from waymark.identity.ages import age_on
from waymark.identity.models import User
from waymark.insights.models import UNKNOWN, AnswerTally, ResponseTally, ThemeGroupTally, ThemeTally

RECENT_CONTACT_MONTHS = 3


def quarter_of(moment: datetime | date) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def _yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else ("yes" if value else "no")


def groups_of(response: Response) -> dict[str, str]:
    """The coarse groups a response is counted in, one per way of grouping."""
    return {
        "age_band": response.age_band or UNKNOWN,
        "care_status": response.care_status or UNKNOWN,
        "send": _yes_no(response.send),
        "recent_contact": _yes_no(response.recent_contact),
    }


def _bump(session: Session, model: type[SQLModel], keys: dict[str, Any], column: str, amount: int) -> None:
    dialect = session.get_bind().dialect.name
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    unique = next(c for c in model.__table__.constraints if c.__class__.__name__ == "UniqueConstraint")  # type: ignore[attr-defined]
    statement = (
        insert(model)
        .values(**keys, **{column: amount})
        .on_conflict_do_update(
            index_elements=[c.name for c in unique.columns], set_={column: getattr(model, column) + amount}
        )
    )
    session.execute(statement)


def recent_contact(last_contact_on: date | None, today: date) -> bool:
    return last_contact_on is not None and last_contact_on >= today - relativedelta(months=RECENT_CONTACT_MONTHS)


def respondent_groups(session: Session, person: User) -> dict[str, Any]:
    """What a response or ballot is counted under for representativeness, read from the
    young person today: age band, leaving-care status, SEND, in touch lately. These are
    kept even when the answer is anonymous; nothing here names the person."""
    today = clock.today()
    facts = session.get(YoungPersonFacts, person.id)
    contact = session.get(ContactStatus, person.id)
    return {
        "age_band": age_band(age_on(person.date_of_birth, today)) if person.date_of_birth else None,
        "care_status": person.care_status,
        "send": facts.send if facts is not None else None,
        "recent_contact": recent_contact(contact.last_contact_on if contact else None, today),
    }


def on_response(
    session: Session, *, response: Response, answers: Sequence[Answer], questions: Sequence[Question]
) -> None:
    """Count a new response by group, and its feelings and choice answers."""
    _bump(
        session,
        ResponseTally,
        {"tenant_id": response.tenant_id, "consultation_id": response.consultation_id, **groups_of(response)},
        "responses",
        1,
    )
    by_id = {q.id: q for q in questions}
    for answer in answers:
        question = by_id.get(answer.question_id)
        if question is None:
            continue
        values = [str(answer.feeling)] if answer.feeling is not None else list(dict.fromkeys(answer.choices))
        for value in values:
            _bump(
                session,
                AnswerTally,
                {
                    "tenant_id": response.tenant_id,
                    "consultation_id": response.consultation_id,
                    "question_id": question.id,
                    "value": value[:200],
                },
                "answers",
                1,
            )


def recount_themes(session: Session, *, response_id: int) -> None:
    """Bring the theme tallies in step with the response's approved answers: a response
    counts once under each theme any of its approved answers carries."""
    response = session.get(Response, response_id)
    assert response is not None
    session.flush()
    themes: set[str] = set()
    for answer_themes in session.exec(
        select(Answer.themes).where(Answer.response_id == response_id, Answer.moderation == APPROVED)
    ):
        themes.update(answer_themes or [])
    before = set(response.tallied_themes or [])
    quarter = quarter_of(response.created_at)
    for theme, amount in [(t, 1) for t in themes - before] + [(t, -1) for t in before - themes]:
        _bump(
            session,
            ThemeTally,
            {
                "tenant_id": response.tenant_id,
                "consultation_id": response.consultation_id,
                "theme": theme,
                "quarter": quarter,
            },
            "responses",
            amount,
        )
        for dimension, group in groups_of(response).items():
            _bump(
                session,
                ThemeGroupTally,
                {"tenant_id": response.tenant_id, "theme": theme, "dimension": dimension, "grp": group},
                "responses",
                amount,
            )
    if themes != before:
        response.tallied_themes = sorted(themes)
        session.add(response)

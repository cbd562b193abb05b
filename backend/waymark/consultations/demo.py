"""A demo consultation for Riverside, open now, written by Jo (participation officer)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from waymark.consultations.models import OPEN, Consultation, Question


def seed_demo_consultations(session: Session, *, tenant_id: int, officer_id: int, today: date, now: datetime) -> int:
    """Returns the open consultation's id."""
    consultation = Consultation(
        tenant_id=tenant_id,
        title="Keeping in touch with your worker",
        summary=(
            "We want to know how it is to keep in touch with your personal adviser or social worker, "
            "and what would make it better."
        ),
        easy_summary="Tell us about your worker. What is good? What could be better?",
        age_bands=[],
        statuses=[],
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=30),
        state=OPEN,
        created_by_id=officer_id,
        published_at=now - timedelta(days=7),
    )
    session.add(consultation)
    session.flush()
    assert consultation.id is not None
    questions = [
        Question(
            kind="feelings",
            text="How do you feel about how often you see or hear from your worker?",
            easy_text="How do you feel about seeing your worker?",
            required=True,
        ),
        Question(
            kind="single",
            text="How do you most like to keep in touch?",
            easy_text="How do you like to talk to your worker?",
            options=["Phone call", "Text or message", "Video call", "Meeting in person"],
        ),
        Question(
            kind="multiple",
            text="Which of these have happened to you in the last year? Choose all that apply.",
            easy_text="What happened to you this year? Choose all that are true.",
            options=[
                "My worker changed",
                "I couldn't reach my worker when I needed them",
                "My worker came when they said they would",
                "None of these",
            ],
        ),
        Question(
            kind="text",
            text="What one thing would make keeping in touch with your worker better?",
            easy_text="What would make it better?",
        ),
    ]
    for position, question in enumerate(questions):
        question.consultation_id, question.position = consultation.id, position
        session.add(question)
    session.flush()
    return consultation.id

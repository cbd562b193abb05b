"""Consultations: the participation officer's drafts, publishing and closing, and young
people's answers (standard, easy read, or assisted), checked here whichever way they
arrive (the form, or the offline outbox replaying it)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from waymark import clock
from waymark.audit.service import audit_record
from waymark.consultations import messages as m
from waymark.consultations.models import (
    AGE_BANDS,
    CLOSED,
    DRAFT,
    MODES,
    OPEN,
    PENDING,
    QUESTION_KINDS,
    SAFEGUARDING,
    TEXT_MAX,
    Answer,
    AnsweredMarker,
    Consultation,
    Question,
    Response,
    age_band,
)
from waymark.errors import InputError
from waymark.identity import service as identity_service
from waymark.identity.actor import Actor
from waymark.identity.ages import age_on
from waymark.identity.models import User
from waymark.identity.permissions import CONSULTATIONS_RUN, Forbidden
from waymark.identity.service import NotFound
from waymark.insights import tally
from waymark.moderation import themes
from waymark.safeguarding import intake
from waymark.safeguarding import service as safeguarding

FEELINGS = (1, 2, 3, 4, 5)
STATUSES = ("eligible", "relevant", "former_relevant", "qualifying")


class ConsultationLocked(InputError):
    pass


class ConsultationClosed(InputError):
    pass


# ------------------------------------------------------------------ status
class OpensAndCloses(Protocol):
    state: str
    opens_on: date
    closes_on: date


def status(consultation: OpensAndCloses, today: date | None = None) -> str:
    """draft, scheduled (published, not open yet), open or closed: for a consultation,
    or anything else that opens and closes the same way (a priority round)."""
    today = today or clock.today()
    if consultation.state == DRAFT:
        return "draft"
    if consultation.state == CLOSED or today > consultation.closes_on:
        return "closed"
    if today < consultation.opens_on:
        return "scheduled"
    return "open"


def questions_of(session: Session, consultation_id: int) -> list[Question]:
    return list(
        session.exec(
            select(Question)
            .where(Question.consultation_id == consultation_id)
            .order_by(col(Question.position), col(Question.id))
        ).all()
    )


# ------------------------------------------------------------- the officer
def _require_officer(actor: Actor) -> None:
    if not actor.can(CONSULTATIONS_RUN):
        raise Forbidden()


def for_officer(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    _require_officer(actor)
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or consultation.tenant_id != actor.tenant_id:
        raise NotFound()
    return consultation


def council_consultations(session: Session, *, actor: Actor) -> list[Consultation]:
    _require_officer(actor)
    return list(
        session.exec(
            select(Consultation)
            .where(Consultation.tenant_id == actor.tenant_id)
            .order_by(col(Consultation.created_at).desc())
        ).all()
    )


@dataclass
class ConsultationInput:
    title: str
    summary: str
    easy_summary: str
    age_bands: list[str]
    statuses: list[str]
    opens_on: date
    closes_on: date


def _check(data: ConsultationInput) -> None:
    if set(data.age_bands) - set(AGE_BANDS):
        raise InputError("age_bands", m.AUDIENCE_INVALID)
    if set(data.statuses) - set(STATUSES):
        raise InputError("statuses", m.AUDIENCE_INVALID)
    if data.closes_on < data.opens_on:
        raise InputError("closes_on", m.CLOSES_BEFORE_OPENS)


def create(session: Session, *, actor: Actor, data: ConsultationInput) -> Consultation:
    _require_officer(actor)
    _check(data)
    consultation = Consultation(tenant_id=actor.tenant_id, created_by_id=actor.user_id, **data.__dict__)
    session.add(consultation)
    session.flush()
    audit_record(
        session, actor=actor, action="consultation.create", object_type="consultation", object_id=consultation.id
    )
    session.commit()
    return consultation


def _draft(session: Session, actor: Actor, consultation_id: int) -> Consultation:
    consultation = for_officer(session, actor=actor, consultation_id=consultation_id)
    if consultation.state != DRAFT:
        raise ConsultationLocked("form", m.LOCKED)
    return consultation


def update(session: Session, *, actor: Actor, consultation_id: int, data: ConsultationInput) -> Consultation:
    consultation = _draft(session, actor, consultation_id)
    _check(data)
    for name, value in data.__dict__.items():
        setattr(consultation, name, value)
    session.add(consultation)
    session.commit()
    return consultation


@dataclass
class QuestionInput:
    kind: str
    text: str
    easy_text: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


def question_add(session: Session, *, actor: Actor, consultation_id: int, data: QuestionInput) -> Question:
    """Questions can change only while the consultation is a draft: people answering
    an open one always see the questions they started with."""
    consultation = _draft(session, actor, consultation_id)
    if data.kind not in QUESTION_KINDS:
        raise InputError("kind", m.KIND_INVALID)
    options = [o.strip() for o in data.options if o.strip()]
    if data.kind in ("single", "multiple") and len(options) < 2:
        raise InputError("options", m.OPTIONS_NEEDED)
    if len(options) > 12 or any(len(o) > 120 for o in options):
        raise InputError("options", m.OPTIONS_TOO_MANY)
    position = len(questions_of(session, consultation.id or 0))
    question = Question(
        consultation_id=consultation_id,
        position=position,
        kind=data.kind,
        text=data.text.strip(),
        easy_text=data.easy_text.strip(),
        options=options if data.kind in ("single", "multiple") else [],
        required=data.required,
    )
    session.add(question)
    session.commit()
    return question


def question_remove(session: Session, *, actor: Actor, consultation_id: int, question_id: int) -> None:
    _draft(session, actor, consultation_id)
    question = session.get(Question, question_id)
    if question is None or question.consultation_id != consultation_id:
        raise NotFound()
    session.delete(question)
    session.commit()


def publish(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    consultation = _draft(session, actor, consultation_id)
    if not questions_of(session, consultation_id):
        raise InputError("form", m.NO_QUESTIONS)
    if consultation.closes_on < clock.today():
        raise InputError("closes_on", m.CLOSES_IN_PAST)
    consultation.state, consultation.published_at = OPEN, clock.now()
    session.add(consultation)
    audit_record(
        session, actor=actor, action="consultation.publish", object_type="consultation", object_id=consultation_id
    )
    session.commit()
    return consultation


def close(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    consultation = for_officer(session, actor=actor, consultation_id=consultation_id)
    if consultation.state != OPEN:
        raise InputError("form", m.NOT_OPEN)
    consultation.state, consultation.closed_at = CLOSED, clock.now()
    session.add(consultation)
    audit_record(
        session, actor=actor, action="consultation.close", object_type="consultation", object_id=consultation_id
    )
    session.commit()
    return consultation


def response_counts(session: Session, *, consultation_ids: Sequence[int]) -> dict[int, int]:
    from sqlalchemy import func

    if not consultation_ids:
        return {}
    rows = session.exec(
        select(Response.consultation_id, func.count())
        .where(col(Response.consultation_id).in_(consultation_ids))
        .group_by(col(Response.consultation_id))
    ).all()
    return dict(rows)


# ------------------------------------------------------------ young people
def _person_band(person: User) -> str | None:

    return age_band(age_on(person.date_of_birth, clock.today())) if person.date_of_birth else None


def is_for(consultation: Consultation, person: User) -> bool:
    """Is this consultation meant for this young person (council, age band, status)?"""
    if consultation.tenant_id != person.tenant_id:
        return False
    if consultation.age_bands and _person_band(person) not in consultation.age_bands:
        return False
    return not (consultation.statuses and person.care_status not in consultation.statuses)


def open_for(session: Session, *, actor: Actor) -> list[Consultation]:
    """Open consultations meant for this young person."""
    if not actor.is_young_person:
        raise Forbidden()
    person = session.get(User, actor.user_id)
    assert person is not None
    rows = session.exec(
        select(Consultation)
        .where(Consultation.tenant_id == actor.tenant_id, Consultation.state == OPEN)
        .order_by(col(Consultation.closes_on))
    ).all()
    return [c for c in rows if status(c) == "open" and is_for(c, person)]


def open_for_person(session: Session, *, person: User) -> list[Consultation]:
    """Open consultations meant for this young person (for their worker's record page)."""
    rows = session.exec(
        select(Consultation).where(Consultation.tenant_id == person.tenant_id, Consultation.state == OPEN)
    ).all()
    return [c for c in rows if status(c) == "open" and is_for(c, person)]


def for_assisting(
    session: Session, *, actor: Actor, young_person_id: int, consultation_id: int, audit: bool = False
) -> tuple[User, Consultation]:
    """A young person on the worker's caseload today and a published consultation meant
    for them, to answer it with them (``audit`` records the view of the form page)."""
    person = identity_service.young_person_for_current_worker(
        session, actor=actor, young_person_id=young_person_id, audit=audit
    )
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or consultation.state == DRAFT or not is_for(consultation, person):
        raise NotFound()
    return person, consultation


def for_young_person(session: Session, *, actor: Actor, consultation_id: int) -> Consultation:
    """An open consultation meant for this young person (anything else is not found)."""
    if not actor.is_young_person:
        raise Forbidden()
    consultation = session.get(Consultation, consultation_id)
    person = session.get(User, actor.user_id)
    if consultation is None or person is None or consultation.state == DRAFT or not is_for(consultation, person):
        raise NotFound()
    return consultation


def answered_marker(secret: bytes, *, consultation_id: int, young_person_id: int) -> str:
    return hmac.new(secret, f"answered:{consultation_id}:{young_person_id}".encode(), hashlib.sha256).hexdigest()


def already_answered(
    session: Session, *, consultation_id: int, young_person_id: int, secret: bytes | None = None
) -> bool:
    """Has this person answered, by name or (given the app's ``secret``) anonymously?"""
    named = session.exec(
        select(Response.id).where(
            Response.consultation_id == consultation_id, Response.young_person_id == young_person_id
        )
    ).first()
    if named is not None or secret is None:
        return named is not None
    marker = answered_marker(secret, consultation_id=consultation_id, young_person_id=young_person_id)
    return session.get(AnsweredMarker, (consultation_id, marker)) is not None


def resume_token(secret: bytes, key: str) -> str:
    """The code an anonymous young person keeps to hear back: derived from the form's
    key, so the thanks page can show it again on the same phone; only its hash is
    stored with the response."""
    digest = hmac.new(secret, f"resume:{key}".encode(), hashlib.sha256).hexdigest()
    return "-".join(digest[i : i + 4].upper() for i in range(0, 12, 4))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def named_response(session: Session, *, consultation_id: int, young_person_id: int) -> Response | None:
    return session.exec(
        select(Response).where(Response.consultation_id == consultation_id, Response.young_person_id == young_person_id)
    ).first()


def raised_alert(session: Session, *, response: Response | None) -> bool:
    """Did an answer in this response go to the safeguarding lead?"""
    if response is None:
        return False
    return (
        session.exec(
            select(Answer.id).where(Answer.response_id == response.id, Answer.moderation == SAFEGUARDING)
        ).first()
        is not None
    )


def anonymous_response_for_key(session: Session, *, secret: bytes, key: str) -> Response | None:
    """The anonymous response sent with this form key, found through its resume code."""
    digest = token_hash(resume_token(secret, key))
    return session.exec(select(Response).where(Response.resume_token_hash == digest)).first()


def parse_answers(questions: Sequence[Question], raw: Mapping[str, list[str]]) -> list[Answer]:
    """Answers from form fields ``q<id>`` (several values for a multiple choice).
    Raises InputError for a question that does not exist, a choice that is not
    offered, a feeling outside 1 to 5, text that is too long, or a required answer
    left empty."""
    by_id = {f"q{q.id}": q for q in questions}
    unknown = [name for name in raw if name.startswith("q") and name[1:].isdigit() and name not in by_id]
    if unknown:
        raise InputError("form", m.UNKNOWN_QUESTION)
    answers: list[Answer] = []
    for name, question in by_id.items():
        values = [v for v in raw.get(name, []) if v.strip()]
        assert question.id is not None
        if not values:
            if question.required:
                raise InputError(name, m.ANSWER_REQUIRED)
            continue
        answer = Answer(response_id=0, question_id=question.id)
        if question.kind == "text":
            text = values[0].strip()
            if len(text) > TEXT_MAX:
                raise InputError(name, m.TEXT_TOO_LONG)
            answer.text = text
        elif question.kind == "feelings":
            if len(values) != 1 or values[0] not in {str(f) for f in FEELINGS}:
                raise InputError(name, m.CHOICE_INVALID)
            answer.feeling = int(values[0])
        else:
            if any(v not in question.options for v in values) or (question.kind == "single" and len(values) > 1):
                raise InputError(name, m.CHOICE_INVALID)
            answer.choices = sorted(set(values), key=question.options.index)
        answers.append(answer)
    return answers


def _second_answer(
    session: Session,
    consultation: Consultation,
    questions: Sequence[Question],
    raw: Mapping[str, list[str]],
    young_person_id: int | None,
) -> Exception:
    """A second answer is refused, but its words still pass the safeguarding intake."""
    signals = []
    for question in questions:
        if question.kind == "text":
            for text in raw.get(f"q{question.id}", [])[:1]:
                signals.append(
                    intake.take(
                        session,
                        field="consultation_answer.text",
                        text=str(text)[:TEXT_MAX],
                        tenant_id=consultation.tenant_id,
                        young_person_id=young_person_id,
                        context=consultation.title,
                    )
                )
    error: Exception = InputError("form", m.ALREADY_ANSWERED)
    for signal in signals:
        error = intake.refused(session, signal, error)
    return error


def response_submit(
    session: Session,
    *,
    actor: Actor,
    consultation_id: int,
    raw: Mapping[str, list[str]],
    anonymous: bool,
    mode: str,
    quotes_allowed: bool,
    key: str,
    secret: bytes,
    young_person_id: int | None = None,
) -> Response:
    """Store one response. A young person answers for themselves (named or
    anonymous); a worker records an assisted response for a young person on their
    caseload (``young_person_id``, always named to the council, marked assisted).
    Commits, with whatever the caller has already added to the session: the outbox's
    receipt for the form's key lands in the same transaction (outbox.submit_once)."""
    if actor.is_young_person:
        consultation = for_young_person(session, actor=actor, consultation_id=consultation_id)
        person = session.get(User, actor.user_id)
        if mode not in ("standard", "easy"):
            raise InputError("mode", m.MODE_INVALID)
    else:
        if young_person_id is None:
            raise Forbidden()
        person, consultation = for_assisting(
            session, actor=actor, young_person_id=young_person_id, consultation_id=consultation_id
        )
        mode, anonymous = "assisted", False
    assert person is not None and person.id is not None and mode in MODES
    if status(consultation) != "open":
        raise ConsultationClosed("form", m.CLOSED_NOW)
    questions = questions_of(session, consultation_id)
    if already_answered(session, consultation_id=consultation_id, young_person_id=person.id, secret=secret):
        raise _second_answer(session, consultation, questions, raw, None if anonymous else person.id)
    answers = parse_answers(questions, raw)
    if not answers:
        raise InputError("form", m.NOTHING_ANSWERED)

    response = Response(
        consultation_id=consultation_id,
        tenant_id=consultation.tenant_id,
        young_person_id=None if anonymous else person.id,
        mode=mode,
        assisted_by_id=actor.user_id if mode == "assisted" else None,
        quotes_allowed=quotes_allowed,
        resume_token_hash=token_hash(resume_token(secret, key)) if anonymous else None,
        # An anonymous answer keeps only its day, so its time cannot be matched to
        # anything else that happened when it was sent.
        created_at=clock.start_of_day() if anonymous else clock.now(),
        **tally.respondent_groups(session, person),
    )
    session.add(response)
    # Two answers sent at once: the marker's primary key lets only one in.
    session.add(
        AnsweredMarker(
            consultation_id=consultation_id,
            marker=answered_marker(secret, consultation_id=consultation_id, young_person_id=person.id),
        )
    )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _second_answer(session, consultation, questions, raw, None if anonymous else person.id) from None

    for answer in answers:
        answer.response_id = response.id or 0
        session.add(answer)
        if answer.text is None:
            continue
        session.flush()
        signal = intake.take(
            session,
            field="consultation_answer.text",
            text=answer.text,
            tenant_id=consultation.tenant_id,
            young_person_id=response.young_person_id,
            answer_id=answer.id,
            group_key=f"response:{response.id}",
            context=consultation.title,
        )
        if signal.urgent:  # never waits in the queue, never published (a "check" also waits there)
            answer.moderation = SAFEGUARDING
        else:  # free text waits for a moderator before anyone else sees it
            answer.moderation, answer.suggested_themes = PENDING, themes.suggest(answer.text)
            safeguarding.schedule_backstop(  # from the response's time: only the day if anonymous (sooner, never later)
                session,
                tenant_id=consultation.tenant_id,
                kind="answer",
                item_id=answer.id or 0,
                queued_at=response.created_at,
            )
    tally.on_response(session, response=response, answers=answers, questions=questions)
    if mode == "assisted":
        audit_record(
            session,
            actor=actor,
            action="consultation.assisted_response",
            subject_id=person.id,
            object_type="consultation",
            object_id=consultation_id,
        )
    session.commit()
    return response

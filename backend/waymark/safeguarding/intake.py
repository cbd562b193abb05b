"""One intake for every word a young person writes.

Every free-text field that a young person (or a worker answering with them) can fill
is listed in ``FIELDS``, and the service that stores it calls ``take`` in the same
transaction as the write: named, anonymous, assisted and offline replays alike. A
risk becomes an alert on the duty list at once (``service.raise_alert``); the caller
only decides what else the risk changes (a consultation answer, say, skips the
moderation queue).

``NOT_YOUNG_PEOPLES_WORDS`` names every other text column and why no young person
writes it. ``tests/safeguarding/test_intake.py`` fails for a text column in neither,
so a new field cannot miss the intake by accident (the way ``/me/data`` checks its
registry). Both use table and column names, not models, so that this module depends
on no feature."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import MetaData, String, Text, TypeDecorator
from sqlmodel import Session

from waymark.safeguarding import detect, service
from waymark.safeguarding.detect import Signal
from waymark.safeguarding.models import (
    FROM_ABOUT_ME,
    FROM_ANSWER,
    FROM_CONTACT_ANSWER,
    FROM_CONTACT_NOTE,
    FROM_FACTS_REPORT,
    FROM_PLAN_WORDS,
    FROM_REACH_REQUEST,
    FROM_REVIEW_REQUEST,
    FROM_STEP_FEEDBACK,
    FROM_UNSAFE_BUTTON,
    FROM_UPDATE_COMMENT,
)


@dataclass(frozen=True)
class Field:
    source: str  # where the words came from, shown on the alert
    anchor: str  # where they are on the young person's record page


# "table.column" -> where it came from. Keep in step with the services that write them.
FIELDS: dict[str, Field] = {
    "consultation_answer.text": Field(FROM_ANSWER, ""),
    "council_update_comment.text": Field(FROM_UPDATE_COMMENT, ""),
    "plan_words.text": Field(FROM_PLAN_WORDS, "#words"),
    "step_feedback.comment": Field(FROM_STEP_FEEDBACK, "#feedback"),
    "review_request.note": Field(FROM_REVIEW_REQUEST, "#review-requests"),
    "reach_request.note": Field(FROM_REACH_REQUEST, "#reach"),
    "contact.note": Field(FROM_CONTACT_NOTE, "#contacts"),  # a contact the young person logs
    "contact.answer_note": Field(FROM_CONTACT_ANSWER, "#contacts"),  # "this didn't happen", and why
    "facts_report.note": Field(FROM_FACTS_REPORT, "#facts"),  # "this is wrong"
    "about_me.matters": Field(FROM_ABOUT_ME, "#about-me"),
    "about_me.helps": Field(FROM_ABOUT_ME, "#about-me"),
    "about_me.does_not_help": Field(FROM_ABOUT_ME, "#about-me"),
    "safeguarding_alert.text": Field(FROM_UNSAFE_BUTTON, ""),  # "I feel unsafe": an alert already
}

# Every other text column: "table.column", or "table.*" for the rest of a table.
NOT_YOUNG_PEOPLES_WORDS: dict[str, str] = {
    "assignment.*": "a role code",
    "audit_event.*": "codes the app writes",
    "auth_session.*": "a hash, and a browser name the app writes",
    "consultation.*": "written by the participation officer",
    "consultation_answered_marker.*": "a keyed hash",
    "consultation_answer.published_text": "the moderator's redacted copy of the answer",
    "consultation_answer.moderation": "a code",
    "consultation_answer.moderation_reason": "written by the moderator",
    "consultation_question.*": "written by the participation officer (a choice's value is a code)",
    "consultation_response.*": "codes and a hash",
    "contact.kind": "a code",
    "contact.logged_by": "a code",
    "contact.state": "a code",
    "council_amount.*": "written by the council's admin",
    "council_update.*": "written by the participation officer",
    "council_update_comment.published_text": "the moderator's redacted copy",
    "council_update_comment.reaction": "a code",
    "council_update_comment.moderation": "a code",
    "council_update_comment.moderation_reason": "written by the moderator",
    "council_update_reaction.*": "a code",
    "entitlement_mark.*": "codes",
    "import_run.*": "a caseload file an admin uploads",
    "insight_answer_tally.*": "counts and choice codes",
    "insight_response_tally.*": "counts and codes",
    "insight_theme_group_tally.*": "counts and codes",
    "insight_theme_tally.*": "counts and codes",
    "invite.*": "a hash",
    "job.*": "codes and errors the app writes",
    "notification.*": "codes and links the app writes",
    "offer.*": "written by organisations and checked by staff",
    "plan_change.*": "codes the app writes",
    "rate_count.*": "a hash of a rate limit's key",
    "plan_review.*": "written by the adviser",
    "plan_step.*": "written by the adviser (the owner's name too)",
    "plan_words.heading": "a code",
    "priority_ballot.*": "codes",
    "priority_round.*": "written by the participation officer",
    "priority_vote.*": "a theme code",
    "push_subscription.*": "keys the browser makes",
    "contact_point.*": "an email address or mobile number, and codes",
    "passphrase_reset.*": "a keyed hash of a one-time code",
    "reach_request.method": "a code",
    "reach_request.answer": "written by the worker",
    "review_request.response": "written by the adviser",
    "safeguarding_alert.source": "a code",
    "safeguarding_alert.field": "a code",
    "safeguarding_alert.link": "a link the app makes",
    "safeguarding_alert.context": "a consultation's title, written by staff",
    "safeguarding_alert.level": "a code",
    "safeguarding_alert.group_key": "ids the app writes",
    "safeguarding_alert.action_note": "written by the safeguarding lead",
    "step_feedback.kind": "a code",
    "step_feedback.response": "written by the adviser",
    "submission_receipt.*": "keys and hashes the app writes",
    "tenant.*": "written by the council's admin",
    "theme_lead.*": "a theme code",
    "user_account.*": "names and details staff or the caseload file set, and hashes",
    "user_role.*": "a role code",
}


def text_columns(metadata: MetaData) -> list[str]:
    """Every text column in ``metadata``, as "table.column"."""
    found = []
    for table in metadata.tables.values():
        for column in table.columns:
            kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
            if isinstance(kind, String | Text):
                found.append(f"{table.name}.{column.name}")
    return sorted(found)


def unregistered(metadata: MetaData) -> list[str]:
    """Text columns in neither registry: each must be added to one of them."""
    return [
        name
        for name in text_columns(metadata)
        if name not in FIELDS
        and name not in NOT_YOUNG_PEOPLES_WORDS
        and f"{name.split('.')[0]}.*" not in NOT_YOUNG_PEOPLES_WORDS
    ]


def take(
    session: Session,
    *,
    field: str,
    text: str | None,
    tenant_id: int,
    young_person_id: int | None,
    answer_id: int | None = None,
    comment_id: int | None = None,
    group_key: str | None = None,
    context: str = "",
) -> Signal:
    """Check what a young person wrote in ``field`` and, if it suggests a risk, raise
    the alert in the caller's transaction (it commits with the words). Returns the
    signal so that the caller can keep risky words out of ordinary queues.
    ``young_person_id`` is None for anonymous words, which then carry no link."""
    where = FIELDS[field]  # a KeyError here means the field is not registered
    signal = detect.check(text or "")
    if signal.risk:
        session.flush()  # the record has its id before the alert names it
        service.raise_alert(
            session,
            tenant_id=tenant_id,
            source=where.source,
            field=field,
            signal=signal,
            text=text or "",
            young_person_id=young_person_id,
            link=f"/staff/young-people/{young_person_id}{where.anchor}" if young_person_id else None,
            answer_id=answer_id,
            comment_id=comment_id,
            group_key=group_key,
            context=context,
        )
    return signal


def refused(session: Session, signal: Signal, error: Exception) -> Exception:
    """Words the service will not store (too soon, already answered) still reach the
    lead: commit the alert that ``take`` raised, then let the caller raise ``error``."""
    if signal.risk:
        session.commit()
    return error

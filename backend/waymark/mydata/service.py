"""A young person's own data: everything Waymark holds about them, to read and to
download, and deleting their account.

``PARTS`` is the one registry: for every table that holds something about a young
person, how to find their rows and which columns they get. ``NOT_PERSONAL`` names
every other table and why nothing in it is theirs to download. ``check_complete``
fails for a table in neither, so a new table cannot be left out by accident. Deleting
an account removes every part not marked ``kept``, children before parents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, MetaData, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

import waymark.models  # noqa: F401  (every table, so the metadata is complete)
from waymark import clock, ratelimit
from waymark.audit.models import AuditEvent
from waymark.audit.service import audit_record
from waymark.consultations.models import Answer, Response
from waymark.contacts.models import AboutMe, Contact, ContactStatus, Handover, ReachRequest
from waymark.entitlements.models import EntitlementMark, FactsReport, YoungPersonFacts
from waymark.identity.actor import Actor
from waymark.identity.models import YOUNG_PERSON, Assignment, AuthSession, Invite, User
from waymark.identity.permissions import Forbidden
from waymark.notifications.models import ContactPoint, Notification, PushSubscription
from waymark.outbox.models import SubmissionReceipt
from waymark.pathway.models import (
    PathwayPlan,
    PlanChange,
    PlanReview,
    PlanStep,
    PlanWords,
    ReviewRequest,
    StepFeedback,
)
from waymark.priorities.models import PriorityBallot, PriorityVote, PriorityVoter
from waymark.recovery.models import PassphraseReset
from waymark.safeguarding.models import SafeguardingAlert
from waymark.updates.models import UpdateComment, UpdateReaction

# Audit actions that mean a member of staff read the young person's record.
VIEW_ACTIONS = ("young_person.view", "handover.view")
DELETED_FULL_NAME, DELETED_DISPLAY_NAME = "Deleted account", "Deleted"
NAME_REMOVED = "[name]"


@dataclass(frozen=True)
class Part:
    """Where one table holds a young person's data."""

    key: str  # the section of the download
    model: type[SQLModel]
    mine: Callable[[int], ColumnElement[bool]]  # the rows of the young person with this id
    columns: tuple[str, ...]  # what they get; a column naming a person or thing gives its name
    kept: str = ""  # why the rows stay when the account is deleted; "" means they are deleted

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)


def _own(column: Any) -> Callable[[int], ColumnElement[bool]]:
    return lambda me: col(column) == me


def _in_plan(column: Any) -> Callable[[int], ColumnElement[bool]]:
    return lambda me: col(column).in_(select(PathwayPlan.id).where(PathwayPlan.young_person_id == me))


def _views(me: int) -> ColumnElement[bool]:
    return (col(AuditEvent.subject_id) == me) & col(AuditEvent.action).in_(VIEW_ACTIONS)


def _named_answers(me: int) -> ColumnElement[bool]:
    return col(Answer.response_id).in_(select(Response.id).where(Response.young_person_id == me))


def _named_votes(me: int) -> ColumnElement[bool]:
    return col(PriorityVote.ballot_id).in_(select(PriorityBallot.id).where(PriorityBallot.young_person_id == me))


PARTS: tuple[Part, ...] = (
    Part(
        "profile",
        User,
        _own(User.id),
        (
            "full_name",
            "display_name",
            "username",
            "date_of_birth",
            "care_status",
            "council_accommodation",
            "external_id",
            "created_at",
            "tenant_id",
        ),
        kept="made anonymous: the row stays so the records the council must keep point at something",
    ),
    Part(
        "facts",
        YoungPersonFacts,
        _own(YoungPersonFacts.young_person_id),
        (
            "in_education_or_training",
            "in_higher_education",
            "in_apprenticeship",
            "parent",
            "send",
            "staying_put",
            "own_tenancy",
            "updated_at",
            "updated_by_id",
        ),
    ),
    Part(
        "entitlement_marks",
        EntitlementMark,
        _own(EntitlementMark.young_person_id),
        ("slug", "state", "adviser_asked_at", "adviser_done_at", "updated_at"),
    ),
    Part(
        "facts_reports",
        FactsReport,
        _own(FactsReport.young_person_id),
        ("note", "created_at", "resolved_at", "resolved_by_id"),
    ),
    Part(
        "plan",
        PathwayPlan,
        _own(PathwayPlan.young_person_id),
        ("last_reviewed_on", "created_at", "young_person_seen_at"),
    ),
    Part(
        "plan_steps",
        PlanStep,
        _in_plan(PlanStep.plan_id),
        ("heading", "text", "owner", "owner_name", "due_on", "status", "created_at", "updated_at", "updated_by_id"),
    ),
    Part("plan_words", PlanWords, _in_plan(PlanWords.plan_id), ("heading", "text", "updated_at")),
    Part(
        "step_feedback",
        StepFeedback,
        _in_plan(StepFeedback.plan_id),
        ("step_id", "kind", "comment", "created_at", "response", "responded_by_id", "responded_at"),
    ),
    Part(
        "review_requests",
        ReviewRequest,
        _in_plan(ReviewRequest.plan_id),
        ("note", "requested_at", "response", "responded_by_id", "responded_at"),
    ),
    Part(
        "plan_reviews",
        PlanReview,
        _in_plan(PlanReview.plan_id),
        ("reviewed_on", "summary", "recorded_by_id", "recorded_at"),
    ),
    Part(
        "plan_changes",
        PlanChange,
        _in_plan(PlanChange.plan_id),
        ("at", "actor_id", "object_type", "object_id", "action", "before", "after"),
    ),
    Part(
        "contacts",
        Contact,
        _own(Contact.young_person_id),
        (
            "worker_id",
            "kind",
            "happened_at",
            "logged_by",
            "note",
            "state",
            "answer_note",
            "answered_at",
            "created_at",
        ),
    ),
    Part(
        "reach_requests",
        ReachRequest,
        _own(ReachRequest.young_person_id),
        (
            "worker_id",
            "method",
            "tried_at",
            "note",
            "created_at",
            "due_at",
            "answered_at",
            "answered_by_id",
            "answer",
            "escalated_at",
        ),
    ),
    Part(
        "about_me",
        AboutMe,
        _own(AboutMe.young_person_id),
        ("matters", "helps", "does_not_help", "agreed_at", "updated_at"),
    ),
    Part("contact_status", ContactStatus, _own(ContactStatus.young_person_id), ("last_contact_on",)),
    Part(
        "workers",
        Assignment,
        _own(Assignment.young_person_id),
        ("worker_id", "role", "starts_on", "ends_on"),
        kept="ended on the day of deletion; they hold only who worked with the account and when",
    ),
    # Dates and workers only: the snapshot is a copy of what is in the other parts.
    Part(
        "handovers",
        Handover,
        _own(Handover.young_person_id),
        ("created_at", "from_worker_id", "to_worker_id", "acknowledged_at", "first_contact_due_at", "first_contact_at"),
    ),
    Part(
        "consultation_responses",
        Response,
        _own(Response.young_person_id),
        ("id", "consultation_id", "mode", "assisted_by_id", "quotes_allowed", "created_at"),
        kept="made anonymous, like the answers of people who chose not to give their name",
    ),
    Part(
        "consultation_answers",
        Answer,
        _named_answers,
        (
            "response_id",
            "question_id",
            "text",
            "choices",
            "feeling",
            "moderation",
            "moderation_reason",
            "published_text",
        ),
        kept="kept with the response once it is anonymous (the person's own names taken out)",
    ),
    Part(
        "notifications",
        Notification,
        _own(Notification.user_id),
        ("kind", "params", "link", "created_at", "read_at"),
    ),
    Part(
        "contact_points",
        ContactPoint,
        _own(ContactPoint.user_id),
        ("kind", "address", "verified_at", "wants_news", "created_at"),
    ),
    Part(
        "passphrase_resets",
        PassphraseReset,
        _own(PassphraseReset.user_id),
        ("created_at", "expires_at", "tries"),
    ),
    Part(
        "push_subscriptions",
        PushSubscription,
        _own(PushSubscription.user_id),
        ("kinds", "lang", "created_at", "last_sent_at"),
    ),
    Part(
        "update_reactions",
        UpdateReaction,
        _own(UpdateReaction.young_person_id),
        ("update_id", "reaction", "created_at"),
    ),
    Part(
        "update_comments",
        UpdateComment,
        _own(UpdateComment.young_person_id),
        ("update_id", "reaction", "text", "quotes_allowed", "moderation", "moderation_reason", "created_at"),
    ),
    Part(
        "priority_ballots",
        PriorityBallot,
        _own(PriorityBallot.young_person_id),
        ("round_id", "mode", "assisted_by_id", "cast_on"),
        kept="made anonymous, like the votes of people who chose not to give their name",
    ),
    Part(
        "priority_votes",
        PriorityVote,
        _named_votes,
        ("round_id", "theme", "votes"),
        kept="kept with the ballot once it is anonymous",
    ),
    Part(
        "priority_rounds_voted_in",
        PriorityVoter,
        _own(PriorityVoter.young_person_id),
        ("round_id",),
    ),
    Part(
        "invites",
        Invite,
        _own(Invite.young_person_id),
        ("created_at", "expires_at", "used_at", "cancelled_at"),
    ),
    Part(
        "sessions",
        AuthSession,
        _own(AuthSession.user_id),
        ("created_at", "last_seen_at", "expires_at", "device"),
    ),
    # The date and whether the safeguarding lead has seen it; the council keeps the rest.
    Part(
        "safeguarding_alerts",
        SafeguardingAlert,
        _own(SafeguardingAlert.young_person_id),
        ("created_at", "acknowledged_at"),
        kept="the council must keep safeguarding records by law",
    ),
    Part(
        "record_views",
        AuditEvent,
        _views,
        ("at", "actor_id", "action"),
        kept="the audit log is append-only (the database refuses changes); it holds ids, not names",
    ),
)

NOT_PERSONAL: dict[str, str] = {
    "tenant": "the council itself (its name is in the profile)",
    "user_role": "which role an account has (young person); nothing about them",
    "job": "background work; payloads hold ids of rows, which go with those rows",
    "audit_purge": "the retention job's leave to delete old audit entries; empty outside that job's transaction",
    "submission_receipt": "idempotency receipts for forms; a deleted account's are deleted with it",
    "consultation_answered_marker": "a keyed hash saying someone answered a consultation; it names no one "
    "and links to no response",
    "rate_count": "security counters of attempts, keyed by a hash of the username or address; "
    "the account's is deleted with it",
    "offer": "offers from organisations, the same for every young person",
    "consultation": "what the council asks; its title is given with the young person's answers",
    "consultation_question": "the questions; their text is given with the young person's answers",
    "council_amount": "the council's own amounts, the same for every young person",
    "import_run": "a caseload file a member of staff uploaded: the council's copy of its own records",
    "insight_response_tally": "counts of responses by coarse group; no one is named or linked",
    "insight_theme_tally": "counts of responses by theme and quarter; no one is named or linked",
    "insight_answer_tally": "counts of answers by feeling or option; no one is named or linked",
    "insight_theme_group_tally": "counts of responses by theme and coarse group; no one is named or linked",
    "theme_lead": "which member of staff leads a theme",
    "council_update": "what the council says it did; the same for every young person",
    "council_update_revision": "earlier versions of the council's updates",
    "priority_round": "what the council asks young people to vote on; its title is given with their votes",
}

# Columns pointing at these tables are given as that row's name or text, not its id.
_LABELS = {
    "user_account": "full_name",
    "tenant": "name",
    "consultation": "title",
    "consultation_question": "text",
    "plan_step": "text",
    "council_update": "title",
    "priority_round": "title",
}
_RENAMED = {"tenant": "council"}


class RegistryIncomplete(Exception):
    """A table is neither in the download nor listed as holding nothing personal."""


def check_complete(metadata: MetaData = SQLModel.metadata) -> None:
    """Raise ``RegistryIncomplete`` for a table of ``metadata`` that ``PARTS`` and
    ``NOT_PERSONAL`` both leave out, or that both claim."""
    exported = {part.table for part in PARTS}
    missing = sorted(set(metadata.tables) - exported - set(NOT_PERSONAL))
    both = sorted(exported & set(NOT_PERSONAL))
    if missing or both:
        raise RegistryIncomplete(f"not in PARTS or NOT_PERSONAL: {missing}; in both: {both}")


def _young_person(session: Session, actor: Actor) -> User:
    if not actor.is_young_person:
        raise Forbidden()
    person = session.get(User, actor.user_id)
    if person is None or person.kind != YOUNG_PERSON or person.deleted_at is not None:
        raise Forbidden()
    return person


def _fields(part: Part) -> list[tuple[str, str, str | None]]:
    """(column, key in the download, table whose name or text it gives) for a part."""
    table = SQLModel.metadata.tables[part.table]
    fields = []
    for column in part.columns:
        targets = [k.column.table.name for k in table.columns[column].foreign_keys if k.column.table.name in _LABELS]
        if targets:
            name = column.removesuffix("_id")
            fields.append((column, _RENAMED.get(name, name), str(targets[0])))
        else:
            fields.append((column, column, None))
    return fields


def _rows(session: Session, part: Part, me: int) -> Sequence[Any]:
    table = SQLModel.metadata.tables[part.table]
    return session.exec(select(part.model).where(part.mine(me)).order_by(*table.primary_key.columns)).all()


def _labels(session: Session, found: list[tuple[Part, Sequence[Any]]]) -> dict[str, dict[Any, str]]:
    """The names and texts the rows point at, one query per table."""
    wanted: dict[str, set[Any]] = {}
    for part, rows in found:
        for column, _key, target in _fields(part):
            if target is not None:
                wanted.setdefault(target, set()).update(getattr(r, column) for r in rows)
    labels: dict[str, dict[Any, str]] = {}
    for name, ids in wanted.items():
        table = SQLModel.metadata.tables[name]
        query = select(table.c.id, table.c[_LABELS[name]]).where(table.c.id.in_(sorted(ids - {None})))
        labels[name] = {row_id: label for row_id, label in session.exec(query).all()}
    return labels


def my_data(session: Session, *, actor: Actor, download: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the signed-in young person, by part (``PARTS`` order);
    a person's id is given as their full name. Audited as a view or a download."""
    person = _young_person(session, actor)
    assert person.id is not None
    found = [(part, _rows(session, part, person.id)) for part in PARTS]
    labels = _labels(session, found)
    data: dict[str, list[dict[str, Any]]] = {}
    for part, rows in found:
        fields = _fields(part)
        data[part.key] = [
            {key: labels[t].get(getattr(row, c)) if t else getattr(row, c) for c, key, t in fields} for row in rows
        ]
    audit_record(
        session,
        actor=actor,
        action="mydata.download" if download else "mydata.view",
        subject_id=person.id,
        object_type="user",
        object_id=person.id,
    )
    session.commit()
    return data


def json_value(value: Any) -> Any:
    """For ``json.dumps``: dates and times as ISO 8601."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in JSON")


# ------------------------------------------------------------------ deletion
def delete_account(session: Session, *, actor: Actor) -> None:
    """Delete the signed-in young person's account, in one transaction (see
    :func:`erase`)."""
    person = _young_person(session, actor)
    erase(session, person)
    audit_record(
        session, actor=actor, action="account.delete", subject_id=person.id, object_type="user", object_id=person.id
    )
    session.commit()


def erase(session: Session, person: User) -> None:
    """Erase a young person's account in the caller's transaction (they asked, or the
    council's retention policy says so): every part not ``kept`` is deleted (so
    sign-in stops), named consultation answers and ballots become anonymous (they still
    count), current assignments end, and the account row keeps nothing personal.
    Safeguarding alerts and the audit log stay, pointing at the anonymous row."""
    me = person.id
    assert me is not None
    _forget_in_staff_inboxes(session, person)
    _make_answers_anonymous(session, person)
    _make_votes_anonymous(session, person)
    # Kept alerts stop naming comments about to be deleted (the words stay on the alert).
    session.execute(
        update(SafeguardingAlert)
        .where(
            col(SafeguardingAlert.comment_id).in_(select(UpdateComment.id).where(UpdateComment.young_person_id == me))
        )
        .values(comment_id=None)
    )
    deleted = {part.table: part for part in PARTS if not part.kept}
    for table in reversed(SQLModel.metadata.sorted_tables):  # children before parents
        part = deleted.get(table.name)
        if part is not None:
            session.execute(delete(part.model).where(part.mine(me)).execution_options(synchronize_session=False))
    if person.username:
        ratelimit.forget(session, f"signin-account:{person.username}")
    # Receipts of consultation forms sent by or for this person (consultations.routes).
    session.execute(delete(SubmissionReceipt).where(col(SubmissionReceipt.action).like(f"consultation:%:{me}")))
    # Ended yesterday, so the account leaves its worker's caseload at once.
    today = clock.today()
    session.execute(
        update(Assignment)
        .where(col(Assignment.young_person_id) == me)
        .where(or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) >= today))
        .values(ends_on=today - timedelta(days=1))
    )
    person.full_name, person.display_name = DELETED_FULL_NAME, DELETED_DISPLAY_NAME
    person.username = person.email = person.passphrase_hash = None
    person.date_of_birth = person.care_status = person.external_id = None
    person.phone = person.team = person.availability = None
    person.council_accommodation, person.is_active, person.deleted_at = False, False, clock.now()
    session.add(person)
    session.flush()


def _forget_in_staff_inboxes(session: Session, person: User) -> None:
    """Staff notifications about this person that carry their name (e.g. "Ada couldn't
    reach you"): those linking to their record or handovers, and "moved" notes to
    their former workers. Notifications without a name stay."""
    record = f"/staff/young-people/{person.id}"
    handovers = session.exec(select(Handover).where(Handover.young_person_id == person.id)).all()
    handover_links = [f"/staff/handovers/{h.id}" for h in handovers]
    former_workers = [h.from_worker_id for h in handovers if h.from_worker_id is not None]
    candidates = session.exec(
        select(Notification).where(
            Notification.tenant_id == person.tenant_id,
            Notification.user_id != person.id,
            or_(
                col(Notification.link).startswith(record),
                col(Notification.link).in_(handover_links),
                (col(Notification.kind) == "young_person_moved") & col(Notification.user_id).in_(former_workers),
            ),
        )
    ).all()
    names = {person.full_name, person.display_name}
    for note in candidates:
        about_record = note.link == record or note.link[len(record) : len(record) + 1] in ("#", "/", "?")
        about_them = about_record or note.link in handover_links or note.kind == "young_person_moved"
        if about_them and note.params.get("name") in names:
            session.delete(note)


def _make_votes_anonymous(session: Session, person: User) -> None:
    """Named ballots lose the person and who helped them; the votes still count."""
    session.execute(
        update(PriorityBallot)
        .where(col(PriorityBallot.young_person_id) == person.id)
        .values(young_person_id=None, assisted_by_id=None)
    )


def _make_answers_anonymous(session: Session, person: User) -> None:
    """Named responses lose the person (and who helped them) and their own names."""
    assert person.id is not None
    responses = session.exec(select(Response).where(Response.young_person_id == person.id)).all()
    for answer in session.exec(select(Answer).where(_named_answers(person.id))).all():
        answer.text = _without_names(answer.text, person)
        answer.published_text = _without_names(answer.published_text, person)
        session.add(answer)
    for response in responses:
        response.young_person_id = response.assisted_by_id = None
        session.add(response)
    session.flush()


def _without_names(text: str | None, person: User) -> str | None:
    """``text`` with the person's full name, username and each of their names taken
    out (names as written, whole words only: "Will" but not "will")."""
    if not text:
        return text
    for whole in (person.full_name, person.username):
        if whole:
            text = re.sub(rf"\b{re.escape(whole)}\b", NAME_REMOVED, text, flags=re.IGNORECASE)
    for name in {*person.full_name.split(), person.display_name}:
        if len(name) > 1:
            text = re.sub(rf"\b{re.escape(name)}\b", NAME_REMOVED, text)
    return text

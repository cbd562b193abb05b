"""Keeping data only as long as the council allows (docs/adr/0007-retention.md).

Each council's policy is three numbers in its settings (``Tenant.retention_*``). Once
a day (``jobs.daily``, 02:30 UTC) and from ``waymark retention``:

- a young person's account is erased (``mydata.service.erase``: what the person could
  delete themselves; named answers and ballots become anonymous and still count) once
  it is ``retention_months_after_support`` months after their 25th birthday, or after
  their last worker's assignment ended with none since; never while a safeguarding
  alert about them is open (it is listed as held instead);
- the words of answers and comments moderators did not use are deleted
  ``retention_unused_words_months`` after the decision (the row, its reason and its
  counts stay);
- audit entries older than ``retention_audit_years`` years are deleted.

Safeguarding alerts are the council's safeguarding record and are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, or_, select

from waymark import clock
from waymark.audit.models import AuditEvent, AuditPurge
from waymark.audit.service import audit_record
from waymark.clock import add_months
from waymark.consultations.models import REJECTED, Answer, Response
from waymark.entitlements.rules import birthday
from waymark.identity.models import YOUNG_PERSON, Assignment, Tenant, User
from waymark.jobs import service as jobs
from waymark.mydata import service as mydata
from waymark.safeguarding.models import SafeguardingAlert
from waymark.updates.models import UpdateComment

JOB = "retention"
RUN_AT = time(2, 30)  # UTC: a quiet hour
SUPPORT_ENDS_AT = 25  # personal adviser support lasts until the 25th birthday
REMOVED = ""  # what a comment's words become (the column cannot be empty)
# The policy's allowed ranges, for the settings form.
LIMITS = {
    "retention_months_after_support": (1, 120),
    "retention_unused_words_months": (1, 60),
    "retention_audit_years": (1, 20),
}


@dataclass
class Due:
    """What the policy says to do now in one council (ids, so a dry run can list them)."""

    accounts: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # due, but a safeguarding alert about them is open
    answers: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    audit_before: datetime | None = None
    audit_entries: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "accounts": len(self.accounts),
            "held": len(self.held),
            "unused_words": len(self.answers) + len(self.comments),
            "audit_entries": self.audit_entries,
        }


def due(session: Session, tenant: Tenant) -> Due:
    """What applying ``tenant``'s policy now would do; changes nothing."""
    today, now = clock.today(), clock.now()
    found = Due()
    open_alerts = set(
        session.exec(
            select(SafeguardingAlert.young_person_id).where(
                SafeguardingAlert.tenant_id == tenant.id,
                col(SafeguardingAlert.grouped_into_id).is_(None),
                col(SafeguardingAlert.acknowledged_at).is_(None),
                col(SafeguardingAlert.young_person_id).is_not(None),
            )
        ).all()
    )
    for person_id in _accounts_due(session, tenant, today):
        (found.held if person_id in open_alerts else found.accounts).append(person_id)

    words_before = _months_before(now, tenant.retention_unused_words_months)
    found.answers = list(
        session.exec(
            select(Answer.id)
            .join(Response, col(Response.id) == Answer.response_id)
            .where(
                Response.tenant_id == tenant.id,
                Answer.moderation == REJECTED,
                col(Answer.moderated_at) < words_before,
                col(Answer.text).is_not(None),
            )
            .order_by(col(Answer.id))
        ).all()
    )
    found.comments = list(
        session.exec(
            select(UpdateComment.id)
            .where(
                UpdateComment.tenant_id == tenant.id,
                UpdateComment.moderation == REJECTED,
                col(UpdateComment.moderated_at) < words_before,
                UpdateComment.text != REMOVED,
            )
            .order_by(col(UpdateComment.id))
        ).all()
    )
    found.audit_before = _months_before(now, 12 * tenant.retention_audit_years)
    found.audit_entries = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.tenant_id == tenant.id, col(AuditEvent.at) < found.audit_before)
    ).one()
    return found


def apply(session: Session, tenant: Tenant) -> Due:
    """Apply ``tenant``'s policy in the caller's transaction (the caller commits), and
    audit it: one entry per erased account and one for the run, with its counts."""
    found = due(session, tenant)
    for person_id in found.accounts:
        person = session.get(User, person_id)
        assert person is not None
        mydata.erase(session, person)
        audit_record(
            session,
            action="retention.erase",
            tenant_id=tenant.id,
            subject_id=person_id,
            object_type="user",
            object_id=person_id,
        )
    if found.answers:
        session.execute(update(Answer).where(col(Answer.id).in_(found.answers)).values(text=None, published_text=None))
    if found.comments:
        session.execute(
            update(UpdateComment)
            .where(col(UpdateComment.id).in_(found.comments))
            .values(text=REMOVED, published_text=None)
        )
    if found.audit_entries:
        # The database refuses to delete audit entries without this leave (a trigger).
        session.add(AuditPurge(tenant_id=tenant.id, before=found.audit_before))
        session.flush()
        session.execute(
            delete(AuditEvent).where(AuditEvent.tenant_id == tenant.id, col(AuditEvent.at) < found.audit_before)
        )
        session.execute(delete(AuditPurge).where(col(AuditPurge.tenant_id) == tenant.id))
    if any(found.counts().values()):
        audit_record(session, action="retention.apply", tenant_id=tenant.id, detail=found.counts())
    session.flush()
    return found


@jobs.daily(JOB, at=RUN_AT)
def _every_day(session: Session, payload: dict) -> None:
    for tenant in session.exec(select(Tenant).order_by(col(Tenant.id))).all():
        apply(session, tenant)


def next_run(session: Session) -> datetime:
    return jobs.next_daily_run(session, JOB)


# ------------------------------------------------------------------- helpers
def _months_before(moment: datetime, months: int) -> datetime:
    day = add_months(moment.date(), -months)
    return datetime.combine(day, moment.timetz()).astimezone(UTC)


def _accounts_due(session: Session, tenant: Tenant, today: date) -> list[int]:
    """Young people (not yet erased) past the line: months after their 25th birthday,
    or after their case closed (every assignment has ended, the last that long ago)."""
    months = tenant.retention_months_after_support
    past_support = add_months(today, -months)  # a support end on or before this is due
    people = select(User.id, User.date_of_birth).where(
        User.tenant_id == tenant.id, User.kind == YOUNG_PERSON, col(User.deleted_at).is_(None)
    )
    found: set[int] = set()
    # Born early enough for their 25th birthday to be on or before ``past_support``
    # (the exact day, with 29 February birthdays, is checked below).
    latest_birth = past_support.replace(year=past_support.year - SUPPORT_ENDS_AT) + timedelta(days=1)
    for person_id, born in session.exec(people.where(col(User.date_of_birth) <= latest_birth)).all():
        if born is not None and birthday(born, SUPPORT_ENDS_AT) <= past_support:
            found.add(person_id)
    still_supported = select(Assignment.young_person_id).where(
        Assignment.tenant_id == tenant.id,
        or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) >= today),
    )
    closed = (
        select(Assignment.young_person_id)
        .where(Assignment.tenant_id == tenant.id, col(Assignment.young_person_id).not_in(still_supported))
        .group_by(col(Assignment.young_person_id))
        .having(func.max(Assignment.ends_on) <= past_support)
    )
    found.update(person_id for person_id, _ in session.exec(people.where(col(User.id).in_(closed))).all())
    return sorted(found)


def cutoffs(tenant: Tenant) -> dict[str, date]:
    """The lines the policy draws today, for the admin page and the dry run."""
    today = clock.today()
    return {
        "support_ended_by": add_months(today, -tenant.retention_months_after_support),
        "unused_words_before": add_months(today, -tenant.retention_unused_words_months),
        "audit_before": add_months(today, -12 * tenant.retention_audit_years),
    }

"""Named permissions, which roles hold them, and the route dependency that checks them.

Every route declares ``dependencies=[requires(PERMISSION)]``; ``PUBLIC`` routes are also
listed in ``PUBLIC_ROUTES`` so that making a page public is a visible decision.
``tests/test_route_inventory.py`` fails for a route with neither. Object-level checks
(own record, own caseload, own council) live in the services, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request

from waymark.db import SessionDep
from waymark.errors import Forbidden, NotSignedIn

if TYPE_CHECKING:
    from waymark.identity.actor import Actor
from waymark.web.i18n import N_

ROLES = (
    "young_person",
    "personal_adviser",
    "participation_officer",
    "moderator",
    "manager",
    "admin",
    "panel_member",
    "safeguarding_lead",
)
STAFF_ROLES = ROLES[1:]
ROLE_LABELS = {
    "young_person": N_("Young person"),
    "personal_adviser": N_("Personal adviser"),
    "participation_officer": N_("Participation officer"),
    "moderator": N_("Moderator"),
    "manager": N_("Manager"),
    "admin": N_("Admin"),
    "panel_member": N_("Corporate parenting panel member"),
    "safeguarding_lead": N_("Safeguarding lead"),
}

PUBLIC = "public"
SIGNED_IN = "signed_in"  # any signed-in person, whatever their role

# Permissions (one constant per thing a person may do).
CASELOAD_VIEW = "caseload.view"
YOUNG_PERSON_RECORD_VIEW = "young_person_record.view"
INVITE_CREATE = "invite.create"
AUDIT_VIEW = "audit.view"
PLAN_OWN = "plan.own"  # a young person reading and answering their own plan
PLAN_EDIT = "plan.edit"  # an adviser changing a plan (the service checks the caseload)
PLAIN_LANGUAGE_CHECK = "plain_language.check"
FACTS_EDIT = "facts.edit"  # an adviser recording entitlement facts and answering questions
ENTITLEMENTS_OWN = "entitlements.own"  # a young person's notes and questions on entitlements
OFFERS_REVIEW = "offers.review"  # approve, correct or turn down offers sent in by organisations
COUNCIL_AMOUNTS_EDIT = "council_amounts.edit"  # the council's own amounts beside national minimums
CONTENT_STATUS_VIEW = "content_status.view"  # which content is due a check against its sources
CONTACTS_OWN = "contacts.own"  # a young person's contacts with their worker and "couldn't reach"
CONTACT_RECORD = "contact.record"  # a worker records and confirms contacts (the service checks the caseload)
REACH_ANSWER = "reach.answer"  # answering "I couldn't reach my worker" (their worker, or a manager)
ASSIGNMENTS_MANAGE = "assignments.manage"  # changing a young person's worker (makes a handover)
CONSULTATIONS_ANSWER = "consultations.answer"  # a young person answering consultations meant for them
CONSULTATIONS_ASSIST = "consultations.assist"  # a worker recording a young person's answers with them
CONSULTATIONS_RUN = "consultations.run"  # a participation officer drafting, publishing and closing them
MODERATION = "moderation"  # reading, redacting and deciding on what young people write
MODERATION_LOG_VIEW = "moderation_log.view"  # who moderated what, when and why
SAFEGUARDING_DUTY = "safeguarding.duty"  # the duty list: acknowledging alerts (the lead, deputy and managers)
SAFEGUARDING_RAISE = "safeguarding.raise"  # raise an alert about a young person from their record page
UNSAFE_REPORT = "unsafe.report"  # a young person's "I feel unsafe"
CONTACTS_DASHBOARD = "contacts.dashboard"  # contact timeliness and worker changes for the council
UPDATES_PUBLISH = "updates.publish"  # You Said We Did: publish and revise (participation officers)
UPDATES_STAFF_VIEW = "updates.staff_view"  # the staff list of updates with reactions
UPDATES_READ = "updates.read"  # a young person's feed, reactions, and hearing back
THEME_LEADS_EDIT = "theme_leads.edit"  # naming each theme's lead (participation officers)
INSIGHTS_VIEW = "insights.view"  # aggregated themes and who answered, with disclosure control
COUNCIL_ADMIN = "council.admin"  # council settings, staff accounts, caseload import and invite letters
HANDOVER_VIEW = "handover.view"  # reading a handover (the new worker, or a manager; checked in the service)
MY_DATA = "my_data.own"  # a young person seeing, downloading and deleting what Waymark holds about them
# What a manager of the council does beyond the routes (services ask with actor.can or roles_with):
COUNCIL_RECORDS_VIEW = "council_records.view"  # any young person's record in the council, not only a caseload
SAFEGUARDING_OVERSIGHT = "safeguarding.oversight"  # every alert on the duty list; told when one waits too long
REACH_ESCALATION = "reach.escalation"  # told when a "couldn't reach" goes unanswered in time
HANDOVER_VIEW_ANY = "handover.view_any"  # any handover in the council, not only one to themselves
UPDATE_COMMENTS_ALL = "update_comments.all"  # every checked "say more" comment, not only quotable ones
SAFEGUARDING_LEAD_FIT = "safeguarding.lead_fit"  # may be named the council's designated lead or deputy

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "young_person": frozenset(
        {PLAN_OWN, ENTITLEMENTS_OWN, CONTACTS_OWN, CONSULTATIONS_ANSWER, UNSAFE_REPORT, MY_DATA, UPDATES_READ}
    ),
    "personal_adviser": frozenset(
        {
            CASELOAD_VIEW,
            YOUNG_PERSON_RECORD_VIEW,
            INVITE_CREATE,
            PLAN_EDIT,
            PLAIN_LANGUAGE_CHECK,
            FACTS_EDIT,
            CONTENT_STATUS_VIEW,
            CONTACT_RECORD,
            REACH_ANSWER,
            HANDOVER_VIEW,
            CONSULTATIONS_ASSIST,
            SAFEGUARDING_RAISE,
        }
    ),
    "participation_officer": frozenset(
        {
            CONTENT_STATUS_VIEW,
            CONSULTATIONS_RUN,
            INSIGHTS_VIEW,
            UPDATES_PUBLISH,
            UPDATES_STAFF_VIEW,
            UPDATE_COMMENTS_ALL,
            THEME_LEADS_EDIT,
        }
    ),
    "moderator": frozenset({OFFERS_REVIEW, CONTENT_STATUS_VIEW, MODERATION}),
    "manager": frozenset(
        {
            AUDIT_VIEW,
            YOUNG_PERSON_RECORD_VIEW,
            CONTENT_STATUS_VIEW,
            REACH_ANSWER,
            ASSIGNMENTS_MANAGE,
            HANDOVER_VIEW,
            CONTACTS_DASHBOARD,
            MODERATION_LOG_VIEW,
            INSIGHTS_VIEW,
            UPDATES_STAFF_VIEW,
            COUNCIL_RECORDS_VIEW,
            SAFEGUARDING_OVERSIGHT,
            SAFEGUARDING_DUTY,
            SAFEGUARDING_RAISE,
            SAFEGUARDING_LEAD_FIT,
            REACH_ESCALATION,
            HANDOVER_VIEW_ANY,
        }
    ),
    "admin": frozenset({OFFERS_REVIEW, COUNCIL_AMOUNTS_EDIT, CONTENT_STATUS_VIEW, ASSIGNMENTS_MANAGE, COUNCIL_ADMIN}),
    "panel_member": frozenset({INSIGHTS_VIEW, UPDATES_STAFF_VIEW}),
    # The designated safeguarding lead (or deputy) when they are not a manager: the duty
    # list, and the records it links to (each read audited).
    "safeguarding_lead": frozenset(
        {
            SAFEGUARDING_DUTY,
            SAFEGUARDING_OVERSIGHT,
            SAFEGUARDING_RAISE,
            SAFEGUARDING_LEAD_FIT,
            YOUNG_PERSON_RECORD_VIEW,
            COUNCIL_RECORDS_VIEW,
        }
    ),
}

# Routes anyone may use, signed in or not. (method, path) pairs.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("GET", "/login/staff"),
        ("GET", "/auth/callback"),
        ("POST", "/logout"),
        ("GET", "/join/{code}"),
        ("POST", "/join/{code}"),
        ("POST", "/language"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/offline"),
        ("GET", "/saved-offline"),
        ("GET", "/moderation-policy"),
        ("GET", "/api/hear-back"),
        ("GET", "/manifest.webmanifest"),
        ("GET", "/sw.js"),
        ("GET", "/glossary"),
        ("GET", "/glossary/{slug}"),
        ("GET", "/entitlements"),
        ("GET", "/entitlements/{slug}"),
        ("GET", "/care-leaver-status"),
        ("GET", "/offers"),
        ("GET", "/offers/new"),
        ("POST", "/offers/new"),
        ("GET", "/offers/sent"),
        ("GET", "/offers/{offer_id}"),
        ("GET", "/me/deleted"),
        ("GET", "/login/forgot"),
        ("POST", "/login/forgot"),
        ("GET", "/login/reset"),
        ("POST", "/login/reset"),
        ("GET", "/privacy"),
        ("GET", "/accessibility"),
        ("GET", "/cookies"),
    }
)


# The roles a new member of staff is offered first on the admin's form.
NEW_STAFF_ROLES = ("personal_adviser",)


def role_has(role: str, permission: str) -> bool:
    if permission in (PUBLIC, SIGNED_IN):
        return True
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def roles_grant(roles: Iterable[str], permission: str) -> bool:
    """Whether someone holding ``roles`` may do ``permission`` (Actor.can for an actor)."""
    return any(role_has(role, permission) for role in roles)


FIRST_ADMIN_ROLE = "admin"  # the role of a new council's first account (waymark council create)


def roles_with(permission: str) -> list[str]:
    """The roles that hold ``permission``, for finding the people who do (a query on roles)."""
    return [role for role in ROLES if role_has(role, permission)]


def requires(permission: str) -> Any:
    """Route dependency: load the actor and check ``permission``.

    The returned dependency carries ``.permission`` so the inventory test can read it.
    The actor comes from ``identity.sessions.load_actor``, which app.py puts on the
    app's state (sessions build ``Actor``s, whose ``can`` reads the tables above).
    """

    def check(request: Request, session: SessionDep) -> Actor | None:
        actor: Actor | None = request.app.state.load_actor(request, session)
        if permission == PUBLIC:
            return actor
        if actor is None:
            raise NotSignedIn()
        if not actor.can(permission):
            raise Forbidden()
        return actor

    check.permission = permission  # type: ignore[attr-defined]
    return Depends(check)


def current_actor(request: Request) -> Actor | None:
    """The actor the route's ``requires`` dependency loaded (None if signed out)."""
    return getattr(request.state, "actor", None)


def signed_in_actor(request: Request) -> Actor:
    actor = current_actor(request)
    if actor is None:
        raise NotSignedIn()
    return actor

"""Import every feature's tables so the metadata is complete (Alembic, tests)."""

from waymark.admin.models import ImportRun  # noqa: F401
from waymark.audit.models import AuditEvent  # noqa: F401
from waymark.consultations.models import Answer, AnsweredMarker, Consultation, Question, Response  # noqa: F401
from waymark.contacts.models import AboutMe, Contact, ContactStatus, Handover, ReachRequest  # noqa: F401
from waymark.covenant.models import Offer  # noqa: F401
from waymark.entitlements.models import (  # noqa: F401
    CouncilAmount,
    EntitlementMark,
    FactsReport,
    YoungPersonFacts,
)
from waymark.identity.models import (  # noqa: F401
    Assignment,
    AuthSession,
    Invite,
    Tenant,
    User,
    UserRole,
)
from waymark.insights.models import AnswerTally, ResponseTally, ThemeGroupTally, ThemeLead, ThemeTally  # noqa: F401
from waymark.jobs.models import Job  # noqa: F401
from waymark.notifications.models import Notification, PushSubscription  # noqa: F401
from waymark.outbox.models import SubmissionReceipt  # noqa: F401
from waymark.pathway.models import (  # noqa: F401
    PathwayPlan,
    PlanChange,
    PlanReview,
    PlanStep,
    PlanWords,
    ReviewRequest,
    StepFeedback,
)
from waymark.priorities.models import PriorityBallot, PriorityRound, PriorityVote, PriorityVoter  # noqa: F401
from waymark.ratelimit import RateCount  # noqa: F401
from waymark.recovery.models import PassphraseReset  # noqa: F401
from waymark.safeguarding.models import SafeguardingAlert  # noqa: F401
from waymark.updates.models import Update, UpdateComment, UpdateReaction, UpdateRevision  # noqa: F401

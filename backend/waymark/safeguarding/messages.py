"""Words for the duty list (translated when shown)."""

from waymark.safeguarding import models as s
from waymark.web.i18n import N_

SOURCE_LABELS = {
    s.FROM_ANSWER: N_("A consultation answer"),
    s.FROM_UPDATE_COMMENT: N_("A comment on a You Said We Did update"),
    s.FROM_UNSAFE_BUTTON: N_("The “I feel unsafe” button"),
    s.FROM_PLAN_WORDS: N_("Their words in their pathway plan"),
    s.FROM_STEP_FEEDBACK: N_("Feedback on a step in their plan"),
    s.FROM_REVIEW_REQUEST: N_("Asking for a plan review"),
    s.FROM_REACH_REQUEST: N_("“I couldn't reach my worker”"),
    s.FROM_CONTACT_NOTE: N_("A contact they logged"),
    s.FROM_CONTACT_ANSWER: N_("Their answer to a logged contact"),
    s.FROM_FACTS_REPORT: N_("“This is wrong” about their details"),
    s.FROM_ABOUT_ME: N_("Their “about me” for workers"),
    s.FROM_MODERATOR: N_("Raised by a moderator from the queue"),
    s.FROM_STAFF: N_("Raised by staff from their record"),
    s.FROM_BACKSTOP: N_("Unread in the moderation queue too long"),
}
LEVEL_LABELS = {s.URGENT: N_("Urgent"), s.CHECK: N_("Check: possible risk")}
WORRY_REQUIRED = N_("Say what worries you, so the lead knows what to check")
WORRY_TOO_LONG = N_("This must be 1000 characters or fewer")

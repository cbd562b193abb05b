"""Words for contacts (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

KIND_LABELS = {
    "visit": N_("Visit"),
    "call": N_("Phone call"),
    "text": N_("Text or message"),
    "video": N_("Video call"),
    "office": N_("Meeting at the office"),
}
METHOD_LABELS = {
    "call": N_("I phoned"),
    "text": N_("I sent a text or message"),
    "email": N_("I sent an email"),
    "visit": N_("I went to the office"),
    "other": N_("Another way"),
}
STATE_LABELS = {
    "awaiting": N_("Not checked yet"),
    "confirmed": N_("Both agree"),
    "disputed": N_("Said it didn't happen"),
}

KIND_INVALID = N_("Choose how you were in contact")
METHOD_INVALID = N_("Choose how you tried to reach your worker")
WHEN_INVALID = N_("Enter a real date, for example 27 3 2026")
WHEN_FUTURE = N_("The date must be today or in the past")
WHEN_BEFORE_CASELOAD = N_("The date must be after this worker started working with the young person")
NOTE_TOO_LONG = N_("Please keep it to 1000 characters or fewer")
ALREADY_ANSWERED = N_("This has already been answered")
ANSWER_REQUIRED = N_("Enter your answer")
REACH_TOO_SOON = N_(
    "You told us you couldn't reach your worker a few minutes ago. We have told them. "
    "Wait a bit before telling us again"
)
NO_WORKER = N_("You do not have a worker on Waymark yet. Call your council's leaving care team")
WORKER_INVALID = N_("Choose a personal adviser from your council")
WORKER_SAME = N_("This is already their worker. Choose someone else")
NOT_YOUR_HANDOVER = N_("Only the new worker can say they have read this handover")

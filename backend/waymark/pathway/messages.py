"""Messages from the pathway feature (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

HEADING_INVALID = N_("Choose a part of the plan")
STEP_TEXT_REQUIRED = N_("Enter what the step is")
STEP_TEXT_TOO_LONG = N_("The step must be 500 characters or fewer")
OWNER_INVALID = N_("Choose who does this step")
OWNER_NAME_REQUIRED = N_("Enter the name of the person who does this step")
OWNER_NAME_TOO_LONG = N_("The name must be 80 characters or fewer")
STATUS_INVALID = N_("Choose how the step is going")
DUE_DATE_INVALID = N_("Enter a real date, for example 27 3 2027")
STALE_EDIT = N_(
    "Someone changed this step after you opened it. Check the step as it is now, then make your change again"
)
MOVE_INVALID = N_("Choose up or down")
REVIEW_SUMMARY_REQUIRED = N_("Enter what was agreed at the review")
REVIEW_SUMMARY_TOO_LONG = N_("The summary must be 2000 characters or fewer")
REVIEW_DATE_INVALID = N_("Enter the date of the review, for example 27 3 2026")
REVIEW_DATE_FUTURE = N_("The review date must be today or in the past")
RESPONSE_REQUIRED = N_("Enter your answer")
RESPONSE_TOO_LONG = N_("Your answer must be 1000 characters or fewer")
WORDS_TOO_LONG = N_("Please keep it to 1000 characters or fewer")
FEEDBACK_KIND_REQUIRED = N_("Choose I'm not sure or I disagree")
COMMENT_TOO_LONG = N_("Please keep it to 1000 characters or fewer")

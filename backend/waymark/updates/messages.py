"""Words for You Said We Did (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

STATUS_LABELS = {
    "considering": N_("We are thinking about it"),
    "doing": N_("We are doing it"),
    "done": N_("Done"),
    "cant": N_("We can't do this"),
}
REACTION_LABELS = {"helps": N_("This helps"), "not_enough": N_("This doesn't go far enough")}
# What a young person sees about their own comment.
MODERATION_LABELS = {
    "pending": N_("Waiting to be checked"),
    "approved": N_("Checked and passed to the council"),
    "rejected": N_("Not used"),
    "safeguard": N_("Passed to someone who can help"),
}
FIELD_LABELS = {
    "title": N_("title"),
    "said": N_("what you said"),
    "did": N_("what we did"),
    "status": N_("where it is up to"),
    "reason": N_("why not"),
    "happened_on": N_("date"),
    "themes": N_("themes"),
    "consultation_ids": N_("consultations"),
}

TITLE_REQUIRED = N_("Enter a short title")
TITLE_TOO_LONG = N_("The title must be 120 characters or fewer")
SAID_REQUIRED = N_("Enter what young people said")
SAID_TOO_LONG = N_("What young people said must be 1000 characters or fewer")
DID_REQUIRED = N_("Enter what the council did or will do")
DID_TOO_LONG = N_("What the council did must be 2000 characters or fewer")
STATUS_REQUIRED = N_("Choose where it is up to")
REASON_REQUIRED = N_("Say why the council can't do this. Young people need to know why")
REASON_TOO_LONG = N_("The reason must be 1000 characters or fewer")
DATE_INVALID = N_("Enter a real date, for example 2026-11-24")
THEME_REQUIRED = N_("Choose at least one theme, so the young people who raised it hear about this")
THEME_UNKNOWN = N_("Choose themes from the list")
CONSULTATION_UNKNOWN = N_("Choose consultations from the list")
STALE = N_("Someone changed this update since you opened it. Check their changes, then make yours again")
REACTION_INVALID = N_("Choose one of the buttons")
COMMENT_REQUIRED = N_("Write what you want to say")
COMMENT_TOO_LONG = N_("Keep it to 1000 characters or fewer")
COMMENT_LIMIT = N_("You have already said more 5 times about this news. Ask your worker if you want to say more")

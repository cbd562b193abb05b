"""Words for moderation (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

KIND_LABELS = {
    "email": N_("email address"),
    "phone": N_("phone number"),
    "address": N_("address"),
    "date": N_("date"),
    "name": N_("name"),
}
ALREADY_DECIDED = N_("Someone has already moderated this answer")
THEME_UNKNOWN = N_("Choose themes from the list")
THEME_REQUIRED = N_("Choose at least one theme")
PUBLISHED_REQUIRED = N_("Enter the text to use. Take out personal details")
PUBLISHED_TOO_LONG = N_("The text must be 2000 characters or fewer")
REASON_REQUIRED = N_("Enter why this answer is not used. The young person will see it")
REASON_TOO_LONG = N_("The reason must be 300 characters or fewer")

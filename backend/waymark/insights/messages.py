"""Words for insights (translated when shown)."""

from waymark.web.i18n import N_

DIMENSION_LABELS = {
    "age_band": N_("Age"),
    "care_status": N_("Leaving-care status"),
    "send": N_("Special educational needs or disability (SEND)"),
    "recent_contact": N_("In touch with their worker in the last 3 months"),
}
GROUP_LABELS = {
    "under_13": N_("Under 13"),
    "13_15": N_("13 to 15"),
    "16_17": N_("16 to 17"),
    "18_20": N_("18 to 20"),
    "21_25": N_("21 to 25"),
    "eligible": N_("Eligible"),
    "relevant": N_("Relevant"),
    "former_relevant": N_("Former relevant"),
    "qualifying": N_("Qualifying"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "unknown": N_("Not known"),
}
# What to do about a group we are not hearing from.
MISSING_PROMPTS = {
    "under_13": N_("No answers yet from under-13s. Send the easy-read version through their workers."),
    "13_15": N_("No answers yet from 13 to 15 year olds. Send the easy-read version through their workers."),
    "recent_contact:no": N_(
        "No answers yet from young people who have not been in touch with their worker for 3 months. "
        "Ask their workers to reach them, or try a youth worker or advocate they trust."
    ),
    "send:yes": N_(
        "No answers yet from young people with SEND. "
        "Offer the easy-read version, or assisted answers with someone they know."
    ),
}
MISSING_DEFAULT = N_("No answers yet from: %(group)s. Ask their workers to help them answer.")
FEWER_PROMPT = N_(
    "We are hearing less from: %(group)s, compared with how many there are. Think about how to reach them."
)
EXPORT_EMPTY = N_("There is nothing to export yet: no one has answered.")

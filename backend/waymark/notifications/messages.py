"""Words for the inbox and push messages (translated when shown)."""

from waymark.web.i18n import N_

PUSH_KIND_LABELS = {
    "plan": N_("Changes to my plan"),
    "updates": N_("News about things I told the council"),
    "contact": N_("My worker and contact"),
    "offers": N_("New offers for me"),
    "other": N_("Anything else in my inbox"),
}

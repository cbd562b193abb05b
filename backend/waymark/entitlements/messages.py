"""Words for the entitlements feature (translated when shown)."""

from waymark.web.i18n import N_

FACT_LABELS = {
    "status": N_("which kind of care leaver you are"),
    "date_of_birth": N_("your date of birth"),
    "in_education_or_training": N_("if you are in education or training"),
    "in_higher_education": N_("if you are at university or in higher education"),
    "in_apprenticeship": N_("if you are doing an apprenticeship"),
    "parent": N_("if you are a parent"),
    "send": N_("if you have special educational needs or a disability"),
    "staying_put": N_("if you are Staying Put with your foster carers"),
    "own_tenancy": N_("if you have your own tenancy"),
}
CATEGORY_LABELS = {
    "money": N_("Money"),
    "home": N_("Your home"),
    "education": N_("Education"),
    "work": N_("Work"),
    "health": N_("Health"),
    "travel": N_("Travel"),
    "support": N_("Support"),
    "rights": N_("Your rights"),
}
STATUS_LABELS = {
    "eligible": N_("eligible (still in care)"),
    "relevant": N_("relevant"),
    "former_relevant": N_("former relevant"),
    "qualifying": N_("qualifying"),
}
STAFF_FACT_LABELS = {
    "in_education_or_training": N_("In education or training"),
    "in_higher_education": N_("In higher education (university)"),
    "in_apprenticeship": N_("Doing an apprenticeship"),
    "parent": N_("A parent"),
    "send": N_("Has special educational needs or a disability"),
    "staying_put": N_("Staying Put with former foster carers"),
    "own_tenancy": N_("Has their own tenancy"),
}
MARK_LABELS = {"asked": N_("I've asked"), "got": N_("I've got it"), "not_sure": N_("Not sure")}

AMOUNT_TOO_LONG = N_("The amount must be 120 characters or fewer")
NOTE_TOO_LONG = N_("Please keep it to 1000 characters or fewer")
MY_FACT_LABELS = {  # the same facts as the young person reads them on /my-facts
    "in_education_or_training": N_("In education or training"),
    "in_higher_education": N_("At university or in higher education"),
    "in_apprenticeship": N_("Doing an apprenticeship"),
    "parent": N_("A parent"),
    "send": N_("Special educational needs or a disability"),
    "staying_put": N_("Staying Put with your foster carers"),
    "own_tenancy": N_("Your own tenancy"),
}

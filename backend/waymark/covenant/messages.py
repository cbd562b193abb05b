"""Words for the offers directory (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

CATEGORY_LABELS = {
    "independent_living": N_("Living on your own"),
    "education_employment_training": N_("Education, jobs and training"),
    "safety_security": N_("Feeling safe"),
    "health_wellbeing": N_("Health and wellbeing"),
    "finance": N_("Money"),
}

ORGANISATION_REQUIRED = N_("Enter the name of your organisation")
ORGANISATION_TOO_LONG = N_("The organisation name must be 120 characters or fewer")
CONTACT_EMAIL_REQUIRED = N_("Enter an email address we can contact you on")
CONTACT_EMAIL_INVALID = N_("Enter an email address in the right format, like name@example.org")
COUNCIL_REQUIRED = N_("Choose the council whose care leavers can use the offer")
TITLE_REQUIRED = N_("Enter what you are offering, in a few words")
TITLE_TOO_LONG = N_("The short description must be 120 characters or fewer")
DESCRIPTION_REQUIRED = N_("Enter the details of the offer")
DESCRIPTION_TOO_LONG = N_("The details must be 1000 characters or fewer")
TOO_MANY_LINKS = N_("The details can have at most 2 web links. Put your main link in the web address box")
CATEGORY_REQUIRED = N_("Choose which area the offer helps with")
AGE_FROM_INVALID = N_("Enter the youngest age, a whole number from 16 to 25")
AGE_TO_INVALID = N_("Enter the oldest age, a whole number from 16 to 25")
AGE_ORDER = N_("The oldest age must be the same as or more than the youngest age")
AREA_REQUIRED = N_("Enter where the offer can be used, for example Anywhere in England")
AREA_TOO_LONG = N_("The area must be 80 characters or fewer")
HOW_TO_CLAIM_REQUIRED = N_("Enter how a young person claims the offer")
HOW_TO_CLAIM_TOO_LONG = N_("How to claim must be 600 characters or fewer")
URL_INVALID = N_("Enter a full web address starting with https://, like https://example.org/offer")
URL_TOO_LONG = N_("The web address must be 300 characters or fewer")
EXPIRES_INVALID = N_("Enter a real date for the end of the offer, for example 31 3 2027")
EXPIRES_PAST = N_("The end date must be in the future")
FORM_TOO_FAST = N_("Please check your answers and send the form again")
FORM_EXPIRED = N_("This form was open for a long time. Check your answers and send it again")
TOO_MANY_OFFERS = N_("You have sent a lot of offers in a short time. Wait 15 minutes, then try again")
REASON_REQUIRED = N_("Enter why the offer is not being shown, so the organisation knows")
REASON_TOO_LONG = N_("The reason must be 500 characters or fewer")
STALE_OFFER = N_("Someone changed this offer after you opened it. Check it as it is now, then try again")
QUERY_TOO_LONG = N_("Search for 80 characters or fewer")

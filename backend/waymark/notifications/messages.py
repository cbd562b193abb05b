"""Words for the inbox and push messages (translated when shown)."""

from waymark.web.i18n import N_

PUSH_KIND_LABELS = {
    "plan": N_("Changes to my plan"),
    "updates": N_("News about things I told the council"),
    "contact": N_("My worker and contact"),
    "offers": N_("New offers for me"),
    "other": N_("Anything else in my inbox"),
}

# Email and mobile for "something new" messages (contact_points.py).
EMAIL_INVALID = N_("Enter an email address like name@example.com")
MOBILE_INVALID = N_("Enter a UK mobile number, like 07700 900123")
NOT_AVAILABLE = N_("Your council does not send emails or texts from Waymark yet")
TOO_MANY_CODES = N_("We have sent you 5 codes in the last hour. Wait an hour, then try again")
NOT_SENT = N_("We could not send a code just now. Try again in a few minutes")
CODE_WRONG = N_("That code is not right. Check the last message from Waymark and try again")
CODE_EXPIRED = N_("That code has stopped working. Ask for a new one")

# Sending an invite by text or email (staff; contact_points.send_invite).
INVITE_KIND_REQUIRED = N_("Choose text message or email")
INVITE_NOT_SENT = N_("GOV.UK Notify did not take the message, so no invite was made. Try again in a few minutes")
INVITE_TOO_MANY = N_("You have sent 20 invites in the last hour. Wait a while, or print the invite instead")
INVITE_SUBJECT = N_("Your invite to Waymark")
INVITE_BODY = N_(
    "{council} has invited you to Waymark. You can see your plan and what you can get there. "
    "Set it up here: {link} It works once, until {date}."
)

"""Messages any form can show (feature messages live in each feature's messages.py)."""

from waymark.web.i18n import N_

FIELD_TOO_LONG = N_("This is too long. Make it shorter")
FIELD_INVALID = N_("Check what you typed here")

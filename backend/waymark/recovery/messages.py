"""Words for the forgotten-passphrase pages (translated when shown)."""

from waymark.web.i18n import N_

USERNAME_REQUIRED = N_("Enter your username")
CODE_NOT_RIGHT = N_(
    "That code is not right, or it has stopped working. Check the last message from Waymark, or ask for a new code"
)
TOO_MANY = N_("You have asked for a lot of codes. Wait an hour, then try again, or ask your adviser")

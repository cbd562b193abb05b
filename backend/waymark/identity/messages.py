"""Messages people see from the identity feature. Marked with N_ for extraction and
translated when shown; tests assert on these constants."""

from waymark.web.i18n import N_

USERNAME_REQUIRED = N_("Enter your username")
USERNAME_INVALID = N_("Your username should be 3 to 30 letters or numbers, starting with a letter")
USERNAME_TAKEN = N_("That username is taken. Try another one")
PASSPHRASE_REQUIRED = N_("Enter your passphrase")
PASSPHRASE_TOO_SHORT = N_("Your passphrase must be at least 12 characters. Try 3 or 4 words you will remember")
PASSPHRASE_TOO_LONG = N_("Your passphrase must be 128 characters or fewer")
PASSPHRASE_TOO_COMMON = N_("That passphrase is too easy to guess. Try 3 or 4 words that do not go together")
PASSPHRASE_HAS_USERNAME = N_("Your passphrase must not contain your username")
PASSPHRASE_MISMATCH = N_("The two passphrases do not match. Type the same passphrase twice")
CONFIRM_REQUIRED = N_("Type your passphrase again")
SIGN_IN_FAILED = N_("The username or passphrase is not right. Check them and try again")
TOO_MANY_TRIES = N_("Too many tries. Wait a while, then try again. Your adviser can help if you are stuck")
SIGN_IN_BUSY = N_("Lots of people are signing in right now. Try again in a minute")
INVITE_UNKNOWN = N_("We cannot find this invite. Check the code, or ask your adviser for a new one")
INVITE_EXPIRED = N_("This invite has run out. Ask your adviser for a new one")
INVITE_CANCELLED = N_("This invite was cancelled. Ask your adviser for a new one")
INVITE_USED = N_("This invite has already been used. Sign in, or ask your adviser for a new invite")
STAFF_UNKNOWN = N_("We do not have a staff account for this email address. Ask your Waymark admin to add you")
STAFF_EMAIL_UNVERIFIED = N_("Your sign-in provider did not confirm your email address. Ask your Waymark admin for help")
STAFF_NO_ROLE = N_(
    "Your council's sign-in service says you have no role in Waymark now, so you cannot sign in and "
    "you have been signed out everywhere. If you need Waymark for your work, ask your manager or IT "
    "team to add you to the right group"
)
ROLE_MAPPING_LINE = N_("Write one group on each line, like: group-id = personal_adviser")
ROLE_MAPPING_ROLE = N_("Use only the role names listed, separated by commas")
ROLE_MAPPING_TOO_MANY = N_("List at most 500 groups")
ROLE_CLAIM_INVALID = N_("Enter the claim's name using only letters, numbers and _ . : / -")
STAFF_MFA_REQUIRED = N_(
    "Your council asks staff to sign in with a second step, such as a code or an app, and this sign-in "
    "did not have one. Sign out of your council account, sign in again with the second step, then try again"
)
SIGN_IN_NOT_FINISHED = N_("Sign-in did not finish. Please try again")
NOT_ON_CASELOAD = N_("This young person is not on your caseload")

"""Words for council administration (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

NAME_REQUIRED = N_("Enter the council's name")
NAME_TOO_LONG = N_("The name must be 120 characters or fewer")
COLOUR_INVALID = N_("Enter a colour as # and 6 letters or numbers, for example #0b3d5c")
COLOUR_LOW_CONTRAST = N_(
    "White text on this colour is hard to read (contrast %(ratio)s to 1; it must be at least 4.5 to 1). "
    "Choose a darker colour"
)
NUMBER_INVALID = N_("Enter a whole number")
NUMBER_RANGE = N_("Enter a number from %(low)s to %(high)s")
EXPORT_BELOW_SCREEN = N_("The export threshold must be at least the on-screen threshold")
LEAD_INVALID = N_("Choose an active manager or safeguarding lead from the list")
DEPUTY_SAME = N_("Choose a different person as deputy, or leave it empty")
EMAIL_INVALID = N_("Enter an email address like name@council.gov.uk")
EMAIL_TAKEN = N_("Someone already uses this email address. Each person needs their own")
WEBSITE_INVALID = N_("Enter a web address that starts with https://")
PHONE_INVALID = N_("Enter a phone number, using only numbers, spaces and + ( ) -")
ICO_REGISTRATION_INVALID = N_("Enter the registration number as it is on the ICO register, like Z1234567 or ZA123456")
TEXT_TOO_LONG = N_("This must be %(max)s characters or fewer")
FULL_NAME_REQUIRED = N_("Enter their full name")
ROLES_REQUIRED = N_("Choose at least one role")
ROLE_UNKNOWN = N_("Choose roles from the list")
SELF_ROLES = N_("You cannot give yourself a new role. Ask another admin to do it")
LAST_ADMIN = N_("Your council must keep at least one active admin. Make someone else an admin first")
SELF_DEACTIVATE = N_("You cannot turn off your own account. Ask another admin")
HAS_CASELOAD = N_(
    "%(name)s still has young people on their caseload. Give them a new worker first, then turn the account off"
)

# Caseload import: the file as a whole.
FILE_EMPTY = N_("The file is empty. Export the caseload again and upload it")
FILE_NOT_CSV = N_(
    "This looks like a spreadsheet or other file, not a CSV. "
    "In your spreadsheet choose Save as, then CSV, and upload that"
)
FILE_ENCODING = N_(
    "We could not read the letters in this file. Save it as CSV UTF-8 (or Windows CSV) and upload it again"
)
FILE_MISSING_COLUMNS = N_("The file has no column for: %(columns)s. The first row must name the columns")
FILE_TOO_MANY_ROWS = N_("The file has more than %(max)s rows. Split it into smaller files")
FILE_NOT_READABLE = N_("We could not read this as a CSV file: %(detail)s")
FILE_REQUIRED = N_("Choose a CSV file to upload")
IMPORT_HAS_PROBLEMS = N_("Fix the problems in the file and upload it again. Nothing has been imported")
IMPORT_NOT_READY = N_("This file cannot be imported now. Upload it again to check it")
IMPORT_FAILED = N_("The import stopped before it finished, so nothing was changed. Try again, or ask for help")

# Caseload import: one row.
ROW_ID_REQUIRED = N_("Enter the young person's id from your case system")
ROW_ID_INVALID = N_("Ids can have letters, numbers and . _ / - only, up to 64 characters")
ROW_ID_DUPLICATE = N_("This id is also on row %(row)s. Each young person must be on one row")
ROW_DUPLICATE = N_("This row is the same as row %(row)s")
ROW_NAME_REQUIRED = N_("Enter the young person's full name")
ROW_NAME_TOO_LONG = N_("The name must be 160 characters or fewer")
ROW_DOB_REQUIRED = N_("Enter a date of birth")
ROW_DOB_INVALID = N_("We cannot read this date. Use day, month, year, for example 17/05/2006 or 2006-05-17")
ROW_DOB_TWO_DIGIT_YEAR = N_("Use a 4-digit year, for example 17/05/2006")
ROW_DOB_FUTURE = N_("This date of birth is in the future")
ROW_DOB_TOO_OLD = N_("They would be %(age)s. Waymark is for young people up to 25")
ROW_STATUS_UNKNOWN = N_("Use one of: eligible, relevant, former relevant, qualifying")
ROW_WORKER_REQUIRED = N_("Enter the email of their personal adviser")
ROW_WORKER_UNKNOWN = N_("No personal adviser in your council has this email. Add them on the Staff page first")
ROW_YES_NO = N_("Use yes or no")

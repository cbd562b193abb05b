"""Words for consultations (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

KIND_LABELS = {
    "text": N_("Write an answer"),
    "single": N_("Choose one"),
    "multiple": N_("Choose any"),
    "feelings": N_("How do you feel? (faces)"),
}
FEELINGS = {
    1: (N_("Very unhappy"), "😢"),
    2: (N_("Unhappy"), "🙁"),
    3: (N_("Not sure"), "😐"),
    4: (N_("Happy"), "🙂"),
    5: (N_("Very happy"), "😀"),
}
BAND_LABELS = {
    "under_13": N_("Under 13"),
    "13_15": N_("13 to 15"),
    "16_17": N_("16 to 17"),
    "18_20": N_("18 to 20"),
    "21_25": N_("21 to 25"),
}
STATUS_LABELS = {"draft": N_("Draft"), "scheduled": N_("Not open yet"), "open": N_("Open"), "closed": N_("Closed")}

TITLE_REQUIRED = N_("Enter a title")
TITLE_TOO_LONG = N_("The title must be 120 characters or fewer")
SUMMARY_REQUIRED = N_("Enter a short summary young people will read")
SUMMARY_TOO_LONG = N_("The summary must be 1000 characters or fewer")
DATE_INVALID = N_("Enter a real date, for example 27 3 2027")
CLOSES_BEFORE_OPENS = N_("The closing date must be on or after the opening date")
CLOSES_IN_PAST = N_("The closing date has passed. Change it before you publish")
AUDIENCE_INVALID = N_("Choose from the list")
LOCKED = N_("This consultation is open, so its questions cannot change")
NO_QUESTIONS = N_("Add at least one question before you publish")
NOT_OPEN = N_("Only an open consultation can be closed")
KIND_INVALID = N_("Choose the type of question")
QUESTION_REQUIRED = N_("Enter the question")
QUESTION_TOO_LONG = N_("The question must be 500 characters or fewer")
OPTIONS_NEEDED = N_("Enter at least 2 choices, one on each line")
OPTIONS_TOO_MANY = N_("Enter up to 12 choices, each 120 characters or fewer")
UNKNOWN_QUESTION = N_("This form has a question that is not in the consultation. Reload the page and try again")
ANSWER_REQUIRED = N_("Please answer this question")
TEXT_TOO_LONG = N_("Please keep your answer to 2000 characters or fewer")
CHOICE_INVALID = N_("Choose one of the answers shown")
MODE_INVALID = N_("Choose how you want to answer")
CLOSED_NOW = N_("Sorry, this consultation has closed, so we cannot take new answers")
ALREADY_ANSWERED = N_("You have already answered this consultation. Thank you!")
NOTHING_ANSWERED = N_("Answer at least one question before you send")
KEY_REUSED = N_("This form was already sent with different answers. Reload the page to answer again")

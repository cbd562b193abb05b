"""Words for priority rounds (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

STATE_LABELS = {
    "draft": N_("Draft"),
    "scheduled": N_("Opens later"),
    "open": N_("Open"),
    "closed": N_("Closed"),
}

TITLE_REQUIRED = N_("Enter a short title")
TITLE_TOO_LONG = N_("The title must be 120 characters or fewer")
SUMMARY_REQUIRED = N_("Say in a sentence or two what young people are choosing, and why")
SUMMARY_TOO_LONG = N_("The summary must be 2000 characters or fewer")
THEMES_TOO_FEW = N_("Choose at least 2 themes for young people to choose between")
THEME_UNKNOWN = N_("Choose themes from the list")
VOTES_INVALID = N_("Give each young person from 1 to 10 votes")
DATE_INVALID = N_("Enter a real date, for example 2026-11-24")
CLOSES_BEFORE_OPENS = N_("The closing date must be on or after the opening date")
CLOSES_IN_PAST = N_("The closing date has passed. Choose a later one before you open the round")
LOCKED = N_("This round is open, so it can no longer be changed. Close it and start a new one instead")
NOT_OPEN = N_("This round is not open")

VOTE_NOT_A_NUMBER = N_("Enter a whole number, like 0, 1 or 2")
VOTE_TOO_MANY_ONE = N_("You can give one thing up to %(max)s votes")
VOTES_NONE = N_("Give at least 1 vote to the thing that matters most to you")
VOTES_TOO_MANY = N_("You have %(max)s votes. You used %(used)s. Take some away")
ALREADY_VOTED = N_("You have already voted in this round. Your first votes count")
CLOSED_NOW = N_("This round has closed, so we could not count your votes")
THEME_NOT_ON_BALLOT = N_("Choose from the things on this page")

"""The headings of a pathway plan. They follow what a plan must cover (Care Leavers
(England) Regulations 2010, Schedule 1; see ../shared/FACTS.md), in the words young
people told us they understand, each with a one-line explanation."""

from __future__ import annotations

from dataclasses import dataclass

from waymark.web.i18n import N_


@dataclass(frozen=True)
class Heading:
    key: str
    title: str
    explanation: str


HEADINGS: tuple[Heading, ...] = (
    Heading("contact_support", N_("Contact and support"), N_("Who helps you, and how often you meet them.")),
    Heading("education", N_("Education or training"), N_("School, college, university or a course.")),
    Heading("employment", N_("Work"), N_("Getting a job, or other things you do in the day.")),
    Heading("accommodation", N_("Where you live"), N_("Your home now, and where you will live next.")),
    Heading("family", N_("Family and friends"), N_("Seeing the people who matter to you.")),
    Heading("living_skills", N_("Living skills"), N_("Cooking, bills, shopping and looking after a home.")),
    Heading("money", N_("Money"), N_("Your money, and the help you can get with it.")),
    Heading("health", N_("Health and feeling well"), N_("Your body, your mind and how you feel.")),
    Heading("identity", N_("Who I am"), N_("Your culture, faith and the things that make you who you are.")),
    Heading("contingency", N_("If things go wrong"), N_("What happens if the plan stops working.")),
)
HEADING_KEYS = tuple(h.key for h in HEADINGS)
BY_KEY = {h.key: h for h in HEADINGS}

STATUSES = ("not_started", "in_progress", "done", "stuck")
STATUS_LABELS = {
    "not_started": N_("Not started"),
    "in_progress": N_("Doing it"),
    "done": N_("Done"),
    "stuck": N_("Stuck"),
}
OWNERS = ("me", "adviser", "named")
FEEDBACK_KINDS = {"not_sure": N_("I'm not sure"), "disagree": N_("I disagree")}

# What the plan templates of both sides (and the record page) need.
PLAN_CONTEXT = {"headings": HEADINGS, "status_labels": STATUS_LABELS, "feedback_kinds": FEEDBACK_KINDS}

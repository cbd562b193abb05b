"""Words for a young person's own data (translated when shown; tests assert on them)."""

from waymark.web.i18n import N_

CONFIRM_REQUIRED = N_("Tick the box to say you understand what happens when you delete your account")

# What changed in a plan (plan_change object_type.action), in plain words.
PLAN_CHANGES = {
    "step.add": N_("A step was added"),
    "step.edit": N_("A step was changed"),
    "step.move_up": N_("A step was moved"),
    "step.move_down": N_("A step was moved"),
    "words.save": N_("Your words were saved"),
    "feedback.give": N_("You said what you think about a step"),
    "feedback.answer": N_("Your adviser answered what you said about a step"),
    "review_request.make": N_("You asked for a review"),
    "review_request.answer": N_("Your adviser answered your review request"),
    "review.record": N_("Your plan was reviewed"),
}
STEP_OWNERS = {"me": N_("You"), "adviser": N_("Your adviser")}
LOGGED_BY = {"worker": N_("Your worker"), "young_person": N_("You")}
MODE_LABELS = {"standard": N_("Standard"), "easy": N_("Easy read"), "assisted": N_("With help")}
ANSWER_STATES = {
    "pending": N_("Waiting to be checked"),
    "approved": N_("Used"),
    "rejected": N_("Not used"),
    "safeguard": N_("Passed to the person at the council who keeps young people safe"),
}
VIEW_LABELS = {"young_person.view": N_("Looked at your record"), "handover.view": N_("Read your handover")}

"""Demo plans for the demo young people (see waymark/demo.py): steps done, in
progress, late and stuck; a disagreement waiting for an answer and one answered; a
review request; a review that is late."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from waymark.identity.models import User
from waymark.pathway.models import PathwayPlan, PlanStep, PlanWords, ReviewRequest, StepFeedback

# (heading, text, owner, owner_name, due in days from today or None, status)
PLANS: dict[str, dict] = {
    "amara": {
        "reviewed_days_ago": 150,
        "steps": [
            (
                "contact_support",
                "Meet Priya every 8 weeks, at a café near uni or on a video call.",
                "adviser",
                None,
                20,
                "in_progress",
            ),
            ("education", "Finish the second year of your nursing degree.", "me", None, 200, "in_progress"),
            ("education", "Apply for the higher education bursary for next year.", "adviser", None, None, "done"),
            ("accommodation", "Sort out where you live in the summer holidays.", "adviser", None, 45, "not_started"),
            ("money", "Check your student finance and bursary payments add up.", "me", None, -10, "stuck"),
            ("health", "Register with the GP near your university.", "me", None, None, "done"),
            ("family", "Plan a visit to your brother in Leeds.", "me", None, 60, "not_started"),
            (
                "identity",
                "Get a copy of your birth certificate so you can get a passport.",
                "adviser",
                None,
                -20,
                "in_progress",
            ),
            ("living_skills", "Cook three meals a week on a budget.", "me", None, None, "in_progress"),
            (
                "contingency",
                "If your course stops, call Priya that week. We will look at Staying Close.",
                "named",
                "Leaving care team",
                None,
                "not_started",
            ),
        ],
        "words": {"accommodation": "I want to stay near uni all year, not go back to Riverside in the summer."},
        "feedback": [(3, "disagree", "I want to stay in my uni flat in the summer.", None)],
        "review_request": None,
    },
    "kai": {
        "reviewed_days_ago": 190,
        "steps": [
            ("accommodation", "View the flat on Mill Street with Priya.", "adviser", None, 7, "not_started"),
            ("accommodation", "Set up gas and electric for your new flat.", "me", None, 30, "not_started"),
            (
                "money",
                "Use your setting-up-home allowance list to choose furniture.",
                "adviser",
                None,
                14,
                "in_progress",
            ),
            ("education", "Start the bricklaying course at Riverside College.", "me", None, 60, "not_started"),
            ("living_skills", "Practise budgeting with the money app.", "me", None, -3, "stuck"),
            (
                "contact_support",
                "Talk to Priya on the phone every week until you move.",
                "adviser",
                None,
                None,
                "in_progress",
            ),
            ("health", "Book a dentist check-up.", "me", None, 21, "not_started"),
        ],
        "words": {"accommodation": "I want a flat near the bus station so I can get to college."},
        "feedback": [],
        "review_request": "I want to talk about moving before my birthday.",
    },
    "leah": {
        "reviewed_days_ago": 40,
        "steps": [
            (
                "education",
                "Go to the open day at Riverside College with Sue.",
                "named",
                "Sue (your foster carer)",
                21,
                "not_started",
            ),
            ("health", "Book an eye test.", "adviser", None, None, "done"),
            ("contact_support", "Priya visits you at home every 4 weeks.", "adviser", None, None, "in_progress"),
            (
                "identity",
                "Make your life story book with your social worker.",
                "named",
                "Your social worker",
                None,
                "in_progress",
            ),
            ("family", "Phone your nan on Sundays.", "me", None, None, "in_progress"),
            ("living_skills", "Learn to use the washing machine.", "me", None, 14, "not_started"),
        ],
        "words": {"education": "I like art. I want a course where I can draw."},
        "feedback": [
            (
                0,
                "not_sure",
                "I'm not sure I want to go to college.",
                "That's OK. We can look at other courses too. Let's talk on Friday.",
            )
        ],
        "review_request": None,
    },
    "sam": {
        "reviewed_days_ago": 60,
        "steps": [
            ("employment", "Ask your manager about more hours.", "me", None, 10, "in_progress"),
            ("money", "Check if you can get help with childcare costs.", "adviser", None, 30, "not_started"),
            ("accommodation", "Renew your tenancy in March.", "me", None, 100, "not_started"),
            (
                "contact_support",
                "Call Tom every 3 months, or sooner if you need.",
                "adviser",
                None,
                None,
                "in_progress",
            ),
            ("family", "Find a parent and baby group near you.", "me", None, None, "done"),
        ],
        "words": {},
        "feedback": [],
        "review_request": None,
    },
    "noor": {
        "reviewed_days_ago": 30,
        "steps": [
            ("education", "Apply for the apprenticeship at the hospital.", "me", None, -5, "in_progress"),
            ("accommodation", "Staying Put with your carers until you are 21.", "adviser", None, None, "in_progress"),
            ("money", "Open a savings account.", "me", None, 40, "not_started"),
        ],
        "words": {},
        "feedback": [],
        "review_request": None,
    },
}


def seed_demo_plans(session: Session, *, young_people: dict[str, User], advisers: dict[str, User], today: date) -> int:
    """One plan per demo young person. ``advisers`` maps username to their adviser."""
    count = 0
    for username, spec in PLANS.items():
        person, adviser = young_people[username], advisers[username]
        assert person.id is not None and adviser.id is not None
        started = datetime.combine(today - timedelta(days=300), time(9), tzinfo=UTC)
        plan = PathwayPlan(
            tenant_id=person.tenant_id,
            young_person_id=person.id,
            created_at=started,
            last_reviewed_on=today - timedelta(days=spec["reviewed_days_ago"]),
        )
        session.add(plan)
        session.flush()
        assert plan.id is not None
        steps = []
        positions: dict[str, int] = {}
        for heading, text, owner, owner_name, due_in, status in spec["steps"]:
            positions[heading] = positions.get(heading, 0) + 1
            step = PlanStep(
                plan_id=plan.id,
                heading=heading,
                text=text,
                owner=owner,
                owner_name=owner_name,
                due_on=None if due_in is None else today + timedelta(days=due_in),
                status=status,
                position=positions[heading],
                created_at=started,
                updated_at=started,
                updated_by_id=adviser.id,
            )
            session.add(step)
            steps.append(step)
        session.flush()
        for heading, text in spec["words"].items():
            session.add(PlanWords(plan_id=plan.id, heading=heading, text=text, updated_at=started))
        for index, kind, comment, response in spec["feedback"]:
            step_id = steps[index].id
            assert step_id is not None
            answered = started + timedelta(days=1) if response else None
            session.add(
                StepFeedback(
                    plan_id=plan.id,
                    step_id=step_id,
                    kind=kind,
                    comment=comment,
                    created_at=started,
                    response=response,
                    responded_by_id=adviser.id if response else None,
                    responded_at=answered,
                )
            )
        if spec["review_request"]:
            session.add(ReviewRequest(plan_id=plan.id, note=spec["review_request"]))
        count += 1
    return count

"""The pathway plan over HTTP: pages pass the page checker, forms keep input and
explain errors, stale edits are refused, and /plan's cost does not grow with the plan."""

import gzip
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.identity.sessions import COOKIE, actor_for_token
from waymark.pathway import messages as m
from waymark.pathway import service
from waymark.pathway.models import PlanStep, PlanWords, StepFeedback


def as_actor(db_session, client):
    return actor_for_token(db_session, client.cookies.get(COOKIE))


@pytest.fixture
def plan(db_session, world):
    """A plan for world.yp made by world.pa, with one step per status."""
    from waymark.identity.sessions import session_create
    from waymark.settings import Settings

    token = session_create(db_session, user=world.pa, settings=Settings(_env_file=None))
    db_session.commit()
    pa = actor_for_token(db_session, token)
    steps = [
        service.step_add(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            heading="accommodation",
            text="Look at flats with your adviser",
            due_on=clock.today() - timedelta(days=3),
        ),
        service.step_add(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            heading="money",
            text="Apply for the setting-up-home allowance",
            status="in_progress",
        ),
    ]
    return pa, steps


def test_young_person_reads_their_plan(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/plan")
    assert page.status_code == 200
    text = page.text
    assert "What happens next" in text and "Look at flats with your adviser" in text
    assert "This is late" in text  # the overdue step, said kindly
    assert 'href="/glossary/setting-up-home-allowance"' in text  # jargon links to the glossary
    assert text.count('class="plan-part"') == 10  # every heading of a pathway plan
    assert "Your plan has not been reviewed yet." in text


def test_young_person_without_a_plan_is_told_so(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/plan")
    assert page.status_code == 200 and "has not started your plan" in page.text
    assert client.get("/plan/print").status_code == 200


def test_my_words_are_saved_and_too_long_words_are_kept_with_an_error(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/plan/words/money").text)
    long = "x" * 1001
    failed = client.post("/plan/words/money", data={"csrf_token": token, "words": long})
    assert failed.status_code == 422 and m.WORDS_TOO_LONG in failed.text and long in failed.text
    assert db_session.exec(select(PlanWords)).all() == []
    saved = client.post("/plan/words/money", data={"csrf_token": token, "words": "Help me save for a bike"})
    assert saved.status_code == 303 and saved.headers["location"] == "/plan?sent=words#money"
    assert "Help me save for a bike" in client.get("/plan").text
    assert client.get("/plan/words/not-a-heading").status_code == 404


def test_feedback_needs_a_choice_and_reaches_the_adviser(client, db_session, world, plan):
    _pa, steps = plan
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get(f"/plan/steps/{steps[0].id}").text)
    missing = client.post(f"/plan/steps/{steps[0].id}/feedback", data={"csrf_token": token, "comment": "hmm"})
    assert missing.status_code == 422 and m.FEEDBACK_KIND_REQUIRED in missing.text and ">hmm</textarea>" in missing.text
    sent = client.post(
        f"/plan/steps/{steps[0].id}/feedback",
        data={"csrf_token": token, "kind": "disagree", "comment": "I like my room"},
    )
    assert sent.status_code == 303
    assert db_session.exec(select(StepFeedback)).one().comment == "I like my room"
    client.cookies.clear()
    factories.sign_in(client, db_session, world.pa)
    record = client.get(f"/staff/young-people/{world.yp.id}")
    assert "Waiting for your answer" in record.text and "I like my room" in record.text


def test_young_person_cannot_reach_another_plans_step(client, db_session, world, plan):
    other = factories.make_young_person(db_session, world.a, name="Other Person")
    factories.sign_in(client, db_session, other)
    _pa, steps = plan
    assert client.get(f"/plan/steps/{steps[0].id}").status_code == 404
    token = factories.csrf_from(client.get("/plan").text)
    response = client.post(f"/plan/steps/{steps[0].id}/feedback", data={"csrf_token": token, "kind": "disagree"})
    assert response.status_code == 404
    assert db_session.exec(select(StepFeedback)).all() == []


def test_adviser_adds_a_step_and_bad_input_is_explained_and_kept(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    url = f"/staff/young-people/{world.yp.id}/plan/steps"
    bad_date = client.post(
        url,
        data={
            "csrf_token": token,
            "heading": "education",
            "text": "Enrol at college",
            "owner": "me",
            "due_on": "31/02/2027",
            "status": "not_started",
        },
    )
    assert bad_date.status_code == 422 and m.DUE_DATE_INVALID in bad_date.text
    assert "Enrol at college" in bad_date.text and 'href="#add-due_on"' in bad_date.text
    empty = client.post(url, data={"csrf_token": token, "heading": "education", "text": " ", "owner": "me"})
    assert empty.status_code == 422 and m.STEP_TEXT_REQUIRED in empty.text
    too_long = client.post(url, data={"csrf_token": token, "heading": "education", "text": "y" * 501})
    assert too_long.status_code == 422 and m.STEP_TEXT_TOO_LONG in too_long.text
    assert len(db_session.exec(select(PlanStep)).all()) == 2
    ok = client.post(
        url,
        data={
            "csrf_token": token,
            "heading": "education",
            "text": "Enrol at college",
            "owner": "named",
            "owner_name": "College support",
            "due_on": "2027-02-28",
            "status": "not_started",
        },
    )
    assert ok.status_code == 303
    added = db_session.exec(select(PlanStep).where(PlanStep.text == "Enrol at college")).one()
    assert added.owner_name == "College support" and added.due_on.isoformat() == "2027-02-28"


def test_stale_edit_is_refused_with_the_input_kept(client, db_session, world, plan):
    pa, steps = plan
    factories.sign_in(client, db_session, world.pa)
    step = steps[0]
    form = client.get(f"/staff/young-people/{world.yp.id}/plan/steps/{step.id}")
    assert form.status_code == 200 and f'action="/staff/young-people/{world.yp.id}/plan/steps/{step.id}"' in form.text
    token = factories.csrf_from(form.text)
    # Someone else saves first.
    service.step_update(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        step_id=step.id,
        expected_version=1,
        text="Changed by someone else",
        owner="adviser",
        owner_name=None,
        due_on=None,
        status="in_progress",
    )
    response = client.post(
        f"/staff/young-people/{world.yp.id}/plan/steps/{step.id}",
        data={"csrf_token": token, "version": "1", "text": "My edit", "owner": "me", "status": "done"},
    )
    assert response.status_code == 422 and m.STALE_EDIT in response.text and "My edit" in response.text
    db_session.refresh(step)
    assert step.text == "Changed by someone else"


def test_step_from_another_plan_is_not_found(client, db_session, world, plan):
    _pa, steps = plan
    other_step_owner = factories.make_young_person(db_session, world.a, name="Second Person")
    factories.assign(db_session, world.pa, other_step_owner)
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{other_step_owner.id}").text)
    response = client.post(
        f"/staff/young-people/{other_step_owner.id}/plan/steps/{steps[0].id}",
        data={"csrf_token": token, "version": "1", "text": "x", "owner": "me", "status": "done"},
    )
    assert response.status_code == 404


def test_htmx_edit_form_and_plain_language_helper(client, db_session, world, plan):
    _pa, steps = plan
    factories.sign_in(client, db_session, world.pa)
    page = client.get(f"/staff/young-people/{world.yp.id}")
    token = factories.csrf_from(page.text)
    assert f'hx-get="/staff/young-people/{world.yp.id}/plan/steps/{steps[0].id}"' in page.text
    helper = client.post(
        "/staff/plain-language",
        headers={"hx-request": "true", "x-csrf-token": token},
        data={
            "text": "The local authority will undertake an assessment of your Staying Put "
            "arrangement and your EET status."
        },
    )
    assert helper.status_code == 200 and "<html" not in helper.text
    assert "Reads above age 12" in helper.text and "Staying Put" in helper.text and "EET" in helper.text


def test_a_review_restarts_the_countdown(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    url = f"/staff/young-people/{world.yp.id}/plan/reviews"
    future = client.post(
        url,
        data={
            "csrf_token": token,
            "reviewed_on": (clock.today() + timedelta(days=2)).isoformat(),
            "summary": "Met and agreed",
        },
    )
    assert future.status_code == 422 and m.REVIEW_DATE_FUTURE in future.text
    no_date = client.post(url, data={"csrf_token": token, "reviewed_on": "", "summary": "Met"})
    assert no_date.status_code == 422 and m.REVIEW_DATE_INVALID in no_date.text
    ok = client.post(
        url, data={"csrf_token": token, "reviewed_on": clock.today().isoformat(), "summary": "Met and agreed the plan"}
    )
    assert ok.status_code == 303
    client.cookies.clear()
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/plan").text
    assert "Last review:" in page and "What your review said:</strong> Met and agreed the plan" in page


def test_tampered_move_and_status_requests_are_400(client, db_session, world, plan):
    _pa, steps = plan
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    base = f"/staff/young-people/{world.yp.id}/plan/steps/{steps[0].id}"
    assert client.post(base + "/move", data={"csrf_token": token, "direction": "sideways"}).status_code == 400
    assert (
        client.post(base + "/status", data={"csrf_token": token, "status": "maybe", "version": "1"}).status_code == 400
    )
    assert (
        client.post(base + "/status", data={"csrf_token": token, "status": "done", "version": "x"}).status_code == 400
    )


def test_complete_reopen_and_move_work_without_javascript(client, db_session, world, plan):
    """Plain form posts (no htmx): each answers with a redirect back to the step."""
    from waymark.pathway.models import PlanStep

    _pa, steps = plan
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    first = f"/staff/young-people/{world.yp.id}/plan/steps/{steps[0].id}"
    done = client.post(first + "/status", data={"csrf_token": token, "status": "done", "version": "1"})
    assert done.status_code == 303 and done.headers["location"].endswith(f"#step-{steps[0].id}")
    db_session.expire_all()
    assert db_session.get(PlanStep, steps[0].id).status == "done"
    reopened = client.post(first + "/status", data={"csrf_token": token, "status": "not_started", "version": "2"})
    assert reopened.status_code == 303
    stale = client.post(first + "/status", data={"csrf_token": token, "status": "done", "version": "1"})
    assert stale.status_code in (409, 422) and "changed" in stale.text
    second = service.step_add(
        db_session, actor=_pa, young_person_id=world.yp.id, heading="accommodation", text="Visit the flat"
    )
    moved = client.post(
        f"/staff/young-people/{world.yp.id}/plan/steps/{second.id}/move", data={"csrf_token": token, "direction": "up"}
    )
    assert moved.status_code == 303
    db_session.expire_all()
    view = service.plan_view_for_staff(db_session, actor=_pa, young_person_id=world.yp.id)
    assert [s.text for s in view.steps_under("accommodation")] == ["Visit the flat", "Look at flats with your adviser"]


def test_a_step_from_another_council_is_not_found(client, db_session, world, plan):
    b_pa = actor_for_token(db_session, session_token(db_session, world.b_pa))
    other = service.step_add(db_session, actor=b_pa, young_person_id=world.b_yp.id, heading="money", text="Bank")
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    url = f"/staff/young-people/{world.yp.id}/plan/steps/{other.id}"
    assert client.get(url).status_code == 404
    assert client.post(url + "/status", data={"csrf_token": token, "status": "done", "version": "1"}).status_code == 404
    client.cookies.clear()
    factories.sign_in(client, db_session, world.yp)
    token = factories.csrf_from(client.get("/plan").text)
    feedback = client.post(
        f"/plan/steps/{other.id}/feedback", data={"csrf_token": token, "kind": "disagree", "comment": "No"}
    )
    assert feedback.status_code == 404


def session_token(db_session, user):
    from waymark.identity.sessions import session_create
    from waymark.settings import Settings

    token = session_create(db_session, user=user, settings=Settings(_env_file=None))
    db_session.commit()
    return token


def test_manager_reads_the_plan_but_cannot_change_it(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    page = client.get(f"/staff/young-people/{world.other_yp.id}")
    assert page.status_code == 200 and "Add a step" not in page.text
    page = client.get(f"/staff/young-people/{world.yp.id}")
    assert "Look at flats with your adviser" in page.text and "Mark done" not in page.text


def test_inbox_shows_plan_changes_once_as_new(client, db_session, world, plan):
    factories.sign_in(client, db_session, world.yp)
    first = client.get("/inbox")
    assert first.text.count("Your adviser updated your plan") == 2 and "New" in first.text
    assert 'class="new-label"' not in client.get("/inbox").text


def count_queries(engine):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(engine, "before_cursor_execute", before)


def test_plan_page_costs_the_same_queries_for_5_or_40_steps_and_stays_small(client, db_session, world, plan, engine):
    pa, _steps = plan
    factories.sign_in(client, db_session, world.yp)
    for n in range(3):
        service.step_add(db_session, actor=pa, young_person_id=world.yp.id, heading="health", text=f"Health step {n}")
    statements, stop = count_queries(engine)
    client.get("/plan")
    small = len(statements)
    statements.clear()
    clock.advance(timedelta(seconds=1))  # the adviser adds steps a moment later: the next visit shows them as new
    headings = [
        "contact_support",
        "education",
        "employment",
        "accommodation",
        "family",
        "living_skills",
        "money",
        "health",
        "identity",
        "contingency",
    ]
    for n in range(35):
        service.step_add(
            db_session,
            actor=pa,
            young_person_id=world.yp.id,
            heading=headings[n % 10],
            text=f"Step number {n}: talk to your personal adviser about your pathway plan and money.",
            due_on=clock.today() + timedelta(days=n),
            status=["not_started", "in_progress", "stuck"][n % 3],
        )
    statements.clear()
    page = client.get("/plan", headers={"accept-encoding": "identity"})
    stop()
    assert page.text.count('<li class="step') >= 40
    assert len(statements) == small, f"{small} queries for 5 steps, {len(statements)} for 40"
    size = len(gzip.compress(page.content))
    shown = page.text.count('<li class="step')
    print(f"/plan with {shown} steps: {len(statements)} queries, {size} bytes gzip")
    assert len(gzip.compress(page.content)) <= 14 * 1024


def test_history_shows_who_changed_what_before_and_after(client, db_session, world, plan):
    pa, steps = plan
    service.step_update(
        db_session,
        actor=pa,
        young_person_id=world.yp.id,
        step_id=steps[0].id,
        expected_version=1,
        text="Look at two flats",
        owner="adviser",
        owner_name=None,
        due_on=None,
        status="in_progress",
    )
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    page = client.get(f"/staff/young-people/{world.yp.id}/plan/history")
    assert page.status_code == 200
    assert world.pa.full_name in page.text and "step.edit" in page.text
    assert "Look at flats with your adviser" in page.text and "Look at two flats" in page.text

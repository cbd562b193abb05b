"""Priority rounds: the officer's drafts and opening, young people's votes (named,
anonymous, easy read, assisted), one ballot each, and results with disclosure control."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlmodel import select

from tests import factories
from tests.factories import actor
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.errors import InputError
from waymark.insights.disclosure import FEWER, HIDDEN, SHOWN
from waymark.priorities import messages as m
from waymark.priorities import service
from waymark.priorities.models import PriorityBallot, PriorityRound, PriorityVote, PriorityVoter

THEMES = ["housing", "money", "contact_with_worker", "health_mental_health"]


def good(**changes) -> service.RoundInput:
    values = dict(
        title="What should we fix first in 2027?",
        summary="Spread your 3 votes across the things you want us to work on first.",
        easy_summary="Pick what matters most to you.",
        themes=THEMES,
        votes="3",
        opens_on=clock.today().isoformat(),
        closes_on=(clock.today() + timedelta(days=14)).isoformat(),
    )
    values.update(changes)
    return service.RoundInput(**values)


def officer(db_session, world):
    return actor(db_session, world.staff_by_role["participation_officer"])


def open_round(db_session, world, **changes) -> PriorityRound:
    created = service.create(db_session, actor=officer(db_session, world), data=good(**changes))
    return service.open_round(db_session, actor=officer(db_session, world), round_id=created.id)


def cast(db_session, world, round_, votes, *, anonymous=True, person=None):
    person = person or factories.make_young_person(db_session, world.a)
    return service.vote(
        db_session,
        actor=actor(db_session, person),
        round_id=round_.id,
        raw={f"v-{k}": str(v) for k, v in votes.items()},
        anonymous=anonymous,
        mode="standard",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", m.TITLE_REQUIRED),
        ({"title": "x" * 121}, "title", m.TITLE_TOO_LONG),
        ({"summary": ""}, "summary", m.SUMMARY_REQUIRED),
        ({"themes": ["housing"]}, "themes", m.THEMES_TOO_FEW),
        ({"themes": ["housing", "nonsense"]}, "themes", m.THEME_UNKNOWN),
        ({"votes": "0"}, "votes", m.VOTES_INVALID),
        ({"votes": "11"}, "votes", m.VOTES_INVALID),
        ({"votes": "three"}, "votes", m.VOTES_INVALID),
        ({"opens_on": "24/11/2026"}, "opens_on", m.DATE_INVALID),
        ({"closes_on": "2026-02-30"}, "closes_on", m.DATE_INVALID),
        ({"closes_on": (clock.today() - timedelta(days=400)).isoformat()}, "closes_on", m.CLOSES_BEFORE_OPENS),
    ],
)
def test_bad_rounds_are_refused_and_nothing_is_stored(db_session, world, changes, field, message):
    with pytest.raises(InputError) as caught:
        service.create(db_session, actor=officer(db_session, world), data=good(**changes))
    assert caught.value.errors[field] == message
    assert db_session.exec(select(PriorityRound)).all() == []


def test_only_the_officer_runs_rounds_and_an_open_ballot_never_changes(db_session, world):
    with pytest.raises(service.Forbidden):
        service.create(db_session, actor=actor(db_session, world.staff_by_role["manager"]), data=good())
    draft = service.create(db_session, actor=officer(db_session, world), data=good())
    # Themes are kept in the themes file's order.
    assert draft.state == "draft" and draft.themes == [
        "contact_with_worker",
        "housing",
        "health_mental_health",
        "money",
    ]
    young = actor(db_session, world.yp)
    with pytest.raises(service.NotFound):  # a draft is not there for young people
        service.for_young_person(db_session, actor=young, round_id=draft.id)
    service.update(db_session, actor=officer(db_session, world), round_id=draft.id, data=good(votes="5"))
    service.open_round(db_session, actor=officer(db_session, world), round_id=draft.id)
    with pytest.raises(InputError) as caught:
        service.update(db_session, actor=officer(db_session, world), round_id=draft.id, data=good(votes="2"))
    assert caught.value.errors == {"form": m.LOCKED}
    assert db_session.get(PriorityRound, draft.id).votes == 5
    with pytest.raises(service.NotFound):  # another council's officer
        b_officer = factories.make_staff(db_session, world.b, "participation_officer")
        service.close(db_session, actor=actor(db_session, b_officer), round_id=draft.id)
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.object_type == "priority_round")).all()
    assert sorted(actions) == ["priorities.create", "priorities.open"]


def test_a_round_whose_closing_date_passed_cannot_open(db_session, world):
    past = (clock.today() - timedelta(days=1)).isoformat()
    draft = service.create(
        db_session,
        actor=officer(db_session, world),
        data=good(opens_on=(clock.today() - timedelta(days=5)).isoformat(), closes_on=past),
    )
    with pytest.raises(InputError) as caught:
        service.open_round(db_session, actor=officer(db_session, world), round_id=draft.id)
    assert caught.value.errors == {"closes_on": m.CLOSES_IN_PAST}


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({}, "votes", m.VOTES_NONE),
        ({"v-housing": "0", "v-money": ""}, "votes", m.VOTES_NONE),
        ({"v-housing": "2", "v-money": "2"}, "votes", m.VOTES_TOO_MANY),
        ({"v-housing": "4"}, "v-housing", m.VOTE_TOO_MANY_ONE),
        ({"v-housing": "-1"}, "v-housing", m.VOTE_NOT_A_NUMBER),
        ({"v-housing": "1.5"}, "v-housing", m.VOTE_NOT_A_NUMBER),
        ({"v-housing": "lots"}, "v-housing", m.VOTE_NOT_A_NUMBER),
        ({"v-police_fairness": "1"}, "votes", m.THEME_NOT_ON_BALLOT),
    ],
)
def test_bad_votes_are_refused_and_nothing_is_stored(db_session, world, raw, field, message):
    round_ = open_round(db_session, world)
    with pytest.raises(InputError) as caught:
        service.vote(
            db_session, actor=actor(db_session, world.yp), round_id=round_.id, raw=raw, anonymous=False, mode="standard"
        )
    assert caught.value.errors[field] == message
    assert db_session.exec(select(PriorityBallot)).all() == []
    assert db_session.exec(select(PriorityVoter)).all() == []


def test_one_ballot_each_and_an_anonymous_one_holds_no_name(db_session, world):
    round_ = open_round(db_session, world)
    ballot = cast(db_session, world, round_, {"housing": 2, "money": 1}, anonymous=True, person=world.yp)
    assert ballot is not None and ballot.young_person_id is None and ballot.mode == "standard"
    assert ballot.cast_on == clock.today()
    # A second ballot (a double tap, or trying again) changes nothing.
    assert cast(db_session, world, round_, {"money": 3}, person=world.yp) is None
    votes = db_session.exec(select(PriorityVote.theme, PriorityVote.votes)).all()
    assert sorted(votes) == [("housing", 2), ("money", 1)]
    assert service.has_voted(db_session, round_id=round_.id, young_person_id=world.yp.id)
    assert service.my_votes(db_session, actor=actor(db_session, world.yp), round_id=round_.id) == {}
    named = cast(db_session, world, round_, {"contact_with_worker": 3}, anonymous=False, person=world.other_yp)
    assert named.young_person_id == world.other_yp.id
    assert service.my_votes(db_session, actor=actor(db_session, world.other_yp), round_id=round_.id) == {
        "contact_with_worker": 3
    }


def test_a_worker_votes_with_a_young_person_on_their_caseload_only(db_session, world):
    round_ = open_round(db_session, world)
    pa = actor(db_session, world.pa)
    ballot = service.vote(
        db_session,
        actor=pa,
        round_id=round_.id,
        raw={"v-housing": "3"},
        anonymous=True,
        mode="easy",
        young_person_id=world.yp.id,
    )
    assert (ballot.mode, ballot.young_person_id, ballot.assisted_by_id) == ("assisted", world.yp.id, world.pa.id)
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "priorities.assisted_vote")).one()
    assert event.subject_id == world.yp.id
    with pytest.raises(service.Forbidden):
        service.vote(
            db_session,
            actor=pa,
            round_id=round_.id,
            raw={"v-housing": "1"},
            anonymous=False,
            mode="assisted",
            young_person_id=world.other_yp.id,
        )


def test_closed_rounds_take_no_votes_and_young_people_see_results_only_then(db_session, world):
    round_ = open_round(db_session, world)
    young = actor(db_session, world.yp)
    with pytest.raises(service.NotFound):
        service.results(db_session, actor=young, round_id=round_.id)
    service.close(db_session, actor=officer(db_session, world), round_id=round_.id)
    with pytest.raises(InputError) as caught:
        cast(db_session, world, round_, {"housing": 1}, person=world.yp)
    assert caught.value.errors == {"form": m.CLOSED_NOW}
    assert service.results(db_session, actor=young, round_id=round_.id).round.id == round_.id
    with pytest.raises(service.Forbidden):
        service.results(db_session, actor=actor(db_session, world.pa), round_id=round_.id)
    with pytest.raises(service.NotFound):
        service.results(db_session, actor=actor(db_session, world.b_yp), round_id=round_.id)


def test_results_are_protected_and_ordered_by_what_is_shown(db_session, world):
    round_ = open_round(db_session, world)
    # 3 voters: too few for any breakdown.
    for _ in range(3):
        cast(db_session, world, round_, {"housing": 3})
    few = service.results(db_session, actor=officer(db_session, world), round_id=round_.id)
    assert few.voters.kind == FEWER and few.withheld
    assert {c.kind for c in few.votes.parts.values()} == {HIDDEN}
    # 12 voters: housing 27 votes, money 6, contact 3 (small), health 0.
    for _ in range(6):
        cast(db_session, world, round_, {"housing": 2, "money": 1})
    for _ in range(3):
        cast(db_session, world, round_, {"housing": 1, "contact_with_worker": 1})
    found = service.results(
        db_session, actor=actor(db_session, world.staff_by_role["panel_member"]), round_id=round_.id
    )
    parts = found.votes.parts
    assert found.voters.kind == SHOWN and found.voters.value == 12
    assert parts["contact_with_worker"].kind == FEWER
    # The total is shown, so one more count must be hidden or contact's 3 could be worked out.
    assert parts["money"].kind == HIDDEN and parts["housing"].value == 9 + 12 + 3
    assert parts["health_mental_health"].value == 0
    # Shown themes first by votes; suppressed ones after, in ballot order (never by their true size).
    assert found.order == ["housing", "health_mental_health", "contact_with_worker", "money"]
    export = service.results(db_session, actor=officer(db_session, world), round_id=round_.id, export=True)
    assert export.threshold == 10 and export.votes.parts["money"].kind != SHOWN


# ---------------------------------------------------------------------- HTTP
def test_young_person_votes_in_easy_read_with_errors_explained(client, db_session, world):
    round_ = open_round(db_session, world)
    factories.sign_in(client, db_session, world.yp)
    listing = client.get("/priorities")
    assert round_.title in listing.text and f'href="/priorities/{round_.id}?mode=easy"' in listing.text
    page = client.get(f"/priorities/{round_.id}?mode=easy")
    assert "Pick what matters most to you." in page.text and 'class="priority-vote easy"' in page.text
    token = factories.csrf_from(page.text)
    refused = client.post(
        f"/priorities/{round_.id}", data={"csrf_token": token, "mode": "easy", "v-housing": "2", "v-money": "2"}
    )
    assert refused.status_code == 422
    assert "You have 3 votes. You used 4. Take some away" in refused.text
    assert (
        'id="v-housing"' in refused.text
        and 'value="2"' in refused.text
        and 'class="priority-vote easy"' in refused.text
    )
    assert db_session.exec(select(PriorityBallot)).all() == []
    too_many = client.post(f"/priorities/{round_.id}", data={"csrf_token": token, "v-housing": "9"})
    assert too_many.status_code == 422 and "You can give one thing up to 3 votes" in too_many.text
    assert 'aria-invalid="true"' in too_many.text
    sent = client.post(
        f"/priorities/{round_.id}",
        data={"csrf_token": token, "mode": "easy", "v-housing": "2", "v-money": "1", "named": "yes"},
    )
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert "Thanks. Your votes are counted." in after.text and "Where I live: 2 votes" in after.text
    assert db_session.exec(select(PriorityBallot)).one().mode == "easy"
    again = client.post(f"/priorities/{round_.id}", data={"csrf_token": token, "v-money": "3"})
    assert again.status_code == 303 and len(db_session.exec(select(PriorityVote)).all()) == 2
    data = client.get("/me/data").text
    assert "You voted in: What should we fix first in 2027?" in data


def test_officer_opens_a_round_and_panel_reads_results(client, db_session, world):
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    page = client.get("/staff/priorities/new")
    token = factories.csrf_from(page.text)
    form = {
        "csrf_token": token,
        "title": "Priorities for 2027",
        "summary": "",
        "votes": "3",
        "opens_on": clock.today().isoformat(),
        "closes_on": "soon",
        "themes": ["housing"],
    }
    refused = client.post("/staff/priorities/new", data=form)
    assert refused.status_code == 422
    for message in (m.SUMMARY_REQUIRED, m.DATE_INVALID, m.THEMES_TOO_FEW):
        assert message in refused.text
    assert 'value="Priorities for 2027"' in refused.text
    form.update(
        summary="What should we work on first?",
        closes_on=(clock.today() + timedelta(days=7)).isoformat(),
        themes=["housing", "money"],
    )
    created = client.post("/staff/priorities/new", data=form)
    assert created.status_code == 303
    round_ = db_session.exec(select(PriorityRound)).one()
    assert client.post(f"/staff/priorities/{round_.id}/open", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/staff/priorities/{round_.id}/edit").status_code == 200
    db_session.expire_all()
    for _ in range(6):
        cast(db_session, world, round_, {"housing": 2, "money": 1})
    insights = client.get("/staff/insights")
    assert "What young people want us to work on first" in insights.text and "Priorities for 2027" in insights.text
    from tests.consultations.test_consultations import make_open
    from tests.updates.test_updates import answer

    consultation, questions = make_open(db_session, world)
    answer(db_session, world, consultation, questions)  # an export needs at least one response
    export = client.get("/staff/insights/export.csv").text
    # 6 voters is under the export threshold (10): no breakdown in the file.
    assert "Priorities for 2027,Young people who voted:,,fewer than 10" in export
    assert "Priorities for 2027,Votes,Where I live,hidden" in export
    client.cookies.clear()
    factories.sign_in(client, db_session, world.staff_by_role["panel_member"])
    results = client.get(f"/staff/priorities/{round_.id}")
    assert results.status_code == 200 and "<svg" in results.text
    assert 'Where I live</th><td class="num">12' in results.text
    assert "Start a priority round" not in client.get("/staff/priorities").text
    b_panel = factories.make_staff(db_session, world.b, "panel_member")
    client.cookies.clear()
    factories.sign_in(client, db_session, b_panel)
    assert client.get(f"/staff/priorities/{round_.id}").status_code == 404


def test_worker_records_votes_from_the_record_page(client, db_session, world):
    round_ = open_round(db_session, world)
    factories.sign_in(client, db_session, world.pa)
    record = client.get(f"/staff/young-people/{world.yp.id}")
    link = f"/staff/young-people/{world.yp.id}/priorities/{round_.id}"
    assert f'href="{link}"' in record.text
    page = client.get(link)
    token = factories.csrf_from(page.text)
    assert "Add my name to my votes" not in page.text  # always named when assisted
    sent = client.post(link, data={"csrf_token": token, "v-money": "3"})
    assert sent.status_code == 303
    assert "Their votes are saved, marked as assisted." in client.get(sent.headers["location"]).text
    ballot = db_session.exec(select(PriorityBallot)).one()
    assert (ballot.mode, ballot.young_person_id) == ("assisted", world.yp.id)


# ------------------------------------------------- screen and export together
def _ballots(votes: dict[str, int], voters: int, each: int) -> list[dict[str, int]]:
    """``voters`` ballots of 1 to ``each`` votes that add up to ``votes``."""
    pool = [theme for theme, n in votes.items() for _ in range(n)]
    assert voters <= len(pool) <= voters * each
    ballots: list[dict[str, int]] = [{} for _ in range(voters)]
    for i, theme in enumerate(pool):
        ballot = ballots[i] if i < voters else next(b for b in ballots if sum(b.values()) < each)
        ballot[theme] = ballot.get(theme, 0) + 1
    return ballots


def _possible(themes, each: int, views: list[service.Results]) -> dict[str, tuple[int, int]]:
    """What a reader holding every view can say about each theme's votes: the least
    and most it could be (scipy's milp). The reader knows the rules: each of the voters
    cast 1 to ``each`` votes, and what "fewer than n" and "hidden" mean; such totals can
    always be split into ballots, so the votes per theme are the unknowns."""
    n = len(themes)
    low, high = [0.0] * (n + 2), [np.inf] * (n + 2)  # themes, votes cast, voters
    for view in views:
        cells = [view.votes.parts[t] for t in themes] + [view.votes.total, view.voters]
        for i, c in enumerate(cells):
            if c.kind == SHOWN:
                low[i], high[i] = max(low[i], c.value), min(high[i], c.value)
            elif c.kind == FEWER:
                low[i], high[i] = max(low[i], 1), min(high[i], c.threshold - 1)
            elif not view.withheld:
                low[i] = max(low[i], c.threshold)
    rows = [[1] * n + [-1, 0], [0] * n + [-1, 1], [0] * n + [1, -each]]  # sum = cast; voters <= cast <= each x voters
    bounds = [(0, 0), (-np.inf, 0), (-np.inf, 0)]
    rows += [[1 if j == i else 0 for j in range(n)] + [0, -each] for i in range(n)]  # a theme <= each x voters
    bounds += [(-np.inf, 0)] * n
    constraint = LinearConstraint(np.array(rows), [b[0] for b in bounds], [b[1] for b in bounds])
    found = {}
    for i, theme in enumerate(themes):
        ends = []
        for sign in (1, -1):
            objective = np.zeros(n + 2)
            objective[i] = sign
            result = milp(objective, constraints=constraint, integrality=np.ones(n + 2), bounds=Bounds(low, high))
            assert result.status in (0, 3)
            ends.append(round(result.x[i]) if result.status == 0 else math.inf)
        found[theme] = (ends[0], ends[1])
    return found


THEMES_5 = ["housing", "money", "contact_with_worker", "health_mental_health", "education_work"]


def test_a_count_hidden_on_screen_is_not_given_away_by_the_export(db_session, world):
    """Decided apart, the screen hid money's 12 so that two 4s could not be worked out
    from the total, but the export (which hides both 4s as "fewer than 10" and needed
    nothing more) showed it: the two together give both 4s away."""
    votes = {"housing": 22, "money": 12, "contact_with_worker": 14, "health_mental_health": 4, "education_work": 4}
    round_ = open_round(db_session, world, themes=THEMES_5)
    for ballot in _ballots(votes, 30, 3):
        cast(db_session, world, round_, ballot)
    staff = officer(db_session, world)
    screen = service.results(db_session, actor=staff, round_id=round_.id)
    export = service.results(db_session, actor=staff, round_id=round_.id, export=True)
    assert screen.voters.value == 30 and screen.votes.total.value == 56
    assert screen.votes.parts["health_mental_health"].kind == FEWER
    possible = _possible(THEMES_5, 3, [screen, export])
    for theme in ("health_mental_health", "education_work"):
        assert possible[theme][0] < possible[theme][1], theme


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    each=st.integers(1, 5),
    sizes=st.lists(st.integers(0, 25), min_size=5, max_size=5),
    share=st.floats(0, 1),
    thresholds=st.sampled_from([(5, 10), (3, 8), (5, 5), (4, 12)]),
)
def test_no_small_vote_count_can_be_worked_out_from_screen_and_export(each, sizes, share, thresholds):
    """Any votes per theme with any number of voters who could have cast them (from
    votes/each to votes): ``_ballots`` shows such totals always split into ballots."""
    votes = dict(zip(THEMES_5, sizes, strict=True))
    cast_ = sum(sizes)
    fewest = -(-cast_ // each)
    voters = fewest + round(share * (cast_ - fewest))
    low, high = thresholds
    screen, export = service._decided(voters, tuple(votes.items()), each, low, high)
    views = [
        service.Results(round=None, voters=v, votes=p, order=[], threshold=t)  # type: ignore[arg-type]
        for (v, p), t in ((screen, low), (export, high))
    ]
    both, export_alone = _possible(THEMES_5, each, views), _possible(THEMES_5, each, views[1:])
    for theme, value in votes.items():
        if 0 < value < low and views[0].votes.parts[theme].kind != SHOWN:
            assert both[theme][0] < both[theme][1], (theme, votes)
        if 0 < value < high and views[1].votes.parts[theme].kind != SHOWN:
            assert export_alone[theme][0] < export_alone[theme][1], (theme, votes)

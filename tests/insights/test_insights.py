"""Insights: tallies kept as answers arrive and are moderated, the figures with
disclosure control, who we are not hearing from, quotes, the page and its export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from tests import factories
from tests.factories import actor, answers, approve, make_open
from waymark.consultations import service as consultations
from waymark.consultations.models import Answer, Response
from waymark.identity.permissions import Forbidden
from waymark.identity.service import NotFound
from waymark.insights import disclosure, service
from waymark.insights.models import ThemeLead, ThemeTally
from waymark.moderation import service as moderation
from waymark.outbox import service as outbox


def respond(
    db_session,
    world,
    consultation,
    questions,
    *,
    born=None,
    text=None,
    feeling="4",
    anonymous=False,
    quotes=True,
):
    person = factories.make_young_person(db_session, world.a, date_of_birth=born or factories.born(20, 190))
    fields = answers(questions, **{f"q{questions[0].id}": [feeling]})
    if text is not None:
        fields[f"q{questions[3].id}"] = [text]
    response = consultations.response_submit(
        db_session,
        actor=actor(db_session, person),
        consultation_id=consultation.id,
        raw=fields,
        anonymous=anonymous,
        mode="standard",
        quotes_allowed=quotes,
        key=outbox.new_key(),
        secret=b"s",
    )
    return person, response


def viewer(db_session, world, role="participation_officer"):
    return actor(db_session, world.staff_by_role[role])


def tallies(db_session, theme):
    return sum(t.responses for t in db_session.exec(select(ThemeTally).where(ThemeTally.theme == theme)))


# ------------------------------------------------------------------- tallies
def test_approved_themes_are_counted_once_per_response_and_rejections_not_at_all(db_session, world):
    consultation, questions = make_open(db_session, world)
    _p, first = respond(db_session, world, consultation, questions, text="My flat is cold and damp")
    _p, second = respond(db_session, world, consultation, questions, text="Rubbish")
    approve(db_session, world, first, ["housing", "money"])
    moderator = actor(db_session, world.staff_by_role["moderator"])
    answer = db_session.exec(select(Answer).where(Answer.response_id == second.id, Answer.text.is_not(None))).one()
    moderation.decide(
        db_session,
        actor=moderator,
        answer_id=answer.id,
        approve=False,
        published_text="",
        themes=[],
        reason="Not about this",
    )
    assert tallies(db_session, "housing") == 1 and tallies(db_session, "money") == 1
    assert db_session.get(Response, first.id).tallied_themes == ["housing", "money"]
    assert db_session.get(Response, second.id).tallied_themes == []


# ------------------------------------------------------------------- figures
def test_small_counts_are_suppressed_and_cannot_be_subtracted(db_session, world):
    big, big_questions = make_open(db_session, world, title="Housing")
    small, small_questions = make_open(db_session, world, title="Money")
    for _ in range(7):
        _p, r = respond(db_session, world, big, big_questions, text="Damp flat")
        approve(db_session, world, r, ["housing"])
    for _ in range(2):
        _p, r = respond(db_session, world, small, small_questions, text="Rent too high")
        approve(db_session, world, r, ["housing"])
    data = service.insights(db_session, actor=viewer(db_session, world))
    housing = next(row for row in data.themes if row.key == "housing")
    assert housing.total == disclosure.shown(9)
    assert housing.by_consultation.parts[small.id].kind == disclosure.FEWER  # 2 < 5
    assert housing.by_consultation.parts[big.id].kind == disclosure.HIDDEN  # else 9 - 7 = 2
    assert data.responses.total == disclosure.shown(9)
    small_view = service.insights(db_session, actor=viewer(db_session, world), consultation_id=small.id)
    assert small_view.scope_total.kind == disclosure.FEWER
    assert all(c.responders.withheld for c in small_view.comparisons)  # no breakdown of fewer than 5
    feelings = small_view.questions[0]
    assert feelings.result.withheld and feelings.result.total.kind == disclosure.FEWER


def test_feelings_and_who_answered_compared_with_the_council(db_session, world):
    consultation, questions = make_open(db_session, world)
    for _ in range(6):
        respond(db_session, world, consultation, questions, born=factories.born(18, 267), feeling="5")  # 18
    factories.make_young_person(
        db_session, world.a, date_of_birth=factories.born(12, 326)
    )  # 12: nobody that age answered
    data = service.insights(db_session, actor=viewer(db_session, world), consultation_id=consultation.id)
    feelings = data.questions[0]
    assert feelings.result.parts["5"] == disclosure.shown(6)
    assert feelings.result.parts["1"] == disclosure.shown(0)
    ages = next(c for c in data.comparisons if c.dimension == "age_band")
    assert ages.responders.parts["18_20"] == disclosure.shown(6)
    assert ages.cohort.parts["under_13"].kind == disclosure.FEWER
    assert "under_13" in ages.missing


def test_quotes_only_where_allowed_and_only_moderated_text(db_session, world):
    consultation, questions = make_open(db_session, world)
    _p, allowed = respond(db_session, world, consultation, questions, text="Call me Kai, my flat leaks")
    approve(db_session, world, allowed, ["housing"], text="Call me [name], my flat leaks")
    _p, private = respond(
        db_session, world, consultation, questions, text="Keep this private: heating broken", quotes=False
    )
    approve(db_session, world, private, ["housing"])
    data = service.insights(db_session, actor=viewer(db_session, world, "panel_member"))
    housing = next(row for row in data.themes if row.key == "housing")
    assert housing.quotes == ["Call me [name], my flat leaks"]


def test_theme_leads_are_shown(db_session, world):
    db_session.add(ThemeLead(tenant_id=world.a.id, theme="housing", user_id=world.staff_by_role["panel_member"].id))
    db_session.commit()
    data = service.insights(db_session, actor=viewer(db_session, world, "manager"))
    assert next(r for r in data.themes if r.key == "housing").lead == world.staff_by_role["panel_member"].full_name


def test_only_insight_roles_of_the_council(db_session, world):
    consultation, _questions = make_open(db_session, world)
    with pytest.raises(Forbidden):
        service.insights(db_session, actor=actor(db_session, world.pa))
    b_officer = factories.make_staff(db_session, world.b, "participation_officer")
    with pytest.raises(NotFound):
        service.insights(db_session, actor=actor(db_session, b_officer), consultation_id=consultation.id)
    other = service.insights(db_session, actor=actor(db_session, b_officer))
    assert other.consultations == [] and other.responses.total == disclosure.shown(0)


# ---------------------------------------------------------------------- HTTP
def test_the_page_shows_charts_tables_and_fewer_than(client, db_session, world):
    consultation, questions = make_open(db_session, world, title="Where you live")
    for n in range(6):
        _p, r = respond(db_session, world, consultation, questions, text=f"Flat {n} is damp")
        approve(db_session, world, r, ["housing"] + (["money"] if n < 2 else []))
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    page = client.get(f"/staff/insights?consultation={consultation.id}")
    assert page.status_code == 200
    assert page.text.count('<svg viewBox="0 0 320') >= 2 and 'role="img"' in page.text
    assert "fewer than 5" in page.text  # money: 2
    assert "Where you live" in page.text and "Flat 0 is damp" in page.text
    everything = client.get("/staff/insights")
    assert everything.status_code == 200 and "Trend by quarter" in everything.text


def test_export_uses_the_export_threshold_and_safe_cells(client, db_session, world):
    consultation, questions = make_open(db_session, world, title="=HYPERLINK(1)")
    for _ in range(6):
        _p, r = respond(db_session, world, consultation, questions, text="Damp")
        approve(db_session, world, r, ["housing"])
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    response = client.get(f"/staff/insights/export.csv?consultation={consultation.id}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    # 6 responses, all the council has: under the export threshold of 10, so no breakdown.
    assert rows[1] == ["'=HYPERLINK(1)", "Responses", "", "hidden"]
    assert not any(row[3] not in ("0", "hidden", "fewer than 10") for row in rows[1:])
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_export_of_an_empty_consultation_says_so(client, db_session, world):
    consultation, _questions = make_open(db_session, world)
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    response = client.get(f"/staff/insights/export.csv?consultation={consultation.id}")
    assert response.status_code == 422 and "There is nothing to export yet" in response.text


@pytest.mark.parametrize("query", ["consultation=abc", "consultation=0", "consultation=99999999999"])
def test_bad_consultation_ids_are_a_clear_error(client, db_session, world, query):
    factories.sign_in(client, db_session, world.staff_by_role["manager"])
    assert client.get(f"/staff/insights?{query}").status_code in (400, 422)


# ------------------------------------------------------------- theme reports
def test_theme_report_has_counts_who_raised_it_quotes_and_updates(client, db_session, world):
    from waymark.updates import service as updates

    consultation, questions = make_open(db_session, world, title="Where you live")
    for n in range(6):
        _p, r = respond(db_session, world, consultation, questions, born=factories.born(21, 326), text=f"Damp flat {n}")
        approve(db_session, world, r, ["housing"])
    officer = viewer(db_session, world)
    updates.publish(
        db_session,
        actor=officer,
        data=updates.UpdateInput(
            title="Damp repairs",
            said="Damp flats",
            did="Repairs within 5 days",
            status="doing",
            happened_on="2026-11-20",
            themes=["housing"],
        ),
    )
    service.set_leads(db_session, actor=officer, leads={"housing": world.staff_by_role["panel_member"].id})
    report = service.theme_report(db_session, actor=viewer(db_session, world, "panel_member"), theme="housing")
    assert report.row.total == disclosure.shown(6) and report.row.lead == world.staff_by_role["panel_member"].full_name
    ages = next(c for c in report.comparisons if c.dimension == "age_band")
    assert ages.responders.parts["21_25"] == disclosure.shown(6) and ages.responders.total == disclosure.shown(6)
    assert [u.title for u in report.updates] == ["Damp repairs"]
    factories.sign_in(client, db_session, world.staff_by_role["panel_member"])
    page = client.get("/staff/insights/themes/housing")
    assert page.status_code == 200 and "Damp repairs" in page.text and "Damp flat " in page.text  # a quote
    assert client.get("/staff/insights/themes/nonsense").status_code == 404


def test_a_small_theme_shows_no_breakdown_of_who_raised_it(db_session, world):
    consultation, questions = make_open(db_session, world)
    for _ in range(3):
        _p, r = respond(db_session, world, consultation, questions, text="Bills")
        approve(db_session, world, r, ["money"])
    report = service.theme_report(db_session, actor=viewer(db_session, world), theme="money")
    assert report.row.total.kind == disclosure.FEWER
    assert all(c.responders.withheld for c in report.comparisons)


def test_only_officers_name_leads_and_only_their_own_staff(client, db_session, world):
    with pytest.raises(Forbidden):
        service.set_leads(db_session, actor=viewer(db_session, world, "manager"), leads={"housing": None})
    with pytest.raises(NotFound):
        service.set_leads(db_session, actor=viewer(db_session, world), leads={"housing": world.b_pa.id})
    factories.sign_in(client, db_session, world.staff_by_role["participation_officer"])
    page = client.get("/staff/insights/leads")
    saved = client.post(
        "/staff/insights/leads",
        data={"csrf_token": factories.csrf_from(page.text), "lead_housing": str(world.staff_by_role["manager"].id)},
    )
    assert saved.status_code == 303
    assert service.leads_for(db_session, actor=viewer(db_session, world)) == {
        "housing": world.staff_by_role["manager"].id
    }

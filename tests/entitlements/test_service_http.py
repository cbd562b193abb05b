"""Entitlements over the real content: the checklist, the pages and the content check."""

from datetime import UTC, datetime, time, timedelta

import pytest
from click.testing import CliRunner

from tests import factories
from waymark import clock
from waymark.cli import main
from waymark.entitlements import service
from waymark.entitlements.models import YoungPersonFacts
from waymark.entitlements.rules import Outcome, birthday
from waymark.glossary import service as glossary


def test_the_content_loads_with_at_least_20_entitlements_in_every_category_used():
    catalogue = service.catalogue()
    assert len(catalogue) >= 20
    for slug in (
        "setting-up-home-allowance",
        "higher-education-bursary",
        "personal-adviser-to-25",
        "staying-put",
        "staying-close",
        "16-to-19-bursary",
        "shared-accommodation-rate-exemption",
    ):
        assert slug in catalogue, slug


def test_check_content_reports_every_file_and_passes():
    # As on the day the content was last checked: whether it is stale today is the
    # report's job (and the staff content page's), not a test's that must pass on any date.
    checked = [e.last_checked for e in service.catalogue().values()]
    checked += [t.last_checked for t in glossary.glossary().values()]
    clock.freeze(datetime.combine(max(checked), time(9), tzinfo=UTC))
    result = CliRunner().invoke(main, ["check-content"])
    assert result.exit_code == 0, result.output
    assert "All content passes." in result.output
    assert f"Entitlements ({len(service.catalogue())})" in result.output and "Glossary (" in result.output


def make_student(db_session, world, **facts):
    born = clock.today() - timedelta(days=19 * 365 + 140)
    person = factories.make_young_person(
        db_session, world.a, name="Student Person", date_of_birth=born, care_status="former_relevant"
    )
    db_session.add(YoungPersonFacts(young_person_id=person.id, tenant_id=world.a.id, **facts))
    db_session.commit()
    return person


def groups_of(checklist):
    return {outcome: {i.entitlement.slug: i.decision for i in items} for outcome, items in checklist.groups.items()}


def test_a_former_relevant_student_sees_the_bursary_now_and_adviser_support_to_25(db_session, world):
    from waymark.identity.sessions import actor_for_token, session_create
    from waymark.settings import Settings

    person = make_student(db_session, world, in_higher_education=True, in_education_or_training=True)
    token = session_create(db_session, user=person, settings=Settings(_env_file=None))
    db_session.commit()
    groups = groups_of(service.checklist(db_session, actor=actor_for_token(db_session, token)))
    assert "higher-education-bursary" in groups[Outcome.NOW]
    pa = groups[Outcome.NOW]["personal-adviser-to-25"]
    assert pa.ends_on == birthday(person.date_of_birth, 25) - timedelta(days=1)


def test_rights_that_have_not_started_are_never_shown_as_available(client, db_session, world):
    """Staying Close (CWS Act 2026 s7) and free prescriptions to 25 are announced, not in
    force: a 19-year-old former relevant care leaver sees them apart, with no date."""
    person = make_student(db_session, world, in_higher_education=True, in_education_or_training=True)
    factories.sign_in(client, db_session, person)
    actor = factories.actor(db_session, person)
    groups = groups_of(service.checklist(db_session, actor=actor))
    for slug in ("staying-close", "free-prescriptions-dental-eye-care"):
        assert groups[Outcome.COMING][slug].starts_on is None, slug
        assert all(slug not in groups[o] for o in (Outcome.NOW, Outcome.ENDING_SOON, Outcome.FROM)), slug
    page = client.get("/entitlements")
    assert 'id="group-coming"' in page.text and "Not started yet. There is no start date yet." in page.text
    assert page.text.index('id="group-coming"') > page.text.index('id="group-now"')
    signed_out = client.get("/entitlements/staying-close", cookies={})
    assert "Not started yet" in signed_out.text


def test_a_council_that_pays_setting_up_home_from_16_shows_it_to_a_17_year_old(db_session, world):
    """The allowance starts at 18 unless the council sets its own age (16 to 18)."""
    born = clock.today() - timedelta(days=17 * 365 + 100)
    person = factories.make_young_person(db_session, world.a, date_of_birth=born, care_status="relevant")
    actor = factories.actor(db_session, person)
    before = groups_of(service.checklist(db_session, actor=actor))
    assert before[Outcome.FROM]["setting-up-home-allowance"].starts_on == birthday(born, 18)
    world.a.setting_up_home_from_age = 16
    db_session.add(world.a)
    db_session.commit()
    after = groups_of(service.checklist(db_session, actor=actor))
    assert "setting-up-home-allowance" in after[Outcome.NOW]
    item = service.catalogue()["setting-up-home-allowance"]
    assert service.decision_for(db_session, actor=actor, entitlement=item).outcome == Outcome.NOW
    other = factories.make_young_person(db_session, world.b, date_of_birth=born, care_status="relevant")
    other_groups = groups_of(service.checklist(db_session, actor=factories.actor(db_session, other)))
    assert "setting-up-home-allowance" in other_groups[Outcome.FROM]  # council B still pays from 18


def test_check_content_flags_a_right_whose_start_day_has_passed(tmp_path, monkeypatch):
    import shutil

    from waymark import content_report

    for path in service.CONTENT_DIR.glob("*.md"):
        shutil.copy(path, tmp_path / path.name)
    dated = (tmp_path / "staying-close.md").read_text().replace("starts: not set", "starts: 2026-12-10")
    (tmp_path / "staying-close.md").write_text(dated)
    monkeypatch.setattr(content_report.entitlements, "CONTENT_DIR", tmp_path)
    clock.freeze(datetime(2026, 12, 9, 9, tzinfo=UTC))
    lines, problems = content_report.content_report()
    assert problems == 0, lines
    clock.freeze(datetime(2026, 12, 10, 9, tzinfo=UTC))
    lines, problems = content_report.content_report()
    assert problems == 1 and any("started on 2026-12-10: check it and update" in line for line in lines)


def test_unknown_facts_are_ask_your_adviser(client, db_session, world):
    person = factories.make_young_person(db_session, world.a, name="New Person", care_status="former_relevant")
    factories.sign_in(client, db_session, person)
    page = client.get("/entitlements")
    assert page.status_code == 200
    assert "Ask your adviser" in page.text and "if you are at university or in higher education" in page.text


def test_signed_out_list_has_no_personal_dates(client):
    page = client.get("/entitlements")
    assert page.status_code == 200 and "What care leavers can get" in page.text
    assert "You can get this until" not in page.text and "Sign in to see" in page.text


def test_signed_in_list_has_dates(client, db_session, world):
    person = make_student(db_session, world, in_higher_education=True)
    factories.sign_in(client, db_session, person)
    page = client.get("/entitlements")
    assert "You can get this until" in page.text


@pytest.mark.parametrize("slug", sorted(service.catalogue()))
def test_every_entitlement_page_renders_with_sources(client, slug):
    page = client.get(f"/entitlements/{slug}")
    assert page.status_code == 200 and "Where this comes from" in page.text and "https://" in page.text


def test_unknown_entitlement_is_404(client):
    assert client.get("/entitlements/free-money-forever").status_code == 404


def test_adviser_records_facts_and_the_checklist_follows(client, db_session, world):
    factories.sign_in(client, db_session, world.pa)
    token = factories.csrf_from(client.get(f"/staff/young-people/{world.yp.id}").text)
    form = {"csrf_token": token, "in_higher_education": "yes", "in_education_or_training": "yes", "parent": "no"}
    saved = client.post(f"/staff/young-people/{world.yp.id}/facts", data=form)
    assert saved.status_code == 303
    held = db_session.get(YoungPersonFacts, world.yp.id)
    assert (held.in_higher_education, held.parent, held.send) == (True, False, None)
    assert client.post(f"/staff/young-people/{world.yp.id}/facts", data={**form, "parent": "maybe"}).status_code == 400
    other = client.post(f"/staff/young-people/{world.other_yp.id}/facts", data=form)
    assert other.status_code == 403
    from sqlmodel import select

    from waymark.audit.models import AuditEvent

    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "facts.update")).one().subject_id == (
        world.yp.id
    )


def test_young_person_keeps_track_and_asks_their_adviser(client, db_session, world):
    factories.sign_in(client, db_session, world.yp)
    page = client.get("/entitlements/setting-up-home-allowance")
    token = factories.csrf_from(page.text)
    assert (
        client.post(
            "/entitlements/setting-up-home-allowance/mark", data={"csrf_token": token, "state": "maybe"}
        ).status_code
        == 400
    )
    saved = client.post("/entitlements/setting-up-home-allowance/mark", data={"csrf_token": token, "state": "asked"})
    assert saved.status_code == 303
    assert "I&#39;ve asked" in client.get("/entitlements").text or "I've asked" in client.get("/entitlements").text
    asked = client.post("/entitlements/setting-up-home-allowance/ask-adviser", data={"csrf_token": token})
    assert asked.status_code == 303
    assert "You asked your adviser about this" in client.get("/entitlements/setting-up-home-allowance").text
    assert client.post("/entitlements/no-such-thing/ask-adviser", data={"csrf_token": token}).status_code == 404

    client.cookies.clear()
    factories.sign_in(client, db_session, world.pa)
    caseload = client.get("/staff/caseload")
    assert "1 question about what they can get" in caseload.text
    record = client.get(f"/staff/young-people/{world.yp.id}")
    assert "Asked you about what they can get" in record.text
    token = factories.csrf_from(record.text)
    done = client.post(
        f"/staff/young-people/{world.yp.id}/questions/setting-up-home-allowance/done", data={"csrf_token": token}
    )
    assert done.status_code == 303
    assert "question about what they can get" not in client.get("/staff/caseload").text
    assert (
        client.post(
            f"/staff/young-people/{world.other_yp.id}/questions/setting-up-home-allowance/done",
            data={"csrf_token": token},
        ).status_code
        == 403
    )


def test_care_leaver_status_explainer_is_plain_and_personal(client, db_session, world):
    page = client.get("/care-leaver-status")
    assert page.status_code == 200
    for heading in ("Eligible", "Relevant", "Former relevant", "Qualifying"):
        assert f"<h2>{heading}</h2>" in page.text
    body = service.content_page("care-leaver-status").body
    from waymark.glossary.service import reading_age

    for paragraph in [p for p in body.split("\n\n") if not p.startswith("#")]:
        assert (reading_age(paragraph) or 0) <= 12, paragraph
    factories.sign_in(client, db_session, world.yp)
    assert "Our records say you are: former relevant" in client.get("/care-leaver-status").text

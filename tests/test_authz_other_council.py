"""The authorisation matrix's rows tried with real records of another council: for
every route that names a record (other than a young person, which test_authz_matrix
covers), each role the matrix allows gets 404 for council B's record, and a POST
changes nothing. The sample ids in test_authz_matrix (999999) never exist; these do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from tests import factories
from tests.factories import actor, answers, make_open
from tests.routes import MATRIX, SAMPLE_PARAMS, call_route
from waymark import clock
from waymark.consultations import service as consultations
from waymark.consultations.models import Answer
from waymark.contacts import service as contacts
from waymark.covenant.models import Offer
from waymark.identity import service as identity
from waymark.identity.permissions import ROLES
from waymark.outbox import service as outbox
from waymark.pathway import service as pathway
from waymark.priorities import service as priorities
from waymark.safeguarding.models import SafeguardingAlert
from waymark.updates import service as updates
from waymark.updates.models import UpdateComment


def council_b_records(db_session: Any, world: factories.World) -> dict[str, int]:
    """One record of each kind in council B, by the path parameter that names it."""
    b_officer = factories.make_staff(db_session, world.b, "participation_officer")
    b_pa, b_yp = actor(db_session, world.b_pa), actor(db_session, world.b_yp)
    consultation, questions = make_open(db_session, world, officer=b_officer)
    response = consultations.response_submit(
        db_session,
        actor=b_yp,
        consultation_id=consultation.id,
        raw=answers(questions, **{f"q{questions[3].id}": ["The bus to college costs too much"]}),
        anonymous=False,
        mode="standard",
        quotes_allowed=False,
        key=outbox.new_key(),
        secret=b"s",
    )
    answer = db_session.exec(
        select(Answer).where(Answer.response_id == response.id, col(Answer.text).is_not(None))
    ).first()
    update = updates.publish(
        db_session,
        actor=actor(db_session, b_officer),
        data=updates.UpdateInput(
            title="Bus passes",
            said="Buses cost too much.",
            did="Free bus passes to 21.",
            status="doing",
            happened_on=clock.today().isoformat(),
            themes=["money"],
        ),
    )
    comment = updates.comment(db_session, actor=b_yp, update_id=update.id, text="Make it 25", quotes_allowed=False)
    updates.comment(db_session, actor=b_yp, update_id=update.id, text="i want to kill myself", quotes_allowed=False)
    alert = db_session.exec(select(SafeguardingAlert).where(SafeguardingAlert.tenant_id == world.b.id)).first()
    round_ = priorities.create(
        db_session,
        actor=actor(db_session, b_officer),
        data=priorities.RoundInput(
            title="B round",
            summary="Choose",
            themes=["housing", "money"],
            votes="3",
            opens_on=clock.today().isoformat(),
            closes_on=(clock.today() + timedelta(days=5)).isoformat(),
        ),
    )
    step = pathway.step_add(
        db_session, actor=b_pa, young_person_id=world.b_yp.id, heading="money", text="Open an account"
    )
    feedback = pathway.feedback_give(db_session, actor=b_yp, step_id=step.id, kind="disagree", comment="Not yet")
    contact = contacts.record_contact(
        db_session,
        actor=b_pa,
        young_person_id=world.b_yp.id,
        kind="visit",
        happened_at=clock.now() - timedelta(hours=1),
    )
    request = contacts.reach_request(db_session, actor=b_yp, method="call", tried_at=clock.now() - timedelta(hours=1))
    invite, _code = identity.invite_create(db_session, actor=b_pa, young_person_id=world.b_yp.id)
    offer = Offer(
        tenant_id=world.b.id,
        organisation="B Gym",
        title="Free gym",
        description="A year free.",
        category="health",
        area="Council B",
        how_to_claim="Show your card.",
    )
    db_session.add(offer)
    db_session.commit()
    assert db_session.get(UpdateComment, comment.id) is not None and alert is not None
    return {
        "{consultation_id}": consultation.id,
        "{question_id}": questions[0].id,
        "{answer_id}": answer.id,
        "{update_id}": update.id,
        "{comment_id}": comment.id,
        "{alert_id}": alert.id,
        "{round_id}": round_.id,
        "{step_id}": step.id,
        "{feedback_id}": feedback.id,
        "{contact_id}": contact.id,
        "{request_id}": request.id,
        "{invite_id}": invite.id,
        "{offer_id}": offer.id,
        "{user_id}": world.b_pa.id,
    }


# Records these tests do not make in council B (covered by their features' own tests).
NOT_MADE = {"{handover_id}", "{report_id}", "{run_id}"}


def _rows_naming_records() -> list[dict[str, Any]]:
    named = set(SAMPLE_PARAMS) - {"{code}", "{heading}", "{slug}", "{theme}", "{kind}"} - NOT_MADE
    return [r for r in MATRIX if any(p in r["path"] for p in named) and not NOT_MADE & set(_params(r["path"]))]


def _params(path: str) -> list[str]:
    return [part for part in path.split("/") if part.startswith("{")]


@pytest.mark.parametrize("role", ROLES)
def test_another_councils_records_are_not_found(
    client: Any, db_session: Any, world: factories.World, role: str
) -> None:
    records = council_b_records(db_session, world)
    rows = [r for r in _rows_naming_records() if role in r["allow"]]
    if role == "young_person":
        factories.sign_in(client, db_session, world.yp)
    else:
        factories.sign_in(client, db_session, world.staff_by_role[role])
    problems = []
    for row in rows:
        url = row["path"].replace("{young_person_id}", str(world.yp.id))
        for name, value in records.items():
            url = url.replace(name, str(value))
        for name, value in SAMPLE_PARAMS.items():
            url = url.replace(name, value)
        response = call_route(client, row, url)
        if response.status_code != 404:
            problems.append(f"{role} {row['method']} {url}: {response.status_code}, want 404")
    assert rows or role == "panel_member", f"no rows for {role}"
    assert not problems, "\n".join(problems)


def test_another_young_persons_records_are_not_found(client: Any, db_session: Any, world: factories.World) -> None:
    """The same for a young person and the records of another young person in their council."""
    other_pa, other = actor(db_session, world.other_pa), world.other_yp
    step = pathway.step_add(db_session, actor=other_pa, young_person_id=other.id, heading="money", text="Save up")
    contact = contacts.record_contact(
        db_session, actor=other_pa, young_person_id=other.id, kind="visit", happened_at=clock.now() - timedelta(hours=2)
    )
    records = {"{step_id}": step.id, "{contact_id}": contact.id}
    factories.sign_in(client, db_session, world.yp)
    rows = [
        r
        for r in MATRIX
        if "young_person" in r["allow"]
        and any(p in r["path"] for p in records)
        and "{young_person_id}" not in r["path"]
    ]
    assert len(rows) >= 3
    problems = []
    for row in rows:
        url = row["path"]
        for name, value in records.items():
            url = url.replace(name, str(value))
        response = call_route(client, row, url)
        if response.status_code != 404:
            problems.append(f"{row['method']} {url}: {response.status_code}, want 404")
    assert not problems, "\n".join(problems)

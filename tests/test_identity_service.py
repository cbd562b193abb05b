"""Identity rules: sign-in and throttling, sessions, invites, caseload access, OIDC matching."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests import factories
from waymark import clock
from waymark.audit.models import AuditEvent
from waymark.errors import InputError
from waymark.identity import messages as m
from waymark.identity import service
from waymark.identity.permissions import Forbidden
from waymark.identity.sessions import actor_for_token, session_create
from waymark.ratelimit import RateCount
from waymark.settings import Settings

SETTINGS = Settings(_env_file=None, secret_key="k" * 40)  # defaults: 5 tries, 30 an IP, 10 a device, 15 minutes


def sign_in(session, username, passphrase=factories.PASSPHRASE, ip="10.0.0.1", device=None):
    return service.young_person_sign_in(
        session, username=username, passphrase=passphrase, ip=ip, settings=SETTINGS, device=device
    )


def counts(session):
    return sorted(row.count for row in session.exec(select(RateCount)).all())


def test_right_passphrase_signs_in_and_is_audited(db_session, world):
    user = sign_in(db_session, world.yp.username)
    db_session.commit()
    assert user.id == world.yp.id
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "session.sign_in")).all()
    assert [e.actor_id for e in events] == [world.yp.id]
    assert counts(db_session) == [0, 0]  # counted before the check, given back after it succeeded


def test_username_is_not_case_sensitive(db_session, world):
    assert sign_in(db_session, world.yp.username.upper()).id == world.yp.id


@pytest.mark.parametrize("username", ["known", "nobody-here"])
def test_wrong_passphrase_and_unknown_user_get_the_same_answer(db_session, world, username):
    name = world.yp.username if username == "known" else username
    with pytest.raises(service.SignInFailed) as failure:
        sign_in(db_session, name, "not the passphrase at all")
    assert failure.value.message == m.SIGN_IN_FAILED
    assert counts(db_session) == [1, 1]  # one for the account, one for the IP
    keys = {row.key for row in db_session.exec(select(RateCount)).all()}
    assert name not in " ".join(keys)  # stored as hashes, never the username


def test_five_failures_slow_down_other_devices_even_with_the_right_passphrase(db_session, world):
    for _ in range(5):
        with pytest.raises(service.SignInFailed):
            sign_in(db_session, world.yp.username, "wrong wrong wrong")
    with pytest.raises(service.Throttled) as throttled:
        sign_in(db_session, world.yp.username)
    assert throttled.value.message == m.TOO_MANY_TRIES
    assert 0 < throttled.value.retry_after <= 15 * 60
    # Another account from another address is not affected.
    assert sign_in(db_session, world.other_yp.username, ip="10.9.9.9").id == world.other_yp.id
    clock.advance(timedelta(minutes=16))
    assert sign_in(db_session, world.yp.username).id == world.yp.id


def test_guesses_from_elsewhere_never_slow_the_owners_own_phone(db_session, world):
    """OWASP's device cookie: the attacker's failures count against other devices, so
    the owner on a phone that has signed in before gets straight in."""
    phone = service.device_token(world.yp, settings=SETTINGS)
    for n in range(40):
        with pytest.raises((service.SignInFailed, service.Throttled)):
            sign_in(db_session, world.yp.username, "wrong wrong wrong", ip=f"10.1.{n}.1")
    with pytest.raises(service.Throttled):
        sign_in(db_session, world.yp.username)  # a device the account does not know
    assert sign_in(db_session, world.yp.username, device=phone).id == world.yp.id


def test_a_device_token_is_for_one_account_and_one_passphrase(db_session, world):
    phone = service.device_token(world.yp, settings=SETTINGS)
    for _ in range(5):
        with pytest.raises(service.SignInFailed):
            sign_in(db_session, world.yp.username, "wrong wrong wrong")
    forged = phone.split(".")[0] + "." + "0" * 32
    with pytest.raises(service.Throttled):
        sign_in(db_session, world.yp.username, device=forged)
    with pytest.raises(service.Throttled):  # another account's token counts as unknown
        sign_in(db_session, world.yp.username, device=service.device_token(world.other_yp, settings=SETTINGS))
    world.yp.passphrase_hash = factories.hash_passphrase("a brand new passphrase")
    db_session.add(world.yp)
    db_session.commit()
    with pytest.raises(service.Throttled):  # a new passphrase turns old device tokens off
        sign_in(db_session, world.yp.username, "a brand new passphrase", device=phone)


def test_a_trusted_device_is_itself_limited(db_session, world):
    """A stolen phone's token does not give unlimited guesses."""
    phone = service.device_token(world.yp, settings=SETTINGS)
    for _ in range(SETTINGS.login_device_limit):
        with pytest.raises(service.SignInFailed):
            sign_in(db_session, world.yp.username, "wrong wrong wrong", device=phone)
    with pytest.raises(service.Throttled):
        sign_in(db_session, world.yp.username, device=phone)


def test_windows_grow_while_someone_keeps_guessing(db_session, world):
    def burst():
        for _ in range(8):
            with pytest.raises((service.SignInFailed, service.Throttled)):
                sign_in(db_session, world.yp.username, "wrong wrong wrong")

    burst()  # over the limit in the first 15-minute window
    clock.advance(timedelta(minutes=16))
    burst()  # over again: this window lasts 30 minutes
    clock.advance(timedelta(minutes=16))
    with pytest.raises(service.Throttled) as throttled:
        sign_in(db_session, world.yp.username)
    assert throttled.value.retry_after > 10 * 60
    clock.advance(timedelta(minutes=15))
    assert sign_in(db_session, world.yp.username).id == world.yp.id


def test_four_failures_do_not_throttle(db_session, world):
    for _ in range(4):
        with pytest.raises(service.SignInFailed):
            sign_in(db_session, world.yp.username, "wrong wrong wrong")
    assert sign_in(db_session, world.yp.username).id == world.yp.id


def test_one_address_trying_many_accounts_is_slowed_down(db_session, world):
    for n in range(SETTINGS.login_ip_limit):
        with pytest.raises(service.SignInFailed):
            sign_in(db_session, f"guess{n}", "wrong wrong wrong", ip="10.6.6.6")
    with pytest.raises(service.Throttled):
        sign_in(db_session, world.yp.username, ip="10.6.6.6")


def test_inactive_young_person_cannot_sign_in(db_session, world):
    world.yp.is_active = False
    db_session.add(world.yp)
    db_session.commit()
    with pytest.raises(service.SignInFailed):
        sign_in(db_session, world.yp.username)


# ------------------------------------------------------------------ sessions
def test_staff_session_ends_after_30_idle_minutes(db_session, world):
    token = session_create(db_session, user=world.pa, settings=SETTINGS)
    db_session.commit()
    clock.advance(timedelta(minutes=29))
    assert actor_for_token(db_session, token) is not None
    clock.advance(timedelta(minutes=29))  # 29 minutes after the last use: still fine
    assert actor_for_token(db_session, token) is not None
    clock.advance(timedelta(minutes=31))
    assert actor_for_token(db_session, token) is None


def test_staff_session_ends_after_12_hours_however_busy(db_session, world):
    token = session_create(db_session, user=world.pa, settings=SETTINGS)
    db_session.commit()
    lasted = timedelta(0)
    while actor_for_token(db_session, token) is not None and lasted < timedelta(hours=24):
        clock.advance(timedelta(minutes=20))
        lasted += timedelta(minutes=20)
    assert timedelta(hours=12) <= lasted < timedelta(hours=12, minutes=20)


def test_young_person_session_lasts_longer_than_a_staff_one(db_session, world):
    token = session_create(db_session, user=world.yp, settings=SETTINGS)
    db_session.commit()
    clock.advance(timedelta(days=6))
    actor = actor_for_token(db_session, token)
    assert actor is not None and actor.is_young_person and actor.roles == frozenset({"young_person"})


def test_unknown_or_huge_token_is_no_session(db_session):
    assert actor_for_token(db_session, "made-up") is None
    assert actor_for_token(db_session, "x" * 5000) is None


# ------------------------------------------------------------------ caseload
def test_adviser_sees_only_their_current_caseload(db_session, world):
    ended = factories.make_young_person(db_session, world.a, name="Ended Assignment")
    factories.assign(
        db_session,
        world.pa,
        ended,
        starts_on=clock.today() - timedelta(days=90),
        ends_on=clock.today() - timedelta(days=1),
    )
    actor = actor_for(db_session, world.pa)
    assert [e.young_person.id for e in service.caseload_for(db_session, actor=actor)] == [world.yp.id]


def test_viewing_a_young_person_is_audited_and_checked(db_session, world):
    actor = actor_for(db_session, world.pa)
    assert service.young_person_for_worker(db_session, actor=actor, young_person_id=world.yp.id).id == world.yp.id
    views = db_session.exec(select(AuditEvent).where(AuditEvent.action == "young_person.view")).all()
    assert [(v.actor_id, v.subject_id) for v in views] == [(world.pa.id, world.yp.id)]
    with pytest.raises(Forbidden):
        service.young_person_for_worker(db_session, actor=actor, young_person_id=world.other_yp.id)
    with pytest.raises(service.NotFound):
        service.young_person_for_worker(db_session, actor=actor, young_person_id=world.b_yp.id)
    with pytest.raises(service.NotFound):
        service.young_person_for_worker(db_session, actor=actor, young_person_id=world.other_pa.id)


def actor_for(session, user):
    token = session_create(session, user=user, settings=SETTINGS)
    session.commit()
    actor = actor_for_token(session, token)
    assert actor is not None
    return actor


# -------------------------------------------------------------------- invites
def test_invite_works_once(db_session, world):
    actor = actor_for(db_session, world.pa)
    invite, code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    assert len(code) == 12 and invite.expires_at - invite.created_at == timedelta(days=14)
    user = service.invite_accept(
        db_session, code=service.format_code(code).lower(), username=None, passphrase="river moon biscuit lamp"
    )
    assert user.id == world.yp.id
    assert (
        service.young_person_sign_in(
            db_session,
            username=world.yp.username,
            passphrase="river moon biscuit lamp",
            ip="10.0.0.2",
            settings=SETTINGS,
        ).id
        == world.yp.id
    )
    with pytest.raises(service.InviteInvalid) as used:
        service.invite_accept(db_session, code=code, username=None, passphrase="another long passphrase")
    assert used.value.message == m.INVITE_USED


def test_invite_runs_out_after_the_councils_days(db_session, world):
    actor = actor_for(db_session, world.pa)
    _invite, code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    clock.advance(timedelta(days=14, seconds=-1))
    service.invite_open(db_session, code=code)
    clock.advance(timedelta(seconds=1))
    with pytest.raises(service.InviteInvalid) as expired:
        service.invite_open(db_session, code=code)
    assert expired.value.message == m.INVITE_EXPIRED


def test_a_new_invite_stops_the_old_one(db_session, world):
    actor = actor_for(db_session, world.pa)
    _first, old_code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    _second, new_code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    with pytest.raises(service.InviteInvalid):
        service.invite_open(db_session, code=old_code)
    service.invite_open(db_session, code=new_code)


def test_only_own_caseload_can_be_invited(db_session, world):
    actor = actor_for(db_session, world.pa)
    with pytest.raises(Forbidden):
        service.invite_create(db_session, actor=actor, young_person_id=world.other_yp.id)
    with pytest.raises(service.NotFound):
        service.invite_create(db_session, actor=actor, young_person_id=world.b_yp.id)


def test_new_young_person_chooses_a_username(db_session, world):
    newcomer = factories.make_young_person(db_session, world.a, username=None, with_passphrase=False)
    factories.assign(db_session, world.pa, newcomer)
    actor = actor_for(db_session, world.pa)
    _invite, code = service.invite_create(db_session, actor=actor, young_person_id=newcomer.id)
    with pytest.raises(InputError) as missing:
        service.invite_accept(db_session, code=code, username="", passphrase="river moon biscuit lamp")
    assert (missing.value.field, missing.value.message) == ("username", m.USERNAME_REQUIRED)
    with pytest.raises(InputError) as taken:
        service.invite_accept(db_session, code=code, username=world.yp.username, passphrase="river moon biscuit lamp")
    assert taken.value.message == m.USERNAME_TAKEN
    with pytest.raises(InputError) as bad:
        service.invite_accept(db_session, code=code, username="9 bad name", passphrase="river moon biscuit lamp")
    assert bad.value.message == m.USERNAME_INVALID
    user = service.invite_accept(db_session, code=code, username="Newbie", passphrase="river moon biscuit lamp")
    assert user.username == "newbie"


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("short", m.PASSPHRASE_TOO_SHORT),
        ("x" * 129, m.PASSPHRASE_TOO_LONG),
        ("passwordpassword", m.PASSPHRASE_TOO_COMMON),
        ("aaaaaaaaaaaaaaaa", m.PASSPHRASE_TOO_COMMON),
    ],
)
def test_weak_passphrases_are_refused_and_the_invite_still_works(db_session, world, passphrase, message):
    actor = actor_for(db_session, world.pa)
    _invite, code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    with pytest.raises(InputError) as weak:
        service.invite_accept(db_session, code=code, username=None, passphrase=passphrase)
    assert (weak.value.field, weak.value.message) == ("passphrase", message)
    service.invite_open(db_session, code=code)


def test_passphrase_may_not_contain_the_username(db_session, world):
    actor = actor_for(db_session, world.pa)
    _invite, code = service.invite_create(db_session, actor=actor, young_person_id=world.yp.id)
    with pytest.raises(InputError) as weak:
        service.invite_accept(db_session, code=code, username=None, passphrase=f"my name is {world.yp.username}!")
    assert weak.value.message == m.PASSPHRASE_HAS_USERNAME


# ---------------------------------------------------------------------- OIDC
def test_staff_are_matched_by_verified_email_only(db_session, world):
    claims = {"sub": "x", "email": world.pa.email.upper(), "email_verified": True}
    assert service.staff_for_oidc(db_session, claims=claims).id == world.pa.id
    with pytest.raises(service.StaffNotRecognised) as unverified:
        service.staff_for_oidc(db_session, claims={**claims, "email_verified": False})
    assert unverified.value.message == m.STAFF_EMAIL_UNVERIFIED
    with pytest.raises(service.StaffNotRecognised) as unknown:
        service.staff_for_oidc(db_session, claims={**claims, "email": "stranger@elsewhere.example"})
    assert unknown.value.message == m.STAFF_UNKNOWN


def test_a_young_persons_email_is_never_a_staff_sign_in(db_session, world):
    world.yp.email = "ada@example.org"
    db_session.add(world.yp)
    db_session.commit()
    with pytest.raises(service.StaffNotRecognised):
        service.staff_for_oidc(db_session, claims={"email": "ada@example.org", "email_verified": True})

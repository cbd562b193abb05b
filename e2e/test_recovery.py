"""A young person who forgot their passphrase sets a new one with a code from the
local fake of GOV.UK Notify, in a real Chromium: they add and check a mobile number,
sign out, ask for a code from the sign-in page, and the live server's job worker
sends it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr

from e2e.conftest import LIVE
from e2e.helpers import accessibility_problems, sign_in_young_person, sign_out
from tests import factories, notifyfake

NEW_PASSPHRASE = "yellow kite harbour biscuit"


@pytest.fixture
def notify(live_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The fake Notify, turned on for the live app and its job worker (which reads the
    environment) for this test only; e2e staff email stays on SMTP otherwise."""
    fake, server = notifyfake.start()
    values = {
        "notify_api_key": notifyfake.API_KEY,
        "notify_base_url": fake.url,
        "notify_email_template_id": notifyfake.EMAIL_TEMPLATE,
        "notify_sms_template_id": notifyfake.SMS_TEMPLATE,
    }
    settings = LIVE["app"].state.settings
    for name, value in values.items():
        monkeypatch.setattr(settings, name, SecretStr(value) if name == "notify_api_key" else value)
        monkeypatch.setenv(f"WAYMARK_{name.upper()}", value)
    monkeypatch.setenv("WAYMARK_SECRET_KEY", settings.secret_key.get_secret_value())  # the code's keyed hash
    yield fake
    server.shutdown()


def code_in(fake: Any, count: int, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(fake.texts()) >= count:
            return re.search(r"\b(\d{6})\b", fake.texts()[count - 1]["body"]).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no text number {count} reached the fake Notify in {seconds} s")


def test_a_forgotten_passphrase_is_reset_with_a_code_sent_by_text(page: Page, notify: Any) -> None:
    with LIVE["database"].session() as session:  # a council of its own, so no demo figure changes
        council = factories.make_tenant(session, name="Recovery Test Council")
        council.is_demo = True  # like the demo councils, so visitors' pages stay as they were
        session.add(council)
        session.commit()
        factories.make_young_person(session, council, name="Jordan Blake", username="jordan")
    page.set_viewport_size({"width": 320, "height": 740})  # the reflow check is at 320 px
    sign_in_young_person(page, "jordan", factories.PASSPHRASE)  # the one make_young_person sets

    page.goto("/me/contact")
    page.fill("#sms_address", "07700 900321")
    page.locator('form[action="/me/contact/sms"] button').click()
    page.fill("#sms_code", code_in(notify, 1))
    page.locator('form[action="/me/contact/sms/verify"] button').click()
    expect(page.get_by_text("Done. We will use this from now on.")).to_be_visible()
    sign_out(page)

    page.goto("/login")
    page.get_by_role("link", name="Forgotten your passphrase?").click()
    assert accessibility_problems(page, "forgot", "en", reflow=True) == []
    page.fill("#username", "jordan")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator("h1")).to_have_text("Set a new passphrase")
    assert accessibility_problems(page, "reset", "en", reflow=True) == []
    page.fill("#username", "jordan")
    page.fill("#code", code_in(notify, 2))  # sent by the live server's job worker
    page.fill("#passphrase", NEW_PASSPHRASE)
    page.fill("#confirm", NEW_PASSPHRASE)
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.locator("h1")).to_have_text("Hello, Jordan")
    assert "Jordan" not in " ".join(m["body"] for m in notify.texts())  # no name in what is sent
    sign_out(page)
    page.goto("/login")
    page.fill("#username", "jordan")
    page.fill("#passphrase", factories.PASSPHRASE)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#passphrase-error")).to_be_visible()  # the old passphrase no longer works
    sign_in_young_person(page, "jordan", NEW_PASSPHRASE)

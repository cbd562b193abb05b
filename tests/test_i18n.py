"""Every user-facing string is extracted and has its Welsh translation; the locale is
chosen from the cookie, then Accept-Language, then English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from waymark.settings import ROOT
from waymark.web import i18n

POT = ROOT / "locales" / "messages.pot"
PO = ROOT / "locales" / "cy" / "LC_MESSAGES" / "messages.po"


def extract(tmp_path: Path) -> str:
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out.read_text()


def test_messages_pot_is_up_to_date(tmp_path: Path) -> None:
    assert extract(tmp_path) == POT.read_text(), "run `make i18n` and translate the new strings"


def test_every_message_has_a_welsh_translation() -> None:
    with POT.open("rb") as f:
        template = read_po(f)
    with PO.open("rb") as f:
        welsh = read_po(f, locale="cy")
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = welsh.get(message.id)
        strings = (translated.string if translated else None) or ""
        values = strings if isinstance(strings, tuple) else (strings,)
        if translated is None or translated.fuzzy or not all(values):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, f"{len(missing)} strings without Welsh: {missing[:10]}"


def test_welsh_keeps_every_placeholder() -> None:
    with PO.open("rb") as f:
        welsh = read_po(f, locale="cy")
    placeholder = re.compile(r"%\(\w+\)[sd]")
    wrong = []
    for message in welsh:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        needed = set(placeholder.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if s and set(placeholder.findall(s)) != needed]
    assert not wrong, wrong


class FakeRequest:
    def __init__(self, cookie: str | None = None, header: str = "") -> None:
        self.cookies = {i18n.COOKIE: cookie} if cookie else {}
        self.headers = {"accept-language": header} if header else {}


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "", "en"),
        (None, "cy", "cy"),
        (None, "cy-GB,en;q=0.5", "cy"),
        (None, "fr-FR,fr;q=0.9", "en"),
        ("en", "cy", "en"),
        ("cy", "en-GB", "cy"),
        ("xx", "cy", "cy"),
    ],
)
def test_locale_choice(cookie: str | None, header: str, expected: str) -> None:
    assert i18n.request_locale(FakeRequest(cookie, header)) == expected  # type: ignore[arg-type]


def test_language_switch_sets_the_cookie_and_html_lang(client) -> None:
    from tests import factories

    token = factories.csrf_from(client.get("/login").text)
    response = client.post("/language", data={"csrf_token": token, "lang": "cy", "next": "/login"})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.cookies.get(i18n.COOKIE) == "cy"
    page = client.get("/login")
    assert '<html lang="cy"' in page.text
    assert "Sign in" not in page.text.split("<main", 1)[1]  # the page itself is in Welsh
    bad = client.post("/language", data={"csrf_token": token, "lang": "xx", "next": "https://evil.example"})
    assert bad.status_code == 303 and bad.headers["location"] == "/"

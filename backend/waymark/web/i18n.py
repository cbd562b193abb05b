"""Languages: English (source) and Welsh. Catalogues live in ``locales/`` as .po files
and are compiled in memory at start-up, so no build step is needed.

The locale comes from the ``waymark_lang`` cookie, then Accept-Language, then English.
Strings defined in Python are marked ``N_("...")`` and translated when shown.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from waymark.settings import ROOT

LOCALES_DIR = ROOT / "locales"
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LOCALE = "en"
COOKIE = "waymark_lang"


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with ``gettext``."""
    return message


@lru_cache
def translations(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    po_path = Path(LOCALES_DIR) / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def offered(request: Request) -> dict[str, str]:
    """The languages this request may be shown in: the signed-in person's council's,
    or every language for someone not signed in."""
    actor = getattr(getattr(request, "state", None), "actor", None)
    codes = getattr(actor, "languages", ()) or ()
    return {code: name for code, name in LANGUAGES.items() if not codes or code in codes or code == DEFAULT_LOCALE}


def request_locale(request: Request) -> str:
    languages = offered(request)
    cookie = request.cookies.get(COOKIE)
    if cookie in languages:
        return cookie
    header = request.headers.get("accept-language", "")
    preferred = []
    for part in header.split(",")[:10]:
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag:
            preferred.append(tag)
    found = negotiate_locale(preferred, list(languages), sep="_") if preferred else None
    if found is None and preferred:
        # "cy_GB" should match "cy".
        for tag in preferred:
            if tag.split("_")[0].lower() in languages:
                return tag.split("_")[0].lower()
    return found or DEFAULT_LOCALE


def text_direction(locale: str) -> str:
    return (Locale.parse(locale).character_order == "right-to-left" and "rtl") or "ltr"

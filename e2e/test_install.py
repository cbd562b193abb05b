"""Installability as Chromium judges it, in a real (persistent) profile."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Playwright

from e2e.helpers import CHROMIUM, PHONE, wait_for_service_worker


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_young_person_installs_app(playwright: Playwright, base_url: str, tmp_path: Path) -> None:
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        base_url=base_url,
        **PHONE,
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)

        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        found = cdp.send("Page.getAppManifest")
        assert found["url"] == base_url + "/manifest.webmanifest"
        assert found["errors"] == [], found["errors"]
        manifest = json.loads(found["data"])

        assert manifest["display"] == "standalone"
        start = urljoin(found["url"], manifest["start_url"])
        assert start.startswith(base_url + "/")
        assert context.request.get(start).status == 200
        icons = manifest["icons"]
        sizes = {icon["sizes"] for icon in icons}
        assert {"192x192", "512x512"} <= sizes, sizes
        assert any("maskable" in icon.get("purpose", "").split() for icon in icons), icons
        for icon in icons:
            fetched = context.request.get(urljoin(found["url"], icon["src"]))
            assert fetched.status == 200, icon
            width, height = _png_size(fetched.body())
            assert f"{width}x{height}" == icon["sizes"], (icon, width, height)
    finally:
        context.close()

"""Static files from ``frontend/``: content hashes for cache-busting URLs and for the
service worker's cache version."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from waymark.settings import ROOT

PACKAGE_DIR = Path(__file__).resolve().parents[1]

FRONTEND_DIR = ROOT / "frontend"
# Fetched by the service worker on install, so the shell works offline at once.
PRECACHE = ("app.css", "app.js", "htmx.min.js", "icons/icon-192.png")


@lru_cache
def asset_hashes() -> dict[str, str]:
    hashes = {}
    for path in sorted(FRONTEND_DIR.rglob("*")):
        if path.is_file():
            rel = path.relative_to(FRONTEND_DIR).as_posix()
            hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return hashes


def static_url(name: str) -> str:
    version = asset_hashes().get(name)
    return f"/static/{name}?v={version}" if version else f"/static/{name}"


@lru_cache
def template_dirs() -> tuple[Path, ...]:
    """The shared layouts (web/templates) and every feature's <feature>/templates."""
    dirs = [PACKAGE_DIR / "web" / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.parent.name != "web")
    return tuple(dirs)


@lru_cache
def build_version() -> str:
    """Changes whenever any front-end file or template changes."""
    digest = hashlib.sha256()
    for name, value in sorted(asset_hashes().items()):
        digest.update(f"{name}={value}\n".encode())
    for directory in template_dirs():
        for path in sorted(directory.rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

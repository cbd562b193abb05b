"""`waymark check-content`: a report on the words young people read, for the people
who keep them up to date. A file that does not load is reported, not hidden."""

from __future__ import annotations

from datetime import date, timedelta

from waymark import clock
from waymark.entitlements import service as entitlements
from waymark.entitlements.rules import ContentError as EntitlementError
from waymark.entitlements.rules import load_entitlements
from waymark.glossary import service as glossary

STALE_AFTER = timedelta(days=365)


def _age(text: str) -> str:
    age = glossary.reading_age(text)
    return "-" if age is None else str(age)


def _too_hard(texts: list[str], target: int) -> bool:
    return any((glossary.reading_age(t) or 0) > target for t in texts)


def stale(last_checked: date) -> bool:
    return clock.today() - last_checked > STALE_AFTER


def content_report(*, target: int = 12) -> tuple[list[str], int]:
    """Lines to print and the number of problems (hard to read, no source, failed to
    load). Last-checked dates over 12 months old are listed as problems too, and so is
    a right whose start date has passed since it was last checked."""
    lines: list[str] = []
    problems = 0
    try:
        items = load_entitlements(entitlements.CONTENT_DIR)
    except EntitlementError as exc:
        return [f"ENTITLEMENTS DO NOT LOAD: {exc}"], 1
    lines.append(f"Entitlements ({len(items)}): reading age of summary / easy read / text, sources, last checked")
    for item in items.values():
        flags = []
        if _too_hard([item.summary, item.easy_read, item.body], target):
            flags.append(f"reads above {target}")
        if not item.sources:
            flags.append("no source")
        if stale(item.last_checked):
            flags.append("checked over 12 months ago")
        if item.starts is not None and item.starts <= clock.today() and item.last_checked < item.starts:
            flags.append(f"started on {item.starts}: check it and update")
        problems += bool(flags)
        lines.append(
            f"  {item.slug:40} {_age(item.summary):>3} / {_age(item.easy_read):>3} / {_age(item.body):>3}"
            f"  {len(item.sources)} source(s)  {item.last_checked}  {'PROBLEM: ' + ', '.join(flags) if flags else 'ok'}"
        )
    try:
        terms = glossary.glossary()
    except glossary.ContentError as exc:
        return [*lines, f"GLOSSARY DOES NOT LOAD: {exc}"], problems + 1
    lines.append(f"Glossary ({len(terms)}): reading age of plain words / explanation, sources, last checked")
    for term in terms.values():
        flags = []
        if _too_hard([term.plain, term.body], target):
            flags.append(f"reads above {target}")
        if stale(term.last_checked):
            flags.append("checked over 12 months ago")
        problems += bool(flags)
        lines.append(
            f"  {term.slug:40} {_age(term.plain):>3} / {_age(term.body):>3}  {len(term.sources)} source(s)"
            f"  {term.last_checked}  {'PROBLEM: ' + ', '.join(flags) if flags else 'ok'}"
        )
    return lines, problems

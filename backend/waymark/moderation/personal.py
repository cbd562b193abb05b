"""Finding personal details in what young people write, for the moderator to redact:
email addresses, phone numbers, postcodes and street addresses, dates (a date of birth
looks like any date), and names (capitalised words that are not at the start of a
sentence, not common words, and names after "my PA", "called" and the like). It
suggests; the moderator decides. Nothing here is published without them."""

from __future__ import annotations

import re
from dataclasses import dataclass

LABELS = {"email": "[email]", "phone": "[phone]", "address": "[address]", "date": "[date]", "name": "[name]"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Grove|Place|Gardens|Terrace|Hill|Walk)\b"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?:\s+\d{2,4})?)\b",
    re.IGNORECASE,
)
_CALLED = re.compile(
    r"\b(?:my\s+(?:pa|sw|worker|social worker|carer|foster carer|mum|dad|brother|sister|boyfriend|girlfriend|friend)"
    r"|called|named|name is|i'm|im|i am)\s+([A-Z][a-z]+)"
)
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
_COMMON = {
    "i",
    "im",
    "the",
    "my",
    "and",
    "but",
    "when",
    "they",
    "she",
    "he",
    "we",
    "you",
    "it",
    "this",
    "that",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "christmas",
    "easter",
    "england",
    "wales",
    "uk",
    "nhs",
    "camhs",
    "council",
    "universal",
    "credit",
    "covid",
    "google",
    "instagram",
    "tiktok",
    "snapchat",
    "whatsapp",
    "facebook",
    "youtube",
    "english",
    "welsh",
    "muslim",
    "christian",
    "black",
    "asian",
    "white",
    "waymark",
    "riverside",
    "hillside",
    "please",
    "thanks",
    "thank",
    "also",
    "maybe",
    "sometimes",
    "just",
    "not",
    "why",
    "what",
    "how",
    "who",
    "where",
    "there",
    "then",
    "because",
    "if",
    "so",
    "yes",
    "no",
    "ok",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def find(text: str) -> list[Span]:
    """Personal details in ``text``, as non-overlapping spans in order."""
    spans: list[Span] = []
    for kind, pattern, group in (
        ("email", _EMAIL, 0),
        ("address", _STREET, 0),
        ("address", _POSTCODE, 0),
        ("phone", _PHONE, 0),
        ("date", _DATE, 0),
        ("name", _CALLED, 1),
        ("name", _CAPITALISED, 1),
    ):
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if kind == "name" and match.group(group).lower() in _COMMON:
                continue
            if any(s.start < end and start < s.end for s in spans):
                continue
            spans.append(Span(start, end, kind))
    return sorted(spans, key=lambda s: s.start)


def redact(text: str, spans: list[Span] | None = None) -> str:
    """The text with each span replaced by its label, e.g. "[name]"."""
    out, last = [], 0
    for span in spans if spans is not None else find(text):
        out.append(text[last : span.start])
        out.append(LABELS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def pieces(text: str) -> list[tuple[str, str | None]]:
    """The text cut into (piece, kind or None), for highlighting in the queue."""
    out: list[tuple[str, str | None]] = []
    last = 0
    for span in find(text):
        if span.start > last:
            out.append((text[last : span.start], None))
        out.append((text[span.start : span.end], span.kind))
        last = span.end
    if last < len(text):
        out.append((text[last:], None))
    return out

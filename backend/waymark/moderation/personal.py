"""Finding personal details in what young people write, for the moderator to redact:
email addresses, phone numbers, postcodes and street addresses, dates (a date of birth
looks like any date), and names: every name the council's own records hold (young
people and staff, whole or in part, in any case, possessive too), full names (two
capitalised words, even at the start of a sentence), a title with a surname ("Mr
Okafor"), capitalised words that are not at the start of a sentence and not common
words, and names after "my PA", "called" and the like. It suggests; the moderator
decides. Nothing here is published without them. Measured on labelled sets with
``waymark redaction evaluate`` (content/safeguarding/names-*.jsonl)."""

from __future__ import annotations

import re
from collections.abc import Iterable
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
    r"\b(?i:my\s+(?:pa|sw|worker|social worker|carer|foster carer|mum|dad|brother|sister|boyfriend|girlfriend|friend"
    r"|mate|ex|partner|key worker|support worker|solicitor|nan|aunt|auntie|uncle|cousin|son|daughter)"
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


# Capitalised words that name places, services and things, not people.
_NOT_PEOPLE = {
    "care",
    "leavers",
    "leaver",
    "covenant",
    "local",
    "offer",
    "jobcentre",
    "shelter",
    "college",
    "school",
    "university",
    "uni",
    "street",
    "road",
    "lane",
    "avenue",
    "park",
    "centre",
    "center",
    "house",
    "hall",
    "library",
    "hospital",
    "gp",
    "police",
    "court",
    "housing",
    "benefit",
    "benefits",
    "pathway",
    "plan",
    "youth",
    "club",
    "service",
    "services",
    "team",
    "office",
    "station",
    "bus",
    "city",
    "town",
    "north",
    "south",
    "east",
    "west",
    "new",
    "old",
    "great",
    "st",
    "saint",
    "bank",
    "holiday",
    "day",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "tesco",
    "asda",
    "aldi",
    "lidl",
    "primark",
    "mcdonalds",
    "greggs",
    "amazon",
    "marks",
    "spencer",
    "citizens",
    "advice",
    "samaritans",
    "childline",
    "mind",
    "barnardos",
    "prince",
    "trust",
    "foundation",
    "charity",
    "job",
    "jobs",
    "universal",
    "credit",
    "council",
    "tax",
    "ofsted",
}
_STARTERS = {
    "ask",
    "tell",
    "call",
    "ring",
    "text",
    "hi",
    "hey",
    "dear",
    "shout",
    "can",
    "could",
    "would",
    "should",
    "is",
    "are",
    "do",
    "does",
    "did",
    "have",
    "has",
    "got",
    "went",
    "said",
    "pa",
    "sw",
    "ngl",
    "tbh",
    "lol",
    "omg",
}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr"}
# Names that are also everyday words: taken out only when capitalised mid-sentence.
_WORDS_TOO = {
    "will",
    "grace",
    "may",
    "mark",
    "hope",
    "faith",
    "joy",
    "rose",
    "sue",
    "frank",
    "drew",
    "jack",
    "bill",
    "pat",
    "art",
    "april",
    "june",
    "summer",
    "dawn",
    "amber",
    "ruby",
    "holly",
    "ivy",
    "rich",
    "bob",
    "penny",
    "lily",
    "sky",
    "river",
    "brook",
    "star",
    "major",
    "king",
    "long",
    "young",
    "white",
    "black",
    "brown",
    "green",
    "hill",
    "wood",
    "park",
    "lane",
    "mason",
    "cook",
    "baker",
    "hunter",
    "page",
    "rice",
}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@dataclass(frozen=True)
class Known:
    """The council's own names, ready to look up: whole names and their parts."""

    whole: frozenset[tuple[str, ...]] = frozenset()
    parts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str]) -> Known:
        whole, parts = set(), set()
        for name in names:
            tokens = tuple(t.lower() for t in _WORD.findall(name))
            if tokens:
                whole.add(tokens)
                parts.update(t for t in tokens if len(t) > 1 and t not in _COMMON)
        return cls(frozenset(whole), frozenset(parts))


NOBODY = Known()


@dataclass(frozen=True)
class _Token:
    start: int
    end: int  # without a possessive 's
    word: str
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.word[:1].isupper()

    @property
    def lower(self) -> str:
        return self.word.lower()


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for match in _WORD.finditer(text):
        word, start = match.group(0), match.start()
        for tail in ("'s", "’s", "'", "’"):
            if word.lower().endswith(tail) and len(word) > len(tail) + 1:
                word = word[: -len(tail)]
                break
        before = text[:start].rstrip()
        found.append(_Token(start, start + len(word), word, not before or before[-1] in ".!?:\n"))
    return found


def _name_spans(text: str, known: Known) -> list[tuple[int, int]]:
    """Where names are, by the council's records, full names and titles."""
    tokens, spans, i = _tokens(text), [], 0

    def person_like(t: _Token) -> bool:
        title_case = t.word[:1].isupper() and (t.word[1:].islower() or "'" in t.word or "-" in t.word)
        return title_case and t.word.isalpha() is not False and t.lower not in _COMMON | _NOT_PEOPLE | _STARTERS

    while i < len(tokens):
        token = tokens[i]
        # The longest whole known name starting here ("Priya Shah", any case).
        for n in range(min(4, len(tokens) - i), 1, -1):
            if tuple(t.lower for t in tokens[i : i + n]) in known.whole:
                spans.append((token.start, tokens[i + n - 1].end))
                i += n
                break
        else:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.lower in _TITLES and nxt is not None and (nxt.capitalised or nxt.lower in known.parts):
                last = i + 1
                while last + 1 < len(tokens) and person_like(tokens[last + 1]) and last - i < 3:
                    last += 1
                spans.append((token.start, tokens[last].end))
                i = last + 1
                continue
            if person_like(token) and nxt is not None and person_like(nxt):
                last = i + 1
                while last + 1 < len(tokens) and person_like(tokens[last + 1]) and last - i < 2:
                    last += 1
                spans.append((token.start, tokens[last].end))
                i = last + 1
                continue
            if token.lower in known.parts and (
                token.lower not in _WORDS_TOO or (token.capitalised and not token.sentence_start)
            ):
                spans.append((token.start, token.end))
            i += 1
    return spans


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def find(text: str, known: Known = NOBODY) -> list[Span]:
    """Personal details in ``text``, as non-overlapping spans in order; ``known`` holds
    the names in the council's records."""
    spans: list[Span] = []
    for kind, pattern, group in (
        ("email", _EMAIL, 0),
        ("address", _STREET, 0),
        ("address", _POSTCODE, 0),
        ("phone", _PHONE, 0),
        ("date", _DATE, 0),
        ("name", _CALLED, 1),
        # Without the council's records, any capitalised word mid-sentence is suggested;
        # with them, lone words are left unless they are in the records (on the labelled
        # set this kept 88% of place and service names instead of 60%, missing no name).
        *([("name", _CAPITALISED, 1)] if known is NOBODY else []),
    ):
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if kind == "name" and match.group(group).lower() in _COMMON | _NOT_PEOPLE | _WORDS_TOO:
                continue
            if any(s.start < end and start < s.end for s in spans):
                continue
            spans.append(Span(start, end, kind))
        if pattern is _DATE:  # then names, before the weaker single-word rules
            for start, end in _name_spans(text, known):
                if not any(s.start < end and start < s.end for s in spans):
                    spans.append(Span(start, end, "name"))
    return sorted(spans, key=lambda s: s.start)


def redact(text: str, spans: list[Span] | None = None, known: Known = NOBODY) -> str:
    """The text with each span replaced by its label, e.g. "[name]"."""
    out, last = [], 0
    for span in spans if spans is not None else find(text, known):
        out.append(text[last : span.start])
        out.append(LABELS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def pieces(text: str, known: Known = NOBODY) -> list[tuple[str, str | None]]:
    """The text cut into (piece, kind or None), for highlighting in the queue."""
    out: list[tuple[str, str | None]] = []
    last = 0
    for span in find(text, known):
        if span.start > last:
            out.append((text[last : span.start], None))
        out.append((text[span.start : span.end], span.kind))
        last = span.end
    if last < len(text):
        out.append((text[last:], None))
    return out


def evaluate(rows: Iterable[dict]) -> dict[str, float | int]:
    """Scores on a labelled set (``content/safeguarding/names-*.jsonl``): how many
    name spans are taken out whole, and how many words that must stay are kept."""
    names = caught = keep = kept = 0
    for row in rows:
        found = [s for s in find(row["text"], Known.of(row.get("known", []))) if s.kind == "name"]
        for name in row["names"]:
            start = row["text"].find(name)
            names += 1
            caught += any(s.start <= start and start + len(name) <= s.end for s in found)
        for word in row.get("keep", []):
            start = row["text"].find(word)
            keep += 1
            kept += not any(s.start < start + len(word) and start < s.end for s in found)
    return {
        "names": names,
        "names_taken_out": caught,
        "recall": round(caught / names, 4) if names else 1.0,
        "keep": keep,
        "kept": kept,
        "kept_rate": round(kept / keep, 4) if keep else 1.0,
    }

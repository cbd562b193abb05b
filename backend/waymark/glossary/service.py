"""Plain-language tools: the glossary in ``content/glossary/``, finding jargon in text,
linking it to the glossary, and estimating reading age.

Reading age is the Flesch-Kincaid grade (textstat) plus 5, the usual way to turn a US
school grade into a UK reading age. It is an estimate for short texts, so it is shown
as help for the writer, never used to refuse anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import frontmatter
import textstat
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from waymark.settings import ROOT

GLOSSARY_DIR = ROOT / "content" / "glossary"
REQUIRED = ("term", "aliases", "plain", "sources", "last_checked")
_markdown = MarkdownIt("commonmark", {"html": False})


class ContentError(ValueError):
    """A content file is wrong; the message names the file and the field."""


@dataclass(frozen=True)
class Term:
    slug: str
    term: str
    aliases: tuple[str, ...]
    plain: str
    body: str
    sources: tuple[str, ...]
    last_checked: date

    @property
    def body_html(self) -> Markup:
        return render_markdown(self.body)


def render_markdown(text: str) -> Markup:
    """Content Markdown as HTML; raw HTML in the source is not allowed through."""
    return Markup(_markdown.render(text))  # noqa: S704 (markdown-it with raw HTML off)


def _load_term(path: Path) -> Term:
    post = frontmatter.load(path)
    name = path.name
    for key in REQUIRED:
        if key not in post.metadata or post.metadata[key] in (None, "", []):
            raise ContentError(f"{name}: missing {key!r}")
    aliases = post.metadata["aliases"]
    sources = post.metadata["sources"]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and len(a) >= 3 for a in aliases):
        raise ContentError(f"{name}: 'aliases' must be a list of phrases of 3 or more characters")
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.startswith("https://") for s in sources):
        raise ContentError(f"{name}: 'sources' must be a list of https:// addresses")
    checked = post.metadata["last_checked"]
    if not isinstance(checked, date):
        raise ContentError(f"{name}: 'last_checked' must be a date like 2026-11-24")
    if not post.content.strip():
        raise ContentError(f"{name}: the explanation (the text under the front matter) is empty")
    return Term(
        slug=path.stem,
        term=str(post.metadata["term"]),
        aliases=tuple(aliases),
        plain=str(post.metadata["plain"]),
        body=post.content.strip(),
        sources=tuple(sources),
        last_checked=checked,
    )


@lru_cache
def glossary(directory: Path = GLOSSARY_DIR) -> dict[str, Term]:
    """Every term by slug. A bad file fails loudly, naming the file and the field."""
    terms: dict[str, Term] = {}
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        term = _load_term(path)
        for phrase in (term.term, *term.aliases):
            key = phrase.lower()
            if key in seen and seen[key] != term.slug:
                raise ContentError(f"{path.name}: {phrase!r} is also in {seen[key]}.md")
            seen[key] = term.slug
        terms[term.slug] = term
    return dict(sorted(terms.items(), key=lambda kv: kv[1].term.lower()))


@lru_cache
def _matcher(directory: Path = GLOSSARY_DIR) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every phrase, longest first. Abbreviations (all capitals, like
    "EET") match only in capitals; other phrases in any case."""
    by_phrase: dict[str, str] = {}
    patterns = []
    for term in glossary(directory).values():
        for phrase in sorted({term.term, *term.aliases}, key=len, reverse=True):
            by_phrase[_normal(phrase)] = term.slug
            escaped = re.escape(phrase).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
            patterns.append((len(phrase), escaped if phrase.isupper() else f"(?i:{escaped})"))
    patterns.sort(key=lambda p: p[0], reverse=True)
    regex = r"(?<![\w-])(" + "|".join(p for _, p in patterns) + r")(?![\w-])" if patterns else r"(?!x)x"
    return re.compile(regex), by_phrase


def _normal(phrase: str) -> str:
    return re.sub(r"[\s-]+", " ", phrase.lower())


def jargon_in(text: str) -> list[Term]:
    """Glossary terms used in ``text``, in order of first use, each once."""
    regex, by_phrase = _matcher()
    terms = glossary()
    found: list[Term] = []
    for match in regex.finditer(text or ""):
        term = terms[by_phrase[_normal(match.group(0))]]
        if term not in found:
            found.append(term)
    return found


def link_jargon(text: str) -> Markup:
    """``text`` escaped, with the first use of each glossary term linked to its page."""
    regex, by_phrase = _matcher()
    out: list[str] = []
    done: set[str] = set()
    last = 0
    for match in regex.finditer(text or ""):
        slug = by_phrase[_normal(match.group(0))]
        if slug in done:
            continue
        done.add(slug)
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<a class="jargon" href="/glossary/{slug}">{escape(match.group(0))}</a>')
        last = match.end()
    out.append(str(escape((text or "")[last:])))
    return Markup("".join(out))  # noqa: S704 (every piece is escaped above)


def reading_age(text: str) -> int | None:
    """Estimated UK reading age of ``text`` (None for text too short to judge)."""
    words = re.findall(r"[A-Za-z']+", text or "")
    if len(words) < 3:
        return None
    return max(5, round(textstat.flesch_kincaid_grade(text) + 5))

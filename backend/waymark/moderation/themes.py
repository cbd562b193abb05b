"""Theme suggestions for what young people write, from the word lists in
``content/themes.yaml`` (no model to train, nothing sent anywhere). The moderator
confirms or changes them; ``waymark themes suggest`` and ``waymark themes evaluate``
use the same code."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from waymark.settings import ROOT

THEMES_FILE = ROOT / "content" / "themes.yaml"
MAX_THEMES = 3
_ENDINGS = r"(?:s|es|ed|ing|'s|’s)?"


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    title_cy: str
    patterns: tuple[re.Pattern[str], ...]


def _pattern(word: str) -> re.Pattern[str]:
    word = word.strip().lower()
    if not re.search(r"[a-z0-9]", word):  # a symbol such as £
        return re.compile(re.escape(word))
    parts = [re.escape(p) for p in word.split()]
    last = parts[-1]
    parts[-1] = last[:-2] + r"\w*" if last.endswith(r"\*") else last + _ENDINGS
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(parts) + r"(?![a-z0-9])")


@lru_cache
def themes(path: Path = THEMES_FILE) -> tuple[Theme, ...]:
    """Every theme, checked once per process (a bad file stops the app, naming it)."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for row in rows:
        missing = {"key", "title", "title_cy", "words"} - set(row)
        if missing:
            raise ValueError(f"{path.name}: theme {row.get('key')!r} has no {sorted(missing)}")
        found.append(
            Theme(
                key=row["key"],
                title=row["title"],
                title_cy=row["title_cy"],
                patterns=tuple(_pattern(str(w)) for w in row["words"]),
            )
        )
    keys = [t.key for t in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{path.name}: a theme key is used twice")
    return tuple(found)


def keys() -> tuple[str, ...]:
    return tuple(t.key for t in themes())


def titles(locale: str = "en") -> dict[str, str]:
    return {t.key: (t.title_cy if locale == "cy" else t.title) for t in themes()}


def _normalise(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def suggest(text: str) -> list[str]:
    """The themes the text suggests, strongest first (at most three)."""
    lowered = _normalise(text)
    scores = []
    for order, theme in enumerate(themes()):
        hits = sum(1 for p in theme.patterns if p.search(lowered))
        if hits:
            scores.append((-hits, order, theme.key))
    return [key for _, _, key in sorted(scores)[:MAX_THEMES]]


@dataclass(frozen=True)
class Evaluation:
    statements: int
    precision: float
    recall: float
    per_theme: dict[str, tuple[float, float, int]]  # key -> (precision, recall, statements labelled)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(labelled: Iterable[tuple[str, Sequence[str]]]) -> Evaluation:
    """Micro-averaged precision and recall of ``suggest`` against labels."""
    tp = fp = fn = 0
    per: dict[str, list[int]] = {k: [0, 0, 0] for k in keys()}
    count = 0
    for text, labels in labelled:
        count += 1
        got, want = set(suggest(text)), set(labels)
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        for key in per:
            per[key][0] += key in got and key in want
            per[key][1] += key in got and key not in want
            per[key][2] += key in want and key not in got
    per_theme = {
        key: (
            t / (t + f) if t + f else 0.0,
            t / (t + n) if t + n else 0.0,
            t + n,
        )
        for key, (t, f, n) in per.items()
    }
    return Evaluation(
        statements=count,
        precision=tp / (tp + fp) if tp + fp else 0.0,
        recall=tp / (tp + fn) if tp + fn else 0.0,
        per_theme=per_theme,
    )

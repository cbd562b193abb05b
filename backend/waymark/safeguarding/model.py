"""The statistical layer of the safeguarding detector: a logistic regression over word
and character n-grams, trained from the labelled sets in ``content/safeguarding/``.

``waymark safeguarding train`` fits it with scikit-learn (a dev dependency) and writes
``model.json`` beside this file: the vocabulary with each n-gram's idf and weight, the
intercept, and the two thresholds chosen on the development set. The app reads that
file with plain Python (no numpy at run time, no weights downloaded), computing the
same tf-idf as scikit-learn: sublinear term frequency, idf, L2 norm. ``features`` is
the one analyser both use, so training and reading cannot drift apart
(``tests/safeguarding/test_model.py`` checks the scores match)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from waymark.safeguarding.normalise import normalise

MODEL_FILE = Path(__file__).with_name("model.json")
_WORD = re.compile(r"[a-z0-9']+")


def features(text: str, chars: tuple[int, ...] = ()) -> list[str]:
    """Word unigrams and bigrams, and character n-grams of the lengths in ``chars``
    inside words (so that misspellings such as "suiside" share most of theirs)."""
    words = _WORD.findall(normalise(text))
    found = [f"w:{w}" for w in words]
    found += [f"b:{a} {b}" for a, b in pairwise(words)]
    for word in words:
        padded = f" {word} "
        for n in chars:
            found += [f"c:{padded[i : i + n]}" for i in range(max(len(padded) - n + 1, 1))]
    return found


@dataclass(frozen=True)
class Score:
    probability: float
    top: list[str]  # the words that pushed the score up most, for the lead to read


@dataclass(frozen=True)
class Model:
    vocabulary: dict[str, tuple[float, float]]  # n-gram -> (idf, weight)
    intercept: float
    urgent: float  # reported by training only: the model alone never makes an alert urgent (detect.check)
    check: float  # at or above: "check", a possible risk, still on the duty list
    veto: float  # a rule match with a score below this is a figure of speech or the past
    chars: tuple[int, ...] = ()  # character n-gram lengths (see ``features``)
    evidence: int = 1  # fewer known word n-grams than this: the score is pulled toward the prior

    def score(self, text: str) -> Score:
        counts = Counter(f for f in features(text, self.chars) if f in self.vocabulary)
        if not counts:
            return Score(1 / (1 + math.exp(-self.intercept)), [])
        values = {f: (1 + math.log(n)) * self.vocabulary[f][0] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        parts = {f: v / norm * self.vocabulary[f][1] for f, v in values.items()}
        # One or two known words ("again", "No answer") carry a whole normalised vector
        # on their own; weigh them by how much evidence there is.
        known = sum(1 for f in counts if f[0] in "wb")
        z = self.intercept + sum(parts.values()) * min(1.0, known / self.evidence)
        words = [f[2:] for f, p in sorted(parts.items(), key=lambda kv: -kv[1]) if p > 0 and f[0] in "wb"]
        return Score(1 / (1 + math.exp(-z)), words[:3])


@lru_cache(maxsize=1)
def load(path: Path = MODEL_FILE) -> Model | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return Model(
        vocabulary={k: (v[0], v[1]) for k, v in data["vocabulary"].items()},
        intercept=data["intercept"],
        urgent=data["thresholds"]["urgent"],
        check=data["thresholds"]["check"],
        veto=data["thresholds"]["veto"],
        chars=tuple(data["chars"]),
        evidence=data.get("evidence", 1),
    )

"""Training and measuring the safeguarding detector (``waymark safeguarding train``
and ``evaluate``). Needs scikit-learn, a dev dependency; the app never imports this.

The labelled sets live in ``content/safeguarding/`` and are kept apart
(``content/safeguarding/README.md`` says how each was made):
- ``rules-fitted`` and ``train``: what the model is fitted to;
- ``dev`` and ``dev2``: what the regularisation and both thresholds are chosen on;
- ``heldout``, ``heldout2`` and ``heldout3``: written without sight of the rules, the model or the other sets, and
  only ever reported, never tuned on.

Everything is deterministic (liblinear, fixed order), so the same data gives the same
``model.json``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from waymark.safeguarding import detect, model
from waymark.safeguarding.evaluation import DEV_SETS, EVERYDAY_SET, SETS_DIR, TRAIN_SETS, evaluate, load_set

RECALL_TARGET = 0.99  # on the dev set, rules and model together
URGENT_FALSE_ALARMS = 0.02  # the model alone calls something urgent only when this sure
C_GRID = (3.0, 10.0, 30.0, 100.0)
CHARS_GRID = ((), (5,))  # words only, or words and character 5-grams
VETO_GRID = (0.1, 0.2)
EVIDENCE_GRID = (1, 3, 5)


def _fit(
    texts: list[str], labels: list[int], c: float, chars: tuple[int, ...]
) -> tuple[TfidfVectorizer, LogisticRegression]:
    vectoriser = TfidfVectorizer(analyzer=lambda text: model.features(text, chars), sublinear_tf=True)
    matrix = vectoriser.fit_transform(texts)
    classifier = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0, max_iter=1000)
    classifier.fit(matrix, labels)
    return vectoriser, classifier


def _as_model(
    vectoriser: TfidfVectorizer,
    classifier: LogisticRegression,
    chars: tuple[int, ...],
    urgent: float = 1.0,
    check: float = 1.0,
    veto: float = 1.0,
    evidence: int = 1,
) -> model.Model:
    weights = classifier.coef_[0]
    vocabulary = {
        term: (round(float(vectoriser.idf_[i]), 5), round(float(weights[i]), 5))
        for term, i in sorted(vectoriser.vocabulary_.items())
    }
    return model.Model(vocabulary, round(float(classifier.intercept_[0]), 5), urgent, check, veto, chars, evidence)


def _thresholds(scored: list[tuple[float, bool, bool]], veto: float) -> tuple[float, float]:
    """(urgent, check) from dev scores: (probability, rules caught it, truly risky).
    ``check`` is the highest threshold at which rules and model together reach
    RECALL_TARGET; ``urgent`` the lowest at which the model alone stays under
    URGENT_FALSE_ALARMS."""
    risky = [(p, rule and p >= veto) for p, rule, truth in scored if truth]
    calm = sorted((p for p, _rule, truth in scored if not truth), reverse=True)
    needed = RECALL_TARGET * len(risky)
    check = 0.0
    for t in sorted({round(p, 4) for p, _r in risky}, reverse=True):
        if sum(1 for p, rule in risky if rule or p >= t) >= needed:
            check = t
            break
    allowed = int(URGENT_FALSE_ALARMS * len(calm))
    urgent = max(0.5, round(calm[allowed], 4) + 0.0001) if len(calm) > allowed else 0.5
    return max(urgent, check), check


def train(directory: Path = SETS_DIR) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fit on the training sets, choose C and the thresholds on the dev sets. Returns the model
    file's contents and the dev figures for each C tried."""
    rows = [r for name in TRAIN_SETS for r in load_set(name, directory)]
    dev = [r for name in DEV_SETS for r in load_set(name, directory)]
    everyday = load_set(EVERYDAY_SET, directory)
    texts, labels = [r["text"] for r in rows], [int(bool(r["risk"])) for r in rows]
    tried, best = [], None
    for chars in CHARS_GRID:
        for c in C_GRID:
            vectoriser, classifier = _fit(texts, labels, c, chars)
            for evidence in EVIDENCE_GRID:
                trial = _as_model(vectoriser, classifier, chars, evidence=evidence)
                scored = [
                    (trial.score(r["text"]).probability, detect.rules(r["text"]).risk, bool(r["risk"])) for r in dev
                ]
                for veto in VETO_GRID:
                    urgent, check = _thresholds(scored, veto)
                    candidate = _as_model(vectoriser, classifier, chars, urgent, check, veto, evidence)
                    result = evaluate(dev, lambda text, m=candidate: detect.check(text, m).risk)
                    calm = evaluate(everyday, lambda text, m=candidate: detect.check(text, m).risk)
                    alarms = (result.alarms + calm.alarms) / (result.calm + calm.calm)
                    tried.append(
                        {
                            "chars": list(chars),
                            "C": c,
                            "evidence": evidence,
                            "veto": veto,
                            "check": check,
                            **result.line("+".join(DEV_SETS)),
                            "everyday_false_alarms": calm.alarms,
                        }
                    )
                    key = (result.recall >= RECALL_TARGET, -alarms, result.recall)
                    if best is None or key > best[0]:
                        best = (key, c, candidate)
    assert best is not None
    _key, c, chosen = best
    digest = hashlib.sha256()
    for name in (*TRAIN_SETS, *DEV_SETS, EVERYDAY_SET):
        digest.update((directory / f"{name}.jsonl").read_bytes())
    data = {
        "about": "waymark safeguarding train: logistic regression over word and character n-grams",
        "trained_on": list(TRAIN_SETS),
        "tuned_on": [*DEV_SETS, EVERYDAY_SET],
        "data_sha256": digest.hexdigest(),
        "C": c,
        "chars": list(chosen.chars),
        "evidence": chosen.evidence,
        "thresholds": {"urgent": chosen.urgent, "check": chosen.check, "veto": chosen.veto},
        "intercept": chosen.intercept,
        "vocabulary": {k: list(v) for k, v in chosen.vocabulary.items()},
    }
    return data, tried


def write(data: dict[str, Any], path: Path = model.MODEL_FILE) -> None:
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")
    model.load.cache_clear()

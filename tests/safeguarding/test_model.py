"""The statistical layer of the safeguarding detector: the model file is what
`waymark safeguarding train` makes from the labelled sets (so it is reproducible and
nothing is downloaded), the app's plain-Python scores match scikit-learn's, the
development set's figures hold, and the held-out figures are reported."""

from __future__ import annotations

import json

import pytest

from waymark.safeguarding import detect, model, training
from waymark.safeguarding.evaluation import (
    ALL_SETS,
    DEV_SET,
    DEV_SETS,
    EVERYDAY_SET,
    HELDOUT_SET,
    HELDOUT_SET_2,
    HELDOUT_SET_3,
    HELDOUT_SETS,
    evaluate,
    load_set,
)


@pytest.fixture(scope="module")
def retrained():
    data, tried = training.train()
    return data, tried


def _close(made, saved, path="model"):
    """Equal, but for the last rounded digit of a weight: the solver's floating point
    differs a little between machines (one run here moved 1,357 of 32,644 weights by
    0.00001), so a byte-for-byte comparison failed on a fresh clone."""
    if isinstance(saved, dict):
        assert isinstance(made, dict) and set(made) == set(saved), f"{path}: keys differ"
        for key in saved:
            _close(made[key], saved[key], f"{path}.{key}")
    elif isinstance(saved, list):
        assert isinstance(made, list) and len(made) == len(saved), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(made, saved, strict=True)):
            _close(a, b, f"{path}[{i}]")
    elif isinstance(saved, float) and not isinstance(saved, bool):
        assert made == pytest.approx(saved, abs=2e-4), path
    else:
        assert made == saved, path


def test_the_model_file_is_what_training_on_the_sets_in_the_repository_makes(retrained, tmp_path):
    data, _tried = retrained
    path = tmp_path / "model.json"
    training.write(data, path)
    _close(json.loads(path.read_text()), json.loads(model.MODEL_FILE.read_text()))  # else: waymark safeguarding train


def test_plain_python_scores_match_scikit_learn():
    rows = [r for name in training.TRAIN_SETS for r in load_set(name)]
    texts, labels = [r["text"] for r in rows], [int(r["risk"]) for r in rows]
    saved = json.loads(model.MODEL_FILE.read_text())
    vectoriser, classifier = training._fit(texts, labels, saved["C"], tuple(saved["chars"]))
    mine = training._as_model(vectoriser, classifier, tuple(saved["chars"]), evidence=1)
    dev = [r["text"] for r in load_set(DEV_SET)]
    theirs = classifier.predict_proba(vectoriser.transform(dev))[:, 1]
    assert max(abs(mine.score(t).probability - p) for t, p in zip(dev, theirs, strict=True)) < 1e-3


def test_the_sets_are_apart():
    """Training sets may share a line; the development, everyday and held-out sets
    share none with any other set."""

    def texts(name):
        return {" ".join(row["text"].lower().split()) for row in load_set(name)}

    training_texts = set().union(*(texts(name) for name in training.TRAIN_SETS))
    kept_apart = [name for name in ALL_SETS if name not in training.TRAIN_SETS]
    for name in kept_apart:
        others = training_texts.union(*(texts(other) for other in kept_apart if other != name))
        assert texts(name) & others == set(), name


def test_on_the_development_sets_almost_nothing_is_missed_and_few_false_alarms():
    """Tuned on the two together (the thresholds aim at 99% recall on them)."""
    rows = [r for name in DEV_SETS for r in load_set(name)]
    result = evaluate(rows, lambda text: detect.check(text).risk)
    assert result.recall >= 0.99 and result.false_alarm_rate <= 0.10, result.line("+".join(DEV_SETS))
    everyday = evaluate(load_set(EVERYDAY_SET), lambda text: detect.check(text).risk)
    assert everyday.false_alarm_rate <= 0.12, everyday.false_alarms


def test_held_out_figures_are_reported_and_do_not_fall(capsys):
    """Never tuned on: printed for the record, and checked only against a floor, so a
    change that makes the detector worse on words it has never seen fails."""
    result = evaluate(load_set(HELDOUT_SET), lambda text: detect.check(text).risk)
    with capsys.disabled():
        print("\nheld-out:", json.dumps(result.line(HELDOUT_SET)))
    assert result.recall >= 0.985 and result.false_alarm_rate <= 0.10
    second = evaluate(load_set(HELDOUT_SET_2), lambda text: detect.check(text).risk)
    with capsys.disabled():
        print("held-out 2:", json.dumps(second.line(HELDOUT_SET_2)))
    # First measured (2026-12-04, before train4 was added): 97.9%, 14.6%; with train4 98.3%, 12.0%;
    # with train5 and dev2 99.0%, 7.6%.
    assert second.recall >= 0.98 and second.false_alarm_rate <= 0.10
    third = evaluate(load_set(HELDOUT_SET_3), lambda text: detect.check(text).risk)
    with capsys.disabled():
        print("held-out 3:", json.dumps(third.line(HELDOUT_SET_3)))
    # First measured (2026-12-04) on the model before train5 and dev2: 99.0% (296/299), 10.5% (31/295);
    # after them, measured once: 99.3% (297/299), 6.1% (18/295).
    assert third.recall >= 0.985 and third.false_alarm_rate <= 0.08


@pytest.mark.parametrize("name", HELDOUT_SETS)
def test_held_out_meets_the_bar(name):
    """Recall at least 98% with at most 10% false alarms, on every held-out set.
    ``heldout3`` is the fairest test: it was written after the last change to how the
    model is built, and first measured before train5 and dev2 were added."""
    result = evaluate(load_set(name), lambda text: detect.check(text).risk)
    assert result.recall >= 0.98 and result.false_alarm_rate <= 0.10


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("i took a load of tablets last night", True),
        ("been sleeping on the bus because I got kicked out", True),
        ("don't see the point in carrying on anymore", True),
        ("i get sent to other towns to drop off packages and i cant say no", True),
        ("they shared naked pictures of me and say they'll send them to everyone", True),
        ("i want to disappear forever and not wake up", True),
        ("this form is killing me", False),
        ("Can we meet at the library on Tuesday", False),
    ],
)
def test_the_statements_the_issue_found_missed_are_caught(text, risk):
    """The six misses reported in issue 15 (they are in no labelled set)."""
    assert detect.check(text).risk is risk


def test_send_it_is_not_end_it():
    assert not detect.rules("No, send it without my name").risk


def test_the_model_alone_never_makes_an_alert_urgent():
    signal = detect.check("What matters to me")  # scored high by the model, as short phrases can be
    assert signal.level in ("", "check")
    assert detect.check("i want to kill myself").level == "urgent"

"""Measuring the safeguarding detector on the labelled sets in
``content/safeguarding/`` (``waymark safeguarding evaluate``). The sets and how each
was made: ``content/safeguarding/README.md``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from waymark.settings import ROOT

SETS_DIR = ROOT / "content" / "safeguarding"
# The model is fitted to these.
TRAIN_SETS = ("rules-fitted", "train", "train2", "train3", "train4", "train5", "train-themes")
DEV_SET = "dev"  # the model's settings and thresholds are chosen on this and DEV_SET_2
DEV_SET_2 = "dev2"  # a second, larger one, weighted to calm words that look risky
DEV_SETS = (DEV_SET, DEV_SET_2)
EVERYDAY_SET = "dev-everyday"  # short everyday words from the app's tests and demo: false alarms counted in tuning
HELDOUT_SET = "heldout"  # only ever reported
HELDOUT_SET_2 = "heldout2"  # a second, newer one: only ever reported
HELDOUT_SET_3 = "heldout3"  # the newest: written after every change to the model's design, only ever reported
HELDOUT_SETS = (HELDOUT_SET, HELDOUT_SET_2, HELDOUT_SET_3)
ALL_SETS = (*TRAIN_SETS, *DEV_SETS, EVERYDAY_SET, *HELDOUT_SETS)


def load_set(name: str, directory: Path = SETS_DIR) -> list[dict[str, Any]]:
    path = directory / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class Result:
    risky: int
    calm: int
    caught: int
    alarms: int
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.risky if self.risky else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.alarms / self.calm if self.calm else 0.0

    def line(self, name: str) -> dict[str, Any]:
        return {
            "set": name,
            "risk_statements": self.risky,
            "caught": self.caught,
            "recall": round(self.recall, 4),
            "calm_statements": self.calm,
            "false_alarms": self.alarms,
            "false_alarm_rate": round(self.false_alarm_rate, 4),
        }


def evaluate(rows: list[dict[str, Any]], flags: Callable[[str], bool]) -> Result:
    result = Result(risky=0, calm=0, caught=0, alarms=0)
    for row in rows:
        hit = flags(row["text"])
        if row["risk"]:
            result.risky += 1
            result.caught += hit
            if not hit:
                result.missed.append(row["text"])
        else:
            result.calm += 1
            result.alarms += hit
            if hit:
                result.false_alarms.append(row["text"])
    return result

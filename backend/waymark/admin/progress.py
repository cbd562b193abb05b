"""How far a running caseload import has got, for the progress bar.

Kept in this process's memory: the import runs as a background task of the web process
that started it (or in the `waymark import` command, which draws its own bar). The
result itself is in the database (ImportRun), so a restart loses only the bar; a run
left "running" with no progress here has stopped, and its transaction was rolled back.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

_lock = threading.Lock()
_runs: dict[int, Progress] = {}


@dataclass(frozen=True)
class Progress:
    phase: str  # "checking" or "saving"
    done: int
    total: int

    @property
    def percent(self) -> int:
        """Checking is the first half of the bar, saving the second."""
        part = self.done / self.total if self.total else 1.0
        return int(50 * part) + (50 if self.phase == "saving" else 0)


def report(run_id: int, phase: str, done: int, total: int) -> None:
    with _lock:
        _runs[run_id] = Progress(phase, done, total)


def get(run_id: int) -> Progress | None:
    with _lock:
        return _runs.get(run_id)


def forget(run_id: int) -> None:
    with _lock:
        _runs.pop(run_id, None)

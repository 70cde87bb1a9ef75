"""A monotonic clock that moves only when a test says so."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class ManualClock:
    now: float = field(default_factory=time.monotonic)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

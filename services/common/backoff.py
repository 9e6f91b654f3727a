"""Capped exponential backoff for processes that wait out an outage instead of exiting."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """1 s, 2 s, 4 s ... up to `cap` seconds between attempts; `reset()` once things work."""

    first: float = 1.0
    cap: float = 10.0
    failures: int = 0

    def next_delay(self) -> float:
        delay = min(self.first * 2**self.failures, self.cap)
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0

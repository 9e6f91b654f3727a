"""Periodic jobs, declared beside their function with `@every(...)`.

The scheduler imports every service's jobs module (common.service_list), then registers each
declared function through RQ's public `CronScheduler.register`. Scheduled entries only enqueue;
the work happens in the job, on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Periodic:
    """A job to enqueue every `interval` seconds on `queue`, killed after `timeout` seconds."""

    func: Callable[..., Any]
    queue: str
    interval: int
    timeout: int = 300


_DECLARED: dict[str, Periodic] = {}


def every(seconds: int, queue: str, timeout: int = 300) -> Callable[[F], F]:
    """Declare `func` a periodic job; the function itself is returned unchanged."""

    def declare(func: F) -> F:
        _DECLARED[f"{func.__module__}.{func.__qualname__}"] = Periodic(func, queue, seconds, timeout)
        return func

    return declare


def declared() -> tuple[Periodic, ...]:
    """Every periodic job declared so far (import the jobs modules first)."""
    return tuple(_DECLARED.values())

"""Every periodic job, declared in one place.

Jobs are named by dotted path so this module imports no service. Scheduled entries only
enqueue; the work happens in the job, on a worker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    """A job to enqueue every `interval` seconds (or on a `cron` expression) on `queue`."""

    func_name: str
    queue: str
    interval: int | None = None
    cron: str | None = None
    timeout: int = 300


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("common.tasks.heartbeat", queue="default", interval=30, timeout=30),
)

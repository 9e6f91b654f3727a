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
    # payments: the outbox relay (also kicked after each commit) and the M-Pesa reconciliation sweep.
    Periodic("payments.jobs.relay_outbox", queue="payments-high", interval=2, timeout=30),
    Periodic("payments.jobs.reconcile", queue="default", interval=5, timeout=240),
    Periodic("payments.jobs.prune_outbox", queue="default", interval=3600, timeout=300),
    # reporting: every 10 min; the job itself decides (in Nairobi time) which closed days to roll up.
    Periodic("reporting.jobs.scheduled_rollup", queue="reporting", interval=600, timeout=900),
)

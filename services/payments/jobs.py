"""payments RQ jobs: thin entry points taking ids, calling the service rules."""

from __future__ import annotations

from common.jobs import service_job

from . import outbox, stk


@service_job("payments")
def relay_outbox() -> int:
    """Turn unsent outbox rows into jobs (scheduled every 2 s and kicked after commits)."""
    return outbox.relay()


@service_job("payments")
def apply_stk_callback(callback_id: int) -> str:
    """Apply one stored STK callback (idempotent)."""
    return stk.apply_callback(callback_id)


@service_job("payments")
def reconcile() -> dict[str, int]:
    """The sweep: apply orphaned callbacks and STK-query stale pending pushes."""
    return stk.reconcile()


@service_job("payments")
def prune_outbox() -> int:
    """Delete outbox rows sent more than a week ago (scheduled hourly)."""
    return outbox.prune()

"""payments RQ jobs: thin entry points taking ids, calling the service rules."""

from __future__ import annotations

from common.job_context import service_job
from common.periodic import every

from .services import outbox, stk_callbacks, stk_sweep


@every(seconds=2, queue="payments-high", timeout=30)
@service_job("payments")
def relay_outbox() -> int:
    """Turn unsent outbox rows into jobs (scheduled every 2 s and kicked after commits)."""
    return outbox.relay()


@service_job("payments")
def apply_stk_callback(callback_id: int) -> str:
    """Apply one stored STK callback (idempotent)."""
    return stk_callbacks.apply_callback(callback_id)


@every(seconds=5, queue="default", timeout=240)
@service_job("payments")
def reconcile() -> dict[str, int]:
    """The sweep: apply orphaned callbacks and STK-query stale pending pushes."""
    return stk_sweep.reconcile()


@every(seconds=3600, queue="default", timeout=300)
@service_job("payments")
def prune_outbox() -> int:
    """Delete outbox rows sent more than a week ago (scheduled hourly)."""
    return outbox.prune()

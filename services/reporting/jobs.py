"""reporting jobs on the `reporting` queue: thin entry points that call services."""

from __future__ import annotations

import datetime as dt

from common.job_context import service_job
from common.periodic import every

from . import services


@service_job("reporting")
def sales_changed(event: dict) -> str:
    """A sale or payment changed (from payments' outbox relay): invalidate, re-roll a closed day."""
    created_at = dt.datetime.fromisoformat(event["created_at"])
    return services.sales_changed(event["business"], created_at)


# Every 10 min; the job itself decides (in Nairobi time) which closed days to roll up.
@every(seconds=600, queue="reporting", timeout=900)
@service_job("reporting")
def scheduled_rollup() -> dict:
    """Every few minutes: roll up closed days not yet rolled and dirty days, then warm caches."""
    return services.roll_due()

"""reporting jobs on the `reporting` queue: thin entry points that call services."""

from __future__ import annotations

import datetime as dt

from common.jobs import service_job

from . import services


@service_job("reporting")
def sales_changed(event: dict) -> str:
    """A sale or payment changed (from payments' outbox relay): invalidate, re-roll a closed day."""
    created_at = dt.datetime.fromisoformat(event["created_at"])
    return services.sales_changed(event["business"], created_at)


@service_job("reporting")
def scheduled_rollup() -> dict:
    """Every few minutes: roll up closed days not yet rolled and dirty days, then warm caches."""
    return services.roll_due()

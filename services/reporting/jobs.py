"""reporting jobs on the `reporting` queue: thin entry points that call services."""

from __future__ import annotations

import logging

from contracts import SaleChanged, SaleRefunded, SaleVoided, batch_of, consumes

from common.job_context import service_job
from common.periodic import every
from common.timeutil import business_day

from . import services

log = logging.getLogger("tomtin.reporting.jobs")


@consumes(SaleChanged)
@service_job("reporting")
def sales_changed(event: SaleChanged) -> str:
    """A sale or payment changed (from payments' outbox): invalidate, re-roll a closed day."""
    return services.sales_changed(event.business, event.created_at)


@batch_of(sales_changed)
@service_job("reporting")
def sales_changed_many(events: list[SaleChanged]) -> int:
    """sales_changed once per business and day among several events (a burst of sales is one day)."""
    days = {(event.business, business_day(event.created_at)): event for event in events}
    for event in days.values():
        services.sales_changed(event.business, event.created_at)
    return len(days)


@consumes(SaleVoided)
@service_job("reporting")
def sale_voided(event: SaleVoided) -> str:
    """A void takes the sale out of its own day's figures: re-roll that day if it is closed."""
    return services.sales_changed(event.business, event.created_at)


@consumes(SaleRefunded)
@service_job("reporting")
def sale_refunded(event: SaleRefunded) -> str:
    """A refund counts on its own day: re-roll that day if it closed before the event arrived."""
    return services.sales_changed(event.business, event.created_at)


# Every 10 min; the job itself decides (in Nairobi time) which closed days to roll up.
@every(seconds=600, queue="reporting", timeout=900)
@service_job("reporting")
def scheduled_rollup() -> dict:
    """Every few minutes: roll up closed days not yet rolled and dirty days, then warm caches."""
    return services.roll_due()


@every(seconds=3600, queue="reporting", timeout=900)
@service_job("reporting")
def repair_rollups() -> dict[str, int]:
    """Hourly: re-roll recent closed days whose stored roll-up differs from their sales, and report it."""
    repaired = services.repair_rollups()
    log.info("repair", extra={"fields": {"repair": "rollups", "repaired": repaired}})
    return {"rollups": repaired}

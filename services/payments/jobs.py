"""payments RQ jobs: thin entry points taking ids, calling the service rules."""

from __future__ import annotations

import logging

from contracts import EventApplied, batch_of, consumes

from common.job_context import service_job
from common.periodic import every

from .services import (
    daraja_refunds,
    messages_alerts,
    messages_sender,
    outbox,
    repair,
    stk_callbacks,
    stk_sweep,
)

log = logging.getLogger("tomtin.payments.jobs")


@every(seconds=2, queue="payments-high", timeout=30)
@service_job("payments")
def relay_outbox() -> int:
    """Send unsent outbox rows and re-send unacknowledged ones (every 2 s and kicked after commits)."""
    return outbox.relay()


@consumes(EventApplied)
@service_job("payments")
def outbox_acknowledged(event: EventApplied) -> bool:
    """Every consumer applied one of our events: the outbox row is delivered."""
    return event.producer == outbox.PRODUCER and outbox.acknowledge(event.event_id)


@batch_of(outbox_acknowledged)
@service_job("payments")
def outbox_acknowledged_many(events: list[EventApplied]) -> int:
    """outbox_acknowledged for several events in one statement; returns how many rows it delivered."""
    return outbox.acknowledge_many([event.event_id for event in events if event.producer == outbox.PRODUCER])


@service_job("payments")
def apply_stk_callback(callback_id: int) -> str:
    """Apply one stored STK callback (idempotent)."""
    return stk_callbacks.apply_callback(callback_id)


@service_job("payments")
def apply_refund_result(result_id: int) -> str:
    """Apply one stored Daraja refund result (idempotent)."""
    return daraja_refunds.apply_result(result_id)


@every(seconds=5, queue="default", timeout=240)
@service_job("payments")
def sweep_refunds() -> dict[str, int]:
    """Apply refund results whose job was lost; ask the status of Daraja refunds still pending."""
    return daraja_refunds.sweep()


@every(seconds=5, queue="default", timeout=240)
@service_job("payments")
def reconcile() -> dict[str, int]:
    """The sweep: apply orphaned callbacks and STK-query stale pending pushes."""
    return stk_sweep.reconcile()


@every(seconds=3600, queue="default", timeout=300)
@service_job("payments")
def repair_sale_movements() -> dict[str, int]:
    """Hourly: re-emit SalePaid for paid sales whose tracked lines have no stock movement, and report it."""
    found = repair.missing_movements()
    log.info("repair", extra={"fields": {"repair": "sale_movements", **found}})
    return found


@every(seconds=3600, queue="default", timeout=300)
@service_job("payments")
def prune_outbox() -> int:
    """Delete outbox rows acknowledged more than a week ago (scheduled hourly)."""
    return outbox.prune()


@every(seconds=2, queue="default", timeout=120)
@service_job("payments")
def send_messages() -> dict[str, int]:
    """Send due text messages (every 2 s, and kicked when one is queued); see messages_sender."""
    return messages_sender.send_due()


@every(seconds=60, queue="default", timeout=120)
@service_job("payments")
def low_stock_alerts() -> int:
    """Text the owner about items newly at or below their reorder level (if that alert is on)."""
    return messages_alerts.low_stock()


@every(seconds=300, queue="default", timeout=120)
@service_job("payments")
def daily_summary_alerts() -> int:
    """After 21:00 Nairobi time, text the owner each business's day once (if that alert is on)."""
    return messages_alerts.daily_summary()

"""inventory RQ jobs: thin entry points that call services (contracts in services/CONTRACTS.md)."""

from __future__ import annotations

import logging

from contracts import SalePaid, SaleRefunded, SaleVoided, batch_of, consumes

from common.job_context import service_job
from common.periodic import every

from . import services

log = logging.getLogger("tomtin.inventory.jobs")


def _sale_lines(event: SalePaid | SaleVoided) -> list[services.SaleLine]:
    """A sale event's lines as inventory's services take them."""
    return [services.SaleLine(line.sale_line_id, line.product_id, line.quantity) for line in event.lines]


@consumes(SalePaid)
@service_job("inventory")
def apply_sale_movements(event: SalePaid) -> int:
    """Move stock for a paid sale's lines, once per line however often the event arrives.

    A line whose product is not one of the sale's business raises and changes nothing.
    """
    return services.apply_sale(event.business, event.sale_id, _sale_lines(event))


@batch_of(apply_sale_movements)
@service_job("inventory")
def apply_sales_movements(events: list[SalePaid]) -> int:
    """apply_sale_movements for several paid sales in one transaction: all or none, each line once."""
    return services.apply_sales([(event.business, event.sale_id, _sale_lines(event)) for event in events])


@consumes(SaleVoided)
@service_job("inventory")
def return_voided_stock(event: SaleVoided) -> int:
    """Put a voided sale's stock back, once per line however often the event arrives."""
    return services.apply_void(event.business, event.sale_id, _sale_lines(event))


@consumes(SaleRefunded)
@service_job("inventory")
def return_refunded_goods(event: SaleRefunded) -> int:
    """Refunded goods back into stock (damaged ones written off), once per line."""
    lines = [(line.refund_line_id, line.product_id, line.quantity, line.damaged) for line in event.lines]
    return services.apply_refund(event.business, event.refund_id, lines)


@every(seconds=3600, queue="default", timeout=300)
@service_job("inventory")
def repair_stock_levels() -> dict[str, int]:
    """Hourly: set every stock level that differs from its ledger sum back to the sum, and report it."""
    repaired = services.repair_stock_levels()
    log.info("repair", extra={"fields": {"repair": "stock_levels", "repaired": repaired}})
    return {"stock_levels": repaired}

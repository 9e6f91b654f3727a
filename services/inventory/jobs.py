"""inventory RQ jobs: thin entry points that call services (contract in services/CONTRACTS.md)."""

from __future__ import annotations

import logging
from decimal import Decimal

from common.job_context import service_job

from . import services
from .schemas import SaleEventSchema

log = logging.getLogger("tomtin.inventory.jobs")


@service_job("inventory")
def apply_sale_movements(event: dict) -> int:
    """Move stock for a paid sale's lines, once per line however often the event arrives.

    A malformed event raises (the job lands in RQ's failed registry) and changes nothing.
    """
    data = SaleEventSchema().load(event)
    lines = [
        services.SaleLine(line["sale_line_id"], line["product_id"], Decimal(line["quantity"]))
        for line in data["lines"]
    ]
    moved = services.apply_sale(data["business"], data["sale_id"], lines)
    log.info("sale applied", extra={"fields": {"event_id": data["event_id"], "lines_moved": moved}})
    return moved

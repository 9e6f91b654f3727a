"""Repair what slipped past the outbox: paid sales whose stock never moved.

Reads inventory's published views (granted to payments) and re-emits `SalePaid` through the
outbox; inventory applies it idempotently, so a sale whose movement is merely late moves once.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from common.db import utcnow

from ..models import Sale, db
from . import outbox

log = logging.getLogger("tomtin.payments.repair")
# A sale paid this recently may still have its event on the way: leave it to the relay.
GRACE = dt.timedelta(minutes=10)
WINDOW = dt.timedelta(days=7)
BATCH = 500
_UNMOVED = sa.text(
    """SELECT DISTINCT l.sale_id
    FROM payments.sale_lines l
    JOIN payments.sales s ON s.id = l.sale_id
    JOIN inventory.v_products p ON p.id = l.product_id AND p.track_stock
    WHERE s.status = 'paid' AND s.paid_at >= :since AND s.paid_at < :before
      AND NOT EXISTS (
          SELECT 1 FROM inventory.v_stock_movements m WHERE m.source_type = 'sale_line' AND m.source_id = l.id
      )
    ORDER BY l.sale_id LIMIT :limit"""
)


def missing_movements(grace: dt.timedelta = GRACE) -> dict[str, int]:
    """Re-emit SalePaid for recently paid sales with a tracked line and no stock movement.

    Returns how many sales were re-emitted and how many outbox rows still wait for an
    acknowledgement (a consumer that keeps failing shows there).
    """
    now = utcnow()
    ids = db.session.scalars(_UNMOVED, {"since": now - WINDOW, "before": now - grace, "limit": BATCH}).all()
    for sale in db.session.scalars(sa.select(Sale).where(Sale.id.in_(ids))):
        log.warning(
            "paid sale without stock movement: SalePaid sent again", extra={"fields": {"sale_id": sale.id}}
        )
        outbox.emit_sale_paid(sale)
    db.session.commit()
    if ids:
        outbox.kick()
    return {"sales": len(ids), "unacknowledged": outbox.unacknowledged()}

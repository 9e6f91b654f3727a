"""The transactional outbox: events are rows written with the change; a relay turns them into jobs.

A Redis outage only delays events: rows stay unsent until an enqueue succeeds. A relay that dies
between enqueueing and marking sent re-sends the row later, which is safe because every consumer
is idempotent (see CONTRACTS.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import sqlalchemy as sa
from rq import Retry

from common.db import utcnow
from common.redis_conn import get_queue, queue_redis

from ..models import OutboxEvent, Sale, db

log = logging.getLogger("tomtin.payments.outbox")
RELAY_BATCH = 200
KICK_KEY = "tomtin:payments:relay-kick"
KICK_DEBOUNCE_MS = 300


def _add(func_name: str, queue: str, payload: dict[str, Any]) -> None:
    db.session.add(OutboxEvent(func_name=func_name, queue=queue, payload=payload))


def sale_changed(sale: Sale) -> None:
    """Tell reporting a sale changed (it re-rolls a closed day touched late)."""
    _add(
        "reporting.jobs.sales_changed",
        "reporting",
        {
            "event_id": uuid.uuid4().hex,
            "business": sale.business,
            "sale_id": sale.id,
            "created_at": _iso(sale.created_at),
        },
    )


def sale_paid(sale: Sale) -> None:
    """A sale became paid: move its stock once, and tell reporting."""
    _add(
        "inventory.jobs.apply_sale_movements",
        "default",
        {
            "event_id": f"sale-paid-{sale.id}",
            "sale_id": sale.id,
            "business": sale.business,
            "lines": [
                {"sale_line_id": line.id, "product_id": line.product_id, "quantity": f"{line.quantity:.3f}"}
                for line in sale.lines
            ],
        },
    )
    sale_changed(sale)


def _iso(value: dt.datetime | None) -> str:
    return (value or utcnow()).astimezone(dt.UTC).isoformat()


def relay(batch: int = RELAY_BATCH) -> int:
    """Enqueue unsent rows in order and mark them sent; stops at the first refused enqueue."""
    rows = db.session.scalars(
        sa.select(OutboxEvent)
        .where(OutboxEvent.sent_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for row in rows:
        try:
            get_queue(row.queue).enqueue(
                row.func_name,
                row.payload,
                job_id=f"outbox-{row.id}",
                retry=Retry(max=3),
                result_ttl=600,
                failure_ttl=7 * 24 * 3600,
            )
        except Exception:  # noqa: BLE001 - Redis down: keep the row for the next relay
            log.warning("enqueue refused; outbox row %s stays unsent", row.id, exc_info=True)
            row.attempts += 1
            break
        row.sent_at = utcnow()
        sent += 1
    db.session.commit()
    return sent


def kick() -> None:
    """Best effort: ask a worker to relay now, so stock moves promptly (the schedule is the backstop)."""
    try:
        if queue_redis().set(KICK_KEY, b"1", nx=True, px=KICK_DEBOUNCE_MS):
            from ..jobs import relay_outbox  # jobs imports this module: resolve the entry point at call time

            get_queue("payments-high").enqueue(relay_outbox, result_ttl=60)
    except Exception:  # noqa: BLE001 - the scheduled relay will pick the rows up
        log.warning("could not kick the outbox relay", exc_info=True)


def prune(keep_days: int = 7) -> int:
    """Delete rows sent more than `keep_days` ago (unsent rows are never deleted)."""
    result = db.session.execute(
        sa.delete(OutboxEvent).where(
            OutboxEvent.sent_at.is_not(None), OutboxEvent.sent_at < utcnow() - dt.timedelta(days=keep_days)
        )
    )
    db.session.commit()
    return result.rowcount

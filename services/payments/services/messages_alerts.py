"""The owner's text alerts: an item falling below its reorder level, and the day's summary.

Both read only what payments may read: inventory's published `v_products`, accounts'
`v_owner_phones` and payments' own sales. Each alert is queued with a key, so a job run twice
(or by two workers) queues it once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from common import businesses
from common.db import utcnow
from common.timeutil import NAIROBI, business_day, day_bounds

from ..message_models import LowStockAlert
from ..models import Sale, db
from .messages import alert_on, kick, queue_message

# The day's summary goes out after this Nairobi hour, once per business day.
DAILY_SUMMARY_HOUR = 21
_OWNERS = sa.text("SELECT user_id, phone, language FROM accounts.v_owner_phones ORDER BY user_id")
# At or below the reorder level, as inventory and reports count "low"; a level of 0 means none set.
_LOW = sa.text(
    "SELECT id, business, name, stock_level, reorder_level FROM inventory.v_products "
    "WHERE active AND track_stock AND reorder_level > 0 AND stock_level <= reorder_level"
)


def owner_phones() -> list[tuple[int, str, str]]:
    return [tuple(row) for row in db.session.execute(_OWNERS)]


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def low_stock() -> int:
    """Queue one alert per product newly below its reorder level; forget products restocked."""
    low = {row.id: row for row in db.session.execute(_LOW)}
    db.session.execute(sa.delete(LowStockAlert).where(LowStockAlert.product_id.not_in(low or [0])))
    alerted = set(db.session.scalars(sa.select(LowStockAlert.product_id)))
    owners = owner_phones()
    queued = 0
    for product_id, row in low.items():
        if product_id in alerted:
            continue
        db.session.add(LowStockAlert(product_id=product_id, business=row.business))
        if not alert_on(row.business, "low_stock"):
            continue
        stamp = utcnow().strftime("%Y%m%d%H%M%S")
        for user_id, phone, language in owners:
            queue_message(
                row.business,
                phone,
                "low_stock",
                {
                    "product": row.name[:80],
                    "stock": _quantity(row.stock_level),
                    "reorder_level": _quantity(row.reorder_level),
                },
                language,
                key=f"low-stock-{product_id}-{user_id}-{stamp}",
            )
            queued += 1
    db.session.commit()
    if queued:
        kick()
    return queued


def daily_summary(now: dt.datetime | None = None) -> int:
    """After DAILY_SUMMARY_HOUR Nairobi time, queue each business's figures for the day, once."""
    now = now or utcnow()
    if now.astimezone(NAIROBI).hour < DAILY_SUMMARY_HOUR:
        return 0
    day = business_day(now)
    start, end = day_bounds(day)
    owners = owner_phones()
    queued = 0
    for business in businesses.published(db.session):
        if business.archived or not alert_on(business.code, "daily_summary"):
            continue
        count, total = db.session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Sale.total), 0)).where(
                Sale.business == business.code,
                Sale.status == "paid",
                Sale.created_at >= start,
                Sale.created_at < end,
            )
        ).one()
        for user_id, phone, language in owners:
            queue_message(
                business.code,
                phone,
                "daily_summary",
                {
                    "business_name": business.name,
                    "day": day.strftime("%d/%m"),
                    "sales_count": count,
                    "sales_total": f"{Decimal(total):,.2f}",
                },
                language,
                key=f"daily-summary-{business.code}-{day.isoformat()}-{user_id}",
            )
            queued += 1
    db.session.commit()
    if queued:
        kick()
    return queued

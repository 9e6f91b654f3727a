"""reporting figures, computed from payments' published views. No Flask request here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from common.timeutil import business_day, day_bounds

from .models import db

_DAY_TOTALS = sa.text(
    """
    SELECT count(*) AS sales_count,
           coalesce(sum(total), 0) AS revenue,
           coalesce(sum(total) FILTER (WHERE method = 'cash'), 0) AS cash,
           coalesce(sum(total) FILTER (WHERE method = 'mpesa'), 0) AS mpesa
    FROM payments.v_sales
    WHERE status = 'paid' AND business = ANY(:businesses) AND created_at >= :start AND created_at < :end
    """
)


def today_summary(label: str, businesses: tuple[str, ...], now: dt.datetime | None = None) -> dict:
    """Today's paid revenue, sale count and cash/M-Pesa split for the given businesses."""
    day = business_day(now)
    start, end = day_bounds(day)
    row = db.session.execute(_DAY_TOTALS, {"businesses": list(businesses), "start": start, "end": end}).one()
    return {
        "business": label,
        "business_day": day,
        "revenue": Decimal(row.revenue),
        "sales_count": row.sales_count,
        "cash": Decimal(row.cash),
        "mpesa": Decimal(row.mpesa),
    }

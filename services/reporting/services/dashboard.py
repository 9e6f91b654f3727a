"""Today's dashboard: the day's money and what needs the owner's attention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from common.businesses import published
from common.timeutil import business_day, day_bounds

from .. import sql
from ..models import db
from .base import DAY, Row, query_params

# Pending / needs-review payments and open laundry orders this recent show on the dashboard.
ATTENTION_DAYS = 7
LAUNDRY_STATUSES = ("received", "washing", "drying", "ready", "collected", "cancelled")


def dashboard(label: str, businesses: tuple[str, ...], now: dt.datetime | None = None) -> Row:
    """Today's figures (Nairobi business day) and what needs attention, for these businesses.

    Computed live on every read: four indexed queries over today's and the last week's rows,
    cheaper than any fingerprint that could prove a cached copy fresh (see README), so money
    is never stale after a sale, whether or not `sales_changed` has arrived.
    """
    day = business_day(now)
    since, _ = day_bounds(day - DAY * (ATTENTION_DAYS - 1))
    params = {**query_params(businesses, day, day), "since": since}
    money = db.session.execute(sql.TODAY_SALES, params).one()
    refunds = db.session.execute(sql.TODAY_REFUNDS, params).one()
    attention = db.session.execute(sql.ATTENTION_PAYMENTS, params).one()
    orders: dict[str, int] = {}
    if any(b.takes_orders for b in published(db.session) if b.code in businesses):
        counts = {row.order_status: row.n for row in db.session.execute(sql.LAUNDRY_ORDERS, params)}
        orders = {status: counts.get(status, 0) for status in LAUNDRY_STATUSES}
    return {
        "business": label,
        "business_day": day,
        "revenue": Decimal(money.revenue),
        "sales_count": money.sales_count,
        "cash": Decimal(money.cash),
        "mpesa": Decimal(money.mpesa),
        "on_account": Decimal(money.on_account),
        "refunds": Decimal(refunds.refunds),
        "refunds_count": refunds.refunds_count,
        "pending_mpesa": attention.pending,
        "needs_review_mpesa": attention.needs_review,
        "low_stock_count": db.session.execute(sql.LOW_STOCK, params).scalar_one(),
        "laundry_orders": orders,
    }

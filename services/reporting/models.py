"""reporting tables: roll-ups it computes from other services' published views.

The roll-ups are written with set-based SQL in services.py; these models document the
tables (and give Alembic's env its metadata).
"""

from __future__ import annotations

import sqlalchemy as sa

from common.db import make_db

db = make_db("reporting")
# Unbounded: a day adds up any number of sales (migration 0003).
MONEY = sa.Numeric()
QTY = sa.Numeric()


def _computed_at() -> sa.Column:
    return sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


class DailyRollup(db.Model):
    """One row per business per closed Nairobi business day (zeros on a day without sales)."""

    __tablename__ = "daily_rollups"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    revenue = sa.Column(MONEY, nullable=False)
    sales_count = sa.Column(sa.Integer, nullable=False)
    cash = sa.Column(MONEY, nullable=False)
    mpesa = sa.Column(MONEY, nullable=False)
    cash_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    mpesa_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    receipts_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    receipts_amount = sa.Column(MONEY, nullable=False, server_default="0")
    unmatched_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    unmatched_amount = sa.Column(MONEY, nullable=False, server_default="0")
    needs_review_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    # Cost of the lines sold (at the cost in force when sold) and lines sold without one.
    cost = sa.Column(MONEY, nullable=False, server_default="0")
    uncosted_lines = sa.Column(sa.Integer, nullable=False, server_default="0")
    expenses = sa.Column(MONEY, nullable=False, server_default="0")
    expenses_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    # Apart from revenue: refunds paid on the day, and sales of the day voided (migration 0005).
    refunds = sa.Column(MONEY, nullable=False, server_default="0")
    refunds_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    voided = sa.Column(MONEY, nullable=False, server_default="0")
    voided_count = sa.Column(sa.Integer, nullable=False, server_default="0")
    # Cost of goods handed back on the day's refunds: back on the shelf (out of the cost of goods
    # sold) or damaged and written off (a loss, kept in it); migration 0006.
    returned_cost = sa.Column(MONEY, nullable=False, server_default="0")
    damaged_cost = sa.Column(MONEY, nullable=False, server_default="0")
    computed_at = _computed_at()


class ProductDailyRollup(db.Model):
    """Paid sales of one product on one closed day, and its goods handed back that day."""

    __tablename__ = "product_daily_rollups"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    product_id = sa.Column(sa.BigInteger, primary_key=True)
    name = sa.Column(sa.String(120), nullable=False)
    quantity = sa.Column(QTY, nullable=False)
    revenue = sa.Column(MONEY, nullable=False)
    lines = sa.Column(sa.Integer, nullable=False)
    cost = sa.Column(MONEY, nullable=False, server_default="0")
    uncosted_lines = sa.Column(sa.Integer, nullable=False, server_default="0")
    # Handed back on the day (of any day's sale): money, quantity and the goods' cost (0006).
    refunds = sa.Column(MONEY, nullable=False, server_default="0")
    refunded_quantity = sa.Column(QTY, nullable=False, server_default="0")
    returned_cost = sa.Column(MONEY, nullable=False, server_default="0")
    damaged_cost = sa.Column(MONEY, nullable=False, server_default="0")
    computed_at = _computed_at()


class StockDailyRollup(db.Model):
    """Stock movements of one product and kind on one closed day (quantity signed)."""

    __tablename__ = "stock_daily_rollups"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    product_id = sa.Column(sa.BigInteger, primary_key=True)
    kind = sa.Column(sa.String(16), primary_key=True)
    quantity = sa.Column(QTY, nullable=False)
    movements = sa.Column(sa.Integer, nullable=False)
    computed_at = _computed_at()


class ExpenseDailyRollup(db.Model):
    """Expenses of one category on one closed day."""

    __tablename__ = "expense_daily_rollups"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    category_id = sa.Column(sa.BigInteger, primary_key=True)
    category = sa.Column(sa.String(60), nullable=False)
    amount = sa.Column(MONEY, nullable=False)
    expenses = sa.Column(sa.Integer, nullable=False)
    computed_at = _computed_at()


class DirtyDay(db.Model):
    """A closed day touched by a late change, waiting to be rolled up again."""

    __tablename__ = "dirty_days"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    marked_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())

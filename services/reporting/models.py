"""reporting tables: roll-ups it computes from other services' published views."""

from __future__ import annotations

import sqlalchemy as sa

from common.db import make_db

db = make_db("reporting")


class DailyRollup(db.Model):
    """One row per business per closed Nairobi business day."""

    __tablename__ = "daily_rollups"

    business = sa.Column(sa.String(16), primary_key=True)
    day = sa.Column(sa.Date, primary_key=True)
    revenue = sa.Column(sa.Numeric(14, 2), nullable=False)
    sales_count = sa.Column(sa.Integer, nullable=False)
    cash = sa.Column(sa.Numeric(14, 2), nullable=False)
    mpesa = sa.Column(sa.Numeric(14, 2), nullable=False)
    computed_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())

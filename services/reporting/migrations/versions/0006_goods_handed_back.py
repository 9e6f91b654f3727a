"""goods handed back on refunds in the roll-ups: their cost back on the shelf or written off, and
per product the money and quantity refunded; closed days with a refund are re-rolled once

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "reporting"
DAILY = ("returned_cost", "damaged_cost")
PRODUCT = (
    ("refunds", sa.Numeric()),
    ("refunded_quantity", sa.Numeric()),
    ("returned_cost", sa.Numeric()),
    ("damaged_cost", sa.Numeric()),
)
# Every closed day already rolled up on which a refund was paid back: its stored profit still
# counts the cost of goods that came back, and its products lack their refunds. Marked dirty,
# the scheduled roll-up re-rolls each of them once and clears its mark (services/rollups.py).
MARK_REFUND_DAYS = f"""
INSERT INTO {SCHEMA}.dirty_days (business, day)
SELECT DISTINCT d.business, d.day
FROM payments.v_refunds r
JOIN {SCHEMA}.daily_rollups d
  ON d.business = r.business AND d.day = (r.created_at AT TIME ZONE 'Africa/Nairobi')::date
WHERE r.status = 'paid'
ON CONFLICT (business, day) DO NOTHING
"""


def upgrade() -> None:
    for name in DAILY:
        op.add_column(
            "daily_rollups", sa.Column(name, sa.Numeric(), nullable=False, server_default="0"), schema=SCHEMA
        )
    for name, kind in PRODUCT:
        op.add_column(
            "product_daily_rollups", sa.Column(name, kind, nullable=False, server_default="0"), schema=SCHEMA
        )
    # payments publishes v_refunds since its 0006; a database where it is not there yet has no
    # refunds to re-roll (migrations run in SERVICES order: payments before reporting).
    if op.get_bind().scalar(sa.text("SELECT to_regclass('payments.v_refunds') IS NOT NULL")):
        op.execute(MARK_REFUND_DAYS)


def downgrade() -> None:
    for name, _ in PRODUCT:
        op.drop_column("product_daily_rollups", name, schema=SCHEMA)
    for name in DAILY:
        op.drop_column("daily_rollups", name, schema=SCHEMA)

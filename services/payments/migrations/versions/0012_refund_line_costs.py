"""the cost of the goods on each refund line, and the v_refund_lines view for reporting

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None
SCHEMA = "payments"
READERS = ("tomtin_reporting",)


def upgrade() -> None:
    # What the goods handed back cost when they were sold (the sale line's cost in force); NULL
    # when the line was sold without a cost price. Refund lines written from now on take the last
    # part of a line's cost exactly (services/refunds.py); older ones are priced here.
    op.add_column("refund_lines", sa.Column("cost", sa.Numeric(12, 2)), schema=SCHEMA)
    op.execute(
        f"""UPDATE {SCHEMA}.refund_lines r SET cost = round(l.unit_cost * r.quantity, 2)
        FROM {SCHEMA}.sale_lines l WHERE l.id = r.sale_line_id AND l.unit_cost IS NOT NULL"""
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_refund_lines AS
        SELECT rl.id, rl.refund_id, r.sale_id, rl.sale_line_id, r.business, rl.product_id, l.name,
               rl.quantity, rl.amount, rl.damaged, rl.cost, r.channel, r.status, r.created_at
        FROM {SCHEMA}.refund_lines rl
        JOIN {SCHEMA}.refunds r ON r.id = rl.refund_id
        JOIN {SCHEMA}.sale_lines l ON l.id = rl.sale_line_id"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_refund_lines TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_refund_lines")
    op.drop_column("refund_lines", "cost", schema=SCHEMA)

"""laundry orders: a ticket number per business, what was brought, when it is promised, why cancelled

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    for column in (
        sa.Column("ticket", sa.Integer),
        sa.Column("items", sa.String(200)),
        sa.Column("promised_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.String(200)),
    ):
        op.add_column("sales", column, schema=SCHEMA)
    op.create_table(
        "ticket_counters",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
        schema=SCHEMA,
    )
    # Orders taken before tickets: numbered in the order they came, per business.
    op.execute(
        f"""UPDATE {SCHEMA}.sales s SET ticket = n.ticket FROM (
              SELECT id, row_number() OVER (PARTITION BY business ORDER BY id) AS ticket
              FROM {SCHEMA}.sales WHERE order_status IS NOT NULL) n
            WHERE s.id = n.id"""
    )
    op.execute(
        f"""INSERT INTO {SCHEMA}.ticket_counters (business, last)
            SELECT business, max(ticket) FROM {SCHEMA}.sales WHERE ticket IS NOT NULL GROUP BY business"""
    )
    op.create_index(
        "uq_sales_business_ticket",
        "sales",
        ["business", "ticket"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("ticket IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_sales_business_ticket", "sales", schema=SCHEMA)
    op.drop_table("ticket_counters", schema=SCHEMA)
    for name in ("cancel_reason", "promised_at", "items", "ticket"):
        op.drop_column("sales", name, schema=SCHEMA)

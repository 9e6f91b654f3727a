"""sales, sale lines and the published sales views

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "payments"
READERS = ("tomtin_reporting",)


def upgrade() -> None:
    op.create_table(
        "sales",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("idempotency_key", sa.Uuid, nullable=False),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("customer_phone", sa.String(12)),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("idempotency_key", name="uq_sales_idempotency_key"),
        sa.CheckConstraint("method IN ('cash', 'mpesa')", name="ck_sales_method"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'cancelled')", name="ck_sales_status"),
        sa.CheckConstraint("total >= 0", name="ck_sales_total_not_negative"),
        schema=SCHEMA,
    )
    op.create_index("ix_sales_business_created", "sales", ["business", "created_at"], schema=SCHEMA)
    op.create_table(
        "sale_lines",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "sale_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.sales.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("product_id", sa.BigInteger, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("line_total", sa.Numeric(12, 2), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_sale_lines_quantity_positive"),
        schema=SCHEMA,
    )
    op.create_index("ix_sale_lines_sale_id", "sale_lines", ["sale_id"], schema=SCHEMA)
    # The published contract reporting reads.
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_sales AS
        SELECT id, business, method, status, total, created_at, updated_at FROM {SCHEMA}.sales"""
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_sale_lines AS
        SELECT l.id, l.sale_id, s.business, l.product_id, l.name, l.quantity, l.unit_price, l.line_total,
               s.status, s.created_at
        FROM {SCHEMA}.sale_lines l JOIN {SCHEMA}.sales s ON s.id = l.sale_id"""
    )
    readers = ", ".join(READERS)
    op.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {readers}")
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_sales, {SCHEMA}.v_sale_lines TO {readers}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_sale_lines")
    op.execute(f"DROP VIEW {SCHEMA}.v_sales")
    op.drop_table("sale_lines", schema=SCHEMA)
    op.drop_table("sales", schema=SCHEMA)

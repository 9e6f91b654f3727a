"""voided sales, each business's void window, refunds with their lines, and the v_refunds view

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "payments"
READERS = ("tomtin_reporting",)
# The name 0001 gave it (the naming convention prefixed the name it was given).
STATUS_CHECK = op.f("ck_sales_ck_sales_status")
_SALES_VIEW = "id, business, method, status, total, created_at, updated_at, order_status, paid_at"


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.drop_constraint(STATUS_CHECK, "sales", schema=SCHEMA)
    op.create_check_constraint(
        STATUS_CHECK,
        "sales",
        "status IN ('pending', 'paid', 'failed', 'cancelled', 'voided')",
        schema=SCHEMA,
    )
    op.add_column("sales", sa.Column("voided_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("sales", sa.Column("voided_by", sa.BigInteger), schema=SCHEMA)
    op.add_column("sales", sa.Column("void_reason", sa.String(200)), schema=SCHEMA)
    op.create_table(
        "void_windows",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.BigInteger),
        _now("updated_at"),
        sa.CheckConstraint("minutes BETWEEN 0 AND 1440", name="ck_void_windows_minutes_range"),
        schema=SCHEMA,
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("idempotency_key", sa.Uuid, nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response_body", JSONB),
        sa.Column("sale_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.sales.id"), nullable=False),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_by", sa.BigInteger),
        _now("created_at"),
        _now("updated_at"),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("idempotency_key", name="uq_refunds_idempotency_key"),
        sa.CheckConstraint("channel IN ('cash')", name="ck_refunds_channel"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed')", name="ck_refunds_status"),
        sa.CheckConstraint("amount > 0", name="ck_refunds_amount_positive"),
        schema=SCHEMA,
    )
    op.create_index("ix_refunds_sale_id", "refunds", ["sale_id"], schema=SCHEMA)
    op.create_index("ix_refunds_business_created", "refunds", ["business", "created_at"], schema=SCHEMA)
    op.create_table(
        "refund_lines",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("refund_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.refunds.id"), nullable=False),
        sa.Column("sale_line_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.sale_lines.id"), nullable=False),
        sa.Column("product_id", sa.BigInteger, nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("damaged", sa.Boolean, nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_refund_lines_quantity_positive"),
        sa.CheckConstraint("amount >= 0", name="ck_refund_lines_amount_not_negative"),
        schema=SCHEMA,
    )
    op.create_index("ix_refund_lines_refund_id", "refund_lines", ["refund_id"], schema=SCHEMA)
    op.create_index("ix_refund_lines_sale_line_id", "refund_lines", ["sale_line_id"], schema=SCHEMA)
    # Contract views: v_sales gains voided_at (appended); v_refunds is new.
    op.execute(
        f"CREATE OR REPLACE VIEW {SCHEMA}.v_sales AS SELECT {_SALES_VIEW}, voided_at FROM {SCHEMA}.sales"
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_refunds AS
        SELECT id, sale_id, business, channel, status, amount, created_at, updated_at, paid_at
        FROM {SCHEMA}.refunds"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_refunds TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_refunds")
    op.execute(f"DROP VIEW {SCHEMA}.v_sales")
    op.execute(f"CREATE VIEW {SCHEMA}.v_sales AS SELECT {_SALES_VIEW} FROM {SCHEMA}.sales")
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_sales TO {', '.join(READERS)}")
    op.drop_table("refund_lines", schema=SCHEMA)
    op.drop_table("refunds", schema=SCHEMA)
    op.drop_table("void_windows", schema=SCHEMA)
    for column in ("void_reason", "voided_by", "voided_at"):
        op.drop_column("sales", column, schema=SCHEMA)
    # A voided sale was a mistake: it leaves the figures as cancelled under the old statuses.
    op.execute(f"UPDATE {SCHEMA}.sales SET status = 'cancelled' WHERE status = 'voided'")
    op.drop_constraint(STATUS_CHECK, "sales", schema=SCHEMA)
    op.create_check_constraint(
        STATUS_CHECK, "sales", "status IN ('pending', 'paid', 'failed', 'cancelled')", schema=SCHEMA
    )

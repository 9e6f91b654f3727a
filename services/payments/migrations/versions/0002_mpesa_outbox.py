"""idempotent sales, laundry orders, M-Pesa payments, raw callbacks, the outbox, and their views

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "payments"
READERS = ("tomtin_reporting",)


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.add_column("sales", sa.Column("request_hash", sa.String(64)), schema=SCHEMA)
    op.add_column("sales", sa.Column("response_body", JSONB), schema=SCHEMA)
    op.add_column("sales", sa.Column("order_status", sa.String(16)), schema=SCHEMA)
    op.add_column("sales", sa.Column("paid_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.create_check_constraint(
        "ck_sales_order_status",
        "sales",
        "order_status IS NULL OR order_status IN ('received', 'washing', 'drying', 'ready', 'collected', 'cancelled')",
        schema=SCHEMA,
    )
    op.create_index("ix_sales_business_updated", "sales", ["business", "updated_at"], schema=SCHEMA)

    op.create_table(
        "mpesa_payments",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("sale_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.sales.id")),
        sa.Column("business", sa.String(16)),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("phone", sa.String(64)),
        sa.Column("checkout_request_id", sa.String(64)),
        sa.Column("merchant_request_id", sa.String(64)),
        sa.Column("receipt", sa.String(32)),
        sa.Column("account_reference", sa.String(32)),
        sa.Column("result_code", sa.Integer),
        sa.Column("result_desc", sa.String(255)),
        sa.Column("query_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_query_at", sa.DateTime(timezone=True)),
        sa.Column("review_reason", sa.String(255)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("resolved_by", sa.BigInteger),
        sa.Column("resolution_note", sa.String(255)),
        sa.Column("raw", sa.Text),
        *_timestamps(),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("checkout_request_id", name="uq_mpesa_payments_checkout_request_id"),
        sa.UniqueConstraint("receipt", name="uq_mpesa_payments_receipt"),
        sa.CheckConstraint("kind IN ('stk', 'c2b')", name="ck_mpesa_payments_kind"),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'failed', 'needs_review', 'unmatched')",
            name="ck_mpesa_payments_status",
        ),
        sa.CheckConstraint("amount > 0", name="ck_mpesa_payments_amount_positive"),
        schema=SCHEMA,
    )
    op.create_index("ix_mpesa_payments_sale_id", "mpesa_payments", ["sale_id"], schema=SCHEMA)
    op.create_index(
        "uq_mpesa_payments_active_push",
        "mpesa_payments",
        ["sale_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("kind = 'stk' AND status = 'pending'"),
    )
    op.create_index(
        "ix_mpesa_payments_pending_due",
        "mpesa_payments",
        ["next_query_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table(
        "mpesa_callbacks",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("checkout_request_id", sa.String(64), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("source_ip", sa.String(64)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(64)),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_mpesa_callbacks_checkout_request_id", "mpesa_callbacks", ["checkout_request_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_mpesa_callbacks_unapplied",
        "mpesa_callbacks",
        ["received_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("applied_at IS NULL"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("func_name", sa.String(120), nullable=False),
        sa.Column("queue", sa.String(32), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_outbox_unsent", "outbox", ["id"], schema=SCHEMA, postgresql_where=sa.text("sent_at IS NULL")
    )

    # Contract views: new columns are appended, so existing readers keep working.
    op.execute(
        f"""CREATE OR REPLACE VIEW {SCHEMA}.v_sales AS
        SELECT id, business, method, status, total, created_at, updated_at, order_status, paid_at
        FROM {SCHEMA}.sales"""
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_mpesa_payments AS
        SELECT id, sale_id, business, kind, status, amount, receipt, result_code, created_at, updated_at,
               paid_at
        FROM {SCHEMA}.mpesa_payments"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_mpesa_payments TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_mpesa_payments")
    op.execute(f"DROP VIEW {SCHEMA}.v_sales")
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_sales AS
        SELECT id, business, method, status, total, created_at, updated_at FROM {SCHEMA}.sales"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_sales TO {', '.join(READERS)}")
    op.drop_table("outbox", schema=SCHEMA)
    op.drop_table("mpesa_callbacks", schema=SCHEMA)
    op.drop_table("mpesa_payments", schema=SCHEMA)
    op.drop_index("ix_sales_business_updated", "sales", schema=SCHEMA)
    op.drop_constraint("ck_sales_order_status", "sales", schema=SCHEMA)
    for column in ("paid_at", "order_status", "response_body", "request_hash"):
        op.drop_column("sales", column, schema=SCHEMA)

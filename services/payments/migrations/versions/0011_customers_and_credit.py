"""customers (shared by the owner's businesses), sales on account, debt payments

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
SCHEMA = "payments"
# The names earlier migrations gave these checks (the naming convention prefixed them).
METHOD = op.f("ck_sales_ck_sales_method")
CHANNEL = op.f("ck_refunds_ck_refunds_channel")


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("phone", sa.String(12), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("credit_limit", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("language", sa.String(2), nullable=False, server_default="en"),
        sa.Column("created_by", sa.BigInteger),
        _now("created_at"),
        _now("updated_at"),
        sa.UniqueConstraint("phone", name="uq_customers_phone"),
        sa.CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        sa.CheckConstraint("language IN ('en', 'sw')", name="language"),
        schema=SCHEMA,
    )
    # Search as the till types: a number's first digits, its last digits, or a word's first letters.
    op.create_index(
        "ix_customers_phone_prefix",
        "customers",
        [sa.text("phone varchar_pattern_ops")],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_customers_phone_suffix",
        "customers",
        [sa.text("reverse(phone) text_pattern_ops")],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_customers_name_words",
        "customers",
        [sa.text("to_tsvector('simple', name)")],
        schema=SCHEMA,
        postgresql_using="gin",
    )
    op.add_column(
        "sales",
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.customers.id")),
        schema=SCHEMA,
    )
    op.create_index("ix_sales_customer_id", "sales", ["customer_id"], schema=SCHEMA)
    op.drop_constraint(METHOD, "sales", schema=SCHEMA)
    op.create_check_constraint(METHOD, "sales", "method IN ('cash', 'mpesa', 'account')", schema=SCHEMA)
    # A sale on account always names whom it is owed by.
    op.create_check_constraint(
        op.f("ck_sales_account_has_customer"),
        "sales",
        "method <> 'account' OR customer_id IS NOT NULL",
        schema=SCHEMA,
    )
    op.drop_constraint(CHANNEL, "refunds", schema=SCHEMA)
    op.create_check_constraint(
        CHANNEL, "refunds", "channel IN ('cash', 'reversal', 'b2c', 'account')", schema=SCHEMA
    )
    op.add_column(
        "mpesa_payments",
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.customers.id")),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_mpesa_payments_active_debt_push",
        "mpesa_payments",
        ["customer_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("kind = 'stk' AND status = 'pending' AND customer_id IS NOT NULL"),
    )
    op.create_table(
        "debt_payments",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        # Cash payments carry the phone's key; M-Pesa ones are keyed by their payment row.
        sa.Column("idempotency_key", sa.Uuid),
        sa.Column("request_hash", sa.String(64)),
        sa.Column("response_body", JSONB),
        sa.Column("customer_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.customers.id"), nullable=False),
        sa.Column("business", sa.String(16)),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("mpesa_payment_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.mpesa_payments.id")),
        sa.Column("shift_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.shifts.id")),
        sa.Column("created_by", sa.BigInteger),
        _now("created_at"),
        sa.UniqueConstraint("idempotency_key", name="uq_debt_payments_idempotency_key"),
        sa.UniqueConstraint("mpesa_payment_id", name="uq_debt_payments_mpesa_payment_id"),
        sa.CheckConstraint("method IN ('cash', 'mpesa')", name="method"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_debt_payments_customer_created", "debt_payments", ["customer_id", "created_at"], schema=SCHEMA
    )
    op.create_index("ix_debt_payments_shift", "debt_payments", ["shift_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("debt_payments", schema=SCHEMA)
    op.drop_index("uq_mpesa_payments_active_debt_push", "mpesa_payments", schema=SCHEMA)
    op.drop_column("mpesa_payments", "customer_id", schema=SCHEMA)
    op.execute(
        f"DELETE FROM {SCHEMA}.refund_lines WHERE refund_id IN "
        f"(SELECT id FROM {SCHEMA}.refunds WHERE channel = 'account')"
    )
    op.execute(f"DELETE FROM {SCHEMA}.refunds WHERE channel = 'account'")
    op.drop_constraint(CHANNEL, "refunds", schema=SCHEMA)
    op.create_check_constraint(CHANNEL, "refunds", "channel IN ('cash', 'reversal', 'b2c')", schema=SCHEMA)
    op.drop_constraint(op.f("ck_sales_account_has_customer"), "sales", schema=SCHEMA)
    # Sales on account have no older method: they read as cash sales after a downgrade.
    op.execute(f"UPDATE {SCHEMA}.sales SET method = 'cash' WHERE method = 'account'")
    op.drop_constraint(METHOD, "sales", schema=SCHEMA)
    op.create_check_constraint(METHOD, "sales", "method IN ('cash', 'mpesa')", schema=SCHEMA)
    op.drop_index("ix_sales_customer_id", "sales", schema=SCHEMA)
    op.drop_column("sales", "customer_id", schema=SCHEMA)
    op.drop_table("customers", schema=SCHEMA)

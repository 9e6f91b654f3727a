"""Text messages: the messages themselves (their own outbox), opt-outs, alert settings

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("phone", sa.String(12), nullable=False),
        sa.Column("customer_id", sa.BigInteger),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("parts", sa.Integer, nullable=False),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_id", sa.String(64), unique=True),
        sa.Column("provider_status", sa.String(32)),
        sa.Column("failure_reason", sa.String(200)),
        sa.Column("cost", sa.Numeric(12, 4)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("sending_since", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "kind IN ('receipt', 'laundry_ready', 'payment_reminder', 'low_stock', 'daily_summary')",
            name="kind",
        ),
        sa.CheckConstraint("language IN ('en', 'sw')", name="language"),
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'opted_out')", name="status"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_messages_business_created", "messages", ["business", "created_at"], schema=SCHEMA)
    op.create_index(
        "ix_messages_due",
        "messages",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status IN ('queued', 'sending')"),
    )
    op.create_index(
        "ix_messages_phone_sending", "messages", ["phone"], schema=SCHEMA,
        postgresql_where=sa.text("status = 'sending'"),
    )  # fmt: skip
    op.create_table(
        "message_opt_outs",
        sa.Column("phone", sa.String(12), primary_key=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("source IN ('reply', 'owner')", name="source"),
        schema=SCHEMA,
    )
    op.create_table(
        "message_settings",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("low_stock", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("daily_summary", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    # A product alerted as low: alerted once per fall below its reorder level, cleared when restocked.
    op.create_table(
        "low_stock_alerts",
        sa.Column("product_id", sa.BigInteger, primary_key=True),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("low_stock_alerts", "message_settings", "message_opt_outs", "messages"):
        op.drop_table(table, schema=SCHEMA)

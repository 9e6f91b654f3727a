"""M-Pesa refunds through Daraja: reversal and B2C refunds, their raw results

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
SCHEMA = "payments"
CHANNEL = op.f("ck_refunds_ck_refunds_channel")
STATUS = op.f("ck_refunds_ck_refunds_status")


def upgrade() -> None:
    op.drop_constraint(CHANNEL, "refunds", schema=SCHEMA)
    op.drop_constraint(STATUS, "refunds", schema=SCHEMA)
    op.create_check_constraint(CHANNEL, "refunds", "channel IN ('cash', 'reversal', 'b2c')", schema=SCHEMA)
    op.create_check_constraint(
        STATUS, "refunds", "status IN ('pending', 'paid', 'failed', 'needs_review')", schema=SCHEMA
    )
    for column in (
        sa.Column("phone", sa.String(12)),
        sa.Column("original_receipt", sa.String(32)),
        sa.Column("originator_conversation_id", sa.String(64)),
        sa.Column("conversation_id", sa.String(64)),
        sa.Column("receipt", sa.String(32)),
        sa.Column("result_code", sa.String(16)),
        sa.Column("result_desc", sa.String(255)),
        sa.Column("query_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_query_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("refunds", column, schema=SCHEMA)
    op.create_unique_constraint(
        "uq_refunds_originator_conversation_id", "refunds", ["originator_conversation_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_refunds_pending_query",
        "refunds",
        ["next_query_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending' AND channel <> 'cash'"),
    )
    op.create_table(
        "refund_results",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("originator_conversation_id", sa.String(64), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("source_ip", sa.String(64)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(64)),
        sa.CheckConstraint("kind IN ('result', 'timeout', 'status')", name="kind"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_refund_results_unapplied",
        "refund_results",
        ["received_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("applied_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("refund_results", schema=SCHEMA)
    op.drop_index("ix_refunds_pending_query", "refunds", schema=SCHEMA)
    op.drop_constraint("uq_refunds_originator_conversation_id", "refunds", schema=SCHEMA)
    for name in (
        "phone",
        "original_receipt",
        "originator_conversation_id",
        "conversation_id",
        "receipt",
        "result_code",
        "result_desc",
        "query_attempts",
        "next_query_at",
    ):
        op.drop_column("refunds", name, schema=SCHEMA)
    op.drop_constraint(CHANNEL, "refunds", schema=SCHEMA)
    op.drop_constraint(STATUS, "refunds", schema=SCHEMA)
    op.create_check_constraint(CHANNEL, "refunds", "channel IN ('cash')", schema=SCHEMA)
    op.create_check_constraint(STATUS, "refunds", "status IN ('pending', 'paid', 'failed')", schema=SCHEMA)

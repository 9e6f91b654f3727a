"""index M-Pesa payments by business and time, for reporting's per-day reads

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    op.create_index(
        "ix_mpesa_payments_business_created", "mpesa_payments", ["business", "created_at"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_index("ix_mpesa_payments_business_created", table_name="mpesa_payments", schema=SCHEMA)

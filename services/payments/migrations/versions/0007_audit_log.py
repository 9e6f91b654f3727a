"""the owner's actions on M-Pesa payments and laundry orders: who, when, before and after

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from common.audit import create_audit_table

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    create_audit_table(op, SCHEMA)


def downgrade() -> None:
    op.drop_table("audit_log", schema=SCHEMA)

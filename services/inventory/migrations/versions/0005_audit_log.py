"""the owner's actions on products, prices and stock: who, when, before and after

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from common.audit import create_audit_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "inventory"


def upgrade() -> None:
    create_audit_table(op, SCHEMA)


def downgrade() -> None:
    op.drop_table("audit_log", schema=SCHEMA)

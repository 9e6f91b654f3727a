"""Sales remember the phone they were recorded on

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    op.add_column("sales", sa.Column("device", sa.String(40)), schema=SCHEMA)
    # The sales history filters by seller within a business.
    op.create_index("ix_sales_business_created_by", "sales", ["business", "created_by"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_sales_business_created_by", "sales", schema=SCHEMA)
    op.drop_column("sales", "device", schema=SCHEMA)

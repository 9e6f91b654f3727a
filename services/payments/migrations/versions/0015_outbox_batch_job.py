"""Outbox rows remember the batch job that carries them

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None
SCHEMA = "payments"


def upgrade() -> None:
    # The relay sends several rows in one dispatcher job; its "still in flight?" check looks the job up.
    op.add_column("outbox", sa.Column("job_id", sa.String(64)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("outbox", "job_id", schema=SCHEMA)

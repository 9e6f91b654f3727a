"""Publish the owners' phones, for payments' text alerts (low stock, daily summary)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "accounts"


def upgrade() -> None:
    op.execute(
        f"CREATE VIEW {SCHEMA}.v_owner_phones AS SELECT id AS user_id, phone, language FROM {SCHEMA}.users "
        "WHERE role = 'owner' AND active AND phone IS NOT NULL"
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_owner_phones TO tomtin_payments")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_owner_phones")

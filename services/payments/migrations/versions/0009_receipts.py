"""every sale has a receipt link: an unguessable token, looked up by its digest

Revision ID: 0009
Revises: 0008
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
SCHEMA = "payments"
BATCH = 1000


def upgrade() -> None:
    op.add_column("sales", sa.Column("receipt_token", sa.String(43)), schema=SCHEMA)
    # Sales made before receipts get a token each, from Python's CSPRNG like new ones.
    bind = op.get_bind()
    while True:
        ids = bind.scalars(
            sa.text(f"SELECT id FROM {SCHEMA}.sales WHERE receipt_token IS NULL LIMIT {BATCH}")
        ).all()
        if not ids:
            break
        bind.execute(
            sa.text(f"UPDATE {SCHEMA}.sales SET receipt_token = :token WHERE id = :id"),
            [{"id": sale_id, "token": secrets.token_urlsafe(16)} for sale_id in ids],
        )
    op.alter_column("sales", "receipt_token", nullable=False, schema=SCHEMA)
    op.create_index(
        "uq_sales_receipt_digest",
        "sales",
        [sa.text("sha256(receipt_token::bytea)")],
        unique=True,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("uq_sales_receipt_digest", "sales", schema=SCHEMA)
    op.drop_column("sales", "receipt_token", schema=SCHEMA)

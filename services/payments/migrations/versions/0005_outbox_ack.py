"""outbox rows carry an event contract (name + version) and count as delivered only when acknowledged

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "payments"
# Before this revision rows named the consumer's job; each job consumed exactly one event (v1 payloads).
_EVENTS = (
    ("inventory.jobs.apply_sale_movements", "sale_paid"),
    ("reporting.jobs.sales_changed", "sale_changed"),
)
_QUEUES = {"sale_paid": "default", "sale_changed": "reporting"}


def upgrade() -> None:
    op.add_column("outbox", sa.Column("event", sa.String(64)), schema=SCHEMA)
    op.add_column("outbox", sa.Column("version", sa.SmallInteger), schema=SCHEMA)
    op.add_column("outbox", sa.Column("acked_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    for func_name, event in _EVENTS:
        op.execute(
            sa.text(
                f"UPDATE {SCHEMA}.outbox SET event = :event, version = 1 WHERE func_name = :func"
            ).bindparams(event=event, func=func_name)
        )
    # Rows sent long ago were applied under the old rule; the last minutes' jobs may still sit in
    # Redis under job names that no longer exist, so those are left unacknowledged and re-sent.
    op.execute(
        f"UPDATE {SCHEMA}.outbox SET acked_at = sent_at "
        "WHERE sent_at IS NOT NULL AND sent_at < now() - interval '10 minutes'"
    )
    op.alter_column("outbox", "event", nullable=False, schema=SCHEMA)
    op.alter_column("outbox", "version", nullable=False, schema=SCHEMA)
    op.drop_column("outbox", "func_name", schema=SCHEMA)
    op.drop_column("outbox", "queue", schema=SCHEMA)
    op.create_index(
        "ix_outbox_unacked",
        "outbox",
        ["sent_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("acked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_unacked", table_name="outbox", schema=SCHEMA)
    op.add_column("outbox", sa.Column("func_name", sa.String(120)), schema=SCHEMA)
    op.add_column("outbox", sa.Column("queue", sa.String(32)), schema=SCHEMA)
    for func_name, event in _EVENTS:
        op.execute(
            sa.text(
                f"UPDATE {SCHEMA}.outbox SET func_name = :func, queue = :queue WHERE event = :event"
            ).bindparams(event=event, func=func_name, queue=_QUEUES[event])
        )
    op.execute(f"DELETE FROM {SCHEMA}.outbox WHERE func_name IS NULL")
    # Version 2 payloads carry their id in the envelope; the old jobs read it from the payload.
    op.execute(
        f"UPDATE {SCHEMA}.outbox SET payload = payload || jsonb_build_object('event_id', 'outbox-' || id) "
        "WHERE version = 2"
    )
    op.alter_column("outbox", "func_name", nullable=False, schema=SCHEMA)
    op.alter_column("outbox", "queue", nullable=False, schema=SCHEMA)
    for column in ("acked_at", "version", "event"):
        op.drop_column("outbox", column, schema=SCHEMA)

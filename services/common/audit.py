"""Who changed what: every owner action is kept with who, when, what it was before and after.

Each service records its own actions in its own schema (an `audit_log` table, written in the
same transaction as the change, so a change and its record commit or fail together) and answers
its own owner-only `GET /api/<service>/audit`; the PWA lists the services' entries side by side.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, fields, validate
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from .auth import Principal
from .ids import MAX_ID

PAGE = 50


def _columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),  # newest first, paged by id
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor_id", sa.BigInteger, nullable=False),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("business", sa.String(16)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
    ]


def audit_table(metadata: sa.MetaData) -> sa.Table:
    """The `audit_log` table in a service's schema (append-only; rows are never changed)."""
    return sa.Table("audit_log", metadata, *_columns())


def create_audit_table(op: Any, schema: str) -> None:
    """For a service's migration: the same table, created in its schema."""
    op.create_table("audit_log", *_columns(), schema=schema)


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-ready values: money and quantities as exact strings, times as ISO-8601."""
    if values is None:
        return None
    out = {}
    for key, value in values.items():
        if isinstance(value, decimal.Decimal | dt.datetime | dt.date):
            value = str(value) if isinstance(value, decimal.Decimal) else value.isoformat()
        out[key] = value
    return out


def record(
    session: Session,
    table: sa.Table,
    actor: Principal,
    action: str,
    subject: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    business: str | None = None,
) -> None:
    """Add an entry to the caller's transaction (it commits with the change it describes)."""
    session.execute(
        table.insert().values(
            actor_id=actor.user_id,
            actor_name=actor.username,
            business=business,
            action=action,
            subject=subject,
            before=_plain(before),
            after=_plain(after),
        )
    )


def entries(session: Session, table: sa.Table, before_id: int | None = None, limit: int = PAGE) -> list[Any]:
    """The newest entries first; `before_id` pages back through older ones."""
    query = sa.select(table).order_by(table.c.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(table.c.id < before_id)
    return list(session.execute(query))


class AuditQuerySchema(Schema):
    before_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Entries older than this id."},
    )
    limit = fields.Integer(load_default=PAGE, validate=validate.Range(min=1, max=200))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer()
    actor_name = fields.String()
    business = fields.String(allow_none=True)
    action = fields.String()
    subject = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)

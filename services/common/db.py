"""Database base: one SQLAlchemy instance per service, bound to that service's schema."""

from __future__ import annotations

import datetime as dt
import os

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

# Deterministic constraint names so Alembic migrations can drop/alter them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_db(schema: str) -> SQLAlchemy:
    """A Flask-SQLAlchemy instance whose tables all live in `schema`."""
    metadata = sa.MetaData(schema=schema, naming_convention=NAMING_CONVENTION)
    return SQLAlchemy(metadata=metadata, engine_options={"pool_pre_ping": True, **pool_size()})


def pool_size() -> dict[str, int]:
    """Connections each process keeps (DB_POOL_SIZE) and may add under a burst (DB_MAX_OVERFLOW).

    Every PostgreSQL connection is a backend process of several MB, so the small-VPS profile
    keeps about one per gunicorn thread (compose/docker-compose.small.yml)."""
    return {
        "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "10")),
    }


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC; a callable so defaults are evaluated per row."""
    return dt.datetime.now(dt.UTC)


def created_at_column() -> sa.Column:
    """A `created_at timestamptz` filled by the database."""
    return sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def updated_at_column() -> sa.Column:
    """An `updated_at timestamptz` the ORM bumps on every update."""
    return sa.Column(
        sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now(), onupdate=utcnow
    )

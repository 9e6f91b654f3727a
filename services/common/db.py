"""Database base: one SQLAlchemy instance per service, bound to that service's schema."""

from __future__ import annotations

import datetime as dt
import os
import select
from collections.abc import Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from psycopg.rows import namedtuple_row

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
    return SQLAlchemy(metadata=metadata, engine_options=pool_size())


def drop_hung_up_connections(engine: sa.Engine) -> None:
    """Check out only connections PostgreSQL has not closed, without a round trip to ask it.

    A restarted (or crashed) server, or one that ended an idle session, has closed its side of
    every pooled connection and said so (a FATAL message, then end of file): the socket of an idle
    connection has something to read only then. Such a connection is replaced before use, as
    SQLAlchemy's pre-ping would do, but checking costs one poll() instead of a query on every
    checkout (one PostgreSQL round trip of each request's five or so). A link that dies without a
    word (no FIN) goes unseen here, as it would hang the pre-ping too: the request fails with 503
    (common.errors) and SQLAlchemy drops the connection."""
    sa.event.listen(engine, "checkout", _refuse_hung_up)


def _refuse_hung_up(dbapi_connection, record, proxy) -> None:
    try:
        hung_up = dbapi_connection.closed or _readable(dbapi_connection.pgconn.socket)
    except Exception:  # noqa: BLE001 - psycopg: "the connection is lost"
        hung_up = True
    if hung_up:
        raise sa.exc.DisconnectionError("PostgreSQL closed this pooled connection")


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


# SQL text of the statements fetch_all runs, by id (the statement is kept alive beside it).
_COMPILED: dict[int, tuple[sa.Executable, str]] = {}


def fetch_all(conn: sa.Connection, statement: sa.Executable, params: Mapping[str, Any]) -> list[NamedTuple]:
    """The rows of a prebuilt Core SELECT, run straight on the driver's connection, as named tuples.

    For the pollable lists, read on every poll that misses the cache: SQLAlchemy's execution path
    (compiled-cache lookup, result metadata, row processors) cost a tenth of such a request's
    Python time, and these rows need none of it: psycopg already gives the Python types SQLAlchemy
    would (Decimal, datetime, bool, str). Compiled once per statement; prepared by PostgreSQL."""
    compiled = _COMPILED.get(id(statement))
    if compiled is None or compiled[0] is not statement:
        compiled = _COMPILED[id(statement)] = (statement, str(statement.compile(dialect=conn.dialect)))
    cursor = conn.connection.driver_connection.cursor(row_factory=namedtuple_row)
    return cursor.execute(compiled[1], params, prepare=True).fetchall()


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

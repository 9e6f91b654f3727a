"""Delta polling cursors that never skip a change (`changed_since=<as_of>`).

Readers take `watermark()` BEFORE their data query and send it as `as_of`. Writers call
`claim_xid()` before stamping `updated_at` with `clock_timestamp()`. Then a change not yet
committed when the watermark is taken either belongs to a transaction listed in
pg_stat_activity (so `updated_at >= its xact_start >= watermark`) or is stamped later than the
watermark; either way a reader polling with `updated_at >= as_of` sees it. A long open write
transaction only holds the cursor back (bigger deltas), never skips anything.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

# pg_stat_activity is this function joined to pg_database and pg_authid for names; asking the
# function itself for the same rows (this database's, by oid) costs PostgreSQL under half the CPU,
# and this runs on every delta poll that misses the cache.
_WATERMARK = sa.text(
    "SELECT least(clock_timestamp(), (SELECT min(s.xact_start) FROM pg_stat_get_activity(NULL) s "
    "WHERE s.backend_xid IS NOT NULL "
    "AND s.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())))"
)


def watermark(session: Session | sa.Connection) -> dt.datetime:
    """A safe `as_of` for a delta listing; call it before the data query."""
    return session.scalar(_WATERMARK)


def claim_xid(session: Session) -> None:
    """Give the current transaction its id now, before anything stamps updated_at."""
    session.execute(sa.text("SELECT pg_current_xact_id()"))


def stamp() -> sa.ColumnElement[dt.datetime]:
    """The value to set `updated_at` to, after `claim_xid` (the database clock, not the app's)."""
    return sa.func.clock_timestamp()


def iso(at: dt.datetime) -> str:
    """The cursor as ISO-8601 UTC, truncated to milliseconds (rounding down keeps it safe)."""
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

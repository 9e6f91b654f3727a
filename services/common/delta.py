"""Delta polling cursors that never skip a change (`changed_since=<as_of>`).

Readers take `watermark()` BEFORE their data query and send it as `as_of`. Writers call
`claim_xid()` before stamping `updated_at` with `clock_timestamp()`. Then a change not yet
committed when the watermark is taken either belongs to a transaction listed in
pg_stat_activity (so `updated_at >= its xact_start >= watermark`) or is stamped later than the
watermark; either way a reader polling with `updated_at >= as_of` sees it. A long open write
transaction only holds the cursor back (bigger deltas), never skips anything.

An older watermark is just as safe: a change a later reader cannot see yet belongs to a
transaction that either had its id when the old watermark was taken (so it started no earlier)
or claimed it later (so it stamps later still). A process therefore reuses the watermark it
took up to REUSE_SECONDS ago instead of asking PostgreSQL again: the scan of every backend's
state behind it cost about as much as a poll's own query. Phones get a change from the last
half second twice at most (they keep rows by id). The process forgets it whenever it commits
something itself, so a list read right after its own write does not send that write again.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref

import sqlalchemy as sa
from sqlalchemy.orm import Session

REUSE_SECONDS = 0.5

# pg_stat_activity is this function joined to pg_database and pg_authid for names; asking the
# function itself for the same rows (this database's, by oid) costs PostgreSQL under half the CPU,
# and this runs on every delta poll that misses the cache.
_WATERMARK = sa.text(
    "SELECT least(clock_timestamp(), (SELECT min(s.xact_start) FROM pg_stat_get_activity(NULL) s "
    "WHERE s.backend_xid IS NOT NULL "
    "AND s.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())))"
)


class _Remembered:
    """The last watermark one engine's database gave this process, and when it was taken."""

    def __init__(self) -> None:
        self.value: dt.datetime | None = None
        self.taken = 0.0
        self.commits = 0  # a watermark taken across a commit is not kept

    def forget(self, *_args) -> None:
        self.value = None
        self.commits += 1


_REMEMBERED: weakref.WeakKeyDictionary[sa.Engine, _Remembered] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _remembered(engine: sa.Engine) -> _Remembered:
    with _LOCK:
        memo = _REMEMBERED.get(engine)
        if memo is None:
            memo = _REMEMBERED[engine] = _Remembered()
            sa.event.listen(engine, "commit", memo.forget)
    return memo


def watermark(session: Session | sa.Connection) -> dt.datetime:
    """A safe `as_of` for a delta listing; call it before the data query (see the module's
    docstring for why one taken up to REUSE_SECONDS ago serves as well)."""
    engine = session.engine if isinstance(session, sa.Connection) else session.get_bind()
    memo = _remembered(engine)
    value, taken, commits, now = memo.value, memo.taken, memo.commits, time.monotonic()
    if value is not None and now - taken < REUSE_SECONDS:
        return value
    value = session.scalar(_WATERMARK)
    if memo.commits == commits:
        memo.value, memo.taken = value, now  # `now` is before the query: its age is never understated
    return value


def claim_xid(session: Session) -> None:
    """Give the current transaction its id now, before anything stamps updated_at."""
    session.execute(sa.text("SELECT pg_current_xact_id()"))


def stamp() -> sa.ColumnElement[dt.datetime]:
    """The value to set `updated_at` to, after `claim_xid` (the database clock, not the app's)."""
    return sa.func.clock_timestamp()


def iso(at: dt.datetime) -> str:
    """The cursor as ISO-8601 UTC, truncated to milliseconds (rounding down keeps it safe)."""
    return at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

"""Roll-ups: writing closed days' figures, re-rolling days that changed, warming the caches and
the repair that re-rolls a stored day that no longer matches its sales."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from common.cache import invalidate
from common.errors import InvalidInput
from common.timeutil import business_day, day_bounds

from .. import sql
from ..models import db
from .base import DAY, all_businesses, fetch_rows, log, query_params, rolled
from .figures import STORED, closed_rows

MAX_REROLL_DAYS = 92
CHUNK_DAYS = 31
CATCH_UP_DAYS = 31
# A day's roll-up is redone once if it was written this soon after the day closed, to
# catch movements and payments committed in the last moments of the day.
ROLLUP_GRACE = dt.timedelta(minutes=15)
REPAIR_DAYS = 35  # the repair job compares this many closed days (the hourly run sees each many times)
WARM_RANGES = (7, 30)


def rollup_days(
    first: dt.date, last: dt.date, codes: Iterable[str] | None = None, now: dt.datetime | None = None
) -> int:
    """Write the roll-ups of closed days [first, last] (idempotent); returns rows written."""
    codes = tuple(codes) if codes is not None else rolled()
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    if last >= business_day(now):
        raise InvalidInput("day not closed", {"to": ["Only closed days (before today, Nairobi) roll up."]})
    params = query_params(codes, first, last)
    # One roll-up at a time (the scheduled job, a late-change job and the CLI may overlap):
    # concurrent delete-and-insert of the same day's product rows would collide.
    db.session.execute(sql.ROLLUP_LOCK)
    for statement in (
        sql.ROLLUP_DAILY,
        sql.CLEAR_PRODUCTS,
        sql.ROLLUP_PRODUCTS,
        sql.CLEAR_STOCK,
        sql.ROLLUP_STOCK,
        sql.CLEAR_EXPENSES,
        sql.ROLLUP_EXPENSES,
    ):
        db.session.execute(statement, params)
    db.session.commit()
    for business in codes:
        invalidate("reports", business)
    return len(codes) * ((last - first).days + 1)


def rollup_range(
    first: dt.date,
    last: dt.date,
    codes: Iterable[str] | None = None,
    progress: Callable[[dt.date, dt.date, int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Roll up a long range in month-sized transactions, reporting progress after each."""
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    total, done, rows = (last - first).days + 1, 0, 0
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(chunk_first + DAY * (CHUNK_DAYS - 1), last)
        rows += rollup_days(chunk_first, chunk_last, codes, now)
        done += (chunk_last - chunk_first).days + 1
        if progress:
            progress(chunk_first, chunk_last, done, total)
        chunk_first = chunk_last + DAY
    return rows


def reroll(first: dt.date, last: dt.date, businesses: Iterable[str], now: dt.datetime | None = None) -> dict:
    """The owner's "rebuild these days" request: bounded so one call stays quick."""
    if (last - first).days + 1 > MAX_REROLL_DAYS:
        raise InvalidInput("range too long", {"to": [f"At most {MAX_REROLL_DAYS} days per request."]})
    rows = rollup_days(first, last, businesses, now)
    return {"from_": first, "to": last, "businesses": list(businesses), "rows": rows}


def sales_changed(business: str, created_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """A sale or payment changed: a closed day is marked and re-rolled (today is always live)."""
    if business not in rolled():
        raise ValueError(f"unknown business {business!r}")
    day = business_day(created_at)
    if day >= business_day(now):
        return "today"
    # Mark first (committed), so a failed re-roll is retried by the scheduled job.
    db.session.execute(sql.MARK_DIRTY, {"business": business, "day": day})
    db.session.commit()
    roll_dirty(now)
    return "rerolled"


def roll_dirty(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Re-roll every closed day marked dirty; returns how many were done."""
    done = 0
    for mark in fetch_rows(sql.DIRTY_DAYS, {"limit": limit}):
        rollup_days(mark["day"], mark["day"], (mark["business"],), now)
        db.session.execute(sql.CLEAR_DIRTY, mark)
        db.session.commit()
        done += 1
    return done


def roll_due(now: dt.datetime | None = None) -> dict[str, Any]:
    """The scheduled job's work: roll up closed days not yet rolled, then dirty ones, then warm."""
    now = now or dt.datetime.now(dt.UTC)
    yesterday = business_day(now) - DAY
    _, closed_at = day_bounds(yesterday)
    every = all_businesses()
    marks = {
        m["business"]: m for m in fetch_rows(sql.LAST_ROLLED, {"businesses": list(every), "day": yesterday})
    }
    starts = []
    for business in every:
        mark = marks.get(business)
        if mark is None:
            starts.append(yesterday)  # a fresh install; older history is rebuilt with the CLI
        elif mark["day"] < yesterday:
            starts.append(max(mark["day"] + DAY, yesterday - DAY * (CATCH_UP_DAYS - 1)))
        elif mark["computed_at"] < closed_at + ROLLUP_GRACE:
            starts.append(yesterday)
    first = min(starts, default=None)
    rows = rollup_days(first, yesterday, None, now) if first else 0
    dirty = roll_dirty(now)
    if rows or dirty:
        warm(now)
    return {"rolled_from": first.isoformat() if first else None, "rows": rows, "dirty": dirty}


def warm(now: dt.datetime | None = None) -> None:
    """Fill the closed-day caches of the ranges the owner opens most (last 7 and 30 days)."""
    today = business_day(now)
    for days in WARM_RANGES:
        for business in rolled():
            for kind in STORED:
                closed_rows(kind, business, today - DAY * days + DAY, today - DAY)


def repair_rollups(now: dt.datetime | None = None, days: int = REPAIR_DAYS) -> int:
    """Re-roll the closed days (of the last `days`) whose stored roll-up differs from their sales.

    Catches what the SaleChanged events missed; each repair is logged. Returns the days re-rolled.
    """
    last = business_day(now) - DAY
    params = query_params(rolled(), last - DAY * (days - 1), last)
    live = {(row["business"], row["day"]): row for row in fetch_rows(sql.LIVE_DAILY, params)}
    stale = [
        (row["business"], row["day"])
        for row in fetch_rows(sql.STORED_DAILY, params)
        if any(row[column] != live[row["business"], row["day"]][column] for column in sql.DAILY_COLUMNS)
    ]
    db.session.rollback()
    for business, day in stale:
        log.warning("roll-up repaired", extra={"fields": {"business": business, "day": day.isoformat()}})
        rollup_days(day, day, (business,), now)
    return len(stale)

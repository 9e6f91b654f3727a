"""Time: UTC in storage, Africa/Nairobi for business days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NAIROBI = ZoneInfo("Africa/Nairobi")


def business_day(at: dt.datetime | None = None) -> dt.date:
    """The Nairobi calendar day that `at` (default: now) falls in."""
    at = at or dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return at.astimezone(NAIROBI).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC [start, end) of a Nairobi business day."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=NAIROBI)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=NAIROBI)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

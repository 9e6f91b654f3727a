"""The rows behind every range report: roll-ups for closed days (cached), live queries for today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from common.cache import TTL, remember
from common.errors import InvalidInput
from common.timeutil import business_day

from .. import sql
from ..models import db
from .base import DAY, Row, each_day, fetch_rows, log, query_params

MAX_RANGE_DAYS = 400

_LIVE = {
    "daily": sql.LIVE_DAILY,
    "products": sql.LIVE_PRODUCTS,
    "stock": sql.LIVE_STOCK,
    "expenses": sql.LIVE_EXPENSES,
}
STORED = {
    "daily": sql.STORED_DAILY,
    "products": sql.STORED_PRODUCTS,
    "stock": sql.STORED_STOCK,
    "expenses": sql.STORED_EXPENSES,
}


def check_range(first: dt.date, last: dt.date, now: dt.datetime | None = None) -> None:
    """A report range must be ordered, not in the future, and bounded."""
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    if last > business_day(now):
        raise InvalidInput("range in the future", {"to": ["Must not be after today (Nairobi)."]})
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput("range too long", {"to": [f"At most {MAX_RANGE_DAYS} days per report."]})


def _live(kind: str, businesses: Iterable[str], first: dt.date, last: dt.date) -> list[Row]:
    return fetch_rows(_LIVE[kind], query_params(businesses, first, last))


def closed_rows(kind: str, business: str, first: dt.date, last: dt.date) -> list[Row]:
    """Closed days from roll-ups (cached an hour, invalidated by any re-roll of the business)."""

    def build() -> list[Row]:
        params = query_params((business,), first, last)
        rows = fetch_rows(STORED[kind], params)
        rolled = set(db.session.scalars(sql.ROLLED_DAYS, params))
        missing = [day for day in each_day(first, last) if day not in rolled]
        if missing:
            # Not rolled up yet (e.g. right after an install): compute those days live.
            log.warning("missing roll-ups", extra={"fields": {"business": business, "days": len(missing)}})
            wanted = set(missing)
            rows += [r for r in _live(kind, (business,), missing[0], missing[-1]) if r["day"] in wanted]
        return rows

    return remember("reports", business, f"{kind}:{first}:{last}", TTL["report_closed"], build)


def gather(
    kind: str, businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None
) -> list[Row]:
    """Rows for [first, last]: roll-ups for closed days, live for today."""
    check_range(first, last, now)
    today = business_day(now)
    rows: list[Row] = []
    closed_last = min(last, today - DAY)
    if first <= closed_last:
        for business in businesses:
            rows += closed_rows(kind, business, first, closed_last)
    if last >= today:
        rows += _live(kind, businesses, today, today)
    return rows


def sum_by(rows: list[Row], key: tuple[str, ...], values: Iterable[str]) -> dict[tuple, Row]:
    values = tuple(values)
    merged: dict[tuple, Row] = {}
    for row in rows:
        k = tuple(row[name] for name in key)
        into = merged.setdefault(k, {**{name: row[name] for name in key}, **dict.fromkeys(values, 0)})
        for name in values:
            into[name] += row[name]
        if "name" in row:
            into["name"] = row["name"]
    return merged


def per_day(businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None) -> list[Row]:
    merged = sum_by(gather("daily", businesses, first, last, now), ("day",), sql.DAILY_COLUMNS)
    return [merged[(day,)] for day in sorted(k[0] for k in merged)]

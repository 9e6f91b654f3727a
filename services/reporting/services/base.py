"""What every reporting topic shares: which businesses exist, the `all` scope and running a query."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from common.businesses import published
from common.errors import InvalidInput
from common.timeutil import day_bounds

from ..models import db

log = logging.getLogger("tomtin.reporting")
DAY = dt.timedelta(days=1)
Row = dict[str, Any]
# Unmatched C2B confirmations carry no business until attached to a sale: the owner's "all"
# reports and the roll-ups keep them under this pseudo-business.
UNASSIGNED = "unassigned"


def all_businesses() -> tuple[str, ...]:
    """Every business accounts publishes, archived ones included: their history stays in reports."""
    return tuple(b.code for b in published(db.session))


def known_business(code: str) -> str:
    """A business code from a request body: one accounts publishes, or `all` (else 422)."""
    if code != "all" and code not in all_businesses():
        raise InvalidInput("unknown business", {"business": [f"No business {code!r}."]})
    return code


def rolled() -> tuple[str, ...]:
    """What the roll-ups cover: every business, plus payments not yet attached to one."""
    return (*all_businesses(), UNASSIGNED)


def query_params(businesses: Iterable[str], first: dt.date, last: dt.date) -> dict[str, Any]:
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    return {
        "businesses": list(businesses),
        "first": first,
        "last": last,
        "start": start,
        "end": end,
        "unassigned": UNASSIGNED,
    }


def each_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + DAY * i for i in range((last - first).days + 1)]


def fetch_rows(statement: Any, params: dict[str, Any]) -> list[Row]:
    return [dict(row._mapping) for row in db.session.execute(statement, params)]


def scope(code: str, businesses: tuple[str, ...]) -> tuple[str, ...]:
    """The owner's `all` also covers M-Pesa receipts not yet attached to any business."""
    return (*businesses, UNASSIGNED) if code == "all" else businesses

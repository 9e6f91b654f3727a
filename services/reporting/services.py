"""reporting figures and roll-ups, read from published views only. No Flask request here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from common.businesses import published
from common.cache import TTL, invalidate, remember
from common.errors import InvalidInput, NotFound
from common.timeutil import business_day, day_bounds

from . import sql
from .models import db

log = logging.getLogger("tomtin.reporting")
DAY = dt.timedelta(days=1)
# Pending / needs-review payments and open laundry orders this recent show on the dashboard.
ATTENTION_DAYS = 7
MAX_RANGE_DAYS = 400
MAX_REROLL_DAYS = 92
CHUNK_DAYS = 31
CATCH_UP_DAYS = 31
# A day's roll-up is redone once if it was written this soon after the day closed, to
# catch movements and payments committed in the last moments of the day.
ROLLUP_GRACE = dt.timedelta(minutes=15)
REPAIR_DAYS = 35  # the repair job compares this many closed days (the hourly run sees each many times)
WARM_RANGES = (7, 30)
LAUNDRY_STATUSES = ("received", "washing", "drying", "ready", "collected", "cancelled")
STOCK_KINDS = ("receive", "sale", "adjust", "return", "write_off")
Row = dict[str, Any]
# Unmatched C2B confirmations carry no business until attached to a sale: the owner's "all"
# reports and the roll-ups keep them under this pseudo-business.
UNASSIGNED = "unassigned"

_LIVE = {
    "daily": sql.LIVE_DAILY,
    "products": sql.LIVE_PRODUCTS,
    "stock": sql.LIVE_STOCK,
    "expenses": sql.LIVE_EXPENSES,
}
_STORED = {
    "daily": sql.STORED_DAILY,
    "products": sql.STORED_PRODUCTS,
    "stock": sql.STORED_STOCK,
    "expenses": sql.STORED_EXPENSES,
}


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


def _params(businesses: Iterable[str], first: dt.date, last: dt.date) -> dict[str, Any]:
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


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + DAY * i for i in range((last - first).days + 1)]


def _rows(statement: Any, params: dict[str, Any]) -> list[Row]:
    return [dict(row._mapping) for row in db.session.execute(statement, params)]


# --- roll-ups ----------------------------------------------------------------------------


def scope(code: str, businesses: tuple[str, ...]) -> tuple[str, ...]:
    """The owner's `all` also covers M-Pesa receipts not yet attached to any business."""
    return (*businesses, UNASSIGNED) if code == "all" else businesses


def rollup_days(
    first: dt.date, last: dt.date, codes: Iterable[str] | None = None, now: dt.datetime | None = None
) -> int:
    """Write the roll-ups of closed days [first, last] (idempotent); returns rows written."""
    codes = tuple(codes) if codes is not None else rolled()
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    if last >= business_day(now):
        raise InvalidInput("day not closed", {"to": ["Only closed days (before today, Nairobi) roll up."]})
    params = _params(codes, first, last)
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
    for mark in _rows(sql.DIRTY_DAYS, {"limit": limit}):
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
    marks = {m["business"]: m for m in _rows(sql.LAST_ROLLED, {"businesses": list(every), "day": yesterday})}
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
            for kind in _STORED:
                _closed_rows(kind, business, today - DAY * days + DAY, today - DAY)


# --- range reports -----------------------------------------------------------------------


def check_range(first: dt.date, last: dt.date, now: dt.datetime | None = None) -> None:
    """A report range must be ordered, not in the future, and bounded."""
    if first > last:
        raise InvalidInput("from is after to", {"from": ["Must be on or before 'to'."]})
    if last > business_day(now):
        raise InvalidInput("range in the future", {"to": ["Must not be after today (Nairobi)."]})
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput("range too long", {"to": [f"At most {MAX_RANGE_DAYS} days per report."]})


def _live(kind: str, businesses: Iterable[str], first: dt.date, last: dt.date) -> list[Row]:
    return _rows(_LIVE[kind], _params(businesses, first, last))


def _closed_rows(kind: str, business: str, first: dt.date, last: dt.date) -> list[Row]:
    """Closed days from roll-ups (cached an hour, invalidated by any re-roll of the business)."""

    def build() -> list[Row]:
        params = _params((business,), first, last)
        rows = _rows(_STORED[kind], params)
        rolled = set(db.session.scalars(sql.ROLLED_DAYS, params))
        missing = [day for day in _days(first, last) if day not in rolled]
        if missing:
            # Not rolled up yet (e.g. right after an install): compute those days live.
            log.warning("missing roll-ups", extra={"fields": {"business": business, "days": len(missing)}})
            wanted = set(missing)
            rows += [r for r in _live(kind, (business,), missing[0], missing[-1]) if r["day"] in wanted]
        return rows

    return remember("reports", business, f"{kind}:{first}:{last}", TTL["report_closed"], build)


def _gather(
    kind: str, businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None
) -> list[Row]:
    """Rows for [first, last]: roll-ups for closed days, live for today."""
    check_range(first, last, now)
    today = business_day(now)
    rows: list[Row] = []
    closed_last = min(last, today - DAY)
    if first <= closed_last:
        for business in businesses:
            rows += _closed_rows(kind, business, first, closed_last)
    if last >= today:
        rows += _live(kind, businesses, today, today)
    return rows


def _sum_by(rows: list[Row], key: tuple[str, ...], values: Iterable[str]) -> dict[tuple, Row]:
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


def _per_day(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None
) -> list[Row]:
    merged = _sum_by(_gather("daily", businesses, first, last, now), ("day",), sql.DAILY_COLUMNS)
    return [merged[(day,)] for day in sorted(k[0] for k in merged)]


def revenue_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Paid revenue per Nairobi day with the cash / M-Pesa split; refunds (on the day paid back) and
    voided sales (on their own day, already out of revenue) apart, and revenue net of refunds."""
    days = [{**d, "net_revenue": d["revenue"] - d["refunds"]} for d in _per_day(businesses, first, last, now)]
    fields = (
        "revenue",
        "sales_count",
        "cash",
        "mpesa",
        "refunds",
        "refunds_count",
        "net_revenue",
        "voided",
        "voided_count",
    )
    rows = [{"day": d["day"], **{f: d[f] for f in fields}} for d in days]
    return {
        "rows": rows,
        "totals": {f: sum((d[f] for d in days), 0 if f.endswith("count") else Decimal(0)) for f in fields},
    }


def method_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """How paid revenue splits between cash and M-Pesa over the range."""
    days = _per_day(businesses, first, last, now)
    total = sum((d["revenue"] for d in days), Decimal(0))
    rows = []
    for method in ("cash", "mpesa"):
        amount = sum((d[method] for d in days), Decimal(0))
        share = (amount * 100 / total).quantize(Decimal("0.1")) if total else Decimal("0.0")
        rows.append(
            {
                "method": method,
                "sales_count": sum(d[f"{method}_count"] for d in days),
                "amount": amount,
                "share_percent": share,
            }
        )
    return {"rows": rows, "totals": {"amount": total, "sales_count": sum(r["sales_count"] for r in rows)}}


def mpesa_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """M-Pesa reconciliation per day: paid M-Pesa sales against M-Pesa receipts."""
    rows = []
    for d in _per_day(businesses, first, last, now):
        rows.append(
            {
                "day": d["day"],
                "mpesa_sales": d["mpesa"],
                "mpesa_sales_count": d["mpesa_count"],
                "receipts_amount": d["receipts_amount"],
                "receipts_count": d["receipts_count"],
                "difference": d["receipts_amount"] - d["mpesa"],
                "unmatched_count": d["unmatched_count"],
                "unmatched_amount": d["unmatched_amount"],
                "needs_review_count": d["needs_review_count"],
            }
        )
    fields = [f for f in (rows[0] if rows else {}) if f != "day"]
    return {"rows": rows, "totals": {f: sum(r[f] for r in rows) for f in fields}}


def product_report(
    businesses: tuple[str, ...],
    first: dt.date,
    last: dt.date,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> dict:
    """Paid sales by product, best revenue first (`limit` makes it the top products)."""
    rows = _gather("products", businesses, first, last, now)
    merged = _sum_by(rows, ("product_id", "business"), ("quantity", "revenue", "lines"))
    ordered = sorted(merged.values(), key=lambda r: (-r["revenue"], r["name"], r["product_id"]))
    return {"rows": ordered[:limit] if limit else ordered}


def stock_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Stock movements per product over the range, by kind, with the net change."""
    merged = _sum_by(
        _gather("stock", businesses, first, last, now),
        ("product_id", "business", "kind"),
        ("quantity", "movements"),
    )
    products: dict[int, Row] = {}
    for (product_id, business, kind), row in merged.items():
        into = products.setdefault(
            product_id,
            {
                "product_id": product_id,
                "business": business,
                **dict.fromkeys(STOCK_KINDS, Decimal(0)),
                "net": Decimal(0),
                "movements": 0,
            },
        )
        into[kind] = into.get(kind, Decimal(0)) + row["quantity"]
        into["net"] += row["quantity"]
        into["movements"] += row["movements"]
    names = {r.id: r.name for r in db.session.execute(sql.PRODUCT_NAMES, {"ids": list(products)})}
    rows = [{**p, "name": names.get(pid, f"#{pid}")} for pid, p in products.items()]
    return {"rows": sorted(rows, key=lambda r: (r["business"], r["name"], r["product_id"]))}


def _profit(row: Row) -> Row:
    """Gross profit = revenue − refunds − cost of what was sold; net profit = gross profit − expenses.

    Voided sales are already out of revenue and cost (shown apart); a refund is money given back
    on the day it was paid, while the cost of goods that came back stays counted (see README).
    """
    if "refunds" not in row:  # per product: refunds are not published per line
        gross = row["revenue"] - row["cost"]
        figures = {"revenue": row["revenue"], "cost": row["cost"], "gross_profit": gross}
        return {**figures, "uncosted_lines": row["uncosted_lines"]}
    gross = row["revenue"] - row["refunds"] - row["cost"]
    return {
        "revenue": row["revenue"],
        "refunds": row["refunds"],
        "cost": row["cost"],
        "gross_profit": gross,
        "expenses": row["expenses"],
        "net_profit": gross - row["expenses"],
        "voided": row["voided"],
        "uncosted_lines": row["uncosted_lines"],
    }


def _profit_totals(rows: list[Row]) -> Row:
    names = [name for name in (rows[0] if rows else {}) if name not in ("day", "business")]
    return {name: sum(r[name] for r in rows) for name in names}


def profit_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Per day: revenue, cost of what was sold, gross profit, expenses and net; totals for the period."""
    rows = [{"day": d["day"], **_profit(d)} for d in _per_day(businesses, first, last, now)]
    return {"rows": rows, "totals": _profit_totals(rows)}


def profit_business_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """The profit report per business over the range."""
    merged = _sum_by(_gather("daily", businesses, first, last, now), ("business",), sql.DAILY_COLUMNS)
    rows = [{"business": b, **_profit(merged[(b,)])} for (b,) in sorted(merged) if b != UNASSIGNED]
    return {"rows": rows, "totals": _profit_totals(rows)}


def profit_product_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Gross profit by product, the best earner first."""
    merged = _sum_by(
        _gather("products", businesses, first, last, now),
        ("product_id", "business"),
        ("quantity", "revenue", "cost", "uncosted_lines"),
    )
    rows = [
        {
            "product_id": r["product_id"],
            "business": r["business"],
            "name": r["name"],
            "quantity": r["quantity"],
            **_profit(r),
        }
        for r in merged.values()
    ]
    rows.sort(key=lambda r: (-r["gross_profit"], r["name"], r["product_id"]))
    return {"rows": rows}


def expense_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Expenses by category over the range, the largest first."""
    merged = _sum_by(
        _gather("expenses", businesses, first, last, now), ("category_id",), ("amount", "expenses")
    )
    rows = sorted(merged.values(), key=lambda r: (-r["amount"], r["name"], r["category_id"]))
    return {
        "rows": rows,
        "totals": {
            "amount": sum((r["amount"] for r in rows), Decimal(0)),
            "expenses": sum(r["expenses"] for r in rows),
        },
    }


REPORTS: dict[str, Callable[..., dict]] = {
    "profit": profit_report,
    "profit-businesses": profit_business_report,
    "profit-products": profit_product_report,
    "expenses": expense_report,
    "revenue": revenue_report,
    "methods": method_report,
    "mpesa": mpesa_report,
    "products": product_report,
    "top-products": product_report,
    "stock": stock_report,
}


# --- dashboard ---------------------------------------------------------------------------


def dashboard(label: str, businesses: tuple[str, ...], now: dt.datetime | None = None) -> Row:
    """Today's figures (Nairobi business day) and what needs attention, for these businesses.

    Computed live on every read: four indexed queries over today's and the last week's rows,
    cheaper than any fingerprint that could prove a cached copy fresh (see README), so money
    is never stale after a sale, whether or not `sales_changed` has arrived.
    """
    day = business_day(now)
    since, _ = day_bounds(day - DAY * (ATTENTION_DAYS - 1))
    params = {**_params(businesses, day, day), "since": since}
    money = db.session.execute(sql.TODAY_SALES, params).one()
    refunds = db.session.execute(sql.TODAY_REFUNDS, params).one()
    attention = db.session.execute(sql.ATTENTION_PAYMENTS, params).one()
    orders: dict[str, int] = {}
    if any(b.takes_orders for b in published(db.session) if b.code in businesses):
        counts = {row.order_status: row.n for row in db.session.execute(sql.LAUNDRY_ORDERS, params)}
        orders = {status: counts.get(status, 0) for status in LAUNDRY_STATUSES}
    return {
        "business": label,
        "business_day": day,
        "revenue": Decimal(money.revenue),
        "sales_count": money.sales_count,
        "cash": Decimal(money.cash),
        "mpesa": Decimal(money.mpesa),
        "refunds": Decimal(refunds.refunds),
        "refunds_count": refunds.refunds_count,
        "pending_mpesa": attention.pending,
        "needs_review_mpesa": attention.needs_review,
        "low_stock_count": db.session.execute(sql.LOW_STOCK, params).scalar_one(),
        "laundry_orders": orders,
    }


def run_report(
    kind: str,
    businesses: tuple[str, ...],
    first: dt.date,
    last: dt.date,
    limit: int = 10,
    now: dt.datetime | None = None,
) -> dict:
    """Run a named report; unknown names are a 404."""
    if kind not in REPORTS:
        raise NotFound(f"Unknown report {kind!r}; expected one of {', '.join(REPORTS)}.")
    if kind == "top-products":
        return product_report(businesses, first, last, now, limit=limit)
    return REPORTS[kind](businesses, first, last, now)


def repair_rollups(now: dt.datetime | None = None, days: int = REPAIR_DAYS) -> int:
    """Re-roll the closed days (of the last `days`) whose stored roll-up differs from their sales.

    Catches what the SaleChanged events missed; each repair is logged. Returns the days re-rolled.
    """
    last = business_day(now) - DAY
    params = _params(rolled(), last - DAY * (days - 1), last)
    live = {(row["business"], row["day"]): row for row in _rows(sql.LIVE_DAILY, params)}
    stale = [
        (row["business"], row["day"])
        for row in _rows(sql.STORED_DAILY, params)
        if any(row[column] != live[row["business"], row["day"]][column] for column in sql.DAILY_COLUMNS)
    ]
    db.session.rollback()
    for business, day in stale:
        log.warning("roll-up repaired", extra={"fields": {"business": business, "day": day.isoformat()}})
        rollup_days(day, day, (business,), now)
    return len(stale)

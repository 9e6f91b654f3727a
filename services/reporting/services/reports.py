"""The owner's range reports: revenue, payment methods, M-Pesa reconciliation, products, stock,
profit and expenses, and running one by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from common.errors import NotFound

from .. import sql
from ..models import db
from .base import UNASSIGNED, Row
from .figures import gather, per_day, sum_by

STOCK_KINDS = ("receive", "sale", "adjust", "return", "write_off")


def revenue_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Paid revenue per Nairobi day with the cash / M-Pesa split; refunds (on the day paid back) and
    voided sales (on their own day, already out of revenue) apart, and revenue net of refunds."""
    days = [{**d, "net_revenue": d["revenue"] - d["refunds"]} for d in per_day(businesses, first, last, now)]
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
    days = per_day(businesses, first, last, now)
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
    for d in per_day(businesses, first, last, now):
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
    rows = gather("products", businesses, first, last, now)
    merged = sum_by(rows, ("product_id", "business"), ("quantity", "revenue", "lines"))
    # A product only handed back in the range (sold before it) was not sold in it.
    sold = [r for r in merged.values() if r["lines"]]
    ordered = sorted(sold, key=lambda r: (-r["revenue"], r["name"], r["product_id"]))
    return {"rows": ordered[:limit] if limit else ordered}


def stock_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Stock movements per product over the range, by kind, with the net change."""
    merged = sum_by(
        gather("stock", businesses, first, last, now),
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
    """Gross profit = revenue − refunds − (cost of what was sold − cost of goods back on the shelf);
    net profit = gross profit − expenses (where expenses belong: days and businesses, not products).

    A refund is money given back and a return of goods, both on the day it was paid back: goods
    restocked are stock again, so their cost leaves the cost of goods sold (`returned_cost`);
    damaged goods were written off, so their cost stays spent and is shown apart (`damaged_cost`).
    Voided sales are already out of revenue and cost (shown apart).
    """
    gross = row["revenue"] - row["refunds"] - row["cost"] + row["returned_cost"]
    figures = {
        "revenue": row["revenue"],
        "refunds": row["refunds"],
        "cost": row["cost"],
        "returned_cost": row["returned_cost"],
        "damaged_cost": row["damaged_cost"],
        "gross_profit": gross,
    }
    if "expenses" in row:
        figures.update(expenses=row["expenses"], net_profit=gross - row["expenses"], voided=row["voided"])
    return {**figures, "uncosted_lines": row["uncosted_lines"]}


def _profit_totals(rows: list[Row]) -> Row:
    names = [name for name in (rows[0] if rows else {}) if name not in ("day", "business")]
    return {name: sum(r[name] for r in rows) for name in names}


def profit_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Per day: revenue, cost of what was sold, gross profit, expenses and net; totals for the period."""
    rows = [{"day": d["day"], **_profit(d)} for d in per_day(businesses, first, last, now)]
    return {"rows": rows, "totals": _profit_totals(rows)}


def profit_business_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """The profit report per business over the range."""
    merged = sum_by(gather("daily", businesses, first, last, now), ("business",), sql.DAILY_COLUMNS)
    rows = [{"business": b, **_profit(merged[(b,)])} for (b,) in sorted(merged) if b != UNASSIGNED]
    return {"rows": rows, "totals": _profit_totals(rows)}


def profit_product_report(
    businesses: tuple[str, ...], first: dt.date, last: dt.date, now: dt.datetime | None = None
) -> dict:
    """Gross profit by product, the best earner first."""
    merged = sum_by(
        gather("products", businesses, first, last, now), ("product_id", "business"), sql.PRODUCT_COLUMNS
    )
    rows = [
        {
            "product_id": r["product_id"],
            "business": r["business"],
            "name": r["name"],
            "quantity": r["quantity"],
            "refunded_quantity": r["refunded_quantity"],
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
    merged = sum_by(
        gather("expenses", businesses, first, last, now), ("category_id",), ("amount", "expenses")
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

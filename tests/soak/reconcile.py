"""Reconciliation after a fault: what the clients were told against what PostgreSQL holds.

lost    = acknowledged sales not stored, sales never acknowledged, paid sale lines without their
          stock movement, stock levels that differ from their ledger, stored callbacks never
          applied, paid payments whose sale is not paid, report totals below the sales;
doubled = a key stored twice or under another id, a sale line moved twice or moved unpaid,
          a sale paid by two payments, report totals above the sales.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

import requests
import sqlalchemy as sa

from support.businesses import BUSINESSES

from .load import Tally
from .stack import SoakStack

LINE_MOVES = sa.text(
    """SELECT count(*) FILTER (WHERE s.status = 'paid' AND m.moves = 0) AS unmoved,
              count(*) FILTER (WHERE m.moves > 1 OR (s.status <> 'paid' AND m.moves > 0)) AS overmoved
       FROM payments.sale_lines l
       JOIN payments.sales s ON s.id = l.sale_id
       JOIN inventory.products p ON p.id = l.product_id AND p.track_stock
       CROSS JOIN LATERAL (SELECT count(*) AS moves FROM inventory.stock_movements m
                           WHERE m.source_type = 'sale_line' AND m.source_id = l.id) m"""
)
LEDGER = sa.text(
    """SELECT count(*) FROM inventory.products p
       WHERE p.track_stock AND p.stock_level <> (SELECT coalesce(sum(quantity), 0)
                                                  FROM inventory.stock_movements m WHERE m.product_id = p.id)"""
)
CALLBACKS = sa.text("SELECT count(*) FROM payments.mpesa_callbacks WHERE applied_at IS NULL")
PAID_UNPAID_SALE = sa.text(
    """SELECT count(*) FROM payments.mpesa_payments p JOIN payments.sales s ON s.id = p.sale_id
       WHERE p.status = 'paid' AND s.status <> 'paid'"""
)
PAID_TWICE = sa.text(
    """SELECT count(*) FROM (SELECT sale_id FROM payments.mpesa_payments WHERE status = 'paid'
       GROUP BY sale_id HAVING count(*) > 1) t"""
)
STORED_KEYS = sa.text(
    "SELECT idempotency_key::text, id FROM payments.sales WHERE idempotency_key::text = ANY(:k)"
)
TODAY = sa.text(
    """SELECT count(*), coalesce(sum(total), 0) FROM payments.sales
       WHERE business = :b AND status = 'paid'
         AND (created_at AT TIME ZONE 'Africa/Nairobi')::date = (now() AT TIME ZONE 'Africa/Nairobi')::date"""
)


@dataclass
class Figures:
    """Counts by check; `since(before)` keeps what a scenario added to an earlier one's leftovers."""

    counts: dict[str, tuple[str, int]] = field(default_factory=dict)  # check -> (lost|doubled, count)

    def add(self, name: str, value: int, kind: str) -> None:
        self.counts[name] = (kind, self.counts.get(name, (kind, 0))[1] + value)

    def since(self, before: Figures | None) -> Figures:
        if before is None:
            return self
        return Figures(
            {
                name: (kind, value - before.counts.get(name, (kind, 0))[1])
                for name, (kind, value) in self.counts.items()
            }
        )

    def _total(self, wanted: str) -> int:
        return sum(max(value, 0) for kind, value in self.counts.values() if kind == wanted)

    @property
    def lost(self) -> int:
        return self._total("lost")

    @property
    def doubled(self) -> int:
        return self._total("doubled")

    @property
    def details(self) -> dict[str, int]:
        return {name: value for name, (_, value) in self.counts.items() if value > 0}


def reconcile(soak: SoakStack, tally: Tally) -> Figures:
    figures = Figures()
    engine = soak.engine()
    with engine.connect() as conn:
        stored = dict(conn.execute(STORED_KEYS, {"k": list(tally.acknowledged)}).all())
        figures.add("acknowledged sale not stored", len(set(tally.acknowledged) - set(stored)), "lost")
        figures.add("sale never acknowledged", len(tally.unanswered), "lost")
        figures.add(
            "acknowledged under another id",
            sum(1 for key, sale_id in tally.acknowledged.items() if key in stored and stored[key] != sale_id),
            "doubled",
        )
        unmoved, overmoved = conn.execute(LINE_MOVES).one()
        figures.add("paid sale line without stock movement", unmoved, "lost")
        figures.add("sale line moved twice or unpaid", overmoved, "doubled")
        figures.add("stock level differs from ledger", conn.execute(LEDGER).scalar(), "lost")
        figures.add("stored callback not applied", conn.execute(CALLBACKS).scalar(), "lost")
        figures.add("paid payment, sale not paid", conn.execute(PAID_UNPAID_SALE).scalar(), "lost")
        figures.add("sale paid by two payments", conn.execute(PAID_TWICE).scalar(), "doubled")
        for business in BUSINESSES:
            count, total = conn.execute(TODAY, {"b": business}).one()
            report = _report(soak, business)
            if report is None:
                figures.add("report not answering", 1, "lost")
                continue
            shown_count, shown_total = report
            if (shown_count, shown_total) != (count, Decimal(total)):
                kind = "lost" if shown_total < total or shown_count < count else "doubled"
                figures.add(f"report today differs from sales ({business})", 1, kind)
    engine.dispose()
    return figures


def _report(soak: SoakStack, business: str) -> tuple[int, Decimal] | None:
    try:
        response = requests.get(
            f"{soak.url}/api/reports/businesses/{business}/today",
            headers=soak.headers(**{"Cache-Control": "no-cache"}),
            timeout=10,
        )
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    body = response.json()
    return body["sales_count"], Decimal(body["revenue"])


def settle(soak: SoakStack, tally: Tally, timeout: float, before: Figures | None = None) -> Figures:
    """Reconcile until nothing (new since `before`) is lost or doubled, or `timeout` runs out."""
    deadline = time.monotonic() + timeout
    while True:
        figures = reconcile(soak, tally).since(before)
        if (figures.lost == 0 and figures.doubled == 0) or time.monotonic() > deadline:
            return figures
        time.sleep(2)

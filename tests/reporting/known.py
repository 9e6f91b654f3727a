"""Known history for reporting tests, and the figures computed independently from its raw rows.

The expected figures are plain Python over the records inserted (Nairobi days via zoneinfo),
never the SQL under test.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import factories

from support.businesses import BUSINESSES

NAIROBI = ZoneInfo("Africa/Nairobi")
UNASSIGNED = "unassigned"  # where reporting keeps M-Pesa payments that have no business yet
ZERO = Decimal("0.00")


def nairobi_day(at: dt.datetime) -> dt.date:
    return at.astimezone(NAIROBI).date()


def midnight_utc(day: dt.date) -> dt.datetime:
    """The UTC instant a Nairobi day starts (21:00 UTC the evening before)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=NAIROBI).astimezone(dt.UTC)


@dataclass
class History:
    now: dt.datetime
    today: dt.date
    products: dict[int, dict] = field(default_factory=dict)
    sales: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    movements: list[dict] = field(default_factory=list)

    # --- writing ---------------------------------------------------------------------------

    def add_product(self, business: str, name: str, price: str, **kw) -> int:
        pid = factories.product(business, name, price, **kw)
        self.products[pid] = {"id": pid, "business": business, "name": name, "price": Decimal(price), **kw}
        for opening in factories.rows(
            "SELECT kind, quantity, created_at FROM inventory.stock_movements WHERE product_id = :p", p=pid
        ):
            self.movements.append({"product_id": pid, "business": business, **opening})
        return pid

    def add_sale(
        self, business: str, method: str, at: dt.datetime, lines, status="paid", order_status=None
    ) -> int:
        sale_id = factories.sale(business, method, at, lines, status=status, order_status=order_status)
        quantized = [
            (pid, Decimal(q), (Decimal(q) * Decimal(p)).quantize(Decimal("0.01"))) for pid, _, q, p in lines
        ]
        total = sum((t for _, _, t in quantized), ZERO)
        self.sales.append(
            {
                "id": sale_id,
                "business": business,
                "method": method,
                "status": status,
                "total": total,
                "created_at": at,
                "lines": quantized,
                "order_status": order_status,
            }
        )
        if status == "paid":
            for pid, q, _ in quantized:
                if self.products[pid].get("track_stock", True):
                    self.add_movement(pid, "sale", -q, at)
        return sale_id

    def add_payment(
        self, business, amount: Decimal, at: dt.datetime, status="paid", kind="stk", sale_id=None
    ):
        """A payment; `business=None` is an unmatched C2B confirmation (no business yet)."""
        factories.mpesa_payment(business, str(amount), at, status=status, kind=kind, sale_id=sale_id)
        self.payments.append(
            {
                "business": business or UNASSIGNED,
                "amount": Decimal(amount),
                "status": status,
                "created_at": at,
            }
        )

    def add_movement(self, pid: int, kind: str, quantity: Decimal, at: dt.datetime) -> None:
        business = self.products[pid]["business"]
        factories.movement(pid, business, kind, str(quantity), at)
        self.movements.append(
            {
                "product_id": pid,
                "business": business,
                "kind": kind,
                "quantity": Decimal(quantity),
                "created_at": at,
            }
        )

    # --- expected figures --------------------------------------------------------------------

    def _paid(self, businesses, first, last):
        return [
            s
            for s in self.sales
            if s["status"] == "paid"
            and s["business"] in businesses
            and first <= nairobi_day(s["created_at"]) <= last
        ]

    def daily(self, businesses, day: dt.date) -> dict:
        paid = self._paid(businesses, day, day)
        pays = [
            p for p in self.payments if p["business"] in businesses and nairobi_day(p["created_at"]) == day
        ]

        def total(rows):
            return sum((r["total"] for r in rows), ZERO)

        def amount(status):
            return sum((p["amount"] for p in pays if p["status"] == status), ZERO)

        return {
            "revenue": total(paid),
            "sales_count": len(paid),
            "cash": total([s for s in paid if s["method"] == "cash"]),
            "cash_count": len([s for s in paid if s["method"] == "cash"]),
            "mpesa": total([s for s in paid if s["method"] == "mpesa"]),
            "mpesa_count": len([s for s in paid if s["method"] == "mpesa"]),
            "receipts_count": len([p for p in pays if p["status"] == "paid"]),
            "receipts_amount": amount("paid"),
            "unmatched_count": len([p for p in pays if p["status"] == "unmatched"]),
            "unmatched_amount": amount("unmatched"),
            "needs_review_count": len([p for p in pays if p["status"] == "needs_review"]),
            # This history has no cost prices and no expenses (test_profit.py has both).
            "cost": ZERO,
            "uncosted_lines": sum(len(s["lines"]) for s in paid),
            "expenses": ZERO,
            "expenses_count": 0,
            # This history has no refunds or voids (tests/payments/test_undo.py covers them).
            "refunds": ZERO,
            "refunds_count": 0,
            "voided": ZERO,
            "voided_count": 0,
            "returned_cost": ZERO,
            "damaged_cost": ZERO,
        }

    def by_product(self, businesses, first, last) -> dict[int, tuple[Decimal, Decimal, int]]:
        out: dict[int, list] = {}
        for s in self._paid(businesses, first, last):
            for pid, q, t in s["lines"]:
                acc = out.setdefault(pid, [Decimal(0), ZERO, 0])
                acc[0] += q
                acc[1] += t
                acc[2] += 1
        return {pid: tuple(v) for pid, v in out.items()}

    def low_stock_count(self, businesses) -> int:
        """Active tracked products whose level (their ledger sum) is at or below their reorder level."""
        levels: dict[int, Decimal] = {}
        for m in self.movements:
            levels[m["product_id"]] = levels.get(m["product_id"], Decimal(0)) + m["quantity"]
        return sum(
            1
            for pid, p in self.products.items()
            if p["business"] in businesses
            and p.get("track_stock", True)
            and p.get("active", True)
            and levels.get(pid, Decimal(0)) <= Decimal(p.get("reorder_level", "0"))
        )

    def stock(self, businesses, first, last) -> dict[int, dict[str, Decimal]]:
        out: dict[int, dict[str, Decimal]] = {}
        for m in self.movements:
            if m["business"] in businesses and first <= nairobi_day(m["created_at"]) <= last:
                acc = out.setdefault(m["product_id"], {"net": Decimal(0)})
                acc[m["kind"]] = acc.get(m["kind"], Decimal(0)) + m["quantity"]
                acc["net"] += m["quantity"]
        return out


def build(now: dt.datetime | None = None, days: int = 4, seed: int = 5) -> History:
    """Sales, payments and movements over the last `days` Nairobi days (today included),
    with sales one second either side of each Nairobi midnight (21:00 UTC)."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    history = History(now=now, today=nairobi_day(now))
    catalogue = {
        "water": [
            history.add_product("water", "Refill 20 L", "50.00", track_stock=False),
            history.add_product("water", "Bottle 1 L", "35.50", stock_level="40", reorder_level="50"),
        ],
        "laundry": [history.add_product("laundry", "Wash & fold kg", "120.00", track_stock=False)],
        "retail": [
            history.add_product("retail", "Sugar 1 kg", "180.00", stock_level="3", reorder_level="5"),
            history.add_product("retail", "Bread", "65.00", stock_level="30", reorder_level="10"),
            history.add_product(
                "retail", "Old stock", "10.00", stock_level="0", reorder_level="5", active=False
            ),
        ],
    }
    for pid in catalogue["retail"][:2]:  # a restock; the water bottle stays below its reorder level
        history.add_movement(
            pid,
            "receive",
            Decimal("50"),
            midnight_utc(history.today - dt.timedelta(days=days - 1)) + dt.timedelta(hours=2),
        )

    def one_sale(business: str, at: dt.datetime) -> None:
        pids = catalogue[business][:2]
        lines = [
            (
                pid,
                history.products[pid]["name"],
                str(rng.choice([1, 2, 3, "1.5"])),
                str(history.products[pid]["price"]),
            )
            for pid in rng.sample(pids, k=rng.randint(1, len(pids)))
        ]
        method = rng.choice(["cash", "mpesa"])
        status = rng.choices(["paid", "pending", "failed", "cancelled"], weights=[8, 1, 1, 1])[0]
        order_status = (
            rng.choice(["received", "washing", "drying", "ready", "collected"])
            if business == "laundry"
            else None
        )
        sale_id = history.add_sale(business, method, at, lines, status=status, order_status=order_status)
        if method == "mpesa":
            pay_status = {"paid": "paid", "pending": "pending", "failed": "failed"}.get(
                status, "needs_review"
            )
            history.add_payment(business, history.sales[-1]["total"], at, status=pay_status, sale_id=sale_id)

    for back in range(days - 1, -1, -1):
        day = history.today - dt.timedelta(days=back)
        start = midnight_utc(day)
        end = min(midnight_utc(day + dt.timedelta(days=1)), now)
        for business in BUSINESSES:
            one_sale(business, start)  # the first second of the Nairobi day
            for _ in range(4):
                one_sale(business, start + (end - start) * rng.random())
            if back > 0:
                one_sale(business, end - dt.timedelta(seconds=1))  # the last second of the day
        history.add_payment(None, Decimal("77.00"), start + (end - start) / 2, status="unmatched", kind="c2b")
    return history

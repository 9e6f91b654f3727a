"""payments business rules for sales and laundry orders. No Flask request here."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from common.businesses import open_for_sales
from common.cache import invalidate
from common.delta import iso, watermark
from common.errors import InvalidInput, NotFound
from common.money import MAX_AMOUNT, to_money
from common.timeutil import day_bounds

from ..models import Refund, RefundLine, Sale, SaleLine, db
from ..schemas import SaleSchema
from . import credit, customers, outbox, shifts, tickets
from .customers import phone_or_error
from .idempotent import commit_first, replay_of, request_hash

RECENT_SALES_LIMIT = 100
# One business day's sales in full (a busy water point sells a few hundred refills a day).
DAY_LIMIT = 1000
CHANGED_SINCE_LIMIT = 500
IDEMPOTENCY_CONSTRAINT = "uq_sales_idempotency_key"
_PRICES = sa.text(
    "SELECT id, name, price, cost FROM inventory.v_products WHERE business = :business AND active AND id = ANY(:ids)"
)


def with_details():
    """Load options for a sale with its lines, payments and refunds (what its JSON and receipt show)."""
    return (
        selectinload(Sale.lines).selectinload(SaleLine.refund_lines).selectinload(RefundLine.refund),
        selectinload(Sale.payments),
        selectinload(Sale.customer),
        selectinload(Sale.refunds).selectinload(Refund.lines),
    )


@dataclass(frozen=True)
class SaleFilter:
    """What the sales history is narrowed to: a Nairobi business day, a seller, a method, a status."""

    day: dt.date | None = None
    staff: int | None = None
    method: str | None = None
    status: str | None = None

    def cache_key(self) -> str:
        return f"{self.day}|{self.staff}|{self.method}|{self.status}"

    def where(self, delta: bool) -> list[Any]:
        """The conditions. A delta leaves out the status: a sale that left it must be sent, to leave."""
        conditions: list[Any] = []
        if self.day is not None:
            start, end = day_bounds(self.day)
            conditions += [Sale.created_at >= start, Sale.created_at < end]
        if self.staff is not None:
            conditions.append(Sale.created_by == self.staff)
        if self.method is not None:
            conditions.append(Sale.method == self.method)
        if self.status is not None and not delta:
            conditions.append(Sale.status == self.status)
        return conditions


def list_sales(
    business: str,
    changed_since: dt.datetime | None = None,
    limit: int = RECENT_SALES_LIMIT,
    only: SaleFilter = SaleFilter(),
) -> list[Sale]:
    """Recent sales newest first (a whole day's, up to DAY_LIMIT); with `changed_since`, sales updated at
    or after it, oldest change first."""
    query = (
        sa.select(Sale)
        .where(Sale.business == business, *only.where(delta=changed_since is not None))
        .options(*with_details())
    )
    if changed_since is None:
        limit = DAY_LIMIT if only.day is not None else limit
        query = query.order_by(Sale.created_at.desc(), Sale.id.desc()).limit(limit)
    else:
        query = (
            query.where(Sale.updated_at >= changed_since)
            .order_by(Sale.updated_at, Sale.id)
            .limit(CHANGED_SINCE_LIMIT)
        )
    return list(db.session.scalars(query))


def sales_listing(
    business: str, changed_since: dt.datetime | None = None, only: SaleFilter = SaleFilter()
) -> dict[str, Any]:
    """The listing body; its `as_of` is a safe cursor for the next `changed_since` (common.delta)."""
    as_of = watermark(db.session)  # before the query
    sales = list_sales(business, changed_since, only=only)
    if changed_since is not None and len(sales) == CHANGED_SINCE_LIMIT:
        # A capped delta: the cursor stops at the last change sent, so the next poll goes on from there.
        as_of = sales[-1].updated_at
    items = SaleSchema().dump(sales, many=True)
    return {"items": items, "changed_since": changed_since and iso(changed_since), "as_of": iso(as_of)}


def get_sale(sale_id: int, businesses: tuple[str, ...]) -> Sale:
    """One sale, if it belongs to a business the caller may see."""
    sale = db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).options(*with_details()))
    if sale is None or sale.business not in businesses:
        raise NotFound(f"No sale {sale_id}.")
    return sale


def record_sale(
    business: str,
    idempotency_key: uuid.UUID,
    method: str,
    lines: list[tuple[int, Decimal]],
    customer_phone: str | None = None,
    user_id: int | None = None,
    shift_id: int | None = None,
    customer_id: int | None = None,
    order: tickets.OrderDetails | None = None,
    device: str | None = None,
) -> dict[str, Any]:
    """Record a sale once per idempotency key and return its body (the first one, on a replay).

    Prices (and the cost in force) come from inventory's published view. A cash sale is paid
    at once and emits its stock event; an M-Pesa sale waits, pending, for its payment. The
    sale joins the seller's shift: the one the phone names (a sale replayed from an offline
    outbox after the close still counts in its shift), else the seller's open one. A sale on
    account is complete at once (its stock moves, it is revenue) and becomes the customer's debt,
    within their limit, decided under their row lock.
    """
    canonical: dict[str, Any] = {
        "method": method,
        "lines": [[pid, f"{qty:.3f}"] for pid, qty in lines],
        "customer_phone": customer_phone,
    }
    if shift_id is not None:  # only then, so keys used before shifts existed replay unchanged
        canonical["shift_id"] = shift_id
    if customer_id is not None:  # likewise for keys used before customers existed
        canonical["customer_id"] = customer_id
    if order is not None:  # likewise for keys used before orders had details
        canonical["order"] = order.canonical()
    digest = request_hash(business, canonical)
    replay = _replay(idempotency_key, digest)
    if replay is not None:
        return replay
    phone = phone_or_error(customer_phone, "customer_phone") if customer_phone else None
    takes_orders = open_for_sales(db.session, business).takes_orders
    customer = None
    if method == "account" and customer_id is None:
        raise InvalidInput(
            "A sale on account needs its customer.", {"customer_id": ["Pick or add the customer."]}
        )
    if customer_id is not None:
        customer = customers.locked(customer_id)
        phone = phone or customer.phone
    sale = Sale(
        idempotency_key=idempotency_key,
        request_hash=digest,
        business=business,
        method=method,
        # A laundry order on account waits, unpaid, until collected: only then is it the customer's
        # debt (services/laundry.py), so no limit applies when it is brought in.
        status="pending" if method == "mpesa" or (method == "account" and takes_orders) else "paid",
        order_status="received" if takes_orders else None,
        customer_phone=phone,
        customer_id=customer_id,
        created_by=user_id,
        device=device,
        shift_id=shifts.shift_for_sale(business, user_id, shift_id),
    )
    price_lines(sale, lines)
    if method == "account" and not takes_orders:
        credit.check_within_limit(customer, sale.total)
    # A laundry order gets its ticket number (and what was brought, when it is promised).
    tickets.give_ticket(sale, order, dt.datetime.now(dt.UTC))
    db.session.add(sale)
    if order is not None and order.deposit:
        tickets.take_deposit(sale, order.deposit, user_id)

    def announce() -> dict[str, Any]:
        if sale.status == "paid":
            sale.paid_at = sale.created_at
            outbox.sale_paid(sale)
        else:
            outbox.sale_changed(sale)
        return SaleSchema().dump(sale)

    body, new = commit_first(sale, announce, IDEMPOTENCY_CONSTRAINT, lambda: _replay(idempotency_key, digest))
    if not new:  # a concurrent request with the same key won the race: its answer
        return body
    invalidate("sales", business)
    outbox.kick()
    return body


def _replay(idempotency_key: uuid.UUID, digest: str) -> dict[str, Any] | None:
    return replay_of(Sale, idempotency_key, digest, "sale")


def price_lines(sale: Sale, lines: list[tuple[int, Decimal]]) -> None:
    """Price each line from inventory's published view (the client never sends prices); 422 otherwise."""
    ids = sorted({product_id for product_id, _ in lines})
    prices = {row.id: row for row in db.session.execute(_PRICES, {"business": sale.business, "ids": ids})}
    missing = [str(pid) for pid in ids if pid not in prices]
    if missing:
        raise InvalidInput(
            "unknown product",
            {"lines": [f"Unknown or inactive product id(s) in {sale.business}: {', '.join(missing)}."]},
        )
    for product_id, quantity in lines:
        product = prices[product_id]
        sale.lines.append(
            SaleLine(
                product_id=product_id,
                name=product.name,
                quantity=quantity,
                unit_price=product.price,
                line_total=to_money(product.price * quantity),
                unit_cost=product.cost,
                line_cost=None if product.cost is None else to_money(product.cost * quantity),
            )
        )
    sale.total = sum((line.line_total for line in sale.lines), Decimal("0.00"))
    if sale.total > MAX_AMOUNT:
        # Each price and quantity is within its bounds, but not every product of them fits.
        raise InvalidInput(
            f"The sale totals KES {sale.total}; one sale can be at most KES {MAX_AMOUNT}.",
            {"lines": [f"The total must be at most {MAX_AMOUNT}."]},
        )
    costs = sum((line.line_cost for line in sale.lines if line.line_cost is not None), Decimal("0.00"))
    if costs > MAX_AMOUNT:
        # The owner's cost prices, not the customer's lines, are out of range: still refuse, never 500.
        raise InvalidInput(
            f"At today's cost prices these lines cost KES {costs}; check the products' cost prices.",
            {"lines": [f"The cost of the lines must be at most {MAX_AMOUNT}."]},
        )


def mark_sale_paid(sale: Sale, at: dt.datetime) -> bool:
    """Make an open sale paid and emit its stock event; False if it was already paid."""
    if sale.status == "paid":
        return False
    sale.status = "paid"
    sale.paid_at = at
    outbox.sale_paid(sale)
    return True

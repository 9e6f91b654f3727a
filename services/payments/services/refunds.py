"""Refunds: money paid back on a paid sale, whole or by line and quantity. No Flask request here.

The sale's row lock orders concurrent refunds from two devices: each one counts what earlier
refunds took back from every line only after it holds the lock, so the total refunded can never
pass what was paid. Each refund carries an idempotency key, like a sale; a replay answers the
first body. Goods come back through the SaleRefunded event (damaged ones are written off). A sale
on account can be refunded off the account (channel "account": the debt falls, no money moves).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from common.auth import Principal
from common.cache import invalidate
from common.errors import Conflict, InvalidInput, NotFound
from common.money import to_money

from ..models import DARAJA_CHANNELS, Refund, RefundLine, Sale, db, touch_sale
from ..schemas import RefundSchema
from . import credit, customers, daraja_refunds, outbox
from .idempotent import commit_first, replay_of, request_hash

IDEMPOTENCY_CONSTRAINT = "uq_refunds_idempotency_key"


@dataclass(frozen=True)
class Wanted:
    """A quantity of one sale line the customer hands back."""

    sale_line_id: int
    quantity: Decimal
    damaged: bool


def refund_sale(
    sale_id: int,
    key: uuid.UUID,
    lines: list[Wanted] | None,
    channel: str,
    reason: str,
    actor: Principal,
    phone: str | None = None,
) -> dict[str, Any]:
    """Record a refund once per key; `lines` None refunds everything not refunded yet.

    Cash is paid at once; a Daraja refund (reversal, b2c) is stored pending, then sent to Daraja.
    """
    digest = request_hash(
        str(sale_id),
        {
            "channel": channel,
            "reason": reason,
            "phone": phone,
            "lines": None
            if lines is None
            else [[w.sale_line_id, f"{w.quantity:.3f}", w.damaged] for w in lines],
        },
    )
    replay = _replay(key, digest)
    if replay is not None:
        return replay
    sale = db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())
    if sale is None or sale.business not in actor.businesses:
        raise NotFound(f"No sale {sale_id}.")
    if sale.status != "paid":
        raise Conflict(f"Only a paid sale can be refunded; this one is {sale.status}.")
    refund = Refund(
        idempotency_key=key,
        request_hash=digest,
        sale_id=sale.id,
        business=sale.business,
        channel=channel,
        reason=reason,
        created_by=actor.user_id,
    )
    refund.lines = _refund_lines(sale, lines)
    refund.amount = sum((line.amount for line in refund.lines), Decimal("0.00"))
    if refund.amount <= 0:
        raise InvalidInput("Nothing to refund: the amount would be zero.", {"lines": ["Refund more."]})
    if channel == "account":
        _check_account(sale, refund.amount)
    by_daraja = channel in DARAJA_CHANNELS
    if by_daraja:
        # Pending still counts against what can be refunded: stored under this same sale lock.
        daraja_refunds.prepare(refund, sale, phone)
        refund.status = "pending"
    else:  # cash leaves the till at once; a refund off the account lowers the debt at once
        refund.status = "paid"
    db.session.add(refund)

    def announce() -> dict[str, Any]:
        if not by_daraja:
            refund.paid_at = refund.created_at
            outbox.refund_paid(refund)
        touch_sale(sale.id)
        return RefundSchema().dump(refund)

    body, new = commit_first(refund, announce, IDEMPOTENCY_CONSTRAINT, lambda: _replay(key, digest))
    if not new:
        return body
    invalidate("sales", sale.business)
    outbox.kick()
    if by_daraja:
        body = _sent(refund.id)
    return body


def _check_account(sale: Sale, amount: Decimal) -> None:
    """Taking a refund off the account: only for a sale on account, never more than is owed."""
    if sale.method != "account":
        raise InvalidInput(
            "Only a sale on account can be refunded off the account.", {"channel": ["Not a sale on account."]}
        )
    customer = customers.locked(sale.customer_id)
    credit.check_not_above_balance(customer, amount, "lines")


def _sent(refund_id: int) -> dict[str, Any]:
    """Send a pending refund to Daraja; the answer (with Daraja's ids) becomes the replayed body."""
    try:
        daraja_refunds.send(refund_id)
    finally:
        refund = db.session.get(Refund, refund_id)
        db.session.refresh(refund)
        refund.response_body = RefundSchema().dump(refund)
        db.session.commit()
    return refund.response_body


def _refund_lines(sale: Sale, wanted: list[Wanted] | None) -> list[RefundLine]:
    """Refund lines within what each sale line has left; the last of a line takes its exact rest."""
    by_id = {line.id: line for line in sale.lines}
    if wanted is None:
        wanted = [Wanted(line.id, line.quantity - line.refunded_quantity, False) for line in sale.lines]
        wanted = [w for w in wanted if w.quantity > 0]
        if not wanted:
            raise Conflict("Everything on this sale was refunded already.")
    seen: set[int] = set()
    result = []
    for w in wanted:
        line = by_id.get(w.sale_line_id)
        if line is None:
            raise InvalidInput(
                f"Sale {sale.id} has no line {w.sale_line_id}.",
                {"lines": [f"Unknown line {w.sale_line_id}."]},
            )
        if w.sale_line_id in seen:
            raise InvalidInput("Each line may appear once.", {"lines": [f"Line {w.sale_line_id} repeated."]})
        seen.add(w.sale_line_id)
        left = line.quantity - line.refunded_quantity
        if w.quantity > left:
            raise Conflict(
                f"Only {left.normalize():f} of {line.name} can still be refunded; "
                f"{w.quantity.normalize():f} asked.",
                {"lines": [f"Line {line.id}: at most {left.normalize():f}."]},
            )
        result.append(
            RefundLine(
                sale_line_id=line.id,
                product_id=line.product_id,
                quantity=w.quantity,
                amount=_part(line.line_total, line.unit_price, line.refunded_amount, w.quantity, left),
                cost=None
                if line.line_cost is None
                else _part(line.line_cost, line.unit_cost, line.refunded_cost, w.quantity, left),
                damaged=w.damaged,
            )
        )
    return result


def _part(whole: Decimal, unit: Decimal, taken: Decimal, quantity: Decimal, left: Decimal) -> Decimal:
    """The share of a line's money (its total, or its cost) that `quantity` of it carries back."""
    if quantity == left:
        return whole - taken  # the last of a line takes its exact rest: no rounding left over
    return min(to_money(unit * quantity), whole - taken)


def _replay(key: uuid.UUID, digest: str) -> dict[str, Any] | None:
    return replay_of(Refund, key, digest, "refund")

"""Credit (deni): what each customer owes, how old it is, and the limit a sale on account must fit.

Balance = sales on account (not voided) − refunds taken off the account − debt payments, always
computed from the rows. Payments are not tied to a sale: they settle the oldest debts first, so
which sales are still open and how old the rest is (ageing) follow from the same rows. Every
decision that could push a balance past its limit or below zero holds the customer's row lock
(customers.locked), so two tills acting at once queue instead of both passing the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from common.errors import Conflict
from common.timeutil import business_day

from ..models import Customer, DebtPayment, Refund, Sale, db

ZERO = Decimal("0.00")
# Ageing by Nairobi business days since the sale: 0-7, 8-30, over 30.
BUCKETS = (("days_0_7", 7), ("days_8_30", 30), ("over_30", None))
_ON_ACCOUNT = sa.and_(Sale.method == "account", Sale.status == "paid")


@dataclass(frozen=True)
class Debt:
    """One sale on account: what it came to (after refunds off the account) and what is still open."""

    sale_id: int
    business: str
    reference: str
    created_at: dt.datetime
    amount: Decimal
    outstanding: Decimal
    age_days: int


def balances(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each customer owes now (negative: they paid more than they owed)."""
    ids = list(set(customer_ids))
    result = dict.fromkeys(ids, ZERO)
    if not ids:
        return result
    owed = sa.select(Sale.customer_id, sa.func.sum(Sale.total)).where(_ON_ACCOUNT, Sale.customer_id.in_(ids))
    taken_off = (
        sa.select(Sale.customer_id, -sa.func.sum(Refund.amount))
        .join(Refund, Refund.sale_id == Sale.id)
        .where(_ON_ACCOUNT, Refund.channel == "account", Refund.status == "paid", Sale.customer_id.in_(ids))
    )
    paid = sa.select(DebtPayment.customer_id, -sa.func.sum(DebtPayment.amount)).where(
        DebtPayment.customer_id.in_(ids)
    )
    for query in (owed.group_by(Sale.customer_id), taken_off.group_by(Sale.customer_id)):
        for customer_id, amount in db.session.execute(query):
            result[customer_id] += amount
    for customer_id, amount in db.session.execute(paid.group_by(DebtPayment.customer_id)):
        result[customer_id] += amount
    return result


def balance(customer_id: int) -> Decimal:
    return balances([customer_id])[customer_id]


def debts(customer_id: int, now: dt.datetime | None = None) -> list[Debt]:
    """The customer's sales on account, oldest first, with what payments left open on each."""
    today = business_day(now)
    refunded = (
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0))
        .where(Refund.sale_id == Sale.id, Refund.channel == "account", Refund.status == "paid")
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Sale.id, Sale.business, Sale.created_at, (Sale.total - refunded).label("amount"))
        .where(_ON_ACCOUNT, Sale.customer_id == customer_id)
        .order_by(Sale.created_at, Sale.id)
    ).all()
    paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(DebtPayment.amount), 0)).where(
            DebtPayment.customer_id == customer_id
        )
    )
    left = Decimal(paid)
    result = []
    for row in rows:
        settled = min(left, row.amount)
        left -= settled
        result.append(
            Debt(
                row.id,
                row.business,
                f"TT{row.id}",
                row.created_at,
                row.amount,
                row.amount - settled,
                (today - business_day(row.created_at)).days,
            )
        )
    return result


def ageing(open_debts: Iterable[Debt]) -> dict[str, Decimal]:
    """What is still open, by how many business days old its sale is."""
    buckets = {name: ZERO for name, _ in BUCKETS}
    for debt in open_debts:
        for name, up_to in BUCKETS:
            if up_to is None or debt.age_days <= up_to:
                buckets[name] += debt.outstanding
                break
    return buckets


def summary(customer: Customer, now: dt.datetime | None = None) -> dict:
    """A customer with their balance, what they may still take on account, and its ageing."""
    owed = balance(customer.id)
    open_debts = [d for d in debts(customer.id, now) if d.outstanding > 0]
    return {
        "customer": customer,
        "balance": owed,
        "available": max(customer.credit_limit - owed, ZERO),
        "ageing": ageing(open_debts),
        "open_debts": open_debts,
    }


def check_within_limit(customer: Customer, amount: Decimal) -> None:
    """Refuse a sale on account that would take the customer past their limit (row lock held)."""
    owed = balance(customer.id)
    if owed + amount > customer.credit_limit:
        room = max(customer.credit_limit - owed, ZERO)
        raise Conflict(
            f"{customer.name} may owe at most KES {customer.credit_limit}; they owe KES {owed}, "
            f"so at most KES {room} more can go on account (this sale is KES {amount}).",
            {"customer_id": [f"Over the credit limit: at most {room} more."]},
        )


def check_not_above_balance(customer: Customer, amount: Decimal, field: str = "amount") -> Decimal:
    """Refuse a payment (or refund off the account) larger than what the customer owes now."""
    owed = balance(customer.id)
    if amount > owed:
        raise Conflict(
            f"{customer.name} owes KES {max(owed, ZERO)}; KES {amount} is more than that.",
            {field: [f"At most {max(owed, ZERO)}."]},
        )
    return owed

"""A customer's statement: every sale, void, refund off the account and payment, with the running
balance, and the owner's total owed. No Flask request here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ..models import Customer, DebtPayment, Refund, Sale, db
from . import credit

ZERO = Decimal("0.00")
OWING_LIMIT = 200


def statement(customer: Customer) -> list[dict[str, Any]]:
    """The customer's history, oldest first; `change` is what each entry did to the balance (sales
    paid by cash or M-Pesa change nothing, they are shown as history)."""
    entries: list[dict[str, Any]] = []
    sales = db.session.scalars(sa.select(Sale).where(Sale.customer_id == customer.id))
    for sale in sales:
        # Owed once paid (at once, or a laundry order at collection); a voided one was owed if it had been.
        on_account = (
            sale.method == "account" and sale.paid_at is not None and sale.status in ("paid", "voided")
        )
        entries.append(_entry(sale.created_at, "sale", sale, sale.total, sale.total if on_account else ZERO))
        if on_account and sale.status == "voided":
            entries.append(_entry(sale.voided_at, "void", sale, sale.total, -sale.total))
    refunds = db.session.scalars(
        sa.select(Refund)
        .join(Sale, Sale.id == Refund.sale_id)
        .where(Sale.customer_id == customer.id, Refund.channel == "account", Refund.status == "paid")
    )
    for refund in refunds:
        entries.append(_entry(refund.created_at, "refund", refund.sale, refund.amount, -refund.amount))
    payments = db.session.scalars(sa.select(DebtPayment).where(DebtPayment.customer_id == customer.id))
    for payment in payments:
        entry = _entry(payment.created_at, "payment", None, payment.amount, -payment.amount)
        entry.update(
            method=payment.method,
            business=payment.business,
            receipt=payment.mpesa_payment.receipt if payment.mpesa_payment else None,
        )
        entries.append(entry)
    entries.sort(key=lambda e: (e["at"], e["order"]))
    running = ZERO
    for entry in entries:
        running += entry["change"]
        entry["balance"] = running
    return entries


_ORDER = {"sale": 0, "void": 1, "refund": 2, "payment": 3}


def _entry(at: dt.datetime, kind: str, sale: Sale | None, amount: Decimal, change: Decimal) -> dict[str, Any]:
    return {
        "at": at,
        "order": _ORDER[kind],
        "kind": kind,
        "sale_id": sale.id if sale else None,
        "reference": sale.reference if sale else None,
        "business": sale.business if sale else None,
        "method": sale.method if sale else None,
        "receipt": None,
        "amount": amount,
        "change": change,
    }


def owed(now: dt.datetime | None = None) -> dict[str, Any]:
    """What all customers owe the owner, its ageing, and who owes most first."""
    ids = db.session.scalars(
        sa.select(Sale.customer_id).where(Sale.method == "account", Sale.status == "paid").distinct()
    ).all()
    balances = credit.balances(ids)
    owing = sorted((cid for cid, amount in balances.items() if amount > 0), key=lambda c: -balances[c])
    customers = {c.id: c for c in db.session.scalars(sa.select(Customer).where(Customer.id.in_(owing)))}
    total_ageing = {name: ZERO for name, _ in credit.BUCKETS}
    for customer_id in owing:
        for name, amount in credit.ageing(credit.debts(customer_id, now)).items():
            total_ageing[name] += amount
    return {
        "total": sum((balances[c] for c in owing), ZERO),
        "customers_count": len(owing),
        "ageing": total_ageing,
        "items": [{"customer": customers[c], "balance": balances[c]} for c in owing[:OWING_LIMIT]],
    }

"""Paying a debt: cash at a till, an M-Pesa prompt for the balance, or a till/paybill payment naming
the customer. No Flask request here.

Every way holds the customer's row lock while it compares the amount with the balance, so two
devices paying at once never take more than is owed: balance = sales on account − payments.
A payment settles the customer's oldest debts first (credit.debts).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from common.auth import Principal
from common.db import utcnow
from common.errors import Conflict, InvalidInput
from common.phone import InvalidPhone, normalise_phone

from ..models import Customer, DebtPayment, MpesaPayment, Sale, db
from . import credit, customers, messages, shifts
from .idempotent import commit_first, replay_of, request_hash

log = logging.getLogger("tomtin.payments.credit")
IDEMPOTENCY_CONSTRAINT = "uq_debt_payments_idempotency_key"
# What a till/paybill payment's account number may say to name a customer: C12, or their phone.
_NUMBER = re.compile(r"^\s*C\s*(\d{1,18})\s*$", re.IGNORECASE)


def pay_cash(
    customer_id: int, business: str, amount: Decimal, key: uuid.UUID, actor: Principal
) -> dict[str, Any]:
    """Record cash paid on a debt at a till, once per key; it joins the taker's open shift."""
    digest = request_hash(business, {"customer_id": customer_id, "amount": f"{amount:.2f}"})
    replay = replay_of(DebtPayment, key, digest, "payment")
    if replay is not None:
        return replay
    customer = customers.locked(customer_id)
    credit.check_not_above_balance(customer, amount)
    payment = DebtPayment(
        idempotency_key=key,
        request_hash=digest,
        customer_id=customer.id,
        business=business,
        method="cash",
        amount=amount,
        shift_id=shifts.shift_for_sale(business, actor.user_id, None),
        created_by=actor.user_id,
    )
    db.session.add(payment)
    body, _ = commit_first(
        payment,
        lambda: _body(payment, customer),
        IDEMPOTENCY_CONSTRAINT,
        lambda: replay_of(DebtPayment, key, digest, "payment"),
    )
    return body


def _body(payment: DebtPayment, customer: Customer) -> dict[str, Any]:
    return {
        "id": payment.id,
        "customer_id": customer.id,
        "business": payment.business,
        "method": payment.method,
        "amount": f"{payment.amount:.2f}",
        "created_at": payment.created_at.isoformat(),
        "balance": f"{credit.balance(customer.id):.2f}",
    }


def push_amount(customer: Customer, amount: Decimal | None) -> int:
    """What an M-Pesa prompt asks for: the whole balance by default, never more; whole shillings."""
    owed = credit.balance(customer.id)
    wanted = owed if amount is None else amount
    if wanted <= 0:
        raise Conflict(f"{customer.name} owes nothing.", {"amount": ["Nothing is owed."]})
    credit.check_not_above_balance(customer, wanted)
    if wanted != wanted.to_integral_value():
        raise InvalidInput(
            f"M-Pesa takes whole shillings; KES {wanted} is not. Take the cents in cash.",
            {"amount": ["Whole shillings only."]},
        )
    return int(wanted)


def record_mpesa(payment: MpesaPayment, at: dt.datetime) -> None:
    """A paid M-Pesa payment naming a customer pays their debt, once (unique per payment).

    The money is in: if the balance fell meanwhile (cash paid at the same time), it is still
    recorded, and the owner is asked to give the excess back.
    """
    exists = db.session.scalar(sa.select(DebtPayment.id).where(DebtPayment.mpesa_payment_id == payment.id))
    if exists is not None:
        return
    customer = customers.locked(payment.customer_id)
    owed = credit.balance(customer.id)
    db.session.add(
        DebtPayment(
            customer_id=customer.id,
            business=payment.business,
            method="mpesa",
            amount=payment.amount,
            mpesa_payment_id=payment.id,
            created_at=at,
        )
    )
    if payment.amount > owed:
        from .settlement import to_review  # settlement calls this module: resolve it at call time

        to_review(
            payment, f"{customer.name} owed KES {owed} but paid KES {payment.amount}; give back the rest"
        )


def customer_named(account: str) -> Customer | None:
    """The customer a till/paybill account number names: C<number> or their phone in any format."""
    number = _NUMBER.match(account or "")
    if number:
        return db.session.get(Customer, int(number.group(1)))
    try:
        return customers.by_phone(normalise_phone(account or ""))
    except InvalidPhone:
        return None


def settle_c2b(payment: MpesaPayment, account: str) -> bool:
    """Pay a named customer's debt with a till/paybill payment, if it is not above their balance.

    A payment above the balance, or naming nobody, stays unmatched for the owner to decide.
    """
    found = customer_named(account)
    if found is None:
        return False
    customer = customers.locked(found.id)
    open_debts = [d for d in credit.debts(customer.id) if d.outstanding > 0]
    if not open_debts or payment.amount > credit.balance(customer.id):
        log.warning(
            "till payment %s names customer %s but is above the balance", payment.receipt, customer.id
        )
        return False
    now = utcnow()
    payment.customer_id = customer.id
    payment.business = open_debts[0].business  # the oldest debt it settles first
    payment.status = "paid"
    payment.paid_at = now
    record_mpesa(payment, now)
    return True


def history(customer_id: int) -> list[DebtPayment]:
    """A customer's payments, oldest first."""
    return list(
        db.session.scalars(
            sa.select(DebtPayment)
            .where(DebtPayment.customer_id == customer_id)
            .order_by(DebtPayment.created_at, DebtPayment.id)
        )
    )


def sales_of(customer_id: int) -> list[Sale]:
    """A customer's sales (any method), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Sale).where(Sale.customer_id == customer_id).order_by(Sale.created_at, Sale.id)
        )
    )


def remind(customer_id: int, key: uuid.UUID, actor: Principal) -> Any:
    """The owner sends a customer a text reminding them what they owe, in their language; once per
    key (a retried tap sends nothing twice). Nothing owed → 409, nothing queued."""
    customer = customers.get(customer_id)
    open_debts = [d for d in credit.debts(customer.id) if d.outstanding > 0]
    if not open_debts:
        raise Conflict(f"{customer.name} owes nothing: there is nothing to remind them of.")
    owed = credit.balance(customer.id)
    message = messages.queue_message(
        open_debts[0].business,  # the business of the oldest debt names the sender
        customer.phone,
        "payment_reminder",
        {"balance": f"{owed:,.2f}"},
        language=customer.language,
        customer_id=customer.id,
        key=f"reminder-{key}",
        created_by=actor.user_id,
    )
    db.session.commit()
    messages.kick()
    return message

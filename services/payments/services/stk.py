"""M-Pesa STK push: prompt the customer's phone to pay an open sale, and read a payment back."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from common.cache import cache_redis
from common.db import utcnow
from common.errors import Conflict, DomainError, InvalidInput, NotFound

from ..config import MpesaSettings
from ..models import MpesaPayment, Sale, db, touch_sale
from ..mpesa import BEING_PROCESSED, DarajaClient, DarajaError
from . import customers, debt_payments, outbox
from .customers import phone_or_error
from .settlement import changed

log = logging.getLogger("tomtin.payments.stk")
MAX_AMOUNT = 250_000


class MpesaUnavailable(DomainError):
    status, title = 502, "M-Pesa did not accept the request"


def mpesa_settings() -> MpesaSettings:
    return current_app.extensions["tomtin"]["mpesa"]


def daraja() -> DarajaClient:
    """A client sharing the OAuth token through the cache Redis."""
    return DarajaClient(mpesa_settings(), cache_redis())


def start_push(sale_id: int, raw_phone: str, businesses: tuple[str, ...]) -> MpesaPayment:
    """Prompt the customer's phone to pay an open M-Pesa sale; one active push per sale."""
    phone = phone_or_error(raw_phone, "phone")
    sale = db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())
    if sale is None or sale.business not in businesses:
        raise NotFound(f"No sale {sale_id}.")
    if sale.method != "mpesa":
        raise InvalidInput(f"Sale {sale_id} is a {sale.method} sale; only M-Pesa sales take a push.")
    if sale.status in ("paid", "cancelled"):
        raise Conflict(f"Sale {sale_id} is already {sale.status}.")
    active = db.session.scalar(
        sa.select(MpesaPayment).where(
            MpesaPayment.sale_id == sale.id, MpesaPayment.kind == "stk", MpesaPayment.status == "pending"
        )
    )
    if active is not None:
        raise Conflict(
            f"A push for sale {sale_id} is already pending (payment {active.id}); wait for its result."
        )
    amount = _whole_shillings(sale.total)
    payment = _pushed(phone, amount, sale.reference, f"{sale.business} sale", sale.business)
    payment.sale_id = sale.id
    db.session.add(payment)
    if sale.status != "pending":
        sale.status = "pending"
        outbox.sale_changed(sale)
    touch_sale(sale.id)
    _store(payment)
    return payment


def start_debt_push(
    customer_id: int, business: str, raw_phone: str | None, amount: Decimal | None
) -> MpesaPayment:
    """Prompt the customer's phone (theirs by default) to pay their debt: the balance, or part of it.

    One active prompt per customer; the amount is checked against the balance under their row lock.
    """
    customer = customers.locked(customer_id)
    phone = phone_or_error(raw_phone, "phone") if raw_phone else customer.phone
    shillings = debt_payments.push_amount(customer, amount)
    active = db.session.scalar(
        sa.select(MpesaPayment.id).where(
            MpesaPayment.customer_id == customer.id,
            MpesaPayment.kind == "stk",
            MpesaPayment.status == "pending",
        )
    )
    if active is not None:
        raise Conflict(
            f"A prompt to {customer.name} is already waiting (payment {active}); wait for its result."
        )
    payment = _pushed(phone, shillings, customer.number, "debt payment", business)
    payment.customer_id = customer.id
    db.session.add(payment)
    _store(payment)
    return payment


def _pushed(phone: str, amount: int, reference: str, description: str, business: str) -> MpesaPayment:
    """Ask Daraja for the prompt; the pending payment to store when it accepted."""
    try:
        accepted = daraja().stk_push(phone, amount, reference, description)
    except DarajaError as exc:
        db.session.rollback()
        if exc.code == BEING_PROCESSED:
            raise Conflict(
                "M-Pesa could not reach the customer's phone (it is busy with another request); "
                "wait a minute and try again."
            ) from exc
        raise MpesaUnavailable(f"M-Pesa refused the push: {exc.message}") from exc
    now = utcnow()
    return MpesaPayment(
        business=business,
        kind="stk",
        status="pending",
        amount=Decimal(amount),
        phone=phone,
        checkout_request_id=accepted.checkout_request_id,
        merchant_request_id=accepted.merchant_request_id,
        account_reference=reference,
        next_query_at=now + dt.timedelta(seconds=mpesa_settings().query_after_seconds),
    )


def _store(payment: MpesaPayment) -> None:
    try:
        db.session.commit()
    except Exception:
        log.error("push %s accepted by Daraja but not stored", payment.checkout_request_id)
        raise
    changed(payment.business)


def _whole_shillings(total: Decimal) -> int:
    if total != total.to_integral_value():
        raise InvalidInput(f"M-Pesa takes whole shillings; this sale totals {total}. Take the cents in cash.")
    if not 1 <= total <= MAX_AMOUNT:
        raise InvalidInput(f"M-Pesa takes 1 to {MAX_AMOUNT} shillings; this sale totals {total}.")
    return int(total)


def get_payment(payment_id: int, businesses: tuple[str, ...], is_owner: bool) -> MpesaPayment:
    """One payment the caller may see (an unmatched C2B payment has no business: owner only)."""
    payment = db.session.get(MpesaPayment, payment_id)
    visible = payment is not None and (
        payment.business in businesses if payment.business is not None else is_owner
    )
    if not visible:
        raise NotFound(f"No payment {payment_id}.")
    return payment

"""C2B (till/paybill payments made without a push): stored once by TransID, matched or left unmatched."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from common import audit
from common.auth import Principal
from common.db import utcnow
from common.errors import Conflict, InvalidInput, NotFound

from ..callbacks import C2BConfirmation
from ..models import MpesaPayment, Sale, audit_log, db
from . import debt_payments
from .sales import mark_sale_paid
from .settlement import changed, locked_sale

# The account reference printed on a sale (Sale.reference), as a customer may type it.
_REFERENCE = re.compile(r"^\s*TT\s*(\d{1,12})\s*$", re.IGNORECASE)
OPEN_STATUSES = ("pending", "failed")


def confirm(confirmation: C2BConfirmation, raw: str) -> MpesaPayment:
    """Store a confirmation once (unique TransID) and pay the sale its reference names, if it fits."""
    payment = MpesaPayment(
        kind="c2b",
        status="unmatched",
        amount=confirmation.amount,
        phone=confirmation.msisdn,
        receipt=confirmation.trans_id,
        account_reference=confirmation.bill_ref[:32],
        raw=raw,
    )
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(sa.select(MpesaPayment).where(MpesaPayment.receipt == confirmation.trans_id))
    match = _REFERENCE.match(confirmation.bill_ref)
    sale = locked_sale(int(match.group(1))) if match else None
    # A laundry order on account waiting for collection is settled through the customer's account
    # (C<id>), never by paying the sale itself: that would count it paid and owed at once.
    payable = sale is not None and sale.method != "account"
    if payable and sale.status in OPEN_STATUSES and sale.total == confirmation.amount:
        _pay(payment, sale)
    elif match is None:  # an account naming a customer (C12 or a phone) pays their oldest debts
        debt_payments.settle_c2b(payment, confirmation.bill_ref)
    db.session.commit()
    changed(payment.business)
    return payment


def _pay(payment: MpesaPayment, sale: Sale) -> None:
    now = utcnow()
    payment.sale_id = sale.id
    payment.business = sale.business
    payment.status = "paid"
    payment.paid_at = now
    mark_sale_paid(sale, now)


def unmatched(businesses: tuple[str, ...]) -> list[MpesaPayment]:
    """Confirmations not attached to a sale (they carry no business until attached)."""
    query = (
        sa.select(MpesaPayment)
        .where(
            MpesaPayment.kind == "c2b",
            MpesaPayment.status == "unmatched",
            sa.or_(MpesaPayment.business.is_(None), MpesaPayment.business.in_(businesses)),
        )
        .order_by(MpesaPayment.created_at)
    )
    return list(db.session.scalars(query))


def locked_unmatched(trans_id: str) -> MpesaPayment:
    """The confirmation with this TransID, locked, while no sale has it yet (404 or 409 otherwise)."""
    payment = db.session.scalar(
        sa.select(MpesaPayment)
        .where(MpesaPayment.receipt == trans_id, MpesaPayment.kind == "c2b")
        .with_for_update()
    )
    if payment is None:
        raise NotFound(f"No C2B payment {trans_id}.")
    if payment.status != "unmatched":
        raise Conflict(f"C2B payment {trans_id} is already {payment.status}.")
    return payment


def pay(payment: MpesaPayment, sale: Sale, actor: Principal) -> None:
    """The owner's decision: this confirmation pays this sale (recorded as theirs)."""
    _pay(payment, sale)
    payment.resolved_by = actor.user_id
    payment.resolved_at = utcnow()


def attach(trans_id: str, sale_id: int, actor: Principal) -> MpesaPayment:
    """The owner pays an open sale with an unmatched confirmation of the same amount (audited)."""
    businesses = actor.businesses
    payment = locked_unmatched(trans_id)
    sale = locked_sale(sale_id)
    if sale is None or sale.business not in businesses:
        raise NotFound(f"No sale {sale_id}.")
    if sale.status not in OPEN_STATUSES:
        raise Conflict(f"Sale {sale_id} is {sale.status}; only an unpaid sale can take a payment.")
    if sale.total != payment.amount:
        raise InvalidInput(
            f"The payment is KES {payment.amount} but sale {sale_id} totals KES {sale.total}.",
            {"sale_id": ["amount differs"]},
        )
    pay(payment, sale, actor)
    after = {"status": payment.status, "sale_id": sale_id}
    audit.record(
        db.session,
        audit_log,
        actor,
        "payment_attached",
        f"payment:{trans_id}",
        {"status": "unmatched"},
        after,
        sale.business,
    )
    db.session.commit()
    changed(sale.business)
    return payment

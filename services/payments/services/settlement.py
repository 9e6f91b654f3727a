"""How an M-Pesa payment settles: paid, failed or flagged for the owner's review.

Every change takes row locks (callback, then payment, then sale) so duplicate callbacks, the
reconciliation sweep and owner actions serialise per payment; a PAID payment is never downgraded.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from common.cache import invalidate
from common.db import utcnow

from ..models import MpesaPayment, Sale, db
from . import debt_payments, outbox
from .sales import mark_sale_paid

log = logging.getLogger("tomtin.payments.settlement")


def changed(business: str | None) -> None:
    """Invalidate the caches a payment change touches and kick the outbox relay."""
    if business:
        invalidate("sales", business)
    outbox.kick()


def locked_payment(condition: sa.ColumnElement[bool]) -> MpesaPayment | None:
    return db.session.scalar(sa.select(MpesaPayment).where(condition).with_for_update())


def locked_sale(sale_id: int | None) -> Sale | None:
    """The sale row, locked for this transaction."""
    if sale_id is None:
        return None
    return db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())


def receipt_taken(receipt: str, payment: MpesaPayment) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(MpesaPayment.id)).where(
                MpesaPayment.receipt == receipt, MpesaPayment.id != payment.id
            )
        )
    )


UNDER_REVIEW = "already under review"


def to_review(payment: MpesaPayment, reason: str) -> str:
    """Flag for the owner; a PAID payment keeps its status and only carries the flag.

    A payment already under review keeps its first reason: that is what sent it there, and
    every later callback stays stored raw beside it for the owner's decision.
    """
    if payment.review_reason == reason[:255]:
        return "duplicate"  # the same conflict again (a resent callback): nothing new to review
    if payment.review_reason is not None and payment.resolved_at is None:
        log.warning("payment %s already under review; also: %s", payment.id, reason)
        return UNDER_REVIEW
    if payment.status != "paid":
        payment.status = "needs_review"
    payment.review_reason = reason[:255]
    payment.resolved_at = None
    log.warning("payment %s needs review: %s", payment.id, reason)
    return "needs review"


def settle_paid(payment: MpesaPayment, desc: str) -> str:
    now = utcnow()
    payment.status = "paid"
    payment.result_code = 0
    payment.result_desc = desc[:255]
    payment.paid_at = now
    if payment.customer_id is not None:  # a debt payment: no sale, the customer's balance falls
        debt_payments.record_mpesa(payment, now)
    sale = locked_sale(payment.sale_id)
    if sale is not None and not mark_sale_paid(sale, now):
        to_review(payment, f"sale {sale.id} was already paid by another payment; refund one")
    return "paid"


def apply_failure(payment: MpesaPayment, code: int, desc: str) -> str:
    if payment.status == "pending":
        payment.status = "failed"
        payment.result_code = code
        payment.result_desc = desc[:255]
        fail_sale(payment.sale_id)
        return "failed"
    if payment.status == "failed" and payment.result_code == code:
        return "duplicate"
    if payment.status == "paid":
        return to_review(payment, f"M-Pesa reported failure {code} for a payment already paid")
    return "ignored"


def fail_sale(sale_id: int | None) -> None:
    """A pending sale whose push failed becomes failed (the customer may retry a new push)."""
    sale = locked_sale(sale_id)
    pending_push = db.session.scalar(
        sa.select(MpesaPayment.id).where(MpesaPayment.sale_id == sale_id, MpesaPayment.status == "pending")
    )
    if sale is not None and sale.status == "pending" and pending_push is None:
        sale.status = "failed"
        outbox.sale_changed(sale)

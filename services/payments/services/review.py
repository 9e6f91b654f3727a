"""The owner's review of M-Pesa payments: what needs a decision, and the decision."""

from __future__ import annotations

import sqlalchemy as sa

from common import audit
from common.auth import Principal
from common.db import utcnow
from common.errors import Conflict, InvalidInput, NotFound

from ..models import MpesaPayment, audit_log, db, touch_sale
from .settlement import changed, fail_sale, locked_payment, receipt_taken, settle_paid


def history(before_id: int | None, limit: int) -> list:
    """The owner's decisions on payments and orders (resolved, attached, cancelled), newest first."""
    return audit.entries(db.session, audit_log, before_id, limit)


def review_list(businesses: tuple[str, ...]) -> list[MpesaPayment]:
    """Payments the owner must look at: NEEDS_REVIEW, or flagged and not yet resolved."""
    query = (
        sa.select(MpesaPayment)
        .where(
            MpesaPayment.business.in_(businesses),
            sa.or_(
                MpesaPayment.status == "needs_review",
                sa.and_(MpesaPayment.review_reason.is_not(None), MpesaPayment.resolved_at.is_(None)),
            ),
        )
        .order_by(MpesaPayment.created_at)
    )
    return list(db.session.scalars(query))


def resolve(payment_id: int, action: str, note: str, receipt: str | None, actor: Principal) -> MpesaPayment:
    """The owner's decision on a payment under review: paid, failed, or dismiss the flag (audited)."""
    payment = locked_payment(MpesaPayment.id == payment_id)
    if payment is None or payment.business not in actor.businesses:
        raise NotFound(f"No payment {payment_id}.")
    before = {"status": payment.status, "receipt": payment.receipt}
    flagged = payment.review_reason is not None and payment.resolved_at is None
    if payment.status != "needs_review" and not flagged:
        raise Conflict(f"Payment {payment_id} is {payment.status} and not under review.")
    if action == "dismiss" and payment.status == "needs_review":
        raise InvalidInput(
            "Decide 'paid' or 'failed' for a payment that needs review.", {"action": ["paid or failed"]}
        )
    if action == "failed" and payment.status == "paid":
        raise Conflict("A paid payment is never downgraded; refund it in M-Pesa and dismiss the flag.")
    if action == "paid" and payment.status != "paid":
        if receipt and receipt_taken(receipt, payment):
            raise Conflict(f"Receipt {receipt} already belongs to another payment.")
        payment.receipt = receipt or payment.receipt
        settle_paid(payment, "resolved by the owner")
    elif action == "failed":
        payment.status = "failed"
        fail_sale(payment.sale_id)
    payment.resolved_at = utcnow()
    payment.resolved_by = actor.user_id
    payment.resolution_note = note
    business = payment.business
    audit.record(
        db.session,
        audit_log,
        actor,
        "payment_resolved",
        f"payment:{payment.id}",
        before,
        {"status": payment.status, "receipt": payment.receipt, "note": note},
        business,
    )
    touch_sale(payment.sale_id)
    db.session.commit()
    changed(business)
    return payment

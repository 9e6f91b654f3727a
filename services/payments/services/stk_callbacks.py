"""STK callbacks: stored raw at once, then applied once by a job; duplicates and replays are no-ops."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa

from common.db import utcnow
from common.errors import NotFound
from common.redis_conn import get_queue

from ..callbacks import StkResult, parse_stk
from ..models import MpesaCallback, MpesaPayment, db, touch_sale
from .settlement import (
    UNDER_REVIEW,
    apply_failure,
    changed,
    locked_payment,
    receipt_taken,
    settle_paid,
    to_review,
)

log = logging.getLogger("tomtin.payments.stk")
# Outcomes that leave the payment and its sale as they were: no stamp, no invalidation.
NO_CHANGE = ("duplicate", "ignored", "unknown payment", UNDER_REVIEW)


def store_callback(result: StkResult, raw: str, source_ip: str | None) -> int:
    """Keep the raw callback of a push we made; NotFound for a CheckoutRequestID we never issued.

    One statement both checks the push and inserts the row (the acknowledgement Daraja waits for
    costs one round trip to PostgreSQL besides BEGIN and COMMIT), and the id comes back with it:
    reading `callback.id` after the commit would load the expired row again."""
    checkout = result.checkout_request_id
    ours = sa.exists().where(MpesaPayment.checkout_request_id == checkout)
    callback_id = db.session.scalar(
        sa.insert(MpesaCallback)
        .from_select(
            ["checkout_request_id", "raw", "source_ip"],
            sa.select(
                sa.literal(checkout, sa.String), sa.literal(raw, sa.Text), sa.literal(source_ip, sa.String)
            ).where(ours),
        )
        .returning(MpesaCallback.id)
    )
    if callback_id is None:
        db.session.rollback()
        log.warning(
            "callback for unknown CheckoutRequestID",
            extra={
                "fields": {
                    "checkout_request_id": result.checkout_request_id,
                    "result_code": result.result_code,
                    "amount": str(result.amount),
                    "receipt": result.receipt,
                    "source_ip": source_ip,
                }
            },
        )
        raise NotFound("Unknown CheckoutRequestID.")
    db.session.commit()
    return callback_id


def apply_callback(callback_id: int) -> str:
    """Apply a stored callback once; duplicates and replays are no-ops."""
    callback = db.session.scalar(
        sa.select(MpesaCallback).where(MpesaCallback.id == callback_id).with_for_update()
    )
    if callback is None or callback.applied_at is not None:
        db.session.rollback()
        return "already applied" if callback else "missing"
    result = parse_stk(json.loads(callback.raw))
    payment = locked_payment(MpesaPayment.checkout_request_id == result.checkout_request_id)
    outcome = "unknown payment" if payment is None else _apply_result(payment, result)
    callback.applied_at = utcnow()
    callback.outcome = outcome
    if outcome in NO_CHANGE:
        db.session.commit()
        return outcome
    touch_sale(payment.sale_id)
    business = payment.business
    db.session.commit()
    changed(business)
    return outcome


def _apply_result(payment: MpesaPayment, result: StkResult) -> str:
    if result.result_code == 0:
        return _apply_success(payment, result)
    return apply_failure(payment, result.result_code, result.result_desc)


def _apply_success(payment: MpesaPayment, result: StkResult) -> str:
    receipt, amount = result.receipt, result.amount
    if payment.status == "paid" and payment.receipt == receipt:
        return "duplicate"
    if amount != payment.amount:
        return to_review(
            payment,
            f"amount mismatch: M-Pesa reports {amount} (receipt {receipt}), expected {payment.amount}",
        )
    if receipt_taken(receipt, payment):
        return to_review(payment, f"receipt {receipt} already belongs to another payment")
    if payment.status == "paid":
        if payment.receipt is None:  # settled earlier by STK query, which carries no receipt
            payment.receipt = receipt
            return "receipt recorded"
        return to_review(payment, f"second success callback with another receipt {receipt}")
    if payment.status != "pending":
        return to_review(
            payment, f"success callback (receipt {receipt}) after the payment was {payment.status}"
        )
    payment.receipt = receipt
    return settle_paid(payment, result.result_desc)


def enqueue_apply(callback_id: int) -> None:
    """Hint a worker to apply a stored callback now; if Redis refuses, the sweep applies it."""
    from ..jobs import apply_stk_callback  # jobs imports this module: resolve the entry point at call time

    try:
        get_queue("payments-high").enqueue(
            apply_stk_callback,
            callback_id,
            job_id=f"stk-callback-{callback_id}",
            result_ttl=0,
            failure_ttl=7 * 24 * 3600,
        )
    except Exception:  # noqa: BLE001 - the stored row is the source of truth
        log.warning("could not enqueue callback %s; the sweep will apply it", callback_id, exc_info=True)

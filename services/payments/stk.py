"""M-Pesa STK push rules: start a push, apply callbacks, reconcile by query, owner review.

Every change takes row locks (callback, then payment, then sale) so duplicate callbacks, the
reconciliation sweep and owner actions serialise per payment; a PAID payment is never downgraded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app

from common.cache import cache_redis, invalidate
from common.db import utcnow
from common.errors import Conflict, DomainError, InvalidInput, NotFound
from common.redis_conn import get_queue

from . import outbox
from .callbacks import StkResult, parse_stk
from .config import MpesaSettings
from .models import MpesaCallback, MpesaPayment, Sale, db, touch_sale
from .mpesa import BEING_PROCESSED, DarajaClient, DarajaError
from .services import mark_sale_paid, phone_or_error

log = logging.getLogger("tomtin.payments.stk")
MAX_AMOUNT = 250_000
# Callbacks stored this long ago and still unapplied lost their job (a Redis blip or a killed worker).
STALE_CALLBACK_SECONDS = 5
SWEEP_BATCH = 20
APPLY_JOB = "payments.jobs.apply_stk_callback"
# Outcomes that leave the payment and its sale as they were: no stamp, no invalidation.
NO_CHANGE = ("duplicate", "ignored", "unknown payment")


class MpesaUnavailable(DomainError):
    status, title = 502, "M-Pesa did not accept the request"


def mpesa_settings() -> MpesaSettings:
    return current_app.extensions["tomtin"]["mpesa"]


def daraja() -> DarajaClient:
    """A client sharing the OAuth token through the cache Redis."""
    return DarajaClient(mpesa_settings(), cache_redis())


def changed(business: str | None) -> None:
    """Invalidate the caches a payment change touches and kick the outbox relay."""
    if business:
        invalidate("sales", business)
    outbox.kick()


# --- push ----------------------------------------------------------------------------------------
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
    try:
        accepted = daraja().stk_push(phone, amount, sale.reference, f"{sale.business} sale")
    except DarajaError as exc:
        db.session.rollback()
        if exc.code == BEING_PROCESSED:
            raise Conflict(
                "M-Pesa could not reach the customer's phone (it is busy with another request); "
                "wait a minute and try again."
            ) from exc
        raise MpesaUnavailable(f"M-Pesa refused the push: {exc.message}") from exc
    now = utcnow()
    payment = MpesaPayment(
        sale_id=sale.id,
        business=sale.business,
        kind="stk",
        status="pending",
        amount=Decimal(amount),
        phone=phone,
        checkout_request_id=accepted.checkout_request_id,
        merchant_request_id=accepted.merchant_request_id,
        account_reference=sale.reference,
        next_query_at=now + dt.timedelta(seconds=mpesa_settings().query_after_seconds),
    )
    db.session.add(payment)
    if sale.status != "pending":
        sale.status = "pending"
        outbox.sale_changed(sale)
    touch_sale(sale.id)
    try:
        db.session.commit()
    except Exception:
        log.error("push %s accepted by Daraja but not stored", accepted.checkout_request_id)
        raise
    changed(sale.business)
    return payment


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


# --- callbacks -----------------------------------------------------------------------------------
def store_callback(result: StkResult, raw: str, source_ip: str | None) -> int:
    """Keep the raw callback of a push we made; NotFound for a CheckoutRequestID we never issued."""
    known = db.session.scalar(
        sa.select(MpesaPayment.id).where(MpesaPayment.checkout_request_id == result.checkout_request_id)
    )
    if known is None:
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
    callback = MpesaCallback(checkout_request_id=result.checkout_request_id, raw=raw, source_ip=source_ip)
    db.session.add(callback)
    db.session.commit()
    return callback.id


def apply_callback(callback_id: int) -> str:
    """Apply a stored callback once; duplicates and replays are no-ops."""
    callback = db.session.scalar(
        sa.select(MpesaCallback).where(MpesaCallback.id == callback_id).with_for_update()
    )
    if callback is None or callback.applied_at is not None:
        db.session.rollback()
        return "already applied" if callback else "missing"
    result = parse_stk(json.loads(callback.raw))
    payment = _locked_payment(MpesaPayment.checkout_request_id == result.checkout_request_id)
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


def _locked_payment(condition: sa.ColumnElement[bool]) -> MpesaPayment | None:
    return db.session.scalar(sa.select(MpesaPayment).where(condition).with_for_update())


def locked_sale(sale_id: int | None) -> Sale | None:
    """The sale row, locked for this transaction."""
    if sale_id is None:
        return None
    return db.session.scalar(sa.select(Sale).where(Sale.id == sale_id).with_for_update())


def _apply_result(payment: MpesaPayment, result: StkResult) -> str:
    if result.result_code == 0:
        return _apply_success(payment, result)
    return _apply_failure(payment, result.result_code, result.result_desc)


def _receipt_taken(receipt: str, payment: MpesaPayment) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(MpesaPayment.id)).where(
                MpesaPayment.receipt == receipt, MpesaPayment.id != payment.id
            )
        )
    )


def _to_review(payment: MpesaPayment, reason: str) -> str:
    """Flag for the owner; a PAID payment keeps its status and only carries the flag."""
    if payment.review_reason == reason[:255]:
        return "duplicate"  # the same conflict again (a resent callback): nothing new to review
    if payment.status != "paid":
        payment.status = "needs_review"
    payment.review_reason = reason[:255]
    payment.resolved_at = None
    log.warning("payment %s needs review: %s", payment.id, reason)
    return "needs review"


def _apply_success(payment: MpesaPayment, result: StkResult) -> str:
    receipt, amount = result.receipt, result.amount
    if payment.status == "paid" and payment.receipt == receipt:
        return "duplicate"
    if amount != payment.amount:
        return _to_review(
            payment,
            f"amount mismatch: M-Pesa reports {amount} (receipt {receipt}), expected {payment.amount}",
        )
    if _receipt_taken(receipt, payment):
        return _to_review(payment, f"receipt {receipt} already belongs to another payment")
    if payment.status == "paid":
        if payment.receipt is None:  # settled earlier by STK query, which carries no receipt
            payment.receipt = receipt
            return "receipt recorded"
        return _to_review(payment, f"second success callback with another receipt {receipt}")
    if payment.status != "pending":
        return _to_review(
            payment, f"success callback (receipt {receipt}) after the payment was {payment.status}"
        )
    payment.receipt = receipt
    return _settle_paid(payment, result.result_desc)


def _settle_paid(payment: MpesaPayment, desc: str) -> str:
    now = utcnow()
    payment.status = "paid"
    payment.result_code = 0
    payment.result_desc = desc[:255]
    payment.paid_at = now
    sale = locked_sale(payment.sale_id)
    if sale is not None and not mark_sale_paid(sale, now):
        _to_review(payment, f"sale {sale.id} was already paid by another payment; refund one")
    return "paid"


def _apply_failure(payment: MpesaPayment, code: int, desc: str) -> str:
    if payment.status == "pending":
        payment.status = "failed"
        payment.result_code = code
        payment.result_desc = desc[:255]
        _fail_sale(payment.sale_id)
        return "failed"
    if payment.status == "failed" and payment.result_code == code:
        return "duplicate"
    if payment.status == "paid":
        return _to_review(payment, f"M-Pesa reported failure {code} for a payment already paid")
    return "ignored"


def _fail_sale(sale_id: int | None) -> None:
    """A pending sale whose push failed becomes failed (the customer may retry a new push)."""
    sale = locked_sale(sale_id)
    pending_push = db.session.scalar(
        sa.select(MpesaPayment.id).where(MpesaPayment.sale_id == sale_id, MpesaPayment.status == "pending")
    )
    if sale is not None and sale.status == "pending" and pending_push is None:
        sale.status = "failed"
        outbox.sale_changed(sale)


# --- reconciliation ------------------------------------------------------------------------------
def reconcile(batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Apply callbacks whose job was lost, then query pushes pending past their due time."""
    cutoff = utcnow() - dt.timedelta(seconds=STALE_CALLBACK_SECONDS)
    stale = db.session.scalars(
        sa.select(MpesaCallback.id)
        .where(MpesaCallback.applied_at.is_(None), MpesaCallback.received_at < cutoff)
        .order_by(MpesaCallback.id)
        .limit(500)
    ).all()
    db.session.rollback()
    for callback_id in stale:
        _isolated(apply_callback, callback_id)
    queried = 0
    for _ in range(batch):
        payment = db.session.scalar(
            sa.select(MpesaPayment)
            .where(MpesaPayment.status == "pending", MpesaPayment.next_query_at <= utcnow())
            .order_by(MpesaPayment.next_query_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if payment is None:
            db.session.rollback()
            break
        _isolated(_query_one, payment)
        queried += 1
    return {"callbacks": len(stale), "queried": queried}


def _isolated(step: Callable[[Any], object], arg: object) -> None:
    """One item's failure is logged and must not stop the sweep for every other payment."""
    try:
        step(arg)
    except Exception:  # noqa: BLE001 - retried on the next sweep
        db.session.rollback()
        log.exception("reconciliation step failed for %s", arg)


def _query_one(payment: MpesaPayment) -> None:
    """One STK query for a locked pending payment; commits what it learns."""
    settings = mpesa_settings()
    try:
        answer = daraja().stk_query(payment.checkout_request_id)
        code, desc = answer.result_code, answer.result_desc
    except DarajaError as exc:
        code, desc = None, exc.message
    if code == 0:
        _settle_paid(payment, desc)
    elif code is not None:
        _apply_failure(payment, code, desc)
    else:
        # "Being processed" or Daraja unreachable: still pending; back off, then give up to review.
        payment.query_attempts += 1
        if payment.query_attempts >= settings.query_max_attempts:
            _to_review(payment, f"no final answer after {payment.query_attempts} queries: {desc}")
        else:
            delay = min(
                settings.query_after_seconds * 2**payment.query_attempts, settings.query_max_backoff_seconds
            )
            payment.next_query_at = utcnow() + dt.timedelta(seconds=delay)
    business = payment.business
    touch_sale(payment.sale_id)
    db.session.commit()
    changed(business)


# --- owner review --------------------------------------------------------------------------------
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


def resolve(
    payment_id: int, action: str, note: str, receipt: str | None, user_id: int, businesses: tuple[str, ...]
) -> MpesaPayment:
    """The owner's decision on a payment under review: paid, failed, or dismiss the flag."""
    payment = _locked_payment(MpesaPayment.id == payment_id)
    if payment is None or payment.business not in businesses:
        raise NotFound(f"No payment {payment_id}.")
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
        if receipt and _receipt_taken(receipt, payment):
            raise Conflict(f"Receipt {receipt} already belongs to another payment.")
        payment.receipt = receipt or payment.receipt
        _settle_paid(payment, "resolved by the owner")
    elif action == "failed":
        payment.status = "failed"
        _fail_sale(payment.sale_id)
    payment.resolved_at = utcnow()
    payment.resolved_by = user_id
    payment.resolution_note = note
    business = payment.business
    touch_sale(payment.sale_id)
    db.session.commit()
    changed(business)
    return payment


def enqueue_apply(callback_id: int) -> None:
    """Hint a worker to apply a stored callback now; if Redis refuses, the sweep applies it."""
    try:
        get_queue("payments-high").enqueue(
            APPLY_JOB,
            callback_id,
            job_id=f"stk-callback-{callback_id}",
            result_ttl=0,
            failure_ttl=7 * 24 * 3600,
        )
    except Exception:  # noqa: BLE001 - the stored row is the source of truth
        log.warning("could not enqueue callback %s; the sweep will apply it", callback_id, exc_info=True)

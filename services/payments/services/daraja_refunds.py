"""M-Pesa refunds through Daraja: a reversal of the sale's receipt or a B2C payment to the customer.

The refund row is stored pending under the sale's lock (so it counts against what can still be
refunded), then Daraja is asked. Its result, a queue timeout or a status query's answer arrives at
our hooks, is stored raw and applied here once: success pays the refund (and only then emits
SaleRefunded), failure frees its amount, a success is never undone. Refunds without a result are
asked about with the transaction status query, backing off, and go to review when none comes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

import sqlalchemy as sa

from common.db import utcnow
from common.errors import Conflict, InvalidInput
from common.phone import InvalidPhone, normalise_phone
from common.redis_conn import get_queue

from ..callbacks import RefundResultBody, parse_refund_result
from ..models import DARAJA_CHANNELS, MpesaPayment, Refund, RefundResult, Sale, db, touch_sale
from ..mpesa import DarajaError
from . import outbox
from .settlement import changed
from .stk import MpesaUnavailable, daraja, mpesa_settings
from .stk_sweep import sweep_step

log = logging.getLogger("tomtin.payments.refunds")
STALE_RESULT_SECONDS = 5
# A result for no known refund is retried this long (its request's answer may still be on the way).
UNKNOWN_WAIT_SECONDS = 60
SWEEP_BATCH = 20
# Outcomes that change nothing: no stamp, no invalidation.
NO_CHANGE = ("duplicate", "unknown refund", "ignored")


def prepare(refund: Refund, sale: Sale, phone: str | None) -> None:
    """Check a Daraja refund against its (locked) sale and fill in whom it pays; 4xx when it cannot be."""
    if sale.method != "mpesa":
        raise Conflict(
            f"Sale {sale.id} was paid in cash: refund it in cash.",
            {"channel": ["Only cash for a cash sale."]},
        )
    if refund.amount != refund.amount.to_integral_value():
        raise InvalidInput(
            "M-Pesa pays back whole shillings only; refund the cents in cash.",
            {"lines": [f"The amount {refund.amount} has cents."]},
        )
    paid = [p for p in sale.payments if p.status == "paid"]
    if refund.channel == "reversal":
        receipts = [p.receipt for p in paid if p.receipt]
        if not receipts:
            raise Conflict(
                f"Sale {sale.id} has no M-Pesa receipt to reverse; send the money by M-Pesa or in cash.",
                {"channel": ["No receipt to reverse."]},
            )
        refund.original_receipt = receipts[-1]
        return
    refund.phone = _phone(phone, paid)
    # B2C v3: the OriginatorConversationID is ours, so a request lost on the way can still be asked about.
    refund.originator_conversation_id = f"tomtin-refund-{uuid.uuid4()}"


def _phone(raw: str | None, paid: list[MpesaPayment]) -> str:
    candidates = [raw] if raw else [p.phone for p in reversed(paid) if p.kind == "stk" and p.phone]
    for candidate in candidates:
        try:
            return normalise_phone(candidate)
        except InvalidPhone:
            if raw:
                raise InvalidInput("Not a Kenyan mobile number.", {"phone": ["Use 07XXXXXXXX."]}) from None
    raise InvalidInput(
        "Which phone should the money go to? This sale's payment did not say.",
        {"phone": ["Give the customer's phone."]},
    )


def send(refund_id: int) -> None:
    """Ask Daraja to pay a stored pending refund back; commits what Daraja answered."""
    refund = db.session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update())
    amount, remarks = int(refund.amount), f"Refund {refund.id} of sale {refund.sale_id}"
    db.session.commit()  # no lock held while Daraja answers
    try:
        if refund.channel == "reversal":
            accepted = daraja().reversal(refund.original_receipt, amount, remarks)
        else:
            accepted = daraja().b2c(refund.originator_conversation_id, refund.phone, amount, remarks)
    except DarajaError as exc:
        _refused(refund_id, exc)
        raise MpesaUnavailable(f"M-Pesa did not take the refund: {exc.message}") from exc
    refund = db.session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update())
    refund.originator_conversation_id = (
        accepted.originator_conversation_id or refund.originator_conversation_id
    )
    refund.conversation_id = accepted.conversation_id
    refund.next_query_at = utcnow() + dt.timedelta(seconds=mpesa_settings().query_after_seconds)
    db.session.commit()


def _refused(refund_id: int, exc: DarajaError) -> None:
    refund = db.session.scalar(sa.select(Refund).where(Refund.id == refund_id).with_for_update())
    if exc.http_status is None and refund.channel == "b2c":
        # No answer at all: Daraja may have taken it; our own id lets the status query tell.
        refund.next_query_at = utcnow()
    elif exc.http_status is None:
        settle(refund, "needs_review", None, None, f"no answer from Daraja: {exc.message}")
    else:
        settle(refund, "failed", exc.code, None, exc.message)
    touch_sale(refund.sale_id)
    db.session.commit()
    changed(refund.business)


def settle(refund: Refund, status: str, code: str | None, receipt: str | None, desc: str) -> None:
    """A Daraja refund's outcome; paid emits SaleRefunded (the goods come back) once."""
    refund.status = status
    refund.result_code = code
    refund.result_desc = desc[:255]
    refund.next_query_at = None
    if status == "paid":
        refund.receipt = receipt
        refund.paid_at = utcnow()
        outbox.refund_paid(refund)  # the goods come back only now, and only once


# --- results ---------------------------------------------------------------------------------
def store_result(kind: str, body: object, raw: str, source_ip: str | None) -> int:
    """Keep a result raw (BadCallback when it is not one); returns its row id."""
    # Stored even before its refund knows Daraja's ids: a fast result can overtake the request's answer.
    result = parse_refund_result(body, status_answer=kind == "status")
    row = RefundResult(
        kind=kind, originator_conversation_id=result.originator_conversation_id, raw=raw, source_ip=source_ip
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def enqueue_apply(result_id: int) -> None:
    """Hint a worker to apply a stored result now; if Redis refuses, the sweep applies it."""
    from ..jobs import apply_refund_result  # jobs imports this module

    try:
        get_queue("payments-high").enqueue(
            apply_refund_result,
            result_id,
            job_id=f"refund-result-{result_id}",
            result_ttl=0,
            failure_ttl=7 * 24 * 3600,
        )
    except Exception:  # noqa: BLE001 - the stored row is the source of truth
        log.warning("could not enqueue refund result %s; the sweep will apply it", result_id, exc_info=True)


def apply_result(result_id: int) -> str:
    """Apply a stored result once; duplicates and results after a success change nothing."""
    row = db.session.scalar(sa.select(RefundResult).where(RefundResult.id == result_id).with_for_update())
    if row is None or row.applied_at is not None:
        db.session.rollback()
        return "already applied" if row else "missing"
    result = parse_refund_result(json.loads(row.raw), status_answer=row.kind == "status")
    refund = db.session.scalar(
        sa.select(Refund)
        .where(Refund.originator_conversation_id == row.originator_conversation_id)
        .with_for_update()
    )
    if refund is None and row.received_at > utcnow() - dt.timedelta(seconds=UNKNOWN_WAIT_SECONDS):
        db.session.rollback()  # its refund may still be storing Daraja's ids: the sweep retries
        return "waiting"
    if refund is None:
        log.warning(
            "refund result for an unknown OriginatorConversationID %s", row.originator_conversation_id
        )
    outcome = "unknown refund" if refund is None else _apply(refund, row.kind, result)
    row.applied_at = utcnow()
    row.outcome = outcome
    if outcome not in NO_CHANGE:
        touch_sale(refund.sale_id)
    business = refund.business if refund is not None else None
    db.session.commit()
    if outcome not in NO_CHANGE:
        changed(business)
    return outcome


def _apply(refund: Refund, kind: str, result: RefundResultBody) -> str:
    if kind == "timeout":
        if refund.status != "pending":
            return "ignored"
        # Stuck in Daraja's queue: the result may still come; ask about it now rather than later.
        refund.next_query_at = utcnow()
        refund.result_desc = f"queue timeout: {result.result_desc}"[:255]
        return "timeout: query due"
    succeeded = result.transaction_status == "Completed" if kind == "status" else result.result_code == "0"
    if refund.status == "paid":
        return "duplicate" if succeeded else "ignored"  # a success is never downgraded
    if succeeded:
        settle(refund, "paid", result.result_code, result.receipt, result.result_desc)
        return "paid"
    if refund.status == "failed":
        return "duplicate"
    settle(refund, "failed", result.result_code, None, result.result_desc)
    return "failed"


# --- the sweep -------------------------------------------------------------------------------
def sweep(batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Apply results whose job was lost, then ask the status of refunds still pending past due."""
    stale, queried = sweep_step(
        RefundResult,
        STALE_RESULT_SECONDS,
        apply_result,
        lambda: (
            sa.select(Refund)
            .where(
                Refund.status == "pending",
                Refund.channel.in_(DARAJA_CHANNELS),
                Refund.next_query_at <= utcnow(),
            )
            .order_by(Refund.next_query_at)
        ),
        _query_one,
        batch,
    )
    return {"results": stale, "queried": queried}


def _query_one(refund: Refund) -> None:
    """One status query for a locked pending refund, backing off; review after the last attempt."""
    settings = mpesa_settings()
    refund.query_attempts += 1
    if refund.query_attempts > settings.query_max_attempts:
        settle(
            refund,
            "needs_review",
            None,
            None,
            f"no result after {settings.query_max_attempts} status queries",
        )
        touch_sale(refund.sale_id)
    else:
        delay = min(
            settings.query_after_seconds * 2**refund.query_attempts, settings.query_max_backoff_seconds
        )
        refund.next_query_at = utcnow() + dt.timedelta(seconds=delay)
        try:
            daraja().transaction_status(refund.originator_conversation_id)
        except DarajaError as exc:  # counted as an attempt; the answer comes to the status hook otherwise
            log.warning("status query for refund %s refused: %s", refund.id, exc.message)
    business = refund.business
    db.session.commit()
    changed(business)

"""The reconciliation sweep: apply callbacks whose job was lost, STK-query pushes left pending."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from common.db import utcnow

from ..models import MpesaCallback, MpesaPayment, db, touch_sale
from ..mpesa import DarajaError
from .settlement import apply_failure, changed, settle_paid, to_review
from .stk import daraja, mpesa_settings
from .stk_callbacks import apply_callback

log = logging.getLogger("tomtin.payments.stk")
# Callbacks stored this long ago and still unapplied lost their job (a Redis blip or a killed worker).
STALE_CALLBACK_SECONDS = 5
SWEEP_BATCH = 20


def reconcile(batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Apply callbacks whose job was lost, then query pushes pending past their due time."""
    stale, queried = sweep_step(
        MpesaCallback,
        STALE_CALLBACK_SECONDS,
        apply_callback,
        lambda: (
            sa.select(MpesaPayment)
            .where(MpesaPayment.status == "pending", MpesaPayment.next_query_at <= utcnow())
            .order_by(MpesaPayment.next_query_at)
        ),
        _query_one,
        batch,
    )
    return {"callbacks": stale, "queried": queried}


def sweep_step(
    raw: Any,
    stale_seconds: int,
    apply: Callable[[int], object],
    due: Callable[[], sa.Select],
    query_one: Callable[[Any], None],
    batch: int,
) -> tuple[int, int]:
    """One sweep over stored raw answers and pending rows (STK pushes, Daraja refunds).

    First the `raw` rows (callbacks, refund results) stored `stale_seconds` ago and still
    unapplied, whose job was lost: each applied. Then up to `batch` rows of `due()` (a query
    built anew each time, as "due" moves with the clock), each locked with SKIP LOCKED so two
    sweeps never ask about the same one, and handed to `query_one`. Each step is isolated.
    Returns (raw rows applied, rows queried).
    """
    cutoff = utcnow() - dt.timedelta(seconds=stale_seconds)
    stale = db.session.scalars(
        sa.select(raw.id)
        .where(raw.applied_at.is_(None), raw.received_at < cutoff)
        .order_by(raw.id)
        .limit(500)
    ).all()
    db.session.rollback()
    for row_id in stale:
        isolated(apply, row_id)
    queried = 0
    for _ in range(batch):
        row = db.session.scalar(due().limit(1).with_for_update(skip_locked=True))
        if row is None:
            db.session.rollback()
            break
        isolated(query_one, row)
        queried += 1
    return len(stale), queried


def isolated(step: Callable[[Any], object], arg: object) -> None:
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
        settle_paid(payment, desc)
    elif code is not None:
        apply_failure(payment, code, desc)
    else:
        # "Being processed" or Daraja unreachable: still pending; back off, then give up to review.
        payment.query_attempts += 1
        if payment.query_attempts >= settings.query_max_attempts:
            to_review(payment, f"no final answer after {payment.query_attempts} queries: {desc}")
        else:
            delay = min(
                settings.query_after_seconds * 2**payment.query_attempts, settings.query_max_backoff_seconds
            )
            payment.next_query_at = utcnow() + dt.timedelta(seconds=delay)
    business = payment.business
    touch_sale(payment.sale_id)
    db.session.commit()
    changed(business)

"""Callback storms through the real gateway: duplicates, concurrency, and a worker killed mid-apply."""

import concurrent.futures
import json
import random
import signal
import threading
import time
from decimal import Decimal

import pytest
import requests
import sqlalchemy as sa

from payments.models import MpesaCallback, MpesaPayment, OutboxEvent, Sale
from payments.models import db as payments_db
from support.env import MPESA_WEBHOOK_SECRET
from support.mpesa_data import seed_pending_pushes

pytestmark = pytest.mark.e2e


def _pending_payments(app_for, count: int) -> list[tuple[str, int, str]]:
    """`count` M-Pesa sales with a PENDING push each (amounts 101..); returns (checkout, amount, receipt)."""
    with app_for("payments").app_context():
        pushes = seed_pending_pushes(count)
    return [(checkout, amount, f"R{n:09d}") for n, (checkout, amount) in enumerate(pushes)]


def _body(checkout: str, amount: int, receipt: str) -> str:
    return json.dumps(
        {
            "Body": {
                "stkCallback": {
                    "MerchantRequestID": "m-1",
                    "CheckoutRequestID": checkout,
                    "ResultCode": 0,
                    "ResultDesc": "The service request is processed successfully.",
                    "CallbackMetadata": {
                        "Item": [
                            {"Name": "Amount", "Value": amount},
                            {"Name": "MpesaReceiptNumber", "Value": receipt},
                            {"Name": "Balance"},
                            {"Name": "PhoneNumber", "Value": 254712345678},
                        ]
                    },
                }
            }
        }
    )


def _hook_url(stack) -> str:
    # Straight to payments' own port: the gateway rate-limits /hooks/ (50 r/s, burst 100), and this
    # storm is about payments' idempotency, not the gateway's limits.
    return f"http://127.0.0.1:{stack.port('payments')}/hooks/mpesa/{MPESA_WEBHOOK_SECRET}/stk"


def _post_all(url: str, bodies: list[str], threads: int = 20) -> list[int]:
    local = threading.local()

    def post(body: str) -> int:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=30
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(post, bodies))


def _wait_applied(app_for, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app_for("payments").app_context():
            applied = payments_db.session.scalar(
                sa.select(sa.func.count()).where(MpesaCallback.applied_at.is_not(None))
            )
        if applied == expected:
            return
        time.sleep(0.3)
    pytest.fail(f"only {applied} of {expected} callbacks applied")


def _assert_each_paid_once(app_for, payments: list[tuple[str, int, str]]) -> None:
    with app_for("payments").app_context():
        session = payments_db.session
        rows = session.execute(
            sa.select(MpesaPayment.status, MpesaPayment.amount, MpesaPayment.receipt)
        ).all()
        assert {r.status for r in rows} == {"paid"}
        assert sum(r.amount for r in rows) == sum(Decimal(a) for _, a, _ in payments)
        assert sorted(r.receipt for r in rows) == sorted(r for _, _, r in payments)
        assert session.scalar(sa.select(sa.func.count()).where(Sale.status == "paid")) == len(payments)
        assert session.scalar(sa.select(sa.func.count()).where(MpesaCallback.outcome == "paid")) == len(
            payments
        )
        stock_events = session.scalar(sa.select(sa.func.count()).where(OutboxEvent.event == "sale_paid"))
        assert stock_events == len(payments)


def test_a_thousand_shuffled_duplicated_callbacks_apply_each_payment_once(stack, app_for):
    payments = _pending_payments(app_for, 100)
    bodies = [_body(*p) for p in payments for _ in range(10)]
    random.Random(4).shuffle(bodies)
    statuses = _post_all(_hook_url(stack), bodies)
    assert statuses == [200] * 1000
    _wait_applied(app_for, 1000, 90)
    _assert_each_paid_once(app_for, payments)


def test_killing_the_worker_mid_apply_loses_and_doubles_nothing(stack, app_for):
    """Deterministic: the test holds one payment's row lock, so the worker is stuck INSIDE an apply
    (its transaction open, the callback row locked) when it is killed with SIGKILL."""
    from support.env import admin_url

    payments = _pending_payments(app_for, 40)
    bodies = [_body(*p) for p in payments for _ in range(5)]
    random.Random(7).shuffle(bodies)
    blocker = sa.create_engine(admin_url(), poolclass=sa.pool.NullPool).connect()
    try:
        blocker.execute(
            sa.text("SELECT id FROM payments.mpesa_payments WHERE checkout_request_id = :c FOR UPDATE"),
            {"c": payments[0][0]},
        )
        assert _post_all(_hook_url(stack), bodies) == [200] * len(bodies)
        waiting = sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        deadline = time.monotonic() + 20
        while not blocker.execute(waiting).scalar():
            assert time.monotonic() < deadline, "the worker never reached the locked payment"
            time.sleep(0.05)
        stack.stop_process("worker", signal.SIGKILL)
    finally:
        blocker.rollback()
        blocker.close()
    with app_for("payments").app_context():
        stuck = payments_db.session.scalar(
            sa.select(sa.func.count()).where(
                MpesaCallback.checkout_request_id == payments[0][0], MpesaCallback.applied_at.is_not(None)
            )
        )
    assert stuck == 0  # the killed apply committed nothing
    stack.start_process("worker")
    _wait_applied(app_for, len(bodies), 60)
    _assert_each_paid_once(app_for, payments)

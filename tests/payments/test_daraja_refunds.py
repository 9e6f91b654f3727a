"""M-Pesa refunds through Daraja on real PostgreSQL and Redis, with the Daraja simulator posting its
results over HTTP to the payments app: every outcome of reversal and B2C ends in the right state
exactly once, pending refunds count against the sale, bad input changes nothing."""

from __future__ import annotations

import dataclasses
import time
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from payments import jobs
from payments.models import MpesaPayment, OutboxEvent, Refund, RefundResult, Sale, SaleLine, db
from support.jobs import run_queued
from support.problems import assert_problem

from .conftest import Sim
from .test_undo import _at_once

PHONE = "254712345678"


class Served:
    """The payments app over real HTTP (Daraja's results come here), in a thread."""

    def __init__(self, app) -> None:
        import threading

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def fast_sim():
    running = Sim(
        {
            "SIM_CONSUMER_KEY": "sim-key",
            "SIM_CONSUMER_SECRET": "sim-secret",
            "SIM_CALLBACK_DELAY_SECONDS": 0.2,
            "SIM_PROCESSING_SECONDS": 0.2,
            "SIM_LATE_CALLBACK_SECONDS": 4,
        }
    )
    yield running
    running.stop()


@pytest.fixture
def live(app, fast_sim):
    """payments calls the simulator, which posts results back to payments served over HTTP."""
    served = Served(app)
    ext = app.extensions["tomtin"]
    original = ext["mpesa"]
    ext["mpesa"] = dataclasses.replace(
        original,
        base_url=fast_sim.url,
        callback_base_url=served.url,
        query_after_seconds=600,  # the sweep only asks when a test makes a refund due
        query_max_backoff_seconds=1,
    )
    fast_sim.app.test_client().post("/simulator/reset")
    yield fast_sim
    ext["mpesa"] = original
    served.server.shutdown()


def _paid_mpesa_sale(app, products, amount: str, phone: str = PHONE, receipt: str | None = "") -> int:
    """A paid M-Pesa sale of one line at `amount` (its last digits choose the reversal outcome)."""
    with app.app_context():
        sale = Sale(
            idempotency_key=uuid.uuid4(),
            business="water",
            method="mpesa",
            status="paid",
            total=Decimal(amount),
        )
        sale.lines.append(
            SaleLine(
                product_id=products["B20"],
                name="Bottle 20 L",
                quantity=Decimal("1"),
                unit_price=Decimal(amount),
                line_total=Decimal(amount),
            )
        )
        payment = MpesaPayment(
            sale=sale,
            business="water",
            kind="stk",
            status="paid",
            amount=sale.total,
            phone=phone,
            checkout_request_id=f"ws_CO_{uuid.uuid4().hex[:20]}",
            merchant_request_id="m-1",
            receipt=(receipt if receipt != "" else f"S{uuid.uuid4().hex[:9].upper()}") or None,
        )
        db.session.add_all([sale, payment])
        db.session.commit()
        return sale.id


def _refund(client, auth, sale_id: int, channel: str, key=None, **extra):
    return client.post(
        f"/api/payments/sales/{sale_id}/refunds",
        json={"channel": channel, "reason": "customer returned it", **extra},
        headers={**auth(), "Idempotency-Key": str(key or uuid.uuid4())},
    )


def _state(app, refund_id: int) -> Refund:
    with app.app_context():
        refund = db.session.get(Refund, refund_id)
        db.session.expunge(refund)
        return refund


def _refunded_events(app, refund_id: int) -> int:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.event == "sale_refunded")).all()
        return sum(1 for row in rows if row.payload.get("refund_id") == refund_id)


def _settled(app, refund_id: int, sweep: bool = False, timeout: float = 15) -> Refund:
    """Work the queues (and the sweep, making the refund due) until the refund leaves pending."""
    if sweep:
        with app.app_context():
            db.session.execute(
                sa.update(Refund).where(Refund.id == refund_id).values(next_query_at=sa.func.now())
            )
            db.session.commit()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sweep:
            with app.app_context():
                jobs.sweep_refunds()
        run_queued()
        refund = _state(app, refund_id)
        if refund.status != "pending":
            return refund
        time.sleep(0.2)
    return refund


def _results_applied(app, refund_id: int, count: int, timeout: float = 10) -> list[str]:
    """Wait until `count` results for the refund were stored and applied; their outcomes."""
    deadline = time.monotonic() + timeout
    outcomes: list[str | None] = []
    while time.monotonic() < deadline:
        run_queued()
        with app.app_context():
            originator = db.session.get(Refund, refund_id).originator_conversation_id
            outcomes = list(
                db.session.scalars(
                    sa.select(RefundResult.outcome)
                    .where(RefundResult.originator_conversation_id == originator)
                    .order_by(RefundResult.id)
                )
            )
        if len(outcomes) >= count and None not in outcomes:
            return outcomes
        time.sleep(0.2)
    return outcomes


@pytest.mark.parametrize(
    ("channel", "amount", "phone", "status", "code"),
    [
        ("reversal", "1450", PHONE, "paid", "0"),
        ("reversal", "1001", PHONE, "failed", "R000001"),
        ("reversal", "1002", PHONE, "failed", "R000002"),
        ("b2c", "450", PHONE, "paid", "0"),
        ("b2c", "450", "254712345001", "failed", "1"),
        ("b2c", "450", "254712345204", "failed", "2040"),
        ("b2c", "450", "254712345806", "failed", "8006"),
    ],
)
def test_each_result_settles_the_refund_once(
    app, client, auth, products, live, channel, amount, phone, status, code
):
    sale_id = _paid_mpesa_sale(app, products, amount, phone=phone)
    response = _refund(client, auth, sale_id, channel)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending" and body["amount"] == f"{amount}.00"
    refund = _settled(app, body["id"])
    assert (refund.status, refund.result_code) == (status, code)
    assert _refunded_events(app, refund.id) == (1 if status == "paid" else 0)
    if status == "paid":
        assert refund.receipt and refund.paid_at is not None
    sale = client.get(f"/api/payments/sales/{sale_id}", headers=auth()).get_json()
    assert Decimal(sale["refunded"]) == (Decimal(amount) if status == "paid" else 0)


@pytest.mark.parametrize(
    ("channel", "amount", "phone"), [("reversal", "1910", PHONE), ("b2c", "450", "254712345910")]
)
def test_a_result_posted_three_times_pays_once(app, client, auth, products, live, channel, amount, phone):
    sale_id = _paid_mpesa_sale(app, products, amount, phone=phone)
    refund_id = _refund(client, auth, sale_id, channel).get_json()["id"]
    assert _results_applied(app, refund_id, 3) == ["paid", "duplicate", "duplicate"]
    assert _state(app, refund_id).status == "paid"
    assert _refunded_events(app, refund_id) == 1


@pytest.mark.parametrize(
    ("channel", "amount", "phone"), [("reversal", "1900", PHONE), ("b2c", "450", "254712345900")]
)
def test_no_result_is_settled_by_the_status_query(app, client, auth, products, live, channel, amount, phone):
    sale_id = _paid_mpesa_sale(app, products, amount, phone=phone)
    refund_id = _refund(client, auth, sale_id, channel).get_json()["id"]
    time.sleep(0.5)
    run_queued()
    assert _state(app, refund_id).status == "pending"  # no result came
    refund = _settled(app, refund_id, sweep=True)
    assert refund.status == "paid" and refund.receipt
    assert _refunded_events(app, refund_id) == 1


@pytest.mark.parametrize(
    ("channel", "amount", "phone"), [("reversal", "1930", PHONE), ("b2c", "450", "254712345930")]
)
def test_queue_timeout_then_late_result_pays_once(app, client, auth, products, live, channel, amount, phone):
    sale_id = _paid_mpesa_sale(app, products, amount, phone=phone)
    refund_id = _refund(client, auth, sale_id, channel).get_json()["id"]
    assert _results_applied(app, refund_id, 1)[0] == "timeout: query due"
    refund = _state(app, refund_id)
    assert refund.status == "pending" and refund.next_query_at is not None
    # The sweep's status query settles it; the late result that follows is a duplicate.
    assert _settled(app, refund_id, sweep=True).status == "paid"
    # timeout, status answer(s), the late result: paid once, everything after it a duplicate.
    outcomes = _results_applied(app, refund_id, 3)
    assert outcomes[0] == "timeout: query due" and outcomes.count("paid") == 1, outcomes
    assert set(outcomes[outcomes.index("paid") + 1 :]) == {"duplicate"}, outcomes
    assert _refunded_events(app, refund_id) == 1


def test_a_failure_after_a_success_changes_nothing(app, client, auth, products, live):
    from payments.services import daraja_refunds

    sale_id = _paid_mpesa_sale(app, products, "450")
    refund_id = _refund(client, auth, sale_id, "b2c").get_json()["id"]
    assert _settled(app, refund_id).status == "paid"
    refund = _state(app, refund_id)
    failure = {
        "Result": {
            "ResultType": 0,
            "ResultCode": 1,
            "ResultDesc": "The balance is insufficient for the transaction.",
            "OriginatorConversationID": refund.originator_conversation_id,
            "ConversationID": refund.conversation_id,
            "TransactionID": "X",
        }
    }
    with app.app_context():
        import json

        result_id = daraja_refunds.store_result("result", failure, json.dumps(failure), None)
        assert daraja_refunds.apply_result(result_id) == "ignored"
        assert daraja_refunds.apply_result(result_id) == "already applied"
    assert _state(app, refund_id).status == "paid"
    assert _refunded_events(app, refund_id) == 1


def test_no_answer_at_all_goes_to_review_after_the_last_query(app, client, auth, products, live):
    sale_id = _paid_mpesa_sale(app, products, "450")
    refund_id = _refund(client, auth, sale_id, "b2c").get_json()["id"]
    assert _settled(app, refund_id).status == "paid"
    # A refund Daraja never heard of: its status queries are refused until it goes to review.
    with app.app_context():
        db.session.execute(
            sa.update(Refund)
            .where(Refund.id == refund_id)
            .values(status="pending", originator_conversation_id="tomtin-refund-never-sent", paid_at=None)
        )
        db.session.commit()
    refund = _settled(app, refund_id, sweep=True)
    assert refund.status == "needs_review" and "status queries" in refund.result_desc
    sale = client.get(f"/api/payments/sales/{sale_id}", headers=auth()).get_json()
    assert Decimal(sale["refunded"]) == Decimal("450")  # still held: it may have been paid


def test_concurrent_refunds_with_a_pending_daraja_one_never_exceed_the_sale(app, auth, products, live):
    sale_id = _paid_mpesa_sale(app, products, "1900")  # reversal 900: no result, stays pending
    headers = auth()

    def call(channel):
        def run():
            with app.test_client() as c:
                r = c.post(
                    f"/api/payments/sales/{sale_id}/refunds",
                    json={"channel": channel, "reason": "returned"},
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                )
                return r.status_code

        return run

    codes = sorted(_at_once([call("reversal"), call("cash"), call("b2c")]))
    assert codes == [201, 409, 409]
    with app.app_context():
        total = db.session.scalar(
            sa.select(sa.func.sum(Refund.amount)).where(Refund.sale_id == sale_id, Refund.status != "failed")
        )
    assert total == Decimal("1900.00")


def test_a_failed_daraja_refund_frees_its_amount(app, client, auth, products, live):
    sale_id = _paid_mpesa_sale(app, products, "1001")  # already reversed
    refund_id = _refund(client, auth, sale_id, "reversal").get_json()["id"]
    assert _settled(app, refund_id).status == "failed"
    again = _refund(client, auth, sale_id, "cash")
    assert again.status_code == 201 and again.get_json()["amount"] == "1001.00"


def test_bad_daraja_refunds_are_refused_and_change_nothing(app, client, auth, products, post_sale, live):
    cash_sale = post_sale(lines=[{"product_id": products["B20"], "quantity": "1"}]).get_json()["id"]
    no_receipt = _paid_mpesa_sale(app, products, "450", receipt=None)
    cents = _paid_mpesa_sale(app, products, "450.50")
    cases = [
        (cash_sale, "b2c", {}, 409),
        (cash_sale, "reversal", {}, 409),
        (no_receipt, "reversal", {}, 409),
        (no_receipt, "b2c", {"phone": "12345"}, 422),
        (cents, "b2c", {}, 422),
        (no_receipt, "paypal", {}, 422),
        (2**63, "b2c", {}, 404),
    ]
    for sale_id, channel, extra, status in cases:
        response = _refund(client, auth, sale_id, channel, **extra)
        assert_problem(response, status)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0
    assert live.app.test_client().get("/simulator/transfers").get_json()["transfers"] == []


def test_a_replay_answers_the_first_body_and_sends_once(app, client, auth, products, live):
    sale_id = _paid_mpesa_sale(app, products, "450")
    key = uuid.uuid4()
    first = _refund(client, auth, sale_id, "b2c", key=key).get_json()
    again = _refund(client, auth, sale_id, "b2c", key=key).get_json()
    assert again == first and first["phone"] == PHONE
    assert len(live.app.test_client().get("/simulator/transfers").get_json()["transfers"]) == 1


def test_result_hooks_refuse_a_wrong_secret_and_bad_bodies(client):
    from .conftest import HOOK

    assert (
        client.post("/hooks/mpesa/wrong-secret-000000/refund/result", json={"Result": {}}).status_code == 404
    )
    for path in ("result", "timeout", "status"):
        assert_problem(client.post(f"{HOOK}/refund/{path}", json={"Result": "x"}), 422)

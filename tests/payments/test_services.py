"""payments rules against the real simulator (served in a thread): push, apply rules, sweep, review."""

import datetime as dt
import json
import time
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from common.auth import Principal
from common.errors import Conflict, InvalidInput
from payments.callbacks import parse_stk
from payments.models import MpesaCallback, MpesaPayment, OutboxEvent, Sale, db
from payments.mpesa import TOKEN_KEY, password, timestamp
from payments.services import review, stk, stk_callbacks, stk_sweep
from payments.services.sales import record_sale
from support.businesses import BUSINESSES

from .conftest import HOOK, stk_body

OWNER = Principal(1, "owner", "owner", BUSINESSES, "t", dt.datetime.now(dt.UTC))


def _mpesa_sale(products, quantity="1") -> int:
    return record_sale("water", uuid.uuid4(), "mpesa", [(products["B20"], Decimal(quantity))])["id"]


def _apply(payment: MpesaPayment, body: dict) -> str:
    locked = db.session.scalar(sa.select(MpesaPayment).where(MpesaPayment.id == payment.id).with_for_update())
    outcome = stk_callbacks._apply_result(locked, parse_stk(body))
    db.session.commit()
    return outcome


def _settle_by_sweep(payment_id: int, timeout: float = 10) -> MpesaPayment:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.execute(
            sa.update(MpesaPayment).where(MpesaPayment.id == payment_id).values(next_query_at=sa.func.now())
        )
        db.session.commit()
        stk_sweep.reconcile()
        payment = db.session.get(MpesaPayment, payment_id)
        db.session.refresh(payment)
        if payment.status != "pending":
            return payment
        time.sleep(0.2)
    return payment


def test_password_uses_one_nairobi_timestamp():
    import datetime as dt

    stamp = timestamp(dt.datetime(2026, 1, 1, 21, 30, tzinfo=dt.UTC))
    assert stamp == "20260102003000"
    assert password("174379", "key", stamp) == "MTc0Mzc5a2V5MjAyNjAxMDIwMDMwMDA="


def test_push_creates_one_pending_payment_and_shares_the_token(app, daraja, products):
    with app.app_context():
        sale_id = _mpesa_sale(products)
        payment = stk.start_push(sale_id, "0712345678", BUSINESSES)
        assert payment.status == "pending" and payment.checkout_request_id.startswith("ws_CO_")
        assert payment.amount == Decimal("450.00") and payment.phone == "254712345678"
        with pytest.raises(Conflict):
            stk.start_push(sale_id, "0712345678", BUSINESSES)  # one active push per sale
        from common.cache import cache_redis

        assert cache_redis().get(TOKEN_KEY)
    [push] = daraja.app.test_client().get("/simulator/pushes").get_json()["pushes"]
    assert push["account_reference"] == f"TT{sale_id}"


def test_expired_token_is_refreshed(app, daraja, products):
    with app.app_context():
        stk.start_push(_mpesa_sale(products), "0712345678", BUSINESSES)
        daraja.app.test_client().post("/simulator/expire-tokens")
        assert stk.start_push(_mpesa_sale(products), "0712345679", BUSINESSES).status == "pending"


def test_refused_push_and_bad_phone_record_nothing(app, daraja, products):
    with app.app_context():
        sale_id = _mpesa_sale(products)
        with pytest.raises(Conflict):
            stk.start_push(sale_id, "0712345500", BUSINESSES)  # simulator: subscriber locked
        with pytest.raises(InvalidInput):
            stk.start_push(sale_id, "12345", BUSINESSES)
        assert db.session.scalar(sa.select(sa.func.count(MpesaPayment.id))) == 0
    assert daraja.app.test_client().get("/simulator/pushes").get_json()["pushes"] == []


@pytest.mark.parametrize(
    ("phone", "payment_status", "sale_status"),
    [
        ("0712345900", "paid", "paid"),
        ("0712345902", "failed", "failed"),
        ("0712345901", "needs_review", "pending"),
    ],
)
def test_sweep_settles_pushes_whose_callback_never_comes(
    app, daraja, products, phone, payment_status, sale_status
):
    with app.app_context():
        sale_id = _mpesa_sale(products)
        payment = stk.start_push(sale_id, phone, BUSINESSES)
        settled = _settle_by_sweep(payment.id)
        assert settled.status == payment_status
        assert db.session.get(Sale, sale_id).status == sale_status
        if payment_status == "needs_review":
            assert settled.query_attempts == 4 and "no final answer" in settled.review_reason


def test_amount_mismatch_goes_to_review_and_pays_nothing(app, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    with app.app_context():
        payment = db.session.get(MpesaPayment, payment_id)
        assert _apply(payment, stk_body(checkout, amount=901)) == "needs review"
        assert _apply(payment, stk_body(checkout, amount=901)) == "duplicate"  # resent: nothing new
        assert payment.status == "needs_review" and "amount mismatch" in payment.review_reason
        assert db.session.get(Sale, sale_id).status == "pending"
        assert db.session.scalar(sa.select(sa.func.count(OutboxEvent.id))) == 0


def test_later_success_callbacks_keep_the_first_review_reason_and_every_callback(
    app, client, pending_payment
):
    sale_id, payment_id, checkout = pending_payment()
    bodies = [
        json.dumps(stk_body(checkout, amount=901, receipt="NLJ7RT61SA")),
        json.dumps(stk_body(checkout, amount=900, receipt="NLJ7RT61SB")),
        json.dumps(stk_body(checkout, amount=900, receipt="NLJ7RT61SC")),
    ]
    for body in bodies:
        assert client.post(f"{HOOK}/stk", data=body, content_type="application/json").status_code == 200
    with app.app_context():
        stored = db.session.scalars(sa.select(MpesaCallback).order_by(MpesaCallback.id)).all()
        outcomes = [stk_callbacks.apply_callback(callback.id) for callback in stored]
        assert outcomes == ["needs review", "already under review", "already under review"]
        payment = db.session.get(MpesaPayment, payment_id)
        assert payment.status == "needs_review"
        assert payment.review_reason.startswith("amount mismatch: M-Pesa reports 901")
        assert [
            c.raw for c in db.session.scalars(sa.select(MpesaCallback).order_by(MpesaCallback.id))
        ] == bodies
        assert db.session.get(Sale, sale_id).status == "pending"


def test_paid_is_never_downgraded_and_conflicts_are_flagged(app, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    with app.app_context():
        payment = db.session.get(MpesaPayment, payment_id)
        assert _apply(payment, stk_body(checkout)) == "paid"
        assert _apply(payment, stk_body(checkout, code=1032)) == "needs review"
        assert payment.status == "paid" and payment.receipt == "NLJ7RT61SV"
        assert [p.id for p in review.review_list(BUSINESSES)] == [payment_id]
        with pytest.raises(Conflict):
            review.resolve(payment_id, "failed", "customer says no", None, OWNER)
        review.resolve(payment_id, "dismiss", "checked the statement", None, OWNER)
        assert review.review_list(BUSINESSES) == []


def test_failure_then_a_new_push_is_allowed(app, daraja, products):
    with app.app_context():
        sale_id = _mpesa_sale(products)
        first = stk.start_push(sale_id, "0712345032", BUSINESSES)
        assert _apply(first, stk_body(first.checkout_request_id, code=1032)) == "failed"
        assert db.session.get(Sale, sale_id).status == "failed"
        second = stk.start_push(sale_id, "0712345678", BUSINESSES)
        assert second.status == "pending" and db.session.get(Sale, sale_id).status == "pending"
        assert _apply(second, stk_body(second.checkout_request_id, amount=450)) == "paid"
        assert db.session.get(Sale, sale_id).status == "paid"
        with pytest.raises(Conflict):
            stk.start_push(sale_id, "0712345678", BUSINESSES)


def test_owner_resolves_a_review_as_paid_and_the_sale_emits_its_event(app, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    with app.app_context():
        _apply(db.session.get(MpesaPayment, payment_id), stk_body(checkout, amount=5))
        review.resolve(payment_id, "paid", "customer showed the SMS", "QWE123RTY", OWNER)
        payment = db.session.get(MpesaPayment, payment_id)
        assert (payment.status, payment.receipt, payment.resolution_note) == (
            "paid",
            "QWE123RTY",
            "customer showed the SMS",
        )
        assert db.session.get(Sale, sale_id).status == "paid"
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxEvent.event == "sale_paid")) == 1


def test_review_and_status_endpoints(app, client, auth, pending_payment):
    _, payment_id, checkout = pending_payment()
    status = client.get(f"/api/payments/mpesa/{payment_id}", headers=auth())
    assert status.get_json()["poll_after_ms"] == 2500 and status.headers["X-Poll-Interval"] == "2.5"
    with app.app_context():
        _apply(db.session.get(MpesaPayment, payment_id), stk_body(checkout, amount=5))
    settled = client.get(f"/api/payments/mpesa/{payment_id}", headers=auth()).get_json()
    assert settled["poll_after_ms"] == 15000 and settled["status"] == "needs_review"
    assert (
        client.get("/api/payments/businesses/all/review", headers=auth()).get_json()["items"][0]["id"]
        == payment_id
    )
    assert client.get("/api/payments/businesses/water/review", headers=auth("staff")).status_code == 403
    bad = client.post(
        f"/api/payments/mpesa/{payment_id}/resolve", json={"action": "refund", "note": "x"}, headers=auth()
    )
    assert bad.status_code == 422
    done = client.post(
        f"/api/payments/mpesa/{payment_id}/resolve",
        json={"action": "failed", "note": "no money"},
        headers=auth(),
    )
    assert done.status_code == 200 and done.get_json()["status"] == "failed"


def test_demo_loads_cash_sales_and_a_laundry_order_once(app):
    from inventory import demo as inventory_demo
    from payments import demo

    inventory_demo.load()
    demo.load()
    demo.load()
    with app.app_context():
        sales = db.session.scalars(sa.select(Sale)).all()
        assert len(sales) == len(demo.DEMO_SALES)
        assert {s.status for s in sales} == {"paid"}
        assert [s.order_status for s in sales if s.business == "laundry"] == ["received"]


def test_reporting_reads_the_published_views(app, pending_payment):
    from support.env import service_environment

    pending_payment()
    reader = sa.create_engine(service_environment()["REPORTING_DATABASE_URL"], poolclass=sa.pool.NullPool)
    with reader.connect() as conn:
        sale = conn.execute(
            sa.text("SELECT id, status, total, order_status, paid_at FROM payments.v_sales")
        ).one()
        payment = conn.execute(
            sa.text(
                "SELECT sale_id, kind, status, amount, receipt, result_code FROM payments.v_mpesa_payments"
            )
        ).one()
        with pytest.raises(sa.exc.ProgrammingError):
            conn.execute(sa.text("SELECT raw FROM payments.mpesa_callbacks"))
    reader.dispose()
    assert (sale.status, payment.sale_id, payment.kind, payment.status) == (
        "pending",
        sale.id,
        "stk",
        "pending",
    )

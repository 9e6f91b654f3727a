"""payments jobs run in-process: the outbox relay (and a Redis outage), callback apply, the sweep."""

import uuid
from decimal import Decimal

import sqlalchemy as sa
from contracts import SaleChanged, SalePaid, SoldLine, open_envelope
from redis import Redis

from common.dispatch import deliver
from payments import jobs
from payments.models import MpesaCallback, MpesaPayment, OutboxEvent, Sale, SaleLine, db
from payments.services.sales import record_sale
from support.jobs import queued as _queued

from .conftest import post_callback, stk_body


def test_relay_sends_typed_events_to_the_dispatcher_and_marks_sent(app, products):
    with app.app_context():
        body = record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("2"))])
        assert jobs.relay_outbox() == 2
        assert jobs.relay_outbox() == 0  # nothing sent twice
        assert db.session.scalar(sa.select(sa.func.count()).where(OutboxEvent.sent_at.is_(None))) == 0
        [line_id] = db.session.scalars(sa.select(SaleLine.id).where(SaleLine.sale_id == body["id"])).all()
    [stock] = _queued("default")
    assert stock.func is deliver
    delivery = open_envelope(stock.args[0])
    assert delivery.producer == "payments" and delivery.event == SalePaid(
        body["id"], "water", (SoldLine(line_id, products["B20"], Decimal("2.000")),)
    )
    [report] = _queued("reporting")
    event = open_envelope(report.args[0]).event
    assert isinstance(event, SaleChanged) and (event.sale_id, event.business) == (body["id"], "water")


def test_redis_outage_delays_events_and_never_loses_them(app, products):
    ext = app.extensions["tomtin"]
    healthy = ext.get("queue_redis")
    ext["queue_redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        with app.app_context():
            body = record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
            assert body["status"] == "paid"  # the sale is recorded although Redis is down
            assert jobs.relay_outbox() == 0
            unsent = db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.sent_at.is_(None))).all()
            assert len(unsent) == 2 and unsent[0].attempts == 1
    finally:
        ext["queue_redis"] = healthy
    with app.app_context():
        assert jobs.relay_outbox() == 2
    assert [open_envelope(j.args[0]).event.sale_id for j in _queued("default")] == [body["id"]]


def test_paid_sale_moves_stock_exactly_once_through_inventory(app, app_for, products):
    from inventory import jobs as inventory_jobs
    from inventory.models import Product

    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("3"))])
        jobs.relay_outbox()
    [job] = _queued("default")
    event = open_envelope(job.args[0]).event
    inventory_jobs.apply_sale_movements(event)
    inventory_jobs.apply_sale_movements(event)  # a re-sent event
    with app_for("inventory").app_context():
        from inventory.models import db as inventory_db

        assert inventory_db.session.get(Product, products["B20"]).stock_level == Decimal("21.000")


def test_apply_job_is_idempotent_and_pays_the_sale_once(app, client, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    for _ in range(3):
        assert post_callback(client, stk_body(checkout)).get_json() == {
            "ResultCode": 0,
            "ResultDesc": "Accepted",
        }
    with app.app_context():
        ids = db.session.scalars(sa.select(MpesaCallback.id).order_by(MpesaCallback.id)).all()
        outcomes = [jobs.apply_stk_callback(i) for i in ids] + [jobs.apply_stk_callback(ids[0])]
        assert outcomes == ["paid", "duplicate", "duplicate", "already applied"]
        payment, sale = db.session.get(MpesaPayment, payment_id), db.session.get(Sale, sale_id)
        assert (payment.status, payment.receipt, sale.status) == ("paid", "NLJ7RT61SV", "paid")
        stock_events = db.session.scalar(sa.select(sa.func.count()).where(OutboxEvent.event == "sale_paid"))
        assert stock_events == 1
    apply_jobs = [j for j in _queued("payments-high") if j.func is jobs.apply_stk_callback]
    assert len(apply_jobs) == 3


def test_sweep_applies_callbacks_whose_job_was_lost(app, client, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    post_callback(client, stk_body(checkout))
    with app.app_context():
        db.session.execute(
            sa.update(MpesaCallback).values(received_at=sa.func.now() - sa.text("interval '1 minute'"))
        )
        db.session.commit()
        assert jobs.reconcile()["callbacks"] == 1
        assert db.session.get(MpesaPayment, payment_id).status == "paid"
        assert jobs.reconcile()["callbacks"] == 0


def test_callback_during_a_redis_outage_is_kept_and_applied_by_the_sweep(app, client, pending_payment):
    sale_id, payment_id, checkout = pending_payment()
    ext = app.extensions["tomtin"]
    healthy = ext.get("queue_redis")
    ext["queue_redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        assert post_callback(client, stk_body(checkout)).status_code == 200
    finally:
        ext["queue_redis"] = healthy
    assert _queued("payments-high") == []  # the hint was lost with Redis ...
    with app.app_context():
        db.session.execute(
            sa.update(MpesaCallback).values(received_at=sa.func.now() - sa.text("interval '1 minute'"))
        )
        db.session.commit()
        jobs.reconcile()  # ... the stored row was not
        assert db.session.get(MpesaPayment, payment_id).status == "paid"
        assert db.session.get(Sale, sale_id).status == "paid"


def test_prune_drops_old_acknowledged_rows_only(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("2"))])
        first, second, *_ = db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id)).all()
        long_ago = sa.func.now() - sa.text("interval '8 days'")
        db.session.execute(
            sa.update(OutboxEvent).values(created_at=sa.func.now() - sa.text("interval '30 days'"))
        )
        first.sent_at, first.acked_at = long_ago, long_ago
        second.sent_at = long_ago  # sent long ago but never acknowledged: kept (and re-sent)
        db.session.commit()
        assert jobs.prune_outbox() == 1
        assert db.session.scalar(sa.select(sa.func.count(OutboxEvent.id))) == 3

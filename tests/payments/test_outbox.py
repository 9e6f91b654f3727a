"""The outbox counts an event delivered only when its consumers applied it, and re-sends what was lost."""

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa

from payments import jobs
from payments.models import OutboxEvent, Sale, db
from payments.services import outbox
from payments.services.sales import record_sale
from support.jobs import queue_connection, queued, run_queued
from support.products import stock_level

from .conftest import outbox_rows

NOW = dt.timedelta(0)


def test_an_event_is_delivered_only_when_every_consumer_applied_it(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("2"))])
        jobs.relay_outbox()
        assert [(r.event, r.sent_at is not None, r.acked_at) for r in outbox_rows()] == [
            ("sale_paid", True, None),
            ("sale_changed", True, None),
        ]
    run_queued()  # the dispatcher applies each event, then sends EventApplied back to payments
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())
    assert stock_level(products["B20"]) == Decimal("22.000")


def test_events_lost_when_redis_restarts_empty_are_re_sent_until_applied(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("3"))])
        assert jobs.relay_outbox() == 2
        queue_connection().flushdb()  # Redis came back empty: both jobs are gone
        assert outbox.relay() == 0  # not yet overdue
        assert outbox.relay(ack_timeout=NOW) == 2  # overdue and their jobs are gone: sent again
        assert [row.attempts for row in outbox_rows()] == [2, 2]
    run_queued()
    assert stock_level(products["B20"]) == Decimal("21.000")
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())
        assert outbox.relay(ack_timeout=NOW) == 0  # acknowledged rows are never sent again


def test_a_slow_event_is_not_re_sent_while_its_job_still_waits(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
        jobs.relay_outbox()
        assert outbox.relay(ack_timeout=NOW) == 0
        assert [row.attempts for row in outbox_rows()] == [1, 1]
    assert len(queued("default")) == 1 and len(queued("reporting")) == 1


def test_a_job_marked_queued_but_in_no_queue_is_re_sent(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
        jobs.relay_outbox()
        for name in ("default", "reporting"):  # what a full Redis left: job hashes, empty queues
            queue_connection().delete(f"rq:queue:{name}")
        assert outbox.relay(ack_timeout=NOW) == 2
    run_queued()
    assert stock_level(products["B20"]) == Decimal("23.000")


def test_a_lost_acknowledgement_only_costs_an_idempotent_re_send(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("4"))])
        jobs.relay_outbox()
    run_queued()
    with app.app_context():
        db.session.execute(sa.update(OutboxEvent).values(acked_at=None))  # as if the acks were lost
        db.session.commit()
        assert outbox.relay(ack_timeout=NOW) == 2  # finished jobs, no ack: sent again
    run_queued()
    assert stock_level(products["B20"]) == Decimal("20.000")  # moved once
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())


def test_an_acknowledgement_from_another_producer_or_of_no_row_changes_nothing(app, products):
    from contracts import EventApplied

    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
        first = outbox_rows()[0]
        assert jobs.outbox_acknowledged(EventApplied(str(first.id), "sale_paid", "someone-else")) is False
        assert jobs.outbox_acknowledged(EventApplied("not-a-row", "sale_paid", "payments")) is False
        assert jobs.outbox_acknowledged(EventApplied(str(first.id), "sale_paid", "payments")) is True
        assert jobs.outbox_acknowledged(EventApplied(str(first.id), "sale_paid", "payments")) is False
        assert [row.acked_at is not None for row in outbox_rows()] == [True, False]


def test_repair_re_emits_paid_sales_whose_stock_never_moved(app, products):
    with app.app_context():
        body = record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("5"))])
        # The event was lost for good (e.g. acknowledged by a consumer that has since been fixed).
        db.session.execute(sa.update(OutboxEvent).values(sent_at=sa.func.now(), acked_at=sa.func.now()))
        db.session.execute(
            sa.update(Sale)
            .where(Sale.id == body["id"])
            .values(paid_at=sa.func.now() - sa.text("interval '1 hour'"))
        )
        db.session.commit()
        assert jobs.repair_sale_movements() == {"sales": 1, "unacknowledged": 0}
        assert [row.event for row in outbox_rows() if row.acked_at is None] == ["sale_paid"]
        jobs.relay_outbox()
    run_queued()
    assert stock_level(products["B20"]) == Decimal("19.000")
    with app.app_context():
        assert jobs.repair_sale_movements() == {"sales": 0, "unacknowledged": 0}


def test_repair_leaves_recent_sales_to_the_relay_and_ignores_untracked_products(app, products):
    with app.app_context():
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])
        assert jobs.repair_sale_movements() == {"sales": 0, "unacknowledged": 0}  # its event is on the way
        refill = record_sale("water", uuid.uuid4(), "cash", [(products["R20"], Decimal("1"))])
        db.session.execute(
            sa.update(Sale)
            .where(Sale.id == refill["id"])
            .values(paid_at=sa.func.now() - sa.text("interval '1 hour'"))
        )
        db.session.commit()
        assert jobs.repair_sale_movements()["sales"] == 0  # a service line moves no stock


def test_a_row_written_before_events_were_contracts_is_still_delivered(app, products):
    with app.app_context():
        body = record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("6"))])
        stock_row = next(row for row in outbox_rows() if row.event == "sale_paid")
        # What migration 0005 leaves of a row the old outbox wrote: its version-1 payload as it was.
        stock_row.version = 1
        stock_row.payload = {"event_id": f"sale-paid-{body['id']}", **stock_row.payload}
        db.session.commit()
        jobs.relay_outbox()
    run_queued()
    assert stock_level(products["B20"]) == Decimal("18.000")
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())

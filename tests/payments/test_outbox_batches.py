"""The relay sends what it finds in one dispatcher job per queue: every event applied and
acknowledged once, a redelivered batch doubles nothing, and one bad event neither blocks nor
doubles the others (it goes on alone, as a job of its own)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from contracts import SalePaid, SoldLine, open_envelope
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from common.dispatch import deliver, deliver_batch
from payments import jobs
from payments.models import OutboxEvent, db
from payments.services import outbox
from payments.services.sales import record_sale
from support.jobs import queue_connection, queued, run_queued
from support.products import stock_level

from .conftest import outbox_rows

NOW = dt.timedelta(0)


def _sale_movements(app_for, product_id: int) -> int:
    from inventory.models import StockMovement
    from inventory.models import db as inventory_db

    with app_for("inventory").app_context():
        return inventory_db.session.scalar(
            sa.select(sa.func.count()).where(
                StockMovement.product_id == product_id, StockMovement.source_type == "sale_line"
            )
        )


def _sell(products, count: int) -> None:
    for _ in range(count):
        record_sale("water", uuid.uuid4(), "cash", [(products["B20"], Decimal("1"))])


def test_rows_go_in_one_batch_job_per_queue_and_each_is_applied_and_acknowledged_once(app, app_for, products):
    with app.app_context():
        _sell(products, 5)
        assert jobs.relay_outbox() == 10
        rows = outbox_rows()
    [stock] = queued("default")
    [report] = queued("reporting")
    assert stock.func is deliver_batch and report.func is deliver_batch
    assert [open_envelope(e).event_id for e in stock.args[0]] == [
        str(r.id) for r in rows if r.event == "sale_paid"
    ]
    assert {r.job_id for r in rows} == {stock.id, report.id}
    run_queued()
    assert stock_level(products["B20"]) == Decimal("19.000")
    assert _sale_movements(app_for, products["B20"]) == 5
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())


def test_a_redelivered_batch_moves_stock_once(app, app_for, products):
    with app.app_context():
        _sell(products, 3)
        jobs.relay_outbox()
    [batch] = queued("default")
    run_queued()
    with app.app_context():
        db.session.execute(sa.update(OutboxEvent).values(acked_at=None))  # as if the acks were lost
        db.session.commit()
        assert outbox.relay(ack_timeout=NOW) == 6  # finished jobs, no acknowledgement: sent again
    run_queued()
    deliver_batch(batch.args[0])  # and the first batch once more, by hand
    assert stock_level(products["B20"]) == Decimal("21.000")
    assert _sale_movements(app_for, products["B20"]) == 3
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())


def test_one_bad_event_in_a_batch_neither_blocks_nor_doubles_the_others(app, app_for, products):
    with app.app_context():
        _sell(products, 2)
        # A sale line naming another business's product: inventory refuses the event (NotFound).
        outbox.emit(SalePaid(999, "water", (SoldLine(999, products["SUG"], Decimal("1")),)))
        db.session.commit()
        _sell(products, 1)
        third = outbox_rows()[-2]  # the third sale's stock event, of a version newer than this code: refused
        assert third.event == "sale_paid"
        third.version = 9
        db.session.commit()
        bad = {r.id for r in outbox_rows() if r.payload.get("sale_id") == 999 or r.version == 9}
        assert jobs.relay_outbox() == 7
    run_queued()
    assert stock_level(products["B20"]) == Decimal("22.000")  # the two good sales, once each
    assert stock_level(products["SUG"]) == Decimal("40.000")
    with app.app_context():
        assert {r.id for r in outbox_rows() if r.acked_at is None} == bad
    # Each bad event went on alone, as `deliver` of its own envelope, which RQ retries and then keeps failed.
    scheduled = ScheduledJobRegistry("default", connection=queue_connection()).get_job_ids()
    alone = [Job.fetch(i, connection=queue_connection()) for i in scheduled]
    assert all(job.func is deliver for job in alone)
    assert sorted(int(job.args[0]["id"]) for job in alone) == sorted(bad)
    with app.app_context():
        assert outbox.relay(ack_timeout=NOW) == 2  # unacknowledged: re-sent, the good ones never again
    run_queued()
    assert stock_level(products["B20"]) == Decimal("22.000")
    assert _sale_movements(app_for, products["B20"]) == 2


def test_a_batch_still_queued_is_not_re_sent_and_one_lost_from_its_queue_is(app, products):
    with app.app_context():
        _sell(products, 3)
        assert jobs.relay_outbox() == 6
        assert outbox.relay(ack_timeout=NOW) == 0  # both batch jobs still wait in their queues
        for name in ("default", "reporting"):  # what a full Redis left: job hashes, empty queues
            queue_connection().delete(f"rq:queue:{name}")
        assert outbox.relay(ack_timeout=NOW) == 6
        assert [row.attempts for row in outbox_rows()] == [2] * 6
    run_queued()
    assert stock_level(products["B20"]) == Decimal("21.000")
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())


def test_a_commit_kicks_a_relay_unless_one_waits_and_a_starting_relay_rearms_the_kick(app, products):
    with app.app_context():
        _sell(products, 3)  # the first kick queues a relay; the next two see it waiting
        assert [job.func for job in queued("payments-high")] == [jobs.relay_outbox]
        jobs.relay_outbox()  # a relay starts: a commit after it needs a relay of its own
        _sell(products, 1)
        assert len(queued("payments-high")) == 2


def test_a_full_relay_kicks_the_next_one_so_a_backlog_drains_without_the_schedule(app, products):
    with app.app_context():
        _sell(products, 3)
        queue_connection().delete("rq:queue:payments-high")  # the kicked relay: not wanted here
        assert outbox.relay(batch=4) == 4
        assert [job.func for job in queued("payments-high")] == [jobs.relay_outbox]
    run_queued()  # that relay sends the last two rows; it found fewer than a full batch: no more kicks
    assert queued("payments-high") == []
    assert stock_level(products["B20"]) == Decimal("21.000")
    with app.app_context():
        assert all(row.acked_at is not None for row in outbox_rows())

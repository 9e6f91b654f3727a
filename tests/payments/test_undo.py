"""Voids and refunds on real PostgreSQL and Redis: stock back exactly once, never more refunded than
paid (also from two devices at once), clear 4xx answers that change nothing."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
import uuid
from decimal import Decimal

import sqlalchemy as sa

from payments import jobs
from payments.models import OutboxEvent, Refund, Sale, db
from support.jobs import run_queued
from support.problems import assert_problem
from support.products import stock_level

STAFF = 7


def _deliver(app) -> None:
    """Relay the outbox and work the queues, as the scheduler and worker would (a kick waits for a worker)."""
    with app.app_context():
        jobs.relay_outbox()
    run_queued()


def _movements(app_for, product_id: int) -> list[tuple[str, Decimal]]:
    """The product's movements after its opening stock (the test helper receives that first)."""
    from inventory.models import StockMovement
    from inventory.models import db as inventory_db

    with app_for("inventory").app_context():
        rows = inventory_db.session.scalars(
            sa.select(StockMovement).where(StockMovement.product_id == product_id).order_by(StockMovement.id)
        )
        return [(m.kind, m.quantity) for m in rows if m.reason != "opening stock"]


def _events(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).where(OutboxEvent.event == name))


def _sale(post_sale, products, quantity="2", headers=None, method="cash") -> dict:
    response = post_sale(
        lines=[{"product_id": products["B20"], "quantity": quantity}], method=method, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _at_once(calls) -> list:
    """Run the calls in threads released together (each its own client and session)."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _void(app, headers, sale_id, reason="rang up twice"):
    def call():
        with app.test_client() as c:
            r = c.post(f"/api/payments/sales/{sale_id}/void", json={"reason": reason}, headers=headers)
            return r.status_code, r.get_json()

    return call


def _refund(app, headers, sale_id, lines=None, key=None, channel="cash"):
    body = {"channel": channel, "reason": "customer returned it"}
    if lines is not None:
        body["lines"] = lines

    def call():
        with app.test_client() as c:
            r = c.post(
                f"/api/payments/sales/{sale_id}/refunds",
                json=body,
                headers={**headers, "Idempotency-Key": str(key or uuid.uuid4())},
            )
            return r.status_code, r.get_json()

    return call


def test_two_devices_voiding_at_once_put_stock_back_once(app, app_for, auth, post_sale, products):
    sale = _sale(post_sale, products)
    _deliver(app)
    assert stock_level(products["B20"]) == Decimal("22.000")
    results = _at_once([_void(app, auth(), sale["id"]), _void(app, auth(user_id=2), sale["id"])])
    assert [status for status, _ in results] == [200, 200]
    assert {body["status"] for _, body in results} == {"voided"}
    assert results[0][1]["void_reason"] == "rang up twice"
    _deliver(app)
    _deliver(app)  # a second relay and run change nothing either
    assert stock_level(products["B20"]) == Decimal("24.000")
    assert _movements(app_for, products["B20"]) == [("sale", Decimal("-2.000")), ("return", Decimal("2.000"))]
    assert _events(app, "sale_voided") == 1
    # Still listed, marked voided, and out of the sales that count.
    listed = app.test_client().get("/api/payments/businesses/water/sales", headers=auth()).get_json()
    assert [(s["id"], s["status"]) for s in listed["items"]] == [(sale["id"], "voided")]


def test_the_seller_voids_within_the_owner_window_only(app, auth, client, post_sale, products):
    staff = auth("staff", ("water",), STAFF)
    mine = _sale(post_sale, products, headers=staff)
    other = _sale(post_sale, products, "1")
    assert_problem(
        client.post(f"/api/payments/sales/{other['id']}/void", json={"reason": "x"}, headers=staff), 403
    )
    assert_problem(
        client.put("/api/payments/businesses/water/void-window", json={"minutes": 60}, headers=staff), 403
    )
    assert_problem(
        client.put("/api/payments/businesses/water/void-window", json={"minutes": -1}, headers=auth()), 422
    )
    assert (
        client.put(
            "/api/payments/businesses/water/void-window", json={"minutes": 5}, headers=auth()
        ).status_code
        == 200
    )
    assert client.get("/api/payments/businesses/water/void-window", headers=staff).get_json() == {
        "minutes": 5
    }
    with app.app_context():  # the sale was made six minutes ago
        db.session.execute(
            sa.update(Sale)
            .where(Sale.id == mine["id"])
            .values(created_at=Sale.created_at - dt.timedelta(minutes=6))
        )
        db.session.commit()
    late = client.post(f"/api/payments/sales/{mine['id']}/void", json={"reason": "oops"}, headers=staff)
    assert "5 minutes" in assert_problem(late, 403)["detail"]
    assert (
        client.put(
            "/api/payments/businesses/water/void-window", json={"minutes": 10}, headers=auth()
        ).status_code
        == 200
    )
    voided = client.post(f"/api/payments/sales/{mine['id']}/void", json={"reason": "oops"}, headers=staff)
    assert voided.status_code == 200 and voided.get_json()["status"] == "voided"
    assert _events(app, "sale_voided") == 1


def test_refunds_from_two_devices_never_pass_what_was_paid(app, auth, post_sale, products):
    sale = _sale(post_sale, products, "3")
    line = sale["lines"][0]["id"]
    _deliver(app)
    want = [{"sale_line_id": line, "quantity": "2"}]
    results = _at_once(
        [_refund(app, auth(), sale["id"], want), _refund(app, auth(user_id=2), sale["id"], want)]
    )
    assert sorted(status for status, _ in results) == [201, 409]
    rest = _refund(app, auth(), sale["id"])()  # everything left: one bottle
    assert rest[0] == 201 and rest[1]["amount"] == "450.00"
    assert _refund(app, auth(), sale["id"])()[0] == 409  # nothing left
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(Refund.amount))) == Decimal("1350.00")
    _deliver(app)
    assert stock_level(products["B20"]) == Decimal("24.000")
    detail = app.test_client().get(f"/api/payments/sales/{sale['id']}", headers=auth()).get_json()
    assert (detail["refunded"], detail["lines"][0]["refunded_quantity"]) == ("1350.00", "3.000")


def test_a_damaged_return_is_written_off_and_a_replay_refunds_once(app, app_for, auth, post_sale, products):
    sale = _sale(post_sale, products, "2")
    _deliver(app)
    key = uuid.uuid4()
    lines = [{"sale_line_id": sale["lines"][0]["id"], "quantity": "1", "damaged": True}]
    # The same key from two devices at once: the loser of the race answers the winner's body.
    first, again = _at_once(
        [_refund(app, auth(), sale["id"], lines, key), _refund(app, auth(), sale["id"], lines, key)]
    )
    assert first == again and first[0] == 201
    assert _refund(app, auth(), sale["id"], lines, key)() == first  # and a later replay too
    assert first[1]["lines"][0]["damaged"] is True and first[1]["amount"] == "450.00"
    _deliver(app)
    assert stock_level(products["B20"]) == Decimal("22.000")  # back in, then written off
    assert _movements(app_for, products["B20"])[1:] == [
        ("return", Decimal("1.000")),
        ("write_off", Decimal("-1.000")),
    ]
    assert _events(app, "sale_refunded") == 1
    other_body = _refund(
        app, auth(), sale["id"], [{"sale_line_id": lines[0]["sale_line_id"], "quantity": "1"}], key
    )()
    assert other_body[0] == 422


def test_bad_undo_input_is_a_clear_4xx_and_changes_nothing(app, client, auth, post_sale, products):
    sale = _sale(post_sale, products, "1")
    line = sale["lines"][0]["id"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    url = f"/api/payments/sales/{sale['id']}/refunds"
    ok = {"channel": "cash", "reason": "returned"}
    cases = [
        (
            client.post(
                url,
                json={**ok, "lines": [{"sale_line_id": line, "quantity": "2"}]},
                headers={**auth(), **key},
            ),
            409,
        ),
        (
            client.post(
                url, json={**ok, "lines": [{"sale_line_id": 999, "quantity": "1"}]}, headers={**auth(), **key}
            ),
            422,
        ),
        (
            client.post(
                url,
                json={**ok, "lines": [{"sale_line_id": 2**63, "quantity": "1"}]},
                headers={**auth(), **key},
            ),
            422,
        ),
        (
            client.post(
                url,
                json={**ok, "lines": [{"sale_line_id": line, "quantity": "-1"}]},
                headers={**auth(), **key},
            ),
            422,
        ),
        (client.post(url, json={**ok, "channel": "gold"}, headers={**auth(), **key}), 422),
        (client.post(url, json={"channel": "cash", "reason": "  "}, headers={**auth(), **key}), 422),
        (client.post(url, json=ok, headers=auth()), 422),  # no Idempotency-Key
        (client.post("/api/payments/sales/999999/refunds", json=ok, headers={**auth(), **key}), 404),
        (client.post(f"/api/payments/sales/{2**63}/refunds", json=ok, headers={**auth(), **key}), 404),
        (client.post("/api/payments/sales/999999/void", json={"reason": "x"}, headers=auth()), 404),
        (client.post(f"/api/payments/sales/{sale['id']}/void", json={}, headers=auth()), 422),
        (client.post(url, json=ok, headers={**auth("staff", ("retail",), STAFF), **key}), 404),
    ]
    for response, status in cases:
        assert_problem(response, status)
    mpesa = _sale(post_sale, products, "1", method="mpesa")
    assert_problem(
        client.post(f"/api/payments/sales/{mpesa['id']}/refunds", json=ok, headers={**auth(), **key}), 409
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0
        assert {s.status for s in db.session.scalars(sa.select(Sale))} == {"paid", "pending"}
    assert _events(app, "sale_refunded") == _events(app, "sale_voided") == 0


def test_report_totals_equal_the_raw_rows_after_a_void_and_a_refund_across_days(
    app, app_for, auth, post_sale, products
):
    from common.timeutil import business_day, day_bounds
    from reporting import services as reports
    from reporting.models import db as reporting_db

    yesterday = business_day() - dt.timedelta(days=1)
    morning = day_bounds(yesterday)[0] + dt.timedelta(hours=9)
    kept, voided = _sale(post_sale, products, "2"), _sale(post_sale, products, "1")
    with app.app_context():
        db.session.execute(
            sa.update(Sale)
            .where(Sale.id.in_([kept["id"], voided["id"]]))
            .values(created_at=morning, paid_at=morning, updated_at=morning)
        )
        db.session.commit()
    _deliver(app)
    with app_for("reporting").app_context():
        reports.rollup_days(yesterday, yesterday, ("water",))  # yesterday is closed and stored
    client = app.test_client()
    assert (
        client.post(
            f"/api/payments/sales/{voided['id']}/void", json={"reason": "x"}, headers=auth()
        ).status_code
        == 200
    )
    line = [{"sale_line_id": kept["lines"][0]["id"], "quantity": "1"}]
    assert _refund(app, auth(), kept["id"], line)()[0] == 201
    _deliver(app)  # the void re-rolls yesterday; the refund counts today, live
    with app_for("reporting").app_context():
        report = reports.revenue_report(("water",), yesterday, business_day())
        today = reports.dashboard("water", ("water",))
        stored = reporting_db.session.execute(
            sa.text(
                "SELECT revenue, voided FROM reporting.daily_rollups WHERE business = 'water' AND day = :d"
            ),
            {"d": yesterday},
        ).one()
    with app.app_context():
        paid = db.session.scalar(sa.select(sa.func.sum(Sale.total)).where(Sale.status == "paid"))
        void_total = db.session.scalar(sa.select(sa.func.sum(Sale.total)).where(Sale.status == "voided"))
        refunded = db.session.scalar(sa.select(sa.func.sum(Refund.amount)).where(Refund.status == "paid"))
    totals = report["totals"]
    assert (totals["revenue"], totals["voided"], totals["refunds"]) == (paid, void_total, refunded)
    assert (totals["net_revenue"], totals["voided_count"], totals["refunds_count"]) == (paid - refunded, 1, 1)
    assert [(row["day"], row["refunds"]) for row in report["rows"]] == [
        (yesterday, Decimal("0")),
        (business_day(), Decimal("450.00")),
    ]
    assert (stored.revenue, stored.voided) == (Decimal("900.00"), Decimal("450.00"))
    assert (today["revenue"], today["refunds"], today["refunds_count"]) == (Decimal("0"), refunded, 1)


def _back_date(app, model, ids, at: dt.datetime) -> None:
    """Move rows to `at`; a refund's SaleRefunded row too, as if it had been written then (its
    event is delivered after that day was rolled up: the late change that re-rolls a closed day)."""
    with app.app_context():
        db.session.execute(sa.update(model).where(model.id.in_(ids)).values(created_at=at, updated_at=at))
        if model is Sale:
            db.session.execute(sa.update(Sale).where(Sale.id.in_(ids)).values(paid_at=at))
        else:
            db.session.execute(sa.update(Refund).where(Refund.id.in_(ids)).values(paid_at=at))
            for row in db.session.scalars(sa.select(OutboxEvent).where(OutboxEvent.event == "sale_refunded")):
                if row.payload["refund_id"] in ids:
                    row.payload = {**row.payload, "created_at": at.isoformat()}
        db.session.commit()


def test_profit_equals_the_raw_rows_after_refunds_across_days_restocked_and_damaged(
    app, app_for, auth, post_sale, products
):
    """Goods back on the shelf leave the cost of goods sold on the refund's day; damaged ones stay
    a cost. Four bottles sold at 450 (cost 300), three handed back on later days (one damaged):
    kept 1 × (450 − 300) − the damaged one's 300 = −150, by day, by business and by product."""
    from common.timeutil import business_day, day_bounds
    from inventory.demo import DEMO_OWNER
    from inventory.services import change_cost
    from reporting import services as reports
    from reporting.models import db as reporting_db

    with app_for("inventory").app_context():
        change_cost(products["B20"], Decimal("300.00"), DEMO_OWNER)
    today = business_day()
    d1, d2 = today - dt.timedelta(days=1), today - dt.timedelta(days=2)
    nine = {d: day_bounds(d)[0] + dt.timedelta(hours=9) for d in (d1, d2)}
    three, one = _sale(post_sale, products, "3"), _sale(post_sale, products, "1")
    _back_date(app, Sale, [three["id"]], nine[d2])
    _back_date(app, Sale, [one["id"]], nine[d1])
    _deliver(app)
    with app_for("reporting").app_context():
        reports.rollup_days(d2, d1, ("water",))  # both days closed and stored before any refund
    line = three["lines"][0]["id"]
    restocked = _refund(app, auth(), three["id"], [{"sale_line_id": line, "quantity": "1"}])()
    damaged = _refund(app, auth(), three["id"], [{"sale_line_id": line, "quantity": "1", "damaged": True}])()
    assert restocked[0] == damaged[0] == 201
    _back_date(app, Refund, [restocked[1]["id"], damaged[1]["id"]], nine[d1] + dt.timedelta(hours=2))
    assert _refund(app, auth(), one["id"])()[0] == 201  # today, restocked: counted live
    _deliver(app)  # the back-dated refunds re-roll yesterday once

    water = ("water",)
    with app_for("reporting").app_context():
        by_day = reports.profit_report(water, d2, today)
        by_business = reports.profit_business_report(water, d2, today)["rows"]
        by_product = reports.profit_product_report(water, d2, today)["rows"]
        stored = reporting_db.session.execute(
            sa.text(
                "SELECT d.returned_cost, d.damaged_cost, p.refunds, p.refunded_quantity"
                " FROM reporting.daily_rollups d JOIN reporting.product_daily_rollups p USING (business, day)"
                " WHERE d.business = 'water' AND d.day = :d"
            ),
            {"d": d1},
        ).one()
    with app.app_context():
        raw = (
            db.session.execute(
                sa.text(
                    """SELECT
                (SELECT sum(total) FROM payments.sales WHERE status = 'paid') AS revenue,
                (SELECT sum(amount) FROM payments.refunds WHERE status = 'paid') AS refunds,
                (SELECT sum(l.line_cost) FROM payments.sale_lines l JOIN payments.sales s ON s.id = l.sale_id
                 WHERE s.status = 'paid') AS cost,
                (SELECT sum(rl.cost) FILTER (WHERE NOT rl.damaged) FROM payments.refund_lines rl
                 JOIN payments.refunds r ON r.id = rl.refund_id WHERE r.status = 'paid') AS returned_cost,
                (SELECT sum(rl.cost) FILTER (WHERE rl.damaged) FROM payments.refund_lines rl
                 JOIN payments.refunds r ON r.id = rl.refund_id WHERE r.status = 'paid') AS damaged_cost"""
                )
            )
            .one()
            ._asdict()
        )
    D = Decimal
    assert raw == {
        "revenue": D("1800.00"),
        "refunds": D("1350.00"),
        "cost": D("1200.00"),
        "returned_cost": D("600.00"),
        "damaged_cost": D("300.00"),
    }
    figures = ("revenue", "refunds", "cost", "returned_cost", "damaged_cost", "gross_profit")
    expected = {**raw, "gross_profit": D("-150.00")}
    for totals in (by_day["totals"], by_business[0], by_product[0]):
        assert {f: totals[f] for f in figures} == expected
    assert [(r["day"], r["refunds"], r["returned_cost"], r["damaged_cost"], r["gross_profit"]) for r in by_day["rows"]] == [
        (d2, D(0), D(0), D(0), D("450.00")),
        (d1, D("900.00"), D("300.00"), D("300.00"), D("-450.00")),
        (today, D("450.00"), D("300.00"), D(0), D("-150.00")),
    ]  # fmt: skip
    assert (by_product[0]["quantity"], by_product[0]["refunded_quantity"]) == (D("4.000"), D("3.000"))
    assert tuple(stored) == (D("300.00"), D("300.00"), D("900.00"), D("2.000"))

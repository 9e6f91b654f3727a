"""Laundry orders: a short ticket number per business, what was brought and when it is promised,
found again by ticket or status (collected too), cancelled by the owner with a reason (audited)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest

from payments.models import Sale
from payments.models import db as payments_db
from support.problems import assert_problem

pytestmark = pytest.mark.usefixtures("products")
LATER = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=30)).isoformat()


def _order(post_sale, products, kg="2", **extra) -> dict:
    answer = post_sale(business="laundry", lines=[{"product_id": products["WKG"], "quantity": kg}], **extra)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_orders_get_short_tickets_per_business_even_from_two_tills_at_once(app, client, auth, products):
    first = client.post(
        "/api/payments/businesses/laundry/sales",
        json={
            "method": "cash",
            "lines": [{"product_id": products["WKG"], "quantity": "2.5"}],
            "order": {"items": "2 shirts, 1 duvet", "promised_at": LATER},
        },
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    ).get_json()
    assert first["ticket"] == 1 and first["items"] == "2 shirts, 1 duvet" and first["total"] == "300.00"
    assert dt.datetime.fromisoformat(first["promised_at"]) == dt.datetime.fromisoformat(LATER)

    answers = []

    def take():
        with app.test_client() as till:
            answers.append(
                till.post(
                    "/api/payments/businesses/laundry/sales",
                    json={"method": "cash", "lines": [{"product_id": products["WKG"], "quantity": "1"}]},
                    headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
                )
            )

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.get_json()["ticket"] for a in answers) == [2, 3, 4, 5]
    water = client.post(
        "/api/payments/businesses/water/sales",
        json={"method": "cash", "lines": [{"product_id": products["R20"], "quantity": "1"}]},
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    ).get_json()
    assert water["ticket"] is None  # only orders have tickets


def test_an_order_is_found_by_ticket_and_stays_findable_once_collected(client, auth, post_sale, products):
    orders = [_order(post_sale, products) for _ in range(3)]
    url = "/api/payments/businesses/laundry/orders"
    staff = auth("staff", ["laundry"], user_id=2)
    found = client.get(url, query_string={"ticket": orders[1]["ticket"]}, headers=staff).get_json()["items"]
    assert [o["id"] for o in found] == [orders[1]["id"]]
    client.post(
        f"/api/payments/sales/{orders[0]['id']}/order-status", json={"status": "collected"}, headers=staff
    )
    collected = client.get(url, query_string={"status": "collected"}, headers=staff).get_json()["items"]
    assert [(o["id"], o["order_status"]) for o in collected] == [(orders[0]["id"], "collected")]
    assert client.get(url, query_string={"ticket": 999}, headers=staff).get_json()["items"] == []
    assert_problem(client.get(url, headers=auth("staff", ["water"], user_id=3)), 403)


def test_the_owner_cancels_with_a_reason_and_it_is_audited(app, client, auth, post_sale, products):
    order = _order(post_sale, products)
    url = f"/api/payments/sales/{order['id']}/order-status"
    assert_problem(client.post(url, json={"status": "cancelled"}, headers=auth()), 422, "reason")
    assert_problem(
        client.post(url, json={"status": "cancelled", "reason": "x"}, headers=auth("staff", ["laundry"], 2)),
        403,
    )
    with app.app_context():
        assert payments_db.session.get(Sale, order["id"]).order_status == "received"  # nothing changed
    cancelled = client.post(url, json={"status": "cancelled", "reason": "customer left town"}, headers=auth())
    assert cancelled.get_json()["order_status"] == "cancelled"
    assert cancelled.get_json()["cancel_reason"] == "customer left town"
    entry = client.get("/api/payments/audit", headers=auth()).get_json()[0]
    assert entry["action"] == "order_cancelled" and entry["subject"] == f"sale:{order['id']}"
    assert entry["after"] == {
        "order_status": "cancelled",
        "ticket": order["ticket"],
        "reason": "customer left town",
    }


@pytest.mark.parametrize(
    ("business", "order", "field"),
    [
        ("water", {"items": "3 shirts"}, "order"),  # a shop takes no orders
        ("laundry", {"promised_at": "2020-01-01T10:00:00+03:00"}, "order"),  # already past
        ("laundry", {"promised_at": "2030-01-01T10:00:00"}, "order"),  # no time zone: which 10:00?
        ("laundry", {"items": ""}, "order"),
        ("laundry", {"items": "x" * 201}, "order"),
        ("laundry", {"weight": "3"}, "order"),  # unknown field
    ],
)
def test_bad_order_details_are_a_clear_422_and_record_nothing(
    app, client, auth, products, business, order, field
):
    product = products["WKG" if business == "laundry" else "R20"]
    answer = client.post(
        f"/api/payments/businesses/{business}/sales",
        json={"method": "cash", "lines": [{"product_id": product, "quantity": "1"}], "order": order},
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert_problem(answer, 422, field)
    with app.app_context():
        assert Sale.query.count() == 0


def test_bad_searches_are_422(client, auth):
    url = "/api/payments/businesses/laundry/orders"
    for query in ({"ticket": "0"}, {"ticket": "abc"}, {"status": "lost"}):
        assert_problem(client.get(url, query_string=query, headers=auth()), 422)


def _customer(client, auth, phone="0722000111") -> dict:
    answer = client.post("/api/payments/customers", json={"phone": phone, "name": "Achieng"}, headers=auth())
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _balance(client, auth, customer_id) -> str:
    return client.get(f"/api/payments/customers/{customer_id}", headers=auth()).get_json()["balance"]


def test_paid_at_collection_with_a_deposit_the_unpaid_part_becomes_the_debt_and_ready_is_texted(
    app, client, auth, products
):
    from payments.message_models import Message

    customer = _customer(client, auth)
    order = client.post(
        "/api/payments/businesses/laundry/sales",
        json={
            "method": "account",
            "customer_id": customer["id"],
            "lines": [{"product_id": products["WKG"], "quantity": "2.5"}],
            "order": {"promised_at": LATER, "deposit": "100.00"},
        },
        headers={**auth("staff", ["laundry"], 2), "Idempotency-Key": str(uuid.uuid4())},
    ).get_json()
    # Brought in: not a debt yet (no credit limit needed), the deposit is on the account.
    assert order["status"] == "pending" and order["total"] == "300.00"
    assert _balance(client, auth, customer["id"]) == "-100.00"
    url = f"/api/payments/sales/{order['id']}/order-status"
    for status in ("ready", "ready"):  # a replay texts once
        assert client.post(url, json={"status": status}, headers=auth()).status_code == 200
    with app.app_context():
        sent = payments_db.session.query(Message).filter_by(kind="laundry_ready").all()
        assert [(m.phone, m.customer_id) for m in sent] == [("254722000111", customer["id"])]
        assert f"{order['ticket']}" in sent[0].body
    collected = client.post(url, json={"status": "collected"}, headers=auth()).get_json()
    assert collected["status"] == "paid" and collected["order_status"] == "collected"
    assert _balance(client, auth, customer["id"]) == "200.00"  # the unpaid part


@pytest.mark.parametrize(
    ("method", "deposit"),
    [("cash", "100.00"), ("account", "300.00"), ("account", "10.001"), ("account", "-5")],
)
def test_a_deposit_that_cannot_be_is_a_422_and_records_nothing(app, client, auth, products, method, deposit):
    customer = _customer(client, auth)
    answer = client.post(
        "/api/payments/businesses/laundry/sales",
        json={
            "method": method,
            "customer_id": customer["id"],
            "lines": [{"product_id": products["WKG"], "quantity": "2.5"}],
            "order": {"deposit": deposit},
        },
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert_problem(answer, 422, "order")
    with app.app_context():
        assert Sale.query.count() == 0
    assert _balance(client, auth, customer["id"]) == "0.00"

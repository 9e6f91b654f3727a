"""payments HTTP API: recording sales idempotently, listing with delta polling, orders, bad input."""

import concurrent.futures
import uuid

import sqlalchemy as sa

from payments.models import OutboxEvent, Sale, db
from support.problems import assert_problem


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_cash_sale_is_priced_from_inventory_paid_and_listed(client, auth, post_sale, products):
    response = post_sale(lines=[{"product_id": products["R20"], "quantity": "3"}], unit_price="1")
    assert_problem(response, 422, "unit_price")  # the client never sends prices
    response = post_sale(lines=[{"product_id": products["R20"], "quantity": "3"}])
    assert response.status_code == 201, response.get_data(as_text=True)
    sale = response.get_json()
    assert sale["total"] == "150.00" and sale["status"] == "paid" and sale["paid_at"]
    assert sale["lines"][0]["unit_price"] == "50.00" and sale["order_status"] is None
    listed = client.get("/api/payments/businesses/water/sales", headers=auth()).get_json()
    assert [s["id"] for s in listed["items"]] == [sale["id"]] and listed["as_of"]


def test_same_key_returns_the_first_answer_and_records_once(app, post_sale, products):
    key = uuid.uuid4()
    lines = [{"product_id": products["B20"], "quantity": "1"}]
    first = post_sale(lines=lines, key=key)
    again = post_sale(lines=lines, key=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert _count(app, Sale) == 1
    assert _count(app, OutboxEvent) == 2  # stock movement + reporting, once


def test_same_key_with_another_body_is_refused(app, post_sale, products):
    key = uuid.uuid4()
    post_sale(lines=[{"product_id": products["B20"], "quantity": "1"}], key=key)
    response = post_sale(lines=[{"product_id": products["B20"], "quantity": "2"}], key=key)
    body = assert_problem(response, 422, "Idempotency-Key")
    assert "different body" in body["errors"]["Idempotency-Key"][0]
    assert _count(app, Sale) == 1


def test_twenty_concurrent_replays_make_one_sale(app, auth, products):
    """Real concurrency: 20 threads, each its own client and DB session, one key."""
    key, headers = str(uuid.uuid4()), auth()
    body = {"method": "cash", "lines": [{"product_id": products["B20"], "quantity": "1"}]}

    def post(_):
        with app.test_client() as c:
            r = c.post(
                "/api/payments/businesses/water/sales", json=body, headers={**headers, "Idempotency-Key": key}
            )
            return r.status_code, r.get_json()

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(post, range(20)))
    assert {status for status, _ in results} == {201}
    assert len({b["id"] for _, b in results}) == 1
    assert _count(app, Sale) == 1


def test_bad_sale_input_is_a_clear_4xx_and_records_nothing(app, client, auth, post_sale, products):
    good = [{"product_id": products["R20"], "quantity": "1"}]
    assert_problem(post_sale(lines=[{"product_id": products["R20"], "quantity": "0"}]), 422, "lines")
    assert_problem(post_sale(lines=[{"product_id": products["R20"], "quantity": "-2"}]), 422, "lines")
    assert_problem(post_sale(lines=[{"product_id": products["R20"], "quantity": "abc"}]), 422, "lines")
    assert_problem(post_sale(lines=[{"product_id": products["R20"], "quantity": "1.0001"}]), 422, "lines")
    assert_problem(post_sale(lines=[{"product_id": "7", "quantity": "1"}]), 422, "lines")  # wrong type
    assert_problem(post_sale(lines=[]), 422, "lines")
    assert_problem(post_sale(lines=good, method="card"), 422, "method")
    assert_problem(post_sale(lines=good, surprise=True), 422, "surprise")  # unknown field
    assert_problem(
        post_sale(lines=[{"product_id": products["SUG"], "quantity": "1"}]), 422, "lines"
    )  # retail
    assert_problem(post_sale(lines=[{"product_id": 999999, "quantity": "1"}]), 422, "lines")
    assert_problem(post_sale(lines=good, customer_phone="12345"), 422, "customer_phone")
    assert_problem(post_sale(lines=good, headers={"Idempotency-Key": "not-a-uuid"}), 422, "Idempotency-Key")
    malformed = client.post(
        "/api/payments/businesses/water/sales",
        data="{not json",
        content_type="application/json",
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert_problem(malformed, 400)
    assert_problem(post_sale(business="nowhere", lines=good), 404)
    assert _count(app, Sale) == 0 and _count(app, OutboxEvent) == 0


def test_staff_cannot_record_for_another_business(client, auth, products):
    response = client.post(
        "/api/payments/businesses/retail/sales",
        json={"method": "cash", "lines": [{"product_id": products["SUG"], "quantity": "1"}]},
        headers={**auth("staff", ["water"]), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert_problem(response, 403)


def test_mpesa_sale_waits_pending_and_normalises_the_phone(post_sale, products):
    response = post_sale(
        method="mpesa",
        lines=[{"product_id": products["B20"], "quantity": "1"}],
        customer_phone="+254 712 345 678",
    )
    sale = response.get_json()
    assert sale["status"] == "pending" and sale["paid_at"] is None
    assert sale["customer_phone"] == "254712345678" and sale["reference"] == f"TT{sale['id']}"


def test_list_etag_304_and_changed_since(client, auth, post_sale, products):
    url = "/api/payments/businesses/water/sales"
    first = post_sale(lines=[{"product_id": products["R20"], "quantity": "1"}]).get_json()
    listed = client.get(url, headers=auth())
    assert client.get(url, headers={**auth(), "If-None-Match": listed.headers["ETag"]}).status_code == 304
    second = post_sale(lines=[{"product_id": products["R20"], "quantity": "2"}]).get_json()
    # The write invalidated the cache at once: the old ETag no longer matches.
    assert client.get(url, headers={**auth(), "If-None-Match": listed.headers["ETag"]}).status_code == 200
    cursor = listed.get_json()["as_of"]
    delta = client.get(url, query_string={"changed_since": cursor}, headers=auth()).get_json()
    assert [s["id"] for s in delta["items"]] == [second["id"]] and first["id"] != second["id"]
    assert delta["as_of"] >= cursor
    assert_problem(
        client.get(url, query_string={"changed_since": "yesterday"}, headers=auth()), 422, "changed_since"
    )
    naive = client.get(url, query_string={"changed_since": "2026-01-01T00:00:00"}, headers=auth())
    assert_problem(naive, 422, "changed_since")


def test_a_payment_change_brings_its_sale_into_the_delta(app, client, auth, pending_payment):
    from payments import jobs

    from .conftest import post_callback, stk_body

    url = "/api/payments/businesses/water/sales"
    sale_id, _, checkout = pending_payment()
    cursor = client.get(url, headers=auth()).get_json()["as_of"]
    assert client.get(url, query_string={"changed_since": cursor}, headers=auth()).get_json()["items"] == []
    post_callback(client, stk_body(checkout))
    with app.app_context():
        jobs.apply_stk_callback(1)
    [sale] = client.get(url, query_string={"changed_since": cursor}, headers=auth()).get_json()["items"]
    assert sale["id"] == sale_id and sale["status"] == "paid" and sale["payment"]["status"] == "paid"


def test_fetch_one_sale_and_hide_other_businesses(client, auth, post_sale, products):
    sale = post_sale(lines=[{"product_id": products["R20"], "quantity": "1"}]).get_json()
    response = client.get(f"/api/payments/sales/{sale['id']}", headers=auth())
    assert (
        response.status_code == 200 and response.get_json()["id"] == sale["id"] and response.headers["ETag"]
    )
    assert_problem(client.get(f"/api/payments/sales/{sale['id']}", headers=auth("staff", ["retail"])), 404)


def test_laundry_order_moves_forward_only_and_owner_cancels(client, auth, post_sale, products):
    order = post_sale(
        business="laundry", lines=[{"product_id": products["WKG"], "quantity": "3.5"}]
    ).get_json()
    assert order["order_status"] == "received" and order["total"] == "420.00"
    url = f"/api/payments/sales/{order['id']}/order-status"
    staff = auth("staff", ["laundry"], user_id=2)
    assert client.post(url, json={"status": "washing"}, headers=staff).get_json()["order_status"] == "washing"
    assert client.post(url, json={"status": "washing"}, headers=staff).status_code == 200  # replay is a no-op
    assert_problem(client.post(url, json={"status": "received"}, headers=staff), 409)
    assert_problem(client.post(url, json={"status": "folded"}, headers=staff), 422, "status")
    assert_problem(client.post(url, json={"status": "cancelled", "reason": "no"}, headers=staff), 403)
    assert (
        client.post(url, json={"status": "cancelled", "reason": "left town"}, headers=auth()).get_json()[
            "order_status"
        ]
        == "cancelled"
    )
    assert_problem(client.post(url, json={"status": "ready"}, headers=auth()), 409)
    water = post_sale(lines=[{"product_id": products["R20"], "quantity": "1"}]).get_json()
    assert_problem(
        client.post(
            f"/api/payments/sales/{water['id']}/order-status", json={"status": "washing"}, headers=auth()
        ),
        422,
    )


def test_stk_push_endpoint_validates_before_calling_daraja(client, auth, post_sale, products, daraja):
    lines = [{"product_id": products["B20"], "quantity": "1"}]
    cash = post_sale(lines=lines).get_json()
    mpesa = post_sale(lines=lines, method="mpesa").get_json()
    assert_problem(
        client.post(
            f"/api/payments/sales/{mpesa['id']}/stk-push", json={"phone": "0812345678"}, headers=auth()
        ),
        422,
        "phone",
    )
    assert_problem(
        client.post(f"/api/payments/sales/{mpesa['id']}/stk-push", json={"phone": 712345678}, headers=auth()),
        422,
        "phone",
    )
    assert_problem(
        client.post(f"/api/payments/sales/{mpesa['id']}/stk-push", json={}, headers=auth()), 422, "phone"
    )
    assert_problem(
        client.post(
            f"/api/payments/sales/{cash['id']}/stk-push", json={"phone": "0712345678"}, headers=auth()
        ),
        422,
    )
    assert_problem(
        client.post("/api/payments/sales/999999/stk-push", json={"phone": "0712345678"}, headers=auth()), 404
    )
    assert daraja.app.test_client().get("/simulator/pushes").get_json()["pushes"] == []
    pushed = client.post(
        f"/api/payments/sales/{mpesa['id']}/stk-push", json={"phone": "0712345678"}, headers=auth()
    )
    assert pushed.status_code == 201 and pushed.get_json()["status"] == "pending"
    sale = client.get(f"/api/payments/sales/{mpesa['id']}", headers=auth()).get_json()
    assert sale["payment"]["id"] == pushed.get_json()["id"] and sale["payment"]["status"] == "pending"


def test_openapi_lists_the_payments_routes(client):
    paths = client.get("/api/payments/openapi.json").get_json()["paths"]
    assert "/api/payments/sales/{sale_id}/stk-push" in paths and "/hooks/mpesa/{secret}/stk" in paths


def test_a_capped_delta_resumes_where_it_stopped(client, auth, post_sale, products, monkeypatch):
    from payments.services import sales

    url = "/api/payments/businesses/water/sales"
    cursor = client.get(url, headers=auth()).get_json()["as_of"]
    ids = [
        post_sale(lines=[{"product_id": products["R20"], "quantity": "1"}]).get_json()["id"] for _ in range(3)
    ]
    monkeypatch.setattr(sales, "CHANGED_SINCE_LIMIT", 2)
    first = client.get(url, query_string={"changed_since": cursor}, headers=auth()).get_json()
    assert [s["id"] for s in first["items"]] == ids[:2]
    second = client.get(url, query_string={"changed_since": first["as_of"]}, headers=auth()).get_json()
    assert ids[2] in [s["id"] for s in second["items"]]


def test_daraja_unreachable_is_a_502_problem_and_stores_nothing(app, client, auth, post_sale, products):
    import dataclasses

    from payments.models import MpesaPayment

    mpesa = post_sale(lines=[{"product_id": products["B20"], "quantity": "1"}], method="mpesa").get_json()
    ext = app.extensions["tomtin"]
    original = ext["mpesa"]
    ext["mpesa"] = dataclasses.replace(original, base_url="http://127.0.0.1:9", timeout_seconds=1)
    try:
        response = client.post(
            f"/api/payments/sales/{mpesa['id']}/stk-push", json={"phone": "0712345678"}, headers=auth()
        )
    finally:
        ext["mpesa"] = original
    assert "could not be reached" in assert_problem(response, 502)["detail"]
    assert _count(app, MpesaPayment) == 0

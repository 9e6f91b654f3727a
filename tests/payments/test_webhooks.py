"""The Daraja webhooks: path secret, body validation, raw storage, unknown pushes, C2B."""

import json
import logging

import pytest
import sqlalchemy as sa

from payments.models import MpesaCallback, MpesaPayment, Sale, db
from support.mpesa_data import c2b_body
from support.problems import assert_problem

from .conftest import HOOK, post_callback, stk_body


def _callbacks(app) -> list[MpesaCallback]:
    with app.app_context():
        return db.session.scalars(sa.select(MpesaCallback)).all()


def test_callback_is_stored_raw_and_acknowledged(app, client, pending_payment):
    _, _, checkout = pending_payment()
    body = json.dumps(stk_body(checkout))
    response = client.post(f"{HOOK}/stk", data=body, content_type="application/json")
    assert response.status_code == 200 and response.get_json() == {"ResultCode": 0, "ResultDesc": "Accepted"}
    [stored] = _callbacks(app)
    assert stored.raw == body and stored.applied_at is None and stored.checkout_request_id == checkout


def test_wrong_secret_changes_nothing_and_is_logged(app, client, pending_payment, caplog):
    _, _, checkout = pending_payment()
    with caplog.at_level(logging.WARNING, logger="tomtin.payments.hooks"):
        response = post_callback(client, stk_body(checkout), "/hooks/mpesa/wrong-secret-0000000000")
    assert_problem(response, 404)
    assert _callbacks(app) == []
    [record] = [r for r in caplog.records if "wrong secret" in r.getMessage()]
    assert record.fields["source_ip"] == "127.0.0.1"


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        "[]",
        json.dumps({"Body": {}}),
        json.dumps({"Body": {"stkCallback": {"CheckoutRequestID": "ws_CO_1", "ResultCode": "0"}}}),
        json.dumps(
            {"Body": {"stkCallback": {"MerchantRequestID": "m", "CheckoutRequestID": 5, "ResultCode": 0}}}
        ),
        # a success without metadata, and one whose Amount is not a number
        json.dumps(
            {"Body": {"stkCallback": {"MerchantRequestID": "m", "CheckoutRequestID": "c", "ResultCode": 0}}}
        ),
        json.dumps(stk_body("c", amount="lots")),
    ],
)
def test_malformed_callbacks_get_a_4xx_and_change_nothing(app, client, raw):
    response = client.post(f"{HOOK}/stk", data=raw, content_type="application/json")
    assert_problem(response, 422)
    assert _callbacks(app) == []


def test_unknown_checkout_request_id_is_refused(app, client):
    assert_problem(post_callback(client, stk_body("ws_CO_never_issued")), 404)
    assert _callbacks(app) == []


def test_c2b_confirmation_matches_a_sale_by_reference_once(app, client, post_sale, products):
    sale = post_sale(method="mpesa", lines=[{"product_id": products["B20"], "quantity": "1"}]).get_json()
    body = c2b_body("RKT1AB2CD3", "450.00", f" tt{sale['id']} ")
    assert client.post(f"{HOOK}/c2b/validation", json=body).get_json()["ResultCode"] == "0"
    for _ in range(2):
        answer = client.post(f"{HOOK}/c2b/confirmation", json=body)
        assert answer.get_json() == {"ResultCode": 0, "ResultDesc": "Success"}
    with app.app_context():
        [payment] = db.session.scalars(sa.select(MpesaPayment)).all()
        assert (payment.status, payment.sale_id, payment.receipt) == ("paid", sale["id"], "RKT1AB2CD3")
        assert db.session.get(Sale, sale["id"]).status == "paid"


def test_unmatched_c2b_is_listed_and_attached_by_the_owner(app, client, auth, post_sale, products):
    sale = post_sale(method="mpesa", lines=[{"product_id": products["B20"], "quantity": "1"}]).get_json()
    client.post(f"{HOOK}/c2b/confirmation", json=c2b_body("RKT9ZZ", "450.00", "my shop"))
    client.post(
        f"{HOOK}/c2b/confirmation", json=c2b_body("RKT8YY", "100.00", f"TT{sale['id']}")
    )  # wrong amount
    listed = client.get("/api/payments/businesses/water/c2b/unmatched", headers=auth()).get_json()["items"]
    assert sorted(p["receipt"] for p in listed) == ["RKT8YY", "RKT9ZZ"]
    assert_problem(client.get("/api/payments/businesses/water/c2b/unmatched", headers=auth("staff")), 403)
    assert_problem(
        client.post("/api/payments/c2b/RKT8YY/attach", json={"sale_id": sale["id"]}, headers=auth()), 422
    )
    attached = client.post("/api/payments/c2b/RKT9ZZ/attach", json={"sale_id": sale["id"]}, headers=auth())
    assert attached.status_code == 200 and attached.get_json()["status"] == "paid"
    assert_problem(
        client.post("/api/payments/c2b/RKT9ZZ/attach", json={"sale_id": sale["id"]}, headers=auth()), 409
    )
    with app.app_context():
        assert db.session.get(Sale, sale["id"]).status == "paid"


def test_malformed_c2b_is_refused(app, client):
    assert_problem(client.post(f"{HOOK}/c2b/confirmation", json={"TransID": "X"}), 422, "TransAmount")
    assert_problem(client.post(f"{HOOK}/c2b/validation", data="nope", content_type="application/json"), 422)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MpesaPayment.id))) == 0


def test_the_request_log_never_holds_the_webhook_secret(client, pending_payment, caplog):
    from support.env import MPESA_WEBHOOK_SECRET

    _, _, checkout = pending_payment()
    with caplog.at_level(logging.INFO, logger="tomtin.request"):
        post_callback(client, stk_body(checkout))
    [line] = [r for r in caplog.records if r.name == "tomtin.request"]
    assert line.fields["path"] == "/hooks/mpesa/***/stk"
    assert MPESA_WEBHOOK_SECRET not in caplog.text

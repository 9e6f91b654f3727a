"""Bad input that used to end as a 500 in payments: each is a 4xx problem+json and changes nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from payments.models import MpesaCallback, MpesaPayment, Sale, db
from support.problems import assert_problem
from support.products import product_with_stock

from .conftest import HOOK, post_callback, stk_body

TOO_BIG = 2**63  # one above PostgreSQL's bigint


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Sale, MpesaPayment, MpesaCallback)
        )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/payments/sales/{TOO_BIG}", None),
        ("post", f"/api/payments/sales/{TOO_BIG}/order-status", {"status": "ready"}),
        ("post", f"/api/payments/sales/{TOO_BIG}/stk-push", {"phone": "0712345678"}),
        ("get", f"/api/payments/mpesa/{TOO_BIG}", None),
        ("post", f"/api/payments/mpesa/{TOO_BIG}/resolve", {"action": "failed", "note": "x"}),
    ],
)
def test_ids_beyond_bigint_in_paths_are_not_found(app, client, auth, method, path, body):
    answer = getattr(client, method)(path, json=body, headers=auth())
    assert_problem(answer, 404)
    assert _counts(app) == (0, 0, 0)


def test_ids_beyond_bigint_in_bodies_are_refused(app, client, auth, post_sale, products):
    assert_problem(post_sale(lines=[{"product_id": TOO_BIG, "quantity": "1"}]), 422, "lines")
    attach = client.post("/api/payments/c2b/RKT1/attach", json={"sale_id": TOO_BIG}, headers=auth())
    assert_problem(attach, 422, "sale_id")
    assert _counts(app) == (0, 0, 0)


def test_a_sale_whose_total_overflows_its_column_is_refused(app, app_for, post_sale):
    product_id = product_with_stock("retail", "Gold bar", "99999999", sku="GOLD", tracked=False).id
    answer = post_sale(business="retail", lines=[{"product_id": product_id, "quantity": "100000"}])
    assert_problem(answer, 422, "lines")
    assert _counts(app) == (0, 0, 0)


@pytest.mark.parametrize("since", ["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00"])
def test_changed_since_at_the_ends_of_the_calendar_is_refused(client, auth, since):
    answer = client.get(
        "/api/payments/businesses/water/sales", query_string={"changed_since": since}, headers=auth()
    )
    assert_problem(answer, 422, "changed_since")


def _c2b(amount: str) -> dict:
    return {
        "TransID": "RKT1AB2CD3",
        "TransAmount": amount,
        "BusinessShortCode": "174379",
        "BillRefNumber": "x",
    }


@pytest.mark.parametrize("amount", ["1e20", "10.005", "0.001", "NaN"])
@pytest.mark.parametrize("kind", ["validation", "confirmation"])
def test_c2b_amounts_out_of_range_or_below_a_cent_are_refused(app, client, kind, amount):
    answer = client.post(f"{HOOK}/c2b/{kind}", json=_c2b(amount))
    assert_problem(answer, 422, "TransAmount")
    assert _counts(app) == (0, 0, 0)


def test_an_stk_callback_with_an_absurd_amount_is_refused_as_malformed(app, client, pending_payment):
    _, payment_id, checkout = pending_payment()
    assert_problem(post_callback(client, stk_body(checkout, amount=1e308)), 422, "Amount")
    with app.app_context():
        assert db.session.get(MpesaPayment, payment_id).status == "pending"
        assert db.session.scalar(sa.select(sa.func.count(MpesaCallback.id))) == 0


def test_deep_json_and_lone_surrogates_on_the_hooks_are_refused(app, client, pending_payment):
    _, _, checkout = pending_payment()
    deep = "[" * 5000 + "]" * 5000
    for kind in ("stk", "c2b/confirmation"):
        for content_type in ("application/json", "text/plain"):
            answer = client.post(f"{HOOK}/{kind}", data=deep, content_type=content_type)
            assert 400 <= answer.status_code < 500
            assert_problem(answer, answer.status_code, "_body")
    surrogate = json.dumps(_c2b("10.00")).replace("RKT1AB2CD3", "\\ud800")
    assert_problem(client.post(f"{HOOK}/c2b/confirmation", data=surrogate, content_type="text/plain"), 422)
    assert_problem(
        client.post(f"{HOOK}/c2b/confirmation", data=surrogate, content_type="application/json"), 400
    )
    assert _counts(app) == (1, 1, 0)


def test_a_note_with_a_lone_surrogate_changes_nothing(app, client, auth, pending_payment):
    _, payment_id, _ = pending_payment()
    body = '{"action": "failed", "note": "bad \\ud800 note"}'
    answer = client.post(
        f"/api/payments/mpesa/{payment_id}/resolve",
        data=body,
        content_type="application/json",
        headers=auth(),
    )
    assert_problem(answer, 400, "_body")
    with app.app_context():
        assert db.session.get(MpesaPayment, payment_id).resolution_note is None


@pytest.mark.parametrize("body", [{"Body": 5}, {"Body": []}, {"Body": {"stkCallback": "x"}}, [], 7])
def test_an_stk_callback_of_the_wrong_shape_is_refused(app, client, body):
    # Found by the schemathesis run: {"Body": 5} used to end in an AttributeError (500).
    assert_problem(post_callback(client, body), 422, "Body.stkCallback")
    assert _counts(app) == (0, 0, 0)

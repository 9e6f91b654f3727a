"""One list of what needs the owner: review, unmatched till/paybill payments, pushes waiting too long."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from payments.models import MpesaPayment, db
from support.problems import assert_problem

URL = "/api/payments/businesses/all/to-check"


def _set(app, payment_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(MpesaPayment).where(MpesaPayment.id == payment_id).values(**values))
        db.session.commit()


def test_review_unmatched_and_long_waiting_payments_are_listed_and_leave_when_resolved(
    app, client, auth, pending_payment
):
    _, fresh, _ = pending_payment()
    _, old, _ = pending_payment()
    _, doubtful, _ = pending_payment()
    _set(app, old, created_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2))
    _set(app, doubtful, status="needs_review", review_reason="no answer from Safaricom")
    with app.app_context():
        till = MpesaPayment(
            kind="c2b",
            status="unmatched",
            amount=Decimal("300.00"),
            receipt="RKT9TOCHECK",
            account_reference="x",
        )
        db.session.add(till)
        db.session.commit()
        till_id = till.id
    listed = client.get(URL, headers=auth()).get_json()
    assert listed["count"] == 3
    assert [(i["kind"], i["payment"]["id"]) for i in listed["items"]] == [
        ("review", doubtful),
        ("unmatched", till_id),
        ("waiting", old),
    ]
    assert fresh not in [i["payment"]["id"] for i in listed["items"]]  # still inside "check later"
    body = {"action": "failed", "note": "Customer paid cash instead"}
    assert (
        client.post(f"/api/payments/mpesa/{doubtful}/resolve", json=body, headers=auth()).status_code == 200
    )
    assert [i["kind"] for i in client.get(URL, headers=auth()).get_json()["items"]] == [
        "unmatched",
        "waiting",
    ]


def test_only_the_owner_sees_what_to_check(client, auth):
    assert_problem(client.get(URL, headers=auth("staff", ["water"], user_id=2)), 403)
    assert_problem(client.get("/api/payments/businesses/bakery/to-check", headers=auth()), 404)
    assert client.get("/api/payments/businesses/water/to-check", headers=auth()).get_json() == {
        "items": [],
        "count": 0,
    }


def test_resolving_and_attaching_are_in_the_payments_audit(
    app, client, auth, pending_payment, post_sale, products
):
    _, doubtful, _ = pending_payment()
    _set(app, doubtful, status="needs_review", review_reason="no answer")
    body = {"action": "paid", "note": "Saw the SMS", "receipt": "QWE123RTY"}
    assert (
        client.post(f"/api/payments/mpesa/{doubtful}/resolve", json=body, headers=auth()).status_code == 200
    )
    entries = client.get("/api/payments/audit", headers=auth()).get_json()
    assert [(e["action"], e["before"]["status"], e["after"]["status"]) for e in entries] == [
        ("payment_resolved", "needs_review", "paid")
    ]
    assert entries[0]["after"]["note"] == "Saw the SMS" and entries[0]["business"] == "water"
    assert_problem(client.get("/api/payments/audit", headers=auth("staff", ["water"], user_id=2)), 403)

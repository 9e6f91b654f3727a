"""One list of what needs the owner: review, unmatched till/paybill payments, pushes waiting too long."""

import datetime as dt

import sqlalchemy as sa

from payments.models import MpesaPayment, db
from support.mpesa_data import unmatched_till_payment
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
        till = unmatched_till_payment("300.00", "RKT9TOCHECK")
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
    listed = client.get("/api/payments/businesses/water/to-check", headers=auth())
    assert (listed.get_json()["items"], listed.get_json()["count"]) == ([], 0)
    # Pollable (Home shows the count): the same list again is a 304.
    again = client.get(
        "/api/payments/businesses/water/to-check", headers={**auth(), "If-None-Match": listed.headers["ETag"]}
    )
    assert again.status_code == 304


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


def _till_payment(app, amount: str, receipt: str) -> int:
    """A till/paybill payment that named no sale (as the C2B hook leaves it)."""
    with app.app_context():
        till = unmatched_till_payment(amount, receipt, phone="254712345678")
        db.session.add(till)
        db.session.commit()
        return till.id


def test_an_unmatched_till_payment_becomes_a_sale_of_its_own(app, client, auth, products):
    till = _till_payment(app, "100.00", "RKT9OWNSALE")
    url = "/api/payments/c2b/RKT9OWNSALE/sale"
    two_refills = {"business": "water", "lines": [{"product_id": products["R20"], "quantity": "2"}]}
    staff = auth("staff", ["water"], user_id=2)
    assert_problem(client.post(url, json=two_refills, headers=staff), 403)
    one_refill = {**two_refills, "lines": [{"product_id": products["R20"], "quantity": "1"}]}
    assert_problem(client.post(url, json=one_refill, headers=auth()), 422, "lines")  # KES 50 is not 100
    assert_problem(client.post(url, json={**two_refills, "business": "bakery"}, headers=auth()), 404)
    assert_problem(client.post("/api/payments/c2b/NOSUCHTRANS/sale", json=two_refills, headers=auth()), 404)
    assert client.get(URL, headers=auth()).get_json()["count"] == 1  # nothing changed

    sale = client.post(url, json=two_refills, headers=auth())
    assert sale.status_code == 201, sale.get_data(as_text=True)
    sale = sale.get_json()
    assert (sale["method"], sale["status"], sale["total"], sale["created_by"]) == (
        "mpesa",
        "paid",
        "100.00",
        1,
    )
    assert sale["payment"]["id"] == till and sale["payment"]["receipt"] == "RKT9OWNSALE"
    assert sale["customer_phone"] == "254712345678"
    assert client.get(URL, headers=auth()).get_json()["count"] == 0
    assert_problem(client.post(url, json=two_refills, headers=auth()), 409)  # one sale per payment
    [entry] = client.get("/api/payments/audit", headers=auth()).get_json()
    assert entry["action"] == "payment_recorded_as_sale" and entry["after"]["sale_id"] == sale["id"]


def test_a_refund_with_no_answer_is_listed_and_the_owner_settles_it(app, client, auth, post_sale, products):
    from payments.models import Refund

    sale = post_sale(lines=[{"product_id": products["R20"], "quantity": "2"}]).get_json()
    body = {"channel": "cash", "reason": "leaking can"}
    headers = {**auth(), "Idempotency-Key": "6f1c1f4e-1d7a-4a35-9d55-2b9a4c1b7e01"}
    refund = client.post(f"/api/payments/sales/{sale['id']}/refunds", json=body, headers=headers).get_json()
    with app.app_context():  # as the sweep leaves an M-Pesa reversal after its last status query
        values = {"status": "needs_review", "channel": "reversal", "paid_at": None}
        db.session.execute(sa.update(Refund).where(Refund.id == refund["id"]).values(**values))
        db.session.commit()
    [item] = client.get(URL, headers=auth()).get_json()["items"]
    assert (item["kind"], item["refund"]["id"], item["payment"]) == ("refund", refund["id"], None)

    url = f"/api/payments/refunds/{refund['id']}/resolve"
    assert_problem(client.post(url, json={"action": "dismiss", "note": "x"}, headers=auth()), 422, "action")
    assert_problem(client.post(url, json={"action": "failed"}, headers=auth()), 422, "note")
    staff = auth("staff", ["water"], user_id=2)
    assert_problem(client.post(url, json={"action": "failed", "note": "x"}, headers=staff), 403)
    assert_problem(
        client.post(
            "/api/payments/refunds/999/resolve", json={"action": "failed", "note": "x"}, headers=auth()
        ),
        404,
    )
    settled = client.post(url, json={"action": "failed", "note": "No money left the account"}, headers=auth())
    assert settled.status_code == 200 and settled.get_json()["status"] == "failed"
    assert client.get(URL, headers=auth()).get_json()["count"] == 0
    after = client.get(f"/api/payments/sales/{sale['id']}", headers=auth()).get_json()
    assert after["refunded"] == "0.00"  # its amount is free to refund again
    assert_problem(client.post(url, json={"action": "paid", "note": "x"}, headers=auth()), 409)
    entry = client.get("/api/payments/audit", headers=auth()).get_json()[0]
    assert (entry["action"], entry["after"]["note"]) == ("refund_resolved", "No money left the account")

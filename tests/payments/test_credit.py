"""Credit (deni): sales on account within a limit, part payments by cash, M-Pesa prompt or till/paybill,
voids and refunds off the debt, ageing, the statement and the total owed; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa

from payments.models import DebtPayment, MpesaCallback, MpesaPayment, Sale, db
from payments.services import stk_callbacks
from support.mpesa_data import c2b_body
from support.problems import assert_problem

from .conftest import HOOK, post_callback, stk_body

CUSTOMERS = "/api/payments/customers"


@pytest.fixture
def customer(client, auth):
    """A customer the owner trusts with KES 1000 (returns its id)."""

    def make(phone="0712345678", name="Mama Njeri", limit="1000.00") -> int:
        made = client.post(CUSTOMERS, json={"phone": phone, "name": name}, headers=auth()).get_json()
        client.put(f"{CUSTOMERS}/{made['id']}/credit-limit", json={"credit_limit": limit}, headers=auth())
        return made["id"]

    return make


@pytest.fixture
def on_account(post_sale, products):
    """Sell `quantity` 20 L bottles (KES 450 each) on account to a customer; returns the response."""

    def sell(customer_id, quantity="1", **extra):
        lines = [{"product_id": products["B20"], "quantity": quantity}]
        return post_sale(method="account", lines=lines, customer_id=customer_id, **extra)

    return sell


@pytest.fixture
def pay(client, auth):
    def post(customer_id, amount, key=None, business="water", user_id=1):
        return client.post(
            f"/api/payments/businesses/{business}/customers/{customer_id}/payments",
            json={"amount": amount},
            headers={**auth(user_id=user_id), "Idempotency-Key": str(key or uuid.uuid4())},
        )

    return post


def _detail(client, auth, customer_id) -> dict:
    return client.get(f"{CUSTOMERS}/{customer_id}", headers=auth()).get_json()


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        sales = db.session.scalar(sa.select(sa.func.count(Sale.id)))
        return sales, db.session.scalar(sa.select(sa.func.count(DebtPayment.id)))


def test_a_sale_on_account_is_owed_within_the_limit_and_paid_in_parts(
    client, auth, customer, on_account, pay
):
    cid = customer()
    sale = on_account(cid, "2")
    assert sale.status_code == 201, sale.get_json()
    body = sale.get_json()
    assert (body["method"], body["status"], body["customer_id"], body["total"]) == (
        "account",
        "paid",
        cid,
        "900.00",
    )
    assert body["customer_phone"] == "254712345678"
    detail = _detail(client, auth, cid)
    assert (detail["balance"], detail["available"]) == ("900.00", "100.00")
    # Over the limit: refused, saying by how much, and nothing recorded.
    refused = assert_problem(on_account(cid, "1"), 409, "customer_id")
    assert "at most KES 100.00 more" in refused["detail"]
    paid = pay(cid, "300.00")
    assert paid.status_code == 201 and paid.get_json()["balance"] == "600.00"
    assert_problem(pay(cid, "600.01"), 409, "amount")  # above the balance
    assert pay(cid, "600.00").get_json()["balance"] == "0.00"
    assert _detail(client, auth, cid)["open_debts"] == []


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({}, 422, "customer_id"),  # on account, but to whom?
        ({"customer_id": 999_999}, 422, "customer_id"),  # nobody
    ],
)
def test_a_sale_on_account_needs_a_known_customer(app, on_account, post_sale, products, extra, status, field):
    lines = [{"product_id": products["B20"], "quantity": "1"}]
    assert_problem(post_sale(method="account", lines=lines, **extra), status, field)
    assert _counts(app) == (0, 0)


def test_bad_payments_change_nothing(app, client, auth, customer, on_account, pay):
    cid = customer()
    on_account(cid, "1")
    assert_problem(pay(999_999, "10.00"), 422, "customer_id")  # unknown customer
    assert_problem(pay(cid, "450.01"), 409, "amount")  # more than owed
    assert_problem(pay(cid, "0"), 422, "amount")
    assert_problem(pay(cid, "1.005"), 422, "amount")
    assert _counts(app) == (1, 0)


def test_part_payments_from_two_devices_at_once_never_pass_the_balance(
    app, client, auth, customer, on_account
):
    cid = customer(limit="5000.00")
    on_account(cid, "2")  # 900 owed
    answers: list[int] = []
    start = threading.Barrier(8)

    def device():
        own = app.test_client()
        start.wait()
        answer = own.post(
            f"/api/payments/businesses/water/customers/{cid}/payments",
            json={"amount": "200.00"},
            headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
        )
        answers.append(answer.status_code)

    threads = [threading.Thread(target=device) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] * 4 + [409] * 4  # 4 × 200 fit in 900; the 5th would not
    with app.app_context():
        paid = db.session.scalar(sa.select(sa.func.sum(DebtPayment.amount)))
        sold = db.session.scalar(sa.select(sa.func.sum(Sale.total)).where(Sale.method == "account"))
    assert str(paid) == "800.00"
    assert _detail(client, auth, cid)["balance"] == str(sold - paid) == "100.00"


def test_sales_on_account_from_two_devices_at_once_stay_within_the_limit(
    app, client, auth, customer, products
):
    cid = customer(limit="1000.00")
    answers: list[int] = []
    start = threading.Barrier(4)

    def device():
        own = app.test_client()
        start.wait()
        answer = own.post(
            "/api/payments/businesses/water/sales",
            json={
                "method": "account",
                "customer_id": cid,
                "lines": [{"product_id": products["B20"], "quantity": "1"}],
            },
            headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
        )
        answers.append(answer.status_code)

    threads = [threading.Thread(target=device) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201, 409, 409]
    assert _detail(client, auth, cid)["balance"] == "900.00"


def test_a_paybill_payment_naming_the_customer_settles_the_oldest_debt(
    app, client, auth, customer, on_account
):
    cid = customer()
    on_account(cid, "1")  # the oldest debt
    second = on_account(cid, "1").get_json()["id"]
    for account in ("0712 345 678", f"c{cid}"):
        trans = f"RKT{account[-3:].strip()}X"
        confirmed = client.post(f"{HOOK}/c2b/confirmation", json=c2b_body(trans, "450.00", account))
        assert confirmed.get_json()["ResultCode"] == 0
        debts = {d["sale_id"]: d["outstanding"] for d in _detail(client, auth, cid)["open_debts"]}
        if account.startswith("0"):
            assert debts == {second: "450.00"}  # the oldest went first
    assert _detail(client, auth, cid)["balance"] == "0.00"
    # Above the balance, or naming nobody: kept unmatched for the owner, the debt unchanged.
    client.post(f"{HOOK}/c2b/confirmation", json=c2b_body("RKTOVER1", "10.00", f"C{cid}"))
    client.post(f"{HOOK}/c2b/confirmation", json=c2b_body("RKTNOBODY", "10.00", "C999999"))
    with app.app_context():
        payments = {p.receipt: (p.status, p.customer_id) for p in db.session.scalars(sa.select(MpesaPayment))}
    assert payments["RKTOVER1"] == ("unmatched", None) and payments["RKTNOBODY"] == ("unmatched", None)
    statement = client.get(f"{CUSTOMERS}/{cid}/statement", headers=auth()).get_json()["entries"]
    assert [(e["kind"], e["balance"]) for e in statement] == [
        ("sale", "450.00"),
        ("sale", "900.00"),
        ("payment", "450.00"),
        ("payment", "0.00"),
    ]
    assert statement[2]["receipt"] == "RKT678X" and statement[2]["method"] == "mpesa"


def test_an_mpesa_prompt_for_the_balance_pays_the_debt_once(app, client, auth, customer, on_account, daraja):
    cid = customer()
    on_account(cid, "2")
    url = f"/api/payments/businesses/water/customers/{cid}/stk-push"
    assert_problem(client.post(url, json={"amount": "900.01"}, headers=auth()), 409, "amount")
    assert_problem(client.post(url, json={"amount": "100.50"}, headers=auth()), 422, "amount")
    pushed = client.post(url, json={"amount": "500"}, headers=auth())
    assert pushed.status_code == 201, pushed.get_json()
    payment = pushed.get_json()
    assert (payment["amount"], payment["phone"], payment["sale_id"]) == ("500.00", "254712345678", None)
    assert_problem(client.post(url, json={}, headers=auth()), 409)  # one prompt at a time
    for _ in range(2):  # a resent callback changes nothing more
        post_callback(client, stk_body(payment["checkout_request_id"], amount=500, receipt="RKTSTK0001"))
    with app.app_context():
        for callback_id in db.session.scalars(sa.select(MpesaCallback.id)).all():
            stk_callbacks.apply_callback(callback_id)
    assert _detail(client, auth, cid)["balance"] == "400.00"
    status = client.get(f"/api/payments/mpesa/{payment['id']}", headers=auth()).get_json()
    assert status["status"] == "paid"
    # The rest, for the whole balance by default, to the customer's own phone.
    rest = client.post(url, json={}, headers=auth())
    assert rest.get_json()["amount"] == "400.00"


def test_voids_and_refunds_of_a_sale_on_account_lower_the_debt(client, auth, customer, on_account, pay):
    cid = customer(limit="5000.00")
    voided = on_account(cid, "1").get_json()
    kept = on_account(cid, "2").get_json()
    answer = client.post(
        f"/api/payments/sales/{voided['id']}/void", json={"reason": "typed twice"}, headers=auth()
    )
    assert answer.status_code == 200
    assert _detail(client, auth, cid)["balance"] == "900.00"
    refund = client.post(
        f"/api/payments/sales/{kept['id']}/refunds",
        json={
            "channel": "account",
            "reason": "one returned",
            "lines": [{"sale_line_id": kept["lines"][0]["id"], "quantity": "1"}],
        },
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert refund.status_code == 201, refund.get_json()
    assert _detail(client, auth, cid)["balance"] == "450.00"
    pay(cid, "100.00")
    # The customer paid part: voiding the rest would owe them money, so it is refused.
    assert_problem(
        client.post(f"/api/payments/sales/{kept['id']}/void", json={"reason": "x"}, headers=auth()), 409
    )
    kinds = [
        (e["kind"], e["change"])
        for e in client.get(f"{CUSTOMERS}/{cid}/statement", headers=auth()).get_json()["entries"]
    ]
    assert kinds == [
        ("sale", "450.00"),
        ("sale", "900.00"),
        ("void", "-450.00"),
        ("refund", "-450.00"),
        ("payment", "-100.00"),
    ]


def test_a_cash_sale_cannot_be_refunded_off_an_account(client, auth, post_sale, products):
    sale = post_sale(lines=[{"product_id": products["B20"], "quantity": "1"}]).get_json()
    answer = client.post(
        f"/api/payments/sales/{sale['id']}/refunds",
        json={"channel": "account", "reason": "x"},
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert_problem(answer, 422, "channel")


def test_ageing_by_nairobi_business_day_and_the_total_owed(app, client, auth, customer, on_account):
    cid = customer(limit="5000.00")
    other = customer("0722000111", "Juma", limit="5000.00")
    ids = [on_account(cid, "1").get_json()["id"] for _ in range(3)] + [
        on_account(other, "1").get_json()["id"]
    ]
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        for sale_id, days in zip(ids, (31, 8, 0, 7), strict=True):
            db.session.execute(
                sa.update(Sale).where(Sale.id == sale_id).values(created_at=now - dt.timedelta(days=days))
            )
        db.session.commit()
    assert _detail(client, auth, cid)["ageing"] == {
        "days_0_7": "450.00",
        "days_8_30": "450.00",
        "over_30": "450.00",
    }
    owed = client.get("/api/payments/debts", headers=auth())
    assert owed.status_code == 200
    body = owed.get_json()
    assert (body["total"], body["customers_count"]) == ("1800.00", 2)
    assert body["ageing"] == {"days_0_7": "900.00", "days_8_30": "450.00", "over_30": "450.00"}
    assert [i["customer"]["id"] for i in body["items"]] == [cid, other]
    assert_problem(client.get("/api/payments/debts", headers=auth("staff", ["water"])), 403)


def test_credit_sales_bring_no_cash_to_the_shift_but_cash_paid_on_debts_does(
    client, auth, customer, on_account, pay
):
    opened = client.post(
        "/api/payments/businesses/water/shifts", json={"float": "100.00"}, headers=auth()
    ).get_json()
    cid = customer()
    on_account(cid, "2")
    pay(cid, "300.00")
    shift = client.get(f"/api/payments/shifts/{opened['id']}", headers=auth()).get_json()
    assert (shift["cash_sales"], shift["account_sales"], shift["debt_cash"]) == ("0.00", "900.00", "300.00")
    assert shift["expected"] == "400.00"


def test_the_owner_sends_a_payment_reminder_once_in_the_customers_language(
    app, client, auth, customer, on_account
):
    from payments.message_models import Message

    cid = customer()
    url = f"{CUSTOMERS}/{cid}/reminder"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert_problem(client.post(url, headers={**auth(), **key}), 409)  # owes nothing yet
    on_account(cid, "2")
    client.patch(f"{CUSTOMERS}/{cid}", json={"language": "sw"}, headers=auth())
    assert_problem(client.post(url, headers={**auth("staff", ["water"]), **key}), 403)
    sent = [client.post(url, headers={**auth(), **key}) for _ in range(2)]  # a retried tap
    assert [s.status_code for s in sent] == [201, 201]
    body = sent[0].get_json()
    assert (body["kind"], body["phone"], body["language"], body["customer_id"]) == (
        "payment_reminder",
        "254712345678",
        "sw",
        cid,
    )
    assert "900.00" in body["body"] and "deni" in body["body"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 1


def test_ageing_counts_nairobi_business_days_not_hours(app, customer, on_account):
    from payments.services import credit

    cid = customer(limit="5000.00")
    ids = [on_account(cid, "1").get_json()["id"] for _ in range(3)]
    utc = dt.UTC
    # 00:30 in Nairobi on 11 January: the sales were at 23:30 on the 10th, 00:30 on the 4th, 23:30 on the 3rd.
    now = dt.datetime(2026, 1, 10, 21, 30, tzinfo=utc)
    made = (dt.datetime(2026, 1, 10, 20, 30, tzinfo=utc), dt.datetime(2026, 1, 3, 21, 30, tzinfo=utc))
    made += (dt.datetime(2026, 1, 3, 20, 30, tzinfo=utc),)
    with app.app_context():
        for sale_id, at in zip(ids, made, strict=True):
            db.session.execute(sa.update(Sale).where(Sale.id == sale_id).values(created_at=at))
        db.session.commit()
        debts = credit.debts(cid, now)
        assert sorted(d.age_days for d in debts) == [1, 7, 8]  # one hour old is yesterday's
        assert credit.ageing(debts) == {
            "days_0_7": Decimal("900.00"),
            "days_8_30": Decimal("450.00"),
            "over_30": Decimal("0.00"),
        }


def test_a_laundry_order_on_account_not_collected_is_not_owed_and_can_be_voided(
    client, auth, customer, post_sale, products
):
    cid = customer()
    order = post_sale(
        business="laundry",
        method="account",
        customer_id=cid,
        lines=[{"product_id": products["WKG"], "quantity": "2"}],
    ).get_json()
    assert order["status"] == "pending" and _detail(client, auth, cid)["balance"] == "0.00"
    voided = client.post(
        f"/api/payments/sales/{order['id']}/void", json={"reason": "brought by mistake"}, headers=auth()
    )
    assert voided.status_code == 200 and voided.get_json()["status"] == "voided"
    entries = client.get(f"{CUSTOMERS}/{cid}/statement", headers=auth()).get_json()["entries"]
    assert [(e["kind"], e["change"], e["balance"]) for e in entries] == [("sale", "0.00", "0.00")]

"""Money out and closing the day: expenses, categories, shifts and their expected cash."""

import uuid

import sqlalchemy as sa

from payments.models import Expense, ExpenseCategory, Shift, db
from support.problems import assert_problem

STAFF = 7


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _category(client, auth, name="Transport") -> int:
    response = client.post("/api/payments/expense-categories", json={"name": name}, headers=auth())
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def _expense(client, headers, business="water", key=None, **body):
    return client.post(
        f"/api/payments/businesses/{business}/expenses",
        json=body,
        headers={**headers, "Idempotency-Key": str(key or uuid.uuid4())},
    )


def test_expected_cash_matches_a_hand_computed_shift(client, auth, post_sale, products):
    staff = auth("staff", ["water"], STAFF)
    transport = _category(client, auth)
    opened = client.post("/api/payments/businesses/water/shifts", json={"float": "500.00"}, headers=staff)
    assert opened.status_code == 201, opened.get_data(as_text=True)
    shift_id = opened.get_json()["id"]

    def sell(method, sku, quantity, **extra):
        response = client.post(
            "/api/payments/businesses/water/sales",
            json={"method": method, "lines": [{"product_id": products[sku], "quantity": quantity}], **extra},
            headers={**staff, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    refunded = sell("cash", "R20", "3")  # 150.00
    sell("cash", "B20", "1")  # 450.00
    sell("mpesa", "R20", "1")  # pending M-Pesa: not cash in the drawer
    post_sale(lines=[{"product_id": products["R20"], "quantity": "10"}])  # the owner's, no shift
    paid_out = _expense(client, staff, category_id=transport, amount="120.50", paid_from="till", note="boda")
    assert paid_out.status_code == 201 and paid_out.get_json()["shift_id"] == shift_id
    assert _expense(client, staff, category_id=transport, amount="99", paid_from="mpesa").status_code == 201
    line = refunded["lines"][0]["id"]
    refund = client.post(
        f"/api/payments/sales/{refunded['id']}/refunds",
        json={"channel": "cash", "reason": "leaking", "lines": [{"sale_line_id": line, "quantity": "1"}]},
        headers={**staff, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert refund.status_code == 201, refund.get_data(as_text=True)  # 50.00 back from the till
    voided = sell("cash", "R20", "1")
    assert (
        client.post(
            f"/api/payments/sales/{voided['id']}/void", json={"reason": "typo"}, headers=auth()
        ).status_code
        == 200
    )

    # 500 float + 600 cash sales (the voided one is out) - 50 refunded - 120.50 paid out = 929.50;
    # counted 920 → 9.50 short.
    closed = client.post(
        f"/api/payments/shifts/{shift_id}/close",
        json={"counted": "920.00", "pending_sales": 1},
        headers=staff,
    )
    assert closed.status_code == 200, closed.get_data(as_text=True)
    z = closed.get_json()
    assert (z["cash_sales"], z["cash_sales_count"], z["payouts"]) == ("600.00", 2, "120.50")
    assert (z["expected"], z["difference"], z["pending_at_close"]) == ("929.50", "-9.50", 1)
    assert (z["cash_refunds"], z["cash_refunds_count"]) == ("50.00", 1)
    assert z["correction"] == "0.00"

    # The sale that was waiting in the phone's outbox arrives after the close: the shift corrects.
    sell("cash", "R20", "2", shift_id=shift_id)
    late = client.get(f"/api/payments/shifts/{shift_id}", headers=staff).get_json()
    assert (late["expected"], late["expected_at_close"], late["correction"]) == (
        "1029.50",
        "929.50",
        "100.00",
    )
    assert (late["difference"], late["difference_at_close"], late["late_sales_count"]) == (
        "-109.50",
        "-9.50",
        1,
    )

    again = client.post(f"/api/payments/shifts/{shift_id}/close", json={"counted": "1.00"}, headers=staff)
    assert_problem(again, 409)
    listed = client.get("/api/payments/businesses/all/shifts", headers=auth()).get_json()["items"]
    assert [(s["id"], s["opened_by"], s["counted"]) for s in listed] == [(shift_id, STAFF, "920.00")]


def test_bad_money_out_is_refused_and_changes_nothing(app, client, auth):
    staff = auth("staff", ["water"], STAFF)
    transport = _category(client, auth)
    cases = [
        ({"category_id": transport, "amount": "-5", "paid_from": "till"}, "amount"),
        ({"category_id": transport, "amount": "0", "paid_from": "till"}, "amount"),
        ({"category_id": transport, "amount": "10.005", "paid_from": "till"}, "amount"),
        ({"category_id": 999999, "amount": "10", "paid_from": "till"}, "category_id"),
        ({"category_id": transport, "amount": "10", "paid_from": "pocket"}, "paid_from"),
    ]
    for body, field in cases:
        assert_problem(_expense(client, staff, **body), 422, field)
    assert_problem(
        _expense(client, staff, business="retail", category_id=transport, amount="1", paid_from="till"), 403
    )
    client.patch(f"/api/payments/expense-categories/{transport}", json={"active": False}, headers=auth())
    archived = _expense(client, staff, category_id=transport, amount="10", paid_from="till")
    assert_problem(archived, 422, "category_id")
    assert_problem(client.post("/api/payments/expense-categories", json={"name": "x"}, headers=staff), 403)
    assert_problem(
        client.post("/api/payments/expense-categories", json={"name": "TRANSPORT"}, headers=auth()), 409
    )
    assert_problem(client.get("/api/payments/businesses/water/expenses", headers=staff), 403)
    for query in ("from=0001-01-01", "to=9999-12-31", "from=2026-02-01&to=2026-01-01"):
        assert_problem(client.get(f"/api/payments/businesses/all/shifts?{query}", headers=auth()), 422)
    bad_float = client.post("/api/payments/businesses/water/shifts", json={"float": "-1"}, headers=staff)
    assert_problem(bad_float, 422, "float")
    assert _count(app, Expense) == 0 and _count(app, Shift) == 0 and _count(app, ExpenseCategory) == 1


def test_an_expense_is_recorded_once_per_key_and_listed_for_the_owner(app, client, auth):
    staff = auth("staff", ["water"], STAFF)
    rent = _category(client, auth, "Rent")
    key = uuid.uuid4()
    first = _expense(client, staff, key=key, category_id=rent, amount="2500", paid_from="mpesa")
    again = _expense(client, staff, key=key, category_id=rent, amount="2500", paid_from="mpesa")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json() and first.get_json()["created_by_name"] == f"user{STAFF}"
    other = _expense(client, staff, key=key, category_id=rent, amount="25", paid_from="mpesa")
    assert_problem(other, 422, "Idempotency-Key")
    listed = client.get(
        f"/api/payments/businesses/all/expenses?category_id={rent}", headers=auth()
    ).get_json()
    assert (listed["total"], listed["count"], listed["items"][0]["category"]) == ("2500.00", 1, "Rent")
    assert _count(app, Expense) == 1


def test_a_second_open_shift_and_a_stranger_closing_are_refused(app, client, auth):
    staff = auth("staff", ["water"], STAFF)
    opened = client.post("/api/payments/businesses/water/shifts", json={"float": "0"}, headers=staff)
    assert opened.status_code == 201
    assert_problem(
        client.post("/api/payments/businesses/water/shifts", json={"float": "0"}, headers=staff), 409
    )
    shift_id = opened.get_json()["id"]
    stranger = auth("staff", ["water"], STAFF + 1)
    assert_problem(
        client.post(f"/api/payments/shifts/{shift_id}/close", json={"counted": "0"}, headers=stranger), 403
    )
    current = client.get("/api/payments/businesses/water/shifts/current", headers=staff).get_json()
    assert current["shift"]["id"] == shift_id and current["shift"]["closed_at"] is None
    assert _count(app, Shift) == 1

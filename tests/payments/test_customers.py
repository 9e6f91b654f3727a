"""Customers: added by phone and name (normalised, once per phone), found by a few digits or letters."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from payments.models import db as payments_db
from payments.services import customers
from support.problems import assert_problem

URL = "/api/payments/customers"


@pytest.fixture
def add(client, auth):
    def post(phone, name, role="staff", businesses=("water",)):
        return client.post(URL, json={"phone": phone, "name": name}, headers=auth(role, list(businesses)))

    return post


def test_a_customer_is_a_normalised_phone_and_a_name_added_once(add, client, auth):
    first = add("0712 345-678", "Mama Njeri")
    assert first.status_code == 201
    body = first.get_json()
    assert body["phone"] == "254712345678" and body["name"] == "Mama Njeri"
    assert body["number"] == f"C{body['id']}" and body["balance"] == "0.00" and body["credit_limit"] == "0.00"
    # The same phone written another way is the same person: answered, not added again.
    again = add("+254712345678", "Njeri")
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert again.get_json()["name"] == "Mama Njeri" and again.get_json()["language"] == "en"
    # Staff of another business find them too: customers are shared by the owner's businesses.
    got = client.get(f"{URL}/{body['id']}", headers=auth("staff", ["laundry"]))
    assert got.status_code == 200
    assert got.get_json()["ageing"] == {"days_0_7": "0.00", "days_8_30": "0.00", "over_30": "0.00"}
    url = f"{URL}/{body['id']}"
    changed = client.patch(
        url, json={"name": "Njeri Wambui", "language": "sw"}, headers=auth("staff", ["water"])
    )
    assert (changed.get_json()["name"], changed.get_json()["language"]) == ("Njeri Wambui", "sw")
    assert_problem(client.patch(url, json={}, headers=auth()), 422)
    assert_problem(client.patch(url, json={"language": "fr"}, headers=auth()), 422, "language")
    # Only the owner gives credit, even to a new customer.
    assert_problem(
        client.post(
            URL, json={"phone": "0722000111", "name": "J", "credit_limit": "1"}, headers=auth("staff")
        ),
        403,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12345", "name": "Juma"}, "phone"),
        ({"phone": "0712345678", "name": ""}, "name"),
        ({"phone": "0712345678", "name": "x" * 81}, "name"),
        ({"name": "Juma"}, "phone"),
    ],
)
def test_bad_customers_are_refused_and_nothing_is_added(client, auth, app, body, field):
    assert_problem(client.post(URL, json=body, headers=auth("staff", ["water"])), 422, field)
    with app.app_context():
        assert payments_db.session.scalar(sa.text("SELECT count(*) FROM customers")) == 0


def test_a_few_digits_or_letters_find_the_customer(add, client, auth):
    ids = {
        name: add(phone, name).get_json()["id"]
        for phone, name in (
            ("0712345678", "Mama Njeri"),
            ("0722000111", "Juma Otieno"),
            ("0110999888", "Njoroge Kamau"),
        )
    }

    def found(q):
        answer = client.get(URL, query_string={"q": q}, headers=auth("staff", ["water"]))
        assert answer.status_code == 200
        return sorted(c["name"] for c in answer.get_json()["items"])

    assert found("0712") == ["Mama Njeri"]  # how a number starts
    assert found("254722") == ["Juma Otieno"]
    assert found("888") == ["Njoroge Kamau"]  # how it ends
    assert found("nje") == ["Mama Njeri"]  # the start of any word of the name
    assert found("NJ") == ["Mama Njeri", "Njoroge Kamau"]
    assert found("jum oti") == ["Juma Otieno"]
    assert found(f"c{ids['Juma Otieno']}") == ["Juma Otieno"]  # the customer number
    assert found("71") == []  # too few digits to mean anything
    assert found("zzz") == []
    assert len(client.get(URL, headers=auth()).get_json()["items"]) == 3  # the list: everyone


@pytest.mark.parametrize("q", ["0712", "5678", "nje"])
def test_search_reads_an_index_not_the_whole_table(app, q):
    with app.app_context():
        connection = payments_db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        compiled = customers.search_statement(q).compile(dialect=connection.dialect)
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
        payments_db.session.rollback()
    assert "Index Cond" in plan or "Recheck Cond" in plan, plan


def test_only_the_owner_sets_a_credit_limit(add, client, auth):
    customer = add("0712345678", "Mama Njeri").get_json()
    url = f"{URL}/{customer['id']}/credit-limit"
    assert_problem(client.put(url, json={"credit_limit": "500.00"}, headers=auth("staff", ["water"])), 403)
    assert_problem(client.put(url, json={"credit_limit": "-1"}, headers=auth()), 422, "credit_limit")
    answer = client.put(url, json={"credit_limit": "500.00"}, headers=auth())
    assert answer.status_code == 200
    assert answer.get_json()["credit_limit"] == "500.00" and answer.get_json()["available"] == "500.00"
    assert_problem(client.put(f"{URL}/999999/credit-limit", json={"credit_limit": "1"}, headers=auth()), 422)

"""Cost prices: owner-only, with their history, published to payments through v_products."""

import sqlalchemy as sa

from inventory.models import db
from support.problems import assert_problem

BASE = "/api/inventory"


def test_cost_changes_keep_their_history_and_reach_the_view(client, auth, make_product):
    sugar = make_product()
    url = f"{BASE}/products/{sugar.id}/cost"
    assert client.put(url, headers=auth(), json={"cost": "120.00"}).status_code == 200
    assert client.put(url, headers=auth(), json={"cost": "120.00"}).status_code == 200  # same: no new row
    history = client.put(url, headers=auth(), json={"cost": "131.50"}).get_json()["items"]
    assert [h["cost"] for h in history] == ["131.50", "120.00"]
    listed = client.get(f"{BASE}/products/{sugar.id}/costs", headers=auth()).get_json()["items"]
    assert listed == history
    view = db.session.execute(
        sa.text("SELECT cost FROM inventory.v_products WHERE id = :id"), {"id": sugar.id}
    )
    assert str(view.scalar_one()) == "131.50"


def test_bad_costs_and_staff_are_refused(client, auth, make_product):
    sugar = make_product()
    url = f"{BASE}/products/{sugar.id}/cost"
    assert_problem(client.put(url, headers=auth(), json={"cost": "-1"}), 422, "cost")
    assert_problem(client.put(url, headers=auth(), json={"cost": "1.005"}), 422, "cost")
    assert_problem(client.put(url, headers=auth("staff"), json={"cost": "1"}), 403)
    assert_problem(client.get(f"{BASE}/products/{sugar.id}/costs", headers=auth("staff")), 403)
    assert client.get(f"{BASE}/products/{sugar.id}/costs", headers=auth()).get_json()["items"] == []


def test_the_owner_lists_prices_with_costs_and_staff_may_not(client, auth, make_product):
    sugar = make_product()
    make_product(sku="SALT", price="40.00")
    client.put(f"{BASE}/products/{sugar.id}/cost", headers=auth(), json={"cost": "150.00"})
    items = client.get(f"{BASE}/businesses/retail/costs", headers=auth()).get_json()["items"]
    assert [(i["name"], i["price"], i["cost"]) for i in items] == [
        ("Salt", "40.00", None),
        ("Sugar", "180.00", "150.00"),
    ]
    assert_problem(client.get(f"{BASE}/businesses/retail/costs", headers=auth("staff")), 403)

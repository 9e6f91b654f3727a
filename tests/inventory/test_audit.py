"""The owner's changes to products, prices and stock are kept with who, when, before and after."""

from support.problems import assert_problem

BASE = "/api/inventory"


def test_a_price_change_and_a_write_off_are_in_the_audit_newest_first(client, auth, make_product):
    sugar = make_product(stock="10")
    assert (
        client.put(f"{BASE}/products/{sugar.id}/price", headers=auth(), json={"price": "199.99"}).status_code
        == 200
    )
    body = {"product_id": sugar.id, "kind": "write_off", "quantity": "2", "reason": "Wet sacks"}
    assert client.post(f"{BASE}/businesses/retail/movements", headers=auth(), json=body).status_code == 201
    entries = client.get(f"{BASE}/audit", headers=auth()).get_json()
    write_off, price = entries[0], entries[1]
    assert (price["action"], price["before"], price["after"]) == (
        "price_changed",
        {"price": "180.00"},
        {"price": "199.99"},
    )
    assert price["actor_id"] == 1 and price["actor_name"] == "user1" and price["business"] == "retail"
    assert write_off["action"] == "stock_write_off"
    assert write_off["before"] == {"stock_level": "10.000"}
    assert write_off["after"] == {"stock_level": "8.000", "reason": "Wet sacks"}
    older = client.get(f"{BASE}/audit?before_id={write_off['id']}", headers=auth()).get_json()
    assert [e["id"] for e in older] == [e["id"] for e in entries[1:]]


def test_a_refused_change_leaves_no_entry_and_staff_cannot_read_the_audit(client, auth, make_product):
    sugar = make_product(stock="1")
    body = {"product_id": sugar.id, "kind": "write_off", "quantity": "5", "reason": "Lost"}
    assert_problem(client.post(f"{BASE}/businesses/retail/movements", headers=auth(), json=body), 409)
    before = client.get(f"{BASE}/audit", headers=auth()).get_json()
    assert [e["action"] for e in before] == ["product_added"]  # not the refused write-off
    assert_problem(client.get(f"{BASE}/audit", headers=auth("staff", ["retail"], user_id=2)), 403)
    assert_problem(client.get(f"{BASE}/audit?limit=0", headers=auth()), 422, "limit")

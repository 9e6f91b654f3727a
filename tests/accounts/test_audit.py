"""The owner's changes to businesses and staff are kept with who, when, before and after."""

from support.problems import assert_problem


def test_staff_and_business_changes_are_in_the_audit(client, owner, login):
    added = client.post(
        "/api/auth/users",
        json={"username": "otieno", "display_name": "Otieno", "businesses": ["water"]},
        headers=owner,
    ).get_json()
    client.patch(f"/api/auth/users/{added['user']['id']}", json={"active": False}, headers=owner)
    client.patch("/api/auth/businesses/water", json={"name": "Maji Safi"}, headers=owner)
    entries = client.get("/api/auth/audit", headers=owner).get_json()
    assert [(e["action"], e["subject"]) for e in entries] == [
        ("business_changed", "business:water"),
        ("user_changed", "user:otieno"),
        ("user_added", "user:otieno"),
    ]
    renamed, disabled, _ = entries
    assert (renamed["before"]["name"], renamed["after"]["name"]) == ("Water Refills", "Maji Safi")
    assert (disabled["before"]["active"], disabled["after"]["active"]) == (True, False)
    assert disabled["actor_name"] == "wanjiku" and disabled["at"]
    assert "one_time_code" not in str(entries) and added["one_time_code"] not in str(entries)


def test_only_the_owner_reads_it_and_a_refused_change_is_not_in_it(client, owner, login):
    code = client.post(
        "/api/auth/users",
        json={"username": "amina", "display_name": "A", "businesses": ["water"]},
        headers=owner,
    ).get_json()["one_time_code"]
    assert_problem(client.get("/api/auth/audit", headers=login("amina", code)), 403)
    assert_problem(
        client.post("/api/auth/businesses", json={"name": "x", "kind": "bakery"}, headers=owner), 422
    )
    assert [e["action"] for e in client.get("/api/auth/audit", headers=owner).get_json()] == ["user_added"]

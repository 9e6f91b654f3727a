"""The owner's businesses: data, not code. Open one of a kind, rename, archive; tokens follow."""

import jwt
import pytest

from support.problems import assert_problem


def _codes(client, headers):
    return [b["code"] for b in client.get("/api/auth/businesses", headers=headers).get_json()]


def test_todays_three_are_there_with_their_kinds(client, owner):
    listed = client.get("/api/auth/businesses", headers=owner).get_json()
    assert {(b["code"], b["kind"], b["archived"]) for b in listed} == {
        ("water", "water", False),
        ("laundry", "laundry", False),
        ("retail", "shop", False),
    }


def test_opening_a_business_gives_it_a_code_and_the_owner_works_in_it_after_a_refresh(client, owner):
    created = client.post("/api/auth/businesses", json={"name": "Mama's Duka", "kind": "shop"}, headers=owner)
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {
        "code": "mama-s-duka",
        "name": "Mama's Duka",
        "kind": "shop",
        "archived": False,
    }
    refreshed = client.post("/api/auth/refresh", headers=owner)
    assert refreshed.status_code == 200
    claims = jwt.decode(refreshed.get_json()["token"], options={"verify_signature": False})
    assert "mama-s-duka" in claims["biz"]
    assert_problem(client.get("/api/auth/me", headers=owner), 401)  # the old token ended with the refresh


def test_a_second_business_of_a_similar_name_gets_its_own_code(client, owner):
    client.post("/api/auth/businesses", json={"name": "Kiosk", "kind": "shop"}, headers=owner)
    second = client.post("/api/auth/businesses", json={"name": "Kiosk!", "kind": "water"}, headers=owner)
    assert second.status_code == 201 and second.get_json()["code"] == "kiosk-2"


@pytest.mark.parametrize(
    "body,status,field",
    [
        ({"name": "Bakery", "kind": "bakery"}, 422, "kind"),
        ({"name": "", "kind": "shop"}, 422, "name"),
        ({"kind": "shop"}, 422, "name"),
        ({"name": "laundry", "kind": "laundry"}, 409, None),  # same name as an existing one
    ],
)
def test_bad_new_business_is_refused_and_changes_nothing(client, owner, body, status, field):
    before = _codes(client, owner)
    assert_problem(client.post("/api/auth/businesses", json=body, headers=owner), status, field)
    assert _codes(client, owner) == before


def test_rename_and_archive_keep_the_code(client, owner):
    renamed = client.patch("/api/auth/businesses/water", json={"name": "Maji Safi"}, headers=owner)
    assert renamed.get_json()["name"] == "Maji Safi" and renamed.get_json()["code"] == "water"
    archived = client.patch("/api/auth/businesses/water", json={"archived": True}, headers=owner)
    assert archived.get_json()["archived"] is True
    assert_problem(client.patch("/api/auth/businesses/nowhere", json={"name": "X"}, headers=owner), 404)


def test_staff_token_leaves_out_archived_businesses_the_owners_keeps_them(client, owner, login):
    staff = client.post(
        "/api/auth/users",
        json={"username": "otieno", "display_name": "Otieno", "businesses": ["water", "laundry"]},
        headers=owner,
    ).get_json()
    client.patch("/api/auth/businesses/water", json={"archived": True}, headers=owner)
    staff_token = login("otieno", staff["one_time_code"])["Authorization"].split()[1]
    owner_token = client.post("/api/auth/refresh", headers=owner).get_json()["token"]
    assert jwt.decode(staff_token, options={"verify_signature": False})["biz"] == ["laundry"]
    assert "water" in jwt.decode(owner_token, options={"verify_signature": False})["biz"]


def test_staff_cannot_reach_the_owners_business_actions(client, owner, login):
    code = client.post(
        "/api/auth/users",
        json={"username": "otieno", "display_name": "O", "businesses": ["water"]},
        headers=owner,
    ).get_json()["one_time_code"]
    staff = login("otieno", code)
    assert_problem(client.get("/api/auth/businesses", headers=staff), 403)
    assert_problem(
        client.post("/api/auth/businesses", json={"name": "Mine", "kind": "shop"}, headers=staff), 403
    )
    assert_problem(client.patch("/api/auth/businesses/water", json={"name": "Mine"}, headers=staff), 403)

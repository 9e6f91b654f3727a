"""The owner's staff: add with a one-time code, change, disable (sessions end everywhere), reset;
anyone changes their own password; a shared phone switches user by PIN, rate-limited."""

import pytest

from support.problems import assert_problem

NEW = {"username": "otieno", "display_name": "Otieno", "phone": "0712 345 678", "businesses": ["water"]}


@pytest.fixture
def add(client, owner):
    def make(**changes) -> dict:
        response = client.post("/api/auth/users", json={**NEW, **changes}, headers=owner)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make


def _logins(client, owner):
    return sorted(u["username"] for u in client.get("/api/auth/users", headers=owner).get_json())


def test_new_staff_logs_in_once_with_the_code_then_chooses_a_password(client, add, login):
    added = add()
    assert added["user"]["phone"] == "254712345678" and added["user"]["active"] is True
    code = added["one_time_code"]
    first = client.post("/api/auth/login", json={"username": "otieno", "password": code}).get_json()
    assert first["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {first['token']}"}
    body = {"current_password": code, "new_password": "my-own-secret-1"}
    changed = client.put("/api/auth/me/password", json=body, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["user"]["must_change_password"] is False
    assert_problem(client.get("/api/auth/me", headers=headers), 401)  # the code's session ended
    assert_problem(client.post("/api/auth/login", json={"username": "otieno", "password": code}), 401)
    assert login("otieno", "my-own-secret-1")


@pytest.mark.parametrize(
    "changes,status,field",
    [
        ({"username": "wanjiku"}, 409, None),  # duplicate login
        ({"username": "Has Space"}, 422, "username"),
        ({"phone": "12345"}, 422, "phone"),
        ({"businesses": ["bakery"]}, 422, "businesses"),
        ({"businesses": []}, 422, "businesses"),
        ({"role": "boss"}, 422, "role"),
    ],
)
def test_bad_new_staff_is_refused_and_changes_nothing(client, owner, changes, status, field):
    before = _logins(client, owner)
    assert_problem(client.post("/api/auth/users", json={**NEW, **changes}, headers=owner), status, field)
    assert _logins(client, owner) == before


def test_own_password_change_needs_the_current_one(client, add, login):
    code = add()["one_time_code"]
    headers = login("otieno", code)
    body = {"current_password": "not-it-at-all", "new_password": "my-own-secret-1"}
    assert_problem(client.put("/api/auth/me/password", json=body, headers=headers), 422, "current_password")
    body = {"current_password": code, "new_password": "short"}
    assert_problem(client.put("/api/auth/me/password", json=body, headers=headers), 422, "new_password")
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # nothing changed


def test_disabling_ends_every_session_in_every_service(client, app_for, add, login, owner):
    user = add()["user"]
    code = _code(client, owner, user["id"])
    phone, tablet = login("otieno", code), login("otieno", code)
    inventory = app_for("inventory").test_client()
    products = "/api/inventory/businesses/water/products"
    assert inventory.get(products, headers=tablet).status_code == 200
    disabled = client.patch(f"/api/auth/users/{user['id']}", json={"active": False}, headers=owner)
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    for headers in (phone, tablet):
        assert_problem(client.get("/api/auth/session", headers=headers), 401)
        assert_problem(inventory.get(products, headers=headers), 401)
    assert_problem(client.post("/api/auth/login", json={"username": "otieno", "password": "x" * 8}), 401)


def _code(client, owner, user_id) -> str:
    response = client.post(f"/api/auth/users/{user_id}/password-reset", headers=owner)
    assert response.status_code == 200
    return response.get_json()["one_time_code"]


def test_a_password_reset_ends_the_old_sessions_and_the_old_password(client, add, login, owner):
    user = add()["user"]
    first = _code(client, owner, user["id"])
    headers = login("otieno", first)
    second = _code(client, owner, user["id"])
    assert_problem(client.get("/api/auth/me", headers=headers), 401)
    assert_problem(client.post("/api/auth/login", json={"username": "otieno", "password": first}), 401)
    assert login("otieno", second)


def test_changing_a_users_businesses_ends_their_sessions_a_rename_does_not(client, add, login, owner):
    user = add()["user"]
    headers = login("otieno", _code(client, owner, user["id"]))
    client.patch(f"/api/auth/users/{user['id']}", json={"display_name": "Otieno O."}, headers=owner)
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    changed = client.patch(f"/api/auth/users/{user['id']}", json={"businesses": ["laundry"]}, headers=owner)
    assert [b["code"] for b in changed.get_json()["businesses"]] == ["laundry"]
    assert_problem(client.get("/api/auth/me", headers=headers), 401)


def test_the_owner_cannot_disable_themselves(client, owner):
    me = client.get("/api/auth/me", headers=owner).get_json()
    assert_problem(client.patch(f"/api/auth/users/{me['id']}", json={"active": False}, headers=owner), 409)
    assert client.get("/api/auth/me", headers=owner).status_code == 200


def test_staff_cannot_reach_the_owners_staff_actions(client, add, login):
    user = add()
    staff = login("otieno", user["one_time_code"])
    uid = user["user"]["id"]
    assert_problem(client.get("/api/auth/users", headers=staff), 403)
    assert_problem(client.post("/api/auth/users", json={**NEW, "username": "x-y"}, headers=staff), 403)
    assert_problem(client.patch(f"/api/auth/users/{uid}", json={"role": "owner"}, headers=staff), 403)
    assert_problem(client.post(f"/api/auth/users/{uid}/password-reset", headers=staff), 403)


@pytest.fixture
def shop_phone(client, add, login):
    """Two staff of one shop; Amina has set PIN 4321; the phone is logged in as Otieno."""
    amina = add(username="amina", display_name="Amina")["one_time_code"]
    amina_headers = login("amina", amina)
    new = {"current_password": amina, "new_password": "amina-secret-1"}
    amina_headers = {
        "Authorization": "Bearer "
        + client.put("/api/auth/me/password", json=new, headers=amina_headers).get_json()["token"]
    }
    pin = client.put(
        "/api/auth/me/pin", json={"password": "amina-secret-1", "pin": "4321"}, headers=amina_headers
    )
    assert pin.status_code == 204
    code = add()["one_time_code"]
    return login("otieno", code)


def test_switching_by_pin_hands_the_phone_over(client, shop_phone):
    switched = client.post("/api/auth/switch", json={"username": "amina", "pin": "4321"}, headers=shop_phone)
    assert switched.status_code == 200 and switched.get_json()["user"]["username"] == "amina"
    assert_problem(client.get("/api/auth/me", headers=shop_phone), 401)  # the previous user's token ended


def test_a_pin_guessed_repeatedly_is_locked_out_and_changes_nothing(client, shop_phone):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        wrong = client.post("/api/auth/switch", json={"username": "amina", "pin": guess}, headers=shop_phone)
        assert_problem(wrong, 422, "pin")
    locked = client.post("/api/auth/switch", json={"username": "amina", "pin": "4321"}, headers=shop_phone)
    assert_problem(locked, 429)
    assert int(locked.headers["Retry-After"]) > 0
    assert client.get("/api/auth/me", headers=shop_phone).get_json()["username"] == "otieno"


def test_a_bad_pin_shape_is_422(client, shop_phone):
    for pin in ("12", "abcd", "1234567"):
        response = client.post("/api/auth/switch", json={"username": "amina", "pin": pin}, headers=shop_phone)
        assert_problem(response, 422, "pin")

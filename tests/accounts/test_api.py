"""accounts API: login, me, logout, and bad input in the shared error shape."""

import base64
import hashlib

import pytest

from accounts.services import create_user
from common.auth import REFUSALS, decode_token, revoke
from support.env import SECRET
from support.problems import assert_problem


@pytest.fixture
def client(app_for):
    app = app_for("accounts")
    with app.app_context():
        create_user("amina", "correct-horse-1", "staff", ["water"], "Amina")
    return app.test_client()


def login(client, username="amina", password="correct-horse-1"):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_login_returns_token_with_role_and_businesses(client):
    response = login(client, "AMINA")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["user"]["role"] == "staff"
    assert [b["code"] for b in body["user"]["businesses"]] == ["water"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "amina"


def test_password_is_stored_as_argon2id(app_for, client):
    from accounts.models import User, db

    with app_for("accounts").app_context():
        user = db.session.query(User).filter_by(username="amina").one()
        assert user.password_hash.startswith("$argon2id$")
        assert "correct-horse-1" not in user.password_hash


@pytest.mark.parametrize("username,password", [("amina", "wrong-password"), ("nobody", "correct-horse-1")])
def test_bad_credentials_are_401_with_the_same_message(client, username, password):
    body = assert_problem(login(client, username, password), 401)
    assert body["detail"] == "Wrong username or password."


def test_malformed_json_is_400(client):
    response = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert_problem(response, 400)


def test_wrong_type_is_422_naming_the_field(client):
    assert_problem(client.post("/api/auth/login", json={"username": 5, "password": "x"}), 422, "username")


def test_unknown_field_is_422_naming_the_field(client):
    response = client.post("/api/auth/login", json={"username": "amina", "password": "x", "admin": True})
    assert_problem(response, 422, "admin")


def test_missing_field_is_422(client):
    assert_problem(client.post("/api/auth/login", json={"username": "amina"}), 422, "password")


def test_logout_revokes_the_token(client):
    token = login(client).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/session", headers=headers).status_code == 204
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    body = assert_problem(client.get("/api/auth/me", headers=headers), 401)
    assert "logged out" in body["detail"]
    assert_problem(client.get("/api/auth/session", headers=headers), 401)  # what the gateway asks


def test_the_session_check_names_the_claims_bound_to_the_exact_header(client):
    # What the gateway keeps for a second per token (gateway/README.md, "Who is asking").
    token = login(client).get_json()["token"]
    header = f"Bearer {token}"
    answer = client.get("/api/auth/session", headers={"Authorization": header})
    assert answer.status_code == 204
    principal = decode_token(SECRET, token)
    assert answer.headers["X-Token-Claims"] == f"{principal.user_id}:staff:water"
    digest, expires = answer.headers["X-Token-Digest"].split(",")
    # nginx's secure_link form: base64url MD5 without padding, then the expiry in epoch seconds.
    assert digest == base64.urlsafe_b64encode(hashlib.md5(header.encode()).digest()).decode().rstrip("=")
    assert int(expires) == int(principal.expires_at.timestamp())


def test_a_refused_token_names_the_reason(app_for, client, token_for):
    token = login(client).get_json()["token"]
    refused = {
        "missing": None,
        "invalid": token.rsplit(".", 1)[0] + "." + "A" * 43,
        "expired": token_for("staff", ["water"], ttl=-10),
    }
    for reason, bad in refused.items():
        headers = {"Authorization": f"Bearer {bad}"} if bad else {}
        answer = client.get("/api/auth/session", headers=headers)
        assert assert_problem(answer, 401)["detail"] == REFUSALS[reason]
        assert answer.headers["X-Token-Refusal"] == reason
        assert "X-Token-Claims" not in answer.headers
    with app_for("accounts").app_context():
        revoke(decode_token(SECRET, token))
    answer = client.get("/api/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert answer.headers["X-Token-Refusal"] == "logged-out"


def test_deactivated_user_token_stops_working(app_for, client):
    from accounts.models import User, db

    headers = {"Authorization": f"Bearer {login(client).get_json()['token']}"}
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # the token works ...
    with app_for("accounts").app_context():
        db.session.query(User).filter_by(username="amina").one().active = False
        db.session.commit()
    assert_problem(client.get("/api/auth/me", headers=headers), 401)  # ... until the user is deactivated


def auth(client) -> dict:
    return {"Authorization": f"Bearer {login(client).get_json()['token']}"}


def test_login_and_me_carry_the_language_english_by_default(client):
    body = login(client).get_json()
    assert body["user"]["language"] == "en"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["language"] == "en"


def test_user_switches_to_swahili_and_it_is_kept(client):
    headers = auth(client)
    response = client.put("/api/auth/me/language", json={"language": "sw"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["language"] == "sw"
    assert client.get("/api/auth/me", headers=headers).get_json()["language"] == "sw"
    assert login(client).get_json()["user"]["language"] == "sw"


@pytest.mark.parametrize("language", ["fr", "SW", "", "english", 5, None])
def test_a_language_we_do_not_have_is_422_and_changes_nothing(client, language):
    headers = auth(client)
    response = client.put("/api/auth/me/language", json={"language": language}, headers=headers)
    assert_problem(response, 422, "language")
    assert client.get("/api/auth/me", headers=headers).get_json()["language"] == "en"


def test_changing_the_language_needs_a_login(client):
    assert_problem(client.put("/api/auth/me/language", json={"language": "sw"}), 401)


def test_language_body_must_be_json_with_only_the_language(client):
    headers = auth(client)
    assert_problem(
        client.put("/api/auth/me/language", json={"language": "sw", "x": 1}, headers=headers), 422, "x"
    )
    assert_problem(client.put("/api/auth/me/language", json={}, headers=headers), 422, "language")
    response = client.put("/api/auth/me/language", data="{", content_type="application/json", headers=headers)
    assert_problem(response, 400)

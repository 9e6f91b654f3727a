"""A process verifies each token once (common.auth), and that changes nothing a caller can see:
expiry, logout, ended sessions and forgeries are refused exactly as before."""

import time

from common.auth import decode_token, end_sessions, issue_token, revoke
from support.env import SECRET
from support.problems import assert_problem

PRODUCTS = "/api/inventory/businesses/water/products"


def _get(client, token):
    return client.get(PRODUCTS, headers={"Authorization": f"Bearer {token}"})


def test_a_verified_token_still_expires_on_the_second(app_for):
    client = app_for("inventory").test_client()
    token, expires = issue_token(SECRET, 1, "user1", "owner", ["water"], ttl_seconds=2)
    assert _get(client, token).status_code == 200
    assert _get(client, token).status_code == 200  # verified by now, taken on that
    time.sleep(max(0.0, expires.timestamp() - time.time()) + 0.05)
    body = assert_problem(_get(client, token), 401)
    assert "expired" in body["detail"]


def test_a_verified_token_logged_out_is_refused_at_its_next_request(app_for):
    client = app_for("inventory").test_client()
    token, _ = issue_token(SECRET, 1, "user1", "owner", ["water"], ttl_seconds=600)
    assert _get(client, token).status_code == 200
    with app_for("accounts").app_context():  # logout happens in accounts
        revoke(decode_token(SECRET, token))
    body = assert_problem(_get(client, token), 401)
    assert "logged out" in body["detail"]


def test_a_verified_token_whose_sessions_ended_is_refused_at_its_next_request(app_for):
    client = app_for("inventory").test_client()
    token, _ = issue_token(SECRET, 7, "user7", "staff", ["water"], ttl_seconds=600, session=1)
    assert _get(client, token).status_code == 200
    with app_for("accounts").app_context():
        end_sessions(7, first_valid=2, ttl_seconds=600)  # what disabling the user does
    body = assert_problem(_get(client, token), 401)
    assert "disabled" in body["detail"]


def test_a_verified_token_does_not_vouch_for_a_forgery_of_it(app_for):
    client = app_for("inventory").test_client()
    token, _ = issue_token(SECRET, 1, "user1", "staff", ["water"], ttl_seconds=600)
    assert _get(client, token).status_code == 200
    header, payload, _ = token.split(".")
    assert_problem(_get(client, f"{header}.{payload}.c2lnbmF0dXJl"), 401)
    # The same claims signed with another key are no token of ours either.
    other, _ = issue_token("another-secret-of-32-characters!", 1, "user1", "staff", ["water"], 600)
    assert_problem(_get(client, other), 401)

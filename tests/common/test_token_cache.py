"""A process verifies each token once and trusts a clean denylist read for a second (common.auth):
expiry, forgeries, and this process's logouts and ended sessions are refused as before; another
process's logout within a second, and at once by accounts, which answers the gateway."""

import os
import time

from redis import Redis

from common.auth import DENYLIST_SECONDS, _revoked_key, decode_token, end_sessions, issue_token, revoke
from support.env import SECRET
from support.problems import assert_problem

PRODUCTS = "/api/inventory/businesses/water/products"


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _get(client, token):
    return client.get(PRODUCTS, headers=_auth(token))


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


def test_a_logout_by_another_process_counts_within_a_second_and_at_once_for_the_gateway(app_for):
    """Each process takes a token the denylist cleared on that word for a second; accounts, which
    answers the gateway's logout check, reads the denylist every time."""
    client, accounts = app_for("inventory").test_client(), app_for("accounts").test_client()
    token, _ = issue_token(SECRET, 1, "user1", "owner", ["water"], ttl_seconds=600)
    assert _get(client, token).status_code == 200
    assert accounts.get("/api/auth/session", headers=_auth(token)).status_code == 204
    # Another accounts process logs the token out: the denylist entry is all this process sees.
    token_id = decode_token(SECRET, token).token_id
    Redis.from_url(os.environ["REDIS_CACHE_URL"]).set(_revoked_key(token_id), b"1", ex=600)
    logged_out = time.monotonic()
    assert_problem(
        accounts.get("/api/auth/session", headers=_auth(token)), 401
    )  # the gateway's check: at once
    while _get(client, token).status_code == 200:
        assert time.monotonic() - logged_out < DENYLIST_SECONDS + 0.25
        time.sleep(0.05)
    body = assert_problem(_get(client, token), 401)
    assert "logged out" in body["detail"]

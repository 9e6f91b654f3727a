"""The per-account login limit: back-off after repeated failures from any number of addresses."""

import os

import pytest
from redis import Redis

from accounts import login_limit
from accounts.services import create_user
from support.problems import assert_problem


@pytest.fixture
def client(app_for):
    app = app_for("accounts")
    with app.app_context():
        create_user("wanjiku", "the-right-pass-9", "staff", ["retail"], "Wanjiku")
    return app.test_client()


def _login(client, password, address="10.0.0.1", username="wanjiku"):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"X-Forwarded-For": address},
    )


def _closed_key_ttl(username: str) -> int:
    _, closed = login_limit._keys(username)
    return Redis.from_url(os.environ["REDIS_CACHE_URL"]).ttl(closed)


def test_24_tries_from_12_addresses_at_one_account_are_throttled(client):
    answers = [_login(client, f"guess-{i}", f"10.0.0.{i % 12 + 1}") for i in range(24)]
    statuses = [a.status_code for a in answers]
    assert statuses == [401] * login_limit.FREE_FAILURES + [429] * (24 - login_limit.FREE_FAILURES)
    for answer in answers[login_limit.FREE_FAILURES :]:
        assert_problem(answer, 429)
        assert 1 <= int(answer.headers["Retry-After"]) <= login_limit.FIRST_LOCK_SECONDS
    # Even the right password waits while the account is closed: a guesser learns nothing.
    assert_problem(_login(client, "the-right-pass-9"), 429)


def test_other_accounts_behind_the_same_address_are_not_affected(client, app_for):
    with app_for("accounts").app_context():
        create_user("otieno", "otieno-pass-2026", "staff", ["retail"])
    for i in range(login_limit.FREE_FAILURES + 1):
        _login(client, f"guess-{i}")
    assert_problem(_login(client, "the-right-pass-9"), 429)
    assert _login(client, "otieno-pass-2026", username="otieno").status_code == 200


def test_the_lock_grows_but_never_past_a_minute_and_a_success_clears_it(client):
    redis = Redis.from_url(os.environ["REDIS_CACHE_URL"])
    failures, closed = login_limit._keys("wanjiku")
    for i in range(login_limit.FREE_FAILURES + 6):  # enough doublings to reach the cap
        redis.delete(closed)  # as if each lock had lapsed: every try is a counted failure
        assert _login(client, f"guess-{i}").status_code == 401
    assert login_limit.FIRST_LOCK_SECONDS < _closed_key_ttl("wanjiku") <= login_limit.MAX_LOCK_SECONDS
    redis.delete(closed)
    assert _login(client, "the-right-pass-9").status_code == 200
    assert not redis.exists(failures) and not redis.exists(closed)
    assert _login(client, "one-typo").status_code == 401  # a fresh count: no lock after one typo

"""The micro-cache through a real Nginx: per-identity keys, HITs, one upstream hit per burst, 304s."""

import http.client
import threading
import time
import uuid

import pytest
import requests

from common.auth import REFUSALS
from support.problems import assert_problem
from support.products import product_with_stock

from .conftest import upstream_hits

pytestmark = pytest.mark.e2e

PRODUCTS = "/api/inventory/businesses/{}/products"
TODAY_ALL = "/api/reports/businesses/all/today"


@pytest.fixture
def products():
    """One product in water, another in laundry."""
    product_with_stock("water", "Refill 20 L", "50.00", sku="R20", unit="refill", tracked=False)
    product_with_stock("laundry", "Wash per kg", "120.00", sku="WASH", unit="kg", tracked=False)


def get(gateway, path, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{gateway.url}{path}", headers=headers, timeout=5)


def names(response):
    return [item["name"] for item in response.json()["items"]]


def test_two_users_of_different_businesses_get_only_their_own_data(gateway, products, user_token, bust):
    water = user_token("amina", "staff", ["water"])
    laundry = user_token("baraka", "staff", ["laundry"])

    # Same URL, user audience (`all` = "the businesses in my token"): each is answered by the
    # service for that user; neither gets the other's copy from the cache.
    prefix = f"all-{uuid.uuid4().hex[:12]}-"
    first = get(gateway, TODAY_ALL + bust, water, **{"X-Request-ID": prefix + "1"})
    second = get(gateway, TODAY_ALL + bust, laundry, **{"X-Request-ID": prefix + "2"})
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.headers["X-Cache-Status"] == second.headers["X-Cache-Status"] == "MISS"
    assert upstream_hits(gateway, "reporting", prefix) == 2

    # Same URL, business audience: the member's copy is cached, the outsider never sees it.
    member = get(gateway, PRODUCTS.format("water") + bust, water)
    outsider = get(gateway, PRODUCTS.format("water") + bust, laundry)
    assert names(member) == ["Refill 20 L"]
    assert outsider.status_code == 403
    assert outsider.headers["X-Cache-Status"] == "MISS"
    assert "Refill" not in outsider.text
    # ... and each business's own list stays its own.
    assert names(get(gateway, PRODUCTS.format("laundry") + bust, laundry)) == ["Wash per kg"]


def test_user_audience_is_never_shared_between_users(gateway, products, user_token, bust):
    owner_a = user_token("wanjiku", "owner", ["water", "laundry", "retail"])
    owner_b = user_token("otieno", "owner", ["water", "laundry", "retail"])
    assert get(gateway, TODAY_ALL + bust, owner_a).headers["X-Cache-Status"] == "MISS"
    assert get(gateway, TODAY_ALL + bust, owner_a).headers["X-Cache-Status"] == "HIT"
    # Same claims, different user: a user-audience response is not theirs to share.
    assert get(gateway, TODAY_ALL + bust, owner_b).headers["X-Cache-Status"] == "MISS"


def test_a_repeated_poll_by_the_same_business_audience_is_a_hit(gateway, products, user_token, bust):
    first_user = user_token("amina", "staff", ["water"])
    second_user = user_token("chebet", "staff", ["water", "retail"])
    path = PRODUCTS.format("water") + bust
    first = get(gateway, path, first_user)
    again = get(gateway, path, second_user)
    assert first.headers["X-Cache-Status"] == "MISS"
    assert again.headers["X-Cache-Status"] == "HIT"
    assert again.json() == first.json()
    assert again.headers["ETag"] == first.headers["ETag"]


def test_no_valid_token_never_reads_or_writes_the_cache(gateway, products, user_token, token_for, bust):
    path = PRODUCTS.format("water") + bust
    member = user_token("amina", "staff", ["water"])
    get(gateway, path, member)
    assert get(gateway, path, member).headers["X-Cache-Status"] == "HIT"

    forged = token_for("owner", ["water"]).rsplit(".", 1)[0] + "." + "A" * 43
    expired = token_for("owner", ["water"], ttl=-10)
    # A token accounts refuses is refused by the gateway before the cache, in accounts' words.
    for token, reason in ((forged, "invalid"), (expired, "expired")):
        response = get(gateway, path, token)
        assert assert_problem(response, 401)["detail"] == REFUSALS[reason]
        assert "X-Cache-Status" not in response.headers
    # Nothing shaped like a token: nothing to ask accounts, the service answers itself, past the cache.
    for token, reason in ((None, "missing"), ("not-a-jwt", "invalid")):
        response = get(gateway, path, token)
        assert assert_problem(response, 401)["detail"] == REFUSALS[reason]
        assert response.headers["X-Cache-Status"] == "BYPASS"


def test_error_answers_are_not_cached(gateway, user_token, bust):
    outsider = user_token("baraka", "staff", ["laundry"])
    path = PRODUCTS.format("water") + bust
    assert get(gateway, path, outsider).status_code == 403
    repeat = get(gateway, path, outsider)
    assert repeat.status_code == 403
    assert repeat.headers["X-Cache-Status"] == "MISS"


def test_auth_and_non_get_requests_are_never_cached(gateway, user_token):
    token = user_token("amina", "staff", ["water"])
    prefix = f"nocache-{uuid.uuid4().hex[:12]}-"
    for i in range(2):
        me = get(gateway, "/api/auth/me", token, **{"X-Request-ID": f"{prefix}me{i}"})
        assert me.status_code == 200
        assert "X-Cache-Status" not in me.headers
        post = requests.post(
            f"{gateway.url}{PRODUCTS.format('water')}",
            json={},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": f"{prefix}post{i}"},
        )
        assert post.headers.get("X-Cache-Status", "") == ""
    assert upstream_hits(gateway, "accounts", prefix + "me") == 2
    assert upstream_hits(gateway, "inventory", prefix + "post") == 2


def test_100_concurrent_identical_polls_reach_the_service_once(gateway, products, user_token, bust):
    token = user_token("amina", "staff", ["water"])
    path = PRODUCTS.format("water") + bust
    prefix = f"burst-{uuid.uuid4().hex[:12]}-"
    start = threading.Barrier(100)
    results: list[requests.Response] = [None] * 100  # type: ignore[list-item]

    def poll(i: int) -> None:
        with requests.Session() as session:
            start.wait()
            results[i] = session.get(
                f"{gateway.url}{path}",
                headers={"Authorization": f"Bearer {token}", "X-Request-ID": f"{prefix}{i}"},
                timeout=5,
            )

    threads = [threading.Thread(target=poll, args=(i,)) for i in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(r.status_code == 200 for r in results)
    assert {names(r)[0] for r in results} == {"Refill 20 L"}
    assert upstream_hits(gateway, "inventory", prefix) == 1
    statuses = [r.headers["X-Cache-Status"] for r in results]
    assert statuses.count("MISS") == 1, statuses


def test_304_through_the_gateway_and_its_cache_has_no_body(gateway, products, user_token, bust):
    token = user_token("amina", "staff", ["water"])
    path = PRODUCTS.format("water") + bust
    first = get(gateway, path, token)
    etag = first.headers["ETag"]
    cached = get(gateway, path, token, **{"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.headers["X-Cache-Status"] == "HIT"
    assert cached.content == b""
    assert cached.headers["ETag"] == etag

    # A miss (new key) revalidates too: the gateway fetches the full answer, caches it and
    # still answers the phone with an empty 304.
    other = get(gateway, path + "&again=1", token, **{"If-None-Match": etag})
    assert other.status_code == 304
    assert other.headers["X-Cache-Status"] == "MISS"
    assert other.content == b""
    # A stale tag gets the full body.
    changed = get(gateway, path, token, **{"If-None-Match": '"0000"'})
    assert changed.status_code == 200
    assert names(changed) == ["Refill 20 L"]


def test_an_expired_entry_is_served_stale_once_while_it_updates_in_the_background(
    gateway, products, user_token, bust
):
    token = user_token("amina", "staff", ["water"])
    path = PRODUCTS.format("water") + bust
    prefix = f"swr-{uuid.uuid4().hex[:12]}-"
    statuses = []
    for i, pause in enumerate((0, 0, 2.1, 0.3)):
        time.sleep(pause)  # X-Accel-Expires: 1 lives until the end of the next second
        statuses.append(
            get(gateway, path, token, **{"X-Request-ID": f"{prefix}{i}"}).headers["X-Cache-Status"]
        )
    assert statuses == ["MISS", "HIT", "STALE", "HIT"]
    # The fill, then the background refresh (a subrequest carrying the STALE request's id).
    assert upstream_hits(gateway, "inventory", prefix) == 2


def test_an_entry_nobody_reads_is_dropped_so_stale_answers_stay_young(gateway, products, user_token, bust):
    token = user_token("amina", "staff", ["water"])
    path = PRODUCTS.format("water") + bust
    assert get(gateway, path, token).headers["X-Cache-Status"] == "MISS"
    time.sleep(5)  # inactive=3s: the sparse poller gets a fresh answer, not a 5-second-old one
    assert get(gateway, path, token).headers["X-Cache-Status"] == "MISS"


def test_a_client_asking_for_fresh_data_skips_the_cached_copy(gateway, products, user_token, bust):
    token = user_token("amina", "staff", ["water"])
    path = PRODUCTS.format("water") + bust
    get(gateway, path, token)
    fresh = get(gateway, path, token, **{"Cache-Control": "no-cache"})
    assert fresh.headers["X-Cache-Status"] == "BYPASS"
    assert names(fresh) == ["Refill 20 L"]
    assert get(gateway, path, token).headers["X-Cache-Status"] == "HIT"


def raw_get(gateway, path: str, token: str) -> tuple[int, str]:
    """Send the path byte for byte (requests would unescape it); the status and X-Cache-Status."""
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port("gateway"), timeout=5)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache-Status")
    finally:
        conn.close()


def test_an_escaped_business_path_is_keyed_per_user_not_per_business(gateway, products, user_token, bust):
    # nginx and the service could disagree about an escaped path, so only the plain form is shared.
    first = user_token("amina", "staff", ["water"])
    second = user_token("chebet", "staff", ["water"])
    path = "/api/inventory/businesses/w%61ter/products" + bust
    assert raw_get(gateway, path, first) == (200, "MISS")
    assert raw_get(gateway, path, first) == (200, "HIT")
    assert raw_get(gateway, path, second) == (200, "MISS")


def test_a_user_audience_answer_under_a_business_url_is_never_stored_for_the_business(gateway, user_token):
    # The key is chosen before the answer; the answer's audience decides whether it is stored.
    owner = user_token("wanjiku", "owner", ["water"])
    path = "/api/reports/businesses/water/reports/revenue?from=2026-11-01&to=2026-11-07"
    prefix = f"aud-{uuid.uuid4().hex[:12]}-"
    first = get(gateway, path, owner, **{"X-Request-ID": prefix + "1"})
    assert first.status_code == 200, first.text
    assert "X-Cache-Audience" not in first.headers  # the gateway reads it and keeps it to itself
    second = get(gateway, path, owner, **{"X-Request-ID": prefix + "2"})
    assert first.headers["X-Cache-Status"] == second.headers["X-Cache-Status"] == "MISS"
    assert upstream_hits(gateway, "reporting", prefix) == 2

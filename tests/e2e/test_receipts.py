"""A receipt link through the real gateway: opens without a login, is never cached, and a client
trying tokens is slowed to the receipt rate."""

from __future__ import annotations

import http.client
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from support.products import product_with_stock

pytestmark = pytest.mark.e2e


def _get_from(stack, source: str, path: str) -> tuple[int, dict]:
    """One GET from a chosen loopback address (the rate limit counts per client address)."""
    address = urlsplit(stack.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, source_address=(source, 0))
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        reply.read()
        return reply.status, dict(reply.headers)
    finally:
        conn.close()


def test_a_receipt_link_opens_without_login_uncached_and_guessing_is_throttled(stack, app_for, auth):
    product = product_with_stock(
        "water", "Refill", "50.00", "0", sku=f"R-{uuid.uuid4().hex[:6]}", tracked=False
    )
    sale = requests.post(
        f"{stack.url}/api/payments/businesses/water/sales",
        json={"method": "cash", "lines": [{"product_id": product.id, "quantity": "3"}]},
        headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    ).json()
    page = requests.get(f"{stack.url}/r/{sale['receipt_token']}?lang=en", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "KES 150.00" in page.text and sale["reference"] in page.text
    # Private and changing: nothing may keep it, the gateway's micro-cache included; no referrer leaks the link.
    assert page.headers["Cache-Control"] == "no-store"
    assert "X-Cache-Status" not in page.headers
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "style-src 'self' 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert requests.get(f"{stack.url}/receipt.js", timeout=10).status_code == 200  # its Print button

    wrong = requests.get(f"{stack.url}/r/{'A' * 22}", timeout=10)
    assert wrong.status_code == 404 and wrong.headers["Content-Type"] == "application/problem+json"

    # Trying tokens from one address: after the burst the gateway answers 429 itself.
    answers = [_get_from(stack, "127.0.0.210", f"/r/{uuid.uuid4().hex[:22]}") for _ in range(30)]
    statuses = [status for status, _ in answers]
    assert set(statuses) == {404, 429} and statuses[0] == 404, statuses
    throttled = next(headers for status, headers in answers if status == 429)
    assert throttled["Content-Type"] == "application/problem+json" and throttled["Retry-After"] == "1"

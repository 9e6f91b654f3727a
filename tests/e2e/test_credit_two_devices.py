"""Through Nginx and gunicorn: part payments on one debt from two devices at once, and sales on
account racing for the same limit, leave balance = sales on account − payments."""

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
import requests

from common.auth import Principal
from support.businesses import BUSINESSES
from support.products import product_with_stock

pytestmark = pytest.mark.e2e
OWNER = Principal(1, "owner", "owner", BUSINESSES, "t", dt.datetime.now(dt.UTC))


def _at_once(count: int, call) -> list[int]:
    """Run `call` from `count` threads released together; their status codes."""
    start, codes = threading.Barrier(count), []

    def device():
        start.wait()
        codes.append(call().status_code)

    threads = [threading.Thread(target=device) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


def test_two_devices_paying_and_selling_on_account_at_once(stack, auth):
    product = product_with_stock("water", "Bottle 20 L", "450.00", "50", sku="B20", actor=OWNER).id
    api = f"{stack.url}/api/payments"

    def post(path, body):
        headers = {**auth(), "Idempotency-Key": str(uuid.uuid4())}
        return requests.post(f"{api}{path}", json=body, headers=headers, timeout=20)

    customer = post(
        "/customers", {"phone": "0712888999", "name": "Mama Deni", "credit_limit": "1000.00"}
    ).json()
    sale = {
        "method": "account",
        "customer_id": customer["id"],
        "lines": [{"product_id": product, "quantity": "1"}],
    }
    # Three sales of 450 race for a limit of 1000: two fit.
    assert _at_once(3, lambda: post("/businesses/water/sales", sale)) == [201, 201, 409]
    # Six payments of 200 race for a balance of 900: four fit.
    pay = f"/businesses/water/customers/{customer['id']}/payments"
    assert _at_once(6, lambda: post(pay, {"amount": "200.00"})) == [201] * 4 + [409] * 2
    statement = requests.get(f"{api}/customers/{customer['id']}/statement", headers=auth(), timeout=10).json()
    sold = sum(Decimal(e["amount"]) for e in statement["entries"] if e["kind"] == "sale")
    paid = sum(Decimal(e["amount"]) for e in statement["entries"] if e["kind"] == "payment")
    assert (sold, paid, Decimal(statement["customer"]["balance"])) == (900, 800, sold - paid)

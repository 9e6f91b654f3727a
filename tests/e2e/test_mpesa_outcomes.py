"""Every simulator outcome, end to end: gateway, gunicorn, simulator, callbacks, worker, scheduler.

Stock moves exactly once for each sale that ends up paid, however many callbacks arrive.
"""

import time
import uuid
from decimal import Decimal

import pytest
import requests
import sqlalchemy as sa

from accounts.services import create_user
from payments.models import MpesaCallback, MpesaPayment
from payments.models import db as payments_db
from support.products import product_with_stock, stock_level

pytestmark = pytest.mark.e2e

# last three digits -> (payment status, sale status, receipt expected, result code)
OUTCOMES = {
    "678": ("paid", "paid", True, 0),
    "001": ("failed", "failed", False, 1),
    "017": ("failed", "failed", False, 17),
    "019": ("failed", "failed", False, 1019),
    "032": ("failed", "failed", False, 1032),
    "037": ("failed", "failed", False, 1037),
    "201": ("failed", "failed", False, 2001),
    "900": ("paid", "paid", False, 0),
    "901": ("needs_review", "pending", False, None),
    "902": ("failed", "failed", False, 1032),
    "910": ("paid", "paid", True, 0),
    "920": ("paid", "paid", True, 0),
    "940": ("needs_review", "pending", False, None),
}
SIM_DELAYS = {"SIM_CALLBACK_DELAY_SECONDS": 0.3, "SIM_PROCESSING_SECONDS": 1, "SIM_LATE_CALLBACK_SECONDS": 4}


@pytest.fixture
def owner(stack, app_for):
    with app_for("accounts").app_context():
        create_user("wanjiku", "owner-pass-2026", "owner", ["water", "laundry", "retail"])
    response = requests.post(
        f"{stack.url}/api/auth/login", json={"username": "wanjiku", "password": "owner-pass-2026"}
    )
    assert response.status_code == 200, response.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return session


@pytest.fixture
def sim(stack):
    url = f"http://127.0.0.1:{stack.port('daraja_sim')}"
    requests.post(f"{url}/simulator/reset")
    requests.post(f"{url}/simulator/config", json=SIM_DELAYS).raise_for_status()
    yield url
    requests.post(f"{url}/simulator/reset")


@pytest.fixture
def bottle() -> int:
    return product_with_stock("water", "Bottle 20 L", "450.00", "100", sku="B20").id


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def test_every_simulator_outcome_ends_in_the_right_state(stack, owner, sim, bottle, app_for):
    sales = {}
    for suffix in OUTCOMES:
        sale = owner.post(
            f"{stack.url}/api/payments/businesses/water/sales",
            json={"method": "mpesa", "lines": [{"product_id": bottle, "quantity": "1"}]},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        ).json()
        push = owner.post(
            f"{stack.url}/api/payments/sales/{sale['id']}/stk-push", json={"phone": f"0712345{suffix}"}
        )
        assert push.status_code == 201, push.text
        sales[suffix] = (sale["id"], push.json()["id"])
    refused = owner.post(
        f"{stack.url}/api/payments/businesses/water/sales",
        json={"method": "mpesa", "lines": [{"product_id": bottle, "quantity": "1"}]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json()
    locked = owner.post(
        f"{stack.url}/api/payments/sales/{refused['id']}/stk-push", json={"phone": "0712345500"}
    )
    assert locked.status_code == 409 and locked.headers["Content-Type"].startswith("application/problem+json")

    def settled():
        states = {s: owner.get(f"{stack.url}/api/payments/mpesa/{p}").json() for s, (_, p) in sales.items()}
        done = all(
            states[s]["status"] == OUTCOMES[s][0] and (states[s]["receipt"] is not None) == OUTCOMES[s][2]
            for s in OUTCOMES
        )
        return states if done else None

    states = _wait(settled, 60, "every push to settle")
    for suffix, (_, sale_status, _, code) in OUTCOMES.items():
        assert states[suffix]["sale_status"] == sale_status, suffix
        assert states[suffix]["result_code"] == code or code is None, suffix
    assert "amount mismatch" in states["940"]["review_reason"]
    paid = sum(1 for s in OUTCOMES.values() if s[1] == "paid")
    _wait(lambda: stock_level(bottle) == Decimal(100 - paid), 20, "stock to move")
    time.sleep(2.5)  # late and duplicate callbacks, and relays, have had their chance to double-move
    assert stock_level(bottle) == Decimal(100 - paid)
    with app_for("payments").app_context():
        checkout = payments_db.session.scalar(
            sa.select(MpesaPayment.checkout_request_id).where(MpesaPayment.id == sales["910"][1])
        )
        outcomes = payments_db.session.scalars(
            sa.select(MpesaCallback.outcome).where(MpesaCallback.checkout_request_id == checkout)
        ).all()
    assert sorted(outcomes) == ["duplicate", "duplicate", "paid"]
    sale = owner.get(f"{stack.url}/api/payments/sales/{refused['id']}").json()
    assert sale["status"] == "pending" and sale["payment"] is None


def test_c2b_payment_through_the_simulator_pays_the_sale_it_names(stack, owner, sim, bottle, app_for):
    import dataclasses

    from payments.mpesa import DarajaClient

    settings = app_for("payments").extensions["tomtin"]["mpesa"]
    # Registered on payments' own port: the gateway has no /hooks/c2b/ alias yet (see README).
    client = DarajaClient(
        dataclasses.replace(
            settings, base_url=sim, callback_base_url=f"http://127.0.0.1:{stack.port('payments')}"
        ),
        None,
    )
    assert client.register_c2b_urls()["ResponseCode"] == "0"
    sale = owner.post(
        f"{stack.url}/api/payments/businesses/water/sales",
        json={"method": "mpesa", "lines": [{"product_id": bottle, "quantity": "1"}]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json()
    for reference in (sale["reference"], "no such sale"):
        paid = requests.post(
            f"{sim}/mpesa/c2b/v1/simulate",
            json={
                "ShortCode": "174379",
                "CommandID": "CustomerPayBillOnline",
                "Amount": 450,
                "Msisdn": "254708374149",
                "BillRefNumber": reference,
            },
            headers={"Authorization": f"Bearer {client.token()}"},
        )
        assert paid.status_code == 200, paid.text
    _wait(
        lambda: owner.get(f"{stack.url}/api/payments/sales/{sale['id']}").json()["status"] == "paid",
        15,
        "C2B",
    )
    unmatched = _wait(
        lambda: owner.get(f"{stack.url}/api/payments/businesses/water/c2b/unmatched").json()["items"],
        15,
        "unmatched",
    )
    assert [p["amount"] for p in unmatched] == ["450.00"]
    _wait(lambda: stock_level(bottle) == Decimal(99), 15, "stock to move once")

"""Through the real gateway: log in, reach every service, conditional requests, health."""

import time

import pytest
import requests

from accounts.services import create_user
from inventory.demo import DEMO_PRODUCTS  # noqa: F401 - demo data must stay importable

pytestmark = pytest.mark.e2e


@pytest.fixture
def owner_token(stack, app_for):
    with app_for("accounts").app_context():
        create_user("wanjiku", "owner-pass-2026", "owner", ["water", "laundry", "retail"])
    response = requests.post(
        f"{stack.url}/api/auth/login", json={"username": "wanjiku", "password": "owner-pass-2026"}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/auth/me",
        "/api/inventory/businesses/water/products",
        "/api/payments/businesses/water/sales",
        "/api/reports/businesses/all/today",
    ],
)
def test_each_service_answers_through_the_gateway(stack, owner_token, path):
    response = requests.get(f"{stack.url}{path}", headers={"Authorization": f"Bearer {owner_token}"})
    assert response.status_code == 200, response.text
    assert response.headers["X-Request-ID"]


def test_304_through_the_gateway_has_no_body(stack, owner_token):
    url = f"{stack.url}/api/inventory/businesses/water/products"
    headers = {"Authorization": f"Bearer {owner_token}"}
    first = requests.get(url, headers=headers)
    second = requests.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304
    assert second.content == b""


def test_gateway_request_id_reaches_the_error_body(stack):
    response = requests.get(
        f"{stack.url}/api/inventory/businesses/water/products", headers={"X-Request-ID": "abc-123"}
    )
    assert response.status_code == 401
    assert response.json()["request_id"] == "abc-123"


def test_pwa_shell_is_served(stack):
    response = requests.get(f"{stack.url}/")
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]


def test_scheduler_heartbeat_reaches_readiness(stack):
    deadline = time.monotonic() + 60  # generous: the worker starts every service app first
    while time.monotonic() < deadline:
        body = requests.get(f"http://127.0.0.1:{stack.port('inventory')}/readyz").json()
        if body["scheduler"]["status"] == "ok":
            return
        time.sleep(0.5)
    pytest.fail(f"scheduler heartbeat never arrived: {body}")

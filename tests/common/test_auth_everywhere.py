"""Every service verifies the same token locally and answers 401/403 in the shared shape."""

import pytest

from support.problems import assert_problem

PROTECTED = {
    "accounts": "/api/auth/me",
    "inventory": "/api/inventory/businesses/water/products",
    "payments": "/api/payments/businesses/water/sales",
    "reporting": "/api/reports/businesses/water/today",
}


@pytest.fixture(params=sorted(PROTECTED))
def service(request, app_for):
    return request.param, app_for(request.param).test_client()


def test_missing_token_is_401(service):
    name, client = service
    assert_problem(client.get(PROTECTED[name]), 401)


def test_expired_token_is_401(service, token_for):
    name, client = service
    token = token_for(ttl=-10)
    body = assert_problem(client.get(PROTECTED[name], headers={"Authorization": f"Bearer {token}"}), 401)
    assert "expired" in body["detail"]


def test_forged_token_is_401(service, token_for):
    name, client = service
    header, payload, _ = token_for().split(".")
    forged = f"{header}.{payload}.c2lnbmF0dXJl"
    assert_problem(client.get(PROTECTED[name], headers={"Authorization": f"Bearer {forged}"}), 401)


def test_garbage_authorization_is_401(service):
    name, client = service
    assert_problem(client.get(PROTECTED[name], headers={"Authorization": "Basic abc"}), 401)


@pytest.mark.parametrize("name", ["inventory", "payments", "reporting"])
def test_other_business_is_403_and_unknown_business_404(app_for, auth, name):
    client = app_for(name).test_client()
    url = PROTECTED[name]
    assert_problem(client.get(url.replace("water", "retail"), headers=auth("staff", ["water"])), 403)
    assert_problem(client.get(url.replace("water", "bakery"), headers=auth("owner")), 404)


@pytest.mark.parametrize("name", sorted(PROTECTED))
def test_unknown_route_and_wrong_method_use_the_shape(app_for, name):
    client = app_for(name).test_client()
    assert_problem(client.get(f"/api/{name}/no-such-thing"), 404)
    assert_problem(client.delete(PROTECTED[name]), 405)

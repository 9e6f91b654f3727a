"""The M-Pesa hook path through a real Nginx: the optional source allowlist, secret-free logs."""

import time

import pytest
import requests

from support.problems import assert_problem
from support.stack import Stack

pytestmark = pytest.mark.e2e


def gateway_only(**settings: str) -> Stack:
    """Nginx alone (payments is not running behind it), rendered with these settings."""
    stack = Stack(only=("gateway",))
    stack.env.update(settings)
    stack.start()
    return stack


@pytest.fixture
def rejecting():
    stack = gateway_only(GATEWAY_MPESA_ALLOW="196.201.214.0/24", GATEWAY_MPESA_ALLOW_MODE="reject")
    yield stack
    stack.stop()


@pytest.fixture
def logging_only():
    stack = gateway_only(GATEWAY_MPESA_ALLOW="196.201.214.0/24")
    yield stack
    stack.stop()


@pytest.fixture
def allowing_this_host():
    stack = gateway_only(GATEWAY_MPESA_ALLOW="196.201.214.0/24, 127.0.0.1", GATEWAY_MPESA_ALLOW_MODE="reject")
    yield stack
    stack.stop()


def test_reject_mode_refuses_unknown_sources(rejecting):
    response = requests.post(f"{rejecting.url}/hooks/mpesa/s3cret-path/stk", json={"Body": {}})
    assert_problem(response, 403)


def test_reject_mode_lets_an_allowed_source_through_unlogged(allowing_this_host):
    for path in ("/hooks/mpesa/s3cret-path/stk", "/hooks/c2b/s3cret-path/confirmation"):
        response = requests.post(f"{allowing_this_host.url}{path}", json={"Body": {}})
        assert_problem(response, 503)  # passed on to payments (not running here), not refused with 403
    log = (allowing_this_host.run_dir / "gateway.log").read_text()
    assert "not on GATEWAY_MPESA_ALLOW" not in log


def test_log_mode_passes_unknown_sources_on_and_logs_them_without_the_secret(logging_only):
    response = requests.post(f"{logging_only.url}/hooks/mpesa/s3cret-path/stk", json={"Body": {}})
    assert_problem(response, 503)  # let through to payments, which is not running here
    deadline = time.monotonic() + 3
    while "not on GATEWAY_MPESA_ALLOW" not in (log := (logging_only.run_dir / "gateway.log").read_text()):
        assert time.monotonic() < deadline, f"no unknown-source line in the gateway log: {log!r}"
        time.sleep(0.05)  # nginx writes the access line just after answering
    assert "not on GATEWAY_MPESA_ALLOW" in log
    assert "/hooks/mpesa/***/stk" in log
    assert "s3cret-path" not in log


def test_c2b_alias_gets_the_same_allowlist_and_masking(rejecting):
    # Daraja refuses C2B URLs containing "mpesa", so confirmations arrive under /hooks/c2b/.
    response = requests.post(f"{rejecting.url}/hooks/c2b/s3cret-path/confirmation", json={})
    assert_problem(response, 403)


def test_c2b_alias_reaches_payments_through_the_gateway(stack):
    from support.env import MPESA_WEBHOOK_SECRET

    body = {
        "TransactionType": "Pay Bill",
        "TransID": "RKT1A2B3C4",
        "TransTime": "20261125103000",
        "TransAmount": "50.00",
        "BusinessShortCode": "174379",
        "BillRefNumber": "TT999999",
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransID": "",
        "MSISDN": "hashed",
        "FirstName": "A",
        "MiddleName": "",
        "LastName": "",
    }
    response = requests.post(f"{stack.url}/hooks/c2b/{MPESA_WEBHOOK_SECRET}/validation", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["ResultCode"] == "0"
    wrong = requests.post(f"{stack.url}/hooks/c2b/wrong-secret/validation", json=body)
    assert wrong.status_code in (403, 404)

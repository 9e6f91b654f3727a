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


def test_reject_mode_refuses_unknown_sources(rejecting):
    response = requests.post(f"{rejecting.url}/hooks/mpesa/s3cret-path/stk", json={"Body": {}})
    assert_problem(response, 403)


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

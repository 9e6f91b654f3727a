"""Protections through a real Nginx: rate limits, body limits, JSON errors, security headers."""

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests

from support.problems import assert_problem

pytestmark = pytest.mark.e2e

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def _login_from(gateway, source: str, username: str, password: str):
    """One login try from a chosen loopback address: (status, headers, body)."""
    address = urlsplit(gateway.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, source_address=(source, 0))
    try:
        body = json.dumps({"username": username, "password": password})
        conn.request("POST", "/api/auth/login", body, {"Content-Type": "application/json"})
        reply = conn.getresponse()
        return reply.status, reply.headers, reply.read()
    finally:
        conn.close()


def test_login_brute_force_is_slowed_to_the_configured_rate(gateway):
    # Default 5 r/min with a burst of 5: six tries get through at once, the rest wait. One
    # account per try, so accounts' own per-account limit stays out of this. The tries come
    # from a loopback address of their own: the session's other tests log in from 127.0.0.1
    # and would have used up part of that address's burst within the same minute.
    answers = [_login_from(gateway, "127.0.0.200", f"nobody-{i}", f"guess-{i}") for i in range(12)]
    statuses = [status for status, _, _ in answers]
    assert statuses[:6] == [401] * 6, statuses
    assert statuses[6:] == [429] * 6, statuses
    _, headers, raw = answers[-1]
    assert headers["Content-Type"].startswith("application/problem+json")
    assert json.loads(raw)["status"] == 429
    assert headers["Retry-After"] == "12"
    assert json.loads(raw)["request_id"] == headers["X-Request-ID"]


def test_one_account_tried_from_12_addresses_is_throttled_after_its_own_limit(gateway):
    # 127.0.0.0/8 is all loopback: twelve real source addresses, two tries each, so nginx's
    # per-address limit never triggers and only accounts' per-account limit can.
    answers = [_login_from(gateway, f"127.0.0.{i % 12 + 2}", "shared-till", f"guess-{i}") for i in range(24)]
    statuses = [status for status, _, _ in answers]
    assert statuses == [401] * 5 + [429] * 19, statuses
    for _, headers, raw in answers[5:]:
        assert int(headers["Retry-After"]) >= 1
        assert headers["Content-Type"].startswith("application/problem+json")
        assert json.loads(raw)["status"] == 429


def test_oversized_bodies_are_refused_with_a_problem(gateway, token_for):
    headers = {"Authorization": f"Bearer {token_for()}"}
    api = requests.post(
        f"{gateway.url}/api/inventory/businesses/water/products", data=b"x" * (65 * 1024), headers=headers
    )
    assert_problem(api, 413)
    hook = requests.post(f"{gateway.url}/hooks/mpesa/some-secret/stk", data=b"x" * (17 * 1024))
    assert_problem(hook, 413)


def test_a_stopped_service_is_a_json_503_the_pwa_can_read(gateway, token_for):
    gateway.stop_process("reporting")
    try:
        # Exactly what the PWA's api.js sends; it reads detail, request_id and Retry-After.
        response = requests.get(
            f"{gateway.url}/api/reports/businesses/all/today",
            headers={"Authorization": f"Bearer {token_for()}", "Accept": "application/json"},
        )
    finally:
        gateway.start_process("reporting")
        gateway.wait_ready()
    body = assert_problem(response, 503)
    assert body["title"] == "Service unavailable"
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<html" not in response.text


def test_service_errors_pass_through_untouched(gateway):
    response = requests.get(f"{gateway.url}/api/inventory/businesses/water/products")
    body = assert_problem(response, 401)
    assert "Log in first" in body["detail"]  # the service's own words, not the gateway's


def test_unknown_api_paths_are_json_404s_not_the_app_shell(gateway):
    for path in ("/api/nope", "/hooks/other"):
        response = requests.get(f"{gateway.url}{path}")
        assert_problem(response, 404)


API_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    "path",
    ["/", "/dashboard", "/api/inventory/businesses/water/products", "/api/nope", "/hooks/other", "/healthz"],
)
def test_security_headers_everywhere(gateway, path):
    headers = requests.get(f"{gateway.url}{path}").headers
    json_answer = path.startswith(("/api/", "/hooks/"))
    assert headers["Content-Security-Policy"] == (API_CSP if json_answer else CSP)
    assert headers["X-Content-Type-Options"] == "nosniff"
    if json_answer:
        # Never rendered, and the CSP already forbids framing: fewer bytes on every poll.
        assert "X-Frame-Options" not in headers
        assert "Referrer-Policy" not in headers
    else:
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
    assert "," not in headers["X-Request-ID"]  # one id, not the service's and the gateway's
    # Development is plain HTTP: HSTS only in the TLS (production) config.
    assert "Strict-Transport-Security" not in headers

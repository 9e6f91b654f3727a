"""The gateway's token check: accounts' yes is kept a second per token and serves that very token only."""

import uuid

import pytest
import requests

from common.auth import REFUSALS
from support.problems import assert_problem

from .conftest import upstream_hits

pytestmark = pytest.mark.e2e

PRODUCTS = "/api/inventory/businesses/water/products"


def _get(gateway, path, token, **headers):
    headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{gateway.url}{path}", headers=headers, timeout=5)


def _resigned(token: str) -> str:
    """The same header and claims parts with another signature: what a forger can make."""
    return token.rsplit(".", 1)[0] + "." + "A" * 43


def test_accounts_is_asked_about_a_busy_token_once_a_second_not_once_a_poll(gateway, user_token, bust):
    token = user_token("busy", "staff", ["water"])
    prefix = f"check-{uuid.uuid4().hex[:12]}-"
    answers = [_get(gateway, PRODUCTS + bust, token, **{"X-Request-ID": f"{prefix}{i}"}) for i in range(30)]
    assert [a.status_code for a in answers] == [200] * 30
    assert answers[-1].headers["X-Cache-Status"] == "HIT"
    # Its yes lives until the end of the next second: these polls took well under one.
    assert 1 <= upstream_hits(gateway, "accounts", prefix) <= 2


def test_another_signature_on_a_real_tokens_claims_gets_nothing_of_its_yes(gateway, user_token, bust):
    real = user_token("genuine", "staff", ["water"])
    assert _get(gateway, PRODUCTS + bust, real).status_code == 200
    assert _get(gateway, PRODUCTS + bust, real).headers["X-Cache-Status"] == "HIT"
    # The real token's yes is kept under these claims, but it is bound to the real header: the
    # forgery gets no cache identity, so it is passed to the service, which refuses it.
    forged = _get(gateway, PRODUCTS + bust, _resigned(real))
    assert assert_problem(forged, 401)["detail"] == REFUSALS["invalid"]
    assert forged.headers["X-Cache-Status"] == "BYPASS"
    assert _get(gateway, PRODUCTS + bust, real).headers["X-Cache-Status"] == "HIT"


def test_a_forgery_sent_first_leaves_no_refusal_for_the_real_token(gateway, user_token, bust):
    real = user_token("targeted", "staff", ["water"])
    refused = _get(gateway, PRODUCTS + bust, _resigned(real))
    assert assert_problem(refused, 401)["detail"] == REFUSALS["invalid"]  # accounts' no, not kept
    assert _get(gateway, PRODUCTS + bust, real).status_code == 200

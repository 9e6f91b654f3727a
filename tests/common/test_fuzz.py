"""schemathesis over every operation of every service, in-process, as the owner.

Bounded (a few examples per operation; `make test` stays quick): no answer is a 5xx, and every
4xx/5xx is problem+json in the shared shape. The hooks get the real path secret, business paths a
real business, and about half of the ids the rows of `rows` (conftest), so the fuzzing gets past
the 404s to the parsers and rules behind them.
"""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, Phase, settings

from common.auth import issue_token
from common.errors import PROBLEM_MIME
from support.businesses import BUSINESSES
from support.env import MPESA_WEBHOOK_SECRET, SECRET, SERVICES
from support.specs import service_app

from .conftest import C2B_RECEIPT

SEGMENTS = {"accounts": "auth", "reporting": "reports"}
SCHEMAS = {
    name: schemathesis.openapi.from_wsgi(f"/api/{SEGMENTS.get(name, name)}/openapi.json", service_app(name))
    for name in SERVICES
}
EXAMPLES_PER_OPERATION = 10


ROW_OF = {
    "product_id": "product",
    "sale_id": "sale",
    "payment_id": "payment",
    "category_id": "category",
    "shift_id": "shift",
    "user_id": "staff",
}


def _owner_token(rows: dict[str, int]) -> str:
    token, _ = issue_token(SECRET, rows["owner"], "boss", "owner", list(BUSINESSES), 3600)
    return token


def _aimed(case, rows: dict[str, int]) -> None:
    """Point the random case at things that exist (ids: when the drawn one is even)."""
    params = case.path_parameters or {}
    if "secret" in params:
        params["secret"] = MPESA_WEBHOOK_SECRET
    if "business" in params and params["business"] not in (*BUSINESSES, "all"):
        params["business"] = "water"
    if "trans_id" in params and len(params["trans_id"]) % 2 == 0:
        params["trans_id"] = C2B_RECEIPT
    for name, row in ROW_OF.items():
        if isinstance(params.get(name), int) and params[name] % 2 == 0:
            params[name] = rows[row]
    lines = case.body.get("lines") if isinstance(case.body, dict) else None
    for line in lines if isinstance(lines, list) else ():
        if isinstance(line, dict) and isinstance(line.get("product_id"), int) and line["product_id"] % 2 == 0:
            line["product_id"] = rows["product"]


def _assert_shared_shape(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        [content_type] = response.headers["content-type"]  # schemathesis: lower-case names, lists
        assert content_type.startswith(PROBLEM_MIME), (response.status_code, response.text[:300])
        body = json.loads(response.text)
        assert body["status"] == response.status_code
        assert body["title"] and body["detail"] and "request_id" in body


@schemathesis.pytest.parametrize(**SCHEMAS)
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same cases every run: a failure here is reproducible
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_5xx_or_an_error_outside_the_shared_shape(case, rows):
    _aimed(case, rows)
    response = case.call(headers={"Authorization": f"Bearer {_owner_token(rows)}"})
    _assert_shared_shape(response)

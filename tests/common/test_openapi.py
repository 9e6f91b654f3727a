"""Every service's OpenAPI document is valid and says what the service really does."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_30_VALIDATOR

from common.errors import PROBLEM_MIME
from support.env import SERVICES
from support.specs import all_specs, operations

pytestmark = pytest.mark.unit
SPECS = all_specs()


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi(service):
    spec = SPECS[service]
    errors = [f"{e.instance_path}: {e.message[:200]}" for e in OPENAPI_30_VALIDATOR.iter_errors(spec)]
    assert errors == []
    schemathesis.openapi.from_dict(spec).validate()


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@pytest.mark.parametrize("service", SERVICES)
def test_decimals_are_strings_with_a_pattern_and_bounds_are_numbers(service):
    for node in _walk(SPECS[service]):
        assert node.get("type") != "number", node  # no float anywhere: money travels as strings
        for bound in ("minimum", "maximum"):
            if bound in node:
                assert isinstance(node[bound], int | float), node


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_documented_as_problem_json_and_every_rule_as_security(service):
    spec = SPECS[service]
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for name, response in spec["components"]["responses"].items():
        if "content" in response:
            assert list(response["content"]) == [PROBLEM_MIME], name
    for method, path, operation in operations(spec):
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
        rule = operation.get("x-auth-rule")
        assert rule in ("public", "user", "owner"), (method, path)
        assert operation["security"] == ([] if rule == "public" else [{"bearer": []}]), (method, path)


def _answer_schema(spec: dict, path: str) -> dict:
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return spec["components"]["schemas"][content["$ref"].rsplit("/", 1)[1]]


def test_pollable_answers_document_as_of_and_the_sale_its_idempotency_key():
    pollable = {
        "inventory": [
            "/api/inventory/businesses/{business}/products",
            "/api/inventory/products/{product_id}/prices",
        ],
        "payments": [
            "/api/payments/businesses/{business}/sales",
            "/api/payments/sales/{sale_id}",
            "/api/payments/mpesa/{payment_id}",
        ],
        "reporting": [
            "/api/reports/businesses/{business}/today",
            "/api/reports/businesses/{business}/reports/{kind}",
        ],
    }
    for service, paths in pollable.items():
        for path in paths:
            assert "as_of" in _answer_schema(SPECS[service], path)["properties"], path
    record = SPECS["payments"]["paths"]["/api/payments/businesses/{business}/sales"]["post"]
    [key] = [p for p in record["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header" and key["required"] and key["schema"]["format"] == "uuid"

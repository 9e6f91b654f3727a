"""Every JSON endpoint refuses deeply nested bodies and lone surrogates centrally (400 problem+json)."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from support.problems import assert_problem

DEEP = "[" * 5000 + "]" * 5000
SURROGATE = "\\ud800"  # a JSON escape for half of a UTF-16 pair: no Unicode text

# One JSON endpoint per service, with a body whose text fields can carry the surrogate.
ENDPOINTS = [
    ("accounts", "/api/auth/login", {"username": f"owner{SURROGATE}", "password": "secret-password"}),
    (
        "inventory",
        "/api/inventory/businesses/water/products",
        {"sku": "S1", "name": f"Refill {SURROGATE}", "unit": "l", "price": "10.00", "track_stock": False},
    ),
    (
        "inventory",
        "/api/inventory/businesses/water/movements",
        {"product_id": 1, "kind": "adjust", "quantity": "1", "reason": f"count {SURROGATE}"},
    ),
    (
        "payments",
        "/api/payments/businesses/water/sales",
        {"method": "cash", "lines": [], "customer_phone": SURROGATE},
    ),
    ("reporting", "/api/reports/rollups", {"from": "2026-01-01", "to": "2026-01-02", "business": SURROGATE}),
]


def _post(app_for, auth, service: str, path: str, raw: str):
    headers = {**auth(), "Idempotency-Key": str(uuid.uuid4())}
    return (
        app_for(service).test_client().post(path, data=raw, content_type="application/json", headers=headers)
    )


@pytest.mark.parametrize(("service", "path", "body"), ENDPOINTS)
def test_thousands_of_nesting_levels_get_a_400(app_for, auth, service, path, body):
    assert_problem(_post(app_for, auth, service, path, DEEP), 400, "_body")
    deep_field = json.dumps(body)[:-1] + ', "extra": ' + DEEP + "}"
    assert_problem(_post(app_for, auth, service, path, deep_field), 400, "_body")


@pytest.mark.parametrize(("service", "path", "body"), ENDPOINTS)
def test_a_lone_surrogate_in_a_text_field_gets_a_400_and_stores_nothing(app_for, auth, service, path, body):
    raw = json.dumps(body).replace("\\\\ud800", SURROGATE)
    assert SURROGATE in raw
    before = _row_counts(app_for(service), service)
    assert_problem(_post(app_for, auth, service, path, raw), 400, "_body")
    assert _row_counts(app_for(service), service) == before


def _row_counts(app, service: str) -> dict[str, int]:
    with app.app_context():
        db = app.extensions["sqlalchemy"]
        tables = [t for t in db.metadata.sorted_tables if t.schema == service]
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables}

"""Who may call what: every documented operation × every kind of caller, from the OpenAPI documents.

Each route declares its rule (`login_required(...)` or `public`, shown as `x-auth-rule`); an
operation without one fails here, so a new endpoint cannot skip the question. Callers: nobody,
a tampered token, an expired one, a logged-out one, staff of another business, staff, the owner.
"""

from __future__ import annotations

import uuid

import pytest

from common.auth import decode_token, issue_token, revoke
from support.businesses import BUSINESSES
from support.env import MPESA_WEBHOOK_SECRET, SECRET, SMS_WEBHOOK_SECRET
from support.specs import all_specs, operations

from .conftest import C2B_RECEIPT

SPECS = all_specs()
OPERATIONS = [
    (service, method, path) for service, spec in SPECS.items() for method, path, _ in operations(spec)
]
CALLERS = ("anonymous", "tampered", "expired", "logged_out", "other_business_staff", "staff", "owner")
REFUSED_WITHOUT_A_GOOD_TOKEN = ("anonymous", "tampered", "expired", "logged_out")
# A well-formed body per operation that takes one (so a refusal is about the caller, not the
# body); "{product}" and "{sale}" are the rows made below. A new operation with a body needs one.
BODIES = {
    # One account per caller: the per-account login limit would otherwise answer the later ones.
    ("post", "/api/auth/login"): {"username": "{caller}", "password": "not-a-password"},
    ("put", "/api/auth/me/language"): {"language": "sw"},
    ("post", "/api/inventory/businesses/{business}/products"): {
        "sku": "M1",
        "name": "Matrix",
        "unit": "piece",
        "price": "10.00",
        "track_stock": False,
    },
    ("patch", "/api/inventory/products/{product_id}"): {"name": "Renamed"},
    ("put", "/api/inventory/products/{product_id}/price"): {"price": "12.00"},
    ("post", "/api/inventory/businesses/{business}/movements"): {
        "product_id": "{product}",
        "kind": "receive",
        "quantity": "1",
    },
    ("post", "/api/payments/businesses/{business}/sales"): {
        "method": "cash",
        "lines": [{"product_id": "{product}", "quantity": "1"}],
    },
    ("post", "/api/payments/sales/{sale_id}/order-status"): {"status": "washing"},
    ("post", "/api/payments/sales/{sale_id}/stk-push"): {"phone": "0712345678"},
    ("post", "/api/payments/mpesa/{payment_id}/resolve"): {"action": "failed", "note": "checked"},
    ("post", "/api/payments/c2b/{trans_id}/attach"): {"sale_id": "{sale}"},
    ("post", "/api/payments/c2b/{trans_id}/sale"): {
        "business": "water",
        "lines": [{"product_id": "{product}", "quantity": "1"}],
    },
    ("post", "/api/payments/refunds/{refund_id}/resolve"): {"action": "failed", "note": "checked"},
    ("post", "/api/reports/rollups"): {"from": "2026-01-01", "to": "2026-01-02", "business": "water"},
    ("put", "/api/auth/me/password"): {"current_password": "not-it", "new_password": "a-new-password"},
    ("put", "/api/auth/me/pin"): {"password": "not-it", "pin": "1234"},
    ("post", "/api/auth/switch"): {"username": "amina", "pin": "1234"},
    ("post", "/api/auth/businesses"): {"name": "Matrix", "kind": "shop"},
    ("patch", "/api/auth/businesses/{business}"): {"name": "Water"},
    ("post", "/api/auth/users"): {"username": "matrix", "display_name": "Matrix", "businesses": ["water"]},
    ("patch", "/api/auth/users/{user_id}"): {"display_name": "Renamed"},
    ("put", "/api/inventory/products/{product_id}/cost"): {"cost": "30.00"},
    ("post", "/api/payments/expense-categories"): {"name": "Fuel"},
    ("patch", "/api/payments/expense-categories/{category_id}"): {"name": "Fares"},
    ("post", "/api/payments/businesses/{business}/expenses"): {
        "category_id": "{category}",
        "amount": "10.00",
        "paid_from": "till",
    },
    ("post", "/api/payments/businesses/{business}/shifts"): {"float": "0.00"},
    ("post", "/api/payments/shifts/{shift_id}/close"): {"counted": "0.00"},
    ("post", "/api/payments/sales/{sale_id}/void"): {"reason": "typed twice"},
    ("put", "/api/payments/businesses/{business}/void-window"): {"minutes": 10},
    ("post", "/api/payments/sales/{sale_id}/refunds"): {"channel": "cash", "reason": "returned"},
    ("post", "/api/payments/sales/{sale_id}/receipt/sms"): {"phone": "0712345678"},
    ("put", "/api/payments/businesses/{business}/message-alerts"): {"low_stock": False},
    ("post", "/api/payments/customers"): {"phone": "0712000002", "name": "Matrix"},
    ("patch", "/api/payments/customers/{customer_id}"): {"name": "Mama Matrix"},
    ("put", "/api/payments/customers/{customer_id}/credit-limit"): {"credit_limit": "1000.00"},
    ("post", "/api/payments/businesses/{business}/customers/{customer_id}/payments"): {"amount": "10.00"},
    ("post", "/api/payments/businesses/{business}/customers/{customer_id}/stk-push"): {},
}
# Rows every business shares: staff of another business are admitted to these ids (customers are the
# owner's, not one business's: see the payments README, Customers and credit).
SHARED_ROWS = ("{customer_id}",)
QUERIES = {
    ("get", "/api/reports/businesses/{business}/reports/{kind}"): {"from": "2026-01-01", "to": "2026-01-02"}
}
HOOK_BODY = {}  # the hooks are public: every caller must get the same answer


def _token(app_for, caller: str, rows: dict[str, int]) -> str | None:
    """A fresh token per request: logout, one of the operations, revokes the token it is sent with."""
    if caller == "anonymous":
        return None
    role = "owner" if caller == "owner" else "staff"
    businesses = {"owner": list(BUSINESSES), "other_business_staff": ["laundry"]}.get(caller, ["water"])
    user_id = rows.get(caller, rows["staff"])
    token, _ = issue_token(SECRET, user_id, caller, role, businesses, -60 if caller == "expired" else 3600)
    if caller == "tampered":
        head, claims, signature = token.split(".")
        token = ".".join((head, claims, ("A" if signature[0] != "A" else "B") + signature[1:]))
    if caller == "logged_out":
        with app_for("accounts").app_context():
            revoke(decode_token(SECRET, token))
    return token


def _fill(value, names: dict):
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, str) and value.startswith("{") and value.strip("{}") in names:
        return names[value.strip("{}")]
    return value


def _url(path: str, rows: dict[str, int]) -> str:
    values = {
        "business": "water",
        "product_id": rows["product"],
        "sale_id": rows["sale"],
        "payment_id": rows["payment"],
        "user_id": rows["staff"],
        "category_id": rows["category"],
        "shift_id": rows["shift"],
        "message_id": rows["message"],
        "customer_id": rows["customer"],
        "trans_id": C2B_RECEIPT,
        "refund_id": 1,  # no such refund: the owner gets 404, everyone else is refused first
        "kind": "revenue",
        "secret": SMS_WEBHOOK_SECRET if path.startswith("/hooks/sms/") else MPESA_WEBHOOK_SECRET,
        "token": rows["receipt"],  # the sale's public receipt: the same page for every caller
        "phone": "0712345678",
    }
    return path.format(**values)


def _call(app_for, service, method, path, caller, rows):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    token = _token(app_for, caller, rows)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    operation = SPECS[service]["paths"][path][method]
    body = None
    if "requestBody" in operation:
        body = (
            HOOK_BODY
            if path.startswith("/hooks/")
            else _fill(BODIES[(method, path)], {**rows, "caller": caller})
        )
    client = app_for(service).test_client()
    return client.open(
        _url(path, rows),
        method=method.upper(),
        json=body,
        headers=headers,
        query_string=QUERIES.get((method, path)),
    )


@pytest.mark.parametrize(
    ("service", "method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for _, m, p in OPERATIONS]
)
def test_every_operation_refuses_and_admits_exactly_whom_its_rule_says(app_for, rows, service, method, path):
    operation = SPECS[service]["paths"][path][method]
    rule = operation.get("x-auth-rule")
    assert rule in ("public", "user", "owner"), (
        f"{method.upper()} {path}: declare login_required(...) or public"
    )
    if "requestBody" in operation and not path.startswith("/hooks/"):
        assert (method, path) in BODIES, f"{method.upper()} {path}: add a well-formed body to BODIES"
    answers = {caller: _call(app_for, service, method, path, caller, rows) for caller in CALLERS}
    for caller, answer in answers.items():
        assert answer.status_code < 500, (caller, answer.status_code, answer.get_data(as_text=True))
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json", caller
    statuses = {caller: answer.status_code for caller, answer in answers.items()}
    if rule == "public":
        assert len(set(statuses.values())) == 1, statuses  # the token changes nothing
        return
    for caller in REFUSED_WITHOUT_A_GOOD_TOKEN:
        assert statuses[caller] == 401, statuses
    admitted = ("staff", "owner") if rule == "user" else ("owner",)
    for caller in admitted:
        assert statuses[caller] not in (401, 403), statuses
    if rule == "owner":
        assert statuses["staff"] == 403 and statuses["other_business_staff"] == 403, statuses
    elif "{business}" in path:
        assert statuses["other_business_staff"] == 403, statuses
    elif any(shared in path for shared in SHARED_ROWS):
        assert statuses["other_business_staff"] not in (401, 403), statuses
    elif "_id}" in path:
        # Another business's row: payments hides it (404), inventory refuses it (403).
        assert statuses["other_business_staff"] in (403, 404), statuses
    else:
        assert statuses["other_business_staff"] not in (401, 403), statuses  # their own account

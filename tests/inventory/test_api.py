"""inventory HTTP API: pollable lists, owner-only writes, and bad input that changes nothing."""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from redis import Redis

from inventory import services
from inventory.models import PriceHistory, Product, StockMovement, db
from support.problems import assert_problem

from .conftest import FreshContextClient

BASE = "/api/inventory"


@pytest.fixture
def shop(make_product):
    """A few products: retail sugar (tracked), a water refill (a service) and a water bottle."""
    return {
        "sugar": make_product(sku="SUG", name="Sugar", stock="4", reorder="5"),
        "refill": make_product(
            business="water", sku="R20", name="Refill 20 L", unit="refill", price="50.00", track_stock=False
        ),
        "bottle": make_product(business="water", sku="B20", name="Bottle", price="450.00", stock="9"),
    }


def snapshot():
    """Everything a refused request must leave alone."""
    db.session.expire_all()
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    products = db.session.execute(
        sa.select(Product.id, Product.name, Product.price, Product.stock_level, Product.active).order_by(
            Product.id
        )
    ).all()
    return products, count(PriceHistory), count(StockMovement)


def test_lists_only_that_business_with_decimal_strings(client, auth, shop):
    response = client.get(f"{BASE}/businesses/water/products", headers=auth())
    assert response.status_code == 200
    body = response.get_json()
    assert [p["sku"] for p in body["items"]] == ["B20", "R20"]
    refill = body["items"][1]
    assert (refill["price"], refill["stock_level"]) == ("50.00", None)
    assert body["items"][0]["stock_level"] == "9.000"
    assert body["as_of"].endswith("Z")


@pytest.mark.parametrize(
    "path",
    [
        "businesses/retail/products",
        "businesses/retail/stock",
        "businesses/retail/low-stock",
        "businesses/retail/movements",
    ],
)
def test_unchanged_list_is_304_and_a_change_is_200_with_a_new_etag(client, auth, shop, path):
    first = client.get(f"{BASE}/{path}", headers=auth())
    assert first.status_code == 200 and first.headers["X-Cache-Audience"] == "business"
    again = client.get(f"{BASE}/{path}", headers={**auth(), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    received = client.post(
        f"{BASE}/businesses/retail/movements",
        headers=auth(),
        json={"product_id": shop["sugar"].id, "kind": "receive", "quantity": "1"},
    )
    assert received.status_code == 201
    changed = client.get(f"{BASE}/{path}", headers={**auth(), "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_a_price_change_is_on_the_very_next_read_and_history_keeps_the_old(client, auth, shop):
    url = f"{BASE}/businesses/retail/products"
    assert client.get(url, headers=auth()).get_json()["items"][0]["price"] == "180.00"  # cache warm
    history_url = f"{BASE}/products/{shop['sugar'].id}/prices"
    assert len(client.get(history_url, headers=auth()).get_json()["items"]) == 1
    response = client.put(
        f"{BASE}/products/{shop['sugar'].id}/price", headers=auth(), json={"price": "199.99"}
    )
    assert response.status_code == 200 and response.get_json()["price"] == "199.99"
    assert client.get(url, headers=auth("staff")).get_json()["items"][0]["price"] == "199.99"
    history = client.get(history_url, headers=auth("staff")).get_json()["items"]
    assert [h["price"] for h in history] == ["199.99", "180.00"]


def test_owner_creates_and_edits_a_product(client, auth):
    created = client.post(
        f"{BASE}/businesses/laundry/products",
        headers=auth(),
        json={
            "sku": "DET-1KG",
            "name": "Detergent 1 kg",
            "unit": "piece",
            "price": "350",
            "track_stock": True,
            "reorder_level": "4",
        },
    )
    assert created.status_code == 201, created.get_json()
    product = created.get_json()
    assert (product["price"], product["stock_level"], product["reorder_level"]) == (
        "350.00",
        "0.000",
        "4.000",
    )
    edited = client.patch(
        f"{BASE}/products/{product['id']}", headers=auth(), json={"active": False, "name": "Det"}
    )
    assert edited.status_code == 200 and edited.get_json()["active"] is False
    assert client.get(f"{BASE}/products/{product['id']}", headers=auth("staff")).get_json()["name"] == "Det"


def test_delta_polling_returns_only_what_changed(client, auth, shop):
    full = client.get(f"{BASE}/businesses/water/stock", headers=auth()).get_json()
    assert [i["id"] for i in full["items"]] == [shop["bottle"].id]  # services have no stock
    delta_url = f"{BASE}/businesses/water/products?changed_since={full['as_of']}"
    assert client.get(delta_url, headers=auth()).get_json()["items"] == []
    client.patch(f"{BASE}/products/{shop['refill'].id}", headers=auth(), json={"active": False})
    changed = client.get(delta_url, headers=auth()).get_json()["items"]
    assert [(i["sku"], i["active"]) for i in changed] == [("R20", False)]


def test_staff_receive_stock_but_only_the_owner_writes_off(client, auth, shop):
    url = f"{BASE}/businesses/retail/movements"
    body = {"product_id": shop["sugar"].id, "kind": "receive", "quantity": "2.5"}
    assert client.post(url, headers=auth("staff"), json=body).status_code == 201
    denied = client.post(url, headers=auth("staff"), json={**body, "kind": "write_off", "reason": "torn"})
    assert_problem(denied, 403)
    ok = client.post(url, headers=auth(), json={**body, "kind": "write_off", "reason": "torn"})
    assert ok.status_code == 201 and ok.get_json()["quantity"] == "-2.500"
    ledger = client.get(url, headers=auth("staff")).get_json()["items"]
    assert [m["kind"] for m in ledger] == ["write_off", "receive", "receive"]


def test_a_replayed_movement_answers_200_and_moves_stock_once(client, auth, shop):
    body = {
        "product_id": shop["sugar"].id,
        "kind": "receive",
        "quantity": "1",
        "idempotency_key": str(uuid.uuid4()),
    }
    first = client.post(f"{BASE}/businesses/retail/movements", headers=auth(), json=body)
    again = client.post(f"{BASE}/businesses/retail/movements", headers=auth(), json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert services.ledger_sum(shop["sugar"].id) == Decimal("5.000")


def test_low_stock_lists_what_needs_reordering(client, auth, shop):
    items = client.get(f"{BASE}/businesses/retail/low-stock", headers=auth("staff")).get_json()["items"]
    assert [(i["sku"], i["stock_level"], i["low"]) for i in items] == [("SUG", "4.000", True)]


def _movement(shop, **changes):
    return {"product_id": shop["sugar"].id, "kind": "receive", "quantity": "1", **changes}


MOVE, PRODUCTS = "businesses/retail/movements", "businesses/retail/products"
NEW = {"sku": "NEW", "name": "New", "unit": "kg", "price": "1", "track_stock": True}

# fmt: off
BAD_REQUESTS = [
    # (method, path, role, body, status, field)
    ("post", MOVE, "owner", lambda s: _movement(s, quantity="0"), 422, "quantity"),
    ("post", MOVE, "owner", lambda s: _movement(s, quantity="-2"), 422, "quantity"),
    ("post", MOVE, "owner", lambda s: _movement(s, quantity="1.0001"), 422, "quantity"),
    ("post", MOVE, "owner", lambda s: _movement(s, quantity="1E+999999999999"), 422, "quantity"),
    ("post", MOVE, "owner", lambda s: _movement(s, quantity="1E-999999999999"), 422, "quantity"),
    ("post", MOVE, "owner", lambda s: _movement(s, product_id=999999), 404, None),
    ("post", MOVE, "owner", lambda s: _movement(s, product_id=2**63), 422, "product_id"),
    ("post", MOVE, "owner", lambda s: _movement(s, product_id=s["bottle"].id), 404, "product_id"),  # water's
    ("post", "businesses/bakery/movements", "owner", lambda s: _movement(s), 404, None),
    ("post", MOVE, "owner", lambda s: _movement(s, kind="sale"), 422, "kind"),
    ("post", MOVE, "owner", lambda s: _movement(s, kind="adjust"), 422, "reason"),
    ("post", MOVE, "owner", lambda s: _movement(s, kind="write_off", quantity="5", reason="rats"), 409, None),
    ("post", "businesses/water/movements", "owner", lambda s: _movement(s, product_id=s["refill"].id), 409, None),
    ("post", MOVE, "staff", lambda s: _movement(s), 403, None),  # staff: water and laundry only
    ("put", "products/{sugar}/price", "owner", lambda s: {"price": "10.005"}, 422, "price"),
    ("put", "products/{sugar}/price", "owner", lambda s: {"price": "-1"}, 422, "price"),
    ("put", "products/{sugar}/price", "owner", lambda s: {"price": "NaN"}, 422, "price"),
    ("put", "products/{bottle}/price", "staff", lambda s: {"price": "10.00"}, 403, None),
    ("put", "products/{sugar}/price", "water-owner", lambda s: {"price": "10.00"}, 403, None),
    ("put", "products/99999999999999999999/price", "owner", lambda s: {"price": "10.00"}, 404, None),
    ("patch", "products/{sugar}", "water-owner", lambda s: {"name": "Mine"}, 403, None),
    ("patch", "products/{sugar}", "owner", lambda s: {}, 422, None),
    ("patch", "products/{sugar}", "owner", lambda s: {"name": "bad\x00name"}, 422, "name"),
    ("patch", "products/{sugar}", "owner", lambda s: {"reorder_level": "-1"}, 422, "reorder_level"),
    ("post", PRODUCTS, "owner", lambda s: {**NEW, "sku": "SUG"}, 409, "sku"),
    ("post", PRODUCTS, "owner", lambda s: {**NEW, "price": "1.234"}, 422, "price"),
    ("post", PRODUCTS, "owner", lambda s: {**NEW, "sku": "no spaces"}, 422, "sku"),
    ("post", "businesses/bakery/products", "owner", lambda s: NEW, 404, None),
    ("post", "businesses/water/products", "staff", lambda s: NEW, 403, None),
]
# fmt: on


@pytest.mark.parametrize(("method", "path", "role", "body", "status", "field"), BAD_REQUESTS)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    client, auth, shop, method, path, role, body, status, field
):
    headers = {
        "owner": auth(),
        "staff": auth("staff", ["water", "laundry"], user_id=2),
        "water-owner": auth("owner", ["water"], user_id=3),
    }[role]
    before = snapshot()
    url = f"{BASE}/" + path.format(sugar=shop["sugar"].id, bottle=shop["bottle"].id)
    response = getattr(client, method)(url, headers=headers, json=body(shop))
    assert_problem(response, status, field)
    assert snapshot() == before


WRITES = [
    (
        "post",
        "businesses/retail/products",
        {"sku": "N", "name": "N", "unit": "kg", "price": "1", "track_stock": True},
    ),
    ("patch", "products/{sugar}", {"name": "Sugar 2 kg"}),
    ("put", "products/{sugar}/price", {"price": "1.00"}),
    ("post", "businesses/retail/movements", {"product_id": "{sugar}", "kind": "receive", "quantity": "1"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
@pytest.mark.parametrize("flaw", ["malformed", "wrong_type", "unknown_field"])
def test_malformed_json_wrong_types_and_unknown_fields_are_4xx(client, auth, shop, method, path, body, flaw):
    sugar = shop["sugar"].id
    body = {k: (sugar if v == "{sugar}" else v) for k, v in body.items()}
    url = f"{BASE}/" + path.format(sugar=sugar)
    before = snapshot()
    if flaw == "malformed":
        response = getattr(client, method)(
            url, headers={**auth(), "Content-Type": "application/json"}, data='{"price": '
        )
        assert_problem(response, response.status_code)
        assert 400 <= response.status_code < 500
    else:
        first_field = next(iter(body))
        changed = (
            {**body, first_field: ["not", "this"]} if flaw == "wrong_type" else {**body, "colour": "red"}
        )
        response = getattr(client, method)(url, headers=auth(), json=changed)
        assert_problem(response, 422, first_field if flaw == "wrong_type" else "colour")
    assert snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "changed_since=yesterday",
        "changed_since=2026-01-01T10:00:00",  # naive: ambiguous
        "changed_since=0001-01-01T00:00:00%2B05:00",  # before year 1 in UTC
    ],
)
def test_a_bad_or_naive_changed_since_is_422(client, auth, query):
    response = client.get(f"{BASE}/businesses/retail/stock?{query}", headers=auth())
    assert_problem(response, 422, "changed_since")


def test_reads_need_a_token_and_the_business(client, auth):
    assert_problem(client.get(f"{BASE}/businesses/retail/stock"), 401)
    assert_problem(client.get(f"{BASE}/businesses/retail/stock", headers=auth("staff", ["water"])), 403)
    assert_problem(client.get(f"{BASE}/businesses/bakery/low-stock", headers=auth()), 404)


def test_openapi_documents_every_endpoint_from_the_schemas(client):
    spec = client.get(f"{BASE}/openapi.json").get_json()
    assert {
        "/api/inventory/businesses/{business}/stock",
        "/api/inventory/products/{product_id}/price",
        "/api/inventory/businesses/{business}/movements",
    } <= set(spec["paths"])
    create = spec["components"]["schemas"]["MovementCreate"]
    assert set(create["required"]) == {"product_id", "kind", "quantity"}


def test_cache_disabled_env_builds_every_answer_afresh(monkeypatch, shop, auth):
    from inventory.app import create_app

    cached = create_app()
    monkeypatch.setenv("TOMTIN_CACHE_DISABLED", "1")
    uncached = create_app()
    url = f"{BASE}/businesses/retail/products"

    def names(app) -> list[str]:
        with app.test_client() as client:
            return [item["name"] for item in client.get(url, headers=auth()).get_json()["items"]]

    assert names(cached) == names(uncached) == ["Sugar"]  # the cached app stored its answer
    # A change written behind the service's back: nothing invalidates the cached answer.
    db.session.execute(sa.update(Product).where(Product.id == shop["sugar"].id).values(name="Brown sugar"))
    db.session.commit()
    assert names(cached) == ["Sugar"]  # with the cache, the stored answer comes back ...
    assert names(uncached) == ["Brown sugar"]  # ... without it, every answer is built afresh


def test_with_the_cache_redis_down_writes_commit_and_reads_still_answer(shop, auth):
    from inventory.app import create_app

    broken = create_app({"CACHE_REDIS_URL": "redis://127.0.0.1:1/0"})
    broken.test_client_class = FreshContextClient
    client = broken.test_client()
    body = {"product_id": shop["sugar"].id, "kind": "receive", "quantity": "6"}
    assert client.post(f"{BASE}/businesses/retail/movements", headers=auth(), json=body).status_code == 201
    stock = client.get(f"{BASE}/businesses/retail/stock", headers=auth())
    assert stock.status_code == 200 and stock.get_json()["items"][0]["stock_level"] == "10.000"
    assert Redis.from_url(os.environ["REDIS_CACHE_URL"]).keys("tomtin:inventory:stock:*") == []

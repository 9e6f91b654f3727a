"""inventory foundation endpoint: products of a business, pollable."""

from decimal import Decimal

import pytest

from inventory.models import Product, db


@pytest.fixture
def client(app_for):
    app = app_for("inventory")
    with app.app_context():
        db.session.add_all(
            [
                Product(
                    business="water",
                    sku="R20",
                    name="Refill 20 L",
                    unit="refill",
                    price=Decimal("50.00"),
                    track_stock=False,
                ),
                Product(
                    business="retail",
                    sku="SUG",
                    name="Sugar",
                    unit="piece",
                    price=Decimal("180.00"),
                    track_stock=True,
                    stock_level=Decimal("4"),
                ),
            ]
        )
        db.session.commit()
    return app.test_client()


def test_lists_only_that_business_with_decimal_strings(client, auth):
    response = client.get("/api/inventory/businesses/water/products", headers=auth())
    assert response.status_code == 200
    body = response.get_json()
    assert [p["sku"] for p in body["items"]] == ["R20"]
    assert body["items"][0]["price"] == "50.00"
    assert body["items"][0]["stock_level"] is None
    assert body["as_of"].endswith("Z")


def test_unchanged_list_answers_304_with_empty_body(client, auth):
    first = client.get("/api/inventory/businesses/retail/products", headers=auth())
    again = client.get(
        "/api/inventory/businesses/retail/products",
        headers={**auth(), "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert first.headers["X-Cache-Audience"] == "business"

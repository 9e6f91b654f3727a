"""payments foundation endpoint: recent sales of a business, priced from inventory's view."""

from decimal import Decimal

import pytest

from inventory.models import Product
from inventory.models import db as inventory_db
from payments.services import record_cash_sale


@pytest.fixture
def product_id(app_for):
    with app_for("inventory").app_context():
        product = Product(
            business="water",
            sku="R20",
            name="Refill 20 L",
            unit="refill",
            price=Decimal("50.00"),
            track_stock=False,
        )
        inventory_db.session.add(product)
        inventory_db.session.commit()
        return product.id


def test_sale_is_priced_from_inventory_and_listed(app_for, auth, product_id):
    app = app_for("payments")
    with app.app_context():
        record_cash_sale("water", [(product_id, Decimal("3"))])
    response = app.test_client().get("/api/payments/businesses/water/sales", headers=auth())
    assert response.status_code == 200
    [sale] = response.get_json()["items"]
    assert sale["total"] == "150.00" and sale["method"] == "cash"
    assert sale["lines"][0]["unit_price"] == "50.00"


def test_sales_of_another_business_are_not_listed(app_for, auth, product_id):
    app = app_for("payments")
    with app.app_context():
        record_cash_sale("water", [(product_id, Decimal("1"))])
    response = app.test_client().get("/api/payments/businesses/laundry/sales", headers=auth())
    assert response.get_json()["items"] == []

"""inventory fixtures: the app, a client, actors and a product factory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from common.auth import Principal
from inventory import services
from support.businesses import BUSINESSES


@pytest.fixture
def app(app_for):
    app = app_for("inventory")
    with app.app_context():
        yield app


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as under gunicorn: a fresh `g` (and token) per request,
    even though the test itself holds an app context open for its own queries."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


def actor(role: str = "owner", businesses=BUSINESSES, user_id: int = 1) -> Principal:
    """A principal as a verified token would give (services take it as a plain value)."""
    return Principal(user_id, f"user{user_id}", role, tuple(businesses), "t", dt.datetime.now(dt.UTC))


@pytest.fixture
def owner():
    return actor()


@pytest.fixture
def make_product(app, owner):
    """Create a product through the service (so its price history starts), with opening stock."""

    def make(business="retail", sku="SUGAR", price="180.00", track_stock=True, stock="0", reorder="0", **kw):
        data = {
            "sku": sku,
            "name": kw.pop("name", sku.title()),
            "unit": kw.pop("unit", "piece"),
            "price": Decimal(price),
            "track_stock": track_stock,
            "reorder_level": Decimal(reorder),
            **kw,
        }
        product = services.create_product(business, data, owner)
        if Decimal(stock) > 0:
            services.record_movement(business, product.id, "receive", Decimal(stock), owner)
        return product

    return make

"""inventory fixtures: the app, a client, actors and a product factory."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

from common.auth import Principal
from support.businesses import BUSINESSES
from support.products import product_with_stock


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
    """A product made by the shared helper (support.products), the owner as its maker."""

    def make(business="retail", sku="SUGAR", price="180.00", track_stock=True, stock="0", reorder="0", **kw):
        name = kw.pop("name", sku.title())
        return product_with_stock(
            business, name, price, stock, sku=sku, tracked=track_stock, reorder=reorder, actor=owner, **kw
        )

    return make


def apply_in_child(apply, payload, start, results) -> None:
    """`apply(payload)` in a second OS process, its own app and connections, as a real worker
    would run it; waits on `start` so the processes race, and puts what it returns on `results`."""
    from inventory.app import create_app

    with create_app().app_context():
        start.wait(30)
        results.put(apply(payload))

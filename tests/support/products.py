"""The one way a test makes a product: through inventory's own rules, its opening stock a `receive`
movement, so a product's stock_level always equals its ledger. No test sets stock_level directly."""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import current_app, has_app_context

from common.auth import Principal
from common.job_context import service_app


def product_with_stock(
    business: str,
    name: str = "Product",
    price: str = "100.00",
    stock: str = "0",
    *,
    sku: str | None = None,
    tracked: bool = True,
    unit: str = "piece",
    reorder: str = "0",
    active: bool = True,
    actor: Principal | None = None,
):
    """A product of `business` with `stock` received (a tracked one), as the owner would make it.

    Inside an inventory app context it is made there and stays attached to that session;
    elsewhere it is made in inventory's own app and handed back detached, its columns loaded.
    """
    from inventory import services
    from inventory.demo import DEMO_OWNER, add_product
    from inventory.models import db

    def make():
        who = actor or DEMO_OWNER
        product = add_product(
            business, sku or uuid.uuid4().hex[:12].upper(), name, unit, price, tracked, stock, reorder, who
        )
        if not active:
            services.update_product(product.id, {"active": False}, who)
        db.session.refresh(product)
        return product

    if has_app_context() and current_app.name == "inventory":
        return make()
    with service_app("inventory").app_context():
        product = make()
        db.session.expunge(product)
        return product


def stock_level(product_id: int) -> Decimal:
    """A product's stock level as inventory holds it now (read in inventory's own app)."""
    from inventory.models import Product, db

    with service_app("inventory").app_context():
        return db.session.get(Product, product_id).stock_level

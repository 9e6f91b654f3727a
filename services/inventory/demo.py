"""Demo products for the three businesses; opening stock goes in as `receive` movements."""

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from common.auth import Principal

from . import services
from .app import create_app
from .models import Product, db

DEMO_PRODUCTS = (
    ("water", "REFILL-20L", "Refill 20 litres", "refill", "50.00", False, "0", "0"),
    ("water", "REFILL-10L", "Refill 10 litres", "refill", "30.00", False, "0", "0"),
    ("water", "BOTTLE-20L", "Empty bottle 20 L", "piece", "450.00", True, "24", "5"),
    ("water", "DISPENSER", "Water dispenser", "piece", "2500.00", True, "3", "2"),
    ("laundry", "WASH-KG", "Wash and fold (per kg)", "kg", "120.00", False, "0", "0"),
    ("laundry", "DUVET", "Duvet cleaning", "item", "500.00", False, "0", "0"),
    ("laundry", "DETERGENT-1KG", "Detergent 1 kg", "piece", "350.00", True, "10", "4"),
    ("retail", "SUGAR-1KG", "Sugar 1 kg", "piece", "180.00", True, "40", "10"),
    ("retail", "BREAD-400G", "Bread 400 g", "piece", "65.00", True, "20", "8"),
    ("retail", "MILK-500ML", "Milk 500 ml", "piece", "60.00", True, "6", "10"),
    ("retail", "AIRTIME-100", "Airtime 100", "piece", "100.00", False, "0", "0"),
)
# The demo owner as the actor of the opening entries (no real login involved).
DEMO_OWNER = Principal(
    0, "demo", "owner", tuple({p[0] for p in DEMO_PRODUCTS}), "demo", dt.datetime.now(dt.UTC)
)


def add_product(
    business: str,
    sku: str,
    name: str,
    unit: str,
    price: str,
    tracked: bool,
    level: str,
    reorder: str,
    actor: Principal = DEMO_OWNER,
) -> Product:
    """Create a product through the service, its opening stock as a `receive` movement."""
    data = {
        "sku": sku,
        "name": name,
        "unit": unit,
        "price": Decimal(price),
        "track_stock": tracked,
        "reorder_level": Decimal(reorder),
    }
    product = services.create_product(business, data, actor)
    if Decimal(level) > 0:
        services.record_movement(
            business, product.id, "receive", Decimal(level), actor, reason="opening stock"
        )
    return product


def load() -> None:
    """Insert the demo products that are missing (idempotent by business + SKU)."""
    with create_app().app_context():
        for business, sku, name, unit, price, tracked, level, reorder in DEMO_PRODUCTS:
            exists = db.session.scalar(
                sa.select(Product.id).where(Product.business == business, Product.sku == sku)
            )
            if exists is not None:
                continue
            add_product(business, sku, name, unit, price, tracked, level, reorder)


if __name__ == "__main__":
    load()

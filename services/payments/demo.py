"""Demo sales: a few cash sales today in each business and one laundry order (idempotent)."""

import uuid
from decimal import Decimal

import sqlalchemy as sa

from .app import create_app
from .models import db
from .services.sales import record_sale

# Fixed idempotency keys: loading the demo twice replays instead of recording twice.
DEMO_SALES = (
    ("water", (("REFILL-20L", "2"),)),
    ("water", (("REFILL-10L", "1"), ("BOTTLE-20L", "1"))),
    ("laundry", (("WASH-KG", "3.5"),)),
    ("retail", (("SUGAR-1KG", "2"), ("BREAD-400G", "1"))),
)
DEMO_NAMESPACE = uuid.UUID("6f1c2a9e-0d4b-4c8e-9a51-3b7d2e8f4a10")


def load() -> None:
    """Record the demo sales; the laundry one is an order starting at 'received'."""
    with create_app().app_context():
        for number, (business, lines) in enumerate(DEMO_SALES):
            skus = [sku for sku, _ in lines]
            ids = dict(
                db.session.execute(
                    sa.text("SELECT sku, id FROM inventory.v_products WHERE business = :b AND sku = ANY(:s)"),
                    {"b": business, "s": skus},
                ).all()
            )
            key = uuid.uuid5(DEMO_NAMESPACE, f"demo-sale-{number}")
            record_sale(business, key, "cash", [(ids[sku], Decimal(qty)) for sku, qty in lines])


if __name__ == "__main__":
    load()

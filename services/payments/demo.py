"""Demo sales: a few cash sales today in each business, priced from inventory's view."""

from decimal import Decimal

import sqlalchemy as sa

from .app import create_app
from .models import Sale, db
from .services import record_cash_sale

DEMO_SALES = (
    ("water", (("REFILL-20L", "2"),)),
    ("water", (("REFILL-10L", "1"), ("BOTTLE-20L", "1"))),
    ("laundry", (("WASH-KG", "3.5"),)),
    ("retail", (("SUGAR-1KG", "2"), ("BREAD-400G", "1"))),
)


def load() -> None:
    """Record the demo sales once (skipped when any sale exists)."""
    with create_app().app_context():
        if db.session.scalar(sa.select(sa.func.count(Sale.id))):
            return
        for business, lines in DEMO_SALES:
            skus = [sku for sku, _ in lines]
            ids = dict(
                db.session.execute(
                    sa.text("SELECT sku, id FROM inventory.v_products WHERE business = :b AND sku = ANY(:s)"),
                    {"b": business, "s": skus},
                ).all()
            )
            record_cash_sale(business, [(ids[sku], Decimal(qty)) for sku, qty in lines])


if __name__ == "__main__":
    load()

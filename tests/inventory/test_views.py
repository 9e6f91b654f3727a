"""The published views are the contract: their columns, and that readers get nothing more."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError

from inventory.jobs import apply_sale_movements
from support.env import service_environment

PRODUCT_COLUMNS = [
    "id", "business", "sku", "name", "unit", "price", "track_stock", "stock_level", "reorder_level", "active",
    "updated_at", "cost",
]  # fmt: skip
MOVEMENT_COLUMNS = [
    "id", "product_id", "business", "kind", "quantity", "reason", "source_type", "source_id", "created_by",
    "created_at",
]  # fmt: skip


def reader(service):
    return sa.create_engine(
        service_environment()[f"{service.upper()}_DATABASE_URL"], poolclass=sa.pool.NullPool
    )


@pytest.mark.parametrize("service", ["payments", "reporting"])
def test_readers_see_the_contract_columns_and_the_signed_sale(make_product, service):
    sugar = make_product(stock="5")
    apply_sale_movements(
        {"event_id": "e", "sale_id": 1, "business": "retail",
         "lines": [{"sale_line_id": 9, "product_id": sugar.id, "quantity": "2"}]}
    )  # fmt: skip
    engine = reader(service)
    with engine.connect() as conn:
        products = conn.execute(sa.text("SELECT * FROM inventory.v_products"))
        assert list(products.keys()) == PRODUCT_COLUMNS
        assert products.one().stock_level == Decimal("3.000")
        moves = conn.execute(sa.text("SELECT * FROM inventory.v_stock_movements ORDER BY id"))
        assert list(moves.keys()) == MOVEMENT_COLUMNS
        sale = moves.all()[-1]
        assert (sale.kind, sale.quantity, sale.source_type, sale.source_id) == (
            "sale",
            Decimal("-2.000"),
            "sale_line",
            9,
        )
    for table in ("stock_movements", "price_history"):
        with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(sa.text(f"SELECT 1 FROM inventory.{table}"))
    engine.dispose()

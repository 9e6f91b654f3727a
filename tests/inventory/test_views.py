"""The published views are the contract: their columns, and that readers get nothing more."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from contracts import VIEWS, SalePaid, SoldLine
from sqlalchemy.exc import ProgrammingError

from inventory.jobs import apply_sale_movements
from support.env import service_environment

COLUMNS = {view.name: list(view.columns) for view in VIEWS}


def reader(service):
    return sa.create_engine(
        service_environment()[f"{service.upper()}_DATABASE_URL"], poolclass=sa.pool.NullPool
    )


@pytest.mark.parametrize("service", ["payments", "reporting"])
def test_readers_see_the_contract_columns_and_the_signed_sale(make_product, service):
    sugar = make_product(stock="5")
    apply_sale_movements(SalePaid(1, "retail", (SoldLine(9, sugar.id, Decimal("2")),)))
    engine = reader(service)
    with engine.connect() as conn:
        products = conn.execute(sa.text("SELECT * FROM inventory.v_products"))
        assert list(products.keys()) == COLUMNS["inventory.v_products"]
        assert products.one().stock_level == Decimal("3.000")
        moves = conn.execute(sa.text("SELECT * FROM inventory.v_stock_movements ORDER BY id"))
        assert list(moves.keys()) == COLUMNS["inventory.v_stock_movements"]
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

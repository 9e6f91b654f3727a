"""A service writes only its own schema; others read it only through published views."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError

from support.env import service_environment


def engine(service):
    return sa.create_engine(
        service_environment()[f"{service.upper()}_DATABASE_URL"], poolclass=sa.pool.NullPool
    )


def test_payments_cannot_write_inventory_tables():
    with engine("payments").connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(
            sa.text(
                "INSERT INTO inventory.products (business, sku, name, unit, price, track_stock) "
                "VALUES ('water', 'X', 'x', 'piece', 1, false)"
            )
        )


def test_payments_reads_inventory_only_through_the_view():
    with engine("payments").connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM inventory.v_products")).scalar() == 0
    with engine("payments").connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(sa.text("SELECT count(*) FROM inventory.products"))


def test_reporting_cannot_read_accounts():
    with engine("reporting").connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(sa.text("SELECT count(*) FROM accounts.users"))

"""A service writes only its own schema; others read it only through published views."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ProgrammingError

from common import migrate
from support.env import admin_url, service_environment


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


def test_bootstraps_at_once_all_succeed(monkeypatch):
    """Two deploy steps, or two checkouts' suites on one server, bootstrap together: roles are
    cluster-wide rows, so without the bootstrap's lock some fail with "tuple concurrently updated"."""
    for name, value in service_environment().items():
        if name.endswith("_DATABASE_URL"):
            monkeypatch.setenv(name, value)
    with ThreadPoolExecutor(8) as pool:
        runs = [pool.submit(migrate.bootstrap, admin_url("postgres")) for _ in range(8)]
        failures = [str(run.exception()) for run in runs if run.exception()]
    assert failures == []

"""A nightly dump restores into a fresh database that reconciles with the original."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from support.env import TEST_DB, admin_url, service_environment

ROOT = Path(__file__).resolve().parents[2]
RESTORED = f"{TEST_DB}_restored"
# What must survive a restore: every table's rows, the money, and stock against its ledger.
FIGURES = {
    "sales and their total": "SELECT count(*), coalesce(sum(total), 0) FROM payments.sales",
    "sale lines and their total": "SELECT count(*), coalesce(sum(line_total), 0) FROM payments.sale_lines",
    "stock levels": "SELECT count(*), coalesce(sum(stock_level), 0) FROM inventory.products",
    "stock ledger": "SELECT count(*), coalesce(sum(quantity), 0) FROM inventory.stock_movements",
    "users": "SELECT count(*), 0 FROM accounts.users",
}


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **service_environment(), "BACKUP_DATABASE": TEST_DB, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def table_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        tables = conn.execute(
            sa.text(
                "SELECT schemaname || '.' || tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
            )
        ).scalars()
        counts = {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in tables}
        counts.update({name: tuple(conn.execute(sa.text(query)).one()) for name, query in FIGURES.items()})
    engine.dispose()
    return counts


@pytest.fixture
def restored_databases():
    yield
    engine = sa.create_engine(admin_url("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        names = conn.execute(
            sa.text("SELECT datname FROM pg_database WHERE datname LIKE :n"), {"n": f"{RESTORED}%"}
        ).scalars()
        for name in list(names):
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    engine.dispose()


def test_dump_restores_into_a_fresh_database_and_reconciles(tmp_path, restored_databases):
    for service in ("accounts", "inventory", "payments"):
        __import__(f"{service}.demo", fromlist=["load"]).load()
    original = table_counts(admin_url())
    assert original["sales and their total"][0] > 0 and original["stock levels"][0] > 0

    old = tmp_path / f"{TEST_DB}-20200101T000000Z.dump"
    old.write_bytes(b"an old dump")
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(old, (month_ago, month_ago))
    run("backup.sh", BACKUP_DIR=str(tmp_path), BACKUP_KEEP_DAYS="14")
    [dump] = tmp_path.glob("*.dump")  # the new one; the month-old one was pruned
    assert dump != old

    run("restore.sh", str(dump), RESTORED)
    assert table_counts(admin_url(RESTORED)) == original

    # Restoring again keeps the database it replaces, under a dated name.
    replaced = run("restore.sh", str(dump), RESTORED)
    assert f"kept as {RESTORED}_before_" in replaced.stdout
    assert table_counts(admin_url(RESTORED)) == original

"""Database bootstrap and migrations.

`bootstrap` runs as a PostgreSQL superuser: it creates the database, one login role
per service and one schema per service owned by that role. Each service's Alembic
history then runs AS that service's role, so a service can only write its own schema;
other services read it only through views it grants them (its published contract).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from .service_list import SERVICES

SERVICES_DIR = Path(__file__).resolve().parent.parent


def role_name(service: str) -> str:
    """The PostgreSQL role a service connects as."""
    return f"tomtin_{service}"


def service_url(service: str) -> str:
    """The service's database URL from the environment."""
    name = f"{service.upper()}_DATABASE_URL"
    url = os.environ.get(name)
    if not url:
        sys.exit(f"missing required environment variable {name}")
    return url


def bootstrap(admin_url: str) -> None:
    """Create the database, the service roles and their schemas (idempotent)."""
    target = make_url(service_url(SERVICES[0]))
    dbname = target.database
    server = sa.create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        # Roles and their settings are cluster-wide rows: two bootstraps at once (a deploy step and a
        # test run, or two checkouts' suites on one server) fail with "tuple concurrently updated".
        # One at a time: the lock lives in the admin database every bootstrap connects to, held until
        # this connection closes, after the per-database settings below.
        conn.execute(sa.text("SELECT pg_advisory_lock(hashtext('tomtin bootstrap roles'))"))
        for service in SERVICES:
            url = make_url(service_url(service))
            role = url.username or role_name(service)
            exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
            verb = "ALTER" if exists else "CREATE"
            password = f" PASSWORD '{_quote(url.password)}'" if url.password else ""
            conn.execute(sa.text(f'{verb} ROLE "{role}" LOGIN{password}'))
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": dbname}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{dbname}"'))
        _bootstrap_schemas(make_url(admin_url).set(database=dbname), dbname)
    server.dispose()


def _bootstrap_schemas(database_url, dbname: str) -> None:
    db_engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with db_engine.connect() as conn:
        conn.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
        for service in SERVICES:
            role = make_url(service_url(service)).username or role_name(service)
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{service}" AUTHORIZATION "{role}"'))
            conn.execute(sa.text(f'ALTER ROLE "{role}" IN DATABASE "{dbname}" SET search_path = "{service}"'))
    db_engine.dispose()


def _quote(value: str) -> str:
    return value.replace("'", "''")


def alembic_config(service: str, url: str | None = None) -> Config:
    """Alembic config for one service's migration history."""
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or service_url(service)).replace("%", "%%"))
    cfg.attributes["schema"] = service
    return cfg


def upgrade(service: str, revision: str = "head") -> None:
    """Apply a service's migrations as that service's role."""
    command.upgrade(alembic_config(service), revision)


def main(argv: list[str] | None = None) -> None:
    """CLI: `python -m common.migrate bootstrap|upgrade [service ...]`."""
    parser = argparse.ArgumentParser(prog="python -m common.migrate")
    parser.add_argument("action", choices=("bootstrap", "upgrade", "all"))
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args(argv)
    if args.action in ("bootstrap", "all"):
        admin = os.environ.get("DATABASE_ADMIN_URL") or sys.exit(
            "missing required environment variable DATABASE_ADMIN_URL"
        )
        bootstrap(admin)
    if args.action in ("upgrade", "all"):
        for service in args.services:
            upgrade(service)


if __name__ == "__main__":
    main()

"""Create the test database from scratch with every migration, and wipe it between tests."""

from __future__ import annotations

import sqlalchemy as sa

from common import migrate

from .businesses import seed
from .env import SERVICES, TEST_DB, admin_url


def recreate() -> None:
    """Drop the test database, bootstrap roles and schemas, and run every migration."""
    server = sa.create_engine(admin_url("postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)'))
    server.dispose()
    migrate.bootstrap(admin_url("postgres"))
    for service in SERVICES:
        migrate.upgrade(service)


class Wiper:
    """Truncates every service table (not Alembic's) in one statement, then puts back the
    businesses every test works in (accounts' migration creates them; a wipe removes them)."""

    def __init__(self) -> None:
        self.engine = sa.create_engine(admin_url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT schemaname, tablename FROM pg_tables "
                    "WHERE schemaname = ANY(:s) AND tablename <> 'alembic_version'"
                ),
                {"s": list(SERVICES)},
            )
            self.tables = [f'"{schema}"."{table}"' for schema, table in rows]

    def wipe(self, attempts: int = 3) -> None:
        if not self.tables:
            return
        for attempt in range(attempts):
            try:
                with self.engine.connect() as conn:
                    conn.execute(sa.text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
                    seed(conn)
                return
            except sa.exc.OperationalError as exc:
                # A running stack's jobs read several tables at once; PostgreSQL may pick this
                # TRUNCATE as the victim of the lock cycle. Nothing was truncated: do it again.
                if "deadlock detected" not in str(exc) or attempt == attempts - 1:
                    raise

"""The connection pool: a connection PostgreSQL has closed is replaced before a request uses it."""

import time

import sqlalchemy as sa

from support.env import admin_url


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT pg_backend_pid()"))


def test_a_connection_the_server_ended_is_replaced_not_used(app_for):
    from inventory.models import db

    with app_for("inventory").app_context():
        engine = db.engine
        engine.dispose()  # nothing pooled from earlier tests: the next two checkouts share one
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first  # pooled and reused while it lives
        # What a PostgreSQL restart or an idle-session timeout does to every pooled connection.
        # Autocommit: PostgreSQL keeps one pg_stat_activity snapshot per transaction, so polling
        # inside one transaction would see the ended backend for ever (this failed a CI run).
        admin = sa.create_engine(admin_url(), poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            deadline = time.monotonic() + 5
            while conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": first}):
                assert time.monotonic() < deadline
                time.sleep(0.05)
        admin.dispose()
        # No error: the dead connection is noticed at checkout and a new one answers.
        second = _backend_pid(engine)
        assert second != first
        assert _backend_pid(engine) == second


def test_pool_size_comes_from_the_environment(app_for, monkeypatch):
    from common.app_factory import create_service_app
    from common.config import load_settings
    from common.db import make_db
    from support.env import service_environment

    monkeypatch.setenv("DB_POOL_SIZE", "3")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "1")
    db = make_db("inventory")
    app = create_service_app(load_settings("inventory", env=service_environment()), db, [])
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 1)

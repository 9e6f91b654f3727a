"""Debian's default pg_hba.conf (scram-sha-256 on 127.0.0.1, peer on the socket) lets tomtin in:
scripts/db-passwords.sh gives the superuser a generated password and bootstrap gives each
service role its own. Proven on a server of our own started with exactly those rules."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from common import migrate
from support.servers import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("accounts", "inventory", "payments", "reporting")

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="starts a PostgreSQL server as the postgres account"
)


@pytest.fixture
def scram_server():
    """A throwaway cluster with Debian's default authentication, on a free port."""
    work = Path(tempfile.mkdtemp(prefix="tomtin-scram-"))
    server = PostgresServer(work, auth=("--auth-local=peer", "--auth-host=scram-sha-256")).start()
    yield server.port, work
    server.stop()
    shutil.rmtree(work)


def url(role: str, password: str, port: int, database: str) -> str:
    return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{port}/{database}"


def can_log_in(dsn: str) -> bool:
    engine = sa.create_engine(dsn, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT current_user")) == sa.engine.make_url(dsn).username
    except sa.exc.OperationalError as exc:
        assert "password authentication failed" in str(exc) or "no password supplied" in str(exc)
        return False


def test_generated_passwords_log_every_role_in_under_scram(scram_server, monkeypatch):
    port, work = scram_server
    secrets = work / "postgres.env"
    env = {
        **os.environ,
        "TOMTIN_PG_SECRETS": str(secrets),
        "PGHOST": "127.0.0.1",
        "PGPORT": str(port),
        "TOMTIN_PG_SOCKET_DIR": str(work),
    }
    assert not can_log_in(url("postgres", "", port, "postgres")), "the server must ask for a password"

    for _ in range(2):  # the second run finds the file and the password already in place
        done = subprocess.run([ROOT / "scripts/db-passwords.sh"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(secrets)
    assert secrets.stat().st_mode & 0o777 == 0o600
    values = dict(line.split("=", 1) for line in secrets.read_text().splitlines() if not line.startswith("#"))
    password = {name: values[f"TOMTIN_PG_PASSWORD_{name.upper()}"] for name in ("admin", *SERVICES)}
    assert len(set(password.values())) == len(password), "every role has its own password"

    for service in SERVICES:
        monkeypatch.setenv(
            f"{service.upper()}_DATABASE_URL", url(f"tomtin_{service}", password[service], port, "tomtin")
        )
    migrate.bootstrap(url("postgres", password["admin"], port, "postgres"))

    for service in SERVICES:
        assert can_log_in(url(f"tomtin_{service}", password[service], port, "tomtin"))
    assert not can_log_in(url("tomtin_payments", password["accounts"], port, "tomtin"))

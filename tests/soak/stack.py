"""The whole system on a PostgreSQL cluster and a Redis server of its own, which scenarios may
restart, fill or stop (the machine's shared servers are never touched)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from common.auth import issue_token
from support.businesses import BUSINESSES
from support.env import MPESA_WEBHOOK_SECRET, SECRET
from support.servers import PostgresServer, RedisServer
from support.stack import ROOT, Stack

SERVICES = ("accounts", "inventory", "payments", "reporting")
DATABASE = "tomtin_soak"
# The rate limiter is not under test here: 10k callbacks must reach payments in bounded time.
HOOK_RATE = "2000r/s"


class SoakStack:
    """Private PostgreSQL and Redis, migrated, with the Procfile's processes on top."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="tomtin-soak-"))
        self.directory.chmod(0o755)
        (self.directory / "pg").mkdir()
        (self.directory / "redis").mkdir()
        self.postgres = PostgresServer(self.directory / "pg")
        # The shipped policy (noeviction) with a limit a scenario can reach.
        self.redis = RedisServer(self.directory / "redis", maxmemory="64mb")
        self.stack = Stack()
        self.token = issue_token(SECRET, 1, "soak-owner", "owner", list(BUSINESSES), 24 * 3600)[0]

    @property
    def url(self) -> str:
        return self.stack.url

    @property
    def hook(self) -> str:
        return f"{self.stack.url}/hooks/mpesa/{MPESA_WEBHOOK_SECRET}/stk"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def start(self) -> SoakStack:
        self.postgres.start()
        self.redis.start()
        env = self.stack.env
        env["DATABASE_ADMIN_URL"] = self.postgres.admin_url()
        for service in SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = (
                f"postgresql+psycopg://tomtin_{service}@127.0.0.1:{self.postgres.port}/{DATABASE}"
            )
        env["REDIS_QUEUE_URL"] = self.redis.url(0)
        env["REDIS_CACHE_URL"] = self.redis.url(1)
        env["GATEWAY_HOOK_RATE"] = HOOK_RATE
        env["GATEWAY_HOOK_BURST"] = "4000"
        # Pushes without a callback are queried every few seconds and never given up on here:
        # the callbacks scenario decides their outcome itself.
        env["MPESA_QUERY_AFTER_SECONDS"] = "5"
        env["MPESA_QUERY_MAX_BACKOFF_SECONDS"] = "5"
        env["MPESA_QUERY_MAX_ATTEMPTS"] = "100000"
        env["SIM_CALLBACK_DELAY_SECONDS"] = "0.2"
        self.python("-m", "common.migrate", "all")
        self.stack.start()
        self.stack.wait_ready(timeout=60)
        return self

    def python(self, *args: str) -> str:
        """Run the project's Python with the stack's environment; its stdout."""
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.stack.env, capture_output=True, text=True, timeout=120
        )
        if result.returncode:
            raise RuntimeError(result.stderr[-3000:])
        return result.stdout

    def product(self, business: str, sku: str, price: str = "50.00", opening: str = "1000000") -> int:
        """A stock-tracked product with a large opening stock (a receive movement in its ledger)."""
        code = (
            "from inventory.app import create_app\n"
            "from inventory.demo import add_product\n"
            "with create_app().app_context():\n"
            f"    print(add_product({business!r}, {sku!r}, {sku!r}, 'piece', {price!r}, True, {opening!r}, '0').id)\n"
        )
        return int(self.python("-c", code).strip().splitlines()[-1])

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.postgres.admin_url(DATABASE), poolclass=sa.pool.NullPool)

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self.stack.procs.items() if proc.poll() is None}

    def ready(self, timeout: float) -> bool:
        """Every service's /readyz answers 200 (PostgreSQL, Redis and a fresh heartbeat) in time."""
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                try:
                    url = f"http://127.0.0.1:{self.stack.port(service)}/readyz"
                    if requests.get(url, timeout=2).status_code == 200:
                        pending.discard(service)
                except requests.RequestException:
                    pass
            time.sleep(0.5)
        return not pending

    def stop(self) -> None:
        self.stack.stop()
        self.redis.stop()
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self.postgres.stop()

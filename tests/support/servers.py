"""Private Redis and PostgreSQL servers for tests that restart or fill them.

The machine's own servers are shared and must never be restarted, filled or reconfigured;
a fault test starts one of these on its own port, in its own temporary directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from redis import Redis

from .stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def shipped_redis_policy() -> str:
    """The eviction policy production runs with (compose/redis.conf)."""
    for line in (ROOT / "compose/redis.conf").read_text().splitlines():
        if line.startswith("maxmemory-policy"):
            return line.split()[1]
    raise AssertionError("redis.conf sets no maxmemory-policy")


class RedisServer:
    """A redis-server without persistence: `restart()` brings it back empty on the same port."""

    def __init__(self, directory: Path, maxmemory: str = "0") -> None:
        self.directory = directory
        self.maxmemory = maxmemory
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> Redis:
        return Redis(port=self.port, db=db)

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--maxmemory",
                self.maxmemory,
                "--maxmemory-policy",
                shipped_redis_policy(),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                self.client().ping()
                return self
            except Exception:  # noqa: BLE001 - still starting
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def squeeze(self) -> None:
        """Lower maxmemory below what is used: every write that needs memory is refused
        (filling alone leaves Redis at the limit only until the filler's buffers are freed)."""
        used = self.client().info("memory")["used_memory"]
        self.client().config_set("maxmemory", used // 2)

    def relieve(self) -> None:
        """Give the configured maxmemory back."""
        self.client().config_set("maxmemory", self.maxmemory)

    def restart(self, down_for: float = 0) -> None:
        """Stop, stay down `down_for` seconds, start again with nothing in it."""
        self.stop()
        time.sleep(down_for)
        self.start()


def fill_until_refused(client: Redis, prefix: str = "tomtin:filler") -> int:
    """Write expiring 16 KiB values until Redis refuses with OutOfMemoryError; how many fit."""
    from redis.exceptions import OutOfMemoryError

    written = 0
    chunk = b"x" * 16384
    while True:
        try:
            client.set(f"{prefix}:{written}", chunk, ex=3600)
        except OutOfMemoryError:
            return written
        written += 1


class PostgresServer:
    """A throwaway PostgreSQL cluster (trust on loopback) that a test may restart at will.

    Started as the postgres account when the tests run as root (PostgreSQL refuses root).
    `auth` replaces initdb's trust, e.g. Debian's defaults (peer on the socket, scram on TCP).
    """

    def __init__(self, directory: Path, auth: tuple[str, ...] = ("--auth=trust",)) -> None:
        self.auth = auth
        self.bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([self.bindir / tool, *args], user=self.user, check=True, capture_output=True)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            if self.user:
                shutil.chown(self.directory, self.user)
            self._run("initdb", "-D", str(self.data), "-U", "postgres", *self.auth, "--no-sync")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w", "start"
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_for: float = 0) -> None:
        """A fast shutdown (every connection is cut), `down_for` seconds down, then started again."""
        self.stop()
        time.sleep(down_for)
        self.start()

"""The bench's own PostgreSQL and Redis, run with the small-VPS profile's settings.

The machine's shared servers hold other checkouts' databases, so their memory says nothing about
tomtin's: `make bench` starts a PostgreSQL cluster (initdb into a scratch folder, its own port)
and a Redis of its own, with the very settings compose/docker-compose.small.yml gives the
production containers, and measures them with the rest (bench/memory.py).
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "compose" / "docker-compose.small.yml"
PG_BIN = Path(os.environ.get("TOMTIN_BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))


def small_profile() -> dict:
    """The small-VPS override file, parsed."""
    return yaml.safe_load(SMALL.read_text())


def postgres_settings() -> list[str]:
    """`-c name=value` pairs of the small profile's postgres command."""
    command = small_profile()["services"]["postgres"]["command"]
    return [arg for arg in command[1:]]


def redis_settings() -> list[str]:
    """The small profile's redis-server arguments after its config file (`--name value` pairs)."""
    command = small_profile()["services"]["redis"]["command"]
    return [arg for arg in command[2:]]


def app_environment() -> dict[str, str]:
    """What the small profile sets for the app processes (workers, threads, pools, the scheduler)."""
    return {k: str(v) for k, v in small_profile()["services"]["worker"]["environment"].items()}


def process_environments() -> dict[str, dict[str, str]]:
    """What the small profile sets for one app service beyond app_environment() (inventory's
    two workers), by the stack's process name."""
    common = app_environment()
    services = small_profile()["services"]
    found = {}
    for name, service in services.items():
        env = {k: str(v) for k, v in (service.get("environment") or {}).items()}
        own = {k: v for k, v in env.items() if common.get(k) != v}
        if own:
            found[name] = own
    return found


def small_stack():
    """A support.stack.Stack (not started) with the small profile's app settings, inventory's own
    among them, and the scheduler inside the worker process when the profile says so."""
    from support.stack import Stack, procfile

    profile = {**app_environment(), "LOG_LEVEL": "WARNING"}
    skip = {"scheduler"} if profile.get("WORKER_WITH_SCHEDULER") == "1" else set()
    stack = Stack(only=tuple(name for name in procfile() if name not in skip))
    stack.env.update(profile)
    stack.process_env.update(process_environments())
    stack.env.pop("PGAPPNAME", None)  # the bench's own connections carry it (bench/memory.py)
    return stack


def load_demo_data(stack) -> None:
    """The demo businesses, users and products the bench logs in with and sells."""
    for service in ("accounts", "inventory", "payments"):
        subprocess.run([sys.executable, "-m", f"{service}.demo"], env=stack.env, check=True, cwd=ROOT)


def _unused_port() -> int:
    """A port below the ephemeral range nobody listens on (support.stack.free_port's rule; that
    module cannot be imported yet: it reads the servers' addresses when it is)."""
    while True:
        port = random.randrange(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def _as_postgres() -> dict:
    """PostgreSQL refuses to run as root: Popen arguments that drop to its account when we are root."""
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


class PrivateServers:
    """A PostgreSQL cluster and a Redis, started on free ports and stopped (and deleted) after."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tomtin-bench-servers-"))
        self.root.chmod(0o755)
        self.pg_port, self.redis_port = _unused_port(), _unused_port()
        self.pg: subprocess.Popen | None = None
        self.redis: subprocess.Popen | None = None

    @property
    def pg_address(self) -> str:
        return f"127.0.0.1:{self.pg_port}"

    @property
    def redis_address(self) -> str:
        return f"127.0.0.1:{self.redis_port}"

    def start(self) -> None:
        data = self.root / "pg"
        data.mkdir()
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(data, account.pw_uid, account.pw_gid)
        subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            **_as_postgres(),
        )
        settings = postgres_settings()
        self.pg = subprocess.Popen(
            [
                str(PG_BIN / "postgres"),
                *("-D", str(data), "-p", str(self.pg_port), "-k", str(data)),
                *("-c", "listen_addresses=127.0.0.1"),
                *settings,
            ],
            **_as_postgres(),
            stdout=open(self.root / "pg.log", "ab"),  # noqa: SIM115 - lives as long as the server
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                *redis_settings(),
            ],
            stdout=open(self.root / "redis.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait()

    def _wait(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        pg_ready = [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.pg_port)]
        while subprocess.run(pg_ready).returncode != 0:
            if time.monotonic() > deadline or self.pg.poll() is not None:
                raise RuntimeError(f"bench PostgreSQL did not start:\n{(self.root / 'pg.log').read_text()}")
            time.sleep(0.2)
        ping = ["redis-cli", "-p", str(self.redis_port), "ping"]
        while subprocess.run(ping, capture_output=True).returncode != 0:
            if time.monotonic() > deadline or self.redis.poll() is not None:
                raise RuntimeError(f"bench Redis did not start:\n{(self.root / 'redis.log').read_text()}")
            time.sleep(0.1)

    def pids(self) -> list[int]:
        """The servers' top processes (PostgreSQL's postmaster: its backends are its children)."""
        return [p.pid for p in (self.pg, self.redis) if p is not None and p.poll() is None]

    def stop(self) -> None:
        for proc in (self.redis, self.pg):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown; Redis stops on it too
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)

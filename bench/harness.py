"""The benchmark harness: a context onto the running stack, load generators, and result rows.

Each area module (`bench/<area>.py`) exposes `run(ctx: Context) -> list[Row]`. A Row holds
every sample of a figure (one per repetition); the runner prints median and min–max.
"""

from __future__ import annotations

import concurrent.futures
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

REPEATS = 3
# application_name of the bench's own PostgreSQL connections (PGAPPNAME): not the deployment's.
BENCH_CLIENT = "tomtin-bench"


@dataclass
class Row:
    """One measured figure: its samples, unit and how to reproduce it."""

    area: str
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    note: str = ""
    command: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")


@dataclass
class Context:
    """What a benchmark may use: the gateway URL, service ports, tokens, the stack itself."""

    url: str
    stack: object
    tokens: dict[str, str]
    servers: object = None  # bench.deployment.PrivateServers: the deployment's PostgreSQL and Redis
    repeats: int = REPEATS

    def port(self, name: str) -> int:
        return self.stack.port(name)

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port(name)}"

    def headers(self, role: str = "owner") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@dataclass
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


_WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_TOTAL = re.compile(r"(\d+) requests in")
_WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, seconds: int = 5, headers: dict[str, str] | None = None) -> LoadResult:
    """Closed-loop HTTP load with wrk (Debian package) on loopback, bounded in time."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk; scripts/setup.sh does it)")
    threads = max(1, min(2, connections))
    cmd = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    latency = {q: float(v) * _UNIT_MS[u] for q, v, u in _WRK_LATENCY.findall(out)}
    errors = _WRK_ERRORS.search(out)
    return LoadResult(
        rps=float(_WRK_RPS.search(out).group(1)),
        p50_ms=latency.get("50", float("nan")),
        p99_ms=latency.get("99", float("nan")),
        requests=int(_WRK_TOTAL.search(out).group(1)),
        errors=int(errors.group(1)) if errors else 0,
    )


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(fn: Callable[[], object], count: int) -> list[float]:
    """Call fn sequentially `count` times; latencies in ms."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        fn()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def paced(fn: Callable[[int], object], rate_per_s: float, count: int, workers: int = 16) -> list[float]:
    """Open-loop load: start call i at i/rate seconds regardless of earlier ones; latencies in ms."""
    start = time.perf_counter() + 0.1

    def one(i: int) -> float:
        delay = start + i / rate_per_s - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        began = time.perf_counter()
        fn(i)
        return (time.perf_counter() - began) * 1000

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(count)))


def login(url: str, username: str, password: str) -> str:
    """A real token from accounts through the gateway."""
    response = requests.post(
        f"{url}/api/auth/login", json={"username": username, "password": password}, timeout=10
    )
    response.raise_for_status()
    return response.json()["token"]

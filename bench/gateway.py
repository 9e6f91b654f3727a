"""The gateway's micro-cache: a cached poll vs an uncached poll vs a static file of the same size.

All three go through Nginx with the same rendered template, at 20 and 200 concurrent clients:
- cached poll: the water products list with one token, so (nearly) every answer is a cache HIT;
- uncached poll: the same request with `Cache-Control: no-cache`, which skips the micro-cache
  (BYPASS) and reaches the inventory service (whose own Redis cache is warm);
- the ceiling: a file of exactly the poll's body size served by a second gateway (same
  template, same worker count) from a scratch PWA root, so the build output is left alone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import requests

from bench.harness import Context, Row, wrk

AREA = "gateway"
COMMAND = "make bench BENCH=gateway"
CLIENTS = (20, 200)
SECONDS = 4
PATH = "/api/inventory/businesses/water/products"


def _static_ceiling(ctx: Context, size: int):
    """A gateway-only stack serving a `size`-byte asset; returns (stack, url)."""
    from support.stack import Stack

    root = Path(tempfile.mkdtemp(prefix="tomtin-bench-pwa-"))
    (root / "assets").mkdir()
    (root / "assets" / "poll-sized.json").write_bytes(b"x" * size)
    root.chmod(0o755)
    (root / "assets").chmod(0o755)
    stack = Stack(only=("gateway",))
    stack.env.update({"PWA_ROOT": str(root), "GATEWAY_WORKERS": ctx.stack.env["GATEWAY_WORKERS"]})
    stack.start()
    return stack, f"{stack.url}/assets/poll-sized.json"


def _nginx_cpu_seconds(master: int) -> float:
    """CPU time (user + system) of an nginx master and its workers so far."""
    total = 0
    for pid in [master, *map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split())]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _measure(
    name: str, clients: int, url: str, headers: dict[str, str], repeats: int, nginx: int
) -> tuple[Row, Row, Row]:
    """req/s, p99 and nginx's CPU per request (steadier than req/s while other work shares the cores)."""
    rps = Row(AREA, f"{name}, {clients} clients", "req/s", command=COMMAND)
    p99 = Row(AREA, f"{name} p99, {clients} clients", "ms", command=COMMAND)
    cpu = Row(AREA, f"{name}: nginx CPU per request, {clients} clients", "µs", command=COMMAND)
    for _ in range(repeats):
        before = _nginx_cpu_seconds(nginx)
        result = wrk(url, clients, SECONDS, headers)
        cpu_seconds = _nginx_cpu_seconds(nginx) - before
        if result.errors:
            raise RuntimeError(f"{result.errors} non-2xx/3xx answers from {url}")
        rps.samples.append(result.rps)
        p99.samples.append(result.p99_ms)
        cpu.samples.append(cpu_seconds / result.requests * 1e6)
    return rps, p99, cpu


def _ratio(name: str, clients: int, top: Row, bottom: Row) -> Row:
    samples = [a / b for a, b in zip(top.samples, bottom.samples, strict=True)]
    return Row(AREA, f"{name}, {clients} clients", "×", samples, note="req/s ratio", command=COMMAND)


def run(ctx: Context) -> list[Row]:
    url = f"{ctx.url}{PATH}"
    headers = ctx.headers("owner")
    probe = requests.get(url, headers=headers, timeout=10)
    probe.raise_for_status()
    size = len(probe.content)
    static, static_url = _static_ceiling(ctx, size)
    gateway, static_gateway = ctx.stack.procs["gateway"].pid, static.procs["gateway"].pid
    rows: list[Row] = []
    try:
        for clients in CLIENTS:
            cached = _measure("cached poll", clients, url, headers, ctx.repeats, gateway)
            uncached = _measure(
                "uncached poll", clients, url, {**headers, "Cache-Control": "no-cache"}, ctx.repeats, gateway
            )
            ceiling = _measure(
                f"static file ({size} B)", clients, static_url, {}, ctx.repeats, static_gateway
            )
            for row in (*cached, *uncached, *ceiling):
                row.note = row.note or f"poll body {size} B, identity encoding"
            rows += [*cached, *uncached, *ceiling]
            rows.append(_ratio("cached ÷ uncached", clients, cached[0], uncached[0]))
            rows.append(_ratio("cached ÷ static ceiling", clients, cached[0], ceiling[0]))
    finally:
        static.stop()
    return rows

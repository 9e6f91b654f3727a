"""Poll figures the other areas do not cover: the no-cache-at-all baseline through the gateway,
and the bytes a 304 poll costs on the wire.

The baseline restarts the stack's inventory process with TOMTIN_CACHE_DISABLED=1 and polls
through Nginx with `Cache-Control: no-cache` (micro-cache BYPASS), so neither cache helps;
the process is restored with its cache afterwards. Compare with the gateway area's rows
(micro-cache HIT, Redis cache only, static ceiling) from the same run.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import requests

from bench.harness import Context, Row, wrk

AREA = "polls"
COMMAND = "make bench BENCH=gateway,polls"
PATH = "/api/inventory/businesses/water/products"
SECONDS = 4


def wire_bytes(url: str, headers: dict[str, str]) -> int:
    """Bytes of one whole HTTP/1.1 response (status line, headers and body) as received."""
    parts = urlsplit(url)
    lines = [f"GET {parts.path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return len(received)


def _restart_inventory(ctx: Context, cache_disabled: bool) -> None:
    stack = ctx.stack
    stack.stop_process("inventory")
    if cache_disabled:
        stack.env["TOMTIN_CACHE_DISABLED"] = "1"
    try:
        stack.start_process("inventory")
    finally:
        stack.env.pop("TOMTIN_CACHE_DISABLED", None)
    stack.wait_ready()


def run(ctx: Context) -> list[Row]:
    url = f"{ctx.url}{PATH}"
    headers = ctx.headers("owner")
    etag = requests.get(url, headers=headers, timeout=10).headers["ETag"]
    not_modified = Row(
        AREA,
        "304 poll, whole response on the wire",
        "bytes",
        command=COMMAND,
        note="status line + headers, empty body; target ≤ 400",
    )
    full = Row(
        AREA, "200 poll of the same list, whole response", "bytes", command=COMMAND, note="identity encoding"
    )
    for _ in range(ctx.repeats):
        not_modified.samples.append(wire_bytes(url, {**headers, "If-None-Match": etag}))
        full.samples.append(wire_bytes(url, headers))
    rows = [not_modified, full]
    _restart_inventory(ctx, cache_disabled=True)
    try:
        # Not measured: a restarted process opens its database connections and prepares its
        # statements on its first requests, which a running deployment did long ago.
        wrk(url, 20, 1, {**headers, "Cache-Control": "no-cache"})
        for clients in (20, 200):
            rps = Row(
                AREA,
                f"poll with no cache at all, {clients} clients",
                "req/s",
                command=COMMAND,
                note="gateway BYPASS + service without Redis cache",
            )
            p50 = Row(AREA, f"poll with no cache at all p50, {clients} clients", "ms", command=COMMAND)
            p99 = Row(
                AREA,
                f"poll with no cache at all p99, {clients} clients",
                "ms",
                command=COMMAND,
                note="target < 50 ms at 20 clients" if clients == 20 else "",
            )
            for _ in range(ctx.repeats):
                result = wrk(url, clients, SECONDS, {**headers, "Cache-Control": "no-cache"})
                rps.samples.append(result.rps)
                p50.samples.append(result.p50_ms)
                p99.samples.append(result.p99_ms)
            rows += [rps, p50, p99]
    finally:
        _restart_inventory(ctx, cache_disabled=False)
    return rows

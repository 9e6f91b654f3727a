"""The stock poll at 20 concurrent clients: Redis cache warm vs disabled (and the 304 path).

Both runs hit an inventory gunicorn directly (not the gateway), so Nginx's micro-cache does
not hide the difference: one is the stack's own process, the other a second gunicorn started
with TOMTIN_CACHE_DISABLED=1 on the same database. Seeds 200 tracked retail products first,
about the size of a small shop's catalogue.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import requests

from bench.harness import Context, Row, wrk
from support.stack import free_port

AREA = "inventory"
COMMAND = "make bench BENCH=inventory"
CLIENTS = 20
SECONDS = 5
SEED_PRODUCTS = 200
PATH = "/api/inventory/businesses/retail/stock"
NO_CACHE = "inventory_nocache"


def _seed() -> None:
    """Add tracked retail products with opening stock, through the service functions."""
    from common.auth import Principal
    from inventory import services
    from inventory.app import create_app

    owner = Principal(0, "bench", "owner", ("retail",), "bench", dt.datetime.now(dt.UTC))
    with create_app().app_context():
        for i in range(SEED_PRODUCTS):
            data = {
                "sku": f"BENCH-{i:03d}",
                "name": f"Bench item {i:03d}",
                "unit": "piece",
                "price": Decimal("99.50"),
                "track_stock": True,
                "reorder_level": Decimal("5"),
            }
            product = services.create_product("retail", data, owner)
            services.record_movement("retail", product.id, "receive", Decimal(i % 40 + 1), owner)


def _start_uncached(ctx: Context) -> str:
    """A second inventory gunicorn without the Redis cache; returns its base URL."""
    stack = ctx.stack
    port = free_port()
    command = f".venv/bin/gunicorn -c services/common/gunicorn_conf.py -b 127.0.0.1:{port} inventory.wsgi:app"
    stack.env["TOMTIN_CACHE_DISABLED"] = "1"
    try:
        stack.start_process(NO_CACHE, command)
    finally:
        del stack.env["TOMTIN_CACHE_DISABLED"]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/readyz", timeout=1).status_code == 200:
                return base
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"uncached inventory on {port} did not start:\n{stack.logs()}")
        time.sleep(0.2)


def _measure(rows: tuple[Row, Row, Row], url: str, headers: dict[str, str]) -> None:
    rps, p50, p99 = rows
    result = wrk(url, CLIENTS, SECONDS, headers)
    if result.errors:
        raise RuntimeError(f"{result.errors} non-2xx/3xx answers from {url}")
    rps.samples.append(result.rps)
    p50.samples.append(result.p50_ms)
    p99.samples.append(result.p99_ms)


def _rows(label: str, note: str) -> tuple[Row, Row, Row]:
    return (
        Row(AREA, f"stock poll, {label}: throughput", "req/s", note=note, command=COMMAND),
        Row(AREA, f"stock poll, {label}: p50", "ms", note=note, command=COMMAND),
        Row(AREA, f"stock poll, {label}: p99", "ms", note=note, command=COMMAND),
    )


def run(ctx: Context) -> list[Row]:
    _seed()
    headers = ctx.headers("owner")
    cached_url = f"{ctx.service_url('inventory')}{PATH}"
    first = requests.get(cached_url, headers=headers, timeout=10)
    first.raise_for_status()
    size = f"{len(first.json()['items'])} items, {len(first.content) // 1024} KiB; {CLIENTS} clients, direct to gunicorn"
    warm = _rows("Redis cache warm (200)", size)
    revalidate = _rows("cache warm + If-None-Match (304)", size)
    disabled = _rows("cache disabled (200)", size)
    uncached_url = f"{_start_uncached(ctx)}{PATH}"
    try:
        # Interleaved, so a burst of other load on the machine hits every variant alike.
        for _ in range(ctx.repeats):
            _measure(warm, cached_url, headers)
            _measure(revalidate, cached_url, {**headers, "If-None-Match": first.headers["ETag"]})
            _measure(disabled, uncached_url, headers)
    finally:
        ctx.stack.stop_process(NO_CACHE)
    return [*warm, *revalidate, *disabled]

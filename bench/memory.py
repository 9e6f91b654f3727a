"""Memory of the whole deployment (idle and under load), summed, beside the app processes alone.

Summed per-process RSS counts every page shared between a gunicorn master and its forked
workers (and every shared library) once per process, so the sum that matters is PSS
(proportional set size: a shared page is split between the processes sharing it, so PostgreSQL's
shared memory is counted once over its postmaster and backends); RSS is printed beside it.
The whole deployment is every process of the stack (Nginx master and workers, the gunicorn
masters and workers, the RQ worker and the scheduler) plus the bench's own PostgreSQL (postmaster,
its auxiliary processes and every backend) and Redis (bench/deployment.py). The Daraja simulator
is a development stand-in and is not counted.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from redis import Redis

from bench.harness import BENCH_CLIENT, Context, Row, wrk

AREA = "memory"
LOAD_SECONDS = 6
WHOLE_NOTE = "Nginx, gunicorn masters + workers, RQ worker(s), scheduler, PostgreSQL (all processes), Redis"
COMMAND = "make bench BENCH=memory"
NOT_APP = ("daraja_sim", "sms_sim")  # development stand-ins for Safaricom and the SMS provider


def _children(pid: int) -> list[int]:
    """pid and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def _memory_mb(pid: int, field: str) -> float:
    """One field (`Pss:` or `Rss:`) of /proc/<pid>/smaps_rollup, in MB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def app_pids(ctx: Context) -> list[int]:
    """The app's processes: services, worker, scheduler and gateway."""
    return [
        pid for name, proc in ctx.stack.procs.items() if name not in NOT_APP for pid in _children(proc.pid)
    ]


def deployment_pids(ctx: Context) -> list[int]:
    """The app's processes and the PostgreSQL and Redis they use (not the backends serving the
    bench's own connections: its seeding and checks, told apart by their application_name)."""
    servers = ctx.servers.pids() if ctx.servers is not None else []
    bench_backends = _bench_backends()
    return app_pids(ctx) + [pid for top in servers for pid in _children(top) if pid not in bench_backends]


def _bench_backends() -> set[int]:
    import sqlalchemy as sa

    from support.env import admin_url

    engine = sa.create_engine(admin_url(), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return set(
                conn.scalars(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": BENCH_CLIENT},
                )
            )
    finally:
        engine.dispose()


def memory_mb(pids: list[int], field: str = "Pss:") -> float:
    return sum(_memory_mb(pid, field) for pid in pids)


def app_memory_mb(ctx: Context, field: str = "Pss:") -> float:
    """Summed memory of the app's processes: services, worker, scheduler and gateway."""
    return memory_mb(app_pids(ctx), field)


def peak_during(
    ctx: Context, load: Callable[[], object], pids: Callable[[], list[int]] | None = None
) -> float:
    """The highest summed PSS of `pids()` (default: the app's) sampled every 0.5 s while `load` runs."""
    peak = 0.0
    stop = threading.Event()
    pids = pids or (lambda: app_pids(ctx))

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, memory_mb(pids()))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        load()
    finally:
        stop.set()
        sampler.join()
    return peak


def _mixed_load(ctx: Context) -> None:
    """20 clients polling past every cache and 4 recording sales, for LOAD_SECONDS."""
    url = f"{ctx.url}/api/inventory/businesses/water/products"
    sales_url = f"{ctx.url}/api/payments/businesses/water/sales"
    product = next(
        p for p in requests.get(url, headers=ctx.headers(), timeout=10).json()["items"] if p["track_stock"]
    )
    body = {"method": "cash", "lines": [{"product_id": product["id"], "quantity": "1"}]}
    stop = time.monotonic() + LOAD_SECONDS

    def sell(_: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            session.post(
                sales_url,
                json=body,
                headers={**ctx.headers(), "Idempotency-Key": str(uuid.uuid4())},
                timeout=10,
            )

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        sellers = [pool.submit(sell, i) for i in range(4)]
        wrk(url, 20, seconds=LOAD_SECONDS, headers={**ctx.headers(), "Cache-Control": "no-cache"})
        for seller in sellers:
            seller.result()


def run(ctx: Context) -> list[Row]:
    whole_idle = Row(AREA, "whole deployment PSS, idle (sum)", "MB", command=COMMAND, note=WHOLE_NOTE)
    whole_loaded = Row(
        AREA,
        "whole deployment PSS, under load (sum)",
        "MB",
        command=COMMAND,
        note=f"target ≤ 700 MB; peak (sampled every 0.5 s) while 20 clients poll with no-cache and 4 record sales, {LOAD_SECONDS} s",
    )
    whole_rss = Row(
        AREA, "whole deployment RSS, idle (sum; shared pages counted once per process)", "MB", command=COMMAND
    )
    for _ in range(ctx.repeats):
        pids = deployment_pids(ctx)
        whole_idle.samples.append(memory_mb(pids))
        whole_rss.samples.append(memory_mb(pids, "Rss:"))
        whole_loaded.samples.append(peak_during(ctx, lambda: _mixed_load(ctx), lambda: deployment_pids(ctx)))
    return [whole_idle, whole_loaded, whole_rss, *by_process(ctx), *_app_rows(ctx)]


def by_process(ctx: Context) -> list[Row]:
    """Where the memory is now: PSS of each part of the deployment (one sample, after the load)."""
    parts = {
        name: [pid for pid in _children(proc.pid)]
        for name, proc in ctx.stack.procs.items()
        if name not in NOT_APP
    }
    if ctx.servers is not None:
        bench_backends = _bench_backends()
        parts["postgresql (postmaster + backends)"] = [
            pid for pid in _children(ctx.servers.pg.pid) if pid not in bench_backends
        ]
        parts["redis"] = _children(ctx.servers.redis.pid)
    return [
        Row(AREA, f"PSS of {name} ({len(pids)} processes)", "MB", [memory_mb(pids)], command=COMMAND)
        for name, pids in parts.items()
    ]


def _app_rows(ctx: Context) -> list[Row]:
    idle = Row(
        AREA,
        "app processes PSS, idle (sum)",
        "MB",
        command=COMMAND,
        note="services, worker, scheduler, gateway",
    )
    idle_rss = Row(
        AREA, "app processes RSS, idle (sum; shared pages counted once per process)", "MB", command=COMMAND
    )
    loaded = Row(
        AREA, "app processes PSS, under load (sum)", "MB", command=COMMAND, note="peak while 50 clients poll"
    )
    redis_used = Row(AREA, "Redis used_memory", "MB", command=COMMAND)
    url = f"{ctx.url}/api/inventory/businesses/water/products"
    redis = Redis.from_url(os.environ["REDIS_QUEUE_URL"])
    for _ in range(ctx.repeats):
        idle.samples.append(app_memory_mb(ctx))
        idle_rss.samples.append(app_memory_mb(ctx, "Rss:"))
        loaded.samples.append(peak_during(ctx, lambda: wrk(url, 50, seconds=4, headers=ctx.headers())))
        redis_used.samples.append(redis.info("memory")["used_memory"] / 1024 / 1024)
    return [idle, idle_rss, loaded, redis_used]

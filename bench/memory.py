"""Resident memory of every app process (idle and under load), summed, and Redis's used_memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from redis import Redis

from bench.harness import Context, Row, wrk

AREA = "memory"
COMMAND = "make bench BENCH=memory"


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


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def app_rss_mb(ctx: Context) -> float:
    """Summed RSS of every process the stack started (services, workers, scheduler, gateway)."""
    return sum(_rss_mb(pid) for proc in ctx.stack.procs.values() for pid in _children(proc.pid))


def peak_rss_during(ctx: Context, load: Callable[[], object]) -> float:
    """The highest summed RSS sampled every 0.5 s while `load` runs."""
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, app_rss_mb(ctx))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        load()
    finally:
        stop.set()
        sampler.join()
    return peak


def run(ctx: Context) -> list[Row]:
    idle = Row(AREA, "app processes RSS, idle (sum)", "MB", command=COMMAND, note="target ≤ 600 MB")
    loaded = Row(
        AREA, "app processes RSS, under load (sum)", "MB", command=COMMAND, note="peak while 50 clients poll"
    )
    redis_used = Row(AREA, "Redis used_memory", "MB", command=COMMAND)
    url = f"{ctx.url}/api/inventory/businesses/water/products"
    redis = Redis.from_url(os.environ["REDIS_QUEUE_URL"])
    for _ in range(ctx.repeats):
        idle.samples.append(app_rss_mb(ctx))
        loaded.samples.append(peak_rss_during(ctx, lambda: wrk(url, 50, seconds=4, headers=ctx.headers())))
        redis_used.samples.append(redis.info("memory")["used_memory"] / 1024 / 1024)
    return [idle, loaded, redis_used]

"""Memory of every app process (idle and under load), summed, and Redis's used_memory.

Summed per-process RSS counts every page shared between a gunicorn master and its forked
workers (and every shared library) once per process, so the sum that matters is PSS
(proportional set size: a shared page is split between the processes sharing it); RSS is
printed beside it. The Daraja simulator is a development stand-in and is not counted.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from redis import Redis

from bench.harness import Context, Row, wrk

AREA = "memory"
COMMAND = "make bench BENCH=memory"
NOT_APP = ("daraja_sim",)


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


def app_memory_mb(ctx: Context, field: str = "Pss:") -> float:
    """Summed memory of the app's processes: services, worker, scheduler and gateway."""
    return sum(
        _memory_mb(pid, field)
        for name, proc in ctx.stack.procs.items()
        if name not in NOT_APP
        for pid in _children(proc.pid)
    )


def peak_during(ctx: Context, load: Callable[[], object]) -> float:
    """The highest summed PSS sampled every 0.5 s while `load` runs."""
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, app_memory_mb(ctx))
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
    idle = Row(AREA, "app processes PSS, idle (sum)", "MB", command=COMMAND, note="target ≤ 600 MB")
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

"""The small profile under a burst, inside a 1 GB memory limit: nothing may be killed for memory.

This area starts a second, fresh deployment of the small profile (its own PostgreSQL, Redis and
stack, seeded with the demo data) from inside a cgroup (v1 memory controller, or v2) limited to
1 GB, so every one of its processes is born there and charged from its first page (cgroup v1 does
not move the pages of a process moved in later); the bench then leaves the group, so the load
generators (wrk and the Python clients) are not counted. `systemd-run --scope -p MemoryMax=1G`
needs systemd as PID 1, which containers like this one lack. Then 20 clients poll the product
list past every cache (`Cache-Control: no-cache`, the heaviest poll) while 10 record cash sales of
a stock-tracked product, for BENCH_BURST_SECONDS (120). The kernel's OOM-kill count for the group
and the processes still alive afterwards say whether anything was killed for memory.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import threading
import time
import uuid
from pathlib import Path

import requests

from bench.deployment import PrivateServers, load_demo_data, small_stack
from bench.harness import Context, Row, login, wrk
from bench.memory import deployment_pids, memory_mb
from support import database

AREA = "burst"
COMMAND = "make bench BENCH=burst"
LIMIT = 1024 * 1024 * 1024
POLLERS = 20
SELLERS = 10
V1 = Path("/sys/fs/cgroup/memory")
V2 = Path("/sys/fs/cgroup/unified")


class MemoryBound:
    """A cgroup with a 1 GB memory limit that processes are moved into (and back out of)."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.version = 0
        self.home: Path | None = None
        self.how = "not bounded: no writable cgroup memory controller"
        for version, root, limit in ((1, V1, "memory.limit_in_bytes"), (2, V2, "memory.max")):
            path = root / f"tomtin-bench-{os.getpid()}"
            try:
                path.mkdir()
                (path / limit).write_text(str(LIMIT))
            except OSError:
                if path.exists():
                    path.rmdir()
                continue
            self.path, self.version, self.home = path, version, self._own_group(version, root)
            self.how = f"cgroup v{version} {path} ({limit} = 1 GiB)"
            return

    @staticmethod
    def _own_group(version: int, root: Path) -> Path:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if (version == 1 and "memory" in controllers.split(",")) or (version == 2 and controllers == ""):
                return root / path.lstrip("/")
        return root

    def add(self, pids: list[int]) -> None:
        if self.path is None:
            return
        for pid in pids:
            with contextlib.suppress(OSError):  # ended meanwhile
                (self.path / "cgroup.procs").write_text(str(pid))

    def leave(self, pid: int) -> None:
        """Move one process back where this one started (its later children are born there)."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                (self.home / "cgroup.procs").write_text(str(pid))

    def oom_kills(self) -> int:
        if self.path is None:
            return 0
        name, field = (
            ("memory.oom_control", "oom_kill") if self.version == 1 else ("memory.events", "oom_kill")
        )
        for line in (self.path / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == field:
                return int(value)
        return 0

    def peak_mb(self) -> float:
        if self.path is None:
            return float("nan")
        name = "memory.max_usage_in_bytes" if self.version == 1 else "memory.peak"
        try:
            return int((self.path / name).read_text()) / 1024 / 1024
        except OSError:
            return float("nan")

    def release(self) -> None:
        """Move every process back where this one lives, and remove the group."""
        if self.path is None:
            return
        for pid in (self.path / "cgroup.procs").read_text().split():
            with contextlib.suppress(OSError):
                (self.home / "cgroup.procs").write_text(pid)
        with contextlib.suppress(OSError):
            self.path.rmdir()


def _name(pid: int) -> str:
    """A process's title (PostgreSQL backends name their role and state there)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ").strip()[:80]
    except OSError:
        return str(pid)


def _seconds() -> int:
    return int(os.environ.get("BENCH_BURST_SECONDS", "120"))


def run(ctx: Context) -> list[Row]:
    import support.env

    bound = MemoryBound()
    bound.add([os.getpid()])
    servers = PrivateServers()
    saved = (support.env.PG, support.env.REDIS, dict(os.environ))
    stack = None
    try:
        servers.start()
        support.env.PG, support.env.REDIS = servers.pg_address, servers.redis_address
        os.environ.update(support.env.service_environment())
        database.recreate()
        stack = small_stack()
        stack.start()
        load_demo_data(stack)
        bound.leave(os.getpid())  # the load generators started from here on are outside the group
        fresh = Context(
            url=stack.url,
            stack=stack,
            tokens={"owner": login(stack.url, "owner", "owner-pass-2026")},
            servers=servers,
        )
        return _burst(fresh, bound)
    finally:
        bound.leave(os.getpid())
        if stack is not None:
            stack.stop()
        servers.stop()
        bound.release()
        support.env.PG, support.env.REDIS = saved[0], saved[1]
        os.environ.clear()
        os.environ.update(saved[2])


def _burst(ctx: Context, bound: MemoryBound) -> list[Row]:
    seconds = _seconds()
    url = f"{ctx.url}/api/inventory/businesses/water/products"
    sales_url = f"{ctx.url}/api/payments/businesses/water/sales"
    product = next(
        p for p in requests.get(url, headers=ctx.headers(), timeout=10).json()["items"] if p["track_stock"]
    )
    body = {"method": "cash", "lines": [{"product_id": product["id"], "quantity": "1"}]}
    pids = deployment_pids(ctx)
    names = {pid: _name(pid) for pid in pids}
    stop = time.monotonic() + seconds
    sold, refused, peak = [0], [0], [0.0]
    sampling = threading.Event()

    def sell(_: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            try:
                answer = session.post(
                    sales_url,
                    json=body,
                    headers={**ctx.headers(), "Idempotency-Key": str(uuid.uuid4())},
                    timeout=10,
                )
                ok = answer.status_code == 201
            except requests.RequestException:
                ok = False
            if ok:
                sold[0] += 1
            else:
                refused[0] += 1

    def sample() -> None:
        while not sampling.wait(1):
            peak[0] = max(peak[0], memory_mb(deployment_pids(ctx)))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with concurrent.futures.ThreadPoolExecutor(SELLERS) as pool:
            sellers = [pool.submit(sell, i) for i in range(SELLERS)]
            polls = wrk(url, POLLERS, seconds=seconds, headers={**ctx.headers(), "Cache-Control": "no-cache"})
            for seller in sellers:
                seller.result()
    finally:
        sampling.set()
        sampler.join()
        kills = bound.oom_kills()
        charged = bound.peak_mb()
        gone = [names[pid] for pid in pids if not Path(f"/proc/{pid}").exists()]
    note = f"{seconds} s; {bound.how}; a fresh small-profile deployment started inside it"
    return [
        Row(
            AREA,
            "processes killed for memory (OOM) during the burst",
            "",
            [kills],
            note=f"{note}; kernel oom_kill count of the group; deployment processes gone afterwards: {len(gone)} {gone}",
            command=COMMAND,
        ),
        Row(
            AREA,
            "peak memory charged to the 1 GB group",
            "MB",
            [charged],
            note=f"{note}; includes page cache",
            command=COMMAND,
        ),
        Row(
            AREA,
            "whole deployment PSS, peak during the burst",
            "MB",
            [peak[0]],
            note="sampled every second",
            command=COMMAND,
        ),
        Row(
            AREA,
            f"polls answered ({POLLERS} clients, no cache)",
            "req/s",
            [polls.rps],
            note=f"p99 {polls.p99_ms:.0f} ms; {polls.errors} non-2xx/3xx",
            command=COMMAND,
        ),
        Row(
            AREA,
            f"sales recorded ({SELLERS} clients)",
            "sales/s",
            [sold[0] / seconds],
            note=f"{sold[0]} recorded, {refused[0]} refused or failed",
            command=COMMAND,
        ),
    ]

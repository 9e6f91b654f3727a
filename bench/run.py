"""`make bench`: start the real stack with production settings, run every area, print the table.

Usage: python -m bench.run [area ...]   (areas: the bench/*.py modules with a run())
Results go to stdout and to bench/RESULTS.md, with the machine they ran on.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
import time
from pathlib import Path

from bench.harness import BENCH_CLIENT, Context, Row
from bench.targets import summary

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("gateway", "polls", "inventory", "payments", "reporting", "memory", "burst", "pwa")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return f"{os.cpu_count()} cores ({cpu}), {mem_kb // 1024 // 1024} GiB RAM, {platform.platform()}"


def fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| area | figure | median | min–max | unit | note | reproduce |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        spread = f"{fmt(min(row.samples))}–{fmt(max(row.samples))}" if row.samples else "n/a"
        median = fmt(row.median) if row.samples else "n/a"
        lines.append(
            f"| {row.area} | {row.name} | {median} | {spread} | {row.unit} | {row.note} | `{row.command}` |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    wanted = [area for arg in argv for area in arg.split(",") if area]
    areas = wanted or [a for a in AREAS if (ROOT / "bench" / f"{a}.py").exists()]
    sys.path[:0] = [str(ROOT / "services"), str(ROOT / "tests")]
    from bench.deployment import (
        PrivateServers,
        app_environment,
        load_demo_data,
        process_environments,
        small_stack,
    )

    # Its own PostgreSQL and Redis with the small profile's settings, started before support.env
    # reads where they are: their memory is part of the deployment's (bench/memory.py).
    servers = PrivateServers()
    servers.start()
    os.environ.update({"TOMTIN_TEST_PG": servers.pg_address, "TOMTIN_TEST_REDIS": servers.redis_address})
    profile = {**app_environment(), "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    rows: list[Row] = []
    stack = None
    try:
        from support import database
        from support.env import service_environment

        os.environ.update(service_environment())
        database.recreate()
        os.environ.update(profile)
        # The bench's own connections are told apart from the deployment's (bench/memory.py).
        os.environ["PGAPPNAME"] = BENCH_CLIENT
        stack = small_stack()
        stack.start()
        load_demo_data(stack)
        from bench.harness import login

        ctx = Context(
            url=stack.url,
            stack=stack,
            tokens={
                "owner": login(stack.url, "owner", "owner-pass-2026"),
                "staff": login(stack.url, "staff", "staff-pass-2026"),
            },
            servers=servers,
        )
        for area in areas:
            module = importlib.import_module(f"bench.{area}")
            print(f"bench: {area} ...", flush=True)
            area_started = time.monotonic()
            try:
                rows += module.run(ctx)
            except Exception as exc:  # noqa: BLE001 - one broken area must not hide the others
                rows.append(Row(area, f"FAILED: {type(exc).__name__}: {exc}", "", []))
            print(f"bench: {area} took {time.monotonic() - area_started:.0f} s", flush=True)
    finally:
        if stack is not None:
            stack.stop()
        servers.stop()
    settings = ", ".join(f"{k}={v}" for k, v in sorted(app_environment().items()))
    settings += "".join(
        f"; {name}: " + ", ".join(f"{k}={v}" for k, v in sorted(env.items()))
        for name, env in sorted(process_environments().items())
    )
    report = (
        f"# tomtin benchmark results\n\nRun {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; "
        f"whole run {time.monotonic() - started:.0f} s; load on the machine (1/5/15 min) at the end: "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}. Small-VPS profile "
        f"(compose/docker-compose.small.yml: its PostgreSQL and Redis settings on a private PostgreSQL "
        f"and Redis, and {settings}). Each figure is the median of its samples (min–max beside it). "
        f"Produced by `make bench`.\n\n## Targets\n\n{summary(rows)}\n\n## Every figure\n\n{table(rows)}\n"
    )
    print(report)
    (ROOT / "bench" / "RESULTS.md").write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

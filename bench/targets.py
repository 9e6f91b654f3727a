"""The summary table printed first: each target of the small-VPS profile, its figure, met or short.

Each target names the row (area and figure name) whose median it judges, so the table always
shows the figure measured in the same run.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import Row


@dataclass(frozen=True)
class Target:
    text: str
    area: str
    name: str
    compare: Callable[[float, float], bool]
    bound: float
    unit: str


TARGETS = (
    Target(
        "whole deployment PSS under load ≤ 700 MB",
        "memory",
        "whole deployment PSS, under load (sum)",
        operator.le,
        700,
        "MB",
    ),
    Target(
        "cached poll ÷ static file ≥ 0.6, 20 clients",
        "gateway",
        "cached ÷ static ceiling, 20 clients",
        operator.ge,
        0.6,
        "×",
    ),
    Target(
        "poll with no cache at all p99 < 50 ms, 20 clients",
        "polls",
        "poll with no cache at all p99, 20 clients",
        operator.lt,
        50,
        "ms",
    ),
    Target(
        "STK callback ack p99 < 20 ms at 50/s",
        "payments",
        "STK callback ack p99 at 50/s (gateway)",
        operator.lt,
        20,
        "ms",
    ),
    Target(
        "worker keeps up: sales with stock applied ÷ sales recorded ≥ 0.9",
        "payments",
        "sales with stock applied ÷ sales recorded",
        operator.ge,
        0.9,
        "×",
    ),
    Target(
        "burst (20 polling + 10 selling, 2 min, 1 GB limit): processes killed for memory = 0",
        "burst",
        "processes killed for memory (OOM) during the burst",
        operator.eq,
        0,
        "",
    ),
)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def summary(rows: list[Row]) -> str:
    """A markdown table: target, measured median (min–max), met / short / not measured."""
    found = {(row.area, row.name): row for row in rows}
    lines = ["| target | measured (median, min–max) | |", "|---|---|---|"]
    for target in TARGETS:
        row = found.get((target.area, target.name))
        if row is None or not row.samples:
            lines.append(f"| {target.text} | not measured in this run | — |")
            continue
        verdict = "met" if target.compare(row.median, target.bound) else "**short**"
        spread = f"{_fmt(min(row.samples))}–{_fmt(max(row.samples))}"
        lines.append(f"| {target.text} | {_fmt(row.median)} {target.unit} ({spread}) | {verdict} |")
    return "\n".join(lines)

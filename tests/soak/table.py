"""The soak table: one row per scenario, measured figures only."""

from __future__ import annotations

from .scenarios import Row

HEADER = (
    "| scenario | requests | faults injected | lost | doubled | 5xx (of which 500) | recovered without a restart | s |",
    "|---|---:|---:|---:|---:|---:|---|---:|",
)


def markdown(rows: list[Row]) -> str:
    lines = list(HEADER)
    for row in rows:
        lines.append(
            f"| {row.scenario} | {row.requests:,} | {row.faults:,} | {row.lost} | {row.doubled} | "
            f"{row.server_errors} ({row.unhandled}) | {'yes' if row.recovered else 'NO'} | {row.seconds} |"
        )
    notes = [f"- {row.scenario}: {row.details}" for row in rows if row.details]
    return "\n".join(lines + ([""] + notes if notes else []))

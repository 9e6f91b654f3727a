"""`flask --app reporting.app rollup --from 2026-01-01 --to 2026-01-31`: rebuild roll-ups by hand."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from common.errors import DomainError
from common.timeutil import business_day

from . import services


@click.command("rollup")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: yesterday).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: yesterday).")
@click.option(
    "--business", multiple=True, help="A business code (or 'unassigned'); repeatable; default: all."
)
@with_appcontext
def rollup_command(first: dt.datetime | None, last: dt.datetime | None, business: tuple[str, ...]) -> None:
    """Roll up closed Nairobi days (idempotent), printing progress per month."""
    yesterday = business_day() - services.DAY
    start = first.date() if first else yesterday
    end = last.date() if last else yesterday

    def progress(chunk_first: dt.date, chunk_last: dt.date, done: int, total: int) -> None:
        click.echo(f"rolled {chunk_first}..{chunk_last}  {done}/{total} days ({done * 100 // total}%)")

    try:
        unknown = set(business) - set(services.rolled())
        if unknown:
            raise click.UsageError(f"unknown business: {', '.join(sorted(unknown))}")
        rows = services.rollup_range(start, end, business or None, progress)
    except DomainError as exc:
        raise click.UsageError(f"{exc.detail}: {exc.errors}") from exc
    click.echo(f"done: {rows} business-days rolled up")

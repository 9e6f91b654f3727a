"""reporting jobs run in-process, and the rollup CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factories
import known

from reporting import jobs

DAY = dt.timedelta(days=1)


def test_sales_changed_rerolls_a_closed_day_and_only_invalidates_today(ctx, history):
    yesterday = history.today - DAY
    assert jobs.scheduled_rollup()["rows"] == 4
    at = known.midnight_utc(yesterday) + dt.timedelta(hours=1)
    history.add_payment("water", Decimal("500.00"), at)
    event = {"event_id": "e1", "business": "water", "sale_id": 1, "created_at": at.isoformat()}
    assert jobs.sales_changed(event) == "rerolled"
    assert jobs.sales_changed(event) == "rerolled"  # a duplicate delivery changes nothing more
    stored = factories.rows(
        "SELECT receipts_amount FROM reporting.daily_rollups WHERE business = 'water' AND day = :d",
        d=yesterday,
    )
    assert stored == [{"receipts_amount": history.daily(("water",), yesterday)["receipts_amount"]}]
    today_event = {**event, "created_at": dt.datetime.now(dt.UTC).isoformat()}
    assert jobs.sales_changed(today_event) == "today"


def test_rollup_cli_rebuilds_a_range_with_progress(app, history):
    first, last = history.today - 3 * DAY, history.today - DAY
    result = app.test_cli_runner().invoke(
        args=["rollup", "--from", first.isoformat(), "--to", last.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert f"rolled {first}..{last}  3/3 days (100%)" in result.output
    assert factories.rows("SELECT count(*) AS n FROM reporting.daily_rollups")[0]["n"] == 12
    refused = app.test_cli_runner().invoke(
        args=["rollup", "--from", history.today.isoformat(), "--to", history.today.isoformat()]
    )
    assert refused.exit_code != 0 and "closed days" in refused.output

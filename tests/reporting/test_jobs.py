"""reporting jobs run in-process, and the rollup CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factories
import known
from contracts import SaleChanged

from reporting import jobs

DAY = dt.timedelta(days=1)


def test_sales_changed_rerolls_a_closed_day_and_only_invalidates_today(ctx, history):
    yesterday = history.today - DAY
    assert jobs.scheduled_rollup()["rows"] == 4
    at = known.midnight_utc(yesterday) + dt.timedelta(hours=1)
    history.add_payment("water", Decimal("500.00"), at)
    event = SaleChanged("water", 1, at)
    assert jobs.sales_changed(event) == "rerolled"
    assert jobs.sales_changed(event) == "rerolled"  # a duplicate delivery changes nothing more
    stored = factories.rows(
        "SELECT receipts_amount FROM reporting.daily_rollups WHERE business = 'water' AND day = :d",
        d=yesterday,
    )
    assert stored == [{"receipts_amount": history.daily(("water",), yesterday)["receipts_amount"]}]
    today_event = SaleChanged("water", 1, dt.datetime.now(dt.UTC))
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


def test_repair_rerolls_closed_days_whose_rollup_differs_from_their_sales(ctx, history):
    yesterday = history.today - DAY
    jobs.scheduled_rollup()
    assert jobs.repair_rollups() == {"rollups": 0}
    # A late sale whose SaleChanged event was lost, and a roll-up edited by hand.
    history.add_payment("water", Decimal("500.00"), known.midnight_utc(yesterday) + dt.timedelta(hours=2))
    factories.execute(
        "UPDATE reporting.daily_rollups SET sales_count = sales_count + 1 WHERE business = 'retail' AND day = :d",
        d=yesterday,
    )
    assert jobs.repair_rollups() == {"rollups": 2}
    stored = factories.rows(
        "SELECT business, receipts_amount, sales_count FROM reporting.daily_rollups WHERE day = :d ORDER BY 1",
        d=yesterday,
    )
    live = {b: history.daily((b,), yesterday) for b in ("retail", "water")}
    assert [(r["receipts_amount"], r["sales_count"]) for r in stored if r["business"] in live] == [
        (live[b]["receipts_amount"], live[b]["sales_count"]) for b in ("retail", "water")
    ]
    assert jobs.repair_rollups() == {"rollups": 0}

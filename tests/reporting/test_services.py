"""Roll-ups, range reports and the dashboard against figures computed from the raw rows."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import factories
import known
import pytest
from redis import Redis

from common.cache import invalidate
from common.errors import InvalidInput
from reporting import services
from reporting.sql import DAILY_COLUMNS

DAY = dt.timedelta(days=1)
ALL = known.BUSINESSES


def rollups() -> list[dict]:
    cols = ", ".join(("business", "day", *DAILY_COLUMNS))
    return (
        factories.rows(f"SELECT {cols} FROM reporting.daily_rollups ORDER BY business, day")
        + factories.rows(
            "SELECT business, day, product_id, name, quantity, revenue, lines FROM reporting.product_daily_rollups"
            " ORDER BY 1, 2, 3"
        )
        + factories.rows(
            "SELECT business, day, product_id, kind, quantity, movements FROM reporting.stock_daily_rollups ORDER BY 1, 2, 3, 4"
        )
    )


def test_rollup_rows_equal_the_raw_rows_including_midnight_edges(ctx, history):
    first, yesterday = history.today - 3 * DAY, history.today - DAY
    assert services.rollup_days(first, yesterday) == 3 * 4  # three businesses and "unassigned"
    for row in factories.rows("SELECT * FROM reporting.daily_rollups"):
        expected = history.daily((row["business"],), row["day"])
        assert {c: row[c] for c in DAILY_COLUMNS} == expected, row
    # The sale at 20:59:59 UTC belongs to the Nairobi day before the one at 21:00:00 UTC.
    edge = known.midnight_utc(yesterday)
    assert known.nairobi_day(edge - dt.timedelta(seconds=1)) == yesterday - DAY
    assert any(s["created_at"] == edge - dt.timedelta(seconds=1) for s in history.sales)
    products = factories.rows(
        "SELECT business, day, product_id, quantity, revenue, lines FROM reporting.product_daily_rollups"
    )
    for row in products:
        assert history.by_product((row["business"],), row["day"], row["day"])[row["product_id"]] == (
            row["quantity"],
            row["revenue"],
            row["lines"],
        )
    assert len(products) == sum(len(history.by_product(ALL, d, d)) for d in (first, first + DAY, yesterday))


def test_rerunning_a_rollup_changes_nothing(ctx, history):
    first, yesterday = history.today - 3 * DAY, history.today - DAY
    services.rollup_days(first, yesterday)
    before = rollups()
    services.rollup_days(first, yesterday)
    services.rollup_range(first, yesterday)
    assert rollups() == before and before


def test_rollup_refuses_open_and_reversed_days(ctx, history):
    with pytest.raises(InvalidInput):
        services.rollup_days(history.today, history.today)
    with pytest.raises(InvalidInput):
        services.rollup_days(history.today - DAY, history.today - 2 * DAY)


def test_range_reports_equal_the_raw_rows(ctx, history):
    first, today = history.today - 3 * DAY, history.today
    services.rollup_days(first, today - DAY)
    for businesses in (("retail",), services.scope("all", ALL)):
        revenue = services.revenue_report(businesses, first, today)
        days = [first + i * DAY for i in range(4)]
        assert [r["day"] for r in revenue["rows"]] == days
        for row in revenue["rows"]:
            exp = history.daily(businesses, row["day"])
            assert (row["revenue"], row["sales_count"], row["cash"], row["mpesa"]) == (
                exp["revenue"],
                exp["sales_count"],
                exp["cash"],
                exp["mpesa"],
            )
        assert revenue["totals"]["revenue"] == sum(history.daily(businesses, d)["revenue"] for d in days)

        methods = {r["method"]: r for r in services.method_report(businesses, first, today)["rows"]}
        for method in ("cash", "mpesa"):
            amount = sum(history.daily(businesses, d)[method] for d in days)
            count = sum(history.daily(businesses, d)[f"{method}_count"] for d in days)
            revenue = sum(history.daily(businesses, d)["revenue"] for d in days)
            share = (amount * 100 / revenue).quantize(Decimal("0.1"))
            assert methods[method] == {
                "method": method,
                "amount": amount,
                "sales_count": count,
                "share_percent": share,
            }

        for row in services.mpesa_report(businesses, first, today)["rows"]:
            exp = history.daily(businesses, row["day"])
            assert row == {
                "day": row["day"],
                "mpesa_sales": exp["mpesa"],
                "mpesa_sales_count": exp["mpesa_count"],
                "receipts_amount": exp["receipts_amount"],
                "receipts_count": exp["receipts_count"],
                "difference": exp["receipts_amount"] - exp["mpesa"],
                "unmatched_count": exp["unmatched_count"],
                "unmatched_amount": exp["unmatched_amount"],
                "needs_review_count": exp["needs_review_count"],
            }

        expected = history.by_product(businesses, first, today)
        products = services.product_report(businesses, first, today)["rows"]
        assert {r["product_id"]: (r["quantity"], r["revenue"], r["lines"]) for r in products} == expected
        top = services.run_report("top-products", businesses, first, today, limit=1)["rows"]
        assert top[0]["revenue"] == max(v[1] for v in expected.values())

        stock = services.stock_report(businesses, first, today)["rows"]
        exp_stock = history.stock(businesses, first, today)
        assert {r["product_id"] for r in stock} == set(exp_stock)
        for row in stock:
            expected_row = exp_stock[row["product_id"]]
            for kind in (*services.STOCK_KINDS, "net"):
                assert row[kind] == expected_row.get(kind, 0), (row, kind)


def test_closed_days_come_from_rollups_and_today_is_live(ctx, history):
    today = history.today
    services.rollup_days(today - 3 * DAY, today - DAY)
    factories.execute(
        "UPDATE reporting.daily_rollups SET revenue = 1000000 WHERE business = 'water' AND day = :d",
        d=today - DAY,
    )
    invalidate("reports", "water")
    rows = {r["day"]: r for r in services.revenue_report(("water",), today - DAY, today)["rows"]}
    assert rows[today - DAY]["revenue"] == Decimal("1000000")
    history.add_sale(
        "water", "cash", history.now, [(next(iter(history.products)), "Refill 20 L", "1", "50.00")]
    )
    rows = {r["day"]: r for r in services.revenue_report(("water",), today - DAY, today)["rows"]}
    assert rows[today]["revenue"] == history.daily(("water",), today)["revenue"]


def test_closed_days_without_rollups_are_computed_live(ctx, history):
    first = history.today - 3 * DAY
    services.rollup_days(first, first)  # only the first day rolled up
    report = services.revenue_report(ALL, first, history.today - DAY)
    assert [r["revenue"] for r in report["rows"]] == [
        history.daily(ALL, first + i * DAY)["revenue"] for i in range(3)
    ]


def test_a_late_payment_on_a_closed_day_shows_after_the_reroll(ctx, history):
    yesterday = history.today - DAY
    services.rollup_days(yesterday - DAY, yesterday)
    before = services.revenue_report(("laundry",), yesterday, yesterday)["totals"]["revenue"]
    at = known.midnight_utc(yesterday) + dt.timedelta(hours=5)
    history.add_sale(
        "laundry",
        "mpesa",
        at,
        [(next(p for p, v in history.products.items() if v["business"] == "laundry"), "Wash", "2", "120.00")],
    )
    history.add_payment("laundry", Decimal("240.00"), at)
    assert (
        services.revenue_report(("laundry",), yesterday, yesterday)["totals"]["revenue"] == before
    )  # still rolled
    assert services.sales_changed("laundry", at) == "rerolled"
    assert services.revenue_report(("laundry",), yesterday, yesterday)["totals"][
        "revenue"
    ] == before + Decimal("240.00")
    mpesa = services.mpesa_report(("laundry",), yesterday, yesterday)["rows"][0]
    assert mpesa["receipts_amount"] == history.daily(("laundry",), yesterday)["receipts_amount"]
    assert factories.rows("SELECT * FROM reporting.dirty_days") == []


def test_dashboard_equals_the_raw_rows(ctx, history):
    today = history.today
    for label, businesses in (("water", ("water",)), ("laundry", ("laundry",)), ("all", ALL)):
        board = services.dashboard(label, businesses)
        exp = history.daily(businesses, today)
        assert board["business_day"] == today
        assert (board["revenue"], board["sales_count"], board["cash"], board["mpesa"]) == (
            exp["revenue"],
            exp["sales_count"],
            exp["cash"],
            exp["mpesa"],
        )
        since = known.midnight_utc(today - 6 * DAY)
        recent = [p for p in history.payments if p["business"] in businesses and p["created_at"] >= since]
        assert board["pending_mpesa"] == len([p for p in recent if p["status"] == "pending"])
        assert board["needs_review_mpesa"] == len([p for p in recent if p["status"] == "needs_review"])
    low = history.low_stock_count(ALL)
    assert low >= 1 and services.dashboard("all", ALL)["low_stock_count"] == low  # inactive ignored
    orders = services.dashboard("laundry", ("laundry",))["laundry_orders"]
    start = known.midnight_utc(today)
    expected = {}
    for s in history.sales:
        if s["business"] == "laundry" and (
            s["created_at"] >= start or s["order_status"] not in ("collected", "cancelled")
        ):
            expected[s["order_status"]] = expected.get(s["order_status"], 0) + 1
    assert {k: v for k, v in orders.items() if v} == expected
    assert services.dashboard("water", ("water",))["laundry_orders"] == {}


def test_the_next_dashboard_read_after_a_sale_shows_it_without_any_event(ctx, history):
    first = services.dashboard("retail", ("retail",))
    pid = next(p for p, v in history.products.items() if v["name"] == "Bread")
    sale_id = history.add_sale(
        "retail", "mpesa", history.now, [(pid, "Bread", "1", "65.00")], status="pending"
    )
    pending = services.dashboard("retail", ("retail",))
    assert pending["revenue"] == first["revenue"] and pending["sales_count"] == first["sales_count"]
    factories.update_sale(sale_id, status="paid")
    paid = services.dashboard("retail", ("retail",))
    assert paid["revenue"] == first["revenue"] + Decimal("65.00")
    assert paid["mpesa"] == first["mpesa"] + Decimal("65.00")


def test_roll_due_rolls_yesterday_once_then_only_dirty_days_and_warms(ctx, history):
    yesterday = history.today - DAY
    cache = Redis.from_url(os.environ["REDIS_CACHE_URL"])
    assert cache.keys("tomtin:reporting:reports:*") == []
    done = services.roll_due()
    assert done["rolled_from"] == yesterday.isoformat() and done["rows"] == 4
    # Warmed: the last 7 and 30 days of each business and data set (daily, products, stock, expenses).
    assert len(cache.keys("tomtin:reporting:reports:*")) == 2 * 4 * 4
    # Rolled after the grace period: nothing to redo (within it, yesterday is redone once more).
    in_grace = dt.datetime.now(dt.UTC) < known.midnight_utc(history.today) + services.ROLLUP_GRACE
    assert services.roll_due()["rows"] == (4 if in_grace else 0)
    factories.execute(
        "INSERT INTO reporting.dirty_days (business, day) VALUES ('water', :d)", d=yesterday - DAY
    )
    assert services.roll_due()["dirty"] == 1
    assert factories.rows(
        "SELECT day FROM reporting.daily_rollups WHERE business = 'water' ORDER BY day"
    ) == [{"day": yesterday - DAY}, {"day": yesterday}]


def test_range_checks(ctx, history):
    today = history.today
    with pytest.raises(InvalidInput):
        services.check_range(today, today - DAY)
    with pytest.raises(InvalidInput):
        services.check_range(today, today + DAY)
    with pytest.raises(InvalidInput):
        services.check_range(today - 500 * DAY, today)


def test_a_change_that_leaves_updated_at_alone_still_reaches_the_dashboard(ctx, history):
    pid = next(p for p, v in history.products.items() if v["name"] == "Bread")
    sale_id = history.add_sale(
        "retail", "cash", history.now, [(pid, "Bread", "1", "65.00")], status="pending"
    )
    before = services.dashboard("retail", ("retail",))
    factories.execute("UPDATE payments.sales SET status = 'paid' WHERE id = :id", id=sale_id)
    assert services.dashboard("retail", ("retail",))["revenue"] == before["revenue"] + Decimal("65.00")


def test_unmatched_c2b_without_a_business_shows_only_in_the_owners_all(ctx, history):
    first, today = history.today - 3 * DAY, history.today
    services.rollup_days(first, today - DAY)
    unmatched = [p for p in history.payments if p["status"] == "unmatched"]
    assert unmatched and all(p["business"] == known.UNASSIGNED for p in unmatched)
    everything = services.mpesa_report(services.scope("all", ALL), first, today)["totals"]
    assert everything["unmatched_count"] == len(unmatched)
    assert everything["unmatched_amount"] == sum(p["amount"] for p in unmatched)
    assert services.mpesa_report(ALL, first, today)["totals"]["unmatched_count"] == 0


def test_roll_due_catches_up_missed_days(ctx, history):
    services.rollup_days(history.today - 3 * DAY, history.today - 3 * DAY)
    done = services.roll_due()
    assert done["rolled_from"] == (history.today - 2 * DAY).isoformat() and done["rows"] == 2 * 4


def test_a_day_of_the_largest_sales_rolls_up_without_overflow(ctx):
    # 101 sales at the most one sale can total: more than numeric(14,2) can hold.
    day = dt.date(2026, 3, 2)
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    product = factories.product("retail", "Gold bar", price="99999999.00", track_stock=False)
    for _ in range(101):
        factories.sale("retail", "cash", at, [(product, "Gold bar", "100", "99999999.99")])
    services.rollup_days(day, day, ("retail",))
    [row] = factories.rows(
        "SELECT revenue FROM reporting.daily_rollups WHERE business = 'retail' AND day = :day", day=day
    )
    [line] = factories.rows(
        "SELECT quantity, revenue FROM reporting.product_daily_rollups WHERE day = :day", day=day
    )
    assert row["revenue"] == line["revenue"] == Decimal("9999999999.00") * 101
    assert line["quantity"] == Decimal("10100")


def test_a_sale_on_account_is_revenue_but_neither_cash_nor_mpesa(ctx):
    customer = factories._insert(
        "INSERT INTO payments.customers (phone, name) VALUES ('254712000009', 'Mama Deni') RETURNING id"
    )
    sale_id = factories.sale("water", "cash", dt.datetime.now(dt.UTC), total="300.00")
    factories.update_sale(sale_id, method="account", customer_id=customer)
    board = services.dashboard("water", ("water",))
    assert (board["revenue"], board["cash"], board["mpesa"], board["on_account"]) == (
        Decimal("300.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("300.00"),
    )

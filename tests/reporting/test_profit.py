"""Profit and expenses: the reports equal sums over the raw rows, closed days from roll-ups."""

import datetime as dt
from decimal import Decimal

import factories
import pytest
from known import midnight_utc, nairobi_day

from reporting import services

DAY = dt.timedelta(days=1)
D = Decimal


@pytest.fixture
def shop(ctx):
    """Two closed days and today: costed and uncosted lines, an unpaid sale, expenses."""
    now = dt.datetime.now(dt.UTC)
    today = nairobi_day(now)
    sugar = factories.product("retail", "Sugar", "180.00")
    refill = factories.product("water", "Refill", "50.00", track_stock=False)
    rent, transport = factories.expense_category("Rent"), factories.expense_category("Transport")
    at = {n: midnight_utc(today - n * DAY) + dt.timedelta(hours=9) for n in (2, 1, 0)}
    at[0] = min(at[0], now - dt.timedelta(seconds=1))
    costed = [
        (2, "retail", sugar, "Sugar", "3", "180.00", "150.00"),  # 540 - 450
        (1, "retail", sugar, "Sugar", "1", "180.00", "155.50"),  # 180 - 155.50
        (1, "water", refill, "Refill", "4", "50.00", "20.00"),  # 200 - 80
        (0, "water", refill, "Refill", "2", "50.00", None),  # 100, no cost known
    ]
    sales = {}
    for n, business, pid, name, quantity, price, cost in costed:
        sales[n, business] = factories.sale(business, "cash", at[n], [(pid, name, quantity, price)])
        if cost:
            factories.cost_lines(sales[n, business], cost)
    factories.refund(sales[1, "water"], "water", "30.00", at[1])  # apart from revenue, out of profit
    voided = factories.sale("retail", "cash", at[1], [(sugar, "Sugar", "1", "180.00")])
    factories.cost_lines(voided, "150.00")
    factories.update_sale(voided, status="voided", voided_at=at[1])  # out of revenue and cost
    pending = factories.sale("retail", "mpesa", at[1], [(sugar, "Sugar", "9", "180.00")], status="pending")
    factories.cost_lines(pending, "150.00")  # not paid: neither revenue nor cost
    factories.expense("retail", rent, "300.00", at[2], "mpesa")
    factories.expense("water", transport, "45.50", at[1])
    factories.expense("retail", transport, "20.00", at[0])
    return today, {"sugar": sugar, "refill": refill, "rent": rent, "transport": transport}


def test_profit_reports_equal_the_raw_rows(shop):
    today, ids = shop
    first = today - 2 * DAY
    services.rollup_days(first, today - DAY)
    services.rollup_days(first, today - DAY)  # idempotent
    businesses = services.scope("all", ("water", "laundry", "retail"))

    daily = services.profit_report(businesses, first, today)
    assert [(r["day"], r["revenue"], r["refunds"], r["cost"], r["gross_profit"], r["expenses"], r["net_profit"],
             r["voided"], r["uncosted_lines"]) for r in daily["rows"]] == [
        (first, D("540.00"), D(0), D("450.00"), D("90.00"), D("300.00"), D("-210.00"), D(0), 0),
        (today - DAY, D("380.00"), D("30.00"), D("235.50"), D("114.50"), D("45.50"), D("69.00"), D("180.00"), 0),
        (today, D("100.00"), D(0), D(0), D("100.00"), D("20.00"), D("80.00"), D(0), 1),
    ]  # fmt: skip
    assert (daily["totals"]["gross_profit"], daily["totals"]["net_profit"]) == (D("304.50"), D("-61.00"))

    by_business = {
        r["business"]: r for r in services.profit_business_report(businesses, first, today)["rows"]
    }
    assert (by_business["retail"]["gross_profit"], by_business["retail"]["net_profit"]) == (
        D("114.50"),
        D("-205.50"),
    )
    assert (by_business["water"]["gross_profit"], by_business["water"]["net_profit"]) == (
        D("190.00"),
        D("144.50"),
    )

    products = services.profit_product_report(businesses, first, today)["rows"]
    assert [(r["product_id"], r["quantity"], r["cost"], r["gross_profit"], r["uncosted_lines"]) for r in products] == [
        (ids["refill"], D("6.000"), D("80.00"), D("220.00"), 1),
        (ids["sugar"], D("4.000"), D("605.50"), D("114.50"), 0),
    ]  # fmt: skip

    expenses = services.expense_report(businesses, first, today)
    assert [(r["name"], r["amount"], r["expenses"]) for r in expenses["rows"]] == [
        ("Rent", D("300.00"), 1),
        ("Transport", D("65.50"), 2),
    ]
    assert expenses["totals"] == {"amount": D("365.50"), "expenses": 3}


def test_profit_csv_and_owner_only(app, auth, shop):
    today, _ = shop
    client = app.test_client()
    url = f"/api/reports/businesses/retail/reports/profit?from={today - DAY}&to={today}"
    csv = client.get(url + "&format=csv", headers=auth())
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == (
        "day,revenue,refunds,cost,returned_cost,damaged_cost,gross_profit,expenses,net_profit,voided,uncosted_lines"
    )
    assert lines[1] == f"{today - DAY},180.00,0.00,155.50,0.00,0.00,24.50,0.00,24.50,180.00,0"
    assert client.get(url, headers=auth("staff")).status_code == 403


def test_days_rolled_before_refund_costs_counted_are_re_rolled_once(ctx):
    """Migration 0006: a closed day stored when the cost of goods handed back was not yet counted
    (a refund paid on it) is marked and re-rolled exactly once; days without a refund are left."""
    from alembic import command

    from common import migrate
    from reporting.models import db

    now = dt.datetime.now(dt.UTC)
    today = nairobi_day(now)
    d1, d2 = today - DAY, today - 2 * DAY
    nine = {d: midnight_utc(d) + dt.timedelta(hours=9) for d in (d1, d2)}
    sugar = factories.product("retail", "Sugar", "180.00")
    sale = factories.sale("retail", "cash", nine[d2], [(sugar, "Sugar", "3", "180.00")])
    factories.cost_lines(sale, "150.00")
    factories.refund(sale, "retail", "360.00", nine[d1], [("1", False), ("1", True)])
    services.rollup_days(d2, d1)
    db.session.remove()  # no open transaction may hold the tables the migration alters

    config = migrate.alembic_config("reporting")
    command.downgrade(config, "0005")  # the roll-ups as the code before it wrote them
    command.upgrade(config, "head")
    dirty = factories.rows("SELECT business, day FROM reporting.dirty_days")
    assert dirty == [{"business": "retail", "day": d1}]
    stored = "SELECT returned_cost, damaged_cost FROM reporting.daily_rollups WHERE business = 'retail' AND day = :d"
    assert factories.rows(stored, d=d1) == [{"returned_cost": 0, "damaged_cost": 0}]  # stale until re-rolled

    assert services.roll_due()["dirty"] == 1
    assert factories.rows(stored, d=d1) == [{"returned_cost": D("150.00"), "damaged_cost": D("150.00")}]
    assert services.roll_due()["dirty"] == 0  # once
    businesses = services.scope("all", ("water", "laundry", "retail"))
    day = {r["day"]: r for r in services.profit_report(businesses, d2, d1)["rows"]}
    # 540 sold at cost 450; 360 given back, one sugar back on the shelf (150 out of the cost).
    assert (day[d2]["gross_profit"], day[d1]["gross_profit"]) == (D("90.00"), D("-210.00"))
    products = services.profit_product_report(businesses, d2, d1)["rows"]
    assert [(r["refunds"], r["returned_cost"], r["damaged_cost"], r["gross_profit"]) for r in products] == [
        (D("360.00"), D("150.00"), D("150.00"), D("-120.00"))
    ]
